/**
 * Availability measures over probe operations: success ratio, outages, time to first success, and
 * the probe's own sampling rate (a sparse probe cannot resolve a short outage, so its rate is an
 * assumption every availability verdict checks first).
 *
 * Pure functions over `Operation`s; callers select the operations (by probe, op, target) with
 * `History.operations(filter)`.
 */
import type { Operation, WatchEvent } from '../probes/history.js';

/** A half-open time interval [startMs, endMs) on the run clock. */
export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** Operations whose invocation falls in the window, sorted by invocation time. */
export function invokedIn(ops: readonly Operation[], window?: TimeWindow): Operation[] {
  return ops
    .filter((o) => window === undefined || (o.invokedAtMs >= window.startMs && o.invokedAtMs < window.endMs))
    .sort((a, b) => a.invokedAtMs - b.invokedAtMs || a.completedAtMs - b.completedAtMs);
}

/** Outcome counts and success ratio of operations invoked in a window. */
export interface AvailabilityStats {
  readonly okCount: number;
  readonly failCount: number;
  readonly unknownCount: number;
  readonly total: number;
  /** ok / (ok + fail + unknown); undefined when no operation was invoked in the window. */
  readonly successRatio: number | undefined;
}

/**
 * Counts outcomes of the operations invoked in the window. `unknown` counts against availability:
 * a request that got no answer within its deadline was not served, whatever happened to it later.
 */
export function availabilityStats(ops: readonly Operation[], window?: TimeWindow): AvailabilityStats {
  const inWindow = invokedIn(ops, window);
  let okCount = 0;
  let failCount = 0;
  let unknownCount = 0;
  for (const o of inWindow) {
    if (o.outcome === 'ok') {
      okCount += 1;
    } else if (o.outcome === 'fail') {
      failCount += 1;
    } else {
      unknownCount += 1;
    }
  }
  const total = inWindow.length;
  return { okCount, failCount, unknownCount, total, successRatio: total === 0 ? undefined : okCount / total };
}

/** Stats per named window (e.g. per phase), keyed by name. */
export function availabilityByWindow(
  ops: readonly Operation[],
  windows: readonly (TimeWindow & { readonly name: string })[],
): Record<string, AvailabilityStats> {
  const out: Record<string, AvailabilityStats> = {};
  for (const w of windows) {
    out[w.name] = availabilityStats(ops, w);
  }
  return out;
}

/** An interval during which the probe got no successful response. */
export interface Outage {
  /** Invocation of the first non-ok operation after an ok one (or the first operation at all). */
  readonly startMs: number;
  /** Completion of the first ok operation invoked after the outage began; see `ended`. */
  readonly endMs: number;
  readonly durationMs: number;
  /** Number of fail/unknown operations in the outage. */
  readonly nonOkCount: number;
  /**
   * False when no ok operation followed: the outage was still going when the operations ran out, and
   * `endMs` is the latest completion among its operations (a lower bound on the real end).
   */
  readonly ended: boolean;
}

/**
 * Outages, precisely: take the operations in invocation order. An outage starts at the invocation
 * of a non-ok (fail or unknown) operation whose predecessor was ok (or that is the first operation),
 * and ends at the completion of the next ok operation in invocation order. Consecutive non-ok
 * operations belong to one outage.
 *
 * Why these ends: the first failing request is the earliest evidence that the service stopped
 * answering (the time between the last success and that request is unobserved, and counting it
 * would make the result depend on the probe interval); the outage is over only when a request sent
 * after it began was actually served, i.e. at that request's completion.
 *
 * With several workers on one probe the operations interleave; "next in invocation order" then
 * still means the first request sent after the outage began that succeeded.
 */
export function outages(ops: readonly Operation[]): Outage[] {
  const sorted = invokedIn(ops);
  const out: Outage[] = [];
  let start: number | undefined;
  let latestCompletion = 0;
  let nonOk = 0;
  for (const o of sorted) {
    if (o.outcome === 'ok') {
      if (start !== undefined) {
        out.push({ startMs: start, endMs: o.completedAtMs, durationMs: o.completedAtMs - start, nonOkCount: nonOk, ended: true });
        start = undefined;
      }
    } else {
      if (start === undefined) {
        start = o.invokedAtMs;
        nonOk = 0;
        latestCompletion = o.completedAtMs;
      }
      nonOk += 1;
      latestCompletion = Math.max(latestCompletion, o.completedAtMs);
    }
  }
  if (start !== undefined) {
    out.push({ startMs: start, endMs: latestCompletion, durationMs: latestCompletion - start, nonOkCount: nonOk, ended: false });
  }
  return out;
}

/**
 * The longest outage that overlaps the window (the whole outage, not clipped to the window: an
 * outage a fault causes is reported in full even if it outlasts the fault). Undefined when there is
 * none.
 */
export function longestOutage(ops: readonly Operation[], window?: TimeWindow): Outage | undefined {
  let longest: Outage | undefined;
  for (const o of outages(ops)) {
    const overlaps = window === undefined || (o.startMs < window.endMs && o.endMs > window.startMs);
    if (overlaps && (longest === undefined || o.durationMs > longest.durationMs)) {
      longest = o;
    }
  }
  return longest;
}

/**
 * Writes the probe gave up on (`unknown`: no answer within its deadline) that the watch later
 * delivered were ACCEPTED by the cluster, only more slowly than the probe waits. For availability
 * (did the cluster keep accepting writes) such a write counts as served at the instant the watch
 * delivered it, an upper bound on its commit. The probe's short deadline exists for the election
 * measurement's resolution, not as a latency requirement: Kubernetes' own etcd client waits seconds,
 * and on a saturated host commits slow to 400-600 ms for seconds while every API write succeeds.
 * Writes the watch never delivered (dropped with a dead leader, refused) stay `unknown`.
 *
 * Matching is by key and value (probe keys are never reused). Returns the operations, resolved ones
 * replaced, and how many were resolved.
 */
export function resolveByWatch(ops: readonly Operation[], events: readonly WatchEvent[]): { readonly ops: Operation[]; readonly resolved: number } {
  const delivered = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'delete') {
      const k = `${e.key}\u0000${e.value}`;
      delivered.set(k, Math.min(delivered.get(k) ?? Number.POSITIVE_INFINITY, e.atMs));
    }
  }
  let resolved = 0;
  const out = ops.map((o) => {
    const at = o.outcome === 'unknown' && o.key !== undefined && o.value !== undefined ? delivered.get(`${o.key}\u0000${o.value}`) : undefined;
    if (at === undefined) {
      return o;
    }
    resolved += 1;
    const { error: _error, ...rest } = o;
    return { ...rest, outcome: 'ok' as const, completedAtMs: Math.max(o.invokedAtMs, at) };
  });
  return { ops: out, resolved };
}

/** How much of a window the probe saw the service answering. */
export interface TimeAvailability {
  /** 1 - downMs / window length. */
  readonly ratio: number;
  /** Time inside the window covered by outages. */
  readonly downMs: number;
}

/**
 * Time availability: the fraction of the window not covered by an outage (`outages`, clipped to the
 * window; one still open when the operations ran out counts up to the window's end).
 *
 * Unlike a per-request success ratio it does not depend on how many requests were in flight: a host
 * stall that times out every request costs its duration whether 5 or 15 requests were waiting, and
 * a lone slow request among several workers costs only the time until the next one succeeded.
 * Undefined when no operation was invoked in the window.
 */
export function timeAvailability(ops: readonly Operation[], window: TimeWindow): TimeAvailability | undefined {
  const length = window.endMs - window.startMs;
  if (length <= 0 || invokedIn(ops, window).length === 0) {
    return undefined;
  }
  let downMs = 0;
  for (const o of outages(ops)) {
    const end = o.ended ? o.endMs : Math.max(o.endMs, window.endMs);
    downMs += Math.max(0, Math.min(end, window.endMs) - Math.max(o.startMs, window.startMs));
  }
  return { ratio: Math.max(0, 1 - downMs / length), downMs };
}

/**
 * Milliseconds from `instantMs` to the completion of the first ok operation INVOKED at or after it.
 * Requests already in flight at the instant are ignored: a write sent to the old leader just before a
 * SIGKILL can still return ok a moment later, which says nothing about recovery.
 * Undefined when no such operation succeeded.
 */
export function timeToFirstSuccess(ops: readonly Operation[], instantMs: number): number | undefined {
  let first: number | undefined;
  for (const o of ops) {
    if (o.outcome === 'ok' && o.invokedAtMs >= instantMs && (first === undefined || o.completedAtMs < first)) {
      first = o.completedAtMs;
    }
  }
  return first === undefined ? undefined : first - instantMs;
}

/** How densely the probe sampled a window. */
export interface ProbeRate {
  readonly opsPerSecond: number;
  /**
   * Longest interval with no new invocation, counting from the window start and up to the window
   * end: the probe's worst time resolution in the window.
   */
  readonly maxInvocationGapMs: number;
  readonly count: number;
}

/** Invocation rate and worst sampling gap in a window (the >= 10 Hz precondition uses both). */
export function probeRate(ops: readonly Operation[], window: TimeWindow): ProbeRate {
  const inWindow = invokedIn(ops, window);
  const seconds = (window.endMs - window.startMs) / 1_000;
  let prev = window.startMs;
  let maxGap = 0;
  for (const o of inWindow) {
    maxGap = Math.max(maxGap, o.invokedAtMs - prev);
    prev = o.invokedAtMs;
  }
  maxGap = Math.max(maxGap, window.endMs - prev);
  return { opsPerSecond: seconds > 0 ? inWindow.length / seconds : 0, maxInvocationGapMs: maxGap, count: inWindow.length };
}
