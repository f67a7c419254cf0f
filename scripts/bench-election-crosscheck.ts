/**
 * Cross-check of the suite's election measurement against an independent one: while the harness
 * SIGKILLs the etcd leader (N trials) with its usual probes, an independent writer runs beside it: a
 * Go program on etcd's own clientv3 (scripts/go/independent-writer), putting to every member every
 * 10 ms with a 200 ms deadline. (An etcdctl-per-write loop was tried first: a process and a TLS dial
 * per write made its own resolution ~300-450 ms, too coarse to judge a 250 ms agreement.) For each trial compare
 * "fault -> first successful write" as the suite measures it with the same interval seen by the
 * loop. Target: they agree within 250 ms. Results: reports/bench/election-crosscheck-<stamp>.json.
 *
 *   npx tsx scripts/bench-election-crosscheck.ts [--trials 3]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCluster, type ClusterInfo } from '../harness/cluster/cluster-handle.js';
import { openClusterEtcdAccess } from '../harness/cluster/etcd-access.js';
import { config } from '../harness/config.js';
import { timeToFirstSuccess } from '../harness/checks/availability.js';
import { createFaultContext } from '../harness/faults/fault-context.js';
import { sharedRunClock } from '../harness/probes/clock.js';
import { etcdLeaderPoller } from '../harness/probes/etcd-leader-poller.js';
import { etcdWriteProbe } from '../harness/probes/etcd-write-probe.js';
import { History, type Operation } from '../harness/probes/history.js';
import { seededRandom } from '../harness/random.js';
import { runCommand } from '../harness/runtime/command.js';
import { runScenario, type Phase } from '../harness/scenario.js';
import { ETCD_QUORUM_PROBES, ETCD_WRITE_WORKERS_PER_MEMBER, PROBE_AIM_INTERVAL_MS } from '../harness/suites/etcd-quorum-suite.js';
import { flagValue } from './cli-args.js';

const trials = Number(flagValue('trials', '3'));
const info = JSON.parse(readFileSync(join(config.cacheDir, 'clusters/kube-ha-chaos/state.json'), 'utf8')) as ClusterInfo;
const cluster = await openCluster(info);
using etcd = await openClusterEtcdAccess(cluster);
const originNs = process.hrtime.bigint();
const clock = sharedRunClock(originNs, new Date().toISOString());
const history = new History();
const runId = `crosscheck-${Date.now()}`;
const ctx = createFaultContext({ runId, cluster, etcd, clock, history, random: seededRandom(11) });

// The independent writer: nothing of the harness's client code. A Go program on etcd's own client
// (scripts/go/independent-writer), one worker per member putting every 10 ms with a 200 ms deadline,
// printing CLOCK_MONOTONIC times, which the shared run clock below reads too.
const writerBin = join(config.cacheDir, 'bin', 'independent-writer');
await runCommand(['go', 'build', '-trimpath', '-o', writerBin, '.'], { timeoutMs: 600_000, cwd: join(import.meta.dirname, 'go/independent-writer') });
const loopOps: Operation[] = [];
const stopWriter = new AbortController();
let pending = '';
const toRunMs = (ns: string): number => Number(BigInt(ns) - originNs) / 1e6;
const writer = runCommand(
  [writerBin, `--endpoints=${[...etcd.endpoints.values()].join(',')}`, `--cacert=${etcd.tls.cacert}`, `--cert=${etcd.tls.cert}`, `--key=${etcd.tls.key}`,
    `--prefix=/kube-ha-chaos/crosscheck/${runId}/`, '--interval=10ms', '--timeout=200ms'],
  {
    timeoutMs: 3_600_000,
    signal: stopWriter.signal,
    maxBufferBytes: 1024,
    onOutput: (chunk, stream) => {
      if (stream !== 'stdout') {
        return;
      }
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [invoked, completed, endpoint, outcome] = line.split(' ');
        if (invoked !== undefined && completed !== undefined && endpoint !== undefined) {
          loopOps.push({ probe: 'independent-writer', op: 'put', target: endpoint, invokedAtMs: toRunMs(invoked), completedAtMs: toRunMs(completed), outcome: outcome === 'ok' ? 'ok' : 'fail' });
        }
      }
    },
  },
).catch(() => undefined); // ends by our abort
const phases: Phase[] = [{ kind: 'baseline', durationMs: 4_000 }];
for (let i = 0; i < trials; i++) {
  phases.push(
    { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'leader' }, process: 'etcd', signal: 'SIGKILL' }, holdMs: 0 },
    { kind: 'recovery', durationMs: 4_000 },
  );
}
const pctx = { history, clock };
// The suite's own probe settings, so the cross-check judges what the suite measures.
await runScenario(ctx, [
  etcdWriteProbe(pctx, { targets: etcd, runId, intervalMs: PROBE_AIM_INTERVAL_MS, timeoutMs: ETCD_QUORUM_PROBES.writeTimeoutMs, workersPerMember: ETCD_WRITE_WORKERS_PER_MEMBER }),
  etcdLeaderPoller(pctx, { targets: etcd, intervalMs: PROBE_AIM_INTERVAL_MS }),
], phases);
stopWriter.abort();
await writer;

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
  rows.push({ suiteFirstWriteMs: Math.round(suite), independentFirstWriteMs: Math.round(independent), differenceMs: Math.round(independent - suite) });
}
console.log('| trial | suite: fault -> first write | independent Go writer: fault -> first write | difference |\n|---|---|---|---|');
rows.forEach((r, i) => console.log(`| ${i + 1} | ${r['suiteFirstWriteMs']} ms | ${r['independentFirstWriteMs']} ms | ${r['differenceMs']} ms |`));
// Every trial must have both measurements: no rows is no agreement (a check that cannot fail is none).
if (rows.length !== trials) {
  console.log(`only ${rows.length} of ${trials} trials have both measurements (independent writer: ${loopOps.length} operations recorded)`);
}
const within = rows.length === trials && rows.every((r) => Math.abs(r['differenceMs'] ?? Infinity) <= 250);
console.log(within ? 'agree within 250 ms' : 'DISAGREE by more than 250 ms');
mkdirSync(join(import.meta.dirname, '../reports/bench'), { recursive: true });
writeFileSync(join(import.meta.dirname, `../reports/bench/election-crosscheck-${Date.now()}.json`), `${JSON.stringify({ trials: rows, within }, null, 2)}\n`);
process.exit(within ? 0 : 1);
