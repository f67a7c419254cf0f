/**
 * vitest global setup of the `suites` project:
 *  1. bring the cluster up (create; reuse when healthy; recreate when broken or marked dirty),
 *  2. heal whatever an earlier, interrupted run left behind, and verify the baseline (a cluster
 *     that cannot be brought back is marked dirty and recreated),
 *  3. hand the cluster and the run's identity (id, shared clock origin, seed) to the suite files,
 * and, when every file has run, write each suite's report, print a short summary, and check that the
 * cluster is back at the baseline captured before the first suite (same members and nodes, every lease
 * held and renewing, healthy): a run that leaves anything behind fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { readClusterState } from '../substrate/cluster/cluster-state.js';
import { CLUSTER_NAME, clusterUp } from '../substrate/cluster/lifecycle.js';
import { acquireRunLock, releaseRunLock } from '../substrate/cluster/run-lock.js';
import { consoleProgress } from '../substrate/progress.js';
import { openCluster, type ClusterInfo } from './cluster/cluster-handle.js';
import { type ClusterBaseline, captureBaseline, compareBaselines } from './cluster/baseline.js';
import { markDirty } from './cluster/dirty.js';
import { openClusterEtcdAccess } from './cluster/etcd-access.js';
import { waitForHealthy } from './cluster/health.js';
import { loadTopology } from './cluster/topology.js';
import { config } from './config.js';
import { healAll } from './faults/heal-all.js';
import { withHealLock } from './faults/heal-lock.js';
import { classifyJournal } from './faults/orphans.js';
import { describeFault } from './faults/spec.js';
import { startWatcher, type WatcherProcess } from './runtime/daemon.js';
import { isSameProcessAlive } from './runtime/processes.js';
import { FaultJournal } from './faults/journal.js';
import { newRunInfo, type RunInfo } from './run-info.js';
import { writeSuiteReports } from './suite-report.js';
import { runTeardownSteps } from './teardown-steps.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterInfo;
    run: RunInfo;
  }
}

const repoRoot = join(import.meta.dirname, '..');

async function healAndVerify(info: ClusterInfo, log: (m: string) => void): Promise<boolean> {
  // A run restarted right after a Ctrl-C waits for the previous run's heal supervisor to finish.
  const actions = await withHealLock(info.name, 'global setup: heal leftovers', () => healAll(info.name, FaultJournal.forCluster(info.name)), {
    timeoutMs: 10 * 60_000,
    onWait: (h) => log(`waiting for pid ${h.pid} (${h.purpose}) to finish healing the cluster`),
  });
  for (const action of actions) {
    log(`healed leftover: ${action}`);
  }
  const cluster = await openCluster(info);
  using etcd = await openClusterEtcdAccess(cluster);
  const health = await waitForHealthy(cluster, etcd, 120_000);
  if (!health.healthy) {
    markDirty(info.name, `not at baseline before the run: ${health.problems.join('; ')}`);
    log(`cluster not at its baseline (${health.problems.join('; ')}): recreating it`);
  }
  return health.healthy;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const progress = consoleProgress('suites');
  // Before anything changes: a second run (or `cluster down`) must not recreate the cluster under this one.
  acquireRunLock(CLUSTER_NAME, `npm test on ${config.topology}`);
  let { state } = await clusterUp(config.topology, progress);
  if (!(await healAndVerify(state, (m) => progress.step(m)))) {
    ({ state } = await clusterUp(config.topology, progress));
    if (!(await healAndVerify(state, (m) => progress.step(m)))) {
      throw new Error('a freshly created cluster is not healthy: see `npm run cluster -- status`');
    }
  }
  const before = await withEtcd(state, captureBaseline);
  // Resolved once, here, from what clusterUp just validated (a name in kind-configs/ or a path to
  // any kind config): the reports use this, not a second lookup of the bare name at teardown.
  const topology = loadTopology(repoRoot, config.topology);
  const run = newRunInfo(repoRoot);
  progress.step(`run ${run.runId} (seed ${run.seed}, profile ${run.profile}) on ${state.topology}`);
  project.provide('cluster', state);
  project.provide('run', run);
  const supervisor = startHealSupervisor(state.name, run.runId);
  progress.step(`heal supervisor pid ${supervisor.pid}: heals any fault whose test process goes away (Ctrl-C, SIGTERM, SIGKILL)`);
  // Each step runs whatever became of the one before (the report is the product); any that
  // throws fails the run (vitest alone would log a teardown error and exit 0: see teardown-steps.ts).
  return () =>
    runTeardownSteps([
      {
        name: 'write the suite reports',
        run: async () => {
          await writeSuiteReports(run, topology, (o) => console.log(`\n${o.summary}\n  report: ${join(o.dir, 'timeline.html')}`));
        },
      },
      { name: 'check the cluster is back at its baseline', run: () => verifyBackAtBaseline(run, before) },
      { name: 'stop the heal supervisor', run: async () => supervisor.tell('done') },
      { name: 'release the cluster', run: async () => releaseRunLock(CLUSTER_NAME) },
    ]);
}

/** See harness/cli/heal-supervisor.ts: it outlives this process and ignores the terminal's Ctrl-C. */
function startHealSupervisor(cluster: string, runId: string): WatcherProcess {
  return startWatcher([
    process.execPath, '--import', 'tsx', join(repoRoot, 'harness', 'cli', 'heal-supervisor.ts'),
    '--cluster', cluster, '--run-id', runId, '--parent-pid', String(process.pid),
  ]);
}

/**
 * Faults the journal still lists whose holder has exited (a worker killed mid-case): the supervisor
 * heals them as soon as it sees them; the end-of-run check waits for it, then heals what is left
 * itself, so the baseline is judged on a healed cluster and the terminal says what was healed.
 */
async function healOrphanedFaults(clusterName: string): Promise<string[]> {
  const journal = FaultJournal.forCluster(clusterName);
  return withHealLock(clusterName, 'end-of-run check: heal orphaned faults', async () => {
    const { orphaned } = classifyJournal(journal.active(), isSameProcessAlive);
    if (orphaned.length === 0) {
      return [];
    }
    // One-shot faults (a SIGKILL) have nothing to undo, yet the user must see that one was in effect.
    const found = orphaned.map((e) => `${e.faultId} (${describeFault(e.spec)} -> ${e.targets.join(', ')}) had lost its test process`);
    return [...found, ...(await healAll(clusterName, journal))];
  }, { timeoutMs: 10 * 60_000, onWait: (h) => console.log(`\nwaiting for pid ${h.pid} (${h.purpose}) to finish healing before the end-of-run check`) });
}

async function withEtcd<T>(info: ClusterInfo, work: (cluster: Awaited<ReturnType<typeof openCluster>>, etcd: Awaited<ReturnType<typeof openClusterEtcdAccess>>) => Promise<T>): Promise<T> {
  const cluster = await openCluster(info);
  using etcd = await openClusterEtcdAccess(cluster);
  return await work(cluster, etcd);
}

/** The end-of-run check: healthy (settled), and the same cluster as before the first suite. */
async function verifyBackAtBaseline(run: RunInfo, before: ClusterBaseline): Promise<void> {
  // Re-read the state: a suite (smoke's down/up) may have recreated the cluster.
  const info = readClusterState(before.clusterName);
  const problems: string[] = [];
  for (const action of await healOrphanedFaults(before.clusterName)) {
    console.log(`healed a fault left by a test process that went away: ${action}`);
  }
  let after: ClusterBaseline | undefined;
  if (info === undefined) {
    problems.push(`cluster ${before.clusterName} no longer exists`);
  } else {
    await withEtcd(info, async (cluster, etcd) => {
      const health = await waitForHealthy(cluster, etcd, 180_000);
      problems.push(...health.problems);
      after = await captureBaseline(cluster, etcd);
      problems.push(...compareBaselines(before, after));
    });
  }
  for (const e of FaultJournal.forCluster(before.clusterName).active()) {
    problems.push(`fault ${e.faultId} is still in the active-fault journal`);
  }
  const dir = join(run.reportsDir, run.runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'baseline.json'), `${JSON.stringify({ atBaseline: problems.length === 0, problems, before, after }, null, 2)}\n`);
  if (problems.length > 0) {
    markDirty(before.clusterName, `not at baseline after the run: ${problems.join('; ')}`);
    throw new Error(`the run left the cluster off its baseline (marked dirty; the next run recreates it): ${problems.join('; ')}`);
  }
  console.log(`\ncluster back at its baseline: ${before.etcdMembers.length} etcd members, ${before.nodes.length} nodes Ready, ${before.leaderLeases.length} leader-election leases held and renewing, no fault left (${join(dir, 'baseline.json')})`);
}
