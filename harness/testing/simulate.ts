/**
 * Small, deterministic simulators that produce realistic histories for unit tests, stored fixtures and
 * the sample timeline. They model what the real probes do (one outstanding request per worker, a
 * fixed cadence, a client deadline that turns into `unknown`) so checks are exercised on data shaped
 * like a real run, while every number stays a consequence of stated parameters.
 *
 * Test support only: nothing in the harness proper imports this.
 */
import type { LeaderObservation, Operation, Outcome, StatusErrorObservation } from '../probes/history.js';
import { seededRandom } from '../random.js';

/** The harness's seeded PRNG, so simulated jitter is the same on every run. */
export { seededRandom };

/** What the simulated server does with one request. */
export interface SimulatedResponse {
  readonly outcome: Outcome;
  /** Time until the response; ignored for `unknown` (the client deadline decides). */
  readonly latencyMs: number;
  readonly error?: string;
}

/** A periodic probe worker: one outstanding request, cadence `intervalMs`, targets in rotation. */
export interface WorkerSpec {
  readonly probe: string;
  readonly op: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly intervalMs: number;
  readonly deadlineMs: number;
  readonly targets: readonly string[];
  /** Writes get key `${keyPrefix}${seq}` and value `v${seq}`. */
  readonly keyPrefix?: string;
  readonly respond: (invokedAtMs: number, target: string, seq: number) => SimulatedResponse;
}

/**
 * Runs a worker. The next request is sent at the next tick that is not earlier than the previous
 * completion (a slow request delays the cadence, as in the real probe). An `unknown` outcome
 * completes at the deadline.
 */
export function simulateWorker(spec: WorkerSpec): Operation[] {
  const ops: Operation[] = [];
  let t = spec.startMs;
  let seq = 0;
  while (t < spec.endMs) {
    const target = spec.targets[seq % spec.targets.length];
    if (target === undefined) {
      throw new Error('simulateWorker: no targets');
    }
    const r = spec.respond(t, target, seq);
    const completedAtMs = r.outcome === 'unknown' ? t + spec.deadlineMs : t + Math.min(r.latencyMs, spec.deadlineMs);
    ops.push({
      probe: spec.probe,
      op: spec.op,
      target,
      invokedAtMs: round3(t),
      completedAtMs: round3(completedAtMs),
      outcome: r.outcome,
      ...(r.error === undefined ? {} : { error: r.error }),
      ...(spec.keyPrefix === undefined ? {} : { key: `${spec.keyPrefix}${seq}`, value: `v${seq}` }),
    });
    seq += 1;
    let next = t + spec.intervalMs;
    while (next < completedAtMs) {
      next += spec.intervalMs;
    }
    t = next;
  }
  return ops;
}

/** Rounds to microseconds, as a JSON history would carry performance.now() readings. */
export function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** What one member reports when polled at an instant. */
export type MemberState =
  | { readonly up: true; readonly leaderId: string; readonly term: number }
  | { readonly up: false; readonly error: string; readonly outcome?: 'fail' | 'unknown' };

/** A status poller per member at a fixed cadence. */
export interface PollSpec {
  readonly members: readonly { readonly name: string; readonly id: string }[];
  readonly startMs: number;
  readonly endMs: number;
  readonly intervalMs: number;
  readonly state: (atMs: number, member: string) => MemberState;
  /** The member's applied revision at an instant. */
  readonly revisionAt: (atMs: number, member: string) => number;
  /** Per-member phase offset so pollers do not sample in lockstep. */
  readonly offsetMs?: (member: string) => number;
}

/** Simulates status polls: one observation (or error) per member per tick. */
export function simulatePolls(spec: PollSpec): (LeaderObservation | StatusErrorObservation)[] {
  const out: (LeaderObservation | StatusErrorObservation)[] = [];
  for (const m of spec.members) {
    const offset = spec.offsetMs?.(m.name) ?? 0;
    for (let t = spec.startMs + offset; t < spec.endMs; t += spec.intervalMs) {
      const s = spec.state(t, m.name);
      if (s.up) {
        const revision = spec.revisionAt(t, m.name);
        out.push({
          kind: 'leader',
          atMs: round3(t),
          member: m.name,
          memberId: m.id,
          leaderId: s.leaderId,
          term: s.term,
          revision,
          raftIndex: revision + 7 * s.term,
        });
      } else {
        out.push({ kind: 'leader-error', atMs: round3(t), member: m.name, outcome: s.outcome ?? 'fail', error: s.error });
      }
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
