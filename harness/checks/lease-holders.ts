/**
 * Pure measures over leader-election Lease observations: who held each lease when, handovers after
 * a fault, and whether the sequence of records is one a correct client-go leader election can
 * produce (no two holders at once).
 *
 * What client-go guarantees (tools/leaderelection): a candidate may take a lease only when
 * `leaseDurationSeconds` have passed, on its own clock, since it last saw the record change, or
 * when the record has no holder (a clean release writes holderIdentity "" and leaseDurationSeconds
 * 1). Each takeover by a different identity increments leaseTransitions; a renewal keeps
 * acquireTime and leaseTransitions. So in the stream of records:
 *
 * 1. leaseTransitions never decreases;
 * 2. a change to a different non-empty holder comes with a larger leaseTransitions;
 * 3. after an unreleased holder A, the next holder B's acquireTime is at least A's last renewTime +
 *    A's leaseDurationSeconds (both stamped by control-plane nodes; kind nodes share the host clock,
 *    so a small skew allowance suffices).
 *
 * A violation of 3 means B started leading while A could still believe it was leader: two holders
 * at once (leader election has no fencing, so nothing else would stop them).
 */
import type { LeaseObservation } from '../probes/history.js';

/** A lease's holderIdentity is `<hostname>_<uuid>`; on kind the hostname is the node name. */
export function holderNode(holder: string): string | undefined {
  const i = holder.lastIndexOf('_');
  return holder === '' ? undefined : i > 0 ? holder.slice(0, i) : holder;
}

/**
 * Parses a Kubernetes MicroTime / Time ("2026-11-22T03:01:34.664063Z") into epoch milliseconds with
 * sub-millisecond precision kept as a fraction. Undefined when absent or unparsable.
 */
export function microTimeMs(iso: string | undefined): number | undefined {
  if (iso === undefined) {
    return undefined;
  }
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (m === null) {
    return undefined;
  }
  const whole = Date.parse(`${m[1] ?? ''}${m[3] ?? 'Z'}`);
  if (!Number.isFinite(whole)) {
    return undefined;
  }
  return whole + (m[2] === undefined ? 0 : Number(`0.${m[2]}`) * 1_000);
}

/** A run of consecutive observations of one lease with the same holder. */
export interface HolderEpoch {
  readonly lease: string;
  /** '' = no holder (released or never acquired). */
  readonly holder: string;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** The first and last record seen in the epoch. */
  readonly first: LeaseObservation;
  readonly last: LeaseObservation;
  readonly observations: number;
}

/** Observations of one lease, by time. */
function ofLease(obs: readonly LeaseObservation[], lease: string): LeaseObservation[] {
  return obs.filter((o) => o.lease === lease).sort((a, b) => a.atMs - b.atMs);
}

/** Holder epochs of one lease, in time order. */
export function holderEpochs(obs: readonly LeaseObservation[], lease: string): HolderEpoch[] {
  const epochs: { lease: string; holder: string; firstSeenMs: number; lastSeenMs: number; first: LeaseObservation; last: LeaseObservation; observations: number }[] = [];
  for (const o of ofLease(obs, lease)) {
    const cur = epochs[epochs.length - 1];
    if (cur !== undefined && cur.holder === o.holder) {
      cur.lastSeenMs = o.atMs;
      cur.last = o;
      cur.observations += 1;
    } else {
      epochs.push({ lease, holder: o.holder, firstSeenMs: o.atMs, lastSeenMs: o.atMs, first: o, last: o, observations: 1 });
    }
  }
  return epochs;
}

/** A change of holder as the observer saw it. */
export interface HolderChange {
  readonly lease: string;
  /** First observation of the new holder. */
  readonly atMs: number;
  readonly from: HolderEpoch;
  readonly to: HolderEpoch;
}

/** Every change of holder (including to and from ''), in time order, for every lease. */
export function holderChanges(obs: readonly LeaseObservation[]): HolderChange[] {
  const leases = [...new Set(obs.map((o) => o.lease))];
  const out: HolderChange[] = [];
  for (const lease of leases) {
    const epochs = holderEpochs(obs, lease);
    for (let i = 1; i < epochs.length; i += 1) {
      const from = epochs[i - 1];
      const to = epochs[i];
      if (from !== undefined && to !== undefined) {
        out.push({ lease, atMs: to.firstSeenMs, from, to });
      }
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** One way a lease's record stream breaks leader election's rules. */
export interface LeaseSequenceViolation {
  readonly lease: string;
  readonly atMs: number;
  readonly rule: 'transitions-decreased' | 'holder-changed-without-transition' | 'acquired-before-expiry';
  readonly detail: string;
}

/** What the sequence check found. */
export interface LeaseSequenceReport {
  readonly violations: readonly LeaseSequenceViolation[];
  /** Changes between two non-empty holders (handovers), all leases. */
  readonly handovers: number;
  /** Handovers whose expiry rule could be verified (the old holder's record was seen up to the change). */
  readonly verifiedHandovers: number;
  /**
   * Handovers the observer could not verify: it saw no record for longer than `maxObserverGapMs`
   * right before the new holder appeared, so a release or an intermediate holder may have been missed.
   */
  readonly unverifiableHandovers: number;
  /** leaseTransitions jumped by more than one at a change: a holder came and went unseen. */
  readonly missedHolders: number;
  /** Smallest acquireTime(new) - (lastRenew(old) + duration(old)) over verified handovers, ms. */
  readonly minExpiryMarginMs: number | undefined;
}

/**
 * Checks every lease's record stream against rules 1-3 (see the header). `clockSkewMs` is allowed
 * on rule 3; `maxObserverGapMs` is how long the observer may have been blind right before a change
 * for the change still to count as verified.
 */
/**
 * A release record (no holder) of `lease` stamped between two wall-clock instants, within `skewMs`:
 * read from the lease watch, whose records are judged by their own stamps, not by arrival.
 */
export function releaseRecordBetween(records: readonly LeaseObservation[], lease: string, fromWallMs: number, toWallMs: number, skewMs: number): LeaseObservation | undefined {
  return records.find((o) => {
    const t = microTimeMs(o.renewTimeIso);
    return o.lease === lease && o.holder === '' && t !== undefined && t >= fromWallMs - skewMs && t <= toWallMs + skewMs;
  });
}

export function leaseSequenceReport(
  obs: readonly LeaseObservation[],
  opts: { readonly clockSkewMs: number; readonly maxObserverGapMs: number; readonly watched?: readonly LeaseObservation[] },
): LeaseSequenceReport {
  const violations: LeaseSequenceViolation[] = [];
  let handovers = 0;
  let verified = 0;
  let unverifiable = 0;
  let missed = 0;
  let minMargin: number | undefined;
  for (const lease of [...new Set(obs.map((o) => o.lease))]) {
    const sorted = ofLease(obs, lease);
    // Rule 1, over every consecutive pair of records.
    for (let i = 1; i < sorted.length; i += 1) {
      const a = sorted[i - 1];
      const b = sorted[i];
      if (a?.transitions !== undefined && b?.transitions !== undefined && b.transitions < a.transitions) {
        violations.push({ lease, atMs: b.atMs, rule: 'transitions-decreased', detail: `leaseTransitions went from ${a.transitions} to ${b.transitions}` });
      }
    }
    const epochs = holderEpochs(obs, lease);
    // The last non-empty holder epoch before each epoch, with whether a release ('' epoch) came between.
    let lastHolder: HolderEpoch | undefined;
    let releasedSince = false;
    for (let i = 0; i < epochs.length; i += 1) {
      const e = epochs[i];
      const prev = epochs[i - 1];
      if (e === undefined) {
        continue;
      }
      if (e.holder === '') {
        releasedSince = true;
        continue;
      }
      if (lastHolder !== undefined && lastHolder.holder !== e.holder) {
        handovers += 1;
        const tFrom = lastHolder.last.transitions;
        const tTo = e.first.transitions;
        // Rule 2.
        if (tFrom !== undefined && tTo !== undefined) {
          if (tTo <= tFrom) {
            violations.push({ lease, atMs: e.firstSeenMs, rule: 'holder-changed-without-transition', detail: `${lastHolder.holder} -> ${e.holder} with leaseTransitions ${tFrom} -> ${tTo}` });
          } else if (tTo > tFrom + 1) {
            missed += 1;
          }
        }
        // Rule 3 (only for an unreleased previous holder, and only if the observer kept watching).
        const gap = e.firstSeenMs - (prev?.lastSeenMs ?? lastHolder.lastSeenMs);
        if (!releasedSince) {
          if (gap > opts.maxObserverGapMs) {
            unverifiable += 1;
          } else {
            const renew = microTimeMs(lastHolder.last.renewTimeIso);
            const acquire = microTimeMs(e.first.acquireTimeIso);
            const durationS = lastHolder.last.durationS;
            if (renew === undefined || acquire === undefined || durationS === undefined) {
              unverifiable += 1;
            } else if (releaseRecordBetween(opts.watched ?? [], lease, renew, acquire, opts.clockSkewMs) !== undefined) {
              // The polls missed it, the watch saw it: the old holder released between them.
              verified += 1;
            } else {
              verified += 1;
              const margin = acquire - (renew + durationS * 1_000);
              minMargin = minMargin === undefined ? margin : Math.min(minMargin, margin);
              if (margin < -opts.clockSkewMs) {
                violations.push({
                  lease,
                  atMs: e.firstSeenMs,
                  rule: 'acquired-before-expiry',
                  detail: `${e.holder} acquired ${Math.round(acquire - renew)} ms after ${lastHolder.holder}'s last renewal, before its ${durationS} s lease expired`,
                });
              }
            }
          }
        } else {
          verified += 1;
        }
      }
      lastHolder = e;
      releasedSince = false;
    }
  }
  return { violations, handovers, verifiedHandovers: verified, unverifiableHandovers: unverifiable, missedHolders: missed, minExpiryMarginMs: minMargin };
}

/** What happened to one lease after a fault. */
export interface HandoverAfterFault {
  readonly lease: string;
  /** The last record at or before the fault (its holder is the one the fault may have stopped). */
  readonly before: LeaseObservation | undefined;
  /** The first record after the fault with a different, non-empty holder. */
  readonly next: LeaseObservation | undefined;
  /** next.atMs - faultAtMs. */
  readonly handoverMs: number | undefined;
  /** First record after the fault (and before `next`) with no holder: the old holder released. */
  readonly releasedAtMs: number | undefined;
  /**
   * The old holder renewed after the fault (a record with its identity whose renewTime is more than
   * `renewAdvanceMs` past the last pre-fault renewTime): the fault did not stop it.
   */
  readonly holderKeptRenewing: boolean;
}

/**
 * Follows one lease from a fault instant: the holder before it, whether that holder kept renewing,
 * released, or was replaced, and when. `renewAdvanceMs` separates a renewal already in flight at the
 * fault (at most one retry period later) from a holder that is alive and renewing.
 */
export function handoverAfter(obs: readonly LeaseObservation[], lease: string, faultAtMs: number, renewAdvanceMs: number): HandoverAfterFault {
  const sorted = ofLease(obs, lease);
  const before = [...sorted].reverse().find((o) => o.atMs <= faultAtMs);
  const after = sorted.filter((o) => o.atMs > faultAtMs);
  const oldHolder = before?.holder ?? '';
  const next = after.find((o) => o.holder !== '' && o.holder !== oldHolder);
  const released = after.find((o) => o.holder === '' && (next === undefined || o.atMs <= next.atMs));
  const base = microTimeMs(before?.renewTimeIso);
  const kept =
    oldHolder !== '' &&
    base !== undefined &&
    after.some((o) => o.holder === oldHolder && (next === undefined || o.atMs < next.atMs) && (microTimeMs(o.renewTimeIso) ?? base) - base > renewAdvanceMs);
  return {
    lease,
    before,
    next,
    handoverMs: next === undefined ? undefined : next.atMs - faultAtMs,
    releasedAtMs: oldHolder === '' ? undefined : released?.atMs,
    holderKeptRenewing: kept,
  };
}
