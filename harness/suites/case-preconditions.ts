/**
 * Before a case injects anything: can each of its faults find its target? A selector that finds
 * nothing (no node holds the kube-scheduler Lease because every scheduler runs with
 * --leader-elect=false; a 1-member cluster has no follower) is known before the fault, and the
 * case's guarantees get a verdict that says why instead of the case throwing a SelectorError
 * halfway: `fail` when the cluster is configured so (waiting will not help), `inconclusive` when it
 * was only between states (no etcd leader during an election, a Lease between holders) for longer
 * than the wait allowed.
 */
import type { Verdict } from '../checks/verdict.js';
import { verdict } from '../checks/verdict.js';
import type { ControlPlaneFlags, DerivedControlPlaneThresholds } from '../guarantees/control-plane-thresholds.js';
import { electionByLease } from '../guarantees/leader-election-config.js';
import { describeFault, type FaultSpec } from '../faults/spec.js';
import { viewForFault } from '../faults/fault-view.js';
import type { Phase } from '../scenario.js';
import { unresolvableReason, type LeaseConfiguration, type MembershipView, type NodeSelector, type Unresolvable } from '../targets/select.js';
import { leaseTerm, WINDOW_MARGIN_MS } from './observation-windows.js';

/** The node selector a fault resolves at injection (none for a load balancer or an LB host by its VIP role). */
export function selectorOf(spec: FaultSpec): NodeSelector | undefined {
  switch (spec.kind) {
    case 'network-partition':
      return spec.isolate;
    case 'pause-container':
    case 'stop-container':
    case 'kill-container':
      return spec.target.kind === 'node' ? spec.target.select : undefined;
    default:
      return spec.target;
  }
}

/** What the flags say about each Lease, in the shape the selector's explanation takes. */
export function leaseConfigurations(flags: ControlPlaneFlags): Record<string, LeaseConfiguration> {
  const out: Record<string, LeaseConfiguration> = {};
  for (const [lease, { election, lease: l }] of electionByLease(flags)) {
    out[lease] = {
      component: election.component,
      // Hand-built flags name no nodes: count instances instead.
      electingNodes: l.electingNodes.length > 0 || l.electing === 0 ? l.electingNodes : Array.from({ length: l.electing }, (_, i) => `instance ${i + 1}`),
      nonElectingNodes: l.nonElectingNodes.length > 0 || l.nonElecting === 0 ? l.nonElectingNodes : Array.from({ length: l.nonElecting }, (_, i) => `instance ${i + 1}`),
      ...(election.problem === undefined ? {} : { problem: election.problem }),
    };
  }
  return out;
}

/** One fault of a case whose target cannot be found, and why. */
export interface UnmetPrecondition extends Unresolvable {
  readonly spec: FaultSpec;
}

/** The first fault of `phases` whose target `view` cannot resolve, or undefined. Pure. */
export function unmetPrecondition(phases: readonly Phase[], view: MembershipView, flags: ControlPlaneFlags): UnmetPrecondition | undefined {
  return unmetWithLeases(phases, view, leaseConfigurations(flags));
}

function unmetWithLeases(phases: readonly Phase[], view: MembershipView, leases: Readonly<Record<string, LeaseConfiguration>>): UnmetPrecondition | undefined {
  for (const p of phases) {
    if (p.kind !== 'fault') {
      continue;
    }
    const sel = selectorOf(p.spec);
    const why = sel === undefined ? undefined : unresolvableReason(sel, viewForFault(p.spec, view), leases);
    if (why !== undefined) {
      return { ...why, spec: p.spec };
    }
  }
  return undefined;
}

/**
 * The verdicts of a case that could not run: each guarantee it would have judged, `fail` for a
 * configuration problem, `inconclusive` for a transient one, with the reason.
 */
export function verdictsForUnmet(caseName: string, judgedBy: readonly string[], unmet: UnmetPrecondition, configurationGuarantee?: string): Verdict[] {
  const target = describeFault(unmet.spec);
  const reason =
    unmet.kind === 'configuration'
      ? `not applicable on this cluster: case ${caseName} would ${target}, but ${unmet.reason}${configurationGuarantee === undefined ? '' : ` (see ${configurationGuarantee})`}; nothing was injected`
      : `case ${caseName} did not run: ${target} found no target: ${unmet.reason}; nothing was injected`;
  return judgedBy.map((id) => verdict(id, unmet.kind === 'configuration' ? 'fail' : 'inconclusive', reason));
}

/** How long a transient may last before the case gives up on it: the bound of what would end it, plus the margin. */
export function transientWaitMs(unmet: UnmetPrecondition, thresholds: DerivedControlPlaneThresholds): number {
  const sel = selectorOf(unmet.spec);
  // A Lease between holders gets a holder within its own abrupt-handover bound; an etcd election
  // takes well under the generic 15 s.
  return (sel?.kind === 'lease-holder' ? leaseTerm(thresholds, sel.lease).ms : 15_000) + WINDOW_MARGIN_MS;
}

const POLL_MS = 1_000;

/**
 * The case's first unmet precondition after waiting out transients (bounded by transientWaitMs),
 * or undefined when every fault will find its target. `membership` reads the live view (the same
 * one injection resolves against).
 */
export async function unmetPreconditionOf(
  phases: readonly Phase[],
  flags: ControlPlaneFlags,
  thresholds: DerivedControlPlaneThresholds,
  membership: () => Promise<MembershipView>,
): Promise<UnmetPrecondition | undefined> {
  return waitOutTransients(phases, leaseConfigurations(flags), (u) => transientWaitMs(u, thresholds), membership);
}

/** An etcd election ends well within this; the etcd-quorum suite has no Lease selectors to wait for. */
const ETCD_TRANSIENT_WAIT_MS = 15_000 + WINDOW_MARGIN_MS;

/**
 * The same for the etcd-quorum suite, whose faults select etcd members only (leader, follower,
 * minority, majority): a 1-member cluster has no follower, a cluster mid-election no leader.
 */
export async function unmetEtcdPreconditionOf(phases: readonly Phase[], membership: () => Promise<MembershipView>): Promise<UnmetPrecondition | undefined> {
  return waitOutTransients(phases, {}, () => ETCD_TRANSIENT_WAIT_MS, membership);
}

async function waitOutTransients(
  phases: readonly Phase[],
  leases: Readonly<Record<string, LeaseConfiguration>>,
  waitMs: (unmet: UnmetPrecondition) => number,
  membership: () => Promise<MembershipView>,
): Promise<UnmetPrecondition | undefined> {
  if (!phases.some((p) => p.kind === 'fault' && selectorOf(p.spec) !== undefined)) {
    return undefined;
  }
  const started = performance.now();
  for (;;) {
    const unmet = unmetWithLeases(phases, await membership(), leases);
    if (unmet === undefined || unmet.kind === 'configuration' || performance.now() - started >= waitMs(unmet)) {
      return unmet;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
