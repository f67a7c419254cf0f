/**
 * How long a phase that waits for something lasts: until the bound derived for THAT target (from
 * its own component's flags) plus a margin has passed, or until the event it waits for was seen. A
 * hold tuned to the defaults would end before a non-default bound and leave the verdict
 * inconclusive; a hold computed from the bound follows the flags. Pure: the events are judged on the
 * history the case records; the sizing sentence goes into that history (scenario.ts notes it).
 *
 *   { kind: 'fault', spec, holdMs: 0, until: holdForBound([leaseTerm(thresholds, 'kube-scheduler')], {
 *       what: 'a new holder of kube-system/kube-scheduler', seen: newLeaseHolderSeen(history, 'kube-scheduler') }) }
 */
import { handoverAfter } from '../checks/lease-holders.js';
import { isNodeReady } from '../checks/observed-states.js';
import { DEFAULT_CONTROL_PLANE_PROBE_NAMES } from '../guarantees/control-plane-checks.js';
import type { DerivedControlPlaneThresholds, LeaseBoundName } from '../guarantees/control-plane-thresholds.js';
import type { History } from '../probes/history.js';
import type { PhaseWait } from '../scenario.js';

/**
 * Slack after a bound before a window ends: the heal, a probe's next poll and the check's own
 * allowances are inside the bound already; this keeps the window from ending on the bound's edge.
 */
export const WINDOW_MARGIN_MS = 5_000;

/** One bound a window must cover, with where it comes from. */
export interface BoundTerm {
  /** e.g. 'maxAbruptHandoverMs.kube-controller-manager'. */
  readonly name: string;
  readonly ms: number;
  /** The bound's derivation (its flags and their source). */
  readonly derivation?: string;
}

const sec = (ms: number): string => `${(ms / 1_000).toFixed(1)} s`;

function describeTerms(terms: readonly BoundTerm[]): string {
  return terms.map((t) => `${t.name} ${sec(t.ms)}${t.derivation === undefined ? '' : ` (${t.derivation})`}`).join(' + ');
}

/**
 * A wait that lasts until the sum of `terms` (bounds that follow one another, e.g. a handover and then
 * the grace period it restarts) plus the margin has passed, or until `seen()`.
 */
export function holdForBound(terms: readonly BoundTerm[], opts: { readonly what: string; readonly seen?: () => boolean; readonly marginMs?: number }): PhaseWait {
  if (terms.length === 0) {
    throw new RangeError('holdForBound needs at least one bound');
  }
  const margin = opts.marginMs ?? WINDOW_MARGIN_MS;
  for (const t of terms) {
    if (!Number.isFinite(t.ms) || t.ms < 0) {
      throw new RangeError(`bound ${t.name} must be a non-negative number, got ${t.ms}`);
    }
  }
  const maxMs = terms.reduce((n, t) => n + t.ms, 0) + margin;
  return {
    what: opts.what,
    ...(opts.seen === undefined ? {} : { seen: opts.seen }),
    maxMs,
    sizing: `${sec(maxMs)} = ${describeTerms(terms)} + margin ${sec(margin)}`,
  };
}

/**
 * A hold that must stay UNDER a bound (an outage shorter than what keeps nodes Ready): the preferred
 * duration, cut to the bound minus the margin when the cluster's flags make that shorter.
 */
export function holdUnderBound(preferredMs: number, cap: BoundTerm, opts: { readonly what: string; readonly marginMs?: number }): PhaseWait {
  const margin = opts.marginMs ?? WINDOW_MARGIN_MS;
  const room = Math.max(0, cap.ms - margin);
  const maxMs = Math.min(preferredMs, room);
  const why =
    maxMs < preferredMs
      ? `cut from ${sec(preferredMs)} to stay under ${cap.name} ${sec(cap.ms)}${cap.derivation === undefined ? '' : ` (${cap.derivation})`} - margin ${sec(margin)}`
      : `the profile's ${sec(preferredMs)}, under ${cap.name} ${sec(cap.ms)} - margin ${sec(margin)}`;
  return { what: opts.what, maxMs, sizing: `${sec(maxMs)}: ${why}` };
}

/** A bound from derived thresholds (control-plane or etcd), as a term. */
export function thresholdTerm<K extends string>(t: { readonly values: Readonly<Record<K, number>>; readonly derivation: Readonly<Record<K, string>> }, name: K): BoundTerm {
  return { name, ms: t.values[name], derivation: t.derivation[name] };
}

/** The longest of several bounds that run at the same time (the window must cover each). */
export function longestTerm(...terms: readonly BoundTerm[]): BoundTerm {
  const first = terms[0];
  if (first === undefined) {
    throw new RangeError('longestTerm needs at least one bound');
  }
  return terms.reduce((a, b) => (b.ms > a.ms ? b : a), first);
}

/** One Lease's own bound (its component's flags); client-go defaults for a lease whose flags were not read. */
export function leaseTerm(t: DerivedControlPlaneThresholds, lease: string, name: LeaseBoundName = 'maxAbruptHandoverMs'): BoundTerm {
  const own = t.perLease[lease];
  return own === undefined ? { name, ms: t.values[name], derivation: t.derivation[name] } : { name: `${name}.${lease}`, ms: own.values[name], derivation: own.derivation[name] };
}

/** Seen once another holder took `lease` after the latest fault of the history was issued. */
export function newLeaseHolderSeen(history: History, lease: string): () => boolean {
  return () => {
    const faults = history.faultWindows();
    const f = faults[faults.length - 1];
    return f !== undefined && handoverAfter(history.leaseObservations(lease), lease, f.issuedAtMs, 0).next !== undefined;
  };
}

/**
 * Seen once, after the latest fault was healed, a request through the load balancer succeeded and
 * every node's latest observation is Ready (what api-recovers-after-lb-returns judges).
 */
export function lbBackSeen(history: History, apiWrite = DEFAULT_CONTROL_PLANE_PROBE_NAMES.apiWrite): () => boolean {
  return () => {
    const faults = history.faultWindows();
    const healed = faults[faults.length - 1]?.healedAtMs;
    if (healed === undefined) {
      return false;
    }
    const apiBack = history.operations({ probe: apiWrite, target: 'lb' }).some((o) => o.invokedAtMs >= healed && o.outcome === 'ok');
    const nodes = history.observedNodes();
    return apiBack && nodes.length > 0 && nodes.every((n) => {
      const obs = history.nodeObservations(n);
      const last = obs[obs.length - 1];
      return last !== undefined && last.atMs >= healed && isNodeReady(last);
    });
  };
}
