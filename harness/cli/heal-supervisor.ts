/**
 * The heal supervisor: a small process the suites' global setup starts beside every run, in its own
 * session, so the terminal's Ctrl-C (SIGINT to the foreground process group) does not reach it. It
 * owns no fault; it watches the crash-safe journal and heals what nobody else will:
 *
 *  - a fault whose holder (the vitest worker that applied it, named in its journal entry by PID and
 *    start time) has exited, however it exited (Ctrl-C, SIGTERM, SIGKILL, an uncaught crash);
 *  - once the run itself has gone (its stdin pipe closed: the parent exited, even by SIGKILL), every
 *    fault of the run: stray workers that still hold one are stopped first, then the journal is
 *    replayed and every node swept, and the cluster's baseline is verified.
 *
 * vitest exits at once on SIGINT/SIGTERM (process.exit after 1 ms, cli-api's onExit), and its fork
 * workers die with the terminal's SIGINT without running `await using` or hooks, so a heal in the test
 * process cannot be relied on: this one does not depend on how vitest delivers a signal. A second
 * Ctrl-C cannot stop it either (another session). What it did goes to the terminal it inherited and
 * to <cache>/clusters/<name>/heal-supervisor.log.
 *
 *   tsx harness/cli/heal-supervisor.ts --cluster <name> --run-id <id> --parent-pid <pid>
 *
 * On stdin the run says `done` when its teardown has finished (then a supervisor with nothing to heal
 * exits at once); EOF without `done` means the run went away.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openCluster, type ClusterInfo } from '../cluster/cluster-handle.js';
import { markDirty } from '../cluster/dirty.js';
import { openClusterEtcdAccess } from '../cluster/etcd-access.js';
import { waitForHealthy } from '../cluster/health.js';
import { config } from '../config.js';
import { healAll } from '../faults/heal-all.js';
import { withHealLock } from '../faults/heal-lock.js';
import { FaultJournal, type JournalEntry } from '../faults/journal.js';
import { classifyJournal, nextSupervisorAction } from '../faults/orphans.js';
import { describeFault } from '../faults/spec.js';
import { isSameProcessAlive, processIdentity } from '../runtime/processes.js';

const TICK_MS = 200;
const VERIFY_TIMEOUT_MS = 300_000;
const STRAY_STOP_TIMEOUT_MS = 10_000;

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (v === undefined || v.startsWith('--')) {
    console.error(`heal-supervisor: missing --${name}; usage: heal-supervisor --cluster <name> --run-id <id> --parent-pid <pid>`);
    process.exit(2);
  }
  return v;
}

const cluster = arg('cluster');
const runId = arg('run-id');
const parent = processIdentity(Number(arg('parent-pid')));
const journal = FaultJournal.forCluster(cluster);
const logFile = join(config.cacheDir, 'clusters', cluster, 'heal-supervisor.log');
const t0 = performance.now();

function say(line: string, opts: { error?: boolean } = {}): void {
  const text = `[kube-ha-chaos heal-supervisor] ${line}`;
  mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
  appendFileSync(logFile, `${new Date().toISOString()} run ${runId}: ${line}\n`, { mode: 0o600 });
  // The terminal may be gone (a closed pipe): the log file still has it.
  try {
    (opts.error ? process.stderr : process.stdout).write(`${text}\n`);
  } catch {
    /* the log file above is the record */
  }
}

let runDone = false;
let stdinClosed = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (chunk.split('\n').some((l) => l.trim() === 'done')) {
    runDone = true;
  }
});
process.stdin.on('end', () => {
  stdinClosed = true;
});
process.stdin.on('error', () => {
  stdinClosed = true;
});
// The terminal's signals are not for us (we are in our own session), but a `kill` of the process
// group a CI runner may send is: finish the heal in hand rather than leave a fault half undone.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => say(`ignoring ${sig}: a heal must not be interrupted`));
}

function runGone(): boolean {
  return stdinClosed || parent === undefined || !isSameProcessAlive(parent);
}

function readClusterInfo(): ClusterInfo | undefined {
  const f = join(config.cacheDir, 'clusters', cluster, 'state.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as ClusterInfo) : undefined;
}

async function stopStrays(pids: readonly number[]): Promise<void> {
  for (const pid of pids) {
    say(`the run has gone; stopping its worker pid ${pid}, which still holds a fault`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const deadline = performance.now() + STRAY_STOP_TIMEOUT_MS;
  while (pids.some((p) => processIdentity(p) !== undefined) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Heal every orphaned fault, verify the baseline; returns false when the cluster is not back. */
async function heal(faults: readonly JournalEntry[], detectedAtMs: number): Promise<boolean> {
  const what = faults.map((f) => `${f.faultId} (${describeFault(f.spec)} -> ${f.targets.join(', ')})`).join('; ');
  say(`healing ${faults.length} fault(s) left without a holder: ${what}`);
  return withHealLock(cluster, `heal supervisor of run ${runId}`, async () => {
    const actions = await healAll(cluster, journal);
    const undoneAt = performance.now();
    for (const a of actions) {
      say(`healed: ${a}`);
    }
    const info = readClusterInfo();
    if (info === undefined) {
      say(`cluster ${cluster} is no longer recorded: nothing to verify`, { error: true });
      return false;
    }
    const handle = await openCluster(info);
    using etcd = await openClusterEtcdAccess(handle);
    const health = await waitForHealthy(handle, etcd, VERIFY_TIMEOUT_MS);
    const end = performance.now();
    const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    // Undone is when the fault stopped (manifest back, chain gone, process resumed); verified is when
    // the kubelet, etcd and the API had brought everything back, which the cluster decides.
    const timing = `${secs(end - detectedAtMs)} after the holder went away (fault undone after ${secs(undoneAt - detectedAtMs)}, the rest waiting for the cluster to come back)`;
    if (!health.healthy) {
      markDirty(cluster, `heal supervisor of run ${runId} could not restore the baseline: ${health.problems.join('; ')}`);
      say(`NOT HEALED: the cluster is not back at its baseline ${timing}: ${health.problems.join('; ')}. It is marked dirty (the next run recreates it); to try again: npm run heal`, { error: true });
      return false;
    }
    say(`cluster ${cluster} verified at its baseline ${timing}: etcd leader ${health.leader ?? 'none'}`);
    return true;
  }, { timeoutMs: VERIFY_TIMEOUT_MS, onWait: (h) => say(`waiting for pid ${h.pid} (${h.purpose}) to finish healing`) });
}

async function main(): Promise<number> {
  let failed = false;
  let lastWait = '';
  let orphanSeenAtMs: number | undefined;
  for (;;) {
    const gone = runGone();
    const view = classifyJournal(journal.active(), isSameProcessAlive);
    const action = nextSupervisorAction(view, gone, runId);
    if (view.orphaned.length > 0) {
      orphanSeenAtMs ??= performance.now();
    }
    switch (action.kind) {
      case 'idle':
        if (runDone || gone) {
          return failed ? 1 : 0;
        }
        break;
      case 'wait':
        if (action.reason !== lastWait) {
          say(`not healing yet: ${action.reason}`);
          lastWait = action.reason;
        }
        if (runDone && !gone) {
          // The teardown finished but a live process still holds a fault: that process heals it.
          return failed ? 1 : 0;
        }
        break;
      case 'stop-holders':
        orphanSeenAtMs ??= performance.now();
        await stopStrays(action.pids);
        break;
      case 'heal':
        if (!(await heal(action.faults, orphanSeenAtMs ?? performance.now()))) {
          failed = true;
        }
        orphanSeenAtMs = undefined;
        break;
      case 'exit':
        return failed ? 1 : 0;
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
}

main().then(
  (code) => {
    if (code !== 0) {
      say(`finished with problems after ${((performance.now() - t0) / 1000).toFixed(1)} s: see above; run \`npm run heal\``, { error: true });
    }
    process.exit(code);
  },
  (e: unknown) => {
    markDirty(cluster, `heal supervisor of run ${runId} failed: ${(e as Error).message}`);
    say(`failed: ${(e as Error).message}. The cluster is marked dirty; run \`npm run heal\``, { error: true });
    process.exit(1);
  },
);
