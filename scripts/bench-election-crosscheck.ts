/**
 * Cross-check of the suite's election measurement against an independent one: while the harness
 * SIGKILLs the etcd leader (N trials) with its usual probes, a plain `etcdctl put` loop (200 ms
 * command timeout, all endpoints, the project's own etcdctl) runs beside it. For each trial compare
 * "fault -> first successful write" as the suite measures it with the same interval seen by the
 * loop. Target: they agree within 250 ms. Results: reports/bench/election-crosscheck-<stamp>.json.
 *
 *   npx tsx scripts/bench-election-crosscheck.ts [--trials 3]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCluster, type ClusterInfo } from '../harness/cluster/cluster-handle.js';
import { openEtcdAccess } from '../harness/cluster/etcd-access.js';
import { config } from '../harness/config.js';
import { timeToFirstSuccess } from '../harness/checks/availability.js';
import { createFaultContext } from '../harness/faults/fault-context.js';
import { startRunClock } from '../harness/probes/clock.js';
import { etcdLeaderPoller } from '../harness/probes/etcd-leader-poller.js';
import { etcdWriteProbe } from '../harness/probes/etcd-write-probe.js';
import { History, type Operation } from '../harness/probes/history.js';
import { seededRandom } from '../harness/random.js';
import { CommandError, runCommand } from '../harness/runtime/command.js';
import { runScenario, type Phase } from '../harness/scenario.js';

const trialsArg = process.argv.indexOf('--trials');
const trials = trialsArg >= 0 ? Number(process.argv[trialsArg + 1]) : 3;
const info = JSON.parse(readFileSync(join(config.cacheDir, 'clusters/kube-ha-chaos/state.json'), 'utf8')) as ClusterInfo;
const cluster = await openCluster(info);
using etcd = await openEtcdAccess(cluster.controlPlanes);
const clock = startRunClock();
const history = new History();
const runId = `crosscheck-${Date.now()}`;
const ctx = createFaultContext({ runId, cluster, etcd, clock, history, random: seededRandom(11) });

// The independent loop: nothing of the harness's client code, just etcdctl.
const loopOps: Operation[] = [];
let loopRunning = true;
const endpoints = [...etcd.endpoints.values()].join(',');
const loop = (async () => {
  let seq = 0;
  while (loopRunning) {
    const invokedAtMs = clock.nowMs();
    let outcome: Operation['outcome'] = 'ok';
    try {
      await runCommand(
        [info.etcdctlBinary, `--endpoints=${endpoints}`, `--cacert=${etcd.tls.cacert}`, `--cert=${etcd.tls.cert}`, `--key=${etcd.tls.key}`,
          '--command-timeout=200ms', '--dial-timeout=200ms', 'put', `/kube-ha-chaos/crosscheck/${runId}/${seq}`, String(seq)],
        { timeoutMs: 2_000 },
      );
    } catch (e) {
      outcome = e instanceof CommandError ? 'fail' : 'unknown';
    }
    loopOps.push({ probe: 'etcdctl-loop', op: 'put', target: 'all', invokedAtMs, completedAtMs: clock.nowMs(), outcome });
    seq += 1;
    await new Promise((r) => setTimeout(r, 50));
  }
})();

const phases: Phase[] = [{ kind: 'baseline', durationMs: 4_000 }];
for (let i = 0; i < trials; i++) {
  phases.push(
    { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'leader' }, process: 'etcd', signal: 'SIGKILL' }, holdMs: 0 },
    { kind: 'recovery', durationMs: 4_000 },
  );
}
const pctx = { history, clock };
await runScenario(ctx, [etcdWriteProbe(pctx, { targets: etcd, runId, intervalMs: 80, timeoutMs: 1_000 }), etcdLeaderPoller(pctx, { targets: etcd, intervalMs: 80 })], phases);
loopRunning = false;
await loop;

const rows: Record<string, number>[] = [];
for (const f of history.faultWindows()) {
  const suiteWrites = history.operations({ probe: 'etcd-write' });
  const suiteMs = timeToFirstSuccess(suiteWrites, f.injectedAtMs);
  const loopMs = timeToFirstSuccess(loopOps, f.injectedAtMs);
  if (suiteMs === undefined || loopMs === undefined) {
    continue;
  }
  const suite = suiteMs + (f.injectedAtMs - f.issuedAtMs);
  const independent = loopMs + (f.injectedAtMs - f.issuedAtMs);
  rows.push({ suiteFirstWriteMs: Math.round(suite), etcdctlLoopFirstWriteMs: Math.round(independent), differenceMs: Math.round(independent - suite) });
}
console.log('| trial | suite: fault -> first write | etcdctl loop: fault -> first write | difference |\n|---|---|---|---|');
rows.forEach((r, i) => console.log(`| ${i + 1} | ${r['suiteFirstWriteMs']} ms | ${r['etcdctlLoopFirstWriteMs']} ms | ${r['differenceMs']} ms |`));
const within = rows.every((r) => Math.abs(r['differenceMs'] ?? Infinity) <= 250);
console.log(within ? 'agree within 250 ms' : 'DISAGREE by more than 250 ms');
mkdirSync(join(import.meta.dirname, '../reports/bench'), { recursive: true });
writeFileSync(join(import.meta.dirname, `../reports/bench/election-crosscheck-${Date.now()}.json`), `${JSON.stringify({ trials: rows, within }, null, 2)}\n`);
process.exit(within ? 0 : 1);
