/**
 * The snapshot drill: save a snapshot from the current leader while the probes write, record its
 * revision, hash, keys and size, then read the case's probe keys back out of the FILE (restored on a
 * loopback etcd) as a ReadSnapshot the checks compare with the acknowledged writes.
 */
import type { ClusterHandle } from '../cluster/cluster-handle.js';
import type { EtcdAccess } from '../cluster/etcd-access.js';
import { readEtcdView } from '../cluster/etcd-status.js';
import type { SecretDir } from '../cluster/secrets.js';
import { DRILL_WRITE_PROBE, SNAPSHOT_FILE_TARGET } from '../guarantees/disaster-recovery-checks.js';
import { drillStep, type DrillContext } from './drill-step.js';
import { readSnapshotPrefix, saveSnapshot, type TakenSnapshot } from './etcd-snapshot.js';

export const SNAPSHOT_DRILL = 'snapshot';

/** The member that leads now (snapshots are usually taken from a healthy member; the leader is the freshest). */
async function leaderName(cluster: ClusterHandle, etcd: EtcdAccess): Promise<string> {
  const view = await readEtcdView(cluster.info.etcdctlBinary, etcd, 10_000);
  const leaderId = view.statuses[0]?.leaderId;
  const leader = view.members.find((m) => m.id === leaderId);
  if (leader === undefined) {
    throw new Error('no etcd leader to take a snapshot from');
  }
  return leader.name;
}

export async function takeSnapshotUnderLoad(ctx: DrillContext, cluster: ClusterHandle, etcd: EtcdAccess, secrets: SecretDir): Promise<TakenSnapshot> {
  const member = await leaderName(cluster, etcd);
  return drillStep(ctx, SNAPSHOT_DRILL, 'snapshot-save', async () => {
    const snap = await saveSnapshot(cluster.info.etcdctlBinary, etcd, member, secrets);
    return {
      value: snap,
      detail: `etcdctl snapshot save from ${member}: revision ${snap.revision}, hash ${snap.hash.toString(16)}, ${snap.totalKeys} keys, ${(snap.totalSizeBytes / 1024 / 1024).toFixed(1)} MiB (etcdutl snapshot status)`,
      facts: { revision: snap.revision, hash: snap.hash, totalKeys: snap.totalKeys, sizeBytes: snap.totalSizeBytes },
    };
  });
}

/** Reads `prefix` from the snapshot file and records it as a read of the write probe's keys. */
export async function verifySnapshotContents(ctx: DrillContext, cluster: ClusterHandle, snap: TakenSnapshot, secrets: SecretDir, prefix: string): Promise<void> {
  await drillStep(ctx, SNAPSHOT_DRILL, 'snapshot-verify', async () => {
    const base = 20_000 + (process.pid % 20_000);
    const read = await readSnapshotPrefix(cluster.info.etcdctlBinary, snap.file, secrets, prefix, { client: base, peer: base + 1 });
    ctx.history.record({ kind: 'snapshot', atMs: ctx.clock.nowMs(), probe: DRILL_WRITE_PROBE, target: SNAPSHOT_FILE_TARGET, prefix, revision: read.revision, entries: read.entries });
    return {
      value: undefined,
      detail: `restored the file on a loopback etcd: revision ${read.revision}, ${read.entries.length} of this case's probe keys in it`,
      facts: { revision: read.revision, probeKeys: read.entries.length },
    };
  });
}
