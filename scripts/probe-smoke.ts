/**
 * Runs every probe against the live, healthy cluster for a short while and reports what they
 * achieved: ops/s per worker, outcomes, latency, the leader seen, the watch's coverage, and the CPU
 * the harness spent doing it. It injects no fault and changes nothing but its own probe keys and
 * ConfigMaps, which it deletes at the end.
 *
 *   npx tsx scripts/probe-smoke.ts [--cluster kube-ha-chaos] [--seconds 15] [--probes write,read,poller,watch,api,direct,metrics]
 *
 * `--probes` runs a subset (default: all), to see what each costs in CPU. Before probing it waits
 * (up to 3 minutes) until every etcd member reports the same leader and the API answers /readyz,
 * because the cluster is shared and may be mid-fault or being recreated.
 *
 * Exits 1 when a 10 Hz worker reached < 9 ops/s (a slower worker: < 90 % of its nominal rate),
 * or when anything failed on the healthy cluster (an operation not ok, a failed status poll, a
 * watch reset, a watch that missed an acknowledged write, or a write missing from the final read).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { durability } from '../harness/checks/durability.js';
import { openCluster, type ClusterInfo } from '../harness/cluster/cluster-handle.js';
import { openClusterEtcdAccess } from '../harness/cluster/etcd-access.js';
import { apiWriteProbe, RUN_LABEL, runLabelValue } from '../harness/probes/api-write-probe.js';
import { startRunClock } from '../harness/probes/clock.js';
import { etcdLeaderPoller } from '../harness/probes/etcd-leader-poller.js';
import { etcdMetricsProbe } from '../harness/probes/etcd-metrics.js';
import { etcdReadProbes } from '../harness/probes/etcd-read-probe.js';
import { openMemberClients, probeKeyPrefix } from '../harness/probes/etcd-targets.js';
import { etcdWatchProbe } from '../harness/probes/etcd-watch-probe.js';
import { etcdWriteProbe } from '../harness/probes/etcd-write-probe.js';
import { takeApiSnapshot, takeEtcdSnapshot } from '../harness/probes/final-snapshot.js';
import { History, type OperationEntry } from '../harness/probes/history.js';
import { ProbeSet } from '../harness/probes/probe-set.js';
import { deleteConfigMaps, readyz } from '../harness/runtime/kube-api.js';
import type { KubeApiCredentials } from '../harness/runtime/kubeconfig.js';
import type { EtcdTargets } from '../harness/probes/etcd-targets.js';
import type { Probe } from '../harness/probes/probe.js';
import { loadKubeconfig } from '../harness/runtime/kubeconfig.js';
import { readClusterState } from '../substrate/cluster/cluster-state.js';
import { flagValue } from './cli-args.js';

const NAMESPACE = 'kube-ha-chaos-probes';
const WARMUP_MS = 2_000;

/** The cluster may be briefly recreated by someone else's smoke test: wait for it a little. */
async function waitForCluster(name: string): Promise<ClusterInfo> {
  for (let attempt = 0; attempt < 12; attempt++) {
    const state = readClusterState(name);
    if (state !== undefined) {
      try {
        const c = await openCluster(state);
        if (c.controlPlanes.length > 0) {
          return state;
        }
      } catch (e) {
        console.log(`cluster ${name} not ready (${(e as Error).message}); waiting`);
      }
    } else {
      console.log(`cluster ${name} has no state file yet; waiting`);
    }
    await sleep(10_000);
  }
  throw new Error(`cluster ${name} did not show up within 2 minutes`);
}

/** Waits until every member reports the same leader and /readyz is ok through the LB and on every apiserver. */
async function waitForHealthy(targets: EtcdTargets, creds: KubeApiCredentials, apiservers: ReadonlyMap<string, string>): Promise<void> {
  const clients = openMemberClients(targets, 2_000);
  try {
    for (let attempt = 0; attempt < 36; attempt++) {
      const leaders = await Promise.all(clients.map((c) => c.client.status().then((s) => s.leaderId, () => 'down')));
      const servers = [undefined, ...apiservers.values()];
      const ready = await Promise.all(servers.map((serverUrl) => readyz(creds, { timeoutMs: 2_000, ...(serverUrl === undefined ? {} : { serverUrl }) }).then((r) => r.ready, () => false)));
      if (ready.every(Boolean) && leaders.every((l) => l !== 'down' && l !== '0' && l === leaders[0])) {
        return;
      }
      console.log(`waiting for a healthy cluster: etcd leaders ${leaders.join(', ')}; API ready (LB, then each apiserver) ${ready.join(', ')}`);
      await sleep(5_000);
    }
  } finally {
    for (const c of clients) {
      c.client.close();
    }
  }
  throw new Error('the cluster did not become healthy within 3 minutes');
}

/** CPU seconds of this process's reaped children (the docker CLI of the metrics scrapes), from /proc. */
function childrenCpuMs(): number {
  // Fields after the ")" of comm: state is field 3; cutime and cstime are fields 16 and 17.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

const LOOP_DELAY_RESOLUTION_MS = 10;

function lateMs(ns: number): string {
  return Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS).toFixed(1);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function pad(s: string | number, n: number): string {
  return String(s).padEnd(n);
}

async function main(): Promise<number> {
  const clusterName = flagValue('cluster', 'kube-ha-chaos');
  const seconds = Number(flagValue('seconds', '15'));
  const selected = new Set(flagValue('probes', 'write,read,poller,watch,api,direct,metrics').split(','));
  const info = await waitForCluster(clusterName);
  const cluster = await openCluster(info);
  using access = await openClusterEtcdAccess(cluster);
  const creds = loadKubeconfig(info.kubeconfig);
  const runId = `smoke-${Date.now().toString(36)}`;
  const prefix = probeKeyPrefix(runId);
  const clock = startRunClock();
  const history = new History();
  const ctx = { history, clock };
  const apiservers = new Map([...access.endpoints].map(([node, url]) => [node, url.replace(/:2379$/, ':6443')]));

  const nominalHz = new Map<string, number>([
    ['etcd-write', 1000 / 90],
    ['etcd-read-linearizable', 10],
    ['etcd-read-serializable', 10],
    ['api-write', 10],
    ['api-write-direct', 2],
    ['etcd-leader', 1000 / 90],
  ]);
  const chosen: Probe[] = [];
  const want = (p: string): boolean => selected.has(p);
  if (want('write')) {
    chosen.push(etcdWriteProbe(ctx, { targets: access, runId }));
  }
  if (want('read')) {
    chosen.push(...etcdReadProbes(ctx, { targets: access, runId }));
  }
  if (want('poller')) {
    chosen.push(etcdLeaderPoller(ctx, { targets: access }));
  }
  if (want('watch')) {
    chosen.push(etcdWatchProbe(ctx, { targets: access, runId }));
  }
  if (want('api') || want('direct')) {
    chosen.push(
      apiWriteProbe(ctx, {
        creds,
        runId,
        namespace: NAMESPACE,
        viaLoadBalancer: want('api'),
        ...(want('direct') ? { direct: { servers: apiservers } } : {}),
      }),
    );
  }
  if (want('metrics')) {
    chosen.push(etcdMetricsProbe(ctx, { targets: access }));
  }
  const probes = new ProbeSet(chosen);
  await waitForHealthy(access, creds, apiservers);

  console.log(`cluster ${clusterName}: ${cluster.controlPlanes.join(', ')}; run ${runId}; probing for ${WARMUP_MS / 1000} s + ${seconds} s`);
  // The first seconds open connections (TLS handshakes) and warm the JIT; the window measured
  // starts after them, so the numbers describe a probe that is running, not one starting.
  const startupCpu0 = process.cpuUsage();
  probes.start();
  await sleep(WARMUP_MS);
  const startupCpu = process.cpuUsage(startupCpu0);
  // How late this process's own event loop ran: separates harness lag from server latency.
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  const cpu0 = process.cpuUsage();
  const children0 = childrenCpuMs();
  const startMs = clock.nowMs();
  const load0 = loadavg()[0] ?? 0;
  await sleep(seconds * 1000);
  const load1 = loadavg()[0] ?? 0;
  const cpu = process.cpuUsage(cpu0);
  loopDelay.disable();
  const childrenMs = childrenCpuMs() - children0;
  const windowMs = clock.nowMs() - startMs;
  await probes.stop();
  const stoppedMs = clock.nowMs();

  const etcdSnap = want('write') ? await takeEtcdSnapshot(ctx, { targets: access, runId }) : undefined;
  const apiProbes = [...(want('api') ? ['api-write'] : []), ...(want('direct') ? ['api-write-direct'] : [])];
  const apiSnaps = apiProbes.length > 0 ? await takeApiSnapshot(ctx, { creds, runId, namespace: NAMESPACE, probes: apiProbes }) : [];

  const problems: string[] = [];
  const seconds_ = windowMs / 1000;
  const cpuPct = ((cpu.user + cpu.system) / 1000 / windowMs) * 100;
  console.log(`\nmeasured window ${seconds_.toFixed(2)} s after a ${WARMUP_MS / 1000} s warm-up (stop took ${(stoppedMs - startMs - windowMs).toFixed(0)} ms); ops counted = invoked inside the window, outcomes and latencies over the whole run`);

  // Operations per (probe, target).
  console.log(`\n${pad('probe', 24)}${pad('target', 32)}${pad('ops', 6)}${pad('ops/s', 8)}${pad('ok', 6)}${pad('fail', 6)}${pad('unkn', 6)}${pad('p50 ms', 8)}p99 ms`);
  const lanes = history.operationLanes();
  for (const { probe, target } of lanes) {
    const inWindow = (o: OperationEntry): boolean => o.invokedAtMs >= startMs && o.invokedAtMs < startMs + windowMs;
    const ops = history.operations({ probe, target }).filter(inWindow);
    const all = history.operations({ probe, target });
    const rate = ops.length / seconds_;
    const lat = all.map((o) => o.completedAtMs - o.invokedAtMs).sort((a, b) => a - b);
    const n = (o: OperationEntry['outcome']): number => all.filter((x) => x.outcome === o).length;
    console.log(
      `${pad(probe, 24)}${pad(target, 32)}${pad(all.length, 6)}${pad(rate.toFixed(2), 8)}${pad(n('ok'), 6)}${pad(n('fail'), 6)}${pad(n('unknown'), 6)}${pad(percentile(lat, 50).toFixed(1), 8)}${percentile(lat, 99).toFixed(1)}`,
    );
    const hz = nominalHz.get(probe) ?? 10;
    const min = hz >= 10 ? 9 : 0.9 * hz;
    if (rate < min) {
      problems.push(`${probe} via ${target}: ${rate.toFixed(2)} ops/s < ${min.toFixed(1)}`);
    }
    for (const o of all.filter((x) => x.outcome !== 'ok').slice(0, 3)) {
      problems.push(`${probe} via ${target}: ${o.outcome}: ${o.error ?? ''}`);
    }
  }

  // Leader poller.
  if (want('poller')) {
    console.log('\nleader poller');
    const idToMember = new Map<string, string>();
    for (const o of history.leaderObservations()) {
      if (o.memberId !== undefined) {
        idToMember.set(o.memberId, o.member);
      }
    }
    for (const member of cluster.controlPlanes) {
      const obs = history.leaderObservations(member).filter((o) => o.atMs >= startMs && o.atMs < startMs + windowMs);
      const errs = history.statusErrors(member);
      const rate = obs.length / seconds_;
      const leaders = [...new Set(history.leaderObservations(member).map((o) => `${o.leaderId} (${idToMember.get(o.leaderId) ?? '?'}) term ${o.term}`))];
      console.log(`  ${pad(member, 32)}${pad(obs.length, 5)} polls ${rate.toFixed(2)}/s, ${errs.length} errors; leader seen: ${leaders.join(', ')}`);
      if (rate < 9) {
        problems.push(`leader poller ${member}: ${rate.toFixed(2)} polls/s < 9`);
      }
      for (const e of errs.slice(0, 3)) {
        problems.push(`status of ${member}: ${e.outcome}: ${e.error}`);
      }
    }
  }

  // Watch: every acknowledged etcd write in the watched range must have arrived.
  if (want('watch')) {
    const watchEvents = history.watchEvents();
    const resets = history.ofKind('watch-reset');
    const starts = history.ofKind('watch-start');
    const delivered = new Set(watchEvents.map((e) => `${e.revision}/${e.key}`));
    const firstFrom = starts[0]?.fromRevision ?? Number.POSITIVE_INFINITY;
    const acked = history.operations({ probe: 'etcd-write', outcome: 'ok' }).filter((o) => (o.revision ?? 0) >= firstFrom);
    const lastEventRev = Math.max(0, ...watchEvents.map((e) => e.revision));
    const missed = acked.filter((o) => (o.revision ?? 0) <= lastEventRev && !delivered.has(`${o.revision}/${o.key}`));
    console.log(`\nwatch via ${starts.map((s) => s.target).join(' -> ')}: ${watchEvents.length} events, ${resets.length} resets, ${missed.length} acknowledged writes missed (of ${acked.length})`);
    if (resets.length > 0) {
      problems.push(`watch reset: ${resets[0]?.error ?? ''}`);
    }
    if (missed.length > 0) {
      problems.push(`watch missed ${missed.length} acknowledged writes`);
    }
    if (want('write') && watchEvents.length === 0) {
      problems.push('watch delivered no events');
    }
  }

  // Metrics.
  if (want('metrics')) {
    console.log('\netcd metrics');
    for (const member of cluster.controlPlanes) {
      const samples = history.metrics().filter((m) => m.member === member);
      const last = (name: string): string => String(samples.filter((s) => s.name === name).at(-1)?.value ?? '-');
      console.log(`  ${pad(member, 32)}${samples.length} samples; leader_changes_seen_total ${last('etcd_server_leader_changes_seen_total')}, is_leader ${last('etcd_server_is_leader')}`);
      if (samples.length === 0) {
        problems.push(`no metric samples from ${member}`);
      }
    }
  }

  // Final reads vs acknowledged writes.
  console.log('\nfinal snapshots');
  const snaps = [...(etcdSnap === undefined ? [] : [etcdSnap]), ...apiSnaps];
  for (const s of snaps) {
    const r = durability(history.operations({ probe: s.probe }), s, s.prefix);
    console.log(`  ${pad(s.probe, 24)}via ${pad(s.target, 32)}rev ${s.revision}, ${s.entries.length} keys; acknowledged ${r.ackedCount}, lost ${r.lost.length}`);
    if (r.lost.length > 0) {
      problems.push(`${s.probe}: ${r.lost.length} acknowledged writes missing from the final read`);
    }
  }
  if ((want('write') && etcdSnap === undefined) || (apiProbes.length > 0 && apiSnaps.length === 0)) {
    problems.push('a final snapshot could not be taken');
  }
  for (const n of history.ofKind('note')) {
    console.log(`  note ${n.source}: ${n.text}`);
  }

  console.log(
    `\nCPU of this Node process over the ${seconds_.toFixed(1)} s window: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms = ${cpuPct.toFixed(2)} % of one core` +
      ` (user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms);` +
      ` reaped child processes (docker CLI of the metrics scrapes): ${childrenMs.toFixed(0)} ms = ${((childrenMs / windowMs) * 100).toFixed(2)} %;` +
      ` start-up (${WARMUP_MS / 1000} s, not in the window): ${((startupCpu.user + startupCpu.system) / 1000).toFixed(0)} ms`,
  );

  // CPU time per operation grows when the host is oversubscribed (cache and SMT contention), so the
  // figure is only comparable between runs at similar load.
  console.log(
    // The histogram's samples include its 10 ms sampling period; what is left is lateness.
    `event-loop lateness of this process in the window: p50 ${lateMs(loopDelay.percentile(50))} ms, p99 ${lateMs(loopDelay.percentile(99))} ms, max ${lateMs(loopDelay.max)} ms`,
  );
  console.log(`host: ${availableParallelism()} CPUs, 1-minute load average ${load0.toFixed(1)} at the window start, ${load1.toFixed(1)} at its end`);

  const historyFile = join(tmpdir(), `probe-smoke-${runId}.jsonl`);
  writeFileSync(historyFile, history.toJsonl());
  console.log(`history: ${historyFile} (${history.size} entries)`);

  // Cleanup: only this run's keys and objects.
  const [cleaner] = openMemberClients(access, 10_000);
  try {
    const { deleted } = (await cleaner?.client.deletePrefix(prefix)) ?? { deleted: 0 };
    await deleteConfigMaps(creds, NAMESPACE, `${RUN_LABEL}=${runLabelValue(runId)}`, { timeoutMs: 30_000 });
    console.log(`cleaned up ${deleted} etcd keys and the run's ConfigMaps`);
  } catch (e) {
    console.log(`cleanup failed (leftovers are under ${prefix} and label ${RUN_LABEL}): ${(e as Error).message}`);
  } finally {
    cleaner?.client.close();
  }

  if (problems.length > 0) {
    console.log(`\nFAILED (${problems.length}):\n  ${problems.slice(0, 30).join('\n  ')}`);
    return 1;
  }
  console.log('\nOK: every worker at rate, every operation ok');
  return 0;
}

process.exitCode = await main();
