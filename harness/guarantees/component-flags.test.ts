import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStaticPodCommand } from '../cluster/static-pod-flags.js';
import {
  ComponentFlagError,
  defaultNodeMonitorGracePeriodMs,
  parseEndpointReconcilerFlags,
  parseGoDuration,
  parseKubeletConfig,
  parseLeaderElectionFlags,
  parseNodeMonitorFlags,
  splitPflags,
} from './component-flags.js';

const live = (file: string): string => readFileSync(new URL(`../../fixtures/cluster/${file}`, import.meta.url), 'utf8');
const command = (file: string): readonly string[] => parseStaticPodCommand(live(file)).command;

describe('parseGoDuration', () => {
  it.each([
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['2s500ms', 2_500],
    ['.5s', 500],
  ])('%s is %i ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
  it.each(['15', '15 s', 's', '', '1d', 'abc', '10sec'])('refuses %j (Go requires a unit except for 0)', (text) => {
    expect(() => parseGoDuration(text)).toThrow(ComponentFlagError);
  });
});

describe('splitPflags', () => {
  it('reads --a=b, --a b and bare booleans; the last occurrence wins; keeps positionals', () => {
    const s = splitPflags(['kube-scheduler', '--a=1', '--b', '2', '--leader-elect', 'stray', '--a=3', '--runtime-config='], ['leader-elect']);
    expect(s.values).toEqual({ a: '3', b: '2', 'leader-elect': 'true', 'runtime-config': '' });
    expect(s.positional).toEqual(['stray']);
  });
});

describe('leader-election flags', () => {
  it('reads the live kube-controller-manager and kube-scheduler manifests: defaults 15s/10s/2s, lease named after the component', () => {
    for (const c of ['kube-controller-manager', 'kube-scheduler']) {
      const f = parseLeaderElectionFlags(command(`${c}.yaml`));
      expect(f).toMatchObject({ component: c, enabled: true, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, leaseName: c, leaseNamespace: 'kube-system', resourceLock: 'leases' });
      // --leader-elect=true is written explicitly by kubeadm; the timers are not.
      expect(f.sources).toEqual({ enabled: 'flag', leaseDurationMs: 'default', renewDeadlineMs: 'default', retryPeriodMs: 'default' });
      expect(f.warnings).toEqual([]);
    }
  });
  it('honours explicit timers, a renamed lease and --leader-elect=false', () => {
    const f = parseLeaderElectionFlags([
      'kube-scheduler',
      '--leader-elect-lease-duration=30s',
      '--leader-elect-renew-deadline=20s',
      '--leader-elect-retry-period=4s',
      '--leader-elect-resource-name=my-scheduler',
    ]);
    expect(f).toMatchObject({ leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 4_000, leaseName: 'my-scheduler' });
    const off = parseLeaderElectionFlags(['kube-controller-manager', '--leader-elect=false']);
    expect(off.enabled).toBe(false);
    expect(off.warnings.join()).toMatch(/no Lease is held/);
  });
  it('refuses settings client-go refuses, and warns about a --config file', () => {
    expect(() => parseLeaderElectionFlags(['x', '--leader-elect-lease-duration=10s'])).toThrow(/must exceed the renew deadline/);
    expect(() => parseLeaderElectionFlags(['x', '--leader-elect-retry-period=9s'])).toThrow(/retry period x 1.2/);
    expect(parseLeaderElectionFlags(['kube-scheduler', '--config=/etc/s.yaml']).warnings.join()).toMatch(/may override/);
  });
});

describe('node monitor flags', () => {
  it('defaults the grace period by version: 40 s before v1.32, 50 s from v1.32', () => {
    expect(defaultNodeMonitorGracePeriodMs('v1.31.4')).toBe(40_000);
    expect(defaultNodeMonitorGracePeriodMs('v1.32.0')).toBe(50_000);
    expect(defaultNodeMonitorGracePeriodMs('1.34.10')).toBe(50_000);
    expect(() => defaultNodeMonitorGracePeriodMs('latest')).toThrow(ComponentFlagError);
  });
  it('reads the live kube-controller-manager (no flag: 50 s on v1.34) and an explicit setting', () => {
    expect(parseNodeMonitorFlags(command('kube-controller-manager.yaml'), 'v1.34.10')).toEqual({
      gracePeriodMs: 50_000,
      monitorPeriodMs: 5_000,
      sources: { gracePeriodMs: 'default', monitorPeriodMs: 'default' },
    });
    expect(parseNodeMonitorFlags(['kcm', '--node-monitor-grace-period=20s', '--node-monitor-period=2s'], 'v1.34.10')).toMatchObject({ gracePeriodMs: 20_000, monitorPeriodMs: 2_000 });
  });
});

describe('endpoint reconciler flags', () => {
  it('reads the live kube-apiserver: the lease reconciler (15 s TTL, 10 s interval) by default', () => {
    expect(parseEndpointReconcilerFlags(command('kube-apiserver.yaml'))).toEqual({ type: 'lease', leaseTtlMs: 15_000, intervalMs: 10_000, source: 'default' });
    expect(parseEndpointReconcilerFlags(['kube-apiserver', '--endpoint-reconciler-type=none']).type).toBe('none');
    expect(() => parseEndpointReconcilerFlags(['kube-apiserver', '--endpoint-reconciler-type=magic'])).toThrow(ComponentFlagError);
  });
});

describe('kubelet config', () => {
  it('reads the live worker config (kubeadm writes 0s, meaning the default): status every 10 s, lease 40 s renewed every 10 s', () => {
    expect(parseKubeletConfig(live('kubelet-config.yaml'))).toEqual({
      nodeStatusUpdateFrequencyMs: 10_000,
      nodeLeaseDurationS: 40,
      nodeLeaseRenewIntervalMs: 10_000,
      sources: { nodeStatusUpdateFrequencyMs: 'default', nodeLeaseDurationS: 'default' },
    });
  });
  it('honours explicit values and refuses what is not a KubeletConfiguration', () => {
    const t = parseKubeletConfig('kind: KubeletConfiguration\nnodeStatusUpdateFrequency: 4s\nnodeLeaseDurationSeconds: 20\n');
    expect(t).toMatchObject({ nodeStatusUpdateFrequencyMs: 4_000, nodeLeaseDurationS: 20, nodeLeaseRenewIntervalMs: 5_000 });
    expect(() => parseKubeletConfig('kind: Pod\n')).toThrow(ComponentFlagError);
  });
});
