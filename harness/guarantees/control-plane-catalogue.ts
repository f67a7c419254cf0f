/**
 * What the five control-plane catalogues share: their input (the cluster's flags, the probes'
 * cadence, node IPs), the shape of a definition, and the builder that turns definitions into
 * Guarantees with thresholds, derivations and safe checks (the same Guarantee type as the
 * etcd-quorum catalogue, so suites and reports treat them alike).
 */
import type { EtcdPlacement } from '../cluster/layout.js';
import type { History } from '../probes/history.js';
import { checkSafe, type Verdict } from '../checks/verdict.js';
import type { Guarantee } from './catalogue.js';
import { DEFAULT_CONTROL_PLANE_PROBE_NAMES, type ControlPlaneCheck, type ControlPlaneCheckContext, type ControlPlaneProbeNames } from './control-plane-checks.js';
import {
  DEFAULT_CONTROL_PLANE_PROBES,
  deriveControlPlaneThresholds,
  LEASE_BOUND_NAMES,
  leaseBoundKey,
  type ControlPlaneAllowances,
  type ControlPlaneFlags,
  type ControlPlaneProbeSettings,
  type ControlPlaneThresholds,
  type DerivedControlPlaneThresholds,
} from './control-plane-thresholds.js';
import { KUBERNETES_DOCS_VERSION } from './sources.js';

/** What every control-plane catalogue is built from. */
export interface ControlPlaneCatalogueInput {
  /** From controlPlaneFlagsFrom(readControlPlaneConfig(cluster)), or built by hand in tests. */
  readonly flags: ControlPlaneFlags;
  /** The probes' cadence; default DEFAULT_CONTROL_PLANE_PROBES (what the probe factories default to). */
  readonly probes?: ControlPlaneProbeSettings;
  /** Node name -> IP (default/kubernetes lists IPs); default: from the node observations. */
  readonly nodeIps?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** Control-plane node names; default: the targets of the /readyz probe. */
  readonly apiservers?: readonly string[];
  /** Lease names of the core components (their --leader-elect-resource-name); default their names. */
  readonly leases?: { readonly scheduler?: string; readonly controllerManager?: string };
  readonly names?: Partial<ControlPlaneProbeNames>;
  readonly allowances?: Partial<ControlPlaneAllowances>;
  /** Where etcd runs (the cluster's layout); default stacked, kind's own design. */
  readonly etcdPlacement?: EtcdPlacement;
}

/** A built catalogue of one suite. */
export interface ControlPlaneCatalogue<Id extends string> {
  readonly suite: string;
  readonly guarantees: readonly Guarantee[];
  /** Looks a guarantee up; throws on an unknown id (a typo in a suite must not pass silently). */
  get(id: Id): Guarantee;
  readonly thresholds: DerivedControlPlaneThresholds;
  /** Things a reader should know about this cluster and suite (printed in the report). */
  readonly notes: readonly string[];
  /** The context the checks run with (probe names, node IPs ...), for the suite's own use. */
  readonly context: ControlPlaneCheckContext;
  /** The guarantee that judges the configuration a case's target depends on (cited when a case cannot run). */
  readonly configurationGuarantee?: string;
}

/** One guarantee, before thresholds are attached. */
export interface ControlPlaneDefinition<Id extends string> {
  readonly id: Id;
  readonly statement: string;
  readonly source: string;
  readonly sourceVersion?: string;
  readonly alsoSee?: readonly string[];
  readonly thresholds: readonly (keyof ControlPlaneThresholds)[];
  readonly check: ControlPlaneCheck;
}

/** The derived thresholds and check context of an input (shared by every builder). */
export function controlPlaneContext(input: ControlPlaneCatalogueInput): { readonly derived: DerivedControlPlaneThresholds; readonly ctx: ControlPlaneCheckContext } {
  const derived = deriveControlPlaneThresholds(input.flags, input.probes ?? DEFAULT_CONTROL_PLANE_PROBES, input.allowances);
  const ips = input.nodeIps instanceof Map ? new Map(input.nodeIps) : new Map(Object.entries(input.nodeIps ?? {}));
  return {
    derived,
    ctx: {
      names: { ...DEFAULT_CONTROL_PLANE_PROBE_NAMES, ...input.names },
      derived,
      nodeIps: ips,
      apiservers: input.apiservers ?? [],
      leases: {
        scheduler: input.leases?.scheduler ?? leaseOfComponent(input.flags, 'kube-scheduler'),
        controllerManager: input.leases?.controllerManager ?? leaseOfComponent(input.flags, 'kube-controller-manager'),
      },
    },
  };
}

/** The Lease a component elects on (its --leader-elect-resource-name, read from its flags), default its name. */
export function leaseOfComponent(flags: ControlPlaneFlags, component: string): string {
  return Object.entries(flags.leaderElection).find(([, t]) => t.component === component && t.enabled)?.[0] ?? component;
}

/**
 * The thresholds and derivations a definition carries: each named threshold, and for every bound that
 * follows one Lease's flags also that bound per Lease (`maxAbruptHandoverMs.kube-scheduler`), so each
 * lease is judged against its own component's flags and the report shows each derivation.
 */
export function thresholdsFor(names: readonly (keyof ControlPlaneThresholds)[], derived: DerivedControlPlaneThresholds): { thresholds: Record<string, number>; derivation: Record<string, string> } {
  const thresholds: Record<string, number> = {};
  const derivation: Record<string, string> = {};
  for (const k of names) {
    thresholds[k] = derived.values[k];
    derivation[k] = derived.derivation[k];
    const perLease = LEASE_BOUND_NAMES.find((n) => n === k);
    if (perLease !== undefined) {
      for (const [lease, b] of Object.entries(derived.perLease)) {
        thresholds[leaseBoundKey(perLease, lease)] = b.values[perLease];
        derivation[leaseBoundKey(perLease, lease)] = b.derivation[perLease];
      }
    }
  }
  return { thresholds, derivation };
}

/** Attaches thresholds and derivations to definitions and wraps each check in checkSafe. */
export function buildControlPlaneCatalogue<Id extends `${string}.${string}`>(
  suite: string,
  definitions: readonly ControlPlaneDefinition<Id>[],
  input: ControlPlaneCatalogueInput,
  notes: readonly string[] = [],
  extra: readonly Guarantee[] = [],
): ControlPlaneCatalogue<Id> {
  const { derived, ctx } = controlPlaneContext(input);
  const guarantees: Guarantee[] = definitions.map((d) => {
    const { thresholds, derivation } = thresholdsFor(d.thresholds, derived);
    return {
      id: d.id,
      statement: d.statement,
      source: d.source,
      sourceVersion: d.sourceVersion ?? (d.source.startsWith('https://kubernetes.io/') ? KUBERNETES_DOCS_VERSION : 'as linked'),
      alsoSee: d.alsoSee ?? [],
      thresholds,
      derivation,
      check: (history: History, g: Guarantee): Verdict => checkSafe(g.id, () => d.check(history, g, ctx)),
    };
  });
  guarantees.push(...extra);
  const byId = new Map(guarantees.map((g) => [g.id, g]));
  if (byId.size !== guarantees.length) {
    throw new Error(`${suite}: duplicate guarantee ids`);
  }
  return {
    suite,
    guarantees,
    thresholds: derived,
    notes,
    context: ctx,
    get(id) {
      const g = byId.get(id);
      if (g === undefined) {
        throw new Error(`unknown guarantee id ${JSON.stringify(id)}`);
      }
      return g;
    },
  };
}
