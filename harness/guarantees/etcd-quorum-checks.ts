/**
 * The etcd-quorum guarantees' checks: each composes the pure measures in harness/checks/ into a
 * staged verdict (assumptions -> main property -> secondary properties, stopping at the first stage
 * that does not pass), reading its bounds from the guarantee's thresholds.
 *
 * Conventions used by every check:
 * - A fault's duration is measured FROM `issuedAtMs` (the fault took effect no earlier), so a
 *   measured time is an upper bound on the true one: safe to compare with a maximum.
 * - "Nothing may succeed" windows use the CONFIRMED window [injectedAtMs, healIssuedAtMs], so a
 *   request answered just before the fault bit, or just after the heal began, is not blamed.
 */
import { baselineWindow, confirmedWindow, outerWindow, requireFaults, threshold, type CheckedGuarantee } from './check-helpers.js';
import type { FaultWindow, History, LeaderObservation, Operation } from '../probes/history.js';
import {
  availabilityStats,
  invokedIn,
  longestOutage,
  probeRate,
  resolveByWatch,
  timeAvailability,
  timeToFirstSuccess,
  type TimeWindow,
} from '../checks/availability.js';
import { durability } from '../checks/durability.js';
import {
  counterIncrease,
  undisturbedStretches,
  electionAfter,
  leaderChanges,
  leaderEpochs,
  minMedianMax,
  splitBrainViolations,
  stepDownAfter,
} from '../checks/election.js';
import { regressions, watchCoverage, watchOrderViolations } from '../checks/monotonic.js';
import { acknowledgedWithin, attemptedWithin } from '../checks/no-split-brain.js';
import { runStages, verdict, type Verdict } from '../checks/verdict.js';
import type { TimerConsensus } from './flags.js';
import { quorumOf, toleratedFailures, type Allowances } from './thresholds.js';

/** Probe names the checks select operations by; the probes must record these names. */
export interface ProbeNames {
  readonly etcdWrite: string;
  readonly apiWrite: string;
  readonly linearizableRead: string;
  readonly serializableRead: string;
  readonly leaderChangeMetric: string;
}

/** Defaults the probes are expected to use. */
export const DEFAULT_PROBE_NAMES: ProbeNames = {
  etcdWrite: 'etcd-write',
  apiWrite: 'api-write',
  linearizableRead: 'etcd-read-linearizable',
  serializableRead: 'etcd-read-serializable',
  leaderChangeMetric: 'etcd_server_leader_changes_seen_total',
};

/** What the checks need besides the history and the guarantee's thresholds. */
export interface CheckContext {
  readonly members: number;
  readonly names: ProbeNames;
  readonly timers: TimerConsensus;
  readonly allowances: Allowances;
}

/** The part of a Guarantee a check reads (shared with the control-plane checks). */
export type { CheckedGuarantee };

/** A check over a history, given its guarantee and context. */
export type EtcdQuorumCheck = (history: History, g: CheckedGuarantee, ctx: CheckContext) => Verdict;

// ---- helpers ---------------------------------------------------------------------------------


const ms = (n: number): string => `${Math.round(n)} ms`;
const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;




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

/** The node name of the leader in power at an instant, when the pollers can tell. */
function leaderMemberAt(history: History, atMs: number): { leaderId: string; member: string | undefined } | undefined {
  const prev = electionAfter(history.leaderObservations(), atMs).previous;
  if (prev === undefined) {
    return undefined;
  }
  const member = [...memberIds(history.leaderObservations())].find(([, id]) => id === prev.leaderId)?.[0];
  return { leaderId: prev.leaderId, member };
}

// Assumption stages pass with an empty reason: the verdict's reason then speaks about the property
// itself, and runStages leaves empty reasons out.

/** Assumption stage: the probes sampled the baseline densely enough to resolve short outages. */
function probeRatePrecondition(history: History, g: CheckedGuarantee, ctx: CheckContext): Verdict {
  const base = baselineWindow(history);
  if (base === undefined) {
    return verdict(g.id, 'inconclusive', 'no baseline phase (and no fault) recorded: cannot judge the probe rate');
  }
  const minWrite = threshold(g, 'minWriteOpsPerSecond');
  const minPoll = threshold(g, 'minPollsPerSecond');
  const rate = probeRate(history.operations({ probe: ctx.names.etcdWrite }), base);
  const seconds = (base.endMs - base.startMs) / 1_000;
  const members = history.polledMembers();
  const pollRates = members.map(
    (m) => [...history.leaderObservations(m), ...history.statusErrors(m)].filter((o) => o.atMs >= base.startMs && o.atMs < base.endMs).length / seconds,
  );
  const minPollRate = pollRates.length === 0 ? 0 : Math.min(...pollRates);
  const measured = { baselineWriteOpsPerSecond: rate.opsPerSecond, baselineMinPollsPerSecond: minPollRate };
  const limits = { minWriteOpsPerSecond: minWrite, minPollsPerSecond: minPoll };
  if (rate.opsPerSecond < minWrite) {
    return verdict(g.id, 'inconclusive', `the write probe ran at ${rate.opsPerSecond.toFixed(1)}/s in the baseline, below ${minWrite.toFixed(1)}/s: too sparse to resolve short outages`, measured, limits);
  }
  if (minPollRate < minPoll) {
    return verdict(g.id, 'inconclusive', `a status poller ran at ${minPollRate.toFixed(1)}/s in the baseline, below ${minPoll.toFixed(1)}/s`, measured, limits);
  }
  return verdict(g.id, 'pass', '', measured, limits);
}



/** Writes invoked in the window that the probe gave up on but resolveByWatch found accepted. */
function acceptedAfterDeadline(asSent: readonly Operation[], resolved: readonly Operation[], w: TimeWindow): number {
  const ok = (ops: readonly Operation[]): number => invokedIn(ops, w).filter((o) => o.outcome === 'ok').length;
  return ok(resolved) - ok(asSent);
}

/** The minimum success ratio a window can have if its one outage stays within `maxOutageMs`. */
function derivedMinRatio(maxOutageMs: number, w: TimeWindow, slack: number): number {
  return Math.max(0, 1 - maxOutageMs / Math.max(1, w.endMs - w.startMs) - slack);
}

// ---- checks ----------------------------------------------------------------------------------

/** One leader, every member answering, identical timers, writes succeeding: before any fault. */
export const checkBaselineHealthy: EtcdQuorumCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => probeRatePrecondition(history, g, ctx),
    () => {
      const t = ctx.timers;
      return t.consistent
        ? verdict(g.id, 'pass', 'all members run the same raft timers')
        : verdict(
            g.id,
            'fail',
            `members run different raft timers (${t.variants.map((v) => `${v.timers.heartbeatIntervalMs}/${v.timers.electionTimeoutMs} ms on ${v.members.join(', ')}`).join('; ')}); etcd asks for the same values on every member`,
          );
    },
    () => {
      const base = baselineWindow(history);
      if (base === undefined) {
        return verdict(g.id, 'inconclusive', 'no baseline window');
      }
      const inBase = (o: { atMs: number }): boolean => o.atMs >= base.startMs && o.atMs < base.endMs;
      const answered = history.polledMembers().filter((m) => history.leaderObservations(m).some(inBase));
      const errors = history.statusErrors().filter(inBase);
      const epochs = leaderEpochs(history.leaderObservations().filter(inBase));
      const measured = { membersAnswering: answered.length, statusPollErrors: errors.length, baselineLeaderEpochs: epochs.length };
      const limits = { members: ctx.members };
      if (answered.length < ctx.members) {
        return verdict(g.id, 'fail', `only ${answered.length} of ${ctx.members} members answered status polls in the baseline`, measured, limits);
      }
      if (errors.length > 0) {
        return verdict(g.id, 'fail', `${errors.length} status polls failed in the baseline (first: ${errors[0]?.member}: ${errors[0]?.error})`, measured, limits);
      }
      if (epochs.length !== 1) {
        return verdict(g.id, 'fail', `expected one stable leader in the baseline, observed ${epochs.length} (leader, term) pairs`, measured, limits);
      }
      return verdict(g.id, 'pass', `all ${ctx.members} members answered and agreed on one leader`, measured, limits);
    },
    () => {
      const base = baselineWindow(history);
      if (base === undefined) {
        return verdict(g.id, 'inconclusive', 'no baseline window');
      }
      const min = ctx.allowances.baselineMinSuccessRatio;
      // Availability, as in every write check: a write answered after the probe's deadline but
      // delivered by the watch was accepted (resolveByWatch). Its latency is reported beside it.
      const asSent = history.operations({ probe: ctx.names.etcdWrite });
      const { ops: writes } = resolveByWatch(asSent, history.watchEvents());
      const etcd = availabilityStats(writes, base);
      const acceptedLate = acceptedAfterDeadline(asSent, writes, base);
      const api = availabilityStats(history.operations({ probe: ctx.names.apiWrite }), base);
      const latencies = invokedIn(asSent, base).filter((o) => o.outcome === 'ok').map((o) => o.completedAtMs - o.invokedAtMs).sort((a, b) => a - b);
      const measured: Record<string, number> = { baselineWriteSuccessRatio: etcd.successRatio ?? 0, baselineWritesAcceptedAfterDeadline: acceptedLate };
      if (latencies.length > 0) {
        measured['baselineWriteLatencyP99Ms'] = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
      }
      if (api.successRatio !== undefined) {
        measured['baselineApiWriteSuccessRatio'] = api.successRatio;
      }
      const limits = { minBaselineSuccessRatio: min };
      if (etcd.successRatio === undefined) {
        return verdict(g.id, 'inconclusive', 'no etcd writes in the baseline', measured, limits);
      }
      const worst = Math.min(etcd.successRatio, api.successRatio ?? 1);
      return worst >= min
        ? verdict(g.id, 'pass', `writes succeeded (${pct(etcd.successRatio)} etcd${api.successRatio === undefined ? '' : `, ${pct(api.successRatio)} API`})`, measured, limits)
        : verdict(g.id, 'fail', `baseline writes succeeded only ${pct(worst)}, below ${pct(min)}: the cluster was not healthy before the fault`, measured, limits);
    },
  ]);

/**
 * Writes through the surviving members keep succeeding while some members are down. Used for
 * follower loss (no leader among the targets; no election expected) and minority loss (any
 * minority; the leader may be among them).
 */
function writesSurvive(kind: 'follower' | 'minority'): EtcdQuorumCheck {
  return (history, g, ctx) => {
    const maxOutageName = kind === 'follower' ? 'maxFollowerLossOutageMs' : 'maxMinorityLossOutageMs';
    return runStages(g.id, [
      () => probeRatePrecondition(history, g, ctx),
      () => {
        const r = requireFaults(history, g);
        if (!r.ok) {
          return r.verdict;
        }
        const faults = r.faults;
        const tolerated = toleratedFailures(ctx.members);
        for (const f of faults) {
          if (f.targets.length === 0 || f.targets.length > tolerated) {
            return verdict(g.id, 'inconclusive', `fault ${f.faultId} took down ${f.targets.length} members; ${ctx.members} members tolerate ${tolerated}`);
          }
          if (kind === 'follower') {
            const leader = leaderMemberAt(history, f.issuedAtMs);
            if (leader?.member !== undefined && f.targets.includes(leader.member)) {
              return verdict(g.id, 'inconclusive', `fault ${f.faultId} hit the leader ${leader.member}: that is the leader-loss case`);
            }
          }
        }
        return verdict(g.id, 'pass', '', { tolerableFailures: tolerated });
      },
      () => {
        const maxOutage = threshold(g, maxOutageName);
        // Judged per surviving member ("the other members keep accepting writes"), in time rather
        // than per request: a member that stopped answering while the others carried on is caught,
        // and the ratio does not grow with the number of write workers (see timeAvailability).
        // The member with the least margin above its window's floor (windows differ in length, so
        // in floor) is the one reported and judged.
        let worst = { outageMs: 0, outageMember: '', ratio: 1, ratioMember: '', floor: 0, margin: Number.POSITIVE_INFINITY };
        let requestRatio = 1;
        let acceptedLate = 0;
        let apiWorstOutage = 0;
        let apiWorstRatio = 1;
        let changes = 0;
        for (const f of history.faultWindows()) {
          const w = outerWindow(f, history);
          const asSent = history.operations({ probe: ctx.names.etcdWrite, excludeTargets: f.targets });
          // Availability, not latency: a write answered after the probe's deadline but delivered by
          // the watch was accepted (resolveByWatch says why the deadline is not a latency bound).
          const { ops: writes } = resolveByWatch(asSent, history.watchEvents());
          acceptedLate += acceptedAfterDeadline(asSent, writes, w);
          const members = [...new Set(writes.map((o) => o.target))].sort();
          if (members.length === 0) {
            return verdict(g.id, 'inconclusive', `no writes through surviving members during fault ${f.faultId}`);
          }
          const floor = derivedMinRatio(maxOutage, w, ctx.allowances.ratioSlack);
          for (const m of members) {
            const own = writes.filter((o) => o.target === m);
            const avail = timeAvailability(own, w);
            if (avail === undefined) {
              return verdict(g.id, 'inconclusive', `no writes through surviving member ${m} during fault ${f.faultId}`);
            }
            const outage = longestOutage(own, w)?.durationMs ?? 0;
            if (outage > worst.outageMs) {
              worst = { ...worst, outageMs: outage, outageMember: m };
            }
            if (avail.ratio - floor < worst.margin) {
              worst = { ...worst, ratio: avail.ratio, ratioMember: m, floor, margin: avail.ratio - floor };
            }
          }
          requestRatio = Math.min(requestRatio, availabilityStats(asSent, w).successRatio ?? 1);
          // The API-layer effect is reported, not judged: kubeadm points each apiserver at its local
          // etcd only, so requests the LB still routes to a dead member's apiserver fail.
          const api = history.operations({ probe: ctx.names.apiWrite });
          apiWorstOutage = Math.max(apiWorstOutage, longestOutage(api, w)?.durationMs ?? 0);
          apiWorstRatio = Math.min(apiWorstRatio, availabilityStats(api, w).successRatio ?? 1);
          changes += leaderChanges(history.leaderObservations()).filter((c) => c.atMs >= w.startMs && c.atMs < w.endMs).length;
        }
        const measured = {
          longestWriteOutageMs: worst.outageMs,
          writeTimeAvailabilityRatio: worst.ratio,
          writeRequestSuccessRatio: requestRatio,
          writesAcceptedAfterDeadline: acceptedLate,
          leaderChangesDuringFault: changes,
          apiLongestOutageMs: apiWorstOutage,
          apiSuccessRatio: apiWorstRatio,
        };
        const limits: Record<string, number> = { [maxOutageName]: maxOutage, minWriteTimeAvailabilityRatio: worst.floor };
        if (kind === 'follower') {
          limits['maxLeaderChanges'] = 0;
        }
        if (kind === 'follower' && changes > 0) {
          return verdict(g.id, 'fail', `the leader changed ${changes} time(s) while only a follower was down: losing a follower must not cause an election`, measured, limits);
        }
        if (worst.outageMs > maxOutage) {
          return verdict(g.id, 'fail', `writes through surviving member ${worst.outageMember} stopped for ${ms(worst.outageMs)}, over the ${ms(maxOutage)} bound`, measured, limits);
        }
        if (worst.ratio < worst.floor) {
          return verdict(g.id, 'fail', `writes through surviving member ${worst.ratioMember} were answered only ${pct(worst.ratio)} of the time, below ${pct(worst.floor)}`, measured, limits);
        }
        return verdict(g.id, 'pass', `every surviving member kept accepting writes (worst ${pct(worst.ratio)} of the time, longest gap ${ms(worst.outageMs)}${kind === 'follower' ? ', no election' : ''}); API longest gap ${ms(apiWorstOutage)}`, measured, limits);
      },
    ]);
  };
}

/** Follower loss: see writesSurvive. */
export const checkFollowerLossKeepsWrites: EtcdQuorumCheck = writesSurvive('follower');
/** Minority loss (any tolerated number of members, possibly the leader): see writesSurvive. */
export const checkMinorityLossKeepsWrites: EtcdQuorumCheck = writesSurvive('minority');

/**
 * Why the new leader after a SIGTERM of the etcd leader comes seconds later, as read in etcd v3.6.5
 * (the version kubeadm 1.34 runs):
 * - SIGTERM runs embed.Etcd.Close (server/embed/etcd.go), registered in startEtcd
 *   (server/etcdmain/etcd.go) through osutil.RegisterInterruptHandler (pkg/osutil/interrupt_unix.go).
 * - Close first stops each client listener in turn (stopServers), each with a deadline of its own:
 *   ServerConfig.ReqTimeout() = 5 s + 2 x election timeout (server/config/config.go). kubeadm's
 *   listeners (https://127.0.0.1:2379, the apiserver's, and https://<node-ip>:2379, the suite's)
 *   are TLS and serve gRPC through their http.Server, so http.Server.Shutdown waits for every open
 *   connection to go idle, which one carrying a watch stream never does, until that deadline; then
 *   grpc.Stop cuts them. Two listeners with open watches: up to 2 x 7 s with default timers.
 * - Only after that does EtcdServer.Stop (server/etcdserver/server.go) run
 *   TryTransferLeadershipOnShutdown (MoveLeader to the longest-connected voting peer, bounded by
 *   ReqTimeout again), then HardStop.
 * The member keeps leading throughout the drain, so the wait is not an election, and writes through
 * the other members go on. `afterExitMs` is when the new leader was first seen relative to the old
 * process's exit (<= 0: before it, as a handover must be).
 */
export function gracefulStopExplanation(electionTimeoutMs: number, afterExitMs: number): string {
  const when = afterExitMs <= 0 ? `${ms(-afterExitMs)} before the old process exited` : `${ms(afterExitMs)} after its exit was seen (detection lag)`;
  return (
    `a handover, not an election: on SIGTERM, embed.Etcd.Close (server/embed/etcd.go) first drains each client listener in turn, ` +
    `each for up to the request timeout of ${ms(5_000 + 2 * electionTimeoutMs)} (5 s + 2 x election timeout) while streams such as watches stay open, and keeps leading meanwhile; ` +
    `only then does EtcdServer.Stop (server/etcdserver/server.go) hand leadership over (TryTransferLeadershipOnShutdown, MoveLeader); the new leader appeared ${when}`
  );
}

/**
 * A new leader after the leader is lost, within a bound; writes resume within a bound. `graceful`
 * selects the SIGTERM variant (leadership transfer) and its tighter bounds.
 */
function leaderReplaced(graceful: boolean): EtcdQuorumCheck {
  return (history, g, ctx) => {
    const electionName = graceful ? 'maxLeaderTransferMs' : 'maxElectionMs';
    return runStages(g.id, [
      () => probeRatePrecondition(history, g, ctx),
      () => {
        const r = requireFaults(history, g);
        if (!r.ok) {
          return r.verdict;
        }
        const faults = r.faults;
        for (const f of faults) {
          const leader = leaderMemberAt(history, f.issuedAtMs);
          if (leader === undefined) {
            return verdict(g.id, 'inconclusive', `no leader was observed before fault ${f.faultId}`);
          }
          if (leader.member === undefined || !f.targets.includes(leader.member)) {
            return verdict(g.id, 'inconclusive', `fault ${f.faultId} hit ${f.targets.join(', ')}, but the leader was ${leader.member ?? leader.leaderId}`);
          }
        }
        return verdict(g.id, 'pass', '', { trials: faults.length });
      },
      () => {
        const bound = threshold(g, electionName);
        const writeBound = threshold(g, graceful ? 'maxGracefulWriteOutageMs' : 'maxFirstWriteAfterLeaderLossMs');
        const obs = history.leaderObservations();
        // A write the probe gave up on but the watch delivered was accepted, at the latest when it
        // was delivered (resolveByWatch): on a saturated host the first write the new leader
        // commits can answer after the probe's 250 ms deadline, and the election is over then.
        const answered = history.operations({ probe: ctx.names.etcdWrite });
        const { ops: writes } = resolveByWatch(answered, history.watchEvents());
        const elections: number[] = [];
        let firstWritesSeenByWatch = 0;
        const writeGaps: number[] = [];
        // Graceful only: how long after the old process was confirmed gone the new leader appeared.
        // A transfer happens BEFORE the process exits (<= 0, up to the exit detection lag); an
        // election cannot come sooner than one election timeout after it.
        const afterExit: number[] = [];
        for (const f of history.faultWindows()) {
          const e = electionAfter(obs, f.issuedAtMs);
          if (graceful && e.next !== undefined) {
            afterExit.push(e.next.atMs - f.injectedAtMs);
          }
          if (e.electionMs === undefined) {
            const observedFor = history.endMs() - f.issuedAtMs;
            return observedFor >= bound
              ? verdict(g.id, 'fail', `no new leader was observed within ${ms(observedFor)} after fault ${f.faultId}`, {}, { [electionName]: bound })
              : verdict(g.id, 'inconclusive', `the history ends ${ms(observedFor)} after fault ${f.faultId}, before a new leader was observed`);
          }
          elections.push(e.electionMs);
          // Abrupt loss: time from the fault to the first successful write. Only writes sent after
          // the kill was CONFIRMED count (one sent between issue and effect can still succeed on the
          // old leader), and the time runs from the issue: an upper bound. Graceful stop: the longest
          // write outage around it, which is what clients feel.
          const sinceConfirmed = timeToFirstSuccess(writes, f.injectedAtMs);
          const answeredSince = timeToFirstSuccess(answered, f.injectedAtMs);
          if (!graceful && sinceConfirmed !== undefined && (answeredSince === undefined || sinceConfirmed < answeredSince)) {
            firstWritesSeenByWatch += 1;
          }
          const gap = graceful
            ? (longestOutage(writes, outerWindow(f, history))?.durationMs ?? 0)
            : sinceConfirmed === undefined
              ? undefined
              : sinceConfirmed + (f.injectedAtMs - f.issuedAtMs);
          if (gap === undefined) {
            return verdict(g.id, 'fail', `no write succeeded after fault ${f.faultId}`, {}, { [electionName]: bound });
          }
          writeGaps.push(gap);
        }
        const e = minMedianMax(elections);
        const w = minMedianMax(writeGaps);
        if (e === undefined || w === undefined) {
          return verdict(g.id, 'inconclusive', 'no trials');
        }
        const writeName = graceful ? 'writeOutageMs' : 'firstWriteMs';
        const measured = {
          trials: elections.length,
          electionMsMin: e.min,
          electionMsMedian: e.median,
          electionMsMax: e.max,
          [`${writeName}Min`]: w.min,
          [`${writeName}Median`]: w.median,
          [`${writeName}Max`]: w.max,
          // Trials whose first write was one the probe timed out on and the watch delivered.
          ...(graceful ? {} : { firstWritesSeenByWatch }),
        };
        const limits = { [electionName]: bound, [graceful ? 'maxGracefulWriteOutageMs' : 'maxFirstWriteAfterLeaderLossMs']: writeBound };
        if (graceful) {
          const worstAfterExit = Math.max(...afterExit);
          const maxAfterExit = ctx.timers.worstCase.electionTimeoutMs / 2;
          Object.assign(measured, { newLeaderAfterExitMsMax: worstAfterExit });
          Object.assign(limits, { maxNewLeaderAfterExitMs: maxAfterExit });
          if (worstAfterExit > maxAfterExit) {
            return verdict(g.id, 'fail', `the new leader appeared ${ms(worstAfterExit)} after the old process exited: an election, not a handover (a handover happens before the exit)`, measured, limits);
          }
        }
        if (e.max > bound) {
          return verdict(g.id, 'fail', `${graceful ? 'leadership transfer' : 'election'} took up to ${ms(e.max)}, over the ${ms(bound)} bound`, measured, limits);
        }
        if (w.max > writeBound) {
          return verdict(g.id, 'fail', `writes ${graceful ? 'stopped for' : 'resumed only after'} up to ${ms(w.max)}, over the ${ms(writeBound)} bound`, measured, limits);
        }
        return verdict(
          g.id,
          'pass',
          `${elections.length === 1 ? `new leader after ${ms(e.max)}` : `new leader in ${ms(e.min)} to ${ms(e.max)} (median ${ms(e.median)}) over ${elections.length} trials`}, writes ${graceful ? 'paused at most' : 'back after at most'} ${ms(w.max)}${
            graceful ? `; ${gracefulStopExplanation(ctx.timers.worstCase.electionTimeoutMs, Math.max(...afterExit))}` : ''
          }`,
          measured,
          limits,
        );
      },
      () => leaderChangeCrossCheck(history, g, ctx),
    ]);
  };
}

/**
 * Cross-checks the pollers against etcd's own counter: if a member counted more leader changes than
 * the pollers observed over the same span, a leader came and went between polls, and the election
 * measurement may be wrong. Each member is judged over the stretches it ran undisturbed
 * (undisturbedStretches: outside the faults that hit it and between restarts), so a leader-kill
 * case with several trials is compared over every trial, by the members each one did not kill.
 * (Judging each member only up to its own first fault compared almost nothing once every member had
 * been killed once: 0 counted, 0 seen, and still "match".)
 */
function leaderChangeCrossCheck(history: History, g: CheckedGuarantee, ctx: CheckContext): Verdict {
  const samples = history.metrics(ctx.names.leaderChangeMetric);
  if (samples.length === 0) {
    return verdict(g.id, 'pass', '');
  }
  const changes = leaderChanges(history.leaderObservations());
  const faults = history.faultWindows();
  // A change is stamped when a poller first saw it (a poll or so after etcd counted it), and a scrape
  // is stamped when it was sent: 1 s either side keeps a change at the span's edge on the right side.
  const slackMs = 1_000;
  let worst: { member: string; byMetric: number; observed: number; spanMs: number } | undefined;
  let compared = 0;
  let mostCounted = 0;
  for (const member of [...new Set(samples.map((s) => s.member))].sort()) {
    const stretches = undisturbedStretches(
      samples.filter((s) => s.member === member),
      faults.filter((f) => f.targets.includes(member)),
    );
    if (stretches.length === 0) {
      continue;
    }
    compared += 1;
    let byMetric = 0;
    let observed = 0;
    let spanMs = 0;
    for (const own of stretches) {
      const first = own[0];
      const last = own[own.length - 1];
      if (first === undefined || last === undefined) {
        continue;
      }
      byMetric += counterIncrease(own);
      observed += changes.filter((c) => c.atMs > first.atMs - slackMs && c.atMs <= last.atMs + slackMs).length;
      spanMs += last.atMs - first.atMs;
    }
    mostCounted = Math.max(mostCounted, byMetric);
    if (worst === undefined || byMetric - observed > worst.byMetric - worst.observed) {
      worst = { member, byMetric, observed, spanMs };
    }
  }
  const measured = { leaderChangesObserved: changes.length, leaderChangesByMetric: worst?.byMetric ?? 0, leaderChangesByMetricMax: mostCounted, membersCompared: compared };
  if (worst === undefined) {
    return verdict(g.id, 'pass', `no member had two ${ctx.names.leaderChangeMetric} samples in a stretch it ran undisturbed`, measured);
  }
  return worst.byMetric > worst.observed
    ? verdict(g.id, 'inconclusive', `etcd on ${worst.member} counted ${worst.byMetric} leader changes over ${ms(worst.spanMs)} it ran undisturbed, but the pollers saw ${worst.observed} in those spans: a leader change was missed between polls`, measured)
    : verdict(g.id, 'pass', `leader changes match ${ctx.names.leaderChangeMetric} on ${compared} member(s), each over the stretches it ran undisturbed (up to ${mostCounted} counted by one member)`, measured);
}

/** Abrupt leader loss (SIGKILL): election and first write within bounds. */
export const checkLeaderLossElectsNewLeader: EtcdQuorumCheck = leaderReplaced(false);
/** Graceful leader stop (SIGTERM): transfer and write gap within tighter bounds. */
export const checkGracefulLeaderStopTransfers: EtcdQuorumCheck = leaderReplaced(true);

/** Assumption: each fault took down enough members to lose quorum. */
function quorumLostAssumption(history: History, g: CheckedGuarantee, ctx: CheckContext): Verdict {
  const r = requireFaults(history, g);
  if (!r.ok) {
    return r.verdict;
  }
  const faults = r.faults;
  const needed = ctx.members - quorumOf(ctx.members) + 1;
  for (const f of faults) {
    if (new Set(f.targets).size < needed) {
      return verdict(g.id, 'inconclusive', `fault ${f.faultId} took down ${f.targets.length} of ${ctx.members} members; losing quorum needs ${needed}`);
    }
  }
  return verdict(g.id, 'pass', '', { membersDownForQuorumLoss: needed });
}

/** Without quorum nothing is acknowledged: no write, no linearizable read. */
export const checkQuorumLossRefusesWrites: EtcdQuorumCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => quorumLostAssumption(history, g, ctx),
    () => {
      const min = ctx.allowances.minAttemptsInWindow;
      const writes = [...history.operations({ probe: ctx.names.etcdWrite }), ...history.operations({ probe: ctx.names.apiWrite })];
      const reads = history.operations({ probe: ctx.names.linearizableRead });
      let acked = 0;
      let attempted = 0;
      let ackedReads = 0;
      let attemptedReads = 0;
      let example = '';
      for (const f of history.faultWindows()) {
        const w = confirmedWindow(f, history);
        const a = acknowledgedWithin(writes, w);
        if (a[0] !== undefined && example === '') {
          example = ` (first: ${a[0].probe} ${a[0].op} via ${a[0].target} at ${ms(a[0].invokedAtMs)})`;
        }
        acked += a.length;
        attempted += attemptedWithin(writes, w);
        ackedReads += acknowledgedWithin(reads, w).length;
        attemptedReads += attemptedWithin(reads, w);
      }
      const measured = {
        acknowledgedWrites: acked,
        attemptedWrites: attempted,
        acknowledgedLinearizableReads: ackedReads,
        attemptedLinearizableReads: attemptedReads,
      };
      const limits = { maxAcknowledgedWrites: 0, maxAcknowledgedLinearizableReads: 0, minAttempts: min };
      if (acked > 0) {
        return verdict(g.id, 'fail', `${acked} writes were acknowledged while quorum was lost${example}: split brain`, measured, limits);
      }
      if (attempted < min) {
        return verdict(g.id, 'inconclusive', `only ${attempted} writes were attempted inside the quorum-loss window (need ${min})`, measured, limits);
      }
      if (ackedReads > 0) {
        return verdict(g.id, 'fail', `${ackedReads} linearizable reads succeeded without quorum`, measured, limits);
      }
      if (attemptedReads < min) {
        return verdict(g.id, 'inconclusive', `only ${attemptedReads} linearizable reads were attempted inside the window (need ${min})`, measured, limits);
      }
      return verdict(g.id, 'pass', `none of ${attempted} writes and ${attemptedReads} linearizable reads succeeded without quorum`, measured, limits);
    },
  ]);

/** Without quorum, surviving members still answer serializable (local, possibly stale) reads. */
export const checkQuorumLossServesSerializableReads: EtcdQuorumCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => quorumLostAssumption(history, g, ctx),
    () => {
      const min = ctx.allowances.minSerializableSuccessRatio;
      let worst = 1;
      let total = 0;
      for (const f of history.faultWindows()) {
        const reads = history.operations({ probe: ctx.names.serializableRead, excludeTargets: f.targets });
        const s = availabilityStats(reads, confirmedWindow(f, history));
        total += s.total;
        worst = Math.min(worst, s.successRatio ?? 1);
      }
      const measured = { serializableReadSuccessRatio: worst, serializableReads: total };
      const limits = { minSerializableSuccessRatio: min, minAttempts: ctx.allowances.minAttemptsInWindow };
      if (total < ctx.allowances.minAttemptsInWindow) {
        return verdict(g.id, 'inconclusive', `only ${total} serializable reads on surviving members during quorum loss`, measured, limits);
      }
      return worst >= min
        ? verdict(g.id, 'pass', `surviving members answered ${pct(worst)} of serializable reads`, measured, limits)
        : verdict(g.id, 'fail', `surviving members answered only ${pct(worst)} of serializable reads, below ${pct(min)}`, measured, limits);
    },
  ]);

/** After quorum is restored, writes resume within a bound. */
export const checkQuorumRestoredWritesResume: EtcdQuorumCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => quorumLostAssumption(history, g, ctx),
    () => {
      const bound = threshold(g, 'maxResumeAfterHealMs');
      const writes = history.operations({ probe: ctx.names.etcdWrite });
      let worst = 0;
      let worstFromIssue = 0;
      for (const f of history.faultWindows()) {
        if (f.healedAtMs === undefined) {
          return verdict(g.id, 'inconclusive', `fault ${f.faultId} has no confirmed heal`);
        }
        const t = timeToFirstSuccess(writes, f.healedAtMs);
        if (t === undefined) {
          const observedFor = history.endMs() - f.healedAtMs;
          return observedFor >= bound
            ? verdict(g.id, 'fail', `no write succeeded in the ${ms(observedFor)} after quorum was restored`, {}, { maxResumeAfterHealMs: bound })
            : verdict(g.id, 'inconclusive', `the history ends ${ms(observedFor)} after the heal, before any write succeeded`);
        }
        worst = Math.max(worst, t);
        worstFromIssue = Math.max(worstFromIssue, timeToFirstSuccess(writes, f.healIssuedAtMs ?? f.healedAtMs) ?? 0);
      }
      const measured = { resumeAfterHealMs: worst, resumeAfterHealIssuedMs: worstFromIssue };
      const limits = { maxResumeAfterHealMs: bound };
      return worst <= bound
        ? verdict(g.id, 'pass', `writes resumed ${ms(worst)} after the heal was confirmed (${ms(worstFromIssue)} after it was issued)`, measured, limits)
        : verdict(g.id, 'fail', `writes resumed only ${ms(worst)} after the heal, over the ${ms(bound)} bound`, measured, limits);
    },
  ]);

/**
 * A leader cut off from its peers steps down (CheckQuorum), the majority elects another leader, and
 * no write through the isolated member is acknowledged while it is cut off.
 */
export const checkPartitionedLeaderStepsDown: EtcdQuorumCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => probeRatePrecondition(history, g, ctx),
    () => {
      const r = requireFaults(history, g);
      if (!r.ok) {
        return r.verdict;
      }
      const faults = r.faults;
      const stepBound = threshold(g, 'maxStepDownMs');
      for (const f of faults) {
        const leader = leaderMemberAt(history, f.issuedAtMs);
        if (f.targets.length !== 1 || leader?.member === undefined || f.targets[0] !== leader.member) {
          return verdict(g.id, 'inconclusive', `fault ${f.faultId} isolated ${f.targets.join(', ')}, not exactly the leader (${leader?.member ?? 'unknown'})`);
        }
        // A step-down can only be seen if the isolated member kept answering its poller: a fault
        // that also cut the poller off (or killed the process) cannot show it.
        const isolated = leader.member;
        const seen = history
          .leaderObservations(isolated)
          .some((o) => o.atMs >= f.issuedAtMs && o.atMs <= f.issuedAtMs + stepBound);
        if (!seen) {
          return verdict(g.id, 'inconclusive', `${isolated} did not answer status polls during the first ${ms(stepBound)} of fault ${f.faultId}: its step-down cannot be observed`);
        }
      }
      return verdict(g.id, 'pass', '');
    },
    () => {
      const stepBound = threshold(g, 'maxStepDownMs');
      const electBound = threshold(g, 'maxElectionMs');
      const obs = history.leaderObservations();
      let stepWorst = 0;
      let electWorst = 0;
      let ackedViaIsolated = 0;
      for (const f of history.faultWindows()) {
        const isolated = f.targets[0] ?? '';
        const leaderId = leaderMemberAt(history, f.issuedAtMs)?.leaderId;
        const s = stepDownAfter(obs, isolated, f.issuedAtMs, leaderId);
        if (s === undefined) {
          const answeredLater = obs.some((o) => o.member === isolated && o.atMs > f.issuedAtMs + stepBound);
          return answeredLater
            ? verdict(g.id, 'fail', `${isolated} still claimed leadership in every poll, beyond ${ms(stepBound)} after being isolated`, {}, { maxStepDownMs: stepBound })
            : verdict(g.id, 'inconclusive', `${isolated} stopped answering polls before it could be seen stepping down`);
        }
        stepWorst = Math.max(stepWorst, s.delayMs);
        const e = electionAfter(obs.filter((o) => o.member !== isolated), f.issuedAtMs);
        if (e.electionMs === undefined) {
          return verdict(g.id, 'fail', `the majority elected no new leader after ${isolated} was isolated`, { stepDownMs: stepWorst }, { maxElectionMs: electBound });
        }
        electWorst = Math.max(electWorst, e.electionMs);
        ackedViaIsolated += acknowledgedWithin(history.operations({ probe: ctx.names.etcdWrite, target: isolated }), confirmedWindow(f, history)).length;
      }
      const measured = { stepDownMs: stepWorst, electionMs: electWorst, acknowledgedWritesViaIsolated: ackedViaIsolated };
      const limits = { maxStepDownMs: stepBound, maxElectionMs: electBound, maxAcknowledgedWritesViaIsolated: 0 };
      if (ackedViaIsolated > 0) {
        return verdict(g.id, 'fail', `${ackedViaIsolated} writes through the isolated member were acknowledged: split brain`, measured, limits);
      }
      if (stepWorst > stepBound) {
        return verdict(g.id, 'fail', `the isolated leader stepped down after ${ms(stepWorst)}, over the ${ms(stepBound)} bound`, measured, limits);
      }
      if (electWorst > electBound) {
        return verdict(g.id, 'fail', `the majority took ${ms(electWorst)} to elect a leader, over the ${ms(electBound)} bound`, measured, limits);
      }
      return verdict(g.id, 'pass', `isolated leader stepped down after ${ms(stepWorst)}; majority elected a leader in ${ms(electWorst)}`, measured, limits);
    },
  ]);

/** Every acknowledged write is present after recovery. */
export const checkAcknowledgedWritesDurable: EtcdQuorumCheck = (history, g, ctx) => {
  const probes = [ctx.names.etcdWrite, ctx.names.apiWrite].filter((p) => history.lastSnapshot(p) !== undefined);
  if (probes.length === 0) {
    return verdict(g.id, 'inconclusive', 'no final read (snapshot) of the probe keys was recorded');
  }
  const measured: Record<string, number> = {};
  const lost: string[] = [];
  let acked = 0;
  for (const p of probes) {
    const snap = history.lastSnapshot(p);
    if (snap === undefined) {
      continue;
    }
    const r = durability(history.operations({ probe: p }), snap, snap.prefix);
    acked += r.ackedCount;
    measured[`${p}.acknowledged`] = r.ackedCount;
    measured[`${p}.lost`] = r.lost.length;
    measured[`${p}.unknownApplied`] = r.unknownAppliedCount;
    measured[`${p}.unknown`] = r.unknownCount;
    measured[`${p}.failedApplied`] = r.failedAppliedCount;
    measured[`${p}.acknowledgedAfterRead`] = r.ackedAfterReadCount;
    lost.push(...r.lost.map((w) => `${w.key ?? '?'}@${w.revision ?? '?'}`));
  }
  const limits = { maxLostWrites: 0 };
  if (lost.length > 0) {
    return verdict(g.id, 'fail', `${lost.length} acknowledged writes are missing after recovery: ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ', ...' : ''}`, measured, limits);
  }
  if (acked === 0) {
    return verdict(g.id, 'inconclusive', 'no acknowledged writes to check', measured, limits);
  }
  return verdict(g.id, 'pass', `all ${acked} acknowledged writes are present after recovery`, measured, limits);
};

/** Each member's term, revision and raft index never decrease. */
export const checkRevisionsAndTermsMonotonic: EtcdQuorumCheck = (history, g) => {
  const obs = history.leaderObservations();
  if (obs.length === 0) {
    return verdict(g.id, 'inconclusive', 'no status observations recorded');
  }
  const r = regressions(obs, history.statusErrors());
  const measured = { regressions: r.length, regressionsAcrossRestart: r.filter((x) => x.acrossOutage).length, observations: obs.length };
  const first = r[0];
  return first === undefined
    ? verdict(g.id, 'pass', `terms, revisions and raft indexes only moved forward over ${obs.length} polls`, measured, { maxRegressions: 0 })
    : verdict(
        g.id,
        'fail',
        `${r.length} regressions; first: ${first.member} ${first.field} ${first.fromValue} -> ${first.toValue} at ${ms(first.toAtMs)}${first.acrossOutage ? ' (after a restart)' : ''}`,
        measured,
        { maxRegressions: 0 },
      );
};

/** No two members ever report different leaders for the same term. */
export const checkOneLeaderPerTerm: EtcdQuorumCheck = (history, g) => {
  const obs = history.leaderObservations();
  if (obs.length === 0) {
    return verdict(g.id, 'inconclusive', 'no status observations recorded');
  }
  const v = splitBrainViolations(obs);
  const measured = { termsWithTwoLeaders: v.length, leaderEpochs: leaderEpochs(obs).length };
  const first = v[0];
  return first === undefined
    ? verdict(g.id, 'pass', `one leader per term across ${measured.leaderEpochs} leader epochs`, measured, { maxTermsWithTwoLeaders: 0 })
    : verdict(g.id, 'fail', `term ${first.term} had leaders ${first.leaderIds.join(' and ')} (${first.claims.map((c) => `${c.member} at ${ms(c.atMs)}`).join(', ')})`, measured, { maxTermsWithTwoLeaders: 0 });
};

/** Watches deliver acknowledged writes in revision order without gaps (relist after 410 excepted). */
export const checkWatchOrderedWithoutGaps: EtcdQuorumCheck = (history, g, ctx) => {
  const watchers = history.watchers();
  if (watchers.length === 0) {
    return verdict(g.id, 'inconclusive', 'no watch was recorded');
  }
  const log = history.watchLog();
  const order = watchOrderViolations(log);
  const writes = history.operations({ probe: ctx.names.etcdWrite });
  let inRange = 0;
  let missing = 0;
  let mismatched = 0;
  let relisted = 0;
  let firstMissing = '';
  for (const w of watchers) {
    const c = watchCoverage(log, writes, w);
    inRange += c.inRangeCount;
    missing += c.missing.length;
    mismatched += c.valueMismatches.length;
    relisted += c.coveredByRelistCount;
    const m = c.missing[0];
    if (m !== undefined && firstMissing === '') {
      firstMissing = ` (first: ${m.key ?? '?'} at revision ${m.revision ?? '?'} on ${w})`;
    }
  }
  const measured = { orderViolations: order.length, missingEvents: missing, valueMismatches: mismatched, coveredByRelist: relisted, acknowledgedInRange: inRange };
  const limits = { maxOrderViolations: 0, maxMissingEvents: 0 };
  const firstOrder = order[0];
  if (firstOrder !== undefined) {
    return verdict(g.id, 'fail', `${order.length} out-of-order watch events; first: revision ${firstOrder.revision} after ${firstOrder.boundRevision} on ${firstOrder.watcher}`, measured, limits);
  }
  if (missing > 0 || mismatched > 0) {
    return verdict(g.id, 'fail', `${missing} acknowledged writes never reached the watch and ${mismatched} arrived with another value${firstMissing}`, measured, limits);
  }
  if (inRange === 0) {
    return verdict(g.id, 'inconclusive', 'no acknowledged write fell inside a watched range', measured, limits);
  }
  return verdict(g.id, 'pass', `all ${inRange} acknowledged writes arrived in order (${relisted} via a relist after compaction)`, measured, limits);
};
