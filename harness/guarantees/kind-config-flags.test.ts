/**
 * The non-default kind configs (kind-configs/ha-3cp-tuned-leases.yaml, ha-3cp-no-scheduler-election.yaml):
 * the topology validation accepts them, and the flags their kubeadm patch puts on the live static pod
 * command lines (fixtures/cluster/) give the bounds and verdicts the suites are meant to see. kubeadm
 * renders ClusterConfiguration extraArgs as `--name=value` after its own defaults, and pflag takes the
 * last occurrence, so appending them models the manifest kubeadm writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseStaticPodCommand } from '../cluster/static-pod-flags.js';
import type { ControlPlaneConfigText } from '../cluster/control-plane-config.js';
import { loadTopology } from '../cluster/topology.js';
import { controlPlaneFlagsFrom } from './control-plane-flags.js';
import { deriveControlPlaneThresholds } from './control-plane-thresholds.js';
import { componentElections } from './leader-election-config.js';

const root = join(import.meta.dirname, '../..');
const live = (file: string): string => readFileSync(join(root, 'fixtures/cluster', file), 'utf8');
const NODES = ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3'];

type Component = 'kube-controller-manager' | 'kube-scheduler' | 'kube-apiserver';
const PATCH_KEY: Readonly<Record<Component, string>> = { 'kube-controller-manager': 'controllerManager', 'kube-scheduler': 'scheduler', 'kube-apiserver': 'apiServer' };

/** The extraArgs a kind config's ClusterConfiguration patches give each component (kubeadm v1beta3: a map). */
function extraArgsOf(topology: string): Record<Component, string[]> {
  const cfg = parse(readFileSync(join(root, 'kind-configs', `${topology}.yaml`), 'utf8')) as { kubeadmConfigPatches?: string[] };
  const out: Record<Component, string[]> = { 'kube-controller-manager': [], 'kube-scheduler': [], 'kube-apiserver': [] };
  for (const text of cfg.kubeadmConfigPatches ?? []) {
    const patch = parse(text) as Record<string, { extraArgs?: Record<string, string> } | string>;
    expect(patch['kind']).toBe('ClusterConfiguration');
    for (const c of Object.keys(out) as Component[]) {
      const section = patch[PATCH_KEY[c]];
      const args = typeof section === 'object' ? section.extraArgs : undefined;
      // v1beta3 (what kind v0.31 renders for Kubernetes >= 1.23) takes a map, not v1beta4's list.
      expect(Array.isArray(args)).toBe(false);
      out[c].push(...Object.entries(args ?? {}).map(([k, v]) => `--${k}=${v}`));
    }
  }
  return out;
}

function clusterText(topology: string): ControlPlaneConfigText {
  const extra = extraArgsOf(topology);
  const cmd = (c: Component): readonly string[] => [...parseStaticPodCommand(live(`${c}.yaml`)).command, ...extra[c]];
  return {
    commands: Object.fromEntries(NODES.map((n) => [n, { 'kube-controller-manager': cmd('kube-controller-manager'), 'kube-scheduler': cmd('kube-scheduler'), 'kube-apiserver': cmd('kube-apiserver') }])),
    haproxyCfg: live('haproxy.cfg'),
    kubeletConfigs: Object.fromEntries([...NODES, 'kube-ha-chaos-worker'].map((n) => [n, live('kubelet-config.yaml')])),
  };
}

describe('kind-configs/ha-3cp-tuned-leases.yaml', () => {
  it('is a valid topology: 3 control planes and a worker, like ha-3cp', () => {
    expect(loadTopology(root, 'ha-3cp-tuned-leases')).toMatchObject({ controlPlanes: 3, workers: 1 });
  });
  it('puts a 60 s / 40 s lease on the controller-manager only, and each lease gets its own bound', () => {
    const r = controlPlaneFlagsFrom(clusterText('ha-3cp-tuned-leases'), 'v1.34.10');
    expect(r.flags.leaderElection['kube-controller-manager']).toMatchObject({ leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 2_000 });
    expect(r.flags.leaderElection['kube-scheduler']).toMatchObject({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    const d = deriveControlPlaneThresholds(r.flags);
    expect(d.perLease['kube-controller-manager']?.values.maxAbruptHandoverMs).toBe(71_000);
    expect(d.perLease['kube-scheduler']?.values.maxAbruptHandoverMs).toBe(26_000);
  });
});

describe('kind-configs/ha-3cp-no-scheduler-election.yaml', () => {
  it('is a valid topology', () => {
    expect(loadTopology(root, 'ha-3cp-no-scheduler-election')).toMatchObject({ controlPlanes: 3, workers: 1 });
  });
  it('turns leader election off on every scheduler: three active instances, a misconfiguration in words', () => {
    const r = controlPlaneFlagsFrom(clusterText('ha-3cp-no-scheduler-election'), 'v1.34.10');
    expect(r.flags.leaderElection['kube-scheduler']).toMatchObject({ enabled: false, nonElectingNodes: NODES });
    const scheduler = componentElections(r.flags).find((e) => e.component === 'kube-scheduler');
    expect(scheduler).toMatchObject({ activeInstances: 3, instances: 3 });
    expect(scheduler?.problem).toMatch(/^kube-scheduler runs without leader election on 3 nodes/);
    expect(r.warnings.join('\n')).toMatch(/--leader-elect=false: every instance acts as leader/);
  });
});
