import { describe, expect, it } from 'vitest';
import { ETCD_DEFAULT_TIMERS, EtcdFlagError, parseEtcdFlags, timerConsensus } from './flags.js';

/** The command of a kubeadm etcd static pod on the third control-plane node of a kind cluster. */
const KUBEADM_ETCD_COMMAND = [
  'etcd',
  '--advertise-client-urls=https://172.18.0.6:2379',
  '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
  '--client-cert-auth=true',
  '--data-dir=/var/lib/etcd',
  '--experimental-initial-corrupt-check=true',
  '--experimental-watch-progress-notify-interval=5s',
  '--initial-advertise-peer-urls=https://172.18.0.6:2380',
  '--initial-cluster=ha-3cp-control-plane=https://172.18.0.4:2380,ha-3cp-control-plane2=https://172.18.0.5:2380,ha-3cp-control-plane3=https://172.18.0.6:2380',
  '--initial-cluster-state=existing',
  '--key-file=/etc/kubernetes/pki/etcd/server.key',
  '--listen-client-urls=https://127.0.0.1:2379,https://172.18.0.6:2379',
  '--listen-metrics-urls=http://127.0.0.1:2381',
  '--listen-peer-urls=https://172.18.0.6:2380',
  '--name=ha-3cp-control-plane3',
  '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
  '--peer-client-cert-auth=true',
  '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
  '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
  '--snapshot-count=10000',
  '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
];

describe('parseEtcdFlags', () => {
  it('falls back to the documented defaults when kubeadm sets no timers', () => {
    const f = parseEtcdFlags(KUBEADM_ETCD_COMMAND);
    // kubeadm listens on 127.0.0.1 and the node IP: two listeners to drain on SIGTERM.
    expect(f.timers).toEqual({ heartbeatIntervalMs: 100, electionTimeoutMs: 1_000, clientListeners: 2 });
    expect(f.timerSources).toEqual({ heartbeatIntervalMs: 'default', electionTimeoutMs: 'default' });
    expect(f.name).toBe('ha-3cp-control-plane3');
    expect(f.initialCluster?.map((m) => m.name)).toEqual(['ha-3cp-control-plane', 'ha-3cp-control-plane2', 'ha-3cp-control-plane3']);
    expect(f.initialCluster?.[1]?.peerUrl).toBe('https://172.18.0.5:2380');
    expect(f.values['snapshot-count']).toBe('10000');
  });

  it('reads timers in every form Go’s flag package accepts; the last occurrence wins', () => {
    expect(parseEtcdFlags(['etcd', '--heartbeat-interval=250', '--election-timeout', '2500']).timers).toEqual({
      heartbeatIntervalMs: 250,
      electionTimeoutMs: 2_500,
      clientListeners: 1,
    });
    expect(parseEtcdFlags(['-heartbeat-interval', '50', '-election-timeout=500']).timers).toEqual({
      heartbeatIntervalMs: 50,
      electionTimeoutMs: 500,
      clientListeners: 1,
    });
    expect(parseEtcdFlags(['etcd', '--election-timeout=1200', '--election-timeout=3000']).timers.electionTimeoutMs).toBe(3_000);
  });

  it('treats a bare flag as boolean true', () => {
    const f = parseEtcdFlags(['etcd', '--client-cert-auth', '--election-timeout=1500']);
    expect(f.values['client-cert-auth']).toBe('true');
    expect(f.timers.electionTimeoutMs).toBe(1_500);
  });

  it('uses ETCD_* environment variables when the flag is absent, but a flag wins', () => {
    const env = { ETCD_ELECTION_TIMEOUT: '2000', ETCD_HEARTBEAT_INTERVAL: '200' };
    expect(parseEtcdFlags(['etcd'], env)).toMatchObject({
      timers: { heartbeatIntervalMs: 200, electionTimeoutMs: 2_000 },
      timerSources: { heartbeatIntervalMs: 'env', electionTimeoutMs: 'env' },
    });
    expect(parseEtcdFlags(['etcd', '--election-timeout=3000'], env).timerSources.electionTimeoutMs).toBe('flag');
  });

  it('refuses what etcd itself refuses', () => {
    expect(() => parseEtcdFlags(['etcd', '--heartbeat-interval=250', '--election-timeout=1000'])).toThrow(/5x/);
    expect(() => parseEtcdFlags(['etcd', '--election-timeout=60000'])).toThrow(/maximum/);
    expect(() => parseEtcdFlags(['etcd', '--heartbeat-interval=0'])).toThrow(EtcdFlagError);
    expect(() => parseEtcdFlags(['etcd', '--election-timeout=1s'])).toThrow(/whole number/);
    expect(() => parseEtcdFlags(['etcd', '--election-timeout=-5'])).toThrow(/whole number/);
    expect(() => parseEtcdFlags(['etcd', '--name=a', 'stray'])).toThrow(/unexpected argument "stray"/);
    expect(() => parseEtcdFlags(['etcd', '--initial-cluster=https://x:2380'])).toThrow(/name=url/);
  });

  it('exports the documented defaults', () => {
    expect(ETCD_DEFAULT_TIMERS).toEqual({ heartbeatIntervalMs: 100, electionTimeoutMs: 1_000 });
  });
});

describe('timerConsensus', () => {
  it('is consistent when all members agree', () => {
    const t = { heartbeatIntervalMs: 100, electionTimeoutMs: 1_000 };
    expect(timerConsensus({ a: t, b: t, c: t })).toMatchObject({ consistent: true, worstCase: t });
  });

  it('reports the variants and takes the worst case across members', () => {
    const c = timerConsensus({
      a: { heartbeatIntervalMs: 100, electionTimeoutMs: 1_000 },
      b: { heartbeatIntervalMs: 100, electionTimeoutMs: 1_000 },
      c: { heartbeatIntervalMs: 250, electionTimeoutMs: 2_500 },
    });
    expect(c.consistent).toBe(false);
    expect(c.worstCase).toEqual({ heartbeatIntervalMs: 250, electionTimeoutMs: 2_500, clientListeners: 1 });
    expect(c.variants.map((v) => v.members)).toEqual([['a', 'b'], ['c']]);
  });

  it('refuses an empty member list', () => {
    expect(() => timerConsensus({})).toThrow(EtcdFlagError);
  });
});
