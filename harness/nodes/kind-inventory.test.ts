import { describe, expect, it } from 'vitest';
import { etcdMemberNodesOf } from '../cluster/cluster-handle.js';
import { externalEtcdAccess } from '../cluster/etcd-access.js';
import { controlPlaneComponentsFor } from '../cluster/node-processes.js';
import { dockerNetnsNode } from '../runtime/docker-nodes.js';
import { kindInventory } from './kind-node-access.js';
import { dockerNode } from '../runtime/docker-nodes.js';

// `docker ps -a` on ext-etcd-5: kind's containers by kind's labels, the members by ours.
const KIND = [
  { name: 'kube-ha-chaos-control-plane', state: 'running', role: 'control-plane' },
  { name: 'kube-ha-chaos-control-plane2', state: 'running', role: 'control-plane' },
  { name: 'kube-ha-chaos-control-plane3', state: 'running', role: 'control-plane' },
  { name: 'kube-ha-chaos-external-load-balancer', state: 'running', role: 'external-load-balancer' },
  { name: 'kube-ha-chaos-worker', state: 'running', role: 'worker' },
];
const MEMBERS = [1, 2, 3, 4, 5].map((i) => ({ name: `kube-ha-chaos-etcd${i}`, state: i === 2 ? 'exited' : 'running', role: 'external-etcd' }));

describe('the machines of an external-etcd cluster', () => {
  it('lists the members as etcd hosts whose commands run in their netns from the host', () => {
    const inv = kindInventory(KIND, MEMBERS);
    expect(inv.filter((e) => e.roles.includes('etcd')).map((e) => [e.name, e.state, e.commands])).toEqual(
      MEMBERS.map((m) => [m.name, m.state, 'host-netns']),
    );
    expect(inv.filter((e) => e.roles.includes('control-plane'))).toHaveLength(3);
    expect(kindInventory(KIND, [{ name: 'other', state: 'running', role: 'something-else' }])).toHaveLength(5);
  });
  it('puts the members on the member hosts when external and on the control planes when stacked', () => {
    const nodes = [...KIND.map((c) => dockerNode(c.name, c.role === 'control-plane' ? ['control-plane'] : [])), ...MEMBERS.map((m) => dockerNetnsNode(m.name, ['etcd']))];
    expect(etcdMemberNodesOf({ name: 'x', controlPlanes: 3, workers: 1, etcd: { mode: 'external', members: 5 }, front: { kind: 'kind-haproxy' } }, nodes).map((n) => n.name)).toEqual(MEMBERS.map((m) => m.name));
    expect(etcdMemberNodesOf({ name: 'x', controlPlanes: 3, workers: 1, etcd: { mode: 'stacked' }, front: { kind: 'kind-haproxy' } }, nodes).map((n) => n.name)).toEqual(KIND.slice(0, 3).map((c) => c.name));
  });
  it('runs only network programs in a member\'s netns: pkill or a shell there would hit the host', async () => {
    await expect(dockerNetnsNode('kube-ha-chaos-etcd1', ['etcd']).run(['pkill', '-KILL', '-x', 'etcd'], { timeoutMs: 1_000 })).rejects.toThrow(/has no userland: only iptables/);
    await expect(dockerNetnsNode('kube-ha-chaos-etcd1', ['etcd']).run(['sh', '-c', 'true'], { timeoutMs: 1_000 })).rejects.toThrow(/not sh/);
  });
  it('expects three static pods per control plane when etcd is external', () => {
    expect(controlPlaneComponentsFor({ mode: 'stacked' })).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
    expect(controlPlaneComponentsFor({ mode: 'external', members: 5 })).toEqual(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
  });
  it('reaches external members at their client URLs with the recorded client certificate', () => {
    const a = externalEtcdAccess({
      network: 'kind', image: 'registry.k8s.io/etcd:3.6.5-0',
      members: [1, 2].map((i) => ({ name: `kube-ha-chaos-etcd${i}`, ip: `172.18.0.${10 + i}`, clientUrl: `https://172.18.0.${10 + i}:2379`, peerUrl: `https://172.18.0.${10 + i}:2380`, metricsUrl: `http://172.18.0.${10 + i}:2381`, dataVolume: `kube-ha-chaos-etcd${i}-data` })),
      endpoints: ['https://172.18.0.11:2379', 'https://172.18.0.12:2379'],
      client: { caFile: '/c/pki/ca.crt', certFile: '/c/pki/harness-client.crt', keyFile: '/c/pki/harness-client.key' },
      pkiDir: '/c/pki',
    });
    expect([...a.endpoints]).toEqual([['kube-ha-chaos-etcd1', 'https://172.18.0.11:2379'], ['kube-ha-chaos-etcd2', 'https://172.18.0.12:2379']]);
    expect(a.tls).toEqual({ cacert: '/c/pki/ca.crt', cert: '/c/pki/harness-client.crt', key: '/c/pki/harness-client.key' });
  });
});

describe('the machines of an lb-pair cluster', () => {
  // `docker ps -a` on lb-pair: kind's nodes (its own LB removed by `cluster up`) and our two LB hosts.
  const kind = KIND.filter((c) => c.role !== 'external-load-balancer');
  const lbs = [
    { name: 'kube-ha-chaos-lb1', state: 'running', role: 'vip-lb' },
    { name: 'kube-ha-chaos-lb2', state: 'paused', role: 'vip-lb' },
  ];
  it('lists both LB hosts as load balancers whose commands run in them', () => {
    const inv = kindInventory(kind, [], lbs);
    expect(inv.filter((e) => e.roles.includes('load-balancer')).map((e) => [e.name, e.state, e.commands])).toEqual([
      ['kube-ha-chaos-lb1', 'running', undefined],
      ['kube-ha-chaos-lb2', 'paused', undefined],
    ]);
    expect(kindInventory(kind, [], [{ name: 'x', state: 'running', role: 'external-etcd' }]).some((e) => e.name === 'x')).toBe(false);
  });
});
