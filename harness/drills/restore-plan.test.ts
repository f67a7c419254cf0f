import { describe, expect, it } from 'vitest';
import { initialClusterFlag, manifestFlag, manifestForRejoin, parseSnapshotStatus, restoreCommands } from './restore-plan.js';

const members = [
  { name: 'kube-ha-chaos-control-plane', peerUrl: 'https://172.18.0.4:2380' },
  { name: 'kube-ha-chaos-control-plane2', peerUrl: 'https://172.18.0.5:2380' },
  { name: 'kube-ha-chaos-control-plane3', peerUrl: 'https://172.18.0.6:2380' },
];

// kubeadm 1.34's etcd manifest on a joined control plane (kind ha-3cp, 2026-12-07), trimmed.
const joined = `spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://172.18.0.5:2379
    - --data-dir=/var/lib/etcd
    - --initial-advertise-peer-urls=https://172.18.0.5:2380
    - --initial-cluster=kube-ha-chaos-control-plane2=https://172.18.0.5:2380,kube-ha-chaos-control-plane=https://172.18.0.4:2380
    - --initial-cluster-state=existing
    - --name=kube-ha-chaos-control-plane2
    image: registry.k8s.io/etcd:3.6.5-0`;
// The first control plane's: kubeadm init writes no --initial-cluster-state.
const first = `  - command:
    - etcd
    - --data-dir=/var/lib/etcd
    - --initial-cluster=kube-ha-chaos-control-plane=https://172.18.0.4:2380
    - --name=kube-ha-chaos-control-plane`;

describe('restore plan', () => {
  it('restores every member from one snapshot with the same names and peer URLs, a new token and a bumped, compacted revision', () => {
    const cmds = restoreCommands({ snapshotFile: '/s/snap.db', members, clusterToken: 'tok-2', bumpRevision: 1_000_000_000, dataDirOf: (n) => `/r/${n}` });
    expect(cmds).toHaveLength(3);
    expect(cmds[1]?.args).toEqual([
      'snapshot', 'restore', '/s/snap.db',
      '--name=kube-ha-chaos-control-plane2',
      '--initial-cluster=kube-ha-chaos-control-plane=https://172.18.0.4:2380,kube-ha-chaos-control-plane2=https://172.18.0.5:2380,kube-ha-chaos-control-plane3=https://172.18.0.6:2380',
      '--initial-cluster-token=tok-2',
      '--initial-advertise-peer-urls=https://172.18.0.5:2380',
      '--data-dir=/r/kube-ha-chaos-control-plane2',
      '--bump-revision=1000000000',
      '--mark-compacted',
    ]);
    expect(restoreCommands({ snapshotFile: 'f', members: members.slice(0, 1), clusterToken: 't', bumpRevision: 0, dataDirOf: () => '/d' })[0]?.args).not.toContain('--mark-compacted');
  });

  it('refuses duplicate names and peer URLs that are not URLs', () => {
    expect(() => initialClusterFlag([members[0]!, members[0]!])).toThrow(/unique/);
    expect(() => initialClusterFlag([{ name: 'x', peerUrl: '' }])).toThrow(/no usable peer URL/);
    expect(() => initialClusterFlag([])).toThrow(/at least one/);
  });

  it('rewrites a joined member\'s manifest to the cluster it rejoins, state existing', () => {
    const out = manifestForRejoin(joined, 'a=https://1:2380,b=https://2:2380,c=https://3:2380');
    expect(manifestFlag(out, 'initial-cluster')).toBe('a=https://1:2380,b=https://2:2380,c=https://3:2380');
    expect(manifestFlag(out, 'initial-cluster-state')).toBe('existing');
    expect(out.split('\n')).toHaveLength(joined.split('\n').length);
  });

  it('adds --initial-cluster-state=existing to the first member\'s manifest, which has none', () => {
    const out = manifestForRejoin(first, 'a=https://1:2380');
    expect(manifestFlag(out, 'initial-cluster-state')).toBe('existing');
    expect(out.match(/initial-cluster-state/g)).toHaveLength(1);
    expect(() => manifestForRejoin('    - --name=x', 'a=https://1:2380')).toThrow(/no --initial-cluster line/);
  });

  it('parses etcdutl snapshot status -w json', () => {
    expect(parseSnapshotStatus('{"hash":3541240123,"revision":48211,"totalKey":1612,"totalSize":9416704,"version":"3.6.0"}')).toEqual({ hash: 3541240123, revision: 48211, totalKeys: 1612, totalSizeBytes: 9416704, version: '3.6.0' });
    expect(() => parseSnapshotStatus('Error: snapshot file integrity check failed')).toThrow(/no JSON/);
    expect(() => parseSnapshotStatus('{"hash":1}')).toThrow(/revision/);
  });
});
