/**
 * The derived facts every report shows (faults, leader changes, elections after each fault,
 * availability per phase), computed once from the history with the same pure checks the verdicts
 * use, so the summary, the timeline and the terminal line agree.
 */
import type { FaultWindow, History, ResolvedPhase } from '../probes/history.js';
import { availabilityStats, longestOutage, type AvailabilityStats } from '../checks/availability.js';
import { electionAfter, leaderChanges, NO_LEADER } from '../checks/election.js';
import { holderChanges, holderNode } from '../checks/lease-holders.js';
import { isBackendEjected, stateChanges } from '../checks/observed-states.js';

/** A leader change with member names resolved where the pollers reported ids. */
export interface LeaderChangeFact {
  readonly atMs: number;
  readonly fromLeaderId: string;
  readonly toLeaderId: string;
  readonly fromMember: string | undefined;
  readonly toMember: string | undefined;
  readonly term: number;
  readonly seenBy: string;
}

/**
 * What the time to the next leader after a fault measures:
 * - election: the members elected a leader while the fault was in place (a kill, a pause, a
 *   partition): an election time, comparable with the election timeout;
 * - transfer: the fault was a SIGTERM of etcd, which asks it to hand leadership over on its way
 *   out; the time is dominated by etcd's graceful stop draining its client listeners first, not by
 *   an election;
 * - after-heal: no leader until the heal of a fault that was held (a majority held down): the time
 *   includes the hold, it measures how soon quorum came back, not an election.
 */
export type ElectionMeasure = 'election' | 'transfer' | 'after-heal';

/**
 * A fault is held when its heal was issued at least this long after it was in effect: a one-shot
 * fault (a kill) has nothing to undo and is healed within milliseconds; a hold lasts seconds.
 */
export const HELD_FAULT_MIN_MS = 1_000;

/** The election (if any) that followed one fault. */
export interface ElectionFact {
  readonly faultId: string;
  readonly electionMs: number | undefined;
  readonly newLeaderMember: string | undefined;
  /** What electionMs measures (see ElectionMeasure); 'election' when there was none. */
  readonly measures: ElectionMeasure;
}

/** What the time from `f` to the next leader, first seen at `nextAtMs`, measures. Pure. */
export function electionMeasure(f: FaultWindow, nextAtMs: number | undefined): ElectionMeasure {
  // etcd's own graceful stop (a SIGTERM of another component does not hand etcd leadership over).
  if (/\bSIGTERM\b/.test(f.summary) && /\betcd\b/.test(f.summary)) {
    return 'transfer';
  }
  const healIssuedAtMs = f.healIssuedAtMs ?? f.healedAtMs;
  const held = healIssuedAtMs !== undefined && healIssuedAtMs - f.injectedAtMs >= HELD_FAULT_MIN_MS;
  return held && nextAtMs !== undefined && nextAtMs >= healIssuedAtMs ? 'after-heal' : 'election';
}

/** How the reports word what an election fact measures (the terminal's label, the Faults tables' note). */
export const ELECTION_MEASURE_TEXT: Readonly<Record<ElectionMeasure, string>> = {
  election: 'election',
  transfer: 'graceful-stop transfer, not an election: etcd drains its client listeners first',
  'after-heal': 'leader only after the heal: quorum restored, not an election',
};

/** Availability of one probe in one phase. */
export interface PhaseAvailabilityFact {
  readonly probe: string;
  readonly phase: string;
  readonly stats: AvailabilityStats;
  readonly longestOutageMs: number;
}

/** A change of a leader-election lease's holder ('' = released / no holder). */
export interface LeaseChangeFact {
  readonly atMs: number;
  readonly lease: string;
  readonly from: string;
  readonly to: string;
  /** The node the new holder runs on (from its identity), if any. */
  readonly toNode: string | undefined;
  readonly fromNode: string | undefined;
  readonly transitions: number | undefined;
}

/** A change of a node's Ready condition. */
export interface NodeChangeFact {
  readonly atMs: number;
  readonly node: string;
  readonly from: string;
  readonly to: string;
}

/** A change of a load-balancer backend between serving (UP) and ejected (DOWN / MAINT). */
export interface BackendChangeFact {
  readonly atMs: number;
  readonly server: string;
  readonly from: string;
  readonly to: string;
  /** haproxy's own status text at the change, e.g. 'DOWN' or 'UP'. */
  readonly status: string;
}

/** A change of a Service's endpoint addresses (default/kubernetes). */
export interface EndpointsChangeFact {
  readonly atMs: number;
  readonly service: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** Everything derived. */
export interface RunFacts {
  readonly startMs: number;
  readonly endMs: number;
  readonly faults: readonly FaultWindow[];
  readonly phases: readonly ResolvedPhase[];
  readonly leaderChanges: readonly LeaderChangeFact[];
  readonly elections: readonly ElectionFact[];
  readonly availability: readonly PhaseAvailabilityFact[];
  /** etcd member id -> node name, from the pollers' self-reported ids. */
  readonly memberById: ReadonlyMap<string, string>;
  readonly longestOutage: { readonly probe: string; readonly durationMs: number } | undefined;
  readonly leaseChanges: readonly LeaseChangeFact[];
  readonly nodeChanges: readonly NodeChangeFact[];
  readonly backendChanges: readonly BackendChangeFact[];
  readonly endpointsChanges: readonly EndpointsChangeFact[];
}

/** The coarse state of a backend: serving or ejected (haproxy's 'UP 1/3' is still serving). */
export function backendState(status: string): string {
  return isBackendEjected(status) ? (status.startsWith('MAINT') ? 'MAINT' : 'DOWN') : 'UP';
}

function endpointsChanges(history: History): EndpointsChangeFact[] {
  const out: EndpointsChangeFact[] = [];
  const last = new Map<string, readonly string[]>();
  for (const e of [...history.endpointsObservations()].sort((a, b) => a.atMs - b.atMs)) {
    const prev = last.get(e.service);
    if (prev !== undefined) {
      const added = e.addresses.filter((a) => !prev.includes(a));
      const removed = prev.filter((a) => !e.addresses.includes(a));
      if (added.length > 0 || removed.length > 0) {
        out.push({ atMs: e.atMs, service: e.service, added, removed });
      }
    }
    last.set(e.service, e.addresses);
  }
  return out;
}

/** Derives the report facts from a history. */
export function runFacts(history: History): RunFacts {
  const obs = history.leaderObservations();
  const memberById = new Map<string, string>();
  for (const o of obs) {
    if (o.memberId !== undefined && !memberById.has(o.memberId)) {
      memberById.set(o.memberId, o.member);
    }
  }
  const name = (id: string): string | undefined => (id === NO_LEADER ? undefined : memberById.get(id));
  const faults = history.faultWindows();
  const phases = history.phases();
  const probes = [...new Set(history.operations().map((o) => o.probe))];
  const availability: PhaseAvailabilityFact[] = [];
  let worst: { probe: string; durationMs: number } | undefined;
  for (const probe of probes) {
    const ops = history.operations({ probe });
    for (const p of phases) {
      availability.push({
        probe,
        phase: p.name,
        stats: availabilityStats(ops, p),
        longestOutageMs: longestOutage(ops, p)?.durationMs ?? 0,
      });
    }
    const o = longestOutage(ops);
    if (o !== undefined && (worst === undefined || o.durationMs > worst.durationMs)) {
      worst = { probe, durationMs: o.durationMs };
    }
  }
  return {
    startMs: history.startMs(),
    endMs: history.endMs(),
    faults,
    phases,
    leaderChanges: leaderChanges(obs).map((c) => ({
      atMs: c.atMs,
      fromLeaderId: c.from.leaderId,
      toLeaderId: c.to.leaderId,
      fromMember: name(c.from.leaderId),
      toMember: name(c.to.leaderId),
      term: c.to.term,
      seenBy: c.to.firstSeenBy,
    })),
    elections: faults.map((f) => {
      // Only an election before the next fault belongs to this one: a follower kill that caused
      // none must not be credited with the election a later case's leader kill caused.
      const nextFaultAtMs = Math.min(...faults.map((g) => g.issuedAtMs).filter((t) => t > f.issuedAtMs), Number.POSITIVE_INFINITY);
      const found = electionAfter(obs, f.issuedAtMs);
      const e = found.next !== undefined && found.next.atMs >= nextFaultAtMs ? { ...found, next: undefined, electionMs: undefined } : found;
      return {
        faultId: f.faultId,
        electionMs: e.electionMs,
        newLeaderMember: e.next === undefined ? undefined : name(e.next.leaderId),
        measures: electionMeasure(f, e.next?.atMs),
      };
    }),
    availability,
    memberById,
    longestOutage: worst,
    leaseChanges: holderChanges(history.leaseObservations()).map((c) => ({
      atMs: c.atMs,
      lease: c.lease,
      from: c.from.holder,
      to: c.to.holder,
      fromNode: holderNode(c.from.holder),
      toNode: holderNode(c.to.holder),
      transitions: c.to.first.transitions,
    })),
    nodeChanges: history
      .observedNodes()
      .flatMap((n) => stateChanges(history.nodeObservations(n), (o) => o.ready).map((c) => ({ atMs: c.atMs, node: n, from: c.from, to: c.to })))
      .sort((a, b) => a.atMs - b.atMs),
    backendChanges: history
      .backendServers()
      .flatMap((sv) => stateChanges(history.backendStates(sv), (o) => backendState(o.status)).map((c) => ({ atMs: c.atMs, server: sv, from: c.from, to: c.to, status: c.observation.status })))
      .sort((a, b) => a.atMs - b.atMs),
    endpointsChanges: endpointsChanges(history),
  };
}
