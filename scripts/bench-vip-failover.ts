/**
 * VIP failover of the vip-pair front, measured: the VIP holder SIGKILLed (`docker kill`) and stopped
 * cleanly (`docker stop`: keepalived, PID 1, sends priority 0), `--trials` times each. Two
 * measurements side by side, each on its own:
 * - from this host, on one monotonic clock: TCP connects to VIP:6443 (4 workers, 200 ms deadline,
 *   40 ms apart) and polls of which LB host has the VIP on its interface;
 * - from a prober container beside the pair (the LB image's bash, /dev/tcp, 4 loops, `timeout 0.2`),
 *   timestamps from `date +%s%N`, read back with `docker logs` afterwards.
 * Failover = the clients' outage: the run of failed connects that the move of the VIP ends, first
 * failure to next success (harness/checks/vip-failover.ts; not from the docker command, which on a
 * busy host takes up to ~1 s to deliver the signal); the two must agree within 250 ms.
 *
 *   npx tsx scripts/bench-vip-failover.ts [--trials 5] [--cluster]
 *
 * Default: a pair of its own on network khc-lbtrial (three stand-in backends named like kind's control
 * planes; the TCP connect measures the VIP, which haproxy accepts whatever its backends), all removed
 * afterwards. --cluster: the pair of the running lb-pair cluster (its LB hosts, its kind network); the
 * killed host is started again after each trial.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { judgeVipFailover, type ConnectSample, type OwnerSample, type VipFaultKind } from '../harness/checks/vip-failover.js';
import { currentVipOwner } from '../harness/cluster/vip-owner.js';
import { docker, labelledContainers } from '../harness/runtime/docker.js';
import { dockerNode } from '../harness/runtime/docker-nodes.js';
import { tcpConnect } from '../harness/runtime/tcp.js';
import { readClusterState } from '../substrate/cluster/cluster-state.js';
import { chooseSubnet, networkCreateArgv, subnetParts } from '../substrate/cluster/etcd-network.js';
import { inspectNetwork, usedSubnets } from '../substrate/cluster/external-etcd.js';
import { bringUpLbPair, removeLbPair, waitForOneVipOwner } from '../substrate/cluster/lb-hosts.js';
import { APISERVER_PORT, LB_CLUSTER_LABEL, kindControlPlaneNames } from '../substrate/cluster/lb-pair.js';
import { ensureLbImage } from '../substrate/images/lb-image.js';
import { consoleProgress } from '../substrate/progress.js';
import { versions } from '../substrate/versions.js';
import { flagValue, hasFlag } from './cli-args.js';

const TRIAL = 'khc-lbtrial';
const trials = Number(flagValue('trials', '5'));
const onCluster = hasFlag('cluster');
const progress = consoleProgress('vip-bench');
const CONNECT_TIMEOUT_MS = 200;
const CONNECT_GAP_MS = 40;
const WORKERS = 4;
const OBSERVE_MS = 10_000;
const AGREEMENT_MS = 250;

const t0 = performance.now();
const nowMs = (): number => performance.now() - t0;
/** Wall-clock ms (what `date +%s%N` in the prober gives) on our monotonic clock; same kernel clock. */
const wallOffsetMs = Date.now() - nowMs();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The prober: WORKERS bash loops, each line `<start ns> <end ns> <1|0>`. */
function proberScript(vip: string): string {
  return `loop() { sleep "$1"; while :; do s=$(date +%s%N); if timeout 0.2 bash -c "exec 3<>/dev/tcp/${vip}/${APISERVER_PORT}" 2>/dev/null; then r=1; else r=0; fi; e=$(date +%s%N); echo "$s $e $r"; sleep 0.04; done; }
for i in $(seq 0 ${WORKERS - 1}); do loop "0.0$((i * 2))" & done
wait`;
}

function parseProber(text: string): ConnectSample[] {
  const out: ConnectSample[] = [];
  for (const line of text.split('\n')) {
    const [s, e, r] = line.trim().split(' ');
    if (s === undefined || e === undefined || (r !== '1' && r !== '0')) {
      continue;
    }
    out.push({ invokedAtMs: Number(s) / 1e6 - wallOffsetMs, completedAtMs: Number(e) / 1e6 - wallOffsetMs, ok: r === '1' });
  }
  return out;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Runs of failed connects relative to the fault, for the log: "0-3050 (72)". */
function failureRuns(samples: readonly ConnectSample[], fromMs: number, toMs: number): string {
  const inW = samples.filter((c) => c.invokedAtMs >= fromMs && c.invokedAtMs < toMs).sort((a, b) => a.invokedAtMs - b.invokedAtMs);
  const runs: string[] = [];
  let start: number | undefined;
  let n = 0;
  for (const c of inW) {
    if (!c.ok) {
      start ??= c.invokedAtMs;
      n += 1;
    } else if (start !== undefined) {
      runs.push(`${Math.round(start - fromMs)}-${Math.round(c.invokedAtMs - fromMs)} (${n})`);
      start = undefined;
      n = 0;
    }
  }
  if (start !== undefined) {
    runs.push(`${Math.round(start - fromMs)}-end (${n})`);
  }
  return runs.join(', ') || 'none';
}

interface TrialResult {
  readonly kind: VipFaultKind;
  readonly ownerBefore: string;
  readonly ownerAfter: string | undefined;
  readonly ownerMovedAfterMs: number | undefined;
  /** The clients' outage (harness/checks/vip-failover.ts), host probe and prober container. */
  readonly hostOutageMs: number | undefined;
  readonly proberOutageMs: number | undefined;
  readonly hostFailed: number;
  readonly proberFailed: number;
  readonly outcome: string;
  readonly hostFailureRuns: string;
  readonly proberFailureRuns: string;
}

async function main(): Promise<void> {
  const image = await ensureLbImage(progress);
  let network: string;
  let vip: string;
  let hosts: string[];
  let priorities: number[];
  let advertIntervalS: number;
  const created: string[] = [];
  let configRoot: string | undefined;
  let trialNetwork = false;
  const cleanup = async (): Promise<void> => {
    if (!onCluster) {
      await removeLbPair(TRIAL);
      const rest = (await labelledContainers([`${LB_CLUSTER_LABEL}=${TRIAL}`], LB_CLUSTER_LABEL)).map((c) => c.name);
      if (rest.length > 0) {
        await docker(['rm', '--force', ...rest], { timeoutMs: 60_000 });
      }
      if (trialNetwork) {
        await docker(['network', 'rm', TRIAL], { timeoutMs: 60_000 });
      }
      if (configRoot !== undefined) {
        rmSync(configRoot, { recursive: true, force: true });
      }
    } else if (created.length > 0) {
      await docker(['rm', '--force', ...created], { timeoutMs: 60_000 });
    }
  };
  try {
    if (onCluster) {
      const state = readClusterState('kube-ha-chaos');
      if (state?.lbPair === undefined) {
        throw new Error('no lb-pair cluster is up (npm run cluster -- up lb-pair)');
      }
      network = state.lbPair.network;
      vip = state.lbPair.vip;
      hosts = state.lbPair.hosts.map((h) => h.name);
      priorities = state.lbPair.hosts.map((h) => h.priority);
      advertIntervalS = state.lbPair.advertIntervalS;
    } else {
      network = TRIAL;
      const subnet = chooseSubnet(await usedSubnets());
      await docker(networkCreateArgv(TRIAL, subnet, undefined), { timeoutMs: 60_000 });
      trialNetwork = true;
      for (const b of kindControlPlaneNames(TRIAL, 3)) {
        await docker(['run', '--detach', '--name', b, '--network', TRIAL, '--label', `${LB_CLUSTER_LABEL}=${TRIAL}`, versions().images.workload, 'serve'], { timeoutMs: 60_000 });
      }
      const facts = await inspectNetwork(TRIAL);
      const { ipRange } = subnetParts(subnet);
      const base = subnet.split('.').slice(0, 2).join('.');
      vip = `${base}.128.100`;
      configRoot = mkdtempSync(join(tmpdir(), 'khc-lbtrial-'));
      const up = await bringUpLbPair({ cluster: TRIAL, namePrefix: TRIAL, network: { ...facts, ipRange, name: TRIAL }, image, vip, advertIntervalS: 1, backends: kindControlPlaneNames(TRIAL, 3), configRoot }, progress);
      hosts = up.plan.hosts.map((h) => h.name);
      priorities = up.plan.hosts.map((h) => h.priority);
      advertIntervalS = 1;
    }
    const prober = `${onCluster ? 'kube-ha-chaos' : TRIAL}-vip-prober`;
    await docker(['rm', '--force', prober], { timeoutMs: 30_000, okExitCodes: [0, 1] });
    await docker(['run', '--detach', '--name', prober, '--network', network, '--label', `${LB_CLUSTER_LABEL}=${TRIAL}`, '--entrypoint', 'bash', image, '-c', proberScript(vip)], { timeoutMs: 60_000 });
    created.push(prober);
    const nodes = hosts.map((h) => dockerNode(h, ['load-balancer']));
    const connects: ConnectSample[] = [];
    const owners: OwnerSample[] = [];
    let stop = false;
    const worker = async (offsetMs: number): Promise<void> => {
      await sleep(offsetMs);
      while (!stop) {
        const invokedAtMs = nowMs();
        const r = await tcpConnect(vip, APISERVER_PORT, CONNECT_TIMEOUT_MS);
        connects.push({ invokedAtMs, completedAtMs: nowMs(), ok: r.outcome === 'ok' });
        await sleep(CONNECT_GAP_MS);
      }
    };
    const poller = async (): Promise<void> => {
      while (!stop) {
        const atMs = nowMs();
        const o = await currentVipOwner(nodes, vip);
        owners.push({ atMs, owner: o.owner });
        await sleep(50);
      }
    };
    const loops = [...Array.from({ length: WORKERS }, (_, i) => worker(i * 10)), poller()];
    const results: TrialResult[] = [];
    try {
      for (const kind of ['kill', 'stop'] as const) {
        for (let t = 1; t <= trials; t += 1) {
          // Back at the start: the preferred master holds the VIP and connects succeed for 2 s.
          await progress.timed(`trial ${kind} ${t}/${trials}: waiting for ${hosts[0] ?? '?'} to hold the VIP`, async () => {
            const deadline = nowMs() + 30_000;
            for (;;) {
              const o = await waitForOneVipOwner(hosts, vip, 30_000);
              const recent = connects.filter((c) => c.invokedAtMs > nowMs() - 2_000);
              if (o === hosts[0] && recent.length > 10 && recent.every((c) => c.ok)) {
                return;
              }
              if (nowMs() > deadline) {
                throw new Error(`the pair did not settle back on ${hosts[0] ?? '?'} (owner ${o})`);
              }
              await sleep(500);
            }
          });
          const before = await waitForOneVipOwner(hosts, vip, 5_000);
          const issuedAtMs = nowMs();
          await docker(kind === 'kill' ? ['kill', before] : ['stop', '--time', '30', before], { timeoutMs: 60_000 });
          await sleep(OBSERVE_MS);
          const windowEndMs = nowMs();
          await docker(['start', before], { timeoutMs: 60_000 });
          const proberSamples = parseProber((await docker(['logs', prober], { timeoutMs: 60_000 })).stdout);
          const j = judgeVipFailover({
            kind, injectedAtMs: issuedAtMs, windowEndMs, ownerBefore: before, connects, owners, advertIntervalS,
            backupPriority: priorities[hosts.indexOf(before) === 0 ? 1 : 0] ?? 100, allowanceMs: CONNECT_TIMEOUT_MS + CONNECT_GAP_MS + 100, minConnects: 20,
          });
          const pj = judgeVipFailover({
            kind, injectedAtMs: issuedAtMs, windowEndMs, ownerBefore: before, connects: proberSamples, owners, advertIntervalS,
            backupPriority: 100, allowanceMs: 0, minConnects: 10,
          });
          const r: TrialResult = {
            kind, ownerBefore: before, ownerAfter: j.ownerAfter, ownerMovedAfterMs: j.measured.ownerMovedAfterMs,
            hostOutageMs: j.measured.connectOutageMs, proberOutageMs: pj.measured.connectOutageMs,
            hostFailed: j.measured.failedConnects, proberFailed: pj.measured.failedConnects, outcome: `${j.outcome}: ${j.reason}`,
            hostFailureRuns: failureRuns(connects, issuedAtMs, windowEndMs), proberFailureRuns: failureRuns(proberSamples, issuedAtMs, windowEndMs),
          };
          results.push(r);
          progress.step(`${kind} ${t}: ${before} -> ${r.ownerAfter ?? 'none'}; owner seen moved ${r.ownerMovedAfterMs ?? '?'} ms after the command; clients' outage ${r.hostOutageMs ?? '?'} ms (host, ${r.hostFailed} failed) / ${r.proberOutageMs ?? '?'} ms (prober, ${r.proberFailed} failed); ${j.outcome} (bound ${j.boundMs} ms); failed runs host [${r.hostFailureRuns}] prober [${r.proberFailureRuns}]`);
        }
      }
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    const load = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
    progress.step(`load average now: ${load}`);
    for (const kind of ['kill', 'stop'] as const) {
      const rs = results.filter((r) => r.kind === kind);
      const host = rs.map((r) => r.hostOutageMs ?? Number.NaN);
      const prob = rs.map((r) => r.proberOutageMs ?? Number.NaN);
      const moved = rs.map((r) => r.ownerMovedAfterMs ?? Number.NaN);
      const diffs = rs.map((r) => Math.abs((r.hostOutageMs ?? Number.NaN) - (r.proberOutageMs ?? Number.NaN)));
      progress.step(
        `${kind === 'kill' ? 'SIGKILL' : 'clean stop'} (${rs.length} trials): clients' outage median ${median(host)} ms, max ${Math.max(...host)} ms (host probe); median ${median(prob)} ms, max ${Math.max(...prob)} ms (prober container); owner seen moved (from the docker command) median ${median(moved)} ms, max ${Math.max(...moved)} ms; host vs prober differ by at most ${Math.max(...diffs)} ms (${Math.max(...diffs) <= AGREEMENT_MS ? 'within' : 'NOT within'} ${AGREEMENT_MS} ms); ${rs.filter((r) => r.outcome.startsWith('pass')).length}/${rs.length} within the bound`,
      );
    }
    console.log(JSON.stringify({ trials, onCluster, results }, null, 2));
  } finally {
    await cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
