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
  type LeaderElectionTimings,
  type NodeMonitorFlags,
} from './component-flags.js';
import { parseHaproxyBackendChecks, worstCaseCheckTimings, type HaproxyBackendChecks } from './haproxy-config.js';
import type { ControlPlaneFlags } from './control-plane-thresholds.js';

/** Everything parsed, for run.json. */
export interface ControlPlaneFlagDetails {
  readonly leaderElection: Readonly<Record<string, Readonly<Record<string, LeaderElectionFlags>>>>;
  readonly nodeMonitor: Readonly<Record<string, NodeMonitorFlags>>;
  readonly endpointReconciler: Readonly<Record<string, EndpointReconcilerTimings>>;
  readonly kubelet: Readonly<Record<string, KubeletHeartbeatTimings>>;
  readonly haproxy: HaproxyBackendChecks;
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
  const leaderElection: Record<string, LeaderElectionTimings> = {};
  for (const [comp, byNode] of Object.entries(leByComponent)) {
    const all = Object.values(byNode);
    const names = new Set(all.map((f) => f.leaseName));
    if (names.size > 1) {
      warnings.push(`${comp} instances use different lease names (${[...names].join(', ')})`);
    }
    const variants = new Set(all.map((f) => `${f.enabled}/${f.leaseDurationMs}/${f.renewDeadlineMs}/${f.retryPeriodMs}`));
    if (variants.size > 1) {
      warnings.push(`${comp} instances run different leader-election settings (${[...variants].join('; ')}); the slowest is used`);
    }
    for (const name of names) {
      leaderElection[name] = {
        enabled: all.some((f) => f.enabled),
        leaseDurationMs: maxBy(all, (f) => f.leaseDurationMs),
        renewDeadlineMs: maxBy(all, (f) => f.renewDeadlineMs),
        retryPeriodMs: maxBy(all, (f) => f.retryPeriodMs),
      };
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
    },
    details: { leaderElection: leByComponent, nodeMonitor, endpointReconciler, kubelet, haproxy },
    warnings,
  };
}
