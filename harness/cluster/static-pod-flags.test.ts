import { describe, expect, it } from 'vitest';
import { parseStaticPodCommand } from './static-pod-flags.js';
import { parseNodeFacts } from './node-processes.js';

// Shape of kubeadm v1.34's etcd manifest (trimmed), as found on a kind control plane.
const ETCD_MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  labels:
    component: etcd
    tier: control-plane
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://172.18.0.4:2379
    - --data-dir=/var/lib/etcd
    - --election-timeout=1500
    - --heartbeat-interval=150
    - --initial-cluster=kube-ha-chaos-control-plane=https://172.18.0.4:2380
    - --listen-metrics-urls=http://127.0.0.1:2381
    image: registry.k8s.io/etcd:3.6.5-0
    env:
    - name: ETCD_UNSUPPORTED_ARCH
      value: amd64
    - name: FROM_SECRET
      valueFrom:
        secretKeyRef: {name: x, key: y}
    name: etcd
`;

describe('parseStaticPodCommand', () => {
  it('returns the command line and literal env the kubelet runs', () => {
    const c = parseStaticPodCommand(ETCD_MANIFEST);
    expect(c.command[0]).toBe('etcd');
    expect(c.command).toContain('--election-timeout=1500');
    expect(c.env).toEqual({ ETCD_UNSUPPORTED_ARCH: 'amd64' });
  });
  it('refuses a manifest without a container', () => {
    expect(() => parseStaticPodCommand('apiVersion: v1\nkind: Pod\nspec: {}\n')).toThrow(/no container/);
  });
});

describe('parseNodeFacts', () => {
  it('reads PIDs, stopped processes, held manifests and our chain', () => {
    const facts = parseNodeFacts('pid etcd 425 \npid kube-apiserver 611 \npid kube-controller-manager \npid kube-scheduler 598 \nstopped 425\nheld etcd.yaml\nchain\n');
    expect(facts.pids).toEqual({ etcd: [425], 'kube-apiserver': [611], 'kube-controller-manager': [], 'kube-scheduler': [598] });
    expect(facts.stoppedPids).toEqual([425]);
    expect(facts.heldManifests).toEqual(['etcd.yaml']);
    expect(facts.chaosChainPresent).toBe(true);
    expect(parseNodeFacts('pid etcd 1\n').chaosChainPresent).toBe(false);
  });
});
