import { describe, expect, it } from 'vitest';
import { type ClusterBaseline, compareBaselines, staleLeases } from './baseline.js';

const NOW = Date.parse('2026-11-30T06:10:00.000Z');
const iso = (msBeforeNow: number): string => new Date(NOW - msBeforeNow).toISOString().replace('Z', '000Z');

// Shaped like a real ha-3cp cluster read by captureBaseline.
function baseline(over: Partial<ClusterBaseline> = {}): ClusterBaseline {
  return {
    clusterName: 'kube-ha-chaos',
    etcdMembers: ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3'],
    nodes: ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3', 'kube-ha-chaos-worker'],
    leaderLeases: [
      { name: 'kube-controller-manager', holderIdentity: 'kube-ha-chaos-control-plane2_6c1e3f0a-5d7b-4c1e-9a43-1f0e2b7d9c11', renewTime: iso(1_200), leaseDurationSeconds: 15 },
      { name: 'kube-scheduler', holderIdentity: 'kube-ha-chaos-control-plane_0b9d7e52-1a3c-4f6e-8b2d-7c4e9f1a3b55', renewTime: iso(300), leaseDurationSeconds: 15 },
    ],
    nodeLeases: [
      { name: 'kube-ha-chaos-control-plane', holderIdentity: 'kube-ha-chaos-control-plane', renewTime: iso(4_000), leaseDurationSeconds: 40 },
      { name: 'kube-ha-chaos-worker', holderIdentity: 'kube-ha-chaos-worker', renewTime: iso(9_000), leaseDurationSeconds: 40 },
    ],
    readAtWallMs: NOW,
    ...over,
  };
}

describe('staleLeases', () => {
  it('accepts leases renewed within their duration', () => {
    expect(staleLeases(baseline().leaderLeases, NOW)).toEqual([]);
    expect(staleLeases(baseline().nodeLeases, NOW)).toEqual([]);
  });

  it('flags a lease not renewed for longer than its duration, a released lease and one never renewed', () => {
    const problems = staleLeases(
      [
        { name: 'kube-scheduler', holderIdentity: 'cp3_x', renewTime: iso(21_000), leaseDurationSeconds: 15 },
        { name: 'kube-controller-manager', holderIdentity: '', renewTime: iso(1_000), leaseDurationSeconds: 15 },
        { name: 'cloud-controller-manager', holderIdentity: 'cp1_y', leaseDurationSeconds: 15 },
      ],
      NOW,
    );
    expect(problems).toEqual([
      'lease kube-scheduler (held by cp3_x) last renewed 21.0 s ago, longer than its 15 s duration',
      'lease kube-controller-manager has no holder',
      'lease cloud-controller-manager (held by cp1_y) was never renewed',
    ]);
  });

  it('allows a few seconds of slack past the duration (a renewal in flight), not more', () => {
    expect(staleLeases([{ name: 'n', holderIdentity: 'n', renewTime: iso(44_000), leaseDurationSeconds: 40 }], NOW)).toEqual([]);
    expect(staleLeases([{ name: 'n', holderIdentity: 'n', renewTime: iso(46_000), leaseDurationSeconds: 40 }], NOW)).toHaveLength(1);
  });
});

describe('compareBaselines', () => {
  it('finds nothing when the cluster is back where it was, even with new lease holders', () => {
    const after = baseline({
      leaderLeases: [
        { name: 'kube-controller-manager', holderIdentity: 'kube-ha-chaos-control-plane3_aa', renewTime: iso(500), leaseDurationSeconds: 15 },
        { name: 'kube-scheduler', holderIdentity: 'kube-ha-chaos-control-plane2_bb', renewTime: iso(900), leaseDurationSeconds: 15 },
      ],
    });
    expect(compareBaselines(baseline(), after)).toEqual([]);
  });

  it('reports a member that is gone, a node that appeared, a lease that vanished and a stale node lease', () => {
    const before = baseline();
    const after = baseline({
      etcdMembers: before.etcdMembers.slice(0, 2),
      nodes: [...before.nodes, 'kube-ha-chaos-worker2'],
      leaderLeases: before.leaderLeases.slice(0, 1),
      nodeLeases: [{ name: 'kube-ha-chaos-worker', holderIdentity: 'kube-ha-chaos-worker', renewTime: iso(90_000), leaseDurationSeconds: 40 }],
    });
    expect(compareBaselines(before, after)).toEqual([
      'etcd member kube-ha-chaos-control-plane3 is gone',
      'node kube-ha-chaos-worker2 is new',
      'leader-election lease kube-scheduler is gone',
      'lease kube-ha-chaos-worker (held by kube-ha-chaos-worker) last renewed 90.0 s ago, longer than its 40 s duration',
    ]);
  });
});

describe('compareBaselines on a vip-pair cluster', () => {
  const lbHosts = ['kube-ha-chaos-lb1', 'kube-ha-chaos-lb2'];
  it('accepts both LB hosts back with one VIP holder, whichever it is', () => {
    expect(compareBaselines(baseline({ lbHosts }), baseline({ lbHosts }))).toEqual([]);
  });
  it('reports an LB host that no longer runs and a VIP with no single holder', () => {
    expect(compareBaselines(baseline({ lbHosts }), baseline({ lbHosts: ['kube-ha-chaos-lb2'], vipProblem: 'no LB host that answers holds the VIP (kube-ha-chaos-lb1 did not answer)' }))).toEqual([
      'LB host kube-ha-chaos-lb1 is gone',
      'VIP: no LB host that answers holds the VIP (kube-ha-chaos-lb1 did not answer)',
    ]);
    expect(compareBaselines(baseline({ lbHosts }), baseline({ lbHosts, vipProblem: 'kube-ha-chaos-lb1 and kube-ha-chaos-lb2 both hold the VIP (split brain)' }))).toEqual([
      'VIP: kube-ha-chaos-lb1 and kube-ha-chaos-lb2 both hold the VIP (split brain)',
    ]);
  });
});

describe('compareBaselines on a localhost-nginx cluster', () => {
  it('reports what is wrong with the front at the end', () => {
    expect(compareBaselines(baseline({}), baseline({}))).toEqual([]);
    expect(compareBaselines(baseline({}), baseline({ frontProblems: ['kube-ha-chaos-worker2: nginx does not listen on 127.0.0.1:6443'] }))).toEqual([
      'front: kube-ha-chaos-worker2: nginx does not listen on 127.0.0.1:6443',
    ]);
  });
});
