/**
 * Gather a preflight's facts, changing nothing: every API call is a GET (the only verb this module
 * can send, see `get`), so a kubeconfig whose user may only get/list/watch is enough; node access,
 * when given, only reads (the static pod manifests and the control-plane processes of each
 * control-plane node, certificates for etcdctl, etcd's member list and status). With --nodes agent
 * the agents themselves are the one thing created, by the caller's `openNodes` (cli/preflight.ts
 * owns their removal).
 */
import { openEtcdAccess } from '../cluster/etcd-access.js';
import { readEtcdView, type EtcdClusterView } from '../cluster/etcd-status.js';
import type { ClusterNode } from '../nodes/node-access.js';
import { CommandError } from '../runtime/command.js';
import { dockerNode } from '../runtime/docker-nodes.js';
import { containerLabel, containersWithLabel } from '../runtime/docker.js';
import { expectStatus, kubeRequest, listLeases, parseJson, readyz, type LeaseView } from '../runtime/kube-api.js';
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import { listNodes, readServiceEndpoints } from '../runtime/kube-objects.js';
import type { ControlPlanePodFact, EtcdMembersFact, NodeFact, PreflightFacts, PreflightNodeAccess } from './facts.js';
import { readNodes } from './node-reads.js';

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
  readonly nodeAccess: PreflightNodeAccess;
  /** etcdctl on this host, to ask the members themselves (only with node access). */
  readonly etcdctlBinary?: string;
  /**
   * For --nodes agent: reach the given control-plane nodes (deploy the agents) and return them. Run
   * while the Lease sample waits, so the agents start in time the preflight spends anyway.
   */
  readonly openNodes?: (controlPlanes: readonly NodeFact[]) => Promise<readonly ClusterNode[]>;
}

const NODE_READ_MS = 15_000;

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
  // Started now, awaited after the Lease sample: deploying agents takes about as long as the gap.
  const opening = opts.nodeAccess === 'agent' && opts.openNodes !== undefined ? opts.openNodes(nodes.filter((n) => n.controlPlane)) : undefined;
  // If the reads below fail first, the opening must still finish (or fail) before the error leaves
  // here, so the caller's removal sees everything it created.
  opening?.catch(() => undefined);
  try {
    return await discoverRest(creds, opts, t0, rz, nodes, opening);
  } catch (e) {
    await opening?.catch(() => undefined);
    throw e;
  }
}

async function discoverRest(
  creds: KubeApiCredentials,
  opts: DiscoverOptions,
  t0: number,
  rz: { readonly ready: boolean; readonly status: number },
  nodes: readonly NodeFact[],
  opening: Promise<readonly ClusterNode[]> | undefined,
): Promise<PreflightFacts> {
  const pods = controlPlanePodsOf(await get(creds, `/api/v1/namespaces/kube-system/pods?${new URLSearchParams({ labelSelector: 'tier=control-plane' }).toString()}`, 'list control-plane pods in kube-system'));
  const endpoints = await readServiceEndpoints(creds, 'default', 'kubernetes', { timeoutMs: CALL_MS });
  const first: readonly LeaseView[] = await listLeases(creds, 'kube-system', { timeoutMs: CALL_MS });
  const sampleStart = performance.now();
  await new Promise((r) => setTimeout(r, LEASE_SAMPLE_GAP_MS));
  const second: readonly LeaseView[] = await listLeases(creds, 'kube-system', { timeoutMs: CALL_MS });
  const gapMs = Math.round(performance.now() - sampleStart);

  let etcd: PreflightFacts['etcd'] = { read: false, why: 'no node access (--nodes none): etcd is judged from the apiservers\' flags only' };
  let loadBalancerHosts: string[] = [];
  let cps: readonly ClusterNode[] = [];
  if (opts.nodeAccess === 'docker') {
    cps = nodes.filter((n) => n.controlPlane).map((n) => dockerNode(n.name, ['control-plane']));
    const firstCp = cps[0];
    const kindCluster = firstCp === undefined ? undefined : await containerLabel(firstCp.name, 'io.x-k8s.kind.cluster');
    if (kindCluster !== undefined) {
      loadBalancerHosts = (await containersWithLabel(`io.x-k8s.kind.cluster=${kindCluster}`, { all: true })).filter((c) => c.endsWith('-external-load-balancer'));
    }
  } else if (opening !== undefined) {
    cps = await opening;
  }
  const nodeReads = cps.length > 0 ? await readNodes(cps, NODE_READ_MS) : [];
  if (cps.length > 0) {
    const stacked = pods.some((p) => p.component === 'etcd');
    if (!stacked) {
      etcd = { read: false, why: 'etcd is not stacked on the control planes: its hosts are not among the nodes this access reaches' };
    } else if (opts.etcdctlBinary === undefined) {
      etcd = { read: false, why: 'no etcdctl on this host: build it with `npm run images`' };
    } else if (opts.nodeAccess === 'docker') {
      using access = await openEtcdAccess(cps);
      const view = await readEtcdView(opts.etcdctlBinary, access, CALL_MS);
      etcd = { read: true, view: etcdFactOf(view) };
    } else {
      // Through an agent the certificates come from the node, but etcdctl runs here and dials the
      // members at their InternalIPs: a cluster whose node network this host cannot reach says so
      // instead of failing the preflight.
      using access = await openEtcdAccess(cps);
      try {
        etcd = { read: true, view: etcdFactOf(await readEtcdView(opts.etcdctlBinary, access, CALL_MS)) };
      } catch (e) {
        if (!(e instanceof CommandError)) {
          throw e;
        }
        etcd = { read: false, why: `etcdctl on this host could not read the members at ${[...access.endpoints.values()].join(', ')} (is the node network reachable from here?): ${e.message.split('\n').pop() ?? ''}` };
      }
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
    ...(cps.length > 0 ? { nodeReads } : {}),
    loadBalancerHosts,
    tookMs: Math.round(performance.now() - t0),
  };
}

function etcdFactOf(view: EtcdClusterView): EtcdMembersFact {
  return { members: view.members, statuses: view.statuses.map((s) => ({ memberId: s.memberId, leaderId: s.leaderId, raftTerm: s.raftTerm })) };
}
