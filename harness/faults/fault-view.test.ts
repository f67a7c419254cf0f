import { describe, expect, it } from 'vitest';
import { resolveSelector, unresolvableReason, type MembershipView } from '../targets/select.js';
import { hitsExternalMemberProcess, powerNeededFor, whyNotApplicable } from './applicability.js';
import { faultHitsEtcd, viewForFault } from './fault-view.js';
import type { FaultSpec } from './spec.js';
import { dockerPower } from '../runtime/docker-nodes.js';
import type { NodeProvider } from '../nodes/node-access.js';

// What liveMembership reads on ext-etcd-5 (members from `etcdctl member list`, leader from endpoint
// status, leases from kube-system) and on ha-3cp.
const EXTERNAL: MembershipView = {
  members: ['kube-ha-chaos-etcd1', 'kube-ha-chaos-etcd2', 'kube-ha-chaos-etcd3', 'kube-ha-chaos-etcd4', 'kube-ha-chaos-etcd5'],
  leader: 'kube-ha-chaos-etcd3',
  leaseHolders: { 'kube-scheduler': 'kube-ha-chaos-control-plane2', 'kube-controller-manager': 'kube-ha-chaos-control-plane' },
  controlPlanes: ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3'],
};
const STACKED: MembershipView = {
  members: ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3'],
  leader: 'kube-ha-chaos-control-plane2',
  leaseHolders: { 'kube-scheduler': 'kube-ha-chaos-control-plane3' },
};
const ext = { etcd: { mode: 'external', members: 5 } } as const;
const stacked = { etcd: { mode: 'stacked' } } as const;

const killEtcd: FaultSpec = { kind: 'kill-process', target: { kind: 'one-follower' }, process: 'etcd', signal: 'SIGKILL' };
const killApiserver: FaultSpec = { kind: 'kill-process', target: { kind: 'one-follower' }, process: 'kube-apiserver', signal: 'SIGKILL' };
const holdAllApiservers: FaultSpec = { kind: 'stop-static-pod', target: { kind: 'all' }, component: 'kube-apiserver' };
const holdMajority: FaultSpec = { kind: 'stop-static-pod', target: { kind: 'majority' }, component: 'etcd' };
const partitionLeader: FaultSpec = { kind: 'network-partition', isolate: { kind: 'leader' }, ports: [2380] };
const killScheduler: FaultSpec = { kind: 'kill-process', target: { kind: 'lease-holder', lease: 'kube-scheduler' }, process: 'kube-scheduler', signal: 'SIGKILL' };

describe('viewForFault', () => {
  it('on stacked etcd leaves every view as it is (ha-3cp chooses as before)', () => {
    for (const spec of [killEtcd, killApiserver, holdAllApiservers, partitionLeader, killScheduler]) {
      expect(viewForFault(spec, STACKED)).toBe(STACKED);
    }
  });
  it('on external etcd, etcd faults choose among the member hosts', () => {
    expect(faultHitsEtcd(killEtcd) && faultHitsEtcd(holdMajority) && faultHitsEtcd(partitionLeader)).toBe(true);
    expect(resolveSelector(partitionLeader.isolate, viewForFault(partitionLeader, EXTERNAL), () => 0)).toEqual(['kube-ha-chaos-etcd3']);
    const majority = resolveSelector({ kind: 'majority' }, viewForFault(holdMajority, EXTERNAL), () => 0.5);
    expect(majority).toHaveLength(3);
    expect(majority.every((m) => m.startsWith('kube-ha-chaos-etcd') && m !== 'kube-ha-chaos-etcd3')).toBe(true);
  });
  it('on external etcd, apiserver and lease-holder faults choose among the control planes, where nobody leads etcd', () => {
    const view = viewForFault(killApiserver, EXTERNAL);
    expect(view.members).toEqual(EXTERNAL.controlPlanes);
    expect(view.leader).toBeUndefined();
    expect(resolveSelector({ kind: 'one-follower' }, view, () => 0)).toHaveLength(1);
    expect(EXTERNAL.controlPlanes).toContain(resolveSelector({ kind: 'one-follower' }, view, () => 0.99)[0]);
    expect(resolveSelector(holdAllApiservers.target, viewForFault(holdAllApiservers, EXTERNAL), () => 0)).toEqual(EXTERNAL.controlPlanes);
    expect(unresolvableReason(killScheduler.target, viewForFault(killScheduler, EXTERNAL))).toBeUndefined();
    expect(resolveSelector(killScheduler.target, viewForFault(killScheduler, EXTERNAL), () => 0)).toEqual(['kube-ha-chaos-control-plane2']);
  });
});

const docker: Pick<NodeProvider, 'kind' | 'description' | 'capabilities' | 'power'> = {
  kind: 'docker', description: 'docker containers of kind cluster kube-ha-chaos', capabilities: { power: ['pause', 'resume', 'stop', 'start', 'kill'] }, power: dockerPower,
};
const { signalInit: _unused, ...withoutSignal } = dockerPower;
const noSignal: typeof docker = { ...docker, power: withoutSignal };

describe('applicability on the external-etcd layout', () => {
  it('reaches an external member\'s etcd through the power operations, a stacked one through commands', () => {
    expect(hitsExternalMemberProcess(killEtcd, ext)).toBe(true);
    expect(hitsExternalMemberProcess(killEtcd, stacked)).toBe(false);
    expect(hitsExternalMemberProcess(killApiserver, ext)).toBe(false);
    expect(hitsExternalMemberProcess(partitionLeader, ext)).toBe(false);
    expect(powerNeededFor(holdMajority, ext)).toEqual(['stop', 'start']);
    expect(powerNeededFor({ kind: 'pause-process', target: { kind: 'leader' }, process: 'etcd' }, ext)).toEqual(['pause', 'resume']);
    expect(powerNeededFor(killEtcd, ext)).toEqual(['start']);
    expect(powerNeededFor(holdMajority, stacked)).toEqual([]);
  });
  it('applies the etcd-quorum faults with docker access, and says why where it cannot', () => {
    for (const spec of [killEtcd, holdMajority, partitionLeader, killApiserver, holdAllApiservers]) {
      expect(whyNotApplicable(spec, docker, ext)).toBeUndefined();
    }
    expect(whyNotApplicable(killEtcd, noSignal, ext)).toMatch(/etcd is its machine's PID 1, and this access cannot signal it$/);
    expect(whyNotApplicable({ kind: 'pause-process', target: { kind: 'leader' }, process: 'etcd', resumeAfterMs: 500 }, docker, ext)).toMatch(/has no shell/);
    expect(whyNotApplicable({ kind: 'drop-peer-packets', target: { kind: 'one-follower' }, port: 2380, probability: 0.2 }, docker, ext)).toMatch(/not applicable with external etcd yet/);
    expect(whyNotApplicable({ kind: 'drop-peer-packets', target: { kind: 'one-follower' }, port: 2380, probability: 0.2 }, docker, stacked)).toBeUndefined();
  });
});
