/**
 * Is the cluster, as the probes see it, steady enough to start a baseline?
 *
 * A baseline is the "before" every fault is compared with, so it must not start while the cluster is
 * still settling from the previous case (a heal that just finished, a watch cache catching up) or
 * while the harness's own timers are late. CI, 2026-12-06: lb-failover's first case started right
 * after workload-continuity's last heal; the API through the LB was slow for a few seconds, the
 * 10 Hz write probe sampled the 6 s baseline at 8.8/s, and two verdicts came out inconclusive.
 *
 * Steady means: over the last `windowMs`, no fixed-rate worker started late (a request slower than
 * its interval, or a timer that fired late: periodic.ts reports both), no operation failed or timed
 * out, and no poll failed. The scenario waits for that after its warm-up, for a bounded time; a
 * cluster that never gets there is still measured, and its baseline judged as it is.
 */
import type { History } from '../probes/history.js';

/** How long the probes must have been steady before the baseline starts. */
export const STEADY_WINDOW_MS = 1_500;

/** Why the probes are not steady at `nowMs`, or undefined when they are. */
export function unsteadyReason(history: History, nowMs: number, lastLateAtMs: number | undefined, windowMs = STEADY_WINDOW_MS): string | undefined {
  const fromMs = nowMs - windowMs;
  if (lastLateAtMs !== undefined && lastLateAtMs >= fromMs) {
    return `a probe worker started late ${Math.round(nowMs - lastLateAtMs)} ms ago (a request slower than its interval, or late timers)`;
  }
  for (const e of history.entries()) {
    if (e.kind === 'op' && e.outcome !== 'ok' && e.completedAtMs >= fromMs) {
      return `${e.probe} (${e.target}) ${e.outcome === 'fail' ? 'failed' : 'timed out'} ${Math.round(nowMs - e.completedAtMs)} ms ago: ${e.error ?? ''}`.trim();
    }
    if ((e.kind === 'poll-error' || e.kind === 'leader-error') && e.atMs >= fromMs) {
      const who = e.kind === 'poll-error' ? `${e.poller} poll (${e.target})` : `etcd status poll (${e.member})`;
      return `${who} failed ${Math.round(nowMs - e.atMs)} ms ago: ${e.error}`;
    }
  }
  return undefined;
}
