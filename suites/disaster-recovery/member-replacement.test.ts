import { describe, it } from 'vitest';
import { readEtcdView } from '../../harness/cluster/etcd-status.js';
import { replaceStackedMember } from '../../harness/drills/member-replacement.js';
import { attemptUnsafeChanges } from '../../harness/drills/reconfiguration-drill.js';
import { expectVerdictsHold } from '../../harness/suites/etcd-quorum-case.js';
import { memberRebuildNotBuiltReason, runDrillCase, useDisasterRecoverySuite, verifyDrillLeftClusterWhole, type DisasterRecoverySuite } from '../../harness/suites/disaster-recovery-suite.js';

const suite = useDisasterRecoverySuite();

/** The leader now, and the members that follow it. */
async function roles(s: DisasterRecoverySuite): Promise<{ leader: string; followers: string[] }> {
  const view = await readEtcdView(s.session.cluster.info.etcdctlBinary, s.session.etcd, 10_000);
  const leaderId = view.statuses[0]?.leaderId;
  const leader = view.members.find((m) => m.id === leaderId)?.name;
  if (leader === undefined) {
    throw new Error('no etcd leader');
  }
  return { leader, followers: view.members.map((m) => m.name).filter((n) => n !== leader) };
}

describe('disaster-recovery.replacement-keeps-quorum and replacement-restores-tolerance: a member lost for good (data destroyed) is removed and replaced through a learner without losing quorum, and the cluster then tolerates losing a different member', () => {
  it('a follower\'s data destroyed; member remove, member add --learner, start on an empty data dir, promote; then the leader held down', async (ctx) => {
    const notBuilt = memberRebuildNotBuiltReason(suite().session.cluster.layout);
    if (notBuilt !== undefined) {
      ctx.skip(notBuilt);
      return;
    }
    const s = suite();
    const { leader, followers } = await roles(s);
    const victim = followers[0];
    if (victim === undefined) {
      throw new Error('a replacement drill needs at least one follower');
    }
    let started = false;
    try {
      const verdicts = await runDrillCase(s, 'replace-lost-follower', ({ recorder }) => [
        { kind: 'baseline', durationMs: s.timings.baselineMs },
        {
          kind: 'procedure',
          name: 'lose and replace a member',
          run: async () => {
            started = true;
            await replaceStackedMember({ history: recorder.history, clock: s.session.clock }, { cluster: s.session.cluster, etcd: s.session.etcd, runId: s.session.run.runId, victim, stepTimeoutMs: s.timings.stepTimeoutMs });
          },
        },
        // The proof of full tolerance: a DIFFERENT member (the leader, so an election needs the new member's vote) held down.
        { kind: 'fault', spec: { kind: 'stop-static-pod', target: { kind: 'named', names: [leader] }, component: 'etcd' }, holdMs: s.timings.toleranceHoldMs },
        { kind: 'recovery', durationMs: s.timings.recoveryMs },
      ], ['disaster-recovery.replacement-keeps-quorum', 'disaster-recovery.replacement-restores-tolerance'], ['etcd-quorum.acknowledged-writes-durable', 'etcd-quorum.one-leader-per-term']);
      expectVerdictsHold(verdicts);
    } finally {
      if (started) {
        await verifyDrillLeftClusterWhole(s);
      }
    }
  });
});

describe('disaster-recovery.unsafe-reconfiguration-refused: with one member down, etcd refuses membership changes that would lose quorum', () => {
  it('one follower held down; adding an unstarted voter and removing a healthy voter are asked of etcd', async () => {
    const s = suite();
    const { followers } = await roles(s);
    const down = followers[0];
    if (down === undefined) {
      throw new Error('the reconfiguration drill needs at least one follower');
    }
    const verdicts = await runDrillCase(s, 'unsafe-reconfiguration', ({ recorder }) => [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      {
        kind: 'fault',
        spec: { kind: 'stop-static-pod', target: { kind: 'named', names: [down] }, component: 'etcd' },
        holdMs: 0,
        during: () => attemptUnsafeChanges({ history: recorder.history, clock: s.session.clock }, s.session.cluster, s.session.etcd, down, s.session.run.runId, s.etcdFlags[down]?.['strict-reconfig-check'], s.timings.stepTimeoutMs),
      },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['disaster-recovery.unsafe-reconfiguration-refused'], ['etcd-quorum.acknowledged-writes-durable']);
    expectVerdictsHold(verdicts);
  });
});
