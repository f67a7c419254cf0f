/**
 * The cluster's baseline as a value: captured before the first suite, compared after the last one.
 * checkClusterHealth says "healthy"; this says "the same cluster, as it was": the same etcd members
 * and nodes, every leader-election lease still held and renewing, every node lease renewing. A full run
 * that ends anywhere else left something behind, which is a bug of the harness (issue: "after the full
 * run the cluster equals its baseline").
 */
import { kubectlJson } from '../runtime/kubectl.js';
import { leaseViewOf, type LeaseView } from '../runtime/kube-api.js';
import { isLeaderElectionLease } from '../probes/lease-observer.js';
import type { ClusterHandle } from './cluster-handle.js';
import type { EtcdAccess } from './etcd-access.js';
import { readEtcdView } from './etcd-status.js';
import { hasRole } from '../nodes/node-access.js';
import { currentVipOwner } from './vip-owner.js';
import { nginxFrontProblems } from './nginx-front.js';

export interface ClusterBaseline {
  readonly clusterName: string;
  /** etcd member names, sorted (names, not IDs: a suite may recreate the cluster, e.g. smoke's down/up). */
  readonly etcdMembers: readonly string[];
  readonly nodes: readonly string[];
  /** Leader-election leases in kube-system, by name. */
  readonly leaderLeases: readonly LeaseView[];
  /** Node heartbeat leases in kube-node-lease. */
  readonly nodeLeases: readonly LeaseView[];
  /** Wall-clock time (ms) the leases were read at; kind nodes share the host's clock. */
  readonly readAtWallMs: number;
  /** vip-pair front: the LB hosts that run, sorted (absent for kind's own LB). */
  readonly lbHosts?: readonly string[];
  /** vip-pair front: why there is not exactly one VIP holder (absent when there is, or no pair). */
  readonly vipProblem?: string;
  /**
   * localhost-nginx (and later fronts): what is wrong with the front now, e.g. a worker's nginx not
   * listening or proxying to stale addresses (absent when nothing is, or for the other fronts).
   */
  readonly frontProblems?: readonly string[];
}

/** A lease counts as renewing when its last renewal is younger than its duration plus this slack. */
const RENEWAL_SLACK_MS = 5_000;

/** Pure: leases that nobody holds or that have not been renewed within their duration. */
export function staleLeases(leases: readonly LeaseView[], nowWallMs: number): string[] {
  const problems: string[] = [];
  for (const l of leases) {
    if (l.holderIdentity === undefined || l.holderIdentity === '') {
      problems.push(`lease ${l.name} has no holder`);
      continue;
    }
    const renewed = l.renewTime === undefined ? Number.NaN : Date.parse(l.renewTime);
    const durationMs = (l.leaseDurationSeconds ?? 0) * 1_000;
    if (!Number.isFinite(renewed)) {
      problems.push(`lease ${l.name} (held by ${l.holderIdentity}) was never renewed`);
    } else if (nowWallMs - renewed > durationMs + RENEWAL_SLACK_MS) {
      problems.push(`lease ${l.name} (held by ${l.holderIdentity}) last renewed ${((nowWallMs - renewed) / 1_000).toFixed(1)} s ago, longer than its ${durationMs / 1_000} s duration`);
    }
  }
  return problems;
}

function setDiff(what: string, before: readonly string[], after: readonly string[]): string[] {
  const a = new Set(after);
  const b = new Set(before);
  return [
    ...before.filter((x) => !a.has(x)).map((x) => `${what} ${x} is gone`),
    ...after.filter((x) => !b.has(x)).map((x) => `${what} ${x} is new`),
  ];
}

/** Pure: how `after` differs from `before`; empty when the cluster is back at its baseline. */
export function compareBaselines(before: ClusterBaseline, after: ClusterBaseline): string[] {
  return [
    ...setDiff('etcd member', before.etcdMembers, after.etcdMembers),
    ...setDiff('node', before.nodes, after.nodes),
    ...setDiff('leader-election lease', before.leaderLeases.map((l) => l.name), after.leaderLeases.map((l) => l.name)),
    ...staleLeases(after.leaderLeases, after.readAtWallMs),
    ...staleLeases(after.nodeLeases, after.readAtWallMs),
    ...setDiff('LB host', before.lbHosts ?? [], after.lbHosts ?? []),
    ...(after.vipProblem !== undefined ? [`VIP: ${after.vipProblem}`] : []),
    ...(after.frontProblems ?? []).map((p) => `front: ${p}`),
  ];
}

/** A kubectl list: the items are raw Lease objects, read by the runtime layer's own lease reader. */
interface LeaseList {
  items: unknown[];
}

export async function captureBaseline(cluster: ClusterHandle, access: EtcdAccess): Promise<ClusterBaseline> {
  const view = await readEtcdView(cluster.info.etcdctlBinary, access, 10_000);
  const nodes = await kubectlJson<{ items: { metadata: { name: string } }[] }>(cluster.kubectl, ['get', 'nodes'], 10_000);
  const leader = await kubectlJson<LeaseList>(cluster.kubectl, ['get', 'leases', '-n', 'kube-system'], 10_000);
  const nodeLeases = await kubectlJson<LeaseList>(cluster.kubectl, ['get', 'leases', '-n', 'kube-node-lease'], 10_000);
  return {
    clusterName: cluster.info.name,
    etcdMembers: view.members.map((m) => m.name).sort(),
    nodes: nodes.items.map((n) => n.metadata.name).sort(),
    leaderLeases: leader.items.map(leaseViewOf).filter(isLeaderElectionLease),
    nodeLeases: nodeLeases.items.map(leaseViewOf),
    readAtWallMs: Date.now(),
    ...(await lbPairBaseline(cluster)),
    ...(await frontBaseline(cluster)),
  };
}

/** Both LB hosts of a vip-pair running, and exactly one of them holding the VIP. */
async function lbPairBaseline(cluster: ClusterHandle): Promise<Pick<ClusterBaseline, 'lbHosts' | 'vipProblem'>> {
  const pair = cluster.info.lbPair;
  if (pair === undefined) {
    return {};
  }
  const listed = await cluster.nodeAccess.listNodes();
  const lbs = listed.filter((l) => hasRole(l.node, 'load-balancer'));
  const running = lbs.filter((l) => l.power === undefined || l.power.status === 'running').map((l) => l.node.name).sort();
  const owner = await currentVipOwner(lbs.map((l) => l.node), pair.vip);
  return { lbHosts: running, ...(owner.owner === undefined ? { vipProblem: owner.why } : {}) };
}

/** localhost-nginx: every worker's nginx listening and proxying to the control planes' addresses now. */
async function frontBaseline(cluster: ClusterHandle): Promise<Pick<ClusterBaseline, 'frontProblems'>> {
  const localhostLb = cluster.info.localhostLb;
  if (localhostLb === undefined) {
    return {};
  }
  const problems = await nginxFrontProblems(cluster.workerNodes.filter((w) => localhostLb.workers.includes(w.name)), cluster.controlPlaneNodes);
  return problems.length > 0 ? { frontProblems: problems } : {};
}
