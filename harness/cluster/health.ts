/**
 * Is the cluster at its baseline? Checked before a fault is injected (refuse to break a cluster that
 * is already broken) and after every heal (a heal is verified, never assumed).
 */
import { kubectl, kubectlJson } from '../runtime/kubectl.js';
import type { ClusterHandle } from './cluster-handle.js';
import type { EtcdAccess } from './etcd-access.js';
import { readEtcdView } from './etcd-status.js';
import { etcdMemberCount } from './layout.js';
import { currentVipOwner } from './vip-owner.js';
import { readBackendStates } from './haproxy-stats.js';
import { chainExists, CHAOS_CHAIN } from './node-iptables.js';
import { controlPlaneComponentsFor, readNodeFacts } from './node-processes.js';
import { hasRole } from '../nodes/node-access.js';
import { nginxFrontProblems } from './nginx-front.js';

export interface HealthReport {
  readonly healthy: boolean;
  readonly problems: readonly string[];
  /** Node name of the etcd leader, when there is exactly one. */
  readonly leader: string | undefined;
  /** The first stage that found a problem (what a waiting poll re-checks first). */
  readonly failedStage?: string;
}

export interface HealthCheckOptions {
  /**
   * Stop at the first stage that finds a problem. Waiting for a heal re-checks every second on a host
   * the cluster already saturates; the later stages spawn etcdctl and kubectl (Go binaries, ~0.1-0.2 s
   * of CPU each), and on ha-5cp those bursts stalled every etcd member's writes past the probe's
   * deadline every few seconds of a heal. While a cheap stage still sees a problem, the expensive
   * ones cannot make the cluster healthy anyway.
   */
  readonly stopAtFirstProblem?: boolean;
  /**
   * Run this stage first, and in the processes stage read these nodes first. A heal wait re-checks
   * what failed last time: while it still fails, one poll costs that stage alone (often one
   * `docker exec` or one HTTP GET) instead of every cheaper stage before it (an exec per node).
   */
  readonly startWith?: { readonly stage?: string; readonly nodes?: readonly string[] };
}

/**
 * One pass over every baseline property, cheapest first (the node access's view of the machines, e.g.
 * docker ps; the processes in each node; haproxy's stats page; then etcdctl and kubectl); never
 * throws for an unhealthy cluster, only reports.
 */
export async function checkClusterHealth(cluster: ClusterHandle, access: EtcdAccess, opts: HealthCheckOptions = {}): Promise<HealthReport> {
  const problems: string[] = [];
  // Stages in the order they run; a stage that throws is a problem named after it.
  const stages: [string, () => Promise<void>][] = [];
  const stage = (what: string, work: () => Promise<void>): void => {
    stages.push([what, work]);
  };
  let leader: string | undefined;
  const power = cluster.nodeAccess.power;
  if (power !== undefined) {
    // The access's own view of every machine (docker ps: "container X is paused"); an access that
    // cannot see power states finds a machine that is down in the next stage, as a failed command.
    stage(`${power.unit}s`, async () => {
      for (const { node, power: state } of await cluster.nodeAccess.listNodes()) {
        if (state !== undefined && state.status !== 'running') {
          problems.push(`${power.unit} ${node.name} is ${state.detail}`);
        }
      }
    });
  }
  const components = controlPlaneComponentsFor(cluster.layout.etcd);
  stage('control-plane processes', async () => {
    const first = opts.startWith?.nodes ?? [];
    const ordered = [...cluster.controlPlaneNodes].sort((a, b) => Number(first.includes(b.name)) - Number(first.includes(a.name)));
    for (const host of ordered) {
      if (opts.stopAtFirstProblem === true && problems.length > 0) {
        break;
      }
      const node = host.name;
      const facts = await readNodeFacts(host);
      for (const p of components) {
        const n = facts.pids[p]?.length ?? 0;
        if (n !== 1) {
          problems.push(`${node}: ${n} ${p} processes`);
        }
      }
      if (facts.stoppedPids.length > 0) {
        problems.push(`${node}: stopped (SIGSTOP) control-plane processes ${facts.stoppedPids.join(', ')}`);
      }
      if (facts.heldManifests.length > 0) {
        problems.push(`${node}: static pod manifests held away: ${facts.heldManifests.join(', ')}`);
      }
      if (facts.chaosChainPresent) {
        problems.push(`${node}: iptables chain KUBE-HA-CHAOS is present`);
      }
    }
  });
  const externalMembers = cluster.etcdMemberNodes.filter((n) => hasRole(n, 'etcd'));
  if (externalMembers.length > 0) {
    // External members: their container's state is the machines stage's; here, no rule of ours is
    // left in their network namespace (a partition's chain), read from the host.
    stage('etcd member hosts', async () => {
      for (const m of externalMembers) {
        if (opts.stopAtFirstProblem === true && problems.length > 0) {
          break;
        }
        if (await chainExists(m)) {
          problems.push(`${m.name}: iptables chain ${CHAOS_CHAIN} is present`);
        }
      }
    });
  }
  // kind's one haproxy, or both haproxies of a vip-pair (each checks every apiserver on its own).
  const lbNodes = cluster.nodes.filter((n) => hasRole(n, 'load-balancer'));
  stage('load balancer backends', async () => {
    for (const lb of lbNodes.length > 0 ? lbNodes : [cluster.loadBalancerNode]) {
      const states = await readBackendStates(await lb.address());
      for (const s of states) {
        if (s.status !== 'UP') {
          problems.push(`haproxy${lbNodes.length > 1 ? ` on ${lb.name}` : ''} sees ${s.server} ${s.status}`);
        }
      }
    }
  });
  const pair = cluster.info.lbPair;
  if (pair !== undefined) {
    // The machines stage saw both LB hosts run; here exactly one of them holds the VIP.
    stage('VIP', async () => {
      const o = await currentVipOwner(lbNodes, pair.vip);
      if (o.owner === undefined) {
        problems.push(`VIP ${pair.vip}: ${o.why}`);
      }
    });
  }
  const localhostLb = cluster.info.localhostLb;
  if (localhostLb !== undefined) {
    // localhost-nginx: every worker's nginx listens on 127.0.0.1:6443 and proxies to exactly the
    // control planes' addresses now (a control plane back on another address leaves it stale).
    stage('nginx on workers', async () => {
      problems.push(...(await nginxFrontProblems(cluster.workerNodes.filter((w) => localhostLb.workers.includes(w.name)), cluster.controlPlaneNodes)));
    });
  }
  stage('etcd', async () => {
    const view = await readEtcdView(cluster.info.etcdctlBinary, access, 8_000);
    const expectedMembers = etcdMemberCount(cluster.layout);
    if (view.members.length !== expectedMembers) {
      problems.push(`etcd has ${view.members.length} members, expected ${expectedMembers}`);
    }
    if (view.members.some((m) => m.isLearner)) {
      problems.push('etcd has a learner');
    }
    if (view.statuses.length !== view.members.length) {
      problems.push(`only ${view.statuses.length} of ${view.members.length} etcd members answered`);
    }
    const leaders = new Set(view.statuses.map((s) => s.leaderId));
    const leaderId = [...leaders][0];
    if (leaders.size !== 1 || leaderId === undefined || leaderId === '0') {
      problems.push(`etcd members disagree on the leader or have none: ${[...leaders].join(', ')}`);
    } else {
      leader = view.members.find((m) => m.id === leaderId)?.name;
    }
  });
  stage('API through the load balancer', async () => {
    const r = await kubectl(cluster.kubectl, ['get', '--raw', '/readyz'], { timeoutMs: 10_000 });
    if (r.stdout.trim() !== 'ok') {
      problems.push(`/readyz answered ${r.stdout.trim()}`);
    }
  });
  stage('control-plane static pods', async () => {
    // A process can exist while its container is failing its probes (e.g. an apiserver the kubelet is
    // about to restart after a long etcd outage); the kubelet's readiness view catches that.
    const pods = await kubectlJson<{ items: { metadata: { name: string }; status: { containerStatuses?: { ready: boolean }[] } }[] }>(
      cluster.kubectl, ['get', 'pods', '-n', 'kube-system', '-l', 'tier=control-plane'], 10_000,
    );
    const expected = cluster.controlPlanes.length * components.length;
    if (pods.items.length !== expected) {
      problems.push(`${pods.items.length} control-plane static pods, expected ${expected}`);
    }
    for (const p of pods.items) {
      if (!(p.status.containerStatuses ?? []).every((c) => c.ready) || (p.status.containerStatuses ?? []).length === 0) {
        problems.push(`static pod ${p.metadata.name} is not Ready`);
      }
    }
  });
  stage('nodes', async () => {
    const nodes = await kubectlJson<{ items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[] }>(
      cluster.kubectl, ['get', 'nodes'], 10_000,
    );
    for (const n of nodes.items) {
      if (!n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) {
        problems.push(`node ${n.metadata.name} is not Ready`);
      }
    }
  });
  const firstName = opts.startWith?.stage;
  const ordered = [...stages].sort(([a], [b]) => Number(b === firstName) - Number(a === firstName));
  let failedStage: string | undefined;
  for (const [what, work] of ordered) {
    try {
      await work();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (problems.length > 0) {
      failedStage ??= what;
      if (opts.stopAtFirstProblem === true) {
        break;
      }
    }
  }
  return { healthy: problems.length === 0, problems, leader, ...(failedStage === undefined ? {} : { failedStage }) };
}

/**
 * How long the cluster must stay healthy, re-checked, before it counts as settled. One healthy pass is
 * not enough: after a long etcd outage an apiserver can look healthy and then be restarted by the
 * kubelet for the liveness failures it piled up during the outage (seen in CI: the next case then found
 * it DOWN in haproxy).
 */
export const SETTLE_MS = 5_000;

export interface WaitForHealthyOptions {
  /** How long the cluster must stay healthy in a row (default SETTLE_MS). */
  readonly stableMs?: number;
  /**
   * Called whenever the list of problems changes (not on every poll), so a long wait can explain
   * itself: a heal that takes 100 s says what it is waiting for (crash-loop back-off, a static pod
   * not yet re-created, a mirror pod the kubelet cannot delete).
   */
  readonly onProblemsChanged?: (problems: readonly string[]) => void;
}

/**
 * Poll until healthy for `stableMs` in a row, or the deadline passes. While problems remain, each poll
 * stops at the first stage that finds one (see HealthCheckOptions); the report returned at the
 * deadline is a full pass, so an error names everything that is still wrong.
 */
export async function waitForHealthy(cluster: ClusterHandle, access: EtcdAccess, timeoutMs: number, opts: WaitForHealthyOptions = {}): Promise<HealthReport> {
  const stableMs = opts.stableMs ?? SETTLE_MS;
  const deadline = performance.now() + timeoutMs;
  let healthySince: number | undefined;
  let lastProblems = '';
  let startWith: HealthCheckOptions['startWith'];
  for (;;) {
    const report = await checkClusterHealth(cluster, access, { stopAtFirstProblem: true, ...(startWith === undefined ? {} : { startWith }) });
    startWith = report.failedStage === undefined
      ? undefined
      : { stage: report.failedStage, nodes: cluster.controlPlanes.filter((n) => report.problems.some((p) => p.startsWith(`${n}:`))) };
    const now = performance.now();
    const problems = report.problems.join('; ');
    if (problems !== lastProblems) {
      lastProblems = problems;
      opts.onProblemsChanged?.(report.problems);
    }
    healthySince = report.healthy ? (healthySince ?? now) : undefined;
    if (healthySince !== undefined && now - healthySince >= stableMs) {
      return report;
    }
    if (now > deadline) {
      return report.healthy ? report : checkClusterHealth(cluster, access);
    }
    // A full pass costs ~1.2 s of host CPU on ha-5cp (docker exec per node, etcdctl, kubectl): poll
    // every 2 s rather than back to back, so verifying a heal does not starve the cluster it verifies.
    await new Promise((r) => setTimeout(r, HEALTH_POLL_INTERVAL_MS));
  }
}

/** Pause between health checks while waiting (see waitForHealthy). */
const HEALTH_POLL_INTERVAL_MS = 2_000;
