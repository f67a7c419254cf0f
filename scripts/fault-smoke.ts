/**
 * Exercise every fault kind once against the live cluster and print what happened: the proof that
 * each fault hit (PIDs, rules) and that each heal was verified. `npx tsx scripts/fault-smoke.ts`
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCluster, type ClusterInfo } from '../harness/cluster/cluster-handle.js';
import { openClusterEtcdAccess } from '../harness/cluster/etcd-access.js';
import { config } from '../harness/config.js';
import { createFaultContext } from '../harness/faults/fault-context.js';
import { injectFault } from '../harness/faults/inject.js';
import type { FaultSpec } from '../harness/faults/spec.js';
import { startRunClock } from '../harness/probes/clock.js';
import { History } from '../harness/probes/history.js';
import { seededRandom } from '../harness/random.js';

const info = JSON.parse(readFileSync(join(config.cacheDir, 'clusters/kube-ha-chaos/state.json'), 'utf8')) as ClusterInfo;
const cluster = await openCluster(info);
using etcd = await openClusterEtcdAccess(cluster);
const clock = startRunClock();
const history = new History();
const ctx = createFaultContext({ runId: 'fault-smoke', cluster, etcd, clock, history, random: seededRandom(7) });
const specs: [FaultSpec, number][] = [
  [{ kind: 'kill-process', target: { kind: 'leader' }, process: 'etcd', signal: 'SIGKILL' }, 0],
  [{ kind: 'kill-process', target: { kind: 'leader' }, process: 'etcd', signal: 'SIGTERM' }, 0],
  [{ kind: 'stop-static-pod', target: { kind: 'one-follower' }, component: 'etcd' }, 5_000],
  [{ kind: 'pause-process', target: { kind: 'one-follower' }, process: 'etcd' }, 3_000],
  [{ kind: 'network-partition', isolate: { kind: 'leader' }, ports: [2380] }, 5_000],
  [{ kind: 'kill-process', target: { kind: 'one-follower' }, process: 'kube-apiserver', signal: 'SIGKILL' }, 0],
];
for (const [spec, holdMs] of specs.filter((_, i) => process.argv.length < 3 || process.argv.slice(2).includes(String(i)))) {
  const t0 = clock.nowMs();
  await using fault = await injectFault(ctx, spec);
  const t1 = clock.nowMs();
  await new Promise((r) => setTimeout(r, holdMs));
  await fault.heal();
  const t2 = clock.nowMs();
  console.log(`${fault.record.id}: ${JSON.stringify(fault.record.evidence)} | in effect after ${(t1 - t0).toFixed(0)} ms | healed+verified ${(t2 - t1 - holdMs).toFixed(0)} ms after hold | ${JSON.stringify(fault.healEvidence)}`);
}
