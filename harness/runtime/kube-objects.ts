/**
 * The Kubernetes objects the control-plane failover probes read and write (nodes, the apiservers'
 * `default/kubernetes` endpoints, pods, a per-apiserver ConfigMap, a Deployment's scale), over the
 * same minimal client as kube-api.ts: a new TLS connection per request, one hard deadline, no
 * retries, failures classified as fail / unknown.
 *
 * Each function returns only the fields a probe records, so a history never carries whole objects
 * (managedFields, annotations ... would bloat it and could carry data nobody asked for).
 */
import { expectStatus, kubeRequest, KubeApiError, parseJson, resourceVersionNumber, type KubeCallOptions } from './kube-api.js';
import type { KubeApiCredentials } from './kubeconfig.js';

const enc = encodeURIComponent;

/** A node's Ready condition as the node controller / kubelet last wrote it. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** One node, reduced to what the failover checks need. */
export interface NodeView {
  readonly name: string;
  /** status.conditions[type=Ready].status; 'Unknown' when the condition is missing. */
  readonly ready: ConditionStatus;
  readonly readyReason?: string;
  readonly lastTransitionTime?: string;
  readonly lastHeartbeatTime?: string;
  /** status.addresses[type=InternalIP]: kind's container IP (it can change across a restart, kind#1689). */
  readonly internalIp?: string;
}

interface NodeItem {
  readonly metadata?: { name?: string };
  readonly status?: {
    conditions?: { type?: string; status?: string; reason?: string; lastTransitionTime?: string; lastHeartbeatTime?: string }[];
    addresses?: { type?: string; address?: string }[];
  };
}

/** Pure: reduces a NodeList body to NodeViews (exported for tests). */
export function nodeViewsOf(list: { readonly items?: readonly NodeItem[] }): NodeView[] {
  return (list.items ?? []).map((n) => {
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    const status: ConditionStatus = ready?.status === 'True' || ready?.status === 'False' ? ready.status : 'Unknown';
    const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    return {
      name: n.metadata?.name ?? '',
      ready: status,
      ...(ready?.reason === undefined ? {} : { readyReason: ready.reason }),
      ...(ready?.lastTransitionTime === undefined ? {} : { lastTransitionTime: ready.lastTransitionTime }),
      ...(ready?.lastHeartbeatTime === undefined ? {} : { lastHeartbeatTime: ready.lastHeartbeatTime }),
      ...(ip === undefined ? {} : { internalIp: ip }),
    };
  });
}

/** Lists every node with its Ready condition and InternalIP. */
export async function listNodes(creds: KubeApiCredentials, opts: KubeCallOptions): Promise<readonly NodeView[]> {
  const what = 'list nodes';
  const res = await kubeRequest(creds, { method: 'GET', path: '/api/v1/nodes', ...opts });
  expectStatus(res, 'read', what);
  return nodeViewsOf(parseJson<{ items?: NodeItem[] }>(res, what));
}

/** Where a Service's endpoint addresses were read from. */
export type EndpointsSource = 'endpointslices' | 'endpoints';

/** A Service's endpoint addresses. */
export interface ServiceEndpointsView {
  /** Ready addresses, sorted, without duplicates. */
  readonly addresses: readonly string[];
  /** Addresses listed as not ready, sorted. */
  readonly notReadyAddresses: readonly string[];
  readonly source: EndpointsSource;
}

interface SliceItem {
  readonly endpoints?: { addresses?: string[]; conditions?: { ready?: boolean | null } }[];
}
interface EndpointsItem {
  readonly subsets?: { addresses?: { ip?: string }[]; notReadyAddresses?: { ip?: string }[] }[];
}

const sortedUnique = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/**
 * Pure: addresses of EndpointSlices. `conditions.ready` unset means ready (the EndpointSlice API:
 * "nil should be interpreted as true").
 */
export function sliceAddressesOf(list: { readonly items?: readonly SliceItem[] }): { ready: string[]; notReady: string[] } {
  const ready: string[] = [];
  const notReady: string[] = [];
  for (const s of list.items ?? []) {
    for (const e of s.endpoints ?? []) {
      (e.conditions?.ready === false ? notReady : ready).push(...(e.addresses ?? []));
    }
  }
  return { ready: sortedUnique(ready), notReady: sortedUnique(notReady) };
}

/** Pure: addresses of a v1 Endpoints object. */
export function endpointsAddressesOf(ep: EndpointsItem): { ready: string[]; notReady: string[] } {
  const ips = (xs: { ip?: string }[] | undefined): string[] => (xs ?? []).flatMap((a) => (a.ip === undefined ? [] : [a.ip]));
  return {
    ready: sortedUnique((ep.subsets ?? []).flatMap((s) => ips(s.addresses))),
    notReady: sortedUnique((ep.subsets ?? []).flatMap((s) => ips(s.notReadyAddresses))),
  };
}

/**
 * A Service's endpoint addresses. EndpointSlices by default: v1 Endpoints are deprecated from 1.33
 * (every read logs a warning), and for `default/kubernetes` the apiservers' reconciler writes both.
 */
export async function readServiceEndpoints(
  creds: KubeApiCredentials,
  ns: string,
  service: string,
  opts: KubeCallOptions & { readonly source?: EndpointsSource },
): Promise<ServiceEndpointsView> {
  const source = opts.source ?? 'endpointslices';
  if (source === 'endpointslices') {
    const what = `list endpointslices ${ns}/${service}`;
    const q = new URLSearchParams({ labelSelector: `kubernetes.io/service-name=${service}` });
    const res = await kubeRequest(creds, { method: 'GET', path: `/apis/discovery.k8s.io/v1/namespaces/${enc(ns)}/endpointslices?${q.toString()}`, ...opts });
    expectStatus(res, 'read', what);
    const a = sliceAddressesOf(parseJson<{ items?: SliceItem[] }>(res, what));
    return { addresses: a.ready, notReadyAddresses: a.notReady, source };
  }
  const what = `get endpoints ${ns}/${service}`;
  const res = await kubeRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${enc(ns)}/endpoints/${enc(service)}`, ...opts });
  expectStatus(res, 'read', what);
  const a = endpointsAddressesOf(parseJson<EndpointsItem>(res, what));
  return { addresses: a.ready, notReadyAddresses: a.notReady, source };
}

/** One pod, reduced to what "no pod restarted, none evicted, no extra replicas" needs. */
export interface PodView {
  readonly name: string;
  readonly uid: string;
  /** spec.nodeName; absent while unscheduled. */
  readonly node?: string;
  readonly phase: string;
  /** Sum of restartCount over all containers (init containers included). */
  readonly restarts: number;
  /** The pod's Ready condition is True. */
  readonly ready: boolean;
  /** metadata.deletionTimestamp is set (being deleted or evicted). */
  readonly deleting: boolean;
  /** First owner reference as Kind/name, e.g. ReplicaSet/echo-7c9f. */
  readonly owner?: string;
}

interface PodItem {
  readonly metadata?: { name?: string; uid?: string; deletionTimestamp?: string; ownerReferences?: { kind?: string; name?: string }[] };
  readonly spec?: { nodeName?: string };
  readonly status?: {
    phase?: string;
    conditions?: { type?: string; status?: string }[];
    containerStatuses?: { restartCount?: number }[];
    initContainerStatuses?: { restartCount?: number }[];
  };
}

/** Pure: reduces a Pod (from a list or a get) to a PodView. */
export function podViewOf(p: PodItem): PodView {
  const restarts = [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const owner = p.metadata?.ownerReferences?.[0];
  return {
    name: p.metadata?.name ?? '',
    uid: p.metadata?.uid ?? '',
    ...(p.spec?.nodeName === undefined || p.spec.nodeName === '' ? {} : { node: p.spec.nodeName }),
    phase: p.status?.phase ?? 'Unknown',
    restarts,
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    deleting: p.metadata?.deletionTimestamp !== undefined,
    ...(owner?.kind === undefined || owner.name === undefined ? {} : { owner: `${owner.kind}/${owner.name}` }),
  };
}

/** Lists a namespace's pods (optionally by label selector), sorted by name. */
export async function listPods(
  creds: KubeApiCredentials,
  ns: string,
  opts: KubeCallOptions & { readonly labelSelector?: string },
): Promise<readonly PodView[]> {
  const what = `list pods ${ns}`;
  const q = new URLSearchParams();
  if (opts.labelSelector !== undefined) {
    q.set('labelSelector', opts.labelSelector);
  }
  const res = await kubeRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${enc(ns)}/pods${q.toString() === '' ? '' : `?${q.toString()}`}`, ...opts });
  expectStatus(res, 'read', what);
  return (parseJson<{ items?: PodItem[] }>(res, what).items ?? []).map(podViewOf).sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads one pod; null when it does not exist. */
export async function getPod(creds: KubeApiCredentials, ns: string, name: string, opts: KubeCallOptions): Promise<PodView | null> {
  const what = `get pod ${ns}/${name}`;
  const res = await kubeRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`, ...opts });
  if (res.status === 404) {
    return null;
  }
  expectStatus(res, 'read', what);
  return podViewOf(parseJson<PodItem>(res, what));
}

/** Creates a pod from a manifest (`metadata.name` required); resolves with its uid. */
export async function createPod(creds: KubeApiCredentials, ns: string, manifest: { readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> }; readonly spec: Readonly<Record<string, unknown>> }, opts: KubeCallOptions): Promise<{ readonly uid: string }> {
  const what = `create pod ${ns}/${manifest.metadata.name}`;
  const res = await kubeRequest(creds, { method: 'POST', path: `/api/v1/namespaces/${enc(ns)}/pods`, body: { apiVersion: 'v1', kind: 'Pod', ...manifest }, ...opts });
  expectStatus(res, 'write', what);
  const uid = parseJson<{ metadata?: { uid?: string } }>(res, what).metadata?.uid;
  if (uid === undefined) {
    throw new KubeApiError('unknown', `${what}: the answer carried no uid`, res.status);
  }
  return { uid };
}

/** Deletes every pod matching a label selector (cleanup of the work probe's pods). */
export async function deletePods(creds: KubeApiCredentials, ns: string, labelSelector: string, opts: KubeCallOptions): Promise<void> {
  const q = new URLSearchParams({ labelSelector });
  const res = await kubeRequest(creds, { method: 'DELETE', path: `/api/v1/namespaces/${enc(ns)}/pods?${q.toString()}`, ...opts });
  expectStatus(res, 'write', `delete pods ${ns} ${labelSelector}`);
}

/**
 * Creates or updates a ConfigMap with server-side apply (one PATCH, no read first): the cheap write
 * of the per-apiserver probe. Each call is a real etcd write, yet the number of objects stays one
 * per apiserver however long the probe runs (a create per request would leave tens of thousands).
 */
export async function applyConfigMap(
  creds: KubeApiCredentials,
  ns: string,
  name: string,
  data: Readonly<Record<string, string>>,
  opts: KubeCallOptions & { readonly labels?: Readonly<Record<string, string>>; readonly fieldManager?: string },
): Promise<{ readonly resourceVersion: number }> {
  const what = `apply configmap ${ns}/${name}`;
  // force=true: this probe is the only writer of these fields; a conflict would only mean an
  // earlier run of the harness used another field manager name.
  const q = new URLSearchParams({ fieldManager: opts.fieldManager ?? 'kube-ha-chaos', force: 'true' });
  const res = await kubeRequest(creds, {
    method: 'PATCH',
    path: `/api/v1/namespaces/${enc(ns)}/configmaps/${enc(name)}?${q.toString()}`,
    contentType: 'application/apply-patch+yaml',
    // JSON is YAML: the apply body needs no YAML serializer.
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(opts.labels === undefined ? {} : { labels: opts.labels }) }, data },
    ...opts,
  });
  expectStatus(res, 'write', what);
  return { resourceVersion: resourceVersionNumber(parseJson<{ metadata?: { resourceVersion?: string } }>(res, what).metadata?.resourceVersion) };
}

/** Sets a Deployment's replica count through its scale subresource (a merge patch). */
export async function scaleDeployment(creds: KubeApiCredentials, ns: string, name: string, replicas: number, opts: KubeCallOptions): Promise<void> {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new RangeError(`replicas must be a whole number >= 0, got ${replicas}`);
  }
  const res = await kubeRequest(creds, {
    method: 'PATCH',
    path: `/apis/apps/v1/namespaces/${enc(ns)}/deployments/${enc(name)}/scale`,
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas } },
    ...opts,
  });
  expectStatus(res, 'write', `scale deployment ${ns}/${name} to ${replicas}`);
}

/**
 * Reads a namespace (a GET of one object: served from etcd with a quorum read, so it exercises the
 * storage path as a write does, without changing anything). Null when it does not exist.
 */
export async function getNamespace(creds: KubeApiCredentials, name: string, opts: KubeCallOptions): Promise<{ readonly resourceVersion: number } | null> {
  const what = `get namespace ${name}`;
  const res = await kubeRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${enc(name)}`, ...opts });
  if (res.status === 404) {
    return null;
  }
  expectStatus(res, 'read', what);
  return { resourceVersion: resourceVersionNumber(parseJson<{ metadata?: { resourceVersion?: string } }>(res, what).metadata?.resourceVersion) };
}
