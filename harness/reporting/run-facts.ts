/**
 * The derived facts every report shows (faults, leader changes, elections after each fault,
 * availability per phase), computed once from the history with the same pure checks the verdicts
 * use, so the summary, the timeline and the terminal line agree.
 */
import type { FaultWindow, History, ResolvedPhase } from '../probes/history.js';
import { availabilityStats, longestOutage, type AvailabilityStats } from '../checks/availability.js';
import { electionAfter, leaderChanges, NO_LEADER } from '../checks/election.js';

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

/** The election (if any) that followed one fault. */
export interface ElectionFact {
  readonly faultId: string;
  readonly electionMs: number | undefined;
  readonly newLeaderMember: string | undefined;
}

/** Availability of one probe in one phase. */
export interface PhaseAvailabilityFact {
  readonly probe: string;
  readonly phase: string;
  readonly stats: AvailabilityStats;
  readonly longestOutageMs: number;
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
      const e = electionAfter(obs, f.issuedAtMs);
      return {
        faultId: f.faultId,
        electionMs: e.electionMs,
        newLeaderMember: e.next === undefined ? undefined : name(e.next.leaderId),
      };
    }),
    availability,
    memberById,
    longestOutage: worst,
  };
}
