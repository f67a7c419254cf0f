import { describe, it } from 'vitest';
import { restoreStackedEtcd } from '../../harness/drills/restore-drill.js';
import { takeSnapshotUnderLoad, verifySnapshotContents } from '../../harness/drills/snapshot-drill.js';
import { checkRestoredWorkload, recoverAfterRestore } from '../../harness/drills/restore-aftercare.js';
import type { TakenSnapshot } from '../../harness/drills/etcd-snapshot.js';
import { expectVerdictsHold } from '../../harness/suites/etcd-quorum-case.js';
import { memberRebuildNotBuiltReason, runDrillCase, useDisasterRecoverySuite, verifyDrillLeftClusterWhole } from '../../harness/suites/disaster-recovery-suite.js';

const suite = useDisasterRecoverySuite();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('disaster-recovery.snapshot-covers-acknowledged-writes: a snapshot taken under load holds every write acknowledged before it began', () => {
  it('etcdctl snapshot save from the leader while every member takes writes; the file read back on a loopback etcd', async () => {
    const s = suite();
    const verdicts = await runDrillCase(s, 'snapshot-under-load', ({ recorder, keyPrefix }) => [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      {
        kind: 'procedure',
        name: 'snapshot',
        run: async () => {
          const ctx = { history: recorder.history, clock: s.session.clock };
          const start = ctx.clock.nowMs();
          recorder.history.record({ kind: 'phase', name: 'snapshot', startMs: start });
          const snap = await takeSnapshotUnderLoad(ctx, s.session.cluster, s.session.etcd, s.secrets);
          recorder.history.record({ kind: 'phase', name: 'snapshot', startMs: start, endMs: ctx.clock.nowMs() });
          await verifySnapshotContents(ctx, s.session.cluster, snap, s.secrets, keyPrefix);
        },
      },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['disaster-recovery.snapshot-covers-acknowledged-writes'], ['etcd-quorum.acknowledged-writes-durable']);
    expectVerdictsHold(verdicts);
  });
});

describe('disaster-recovery.restore-recovers-snapshot-state and restored-cluster-serves: every member\'s data destroyed, the snapshot restored on every member; what it held is back, what came after it is lost and counted, the API and the workloads serve again', () => {
  it('snapshot under load, writes go on, every apiserver and etcd member stopped and every data directory removed, restored by the documented procedure', async (ctx) => {
    const notBuilt = memberRebuildNotBuiltReason(suite().session.cluster.layout);
    if (notBuilt !== undefined) {
      ctx.skip(notBuilt);
      return;
    }
    const s = suite();
    let snap: TakenSnapshot | undefined;
    try {
      const verdicts = await runDrillCase(s, 'restore-all-members', ({ recorder }) => [
        { kind: 'baseline', durationMs: s.timings.baselineMs },
        {
          kind: 'procedure',
          name: 'snapshot, disaster, restore',
          run: async () => {
            const ctx = { history: recorder.history, clock: s.session.clock };
            const start = ctx.clock.nowMs();
            recorder.history.record({ kind: 'phase', name: 'snapshot', startMs: start });
            snap = await takeSnapshotUnderLoad(ctx, s.session.cluster, s.session.etcd, s.secrets);
            // These writes come after the snapshot: the restore must lose them, and the check counts them.
            await sleep(s.timings.writesAfterSnapshotMs);
            recorder.history.record({ kind: 'phase', name: 'snapshot', startMs: start, endMs: ctx.clock.nowMs() });
            const outcome = await restoreStackedEtcd(ctx, {
              cluster: s.session.cluster,
              etcd: s.session.etcd,
              creds: s.creds,
              snapshot: snap,
              secrets: s.secrets,
              runId: s.session.run.runId,
              bumpRevision: 1_000_000_000,
              stepTimeoutMs: s.timings.stepTimeoutMs,
            });
            await checkRestoredWorkload(ctx, s, s.timings.stepTimeoutMs);
            await recoverAfterRestore(ctx, s, outcome.apiBackAtMs);
          },
        },
        { kind: 'recovery', durationMs: s.timings.recoveryMs },
      ], ['disaster-recovery.restore-recovers-snapshot-state', 'disaster-recovery.restored-cluster-serves']);
      expectVerdictsHold(verdicts);
    } finally {
      // Whatever the verdicts, the cluster must be whole before the next suite; if it is not, it
      // stays marked dirty and the next run recreates it.
      if (snap !== undefined) {
        await verifyDrillLeftClusterWhole(s);
      }
    }
  });
});
