/**
 * The run's one clock. Probes, pollers and fault records all stamp their events with it, so a fault
 * instant and a probe's failure can be compared directly (etcd's robustness tests share one
 * `baseTime` for the same reason).
 *
 * It is monotonic: `performance.now()` never jumps when NTP or a person adjusts the wall clock, while
 * `Date.now()` can, and a single backwards step would turn an outage into a negative duration.
 */
import { performance } from 'node:perf_hooks';

/** A clock that reads milliseconds since the start of the run and never goes backwards. */
export interface MonotonicClock {
  /** Milliseconds since the run started (fractional, monotonic). */
  nowMs(): number;
  /**
   * Wall-clock time of the run start, for labelling reports only. Never subtract two wall-clock
   * readings to get an interval: use `nowMs()`.
   */
  readonly startedAtIso: string;
}

/** Where the clock reads time from; injectable so code that takes a clock can be tested. */
export interface ClockSource {
  /** A monotonic reading in milliseconds from an arbitrary origin (e.g. `performance.now()`). */
  monotonicMs(): number;
  /** The wall clock, read once at the start to label the run. */
  wallClockMs(): number;
}

const systemSource: ClockSource = {
  monotonicMs: () => performance.now(),
  wallClockMs: () => Date.now(),
};

/**
 * Starts the run clock: `nowMs()` is 0 now and counts up from here.
 *
 * @param source defaults to `performance.now()` / `Date.now()`; tests pass a fake.
 */
export function startRunClock(source: ClockSource = systemSource): MonotonicClock {
  const originMs = source.monotonicMs();
  const startedAtIso = new Date(source.wallClockMs()).toISOString();
  let lastMs = 0;
  return {
    startedAtIso,
    nowMs(): number {
      // performance.now() is already monotonic; the clamp guards against an injected source (or a
      // platform bug) stepping back, so no consumer ever sees time reverse.
      const t = source.monotonicMs() - originMs;
      lastMs = t > lastMs ? t : lastMs;
      return lastMs;
    },
  };
}

/**
 * A run clock shared by every process of one test run: vitest runs suite files in separate worker
 * processes, and their histories must line up on one timeline. process.hrtime is CLOCK_MONOTONIC,
 * which every process on the machine reads alike, so an origin taken in the global setup means the
 * same instant everywhere.
 */
export function sharedRunClock(originNs: bigint, startedAtIso: string): MonotonicClock {
  let lastMs = 0;
  return {
    startedAtIso,
    nowMs(): number {
      const t = Number(process.hrtime.bigint() - originNs) / 1e6;
      lastMs = t > lastMs ? t : lastMs;
      return lastMs;
    },
  };
}
