/**
 * vitest global setup of the `suites` project:
 *  1. bring the cluster up (create; reuse when healthy; recreate when broken or marked dirty),
 *  2. heal whatever an earlier, interrupted run left behind, and verify the baseline (a cluster
 *     that cannot be brought back is marked dirty and recreated),
 *  3. hand the cluster and the run's identity (id, shared clock origin, seed) to the suite files,
 * and, when every file has run, write each suite's report and print a short summary.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { clusterUp } from '../substrate/cluster/lifecycle.js';
import { consoleProgress } from '../substrate/progress.js';
import { openCluster, type ClusterInfo } from './cluster/cluster-handle.js';
import { markDirty } from './cluster/dirty.js';
import { openEtcdAccess } from './cluster/etcd-access.js';
import { waitForHealthy } from './cluster/health.js';
import { loadTopology } from './cluster/topology.js';
import { config } from './config.js';
import { healAll } from './faults/heal-all.js';
import { FaultJournal } from './faults/journal.js';
import { newRunInfo, type RunInfo } from './run-info.js';
import { writeSuiteReports } from './suite-report.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterInfo;
    run: RunInfo;
  }
}

const repoRoot = join(import.meta.dirname, '..');

async function healAndVerify(info: ClusterInfo, log: (m: string) => void): Promise<boolean> {
  for (const action of await healAll(info.name, FaultJournal.forCluster(info.name))) {
    log(`healed leftover: ${action}`);
  }
  const cluster = await openCluster(info);
  using etcd = await openEtcdAccess(cluster.controlPlanes);
  const health = await waitForHealthy(cluster, etcd, 120_000);
  if (!health.healthy) {
    markDirty(info.name, `not at baseline before the run: ${health.problems.join('; ')}`);
    log(`cluster not at its baseline (${health.problems.join('; ')}): recreating it`);
  }
  return health.healthy;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const progress = consoleProgress('suites');
  let { state } = await clusterUp(config.topology, progress);
  if (!(await healAndVerify(state, (m) => progress.step(m)))) {
    ({ state } = await clusterUp(config.topology, progress));
    if (!(await healAndVerify(state, (m) => progress.step(m)))) {
      throw new Error('a freshly created cluster is not healthy: see `npm run cluster -- status`');
    }
  }
  const run = newRunInfo(repoRoot);
  progress.step(`run ${run.runId} (seed ${run.seed}, profile ${run.profile}) on ${state.topology}`);
  project.provide('cluster', state);
  project.provide('run', run);
  return async () => {
    const outcomes = await writeSuiteReports(run, loadTopology(repoRoot, state.topology));
    for (const o of outcomes) {
      console.log(`\n${o.summary}\n  report: ${join(o.dir, 'timeline.html')}`);
    }
  };
}
