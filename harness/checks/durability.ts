/**
 * Acknowledged writes survive: every write that returned ok is present in a final read taken after
 * recovery (etcd: "no committed write is ever lost").
 *
 * Outcomes other than ok are not judged the same way: an `unknown` write may or may not have been
 * applied (a proposal the old leader appended can commit after the election), so either is fine;
 * a `fail` write that nevertheless shows up is counted, because a definite error for an applied
 * write misleads clients, but it is reported as a measurement rather than a violation (clients
 * cannot always tell a definite error from an indefinite one).
 */
import type { Operation, PrefixRead } from '../probes/history.js';

/** Where each write ended up in the final read. */
export type WriteFate =
  /** The key holds this write's value. */
  | 'present'
  /** The key holds a LATER write's value (only possible when probes reuse keys). */
  | 'superseded'
  /** Neither. For an ok write this is data loss. */
  | 'absent'
  /** The write's revision is newer than the read: the read cannot judge it. */
  | 'after-read';

/** Summary counts, plus the lost writes themselves for the report. */
export interface DurabilityResult {
  readonly ackedCount: number;
  readonly ackedPresentCount: number;
  readonly ackedSupersededCount: number;
  readonly lost: readonly Operation[];
  readonly ackedAfterReadCount: number;
  readonly unknownCount: number;
  readonly unknownAppliedCount: number;
  readonly failedCount: number;
  readonly failedAppliedCount: number;
  /** Writes without a key cannot be checked. */
  readonly unkeyedCount: number;
}

/**
 * Decides the fate of one write against a read. "Later" for supersession means: by revision when
 * both writes have one (the read's modRevision, or the other write's revision), otherwise the other
 * write was invoked after this one completed (so it cannot have been ordered before it).
 */
export function writeFate(write: Operation, read: PrefixRead, allWrites: readonly Operation[]): WriteFate {
  if (write.revision !== undefined && write.revision > read.revision) {
    return 'after-read';
  }
  const kv = read.entries.find((e) => e.key === write.key);
  if (kv === undefined) {
    return 'absent';
  }
  if (write.value === undefined || kv.value === write.value) {
    return 'present';
  }
  if (write.revision !== undefined && kv.modRevision !== undefined) {
    return kv.modRevision > write.revision ? 'superseded' : 'absent';
  }
  const later = allWrites.some(
    (w) =>
      w !== write &&
      w.key === write.key &&
      w.value === kv.value &&
      (w.revision !== undefined && write.revision !== undefined ? w.revision > write.revision : w.invokedAtMs > write.completedAtMs),
  );
  return later ? 'superseded' : 'absent';
}

/**
 * Judges a probe's writes against a final read of its prefix. Writes whose key is outside `prefix`
 * (when given) are ignored.
 */
export function durability(writes: readonly Operation[], read: PrefixRead, prefix?: string): DurabilityResult {
  const keyed = writes.filter((w) => w.key !== undefined && (prefix === undefined || w.key.startsWith(prefix)));
  const lost: Operation[] = [];
  let ackedCount = 0;
  let ackedPresentCount = 0;
  let ackedSupersededCount = 0;
  let ackedAfterReadCount = 0;
  let unknownCount = 0;
  let unknownAppliedCount = 0;
  let failedCount = 0;
  let failedAppliedCount = 0;
  for (const w of keyed) {
    const fate = writeFate(w, read, keyed);
    if (w.outcome === 'ok') {
      ackedCount += 1;
      if (fate === 'present') {
        ackedPresentCount += 1;
      } else if (fate === 'superseded') {
        ackedSupersededCount += 1;
      } else if (fate === 'after-read') {
        ackedAfterReadCount += 1;
      } else {
        lost.push(w);
      }
    } else if (w.outcome === 'unknown') {
      unknownCount += 1;
      unknownAppliedCount += fate === 'present' ? 1 : 0;
    } else {
      failedCount += 1;
      failedAppliedCount += fate === 'present' ? 1 : 0;
    }
  }
  return {
    ackedCount,
    ackedPresentCount,
    ackedSupersededCount,
    lost,
    ackedAfterReadCount,
    unknownCount,
    unknownAppliedCount,
    failedCount,
    failedAppliedCount,
    unkeyedCount: writes.filter((w) => w.key === undefined).length,
  };
}
