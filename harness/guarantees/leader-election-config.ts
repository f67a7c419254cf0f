/**
 * Which components run with leader election, on which Lease, and how many of their instances act at
 * once: read from the flags (static pod manifests, component-flags.ts / control-plane-flags.ts), so a
 * misconfiguration is known before any fault and becomes a verdict with a reason, not an exception
 * when a case later looks for a lease holder that cannot exist.
 *
 * client-go leader election is what keeps a replicated kube-scheduler or kube-controller-manager to
 * ONE acting instance: an instance started with --leader-elect=false runs its loops at once, whoever
 * holds the Lease (kube-scheduler / kube-controller-manager reference: "Enable this when running
 * replicated components for high availability"). Pure.
 */
import type { ControlPlaneFlags } from './control-plane-thresholds.js';

/** One Lease a component's instances elect on (most components: exactly one, named after them). */
export interface ComponentLease {
  readonly lease: string;
  /** Nodes whose instance competes for this Lease (empty when the flags name no nodes). */
  readonly electingNodes: readonly string[];
  /** Nodes whose instance (configured for this Lease) runs with --leader-elect=false. */
  readonly nonElectingNodes: readonly string[];
  /** How many instances elect / do not: the node counts, or 1 for flags built without node lists. */
  readonly electing: number;
  readonly nonElecting: number;
}

/** How one component runs its leader election on this cluster. */
export interface ComponentElection {
  readonly component: string;
  readonly leases: readonly ComponentLease[];
  /** Instances that may act at once: every non-electing one, plus one leader per Lease elected on. */
  readonly activeInstances: number;
  /** Instances read, electing or not. */
  readonly instances: number;
  /** Why more than one instance can act, in words a user can act on; undefined when at most one acts. */
  readonly problem: string | undefined;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Groups the flags' Leases by component. Flags built by hand without node lists count an enabled
 * Lease as one electing instance and a disabled one as one instance that acts on its own.
 */
export function componentElections(flags: ControlPlaneFlags): ComponentElection[] {
  const byComponent = new Map<string, ComponentLease[]>();
  for (const [lease, t] of Object.entries(flags.leaderElection)) {
    const component = t.component ?? lease;
    const electingNodes = t.electingNodes ?? [];
    const nonElectingNodes = t.nonElectingNodes ?? [];
    const named = t.electingNodes !== undefined || t.nonElectingNodes !== undefined;
    const entry: ComponentLease = {
      lease,
      electingNodes,
      nonElectingNodes,
      electing: named ? electingNodes.length : t.enabled ? 1 : 0,
      nonElecting: named ? nonElectingNodes.length : t.enabled ? 0 : 1,
    };
    byComponent.set(component, [...(byComponent.get(component) ?? []), entry]);
  }
  return [...byComponent.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([component, leases]) => {
      const off = leases.reduce((n, l) => n + l.nonElecting, 0);
      const electedOn = leases.filter((l) => l.electing > 0);
      const instances = leases.reduce((n, l) => n + l.electing + l.nonElecting, 0);
      const activeInstances = off + electedOn.length;
      return { component, leases, activeInstances, instances, problem: problemOf(component, leases, off, electedOn, instances, activeInstances) };
    });
}

function problemOf(component: string, leases: readonly ComponentLease[], off: number, electedOn: readonly ComponentLease[], instances: number, active: number): string | undefined {
  if (active <= 1) {
    return undefined;
  }
  const lease = leases[0]?.lease ?? component;
  if (off > 0) {
    const offNodes = leases.flatMap((l) => l.nonElectingNodes);
    const where = offNodes.length === 0 ? ' (--leader-elect=false)' : ` (${offNodes.join(', ')}: --leader-elect=false in its static pod manifest)`;
    const onNodes = off < instances ? `${off} of ${plural(instances, 'node')}` : plural(off, 'node');
    if (electedOn.length === 0) {
      return `${component} runs without leader election on ${onNodes}${where}: ${plural(active, 'active instance')}, and none holds the Lease kube-system/${lease}`;
    }
    return `${component} runs without leader election on ${onNodes}${where}: ${plural(active, 'active instance')} (each of those, plus the holder of ${electedOn.map((l) => `kube-system/${l.lease}`).join(', ')})`;
  }
  return `${component} instances elect on ${electedOn.length} different Leases (${electedOn.map((l) => `${l.lease} on ${l.electingNodes.join(', ') || `${l.electing} instance(s)`}`).join('; ')}): one leader per Lease, ${plural(active, 'active instance')}`;
}

/** The component each Lease belongs to, for the Leases some instance is configured for. */
export function electionByLease(flags: ControlPlaneFlags): ReadonlyMap<string, { readonly election: ComponentElection; readonly lease: ComponentLease }> {
  const out = new Map<string, { election: ComponentElection; lease: ComponentLease }>();
  for (const e of componentElections(flags)) {
    for (const l of e.leases) {
      out.set(l.lease, { election: e, lease: l });
    }
  }
  return out;
}
