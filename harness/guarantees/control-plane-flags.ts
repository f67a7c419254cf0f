/**
 * Turns what harness/cluster/control-plane-config.ts read from the cluster into the ControlPlaneFlags
 * the thresholds are derived from, with the details a report shows (per node, per component) and
 * warnings when nodes disagree. Pure.
 *
 *   const text = await readControlPlaneConfig(cluster);
 *   const { flags, details, warnings } = controlPlaneFlagsFrom(text, 'v1.34.10');
 *   const catalogue = buildLeaderElectionCatalogue({ flags, ... });
 */
import type { ControlPlaneConfigText } from '../cluster/control-plane-config.js';
import {
  parseEndpointReconcilerFlags,
  parseKubeletConfig,
  parseLeaderElectionFlags,
  parseNodeMonitorFlags,
  type EndpointReconcilerTimings,
  type KubeletHeartbeatTimings,
  type LeaderElectionFlags,
  type NodeMonitorFlags,
  type ValueSource,
} from './component-flags.js';
import { parseHaproxyBackendChecks, worstCaseCheckTimings, type HaproxyBackendChecks } from './haproxy-config.js';
import type { ControlPlaneFlags, LeaseElectionSettings } from './control-plane-thresholds.js';
import { parseKeepalivedConf, vrrpTimingsOf, type VrrpInstanceSettings } from './keepalived-config.js';

/** Everything parsed, for run.json. */
export interface ControlPlaneFlagDetails {
  readonly leaderElection: Readonly<Record<string, Readonly<Record<string, LeaderElectionFlags>>>>;
  readonly nodeMonitor: Readonly<Record<string, NodeMonitorFlags>>;
  readonly endpointReconciler: Readonly<Record<string, EndpointReconcilerTimings>>;
  readonly kubelet: Readonly<Record<string, KubeletHeartbeatTimings>>;
  readonly haproxy: HaproxyBackendChecks;
  /** vip-pair front: each LB host's VRRP settings. */
  readonly vrrp?: Readonly<Record<string, VrrpInstanceSettings>>;
}

/** The flags, the details, and what a reader should know. */
export interface ControlPlaneFlagReading {
  readonly flags: ControlPlaneFlags;
  readonly details: ControlPlaneFlagDetails;
  readonly warnings: readonly string[];
}

const maxBy = <T>(xs: readonly T[], f: (x: T) => number): number => Math.max(...xs.map(f));
const minBy = <T>(xs: readonly T[], f: (x: T) => number): number => Math.min(...xs.map(f));

/**
 * One Lease's settings from the instances (node -> flags) that use it. The timings are the slowest
 * of the instances that elect (the bound must hold whichever of them leads); an instance with
 * --leader-elect=false acts on its own and is listed apart, which is what the single-active-instance
 * guarantee judges.
 */
function leaseSettings(component: string, instances: readonly (readonly [string, LeaderElectionFlags])[]): LeaseElectionSettings {
  const electing = instances.filter(([, f]) => f.enabled);
  const timed = (electing.length > 0 ? electing : instances).map(([, f]) => f);
  const source = (k: keyof LeaderElectionFlags['sources']): ValueSource => (instances.some(([, f]) => f.sources[k] === 'flag') ? 'flag' : 'default');
  return {
    component,
    enabled: electing.length > 0,
    leaseDurationMs: maxBy(timed, (f) => f.leaseDurationMs),
    renewDeadlineMs: maxBy(timed, (f) => f.renewDeadlineMs),
    retryPeriodMs: maxBy(timed, (f) => f.retryPeriodMs),
    sources: { enabled: source('enabled'), leaseDurationMs: source('leaseDurationMs'), renewDeadlineMs: source('renewDeadlineMs'), retryPeriodMs: source('retryPeriodMs') },
    electingNodes: electing.map(([n]) => n),
    nonElectingNodes: instances.filter(([, f]) => !f.enabled).map(([n]) => n),
  };
}

/**
 * Parses every command line and config. Where nodes disagree, the slowest setting wins (the bound
 * must hold whichever instance is involved) and a warning says so.
 */
export function controlPlaneFlagsFrom(text: ControlPlaneConfigText, kubernetesVersion: string): ControlPlaneFlagReading {
  const nodes = Object.keys(text.commands);
  if (nodes.length === 0) {
    throw new Error('no control-plane node commands were read');
  }
  const warnings: string[] = [];
  const leByComponent: Record<string, Record<string, LeaderElectionFlags>> = {};
  const nodeMonitor: Record<string, NodeMonitorFlags> = {};
  const endpointReconciler: Record<string, EndpointReconcilerTimings> = {};
  for (const node of nodes) {
    const c = text.commands[node];
    if (c === undefined) {
      continue;
    }
    for (const comp of ['kube-controller-manager', 'kube-scheduler'] as const) {
      const f = parseLeaderElectionFlags(c[comp], comp);
      (leByComponent[comp] ??= {})[node] = f;
      warnings.push(...f.warnings.map((w) => `${node}: ${w}`));
    }
    nodeMonitor[node] = parseNodeMonitorFlags(c['kube-controller-manager'], kubernetesVersion);
    endpointReconciler[node] = parseEndpointReconcilerFlags(c['kube-apiserver']);
  }
  const leaderElection: Record<string, LeaseElectionSettings> = {};
  for (const [comp, byNode] of Object.entries(leByComponent)) {
    const all = Object.values(byNode);
    const names = new Set(all.map((f) => f.leaseName));
    if (names.size > 1) {
      warnings.push(`${comp} instances use different lease names (${[...names].join(', ')}): each lease has its own leader, so more than one instance acts`);
    }
    const variants = new Set(all.filter((f) => f.enabled).map((f) => `${f.leaseDurationMs}/${f.renewDeadlineMs}/${f.retryPeriodMs}`));
    if (variants.size > 1) {
      warnings.push(`${comp} instances run different leader-election settings (${[...variants].join('; ')}); the slowest is used`);
    }
    for (const name of names) {
      leaderElection[name] = leaseSettings(comp, Object.entries(byNode).filter(([, f]) => f.leaseName === name));
    }
  }
  const nm = Object.values(nodeMonitor);
  const ep = Object.values(endpointReconciler);
  const types = new Set(ep.map((e) => e.type));
  if (types.size > 1) {
    warnings.push(`apiservers use different endpoint reconcilers (${[...types].join(', ')})`);
  }
  const kubelet: Record<string, KubeletHeartbeatTimings> = {};
  for (const [node, cfg] of Object.entries(text.kubeletConfigs)) {
    kubelet[node] = parseKubeletConfig(cfg);
  }
  const kl = Object.values(kubelet);
  if (kl.length === 0) {
    throw new Error('no kubelet config was read');
  }
  const haproxy = parseHaproxyBackendChecks(text.haproxyCfg);
  const vrrp = text.keepalivedConfs === undefined ? undefined : Object.fromEntries(Object.entries(text.keepalivedConfs).map(([h, t]) => [h, parseKeepalivedConf(h, t)]));
  const firstEp = ep[0];
  return {
    flags: {
      leaderElection,
      nodeMonitor: { gracePeriodMs: maxBy(nm, (n) => n.gracePeriodMs), monitorPeriodMs: maxBy(nm, (n) => n.monitorPeriodMs) },
      // The shortest renew interval gives the earliest possible NotReady (the lower bound); the
      // kubelet's renewals are what the node controller watches.
      kubelet: { nodeStatusUpdateFrequencyMs: maxBy(kl, (k) => k.nodeStatusUpdateFrequencyMs), nodeLeaseRenewIntervalMs: minBy(kl, (k) => k.nodeLeaseRenewIntervalMs) },
      haproxy: worstCaseCheckTimings(haproxy),
      endpointReconciler: { type: types.size === 1 && firstEp !== undefined ? firstEp.type : 'lease', leaseTtlMs: maxBy(ep, (e) => e.leaseTtlMs), intervalMs: maxBy(ep, (e) => e.intervalMs) },
      ...(vrrp === undefined ? {} : { vrrp: vrrpTimingsOf(vrrp) }),
    },
    details: { leaderElection: leByComponent, nodeMonitor, endpointReconciler, kubelet, haproxy, ...(vrrp === undefined ? {} : { vrrp }) },
    warnings,
  };
}
