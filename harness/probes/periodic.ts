/**
 * A worker that runs one task at a fixed rate with at most one task in flight (etcd's
 * RecordingClient rule: more load means more workers, never concurrency inside one).
 *
 * Scheduling: starts are aimed at a fixed grid (t0, t0 + interval, ...), so timer lateness does not
 * accumulate and the rate is exactly 1/interval while tasks are fast. Each task belongs to the
 * latest grid point at or before its start. A task that overruns into the next slot is followed at
 * once by one late start for the slot it ended in (never a burst of catch-up tasks for the points it
 * missed: a pile-up would flood a recovering server and distort the measurement); then the worker
 * goes back to its grid, which never moves.
 *
 * Why both halves:
 * - Starting late rather than idling to the next point: a request that takes 110 ms at 10 Hz would
 *   otherwise cost a whole slot, so a probe whose latency straddles its interval loses resolution
 *   exactly when the server is slow (CI, 2026-12-06: the API write probe through the LB, 10 Hz
 *   nominal, sampled the baseline at 8.8/s and the suite had to call its verdicts inconclusive).
 * - The grid staying put keeps workers that share a rate phase-shifted: when the grid restarted at
 *   each overrun, one harness stall that woke three workers' timers at once merged their grids for
 *   the rest of the case (ha-5cp, 2026-12-06: a member's three writes sent in the same millisecond,
 *   so a stall cost all three). Now a stall merges at most the one tick it delayed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MonotonicClock } from './clock.js';

/**
 * Where workers report that they ran late: a task that started after its grid point because the one
 * before overran, or a timer that fired past the next point. The scenario waits for a stretch with
 * none before it starts the baseline (steady-state.ts).
 */
export interface PaceLog {
  late(atMs: number): void;
}

/** A PaceLog that remembers the last report. */
export interface PaceTracker extends PaceLog {
  lastLateAtMs(): number | undefined;
}

export function createPaceTracker(): PaceTracker {
  let last: number | undefined;
  return {
    late(atMs: number): void {
      last = last === undefined ? atMs : Math.max(last, atMs);
    },
    lastLateAtMs: () => last,
  };
}

/** A running periodic worker. */
export interface PeriodicWorker {
  /** Stops scheduling and resolves when the task in flight (if any) has finished. Idempotent. */
  stop(): Promise<void>;
}

/** Options of a periodic worker. */
export interface PeriodicOptions {
  readonly intervalMs: number;
  readonly clock: MonotonicClock;
  /**
   * The task. It must record its own outcome and should not throw; if it does, the error goes to
   * `onError` and the worker keeps going (one bad tick must not end a measurement silently).
   */
  readonly task: (seq: number) => Promise<void>;
  readonly onError: (err: unknown) => void;
  /** Wait this long before the first task (phase offset between workers sharing a rate); default 0. */
  readonly startDelayMs?: number;
  /** Told each time this worker starts a task late (optional). */
  readonly pace?: PaceLog;
  /** How to wait; defaults to node:timers/promises. Tests pass one that advances a fake clock. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const realSleep = async (ms: number, signal: AbortSignal): Promise<void> => {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted by stop(): the worker's loop condition ends it.
  }
};

/** Starts a fixed-rate worker; the first task runs after `startDelayMs` (immediately by default). */
export function startPeriodic(opts: PeriodicOptions): PeriodicWorker {
  if (!(opts.intervalMs > 0)) {
    throw new Error(`intervalMs must be > 0, got ${opts.intervalMs}`);
  }
  const abort = new AbortController();
  const wait = opts.sleep ?? realSleep;
  let stopped = false;
  const loop = async (): Promise<void> => {
    let seq = 0;
    if ((opts.startDelayMs ?? 0) > 0) {
      await wait(opts.startDelayMs ?? 0, abort.signal);
    }
    const gridStartMs = opts.clock.nowMs();
    let slot = 0;
    while (!stopped) {
      // The slot this task belongs to: the latest grid point at or before its start (a timer that
      // fired late, or an overrun, moves it forward; never back).
      const startMs = opts.clock.nowMs();
      const due = Math.floor((startMs - gridStartMs) / opts.intervalMs);
      if (due > slot) {
        opts.pace?.late(startMs);
      }
      slot = Math.max(slot, due);
      try {
        await opts.task(seq);
      } catch (err) {
        opts.onError(err);
      }
      seq += 1;
      slot += 1;
      const untilNextMs = gridStartMs + slot * opts.intervalMs - opts.clock.nowMs();
      if (untilNextMs > 0) {
        await wait(untilNextMs, abort.signal);
      } else if (untilNextMs < 0) {
        // The task overran its slot: the next one starts now, late, in the slot it ended in.
        opts.pace?.late(opts.clock.nowMs());
      }
    }
  };
  const done = loop();
  let stopping: Promise<void> | undefined;
  return {
    stop(): Promise<void> {
      stopping ??= (async () => {
        stopped = true;
        abort.abort();
        await done;
      })();
      return stopping;
    },
  };
}
