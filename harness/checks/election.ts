/**
 * Leader elections as seen by the status pollers: which leaders there were, when a new one was
 * first observed after a fault, when an isolated leader stepped down, and whether two members ever
 * claimed different leaders for the same term.
 *
 * Several pollers observe the same election; everything here is de-duplicated on the pair
 * (leader id, term), which raft makes unique: a term has at most one leader.
 */
import type { LeaderObservation, MetricSample } from '../probes/history.js';

/** etcd reports leader id 0 while a member has no leader (campaigning, just restarted). */
export const NO_LEADER = '0';

/** One leader in one term, as first observed by any poller. */
export interface LeaderEpoch {
  readonly leaderId: string;
  readonly term: number;
  readonly firstSeenAtMs: number;
  /** The member whose poll saw it first. */
  readonly firstSeenBy: string;
}

/**
 * etcd's Maintenance.Status reports the raft term of the last APPLIED entry, while its leader field
 * comes straight from raft: after an election a member reports the NEW leader with the OLD term until
 * it applies the first entry of the new term (seen on etcd 3.6.5: 240 ms on a healthy follower, 30 s
 * on a member that rejoined after a partition and had a backlog to apply). Taken literally that is
 * two leaders in one term.
 *
 * A leader's term does not change while it leads, so every report in one member's unbroken run of
 * reports naming the same leader belongs to the highest term reported in that run. The cost: a leader
 * re-elected with no other leader (or "no leader") reported in between is seen as one epoch, which can
 * hide, never invent, a violation.
 */
/** Polls run every ~100 ms; a member silent for longer than this was not answering. */
export const RUN_GAP_MS = 1_000;

export function correctTermLag(observations: readonly LeaderObservation[]): LeaderObservation[] {
  const sorted = [...observations].sort((a, b) => a.atMs - b.atMs);
  const runTerm = new Map<LeaderObservation, number>();
  const open = new Map<string, { leaderId: string; members: LeaderObservation[]; maxTerm: number; lastAtMs: number }>();
  // Only a run that STARTS with a change of leader (as this member sees it) is corrected: that is
  // where the applied term lags. A run with the same leader throughout can span a real re-election of
  // that leader (a killed leader restarted and re-elected, as seen in CI); lifting its early reports
  // into the later term would invent an election at the moment of the kill.
  const previousLeader = new Map<string, string>();
  const close = (run: { leaderId: string; members: LeaderObservation[]; maxTerm: number }, member: string): void => {
    const before = previousLeader.get(member);
    const correct = before !== undefined && before !== run.leaderId;
    for (const o of run.members) {
      runTerm.set(o, correct ? run.maxTerm : o.term);
    }
    previousLeader.set(member, run.leaderId);
  };
  for (const o of sorted) {
    const run = open.get(o.member);
    // A silence breaks the run: the member did not answer (it was killed and restarted, say), so what
    // it says afterwards is not the same unbroken view (seen in CI: a killed leader re-elected itself
    // in term 4; without the break its last term-3 reports, 33 ms after the kill, became term 4).
    if (run !== undefined && run.leaderId === o.leaderId && o.atMs - run.lastAtMs <= RUN_GAP_MS) {
      run.members.push(o);
      run.maxTerm = Math.max(run.maxTerm, o.term);
      run.lastAtMs = o.atMs;
    } else {
      if (run !== undefined) {
        close(run, o.member);
      }
      open.set(o.member, { leaderId: o.leaderId, members: [o], maxTerm: o.term, lastAtMs: o.atMs });
    }
  }
  for (const [member, run] of open) {
    close(run, member);
  }
  return sorted.map((o) => (isNoLeader(o.leaderId) || runTerm.get(o) === o.term ? o : { ...o, term: runTerm.get(o) ?? o.term }));
}

function byTime(obs: readonly LeaderObservation[]): LeaderObservation[] {
  return correctTermLag(obs);
}

function isNoLeader(id: string): boolean {
  // Pollers may render the zero id as '0' or as sixteen zeros; both mean "no leader".
  return /^0+$/.test(id);
}

/**
 * Distinct (leader id, term) pairs, ordered by term, then by first observation. "No leader" reports
 * are not epochs. A member that lags (still reports the old leader after others saw the new one) adds
 * nothing, because its pair was already seen.
 */
export function leaderEpochs(observations: readonly LeaderObservation[]): LeaderEpoch[] {
  const seen = new Map<string, LeaderEpoch>();
  for (const o of byTime(observations)) {
    if (isNoLeader(o.leaderId)) {
      continue;
    }
    const k = `${o.term}/${o.leaderId}`;
    if (!seen.has(k)) {
      seen.set(k, { leaderId: o.leaderId, term: o.term, firstSeenAtMs: o.atMs, firstSeenBy: o.member });
    }
  }
  return [...seen.values()].sort((a, b) => a.term - b.term || a.firstSeenAtMs - b.firstSeenAtMs);
}

/** A transition between consecutive epochs. */
export interface LeaderChange {
  readonly from: LeaderEpoch;
  readonly to: LeaderEpoch;
  /** When the new epoch was first observed. */
  readonly atMs: number;
  /** False when the same member was re-elected in a later term. */
  readonly leaderIdChanged: boolean;
}

/** Leader changes: one per epoch after the first (the first is the leader the run started with). */
export function leaderChanges(observations: readonly LeaderObservation[]): LeaderChange[] {
  const epochs = leaderEpochs(observations);
  const out: LeaderChange[] = [];
  for (let i = 1; i < epochs.length; i += 1) {
    const from = epochs[i - 1];
    const to = epochs[i];
    if (from !== undefined && to !== undefined) {
      out.push({ from, to, atMs: to.firstSeenAtMs, leaderIdChanged: from.leaderId !== to.leaderId });
    }
  }
  return out;
}

/** The election that followed a fault. */
export interface ElectionAfterFault {
  readonly faultAtMs: number;
  /** The leader in power at the fault instant (highest term observed at or before it). */
  readonly previous: LeaderEpoch | undefined;
  /** The first observation, at or after the fault, of a leader in a higher term (possibly the same member). */
  readonly next: { readonly leaderId: string; readonly term: number; readonly atMs: number; readonly observedBy: string } | undefined;
  /** next.atMs - faultAtMs, when both are known. */
  readonly electionMs: number | undefined;
}

/**
 * Election time = from the fault instant to the first observation, by any member's poller, of a
 * leader in a higher term than the one in power at the fault (lagging term reports are corrected
 * first, see correctTermLag, so a higher term means a new election).
 *
 * The result is an upper bound on the true election time by at most one poll interval per member
 * (the leader exists a little before a poll reports it); callers add the poll interval to the bound.
 */
export function electionAfter(observations: readonly LeaderObservation[], faultAtMs: number): ElectionAfterFault {
  let previous: LeaderEpoch | undefined;
  for (const e of leaderEpochs(observations.filter((o) => o.atMs <= faultAtMs))) {
    if (previous === undefined || e.term >= previous.term) {
      previous = e;
    }
  }
  let next: ElectionAfterFault['next'];
  if (previous !== undefined) {
    for (const o of byTime(observations)) {
      // Any leader in a higher term is a new election, even the same member: a SIGKILLed leader that
      // the kubelet restarts within ~1.5 s can win the next election itself (seen on ha-3cp).
      if (o.atMs >= faultAtMs && !isNoLeader(o.leaderId) && o.term > previous.term) {
        next = { leaderId: o.leaderId, term: o.term, atMs: o.atMs, observedBy: o.member };
        break;
      }
    }
  }
  return { faultAtMs, previous, next, electionMs: next === undefined ? undefined : next.atMs - faultAtMs };
}

/**
 * When a member stopped claiming leadership after a fault: the first observation of `member` at or
 * after `faultAtMs` whose leader id is not the member's own id (either another leader or none).
 * `selfId` defaults to the memberId the member reported about itself. Undefined when the member
 * never answered a poll saying so (e.g. the partition also cut off the poller).
 */
export function stepDownAfter(
  observations: readonly LeaderObservation[],
  member: string,
  faultAtMs: number,
  selfId?: string,
): { readonly atMs: number; readonly delayMs: number; readonly selfId: string } | undefined {
  const own = byTime(observations.filter((o) => o.member === member));
  const id = selfId ?? own.find((o) => o.memberId !== undefined)?.memberId;
  if (id === undefined) {
    return undefined;
  }
  const o = own.find((x) => x.atMs >= faultAtMs && x.leaderId !== id);
  return o === undefined ? undefined : { atMs: o.atMs, delayMs: o.atMs - faultAtMs, selfId: id };
}

/** Two or more different leaders claimed for one term. */
export interface SplitBrainViolation {
  readonly term: number;
  readonly leaderIds: readonly string[];
  /** Who said so, and when (first claim of each leader id). */
  readonly claims: readonly { readonly member: string; readonly leaderId: string; readonly atMs: number }[];
}

/** Terms in which members reported different leaders. Raft allows at most one leader per term. */
export function splitBrainViolations(observations: readonly LeaderObservation[]): SplitBrainViolation[] {
  const byTerm = new Map<number, Map<string, { member: string; leaderId: string; atMs: number }>>();
  // The terms each leader claimed for itself. A follower's status can name the new leader while its
  // own term field is still the old one (seen 2026-12-07: a stepped-down partitioned leader reported
  // the term-6 leader with term 5); such a claim, for a leader seen leading only other terms, is a
  // stale field, not a second leader.
  const selfTerms = new Map<string, Set<number>>();
  for (const o of observations) {
    if (o.memberId !== undefined && o.memberId === o.leaderId) {
      selfTerms.set(o.leaderId, (selfTerms.get(o.leaderId) ?? new Set<number>()).add(o.term));
    }
  }
  for (const o of byTime(observations)) {
    if (isNoLeader(o.leaderId)) {
      continue;
    }
    const own = selfTerms.get(o.leaderId);
    if (o.memberId !== o.leaderId && own !== undefined && !own.has(o.term) && [...own].some((t) => t > o.term)) {
      continue;
    }
    const claims = byTerm.get(o.term) ?? new Map<string, { member: string; leaderId: string; atMs: number }>();
    if (!claims.has(o.leaderId)) {
      claims.set(o.leaderId, { member: o.member, leaderId: o.leaderId, atMs: o.atMs });
    }
    byTerm.set(o.term, claims);
  }
  const out: SplitBrainViolation[] = [];
  for (const [term, claims] of [...byTerm].sort((a, b) => a[0] - b[0])) {
    if (claims.size > 1) {
      out.push({ term, leaderIds: [...claims.keys()].sort(), claims: [...claims.values()] });
    }
  }
  return out;
}

/**
 * Increase of a monotonic counter over time, tolerating resets (a restarted etcd starts its counters
 * at 0): a drop means a restart, after which the new value is all increase. Samples of one member.
 */
export function counterIncrease(samples: readonly MetricSample[]): number {
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  let total = 0;
  for (let i = 1; i < sorted.length; i += 1) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev !== undefined && cur !== undefined) {
      total += cur.value >= prev.value ? cur.value - prev.value : cur.value;
    }
  }
  return total;
}

/**
 * One member's counter samples split into the stretches it ran undisturbed: outside every fault that
 * targeted it (from the fault's issue to its confirmed heal, or the end of the history) and between
 * restarts. Inside such a stretch each increase of etcd_server_leader_changes_seen_total is a leader
 * change the member saw. Across a stretch's edge it is not: a restarted etcd starts its counter at 0
 * and counts learning the current leader as a change, and a member that is down sees nothing.
 * Stretches with fewer than two samples say nothing and are dropped.
 */
export function undisturbedStretches(
  samples: readonly MetricSample[],
  faultsOnMember: readonly { readonly issuedAtMs: number; readonly healedAtMs?: number }[],
): MetricSample[][] {
  const disturbed = (t: number): boolean => faultsOnMember.some((f) => t >= f.issuedAtMs && t <= (f.healedAtMs ?? Number.POSITIVE_INFINITY));
  const out: MetricSample[][] = [];
  let current: MetricSample[] = [];
  const close = (): void => {
    if (current.length >= 2) {
      out.push(current);
    }
    current = [];
  };
  for (const sample of [...samples].sort((a, b) => a.atMs - b.atMs)) {
    const prev = current[current.length - 1];
    if (disturbed(sample.atMs)) {
      close();
      continue;
    }
    if (prev !== undefined && (sample.value < prev.value || faultsOnMember.some((f) => f.issuedAtMs > prev.atMs && f.issuedAtMs < sample.atMs))) {
      // A restart the harness did not cause, or a fault that began and healed between two scrapes.
      close();
    }
    current.push(sample);
  }
  close();
  return out;
}

/** Min, median and max of a non-empty list (median of an even count: mean of the middle two). */
export function minMedianMax(values: readonly number[]): { min: number; median: number; max: number } | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const at = (i: number): number => s[i] ?? Number.NaN;
  const median = s.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { min: at(0), median, max: at(s.length - 1) };
}
