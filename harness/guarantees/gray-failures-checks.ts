/**
 * The gray-failures checks: pure, staged (probe rates -> the fault is the one the guarantee is about
 * -> main property -> secondary properties), bounds from the guarantee's thresholds
 * (gray-failures-catalogue.ts). Window conventions as everywhere (check-helpers.ts): durations from
 * a fault run from its issue; "must keep working" uses [issued, healed).
 *
 * Probe names: `apiserver-readyz` / `apiserver-write` (target = node, each apiserver directly),
 * `api-read` / `api-write` (target 'lb'), `etcd-write` (target = member), leader polls, haproxy
 * backend states, and the metrics faults record about themselves (faults/fault-metrics.ts).
 */
import { availabilityStats, invokedIn, longestOutage, timeAvailability, type TimeWindow } from '../checks/availability.js';
import { durability } from '../checks/durability.js';
import { electionAfter, leaderChanges, stepDownAfter } from '../checks/election.js';
import { firstEjectedAfter } from '../checks/observed-states.js';
import { runStages, verdict, type Verdict } from '../checks/verdict.js';
import { DROPPED_PACKETS_METRIC, PAUSED_MS_METRIC, SEEN_PACKETS_METRIC } from '../faults/fault-metrics.js';
import type { FaultWindow, History, LeaderObservation, Operation } from '../probes/history.js';
import { baselineWindow, heldMs, ms, outerWindow, pct, rateStage, requireFaults, threshold, type CheckedGuarantee } from './check-helpers.js';
import type { ApiserverEtcdClient } from './gray-failures-catalogue.js';
import { openIssuesFor, type StallSignature } from './known-issues.js';

/** What the checks need besides the history and thresholds. */
export interface GrayCheckContext {
  readonly apiserverEtcd: Readonly<Record<string, ApiserverEtcdClient>>;
  readonly kubernetesVersion: string;
  readonly apiservers: readonly string[];
  readonly members: readonly string[];
}

/** A check over a history. */
export type GrayCheck = (history: History, g: CheckedGuarantee, ctx: GrayCheckContext) => Verdict;

export const GRAY_PROBE_NAMES = {
  readyz: 'apiserver-readyz',
  apiserverWrite: 'apiserver-write',
  apiRead: 'api-read',
  apiWrite: 'api-write',
  etcdWrite: 'etcd-write',
} as const;

const N = GRAY_PROBE_NAMES;

function throughLb(history: History): Operation[] {
  return [...history.operations({ probe: N.apiRead, target: 'lb' }), ...history.operations({ probe: N.apiWrite, target: 'lb' })];
}

/** The end of the window in which the fault was held (heal issued, else healed, else history end). */
function heldUntil(f: FaultWindow, history: History): number {
  return f.healIssuedAtMs ?? f.healedAtMs ?? history.endMs();
}

/**
 * A stall beyond its bound: a finding naming the open upstream report(s) with this signature for the
 * version under test, else a failure. Either way the numbers travel with it.
 */
export function stallVerdict(
  g: CheckedGuarantee,
  ctx: Pick<GrayCheckContext, 'kubernetesVersion'>,
  signature: StallSignature,
  what: string,
  measured: Record<string, number>,
  limits: Record<string, number>,
): Verdict {
  const open = openIssuesFor(signature, ctx.kubernetesVersion);
  if (open.length === 0) {
    return verdict(g.id, 'fail', what, measured, limits);
  }
  return verdict(g.id, 'finding', `${what}: this is ${open.map((i) => `${i.id} (${i.title}, open)`).join('; ')}, reproduced on ${ctx.kubernetesVersion}`, measured, limits);
}

/** Member name -> the etcd id it reported for itself. */
function memberIds(obs: readonly LeaderObservation[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const o of obs) {
    if (o.memberId !== undefined && !ids.has(o.member)) {
      ids.set(o.member, o.memberId);
    }
  }
  return ids;
}

/** The leader in power at an instant (id, and its node when the pollers told us its id). */
function leaderAt(history: History, atMs: number): { leaderId: string; member: string | undefined } | undefined {
  const prev = electionAfter(history.leaderObservations(), atMs).previous;
  if (prev === undefined) {
    return undefined;
  }
  return { leaderId: prev.leaderId, member: [...memberIds(history.leaderObservations())].find(([, id]) => id === prev.leaderId)?.[0] };
}

/** Leader changes first observed inside a window. */
function changesIn(history: History, w: TimeWindow): number {
  return leaderChanges(history.leaderObservations()).filter((c) => c.atMs >= w.startMs && c.atMs < w.endMs).length;
}

const etcdRates = (g: CheckedGuarantee) => (history: History): Verdict =>
  rateStage(history, g, [{ kind: 'ops', probe: N.etcdWrite, minName: 'minWriteOpsPerSecond' }]);

/** Status polls per member in the baseline (every member must be resolved, or elections are not countable). */
function pollRateStage(history: History, g: CheckedGuarantee): Verdict {
  const base = history.phase('baseline');
  if (base === undefined) {
    return verdict(g.id, 'inconclusive', 'no baseline phase recorded: cannot judge the status poll rate');
  }
  const min = threshold(g, 'minPollsPerSecond');
  const seconds = (base.endMs - base.startMs) / 1_000;
  for (const m of history.polledMembers()) {
    const n = [...history.leaderObservations(m), ...history.statusErrors(m)].filter((o) => o.atMs >= base.startMs && o.atMs < base.endMs).length;
    if (seconds <= 0 || n < Math.floor(min * seconds)) {
      return verdict(g.id, 'inconclusive', `the status poller of ${m} ran at ${(n / Math.max(seconds, 1e-9)).toFixed(1)}/s in the baseline, below ${min.toFixed(1)}/s: elections could be missed`, {}, { minPollsPerSecond: min });
    }
  }
  return history.polledMembers().length === 0 ? verdict(g.id, 'inconclusive', 'no etcd status polls recorded') : verdict(g.id, 'pass', '');
}

// ---- 1. blackhole -------------------------------------------------------------------------------

/** Whether this apiserver has nothing but its local member (stacked etcd, the kubeadm default). */
export function onlyLocalEtcd(c: ApiserverEtcdClient | undefined): boolean {
  if (c === undefined) {
    return true;
  }
  const hosts = c.etcdServers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return hosts.length === 1 && /\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(`${hosts[0]}/`);
}

/** Blackhole of a member's client port from its apiservers: see the guarantee's statement. */
export const checkEtcdBlackholeApiserverEjected: GrayCheck = (history, g, ctx) =>
  runStages(g.id, [
    () =>
      rateStage(history, g, [
        { kind: 'ops', probe: N.readyz, minName: 'minDirectOpsPerSecond', perTarget: true },
        { kind: 'ops', probe: N.apiRead, minName: 'minApiOpsPerSecond' },
        { kind: 'polls', poller: 'lb-backend', minName: 'minLbPollsPerSecond' },
      ]),
    () => {
      const r = requireFaults(history, g);
      if (!r.ok) {
        return r.verdict;
      }
      const bad = r.faults.find((f) => f.targets.length !== 1 || !ctx.apiservers.includes(f.targets[0] ?? ''));
      return bad === undefined ? verdict(g.id, 'pass', '') : verdict(g.id, 'inconclusive', `fault ${bad.faultId} hit ${bad.targets.join(', ') || 'nobody'}, not exactly one control-plane member`);
    },
    () => {
      const measured: Record<string, number> = {};
      const limits: Record<string, number> = {
        maxReadyWithoutEtcdMs: threshold(g, 'maxReadyWithoutEtcdMs'),
        maxGrayEjectionMs: threshold(g, 'maxGrayEjectionMs'),
        maxLbRecoveryMs: threshold(g, 'maxLbRecoveryMs'),
        minOtherApiserversSuccessRatio: threshold(g, 'minOtherApiserversSuccessRatio'),
        maxLeaderChanges: threshold(g, 'maxLeaderChanges'),
      };
      const lb = throughLb(history);
      const reasons: string[] = [];
      let worstOther = 1;
      for (const [i, f] of history.faultWindows().entries()) {
        const m = f.targets[0] ?? '';
        const tag = history.faultWindows().length === 1 ? '' : `.${i + 1}`;
        const held: TimeWindow = { startMs: f.issuedAtMs, endMs: heldUntil(f, history) };
        const readyz = history.operations({ probe: N.readyz, target: m });
        // Per-apiserver success ratio (direct writes, else /readyz) while held: the faulted one and the others.
        for (const a of ctx.apiservers) {
          const writes = history.operations({ probe: N.apiserverWrite, target: a });
          const st = availabilityStats(writes.length > 0 ? writes : history.operations({ probe: N.readyz, target: a }), held);
          measured[`successRatio.${a}${tag}`] = st.successRatio ?? 0;
          if (a !== m && st.successRatio !== undefined) {
            worstOther = Math.min(worstOther, st.successRatio);
          }
        }
        measured[`leaderChanges${tag}`] = changesIn(history, outerWindow(f, history));
        if (measured[`leaderChanges${tag}`]! > limits['maxLeaderChanges']!) {
          return verdict(g.id, 'fail', `the leader changed ${measured[`leaderChanges${tag}`]} time(s) while only the client port of ${m} was blackholed: the peer port was untouched, nothing should have moved it`, measured, limits);
        }
        // LB: from the fault's issue until every request through the LB succeeds again.
        const lbHeld = invokedIn(lb, held);
        const lastBad = [...lbHeld].reverse().find((o) => o.outcome !== 'ok');
        const recovered = lastBad === undefined ? undefined : lbHeld.find((o) => o.invokedAtMs > lastBad.invokedAtMs && o.outcome === 'ok');
        const lbRecoveredMs = lastBad === undefined ? 0 : (recovered?.completedAtMs ?? held.endMs) - f.issuedAtMs;
        measured[`lbRecoveredMs${tag}`] = lbRecoveredMs;
        measured[`lbFailedRequests${tag}`] = lbHeld.filter((o) => o.outcome === 'fail').length;
        measured[`lbHungRequests${tag}`] = lbHeld.filter((o) => o.outcome === 'unknown').length;
        measured[`lbRequests${tag}`] = lbHeld.length;
        if (!onlyLocalEtcd(ctx.apiserverEtcd[m])) {
          // An apiserver with other members to go to: its own requests must recover within the keepalive bound.
          const failover = threshold(g, 'maxClientFailoverMs');
          limits['maxClientFailoverMs'] = failover;
          const out = longestOutage(history.operations({ probe: N.apiserverWrite, target: m }), held);
          measured[`apiserverLongestOutageMs${tag}`] = out?.durationMs ?? 0;
          if ((out?.durationMs ?? 0) > failover) {
            return stallVerdict(g, ctx, 'apiserver-stuck-on-blackholed-member', `requests through ${m}'s apiserver hung for ${ms(out?.durationMs ?? 0)} although its --etcd-servers list other members, over the ${ms(failover)} keepalive bound`, measured, limits);
          }
          reasons.push(`${m}'s apiserver moved to another member (longest outage ${ms(out?.durationMs ?? 0)})`);
        } else {
          // Stacked: its only etcd is gone. It must say so (/readyz) and the LB must stop routing to it.
          const lastReady = [...invokedIn(readyz, held)].reverse().find((o) => o.outcome === 'ok');
          const readyForMs = lastReady === undefined ? 0 : lastReady.completedAtMs - f.issuedAtMs;
          measured[`readyWithoutEtcdMs${tag}`] = readyForMs;
          const ej = firstEjectedAfter(history.backendStates(), m, f.issuedAtMs);
          const ejected = ej !== undefined && ej.atMs <= held.endMs;
          measured[`ejectionMs${tag}`] = ejected ? ej.atMs - f.issuedAtMs : held.endMs - f.issuedAtMs;
          if (readyForMs > limits['maxReadyWithoutEtcdMs']!) {
            return stallVerdict(g, ctx, 'apiserver-healthy-without-etcd', `${m}'s apiserver still answered /readyz ok ${ms(readyForMs)} after its only etcd member was blackholed (bound ${ms(limits['maxReadyWithoutEtcdMs']!)})`, measured, limits);
          }
          if (!ejected) {
            const heldFor = held.endMs - f.issuedAtMs;
            if (heldFor < limits['maxGrayEjectionMs']!) {
              return verdict(g.id, 'inconclusive', `the blackhole of ${m} was held only ${ms(heldFor)}, less than the ${ms(limits['maxGrayEjectionMs']!)} ejection bound: hold it longer`, measured, limits);
            }
            return stallVerdict(g, ctx, 'apiserver-healthy-without-etcd', `haproxy never ejected ${m} in the ${ms(heldFor)} its etcd was blackholed (its /readyz failed after ${ms(readyForMs)}): its /healthz kept passing`, measured, limits);
          }
          if (measured[`ejectionMs${tag}`]! > limits['maxGrayEjectionMs']!) {
            return verdict(g.id, 'fail', `haproxy ejected ${m} only ${ms(measured[`ejectionMs${tag}`]!)} after its etcd was blackholed, over the ${ms(limits['maxGrayEjectionMs']!)} bound`, measured, limits);
          }
          reasons.push(`${m}: unready after ${ms(readyForMs)}, ejected after ${ms(measured[`ejectionMs${tag}`]!)}`);
        }
        if (lbRecoveredMs > limits['maxLbRecoveryMs']!) {
          return verdict(g.id, 'fail', `requests through the LB failed or hung until ${ms(lbRecoveredMs)} after the blackhole of ${m} (${measured[`lbFailedRequests${tag}`]} failed, ${measured[`lbHungRequests${tag}`]} hung), over the ${ms(limits['maxLbRecoveryMs']!)} bound`, measured, limits);
        }
        // After the heal: the faulted apiserver ready again within the hold plus the reconnect bound.
        const healAt = f.healIssuedAtMs ?? f.healedAtMs;
        if (healAt !== undefined) {
          const back = readyz.find((o) => o.invokedAtMs >= healAt && o.outcome === 'ok');
          const bound = heldMs(f, history) + threshold(g, 'maxReadyAfterHealBeyondHoldMs');
          limits[`maxReadyAfterHealMs${tag}`] = bound;
          if (back === undefined) {
            return verdict(g.id, 'fail', `${m}'s apiserver never answered /readyz ok after the blackhole was removed`, measured, limits);
          }
          measured[`readyAfterHealMs${tag}`] = back.completedAtMs - healAt;
          if (back.completedAtMs - healAt > bound) {
            return verdict(g.id, 'fail', `${m}'s apiserver was ready again only ${ms(back.completedAtMs - healAt)} after the heal, over the ${ms(bound)} bound`, measured, limits);
          }
        }
        reasons[reasons.length - 1] += `; through the LB all requests succeeded again after ${ms(lbRecoveredMs)} (${measured[`lbFailedRequests${tag}`]} failed, ${measured[`lbHungRequests${tag}`]} hung of ${lbHeld.length})`;
      }
      measured['otherApiserversMinSuccessRatio'] = worstOther;
      if (worstOther < limits['minOtherApiserversSuccessRatio']!) {
        return verdict(g.id, 'fail', `another apiserver answered only ${pct(worstOther)} of its requests while one member's client port was blackholed`, measured, limits);
      }
      return verdict(g.id, 'pass', `${reasons.join('; ')}; the other apiservers ${pct(worstOther)}`, measured, limits);
    },
  ]);

// ---- 2. brief pauses ------------------------------------------------------------------------------

/** Repeated pauses shorter than the election timeout: no election. */
export const checkBriefPausesCauseNoElection: GrayCheck = (history, g) =>
  runStages(g.id, [
    () => pollRateStage(history, g),
    () => etcdRates(g)(history),
    () => {
      const r = requireFaults(history, g);
      if (!r.ok) {
        return r.verdict;
      }
      const max = threshold(g, 'maxBriefPauseMs');
      const paused = history.metrics(PAUSED_MS_METRIC);
      const durations: number[] = [];
      for (const f of r.faults) {
        const t = f.targets[0] ?? '';
        const d = paused.find((p) => p.member === t && p.atMs >= f.issuedAtMs && p.atMs <= (f.healedAtMs ?? history.endMs()));
        if (d === undefined) {
          return verdict(g.id, 'inconclusive', `fault ${f.faultId} recorded no in-node pause duration for ${t}: it was not a timed pause`);
        }
        durations.push(d.value);
      }
      const longest = Math.max(...durations);
      const measured = { pauses: durations.length, longestPauseMs: longest, shortestPauseMs: Math.min(...durations) };
      if (longest >= max) {
        return verdict(g.id, 'inconclusive', `a pause lasted ${ms(longest)}, not under the ${ms(max)} it must stay under for the promise to apply`, measured, { maxBriefPauseMs: max });
      }
      return verdict(g.id, 'pass', '', measured, { maxBriefPauseMs: max });
    },
    () => {
      const faults = history.faultWindows();
      const first = faults[0];
      const last = faults[faults.length - 1];
      if (first === undefined || last === undefined) {
        return verdict(g.id, 'inconclusive', 'no fault');
      }
      const w: TimeWindow = { startMs: first.issuedAtMs, endMs: history.endMs() };
      const changes = leaderChanges(history.leaderObservations()).filter((c) => c.atMs >= w.startMs && c.atMs < w.endMs);
      const leaderPaused = faults.filter((f) => leaderAt(history, f.issuedAtMs)?.member === f.targets[0]).length;
      const maxChanges = threshold(g, 'maxLeaderChanges');
      const measured = { leaderChanges: changes.length, pausesOfTheLeader: leaderPaused };
      const c = changes[0];
      if (changes.length > maxChanges && c !== undefined) {
        return verdict(g.id, 'fail', `${changes.length} leader election(s) during ${faults.length} pauses each shorter than the election timeout (first: ${c.from.leaderId} term ${c.from.term} -> ${c.to.leaderId} term ${c.to.term} at ${ms(c.atMs)}): the cluster churned`, measured, { maxLeaderChanges: maxChanges });
      }
      return verdict(g.id, 'pass', `no leader election through ${faults.length} pauses (${leaderPaused} of the leader)`, measured, { maxLeaderChanges: maxChanges });
    },
  ]);

// ---- 3. long leader pause ---------------------------------------------------------------------------

/** A paused leader is replaced; nothing acknowledged through it outside the one history. */
export const checkPausedLeaderReplacedWithoutStaleWrites: GrayCheck = (history, g) =>
  runStages(g.id, [
    () => pollRateStage(history, g),
    () => etcdRates(g)(history),
    () => {
      const r = requireFaults(history, g);
      if (!r.ok) {
        return r.verdict;
      }
      const min = threshold(g, 'minLongPauseMs');
      for (const f of r.faults) {
        const l = leaderAt(history, f.issuedAtMs);
        if (f.targets.length !== 1 || l?.member === undefined || l.member !== f.targets[0]) {
          return verdict(g.id, 'inconclusive', `fault ${f.faultId} paused ${f.targets.join(', ')}, not exactly the leader (${l?.member ?? 'unknown'})`);
        }
        if (heldMs(f, history) < min) {
          return verdict(g.id, 'inconclusive', `the leader was paused only ${ms(heldMs(f, history))}, less than the ${ms(min)} an election needs`, { heldMs: heldMs(f, history) }, { minLongPauseMs: min });
        }
      }
      return verdict(g.id, 'pass', '');
    },
    () => {
      const bound = threshold(g, 'maxElectionMs');
      const obs = history.leaderObservations();
      const ids = memberIds(obs);
      const acked = history.operations({ probe: N.etcdWrite, outcome: 'ok' });
      const snap = history.lastSnapshot(N.etcdWrite);
      const measured: Record<string, number> = {};
      const limits = { maxElectionMs: bound, maxStaleAcknowledgedWrites: 0 };
      let stale = 0;
      let afterSuccessor = 0;
      let worstElection = 0;
      for (const f of history.faultWindows()) {
        const old = f.targets[0] ?? '';
        const oldId = ids.get(old);
        const e = electionAfter(obs.filter((o) => o.member !== old), f.issuedAtMs);
        if (e.next === undefined || e.electionMs === undefined) {
          return verdict(g.id, 'fail', `no new leader was elected while the leader ${old} was paused for ${ms(heldMs(f, history))}`, measured, limits);
        }
        worstElection = Math.max(worstElection, e.electionMs);
        if (e.next.leaderId === oldId) {
          return verdict(g.id, 'fail', `the members reported the paused ${old} as leader of term ${e.next.term}`, measured, limits);
        }
        // Acknowledged through the old leader after its successor was first seen: legitimate only as part of the one history.
        const revisionOwners = new Map<number, Set<string>>();
        for (const o of acked) {
          if (o.revision !== undefined) {
            const s = revisionOwners.get(o.revision) ?? new Set<string>();
            s.add(`${o.key ?? ''}=${o.value ?? ''}`);
            revisionOwners.set(o.revision, s);
          }
        }
        const present = snap === undefined ? undefined : new Map(snap.entries.map((x) => [x.key, x.value]));
        for (const o of acked.filter((x) => x.target === old && x.completedAtMs >= e.next!.atMs)) {
          afterSuccessor += 1;
          const shared = o.revision !== undefined && (revisionOwners.get(o.revision)?.size ?? 0) > 1;
          const missing = present !== undefined && o.key !== undefined && !present.has(o.key);
          if (shared || missing) {
            stale += 1;
          }
        }
        const healAt = f.healIssuedAtMs ?? f.healedAtMs;
        if (healAt !== undefined && oldId !== undefined) {
          const s = stepDownAfter(obs, old, healAt, oldId);
          if (s !== undefined) {
            measured['oldLeaderFollowsAfterResumeMs'] = Math.max(measured['oldLeaderFollowsAfterResumeMs'] ?? 0, s.delayMs);
          } else if (obs.some((o) => o.member === old && o.atMs > healAt)) {
            return verdict(g.id, 'fail', `${old} still reported itself leader in every poll after it was resumed`, measured, limits);
          }
        }
      }
      measured['electionMs'] = worstElection;
      measured['acknowledgedViaOldLeaderAfterSuccessor'] = afterSuccessor;
      measured['staleAcknowledgedWrites'] = stale;
      if (stale > 0) {
        return verdict(g.id, 'fail', `${stale} write(s) acknowledged through the old leader after its successor was elected are not part of the one history (revision shared with another write, or missing after recovery): split brain`, measured, limits);
      }
      if (snap !== undefined) {
        const d = durability(history.operations({ probe: N.etcdWrite }), snap, snap.prefix);
        measured['lostAcknowledgedWrites'] = d.lost.length;
        if (d.lost.length > 0) {
          return verdict(g.id, 'fail', `${d.lost.length} acknowledged writes are missing after recovery`, measured, limits);
        }
      }
      if (worstElection > bound) {
        return verdict(g.id, 'fail', `a new leader was seen only ${ms(worstElection)} after the leader was paused, over the ${ms(bound)} bound`, measured, limits);
      }
      return verdict(g.id, 'pass', `new leader after ${ms(worstElection)}; ${afterSuccessor} write(s) through the old leader after that, none outside the one history`, measured, limits);
    },
  ]);

// ---- 4. packet loss -------------------------------------------------------------------------------

/** Random loss on one member's peer traffic: no election; the other members keep accepting writes. */
export const checkPeerPacketLossKeepsLeader: GrayCheck = (history, g) =>
  runStages(g.id, [
    () => pollRateStage(history, g),
    () => etcdRates(g)(history),
    () => {
      const r = requireFaults(history, g);
      if (!r.ok) {
        return r.verdict;
      }
      for (const f of r.faults) {
        const t = f.targets[0] ?? '';
        const dropped = history.metrics(DROPPED_PACKETS_METRIC).filter((m) => m.member === t && m.atMs >= f.issuedAtMs);
        const seen = history.metrics(SEEN_PACKETS_METRIC).filter((m) => m.member === t && m.atMs >= f.issuedAtMs);
        const d = dropped[0]?.value;
        if (d === undefined || d <= 0) {
          return verdict(g.id, 'inconclusive', `the loss rules on ${t} dropped ${d ?? 'no recorded number of'} packets: the fault cannot be shown to have hit`);
        }
        return verdict(g.id, 'pass', '', { droppedPackets: d, seenPackets: seen[0]?.value ?? 0, droppedShare: (seen[0]?.value ?? 0) > 0 ? d / (seen[0]?.value ?? 1) : 0 });
      }
      return verdict(g.id, 'pass', '');
    },
    () => {
      const maxChanges = threshold(g, 'maxLeaderChanges');
      const maxOutage = threshold(g, 'maxLossyOutageMs');
      const minAvail = threshold(g, 'minLossyTimeAvailability');
      const limits = { maxLeaderChanges: maxChanges, maxLossyOutageMs: maxOutage, minLossyTimeAvailability: minAvail };
      const measured: Record<string, number> = {};
      const base = baselineWindow(history);
      // Judged in order of what is promised: an election breaks pre-vote/CheckQuorum (documented);
      // a stall beyond the bound means a member stopped committing. Degraded but flowing writes are
      // not covered by any etcd promise: below the ratio they are a finding with the numbers, never
      // a silent pass (on 2026-12-07 on this 2-core host the other members answered 83 % of the
      // time within the probe's 250 ms deadline at 20 % loss, against about 95 % outside the fault).
      let stall: string | undefined;
      let election: string | undefined;
      const degraded: string[] = [];
      for (const f of history.faultWindows()) {
        const lossy = f.targets[0] ?? '';
        const w = outerWindow(f, history);
        const changes = changesIn(history, w);
        measured['leaderChanges'] = (measured['leaderChanges'] ?? 0) + changes;
        if (changes > maxChanges && election === undefined) {
          election = `${changes} leader election(s) while ${lossy} lost part of its peer packets: pre-vote and CheckQuorum should have kept the leader`;
        }
        const members = [...new Set(history.operations({ probe: N.etcdWrite }).map((o) => o.target))].sort();
        for (const m of members) {
          const ops = history.operations({ probe: N.etcdWrite, target: m });
          const lat = invokedIn(ops, w).filter((o) => o.outcome === 'ok').map((o) => o.completedAtMs - o.invokedAtMs).sort((a, b) => a - b);
          measured[`writeLatencyP99Ms.${m}`] = lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.99))] ?? 0;
          const avail = timeAvailability(ops, w)?.ratio ?? 0;
          measured[`timeAvailability.${m}`] = avail;
          if (base !== undefined) {
            measured[`baselineTimeAvailability.${m}`] = timeAvailability(ops, base)?.ratio ?? 0;
          }
          if (m === lossy) {
            continue;
          }
          const out = longestOutage(ops, w)?.durationMs ?? 0;
          measured[`longestOutageMs.${m}`] = out;
          if (out > maxOutage && stall === undefined) {
            stall = `writes through ${m} stalled for ${ms(out)} while only ${lossy}'s peer traffic was lossy, over the ${ms(maxOutage)} bound`;
          }
          if (avail < minAvail) {
            const b = measured[`baselineTimeAvailability.${m}`];
            degraded.push(`${m} ${pct(avail)}${b === undefined ? '' : ` (baseline ${pct(b)})`}`);
          }
        }
      }
      if (election !== undefined || stall !== undefined) {
        return verdict(g.id, 'fail', [election, stall].filter((x) => x !== undefined).join('; '), measured, limits);
      }
      if (degraded.length > 0) {
        return verdict(g.id, 'finding', `no election and no stall over ${ms(maxOutage)}, but writes through the members with clean peer traffic were available only ${degraded.join(', ')} of the time within the probe deadline, under ${pct(minAvail)}: etcd documents no write-availability bound under packet loss, so this is reported, not failed`, measured, limits);
      }
      return verdict(g.id, 'pass', `no election; writes through the other members kept succeeding (lossy member p99 ${ms(Object.entries(measured).find(([k]) => k.startsWith('writeLatencyP99Ms.') && history.faultWindows().some((f) => k.endsWith(f.targets[0] ?? '?')))?.[1] ?? 0)})`, measured, limits);
    },
  ]);
