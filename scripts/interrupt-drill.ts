/**
 * Interrupt drill: does every fault heal when the run holding it is interrupted mid-fault?
 *
 *   npx tsx scripts/interrupt-drill.ts [--faults kill-process,manifest-hold,...] [--signals sigint,sigterm,sigkill-worker,sigkill-run]
 *
 * For each fault kind and each way a run can go away, it starts a real vitest run
 * (scripts/interrupt-drill/hold-fault.drill.ts under the suites' global setup) on the cluster, waits
 * until the fault is in effect, then:
 *   sigint         SIGINT to the run's whole process group, as a terminal's Ctrl-C does;
 *   sigterm        SIGTERM to the vitest process alone, as `kill <pid>` or a CI timeout does;
 *   sigkill-worker SIGKILL to the worker process that applied and holds the fault;
 *   sigkill-run    SIGKILL to the vitest process alone (its worker is orphaned with the fault).
 * Nothing is done by hand afterwards: it times how long until the heal supervisor says the cluster
 * is verified at its baseline, then checks that independently (a full health check, an empty
 * journal, no healer left) before the next trial. Results go to reports/bench/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCluster, type ClusterInfo } from '../harness/cluster/cluster-handle.js';
import { openClusterEtcdAccess } from '../harness/cluster/etcd-access.js';
import { checkClusterHealth, waitForHealthy } from '../harness/cluster/health.js';
import { otherHealer } from '../harness/faults/heal-lock.js';
import { FaultJournal } from '../harness/faults/journal.js';
import { readClusterState } from '../substrate/cluster/cluster-state.js';
import { startObserved } from '../harness/runtime/observed-process.js';
import { DRILL_FAULTS, IN_EFFECT_MARKER, type DrillFault } from './interrupt-drill/drill-faults.js';
import { flagValue } from './cli-args.js';

const SIGNALS = ['sigint', 'sigterm', 'sigkill-worker', 'sigkill-run'] as const;
type Interrupt = (typeof SIGNALS)[number];

const CLUSTER = 'kube-ha-chaos';
const root = join(import.meta.dirname, '..');

interface Trial {
  readonly fault: DrillFault;
  readonly interrupt: Interrupt;
  readonly faultId: string;
  readonly targets: string;
  /** Signal to the supervisor's last "healed:" line (the fault undone), when it had to undo anything. */
  readonly undoneMs: number | undefined;
  /** Signal to the supervisor's "verified at its baseline" line. */
  readonly healedMs: number | undefined;
  /** Signal to the run's exit (vitest main). */
  readonly runExitMs: number | undefined;
  readonly exitCode: number;
  readonly healedLines: readonly string[];
  readonly independentCheck: string;
  readonly ok: boolean;
}

function list<T extends string>(raw: string | undefined, all: readonly T[]): T[] {
  if (raw === undefined) {
    return [...all];
  }
  const wanted = raw.split(',').map((s) => s.trim());
  for (const w of wanted) {
    if (!(all as readonly string[]).includes(w)) {
      throw new Error(`unknown value ${JSON.stringify(w)}; choose from ${all.join(', ')}`);
    }
  }
  return wanted as T[];
}

async function independentCheck(info: ClusterInfo): Promise<string[]> {
  const problems: string[] = [];
  const active = FaultJournal.forCluster(CLUSTER).active();
  if (active.length > 0) {
    problems.push(`journal still lists ${active.map((e) => e.faultId).join(', ')}`);
  }
  const healer = otherHealer(CLUSTER);
  if (healer !== undefined) {
    problems.push(`pid ${healer.pid} still holds the heal lock (${healer.purpose})`);
  }
  const cluster = await openCluster(info);
  using etcd = await openClusterEtcdAccess(cluster);
  const health = await checkClusterHealth(cluster, etcd);
  problems.push(...health.problems);
  return problems;
}

async function trial(fault: DrillFault, interrupt: Interrupt, logDir: string): Promise<Trial> {
  const logPath = join(logDir, `${fault}-${interrupt}.log`);
  const run = startObserved([process.execPath, join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'scripts/interrupt-drill/vitest.drill.config.ts'], {
    env: { HA_DRILL_FAULT: fault, FORCE_COLOR: '0' },
    logPath,
    cwd: root,
  });
  // A run that ends before its fault is in effect (setup failed, no cluster) is a failed trial, at once.
  const marker = await Promise.race([
    run.waitForLine(new RegExp(`${IN_EFFECT_MARKER} (\\S+) worker-pid (\\d+) targets (\\S+)`), 8 * 60_000),
    run.exited.then((code) => {
      throw new Error(`the drill run exited ${code} before its fault was in effect (see ${logPath})`);
    }),
  ]);
  const m = new RegExp(`${IN_EFFECT_MARKER} (\\S+) worker-pid (\\d+) targets (\\S+)`).exec(marker.line);
  const [, faultId = '?', workerPid = '0', targets = '?'] = m ?? [];
  // Let the fault sit for a moment, as a user's Ctrl-C would come in the middle of a hold.
  await new Promise((r) => setTimeout(r, 2_000));
  const sentAt = performance.now();
  switch (interrupt) {
    case 'sigint':
      run.signal('SIGINT', { group: true });
      break;
    case 'sigterm':
      run.signal('SIGTERM', { group: false });
      break;
    case 'sigkill-worker':
      process.kill(Number(workerPid), 'SIGKILL');
      break;
    case 'sigkill-run':
      run.signal('SIGKILL', { group: false });
      break;
  }
  const exitCode = await run.exited;
  const runExitMs = performance.now() - sentAt;
  let healedMs: number | undefined;
  try {
    // Whoever healed it: the supervisor, or (a worker killed while the run went on) the run's own
    // end-of-run check, which heals orphans before it judges the baseline.
    const line = await run.waitForLine(/heal-supervisor\] (cluster \S+ verified at its baseline|NOT HEALED)|^cluster back at its baseline|the run left the cluster off its baseline/, 8 * 60_000);
    healedMs = /NOT HEALED|off its baseline/.test(line.line) ? undefined : line.atMs - sentAt;
  } catch {
    healedMs = undefined;
  }
  // The supervisor exits right after it has verified; give it a moment to release its lock.
  const deadline = performance.now() + 30_000;
  while (otherHealer(CLUSTER) !== undefined && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const info = readClusterState(CLUSTER);
  const problems = info === undefined ? ['cluster state missing'] : await independentCheck(info);
  const healedLines = run.lines.map((l) => l.line).filter((l) => /heal-supervisor\]|healed a fault left|^cluster back at its baseline/.test(l));
  const undone = run.lines.filter((l) => l.atMs >= sentAt && /heal-supervisor\] healed: |^healed a fault left by a test process/.test(l.line)).pop();
  return {
    fault,
    interrupt,
    faultId,
    targets,
    undoneMs: undone === undefined ? undefined : undone.atMs - sentAt,
    healedMs,
    runExitMs,
    exitCode,
    healedLines,
    independentCheck: problems.length === 0 ? 'at baseline' : problems.join('; '),
    ok: healedMs !== undefined && problems.length === 0 && exitCode !== 0,
  };
}

async function main(): Promise<number> {
  const faults = list(flagValue('faults', '') || undefined, Object.keys(DRILL_FAULTS) as DrillFault[]);
  const interrupts = list(flagValue('signals', '') || undefined, SIGNALS);
  const info = readClusterState(CLUSTER);
  if (info === undefined) {
    console.error('error: no cluster recorded: bring one up with `npm run cluster -- up` first');
    return 2;
  }
  {
    const cluster = await openCluster(info);
    using etcd = await openClusterEtcdAccess(cluster);
    const h = await waitForHealthy(cluster, etcd, 120_000);
    if (!h.healthy) {
      console.error(`error: the cluster is not at its baseline (${h.problems.join('; ')}): run \`npm run heal\` first`);
      return 2;
    }
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const logDir = join(root, 'reports', 'bench', `interrupt-drill-${stamp}`);
  mkdirSync(logDir, { recursive: true });
  const trials: Trial[] = [];
  for (const fault of faults) {
    for (const interrupt of interrupts) {
      const t = await trial(fault, interrupt, logDir);
      trials.push(t);
      console.log(`${t.ok ? 'ok  ' : 'FAIL'} ${fault.padEnd(16)} ${interrupt.padEnd(15)} undone ${t.undoneMs === undefined ? '-' : `${(t.undoneMs / 1000).toFixed(1)} s`}, verified ${t.healedMs === undefined ? 'NEVER' : `${(t.healedMs / 1000).toFixed(1)} s`} after the signal (run exited ${t.exitCode} after ${((t.runExitMs ?? 0) / 1000).toFixed(1)} s); independent check: ${t.independentCheck}`);
      for (const l of t.healedLines) {
        console.log(`       ${l}`);
      }
      writeFileSync(join(logDir, 'results.json'), `${JSON.stringify(trials, null, 2)}\n`);
    }
  }
  const healed = trials.flatMap((t) => (t.healedMs === undefined ? [] : [t.healedMs]));
  console.log(`\n${trials.filter((t) => t.ok).length} of ${trials.length} trials healed to a verified baseline without a manual step; heal time after the signal ${healed.length > 0 ? `${(Math.min(...healed) / 1000).toFixed(1)}-${(Math.max(...healed) / 1000).toFixed(1)} s` : 'n/a'} (${join(logDir, 'results.json')})`);
  return trials.every((t) => t.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2);
  },
);
