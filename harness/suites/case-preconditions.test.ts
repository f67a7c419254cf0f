import { describe, expect, it } from 'vitest';
import type { Phase } from '../scenario.js';
import type { MembershipView } from '../targets/select.js';
import { deriveControlPlaneThresholds } from '../guarantees/control-plane-thresholds.js';
import { CP, LIVE_CONTROL_PLANE_FLAGS, NO_SCHEDULER_ELECTION_FLAGS, TUNED_LEASE_FLAGS } from '../testing/control-plane-histories.js';
import { leaseConfigurations, selectorOf, transientWaitMs, unmetEtcdPreconditionOf, unmetPrecondition, unmetPreconditionOf, verdictsForUnmet } from './case-preconditions.js';

const view = { members: [...CP], leader: CP[1], leaseHolders: { 'kube-controller-manager': CP[2], 'kube-scheduler': CP[0] } };
const killSchedulerHolder: readonly Phase[] = [
  { kind: 'baseline', durationMs: 4_000 },
  { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'lease-holder', lease: 'kube-scheduler' }, process: 'kube-scheduler', signal: 'SIGKILL' }, holdMs: 0 },
  { kind: 'recovery', durationMs: 4_000 },
];
const JUDGED = ['leader-election.abrupt-holder-death-hands-over', 'leader-election.no-two-holders'];

describe('case preconditions: a fault whose target cannot exist becomes verdicts, not a SelectorError', () => {
  it('finds the selector of every fault kind (none for the load balancer)', () => {
    expect(selectorOf({ kind: 'pause-container', target: { kind: 'node', select: { kind: 'leader' } } })).toEqual({ kind: 'leader' });
    expect(selectorOf({ kind: 'pause-container', target: { kind: 'load-balancer' } })).toBeUndefined();
    expect(selectorOf({ kind: 'network-partition', isolate: { kind: 'minority' }, ports: [2380] })).toEqual({ kind: 'minority' });
  });
  it('on a cluster whose schedulers run without leader election, the scheduler cases FAIL with the reason', () => {
    const noHolder = { ...view, leaseHolders: { 'kube-controller-manager': CP[2] } };
    const unmet = unmetPrecondition(killSchedulerHolder, noHolder, NO_SCHEDULER_ELECTION_FLAGS);
    expect(unmet).toMatchObject({ kind: 'configuration', reason: expect.stringMatching(/^kube-scheduler runs without leader election on 3 nodes .*: 3 active instances/) });
    const verdicts = verdictsForUnmet('scheduler-holder-sigkill', JUDGED, unmet!, 'leader-election.single-active-instance');
    expect(verdicts.map((v) => [v.guaranteeId, v.status])).toEqual(JUDGED.map((id) => [id, 'fail']));
    expect(verdicts[0]?.reason).toMatch(
      /^not applicable on this cluster: case scheduler-holder-sigkill would SIGKILL kube-scheduler on the kube-scheduler lease holder, but kube-scheduler runs without leader election on 3 nodes .* \(see leader-election\.single-active-instance\); nothing was injected$/,
    );
  });
  it('a Lease momentarily without a holder is inconclusive, not failed', () => {
    const unmet = unmetPrecondition(killSchedulerHolder, { ...view, leaseHolders: {} }, LIVE_CONTROL_PLANE_FLAGS);
    expect(unmet?.kind).toBe('transient');
    expect(verdictsForUnmet('x', JUDGED, unmet!)[0]).toMatchObject({ status: 'inconclusive', reason: expect.stringMatching(/^case x did not run: .* found no target: no control-plane node holds the lease kube-scheduler right now/) });
  });
  it('waits out a transient for the lease\'s own handover bound plus the margin', () => {
    const unmet = unmetPrecondition(killSchedulerHolder, { ...view, leaseHolders: {} }, TUNED_LEASE_FLAGS)!;
    expect(transientWaitMs(unmet, deriveControlPlaneThresholds(TUNED_LEASE_FLAGS))).toBe(26_000 + 5_000);
  });
  it('a resolvable case has no unmet precondition', () => {
    expect(unmetPrecondition(killSchedulerHolder, view, LIVE_CONTROL_PLANE_FLAGS)).toBeUndefined();
  });
  it('re-reads the live view while a transient lasts, and stops at once on a configuration problem', async () => {
    const d = deriveControlPlaneThresholds(LIVE_CONTROL_PLANE_FLAGS);
    const views = [{ ...view, leaseHolders: {} }, view];
    let reads = 0;
    const settled = await unmetPreconditionOf(killSchedulerHolder, LIVE_CONTROL_PLANE_FLAGS, d, async () => views[Math.min(reads++, 1)]!);
    expect(settled).toBeUndefined();
    expect(reads).toBe(2);
    reads = 0;
    const misconfigured = await unmetPreconditionOf(killSchedulerHolder, NO_SCHEDULER_ELECTION_FLAGS, d, async () => {
      reads += 1;
      return { ...view, leaseHolders: {} };
    });
    expect([misconfigured?.kind, reads]).toEqual(['configuration', 1]);
  });
  it('maps the flags to what the selector needs to explain itself', () => {
    expect(leaseConfigurations(NO_SCHEDULER_ELECTION_FLAGS)['kube-scheduler']).toMatchObject({ component: 'kube-scheduler', electingNodes: [], nonElectingNodes: [...CP] });
  });
  it('etcd-quorum: a 1-member cluster has no follower to kill (configuration, read once); a leaderless view is waited out', async () => {
    const killFollower: readonly Phase[] = [
      { kind: 'baseline', durationMs: 4_000 },
      { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'one-follower' }, process: 'etcd', signal: 'SIGKILL' }, holdMs: 0 },
    ];
    let reads = 0;
    const single = await unmetEtcdPreconditionOf(killFollower, async () => {
      reads += 1;
      return { members: [CP[0]], leader: CP[0], leaseHolders: {} };
    });
    expect([single?.kind, single?.reason, reads]).toEqual(['configuration', 'a 1-member cluster has no follower to target', 1]);
    const verdicts = verdictsForUnmet('follower-sigkill', ['etcd-quorum.follower-loss-keeps-writes'], single!);
    expect(verdicts.map((v) => v.status)).toEqual(['fail']);
    expect(verdicts[0]?.reason).toMatch(/nothing was injected/);
    const killLeader: readonly Phase[] = [{ kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'leader' }, process: 'etcd', signal: 'SIGKILL' }, holdMs: 0 }];
    const views: MembershipView[] = [{ members: [...CP], leader: undefined, leaseHolders: {} }, { members: [...CP], leader: CP[2], leaseHolders: {} }];
    reads = 0;
    expect(await unmetEtcdPreconditionOf(killLeader, async () => views[Math.min(reads++, 1)]!)).toBeUndefined();
    expect(reads).toBe(2);
  });
});
