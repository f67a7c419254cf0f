/**
 * While a majority of members is down or cut off, nothing may be acknowledged: a write (or a
 * linearizable read) that returns ok in that window would mean some member committed without a
 * quorum, i.e. split brain.
 */
import type { Operation } from '../probes/history.js';
import type { TimeWindow } from './availability.js';

/**
 * Operations that returned ok and lay ENTIRELY inside the window (invoked at or after its start and
 * completed at or before its end).
 *
 * Why entirely: a request invoked just before quorum was lost may have committed legitimately and
 * been answered a moment later; one invoked during the window but answered after quorum returned
 * may have committed legitimately after the heal. Only a request that began and ended with no quorum
 * available cannot have been committed by a quorum. Callers pass the window in which the fault was
 * CONFIRMED in effect (injection confirmed .. heal issued), not the wider issued..healed window.
 */
export function acknowledgedWithin(ops: readonly Operation[], window: TimeWindow): Operation[] {
  return ops.filter(
    (o) => o.outcome === 'ok' && o.invokedAtMs >= window.startMs && o.completedAtMs <= window.endMs,
  );
}

/** How many operations were attempted entirely inside the window (evidence the probe was running). */
export function attemptedWithin(ops: readonly Operation[], window: TimeWindow): number {
  return ops.filter((o) => o.invokedAtMs >= window.startMs && o.completedAtMs <= window.endMs).length;
}
