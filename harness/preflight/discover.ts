/**
 * Gather a preflight's facts, changing nothing: every API call is a GET (the only verb this module
 * can send, see `get`), so a kubeconfig whose user may only get/list/watch is enough; node access,
 * when given, only reads (certificates for etcdctl, etcd's member list and status).
 */
import { openEtcdAccess } from '../cluster/etcd-access.js';
import { readEtcdView } from '../cluster/etcd-status.js';
import { dockerNode } from '../runtime/docker-nodes.js';
import { containerLabel, containersWithLabel } from '../runtime/docker.js';
import { expectStatus, kubeRequest, listLeases, parseJson, readyz, type LeaseView } from '../runtime/kube-api.js';
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import { listNodes, readServiceEndpoints } from '../runtime/kube-objects.js';
import type { ControlPlanePodFact, NodeFact, PreflightFacts } from './facts.js';

const CALL_MS = 8_000;
/** Longer than the default retry period x 1.2 (2.4 s): a renewing holder shows a new renewTime. */
export const LEASE_SAMPLE_GAP_MS = 3_000;

interface PodItem {
  readonly metadata?: { readonly labels?: Record<string, string> };
  readonly spec?: { readonly nodeName?: string; readonly containers?: { readonly command?: string[]; readonly args?: string[] }[] };
  readonly status?: { readonly conditions?: { readonly type?: string; readonly status?: string }[] };
}

/** Pure: the control-plane mirror pods (kubeadm's tier=control-plane label) as facts. */
export function controlPlanePodsOf(list: { readonly items?: readonly PodItem[] }): ControlPlanePodFact[] {
  return (list.items ?? []).map((p) => {
    const c = p.spec?.containers?.[0];
    return {
      node: p.spec?.nodeName ?? '',
      component: p.metadata?.labels?.['component'] ?? '',
      command: [...(c?.command ?? []), ...(c?.args ?? [])],
      ready: p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false,
    };
  }).sort((a, b) => `${a.component}/${a.node}`.localeCompare(`${b.component}/${b.node}`));
}

async function get<T>(creds: KubeApiCredentials, path: string, what: string): Promise<T> {
  const res = await kubeRequest(creds, { method: 'GET', path, timeoutMs: CALL_MS });
  expectStatus(res, 'read', what);
  return parseJson<T>(res, what);
}

export interface DiscoverOptions {
  readonly nodeAccess: 'none' | 'docker';
  /** etcdctl on this host, to ask the members themselves (only with node access). */
  readonly etcdctlBinary?: string;
}

export async function discoverCluster(creds: KubeApiCredentials, opts: DiscoverOptions): Promise<PreflightFacts> {
  const t0 = performance.now();
  const rz = await readyz(creds, { timeoutMs: CALL_MS });
  const nodeList = await get<{ items?: { metadata?: { name?: string; labels?: Record<string, string> } }[] }>(creds, '/api/v1/nodes', 'list nodes');
  const controlPlaneNames = new Set((nodeList.items ?? []).filter((n) => n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined).map((n) => n.metadata?.name ?? ''));
  const nodes: NodeFact[] = (await listNodes(creds, { timeoutMs: CALL_MS })).map((n) => ({
    name: n.name,
    controlPlane: controlPlaneNames.has(n.name),
    ready: n.ready,
    ...(n.internalIp === undefined ? {} : { internalIp: n.internalIp }),
  }));
  const pods = controlPlanePodsOf(await get(creds, `/api/v1/namespaces/kube-system/pods?${new URLSearchParams({ labelSelector: 'tier=control-plane' }).toString()}`, 'list control-plane pods in kube-system'));
  const endpoints = await readServiceEndpoints(creds, 'default', 'kubernetes', { timeoutMs: CALL_MS });
  const first: readonly LeaseView[] = await listLeases(creds, 'kube-system', { timeoutMs: CALL_MS });
  const sampleStart = performance.now();
  await new Promise((r) => setTimeout(r, LEASE_SAMPLE_GAP_MS));
  const second: readonly LeaseView[] = await listLeases(creds, 'kube-system', { timeoutMs: CALL_MS });
  const gapMs = Math.round(performance.now() - sampleStart);

  let etcd: PreflightFacts['etcd'] = { read: false, why: 'no node access (--nodes none): etcd is judged from the apiservers\' flags only' };
  let loadBalancerHosts: string[] = [];
  if (opts.nodeAccess === 'docker') {
    const cps = nodes.filter((n) => n.controlPlane).map((n) => dockerNode(n.name, ['control-plane']));
    const first = cps[0];
    const kindCluster = first === undefined ? undefined : await containerLabel(first.name, 'io.x-k8s.kind.cluster');
    if (kindCluster !== undefined) {
      loadBalancerHosts = (await containersWithLabel(`io.x-k8s.kind.cluster=${kindCluster}`, { all: true })).filter((c) => c.endsWith('-external-load-balancer'));
    }
    const stacked = pods.some((p) => p.component === 'etcd');
    if (!stacked) {
      etcd = { read: false, why: 'etcd is not stacked on the control planes: its hosts are not among the nodes this access reaches' };
    } else if (opts.etcdctlBinary === undefined) {
      etcd = { read: false, why: 'no etcdctl on this host: build it with `npm run images`' };
    } else {
      using access = await openEtcdAccess(cps);
      const view = await readEtcdView(opts.etcdctlBinary, access, CALL_MS);
      etcd = { read: true, view: { members: view.members, statuses: view.statuses.map((s) => ({ memberId: s.memberId, leaderId: s.leaderId, raftTerm: s.raftTerm })) } };
    }
  }
  return {
    context: creds.contextName,
    serverUrl: creds.serverUrl,
    readyz: { ok: rz.ready, status: rz.status },
    nodes,
    controlPlanePods: pods,
    apiserverAddresses: [...endpoints.addresses].sort(),
    leases: { first, second, gapMs },
    etcd,
    nodeAccess: opts.nodeAccess,
    loadBalancerHosts,
    tookMs: Math.round(performance.now() - t0),
  };
}
