import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStaticPodCommand } from '../cluster/static-pod-flags.js';
import type { ControlPlaneConfigText } from '../cluster/control-plane-config.js';
import { controlPlaneFlagsFrom } from './control-plane-flags.js';

const live = (file: string): string => readFileSync(new URL(`../../fixtures/cluster/${file}`, import.meta.url), 'utf8');
const cmd = (file: string): readonly string[] => parseStaticPodCommand(live(file)).command;
const NODES = ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3'];

function liveText(over: (node: string, c: 'kube-controller-manager' | 'kube-scheduler' | 'kube-apiserver', argv: readonly string[]) => readonly string[] = (_n, _c, a) => a): ControlPlaneConfigText {
  return {
    commands: Object.fromEntries(
      NODES.map((n) => [
        n,
        {
          'kube-controller-manager': over(n, 'kube-controller-manager', cmd('kube-controller-manager.yaml')),
          'kube-scheduler': over(n, 'kube-scheduler', cmd('kube-scheduler.yaml')),
          'kube-apiserver': over(n, 'kube-apiserver', cmd('kube-apiserver.yaml')),
        },
      ]),
    ),
    haproxyCfg: live('haproxy.cfg'),
    kubeletConfigs: Object.fromEntries([...NODES, 'kube-ha-chaos-worker'].map((n) => [n, live('kubelet-config.yaml')])),
  };
}

describe('controlPlaneFlagsFrom (the live cluster’s files)', () => {
  it('yields the defaults kubeadm and kind leave in place', () => {
    const r = controlPlaneFlagsFrom(liveText(), 'v1.34.10');
    // kubeadm writes --leader-elect=true itself; the timings are left at their defaults.
    const sources = { enabled: 'flag', leaseDurationMs: 'default', renewDeadlineMs: 'default', retryPeriodMs: 'default' };
    expect(r.flags).toEqual({
      leaderElection: {
        'kube-controller-manager': { enabled: true, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, component: 'kube-controller-manager', sources, electingNodes: NODES, nonElectingNodes: [] },
        'kube-scheduler': { enabled: true, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, component: 'kube-scheduler', sources, electingNodes: NODES, nonElectingNodes: [] },
      },
      nodeMonitor: { gracePeriodMs: 50_000, monitorPeriodMs: 5_000 },
      kubelet: { nodeStatusUpdateFrequencyMs: 10_000, nodeLeaseRenewIntervalMs: 10_000 },
      haproxy: { interMs: 2_000, fastInterMs: 2_000, fall: 3, rise: 2, maxCheckDurationMs: 2_000 },
      endpointReconciler: { type: 'lease', leaseTtlMs: 15_000, intervalMs: 10_000 },
    });
    expect(r.warnings).toEqual([]);
    expect(Object.keys(r.details.leaderElection['kube-scheduler'] ?? {})).toEqual(NODES);
    expect(r.details.haproxy.httpCheck).toBe('GET /healthz');
  });
  it('uses the slowest setting when nodes disagree, and says so', () => {
    const r = controlPlaneFlagsFrom(
      liveText((n, c, a) => (n === 'kube-ha-chaos-control-plane2' && c === 'kube-scheduler' ? [...a, '--leader-elect-lease-duration=20s'] : a)),
      'v1.34.10',
    );
    expect(r.flags.leaderElection['kube-scheduler']?.leaseDurationMs).toBe(20_000);
    expect(r.warnings.join('\n')).toMatch(/kube-scheduler instances run different leader-election settings/);
  });
  it('reads the tuned controller-manager of ha-3cp-tuned-leases per component: its own flags, the scheduler untouched', () => {
    const r = controlPlaneFlagsFrom(liveText((_n, c, a) => (c === 'kube-controller-manager' ? [...a, '--leader-elect-lease-duration=60s', '--leader-elect-renew-deadline=40s'] : a)), 'v1.34.10');
    expect(r.flags.leaderElection['kube-controller-manager']).toMatchObject({ leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 2_000, sources: { leaseDurationMs: 'flag', renewDeadlineMs: 'flag', retryPeriodMs: 'default' } });
    expect(r.flags.leaderElection['kube-scheduler']).toMatchObject({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, sources: { leaseDurationMs: 'default' } });
    expect(r.warnings).toEqual([]);
  });
  it('lists which instances run with leader election off (ha-3cp-no-scheduler-election), on all nodes or some', () => {
    const off = controlPlaneFlagsFrom(liveText((_n, c, a) => (c === 'kube-scheduler' ? [...a, '--leader-elect=false'] : a)), 'v1.34.10');
    expect(off.flags.leaderElection['kube-scheduler']).toMatchObject({ enabled: false, electingNodes: [], nonElectingNodes: NODES });
    expect(off.flags.leaderElection['kube-controller-manager']).toMatchObject({ enabled: true, electingNodes: NODES, nonElectingNodes: [] });
    const one = controlPlaneFlagsFrom(liveText((n, c, a) => (n === 'kube-ha-chaos-control-plane3' && c === 'kube-scheduler' ? [...a, '--leader-elect=false'] : a)), 'v1.34.10');
    expect(one.flags.leaderElection['kube-scheduler']).toMatchObject({ enabled: true, electingNodes: NODES.slice(0, 2), nonElectingNodes: ['kube-ha-chaos-control-plane3'] });
  });
  it('keeps instances that elect on different Leases apart', () => {
    const r = controlPlaneFlagsFrom(liveText((n, c, a) => (n === 'kube-ha-chaos-control-plane2' && c === 'kube-scheduler' ? [...a, '--leader-elect-resource-name=my-scheduler'] : a)), 'v1.34.10');
    expect(r.flags.leaderElection['kube-scheduler']).toMatchObject({ component: 'kube-scheduler', electingNodes: ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane3'] });
    expect(r.flags.leaderElection['my-scheduler']).toMatchObject({ component: 'kube-scheduler', electingNodes: ['kube-ha-chaos-control-plane2'] });
    expect(r.warnings.join('\n')).toMatch(/different lease names.*more than one instance acts/);
  });
  it('follows the version for the grace period default, and an explicit flag', () => {
    expect(controlPlaneFlagsFrom(liveText(), 'v1.31.4').flags.nodeMonitor.gracePeriodMs).toBe(40_000);
    const r = controlPlaneFlagsFrom(liveText((_n, c, a) => (c === 'kube-controller-manager' ? [...a, '--node-monitor-grace-period=1m'] : a)), 'v1.34.10');
    expect(r.flags.nodeMonitor.gracePeriodMs).toBe(60_000);
  });
});
