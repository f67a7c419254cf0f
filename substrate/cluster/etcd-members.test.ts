import { describe, expect, it } from 'vitest';
import { etcdFlags, initialClusterString, memberRunArgv, memberVolumeArgv, planExternalEtcd } from './etcd-members.js';

const plan = planExternalEtcd({
  cluster: 'kube-ha-chaos',
  namePrefix: 'kube-ha-chaos',
  network: 'kind',
  image: 'registry.k8s.io/etcd:3.6.5-0',
  addresses: ['172.18.128.11', '172.18.128.12', '172.18.128.13', '172.18.128.14', '172.18.128.15'],
  pkiRoot: '/root/.cache/kube-ha-chaos/clusters/kube-ha-chaos/etcd-pki',
  token: 'kube-ha-chaos-0a1b2c3d4e5f',
});

describe('planExternalEtcd', () => {
  it('names five members with fixed https URLs, one data volume and one PKI dir each', () => {
    expect(plan.members.map((m) => m.name)).toEqual(['kube-ha-chaos-etcd1', 'kube-ha-chaos-etcd2', 'kube-ha-chaos-etcd3', 'kube-ha-chaos-etcd4', 'kube-ha-chaos-etcd5']);
    expect(plan.members[2]).toEqual({
      name: 'kube-ha-chaos-etcd3',
      ip: '172.18.128.13',
      clientUrl: 'https://172.18.128.13:2379',
      peerUrl: 'https://172.18.128.13:2380',
      metricsUrl: 'http://172.18.128.13:2381',
      dataVolume: 'kube-ha-chaos-etcd3-data',
      hostPkiDir: '/root/.cache/kube-ha-chaos/clusters/kube-ha-chaos/etcd-pki/members/kube-ha-chaos-etcd3',
    });
    expect(plan.endpoints).toHaveLength(5);
    expect(plan.endpoints[4]).toBe('https://172.18.128.15:2379');
  });
  it('builds the initial-cluster string etcd expects', () => {
    expect(plan.initialCluster).toBe(
      'kube-ha-chaos-etcd1=https://172.18.128.11:2380,kube-ha-chaos-etcd2=https://172.18.128.12:2380,kube-ha-chaos-etcd3=https://172.18.128.13:2380,' +
        'kube-ha-chaos-etcd4=https://172.18.128.14:2380,kube-ha-chaos-etcd5=https://172.18.128.15:2380',
    );
    expect(initialClusterString([{ name: 'a', peerUrl: 'https://10.0.0.1:2380' }])).toBe('a=https://10.0.0.1:2380');
  });
  it('refuses no addresses and duplicate ones', () => {
    const base = { cluster: 'c', namePrefix: 'c', network: 'n', image: 'i', pkiRoot: '/p', token: 't' };
    expect(() => planExternalEtcd({ ...base, addresses: [] })).toThrow(/at least one/);
    expect(() => planExternalEtcd({ ...base, addresses: ['10.0.0.1', '10.0.0.1'] })).toThrow(/must differ/);
  });
});

describe('the member command line', () => {
  const m = plan.members[0]!;
  it('is TLS on both ports with client-cert auth, like kubeadm\'s stacked member', () => {
    const f = etcdFlags(plan, m);
    expect(f).toEqual(expect.arrayContaining([
      '--name=kube-ha-chaos-etcd1',
      '--listen-client-urls=https://127.0.0.1:2379,https://172.18.128.11:2379',
      '--advertise-client-urls=https://172.18.128.11:2379',
      '--listen-peer-urls=https://172.18.128.11:2380',
      '--initial-advertise-peer-urls=https://172.18.128.11:2380',
      `--initial-cluster=${plan.initialCluster}`,
      '--initial-cluster-state=new',
      '--initial-cluster-token=kube-ha-chaos-0a1b2c3d4e5f',
      '--client-cert-auth=true',
      '--peer-client-cert-auth=true',
      '--trusted-ca-file=/etc/etcd/pki/ca.crt',
      '--peer-trusted-ca-file=/etc/etcd/pki/ca.crt',
      '--cert-file=/etc/etcd/pki/server.crt',
      '--peer-key-file=/etc/etcd/pki/peer.key',
      '--snapshot-count=10000',
      '--listen-metrics-urls=http://172.18.128.11:2381',
      '--feature-gates=InitialCorruptCheck=true',
      '--watch-progress-notify-interval=5s',
    ]));
    expect(f.some((x) => x.startsWith('http://') || x.includes('=http://172.18.128.11:2379'))).toBe(false);
  });
  it('runs on the cluster network at its fixed address, labelled (not with kind\'s label), PKI read-only', () => {
    const argv = memberRunArgv(plan, m);
    expect(argv.slice(0, 9)).toEqual(['run', '--detach', '--name', 'kube-ha-chaos-etcd1', '--hostname', 'kube-ha-chaos-etcd1', '--network', 'kind', '--ip']);
    expect(argv).toContain('172.18.128.11');
    expect(argv).toContain('--restart=unless-stopped');
    expect(argv).toContain('io.kube-ha-chaos.cluster=kube-ha-chaos');
    expect(argv.join(' ')).not.toContain('io.x-k8s.kind');
    expect(argv).toContain('kube-ha-chaos-etcd1-data:/var/lib/etcd');
    expect(argv).toContain(`${m.hostPkiDir}:/etc/etcd/pki:ro`);
    expect(argv.slice(argv.indexOf('registry.k8s.io/etcd:3.6.5-0'), argv.indexOf('registry.k8s.io/etcd:3.6.5-0') + 2)).toEqual(['registry.k8s.io/etcd:3.6.5-0', '/usr/local/bin/etcd']);
    expect(memberVolumeArgv(plan, m)).toEqual(['volume', 'create', '--label', 'io.kube-ha-chaos.cluster=kube-ha-chaos', '--label', 'io.kube-ha-chaos.role=external-etcd', 'kube-ha-chaos-etcd1-data']);
  });
});
