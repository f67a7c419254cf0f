/**
 * `npm run heal`: undo every fault this harness may have left behind on the cluster (after a crash
 * or a kill -9 of a run), then check the cluster is back at its baseline.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { openCluster, type ClusterInfo } from '../cluster/cluster-handle.js';
import { clearDirty, dirtyReason, markDirty } from '../cluster/dirty.js';
import { openClusterEtcdAccess } from '../cluster/etcd-access.js';
import { waitForHealthy } from '../cluster/health.js';
import { config } from '../config.js';
import { healAll } from '../faults/heal-all.js';
import { withHealLock } from '../faults/heal-lock.js';
import { FaultJournal } from '../faults/journal.js';

const CLUSTER = 'kube-ha-chaos';

async function main(): Promise<number> {
  const stateFile = join(config.cacheDir, 'clusters', CLUSTER, 'state.json');
  if (!existsSync(stateFile)) {
    console.error(`error: no cluster ${CLUSTER} recorded (${stateFile} missing): nothing to heal; create one with \`npm run cluster -- up\``);
    return 1;
  }
  const info = JSON.parse(readFileSync(stateFile, 'utf8')) as ClusterInfo;
  // After a Ctrl-C the run's heal supervisor may be healing already: wait for it rather than race it.
  const actions = await withHealLock(CLUSTER, 'npm run heal', () => healAll(CLUSTER, FaultJournal.forCluster(CLUSTER)), {
    timeoutMs: 10 * 60_000,
    onWait: (h) => console.log(`waiting for pid ${h.pid} (${h.purpose}) to finish healing`),
  });
  console.log(actions.length === 0 ? 'nothing to heal' : actions.map((a) => `healed: ${a}`).join('\n'));
  const cluster = await openCluster(info);
  using etcd = await openClusterEtcdAccess(cluster);
  const health = await waitForHealthy(cluster, etcd, 120_000);
  if (!health.healthy) {
    markDirty(CLUSTER, `npm run heal could not restore the baseline: ${health.problems.join('; ')}`);
    console.error(`error: the cluster is not back at its baseline (${health.problems.join('; ')}): it is marked dirty and \`npm run cluster -- up\` will recreate it`);
    return 1;
  }
  if (dirtyReason(CLUSTER) !== undefined) {
    // The baseline holds again (a slow restart finished after a heal gave up): no need to recreate.
    clearDirty(CLUSTER);
    console.log('cleared the dirty mark: the cluster is back at its baseline');
  }
  console.log(`cluster ${CLUSTER} is at its baseline (etcd leader: ${health.leader ?? 'none'})`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2);
  },
);
