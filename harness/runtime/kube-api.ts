/**
 * A minimal Kubernetes REST client for probes, over node:https.
 *
 * Why not @kubernetes/client-node or kubectl: a probe needs (1) a NEW TLS connection per request —
 * kind's haproxy load-balances per connection, and a pooled keep-alive connection would pin every
 * request to one apiserver and hide what the LB does during a fault; (2) one hard deadline per
 * request covering connect, TLS, request and response; (3) no retries; (4) to know whether the
 * request could have reached the server when it failed (fail vs unknown). A process per request
 * (kubectl) would also cost far more CPU than the 5 % budget allows at 10 Hz.
 *
 * Outcome rules (classifyKubeFailure / classifyKubeStatus, unit-tested):
 *
 * | what happened                                                     | write   | read    |
 * |-------------------------------------------------------------------|---------|---------|
 * | 2xx                                                               | ok      | ok      |
 * | error or deadline BEFORE the TLS handshake completed (refused, reset by the LB with no backend, handshake timeout) | fail | fail |
 * | error or deadline AFTER the handshake (the request bytes may have reached the apiserver) | unknown | unknown |
 * | 4xx (400, 401, 403, 404, 409, 422, 429 ...): the apiserver refused before storage | fail | fail |
 * | 5xx (500 "etcdserver: request timed out", 503, 504 "Timeout: request did not complete") | unknown | fail |
 * | anything else (1xx/3xx)                                           | unknown | fail    |
 *
 * A read that got a definite answer is `fail` even for 5xx: a read changes nothing, so "maybe
 * applied" has no meaning for it.
 */
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import type { KubeApiCredentials } from './kubeconfig.js';

/** Whether a request can change cluster state. */
export type KubeEffect = 'read' | 'write';

/** Options every call takes. */
export interface KubeCallOptions {
  /** Hard deadline for the whole request (connect + TLS + response). */
  readonly timeoutMs: number;
  /** Send to this server instead of the kubeconfig's (e.g. https://<nodeIP>:6443 for one apiserver). */
  readonly serverUrl?: string;
}

/** A raw answer: any HTTP status. */
export interface KubeResponse {
  readonly status: number;
  readonly body: string;
  /** Remote address actually connected to (for the LB, the LB). */
  readonly remoteAddress?: string;
}

/** A failed call, classified: record `outcome`, show `message` (never contains credentials). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly outcome: 'fail' | 'unknown',
    message: string,
    /** HTTP status, when a response arrived. */
    readonly status?: number,
    /** Kubernetes Status.reason (AlreadyExists, Timeout, ...), when the body carried one. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

const MAX_ERROR_CHARS = 300;

// Parsing the PEM key, certificate and CA for every request costs more CPU than the handshake
// itself (measured: ~6.7 ms per request without this cache); the context is built once per
// credentials object and reused by every new connection.
const contexts = new WeakMap<KubeApiCredentials, SecureContext>();

function secureContextFor(creds: KubeApiCredentials): SecureContext {
  let ctx = contexts.get(creds);
  if (ctx === undefined) {
    const cert = creds.cert;
    const key = creds.key;
    ctx = createSecureContext({ ca: creds.ca, ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) });
    contexts.set(creds, ctx);
  }
  return ctx;
}

/** A new TLS connection to the apiserver at `base` (one per request or watch: see the header). */
function connectTls(base: URL, port: number, secureContext: SecureContext): TLSSocket {
  // SNI must be a DNS name; for an IP address Node checks the certificate's IP SANs.
  return tlsConnect({ host: base.hostname, port, secureContext, ...(isIP(base.hostname) === 0 ? { servername: base.hostname } : {}) });
}

function short(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_ERROR_CHARS ? `${oneLine.slice(0, MAX_ERROR_CHARS)}…` : oneLine;
}

/** Outcome of a request that failed without an HTTP response (see the table above). */
export function classifyKubeFailure(handshakeDone: boolean): 'fail' | 'unknown' {
  return handshakeDone ? 'unknown' : 'fail';
}

/** Outcome of an HTTP status (see the table above). */
export function classifyKubeStatus(status: number, effect: KubeEffect): 'ok' | 'fail' | 'unknown' {
  if (status >= 200 && status < 300) {
    return 'ok';
  }
  if (status >= 400 && status < 500) {
    return 'fail';
  }
  return effect === 'write' ? 'unknown' : 'fail';
}

/** Pulls `reason` and `message` out of a Kubernetes Status body, if it is one. */
export function parseStatusBody(body: string): { reason?: string; message?: string } {
  try {
    const s = JSON.parse(body) as { kind?: unknown; reason?: unknown; message?: unknown };
    return {
      ...(typeof s.reason === 'string' ? { reason: s.reason } : {}),
      ...(typeof s.message === 'string' ? { message: s.message } : {}),
    };
  } catch {
    // Not JSON (haproxy's or a proxy's HTML error page): the caller shows the raw text instead.
    return {};
  }
}

/**
 * One HTTPS request on its own connection. Resolves with any HTTP status; rejects only with a
 * KubeApiError for a failure without a response, classified by whether the TLS handshake had
 * completed (before it, no request byte can have reached the apiserver).
 */
export function kubeRequest(
  creds: KubeApiCredentials,
  req: {
    readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    readonly path: string;
    readonly body?: unknown;
    /** Content type of the body; default application/json (a PATCH needs a patch type, e.g. server-side apply). */
    readonly contentType?: string;
  } & KubeCallOptions,
): Promise<KubeResponse> {
  const base = new URL(req.serverUrl ?? creds.serverUrl);
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  const token = creds.token;
  const secureContext = secureContextFor(creds);
  const port = base.port === '' ? 443 : Number(base.port);
  return new Promise<KubeResponse>((resolve, reject) => {
    let handshakeDone = false;
    let settled = false;
    const fail = (message: string): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(new KubeApiError(classifyKubeFailure(handshakeDone), short(`${req.method} ${base.host}${req.path}: ${message}`)));
      }
    };
    const r = httpsRequest(
      {
        protocol: 'https:',
        hostname: base.hostname,
        port,
        path: req.path,
        method: req.method,
        // No pooling: each request is its own TCP + TLS connection (see the header), made here so
        // it can reuse the parsed credentials and tell when the handshake completed. (Node ignores
        // createConnection when an agent is given, including `agent: false`, so none is.)
        createConnection: () => {
          const socket = connectTls(base, port, secureContext);
          socket.once('secureConnect', () => {
            handshakeDone = true;
          });
          return socket;
        },
        headers: {
          accept: 'application/json',
          connection: 'close',
          ...(payload === undefined ? {} : { 'content-type': req.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            const remoteAddress = res.socket?.remoteAddress;
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ...(remoteAddress === undefined ? {} : { remoteAddress }),
            });
          }
        });
        res.on('error', (e) => fail(e.message));
      },
    );
    r.on('error', (e) => fail(e.message));
    const timer = setTimeout(() => {
      fail(`no answer within ${req.timeoutMs} ms${handshakeDone ? '' : ' (TLS handshake not completed)'}`);
      r.destroy();
    }, req.timeoutMs);
    r.end(payload);
  });
}

/** Throws a classified KubeApiError unless the status is 2xx (or one of `alsoOk`). */
export function expectStatus(res: KubeResponse, effect: KubeEffect, what: string, alsoOk: readonly number[] = []): void {
  const outcome = classifyKubeStatus(res.status, effect);
  if (outcome === 'ok' || alsoOk.includes(res.status)) {
    return;
  }
  const s = parseStatusBody(res.body);
  throw new KubeApiError(outcome, short(`${what}: HTTP ${res.status}${s.reason !== undefined ? ` ${s.reason}` : ''}: ${s.message ?? res.body}`), res.status, s.reason);
}

/** The body of a 2xx answer as JSON; a non-JSON body is `unknown` (something else answered). */
export function parseJson<T>(res: KubeResponse, what: string): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    // A 2xx with a body that is not JSON: something between us and the apiserver answered.
    throw new KubeApiError('unknown', short(`${what}: HTTP ${res.status} with a non-JSON body`), res.status);
  }
}

/** Kubernetes resourceVersion as a number (it is the etcd revision of the write). */
export function resourceVersionNumber(rv: unknown): number {
  const n = typeof rv === 'string' && /^\d+$/.test(rv) ? Number(rv) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new KubeApiError('unknown', `resourceVersion ${JSON.stringify(rv)} is not a number`);
  }
  return n;
}

interface ObjectMeta {
  readonly name?: string;
  readonly resourceVersion?: string;
  readonly labels?: Record<string, string>;
}

/** A ConfigMap as the probes see it. */
export interface ConfigMapView {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
  readonly resourceVersion: number;
}

const enc = encodeURIComponent;

/** Creates a ConfigMap; resolves with its resourceVersion (the etcd revision of the create). */
export async function createConfigMap(
  creds: KubeApiCredentials,
  ns: string,
  name: string,
  data: Readonly<Record<string, string>>,
  opts: KubeCallOptions & { readonly labels?: Readonly<Record<string, string>> },
): Promise<{ readonly resourceVersion: number }> {
  const what = `create configmap ${ns}/${name}`;
  const res = await kubeRequest(creds, {
    method: 'POST',
    path: `/api/v1/namespaces/${enc(ns)}/configmaps`,
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(opts.labels === undefined ? {} : { labels: opts.labels }) }, data },
    ...opts,
  });
  expectStatus(res, 'write', what);
  const obj = parseJson<{ metadata?: ObjectMeta }>(res, what);
  return { resourceVersion: resourceVersionNumber(obj.metadata?.resourceVersion) };
}

/** Reads a ConfigMap; null when it does not exist. */
export async function getConfigMap(creds: KubeApiCredentials, ns: string, name: string, opts: KubeCallOptions): Promise<ConfigMapView | null> {
  const what = `get configmap ${ns}/${name}`;
  const res = await kubeRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${enc(ns)}/configmaps/${enc(name)}`, ...opts });
  if (res.status === 404) {
    return null;
  }
  expectStatus(res, 'read', what);
  const obj = parseJson<{ metadata?: ObjectMeta; data?: Record<string, string> }>(res, what);
  return { name: obj.metadata?.name ?? name, data: obj.data ?? {}, resourceVersion: resourceVersionNumber(obj.metadata?.resourceVersion) };
}

/**
 * Lists ConfigMaps (paged with limit/continue, which the apiserver serves from one snapshot, so
 * the pages are consistent); `resourceVersion` is the list's.
 */
export async function listConfigMaps(
  creds: KubeApiCredentials,
  ns: string,
  opts: KubeCallOptions & { readonly labelSelector?: string; readonly pageSize?: number },
): Promise<{ readonly resourceVersion: number; readonly items: readonly ConfigMapView[] }> {
  const what = `list configmaps ${ns}`;
  const items: ConfigMapView[] = [];
  let cont: string | undefined;
  let listRv: number | undefined;
  do {
    const q = new URLSearchParams({ limit: String(opts.pageSize ?? 500) });
    if (opts.labelSelector !== undefined) {
      q.set('labelSelector', opts.labelSelector);
    }
    if (cont !== undefined) {
      q.set('continue', cont);
    }
    const res = await kubeRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${enc(ns)}/configmaps?${q.toString()}`, ...opts });
    expectStatus(res, 'read', what);
    const list = parseJson<{ metadata?: { resourceVersion?: string; continue?: string }; items?: { metadata?: ObjectMeta; data?: Record<string, string> }[] }>(res, what);
    listRv ??= resourceVersionNumber(list.metadata?.resourceVersion);
    for (const it of list.items ?? []) {
      items.push({ name: it.metadata?.name ?? '', data: it.data ?? {}, resourceVersion: resourceVersionNumber(it.metadata?.resourceVersion) });
    }
    cont = list.metadata?.continue !== undefined && list.metadata.continue !== '' ? list.metadata.continue : undefined;
  } while (cont !== undefined);
  return { resourceVersion: listRv, items };
}

/** Deletes every ConfigMap matching a label selector (run cleanup). */
export async function deleteConfigMaps(creds: KubeApiCredentials, ns: string, labelSelector: string, opts: KubeCallOptions): Promise<void> {
  const q = new URLSearchParams({ labelSelector });
  const res = await kubeRequest(creds, { method: 'DELETE', path: `/api/v1/namespaces/${enc(ns)}/configmaps?${q.toString()}`, ...opts });
  expectStatus(res, 'write', `delete configmaps ${ns} ${labelSelector}`);
}

/** Creates a namespace unless it exists. */
export async function ensureNamespace(creds: KubeApiCredentials, ns: string, opts: KubeCallOptions): Promise<void> {
  const res = await kubeRequest(creds, {
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    ...opts,
  });
  expectStatus(res, 'write', `create namespace ${ns}`, [409]);
}

/** An apiserver's readiness as /readyz reports it (through the LB, or one apiserver with serverUrl). */
export async function readyz(creds: KubeApiCredentials, opts: KubeCallOptions): Promise<{ readonly ready: boolean; readonly status: number; readonly body: string }> {
  const res = await kubeRequest(creds, { method: 'GET', path: '/readyz', ...opts });
  return { ready: res.status === 200, status: res.status, body: short(res.body) };
}

/** A coordination.k8s.io Lease (leader election of controller-manager, scheduler, ...). */
export interface LeaseView {
  readonly name: string;
  readonly holderIdentity?: string;
  readonly leaseTransitions?: number;
  /** RFC 3339 with microseconds, written by the holder from its own clock. */
  readonly renewTime?: string;
  readonly acquireTime?: string;
  readonly leaseDurationSeconds?: number;
  /** metadata.labels: apiserver identity leases carry `apiserver.kubernetes.io/identity`. */
  readonly labels?: Readonly<Record<string, string>>;
}

interface LeaseItem {
  readonly metadata?: ObjectMeta;
  readonly spec?: { holderIdentity?: string; leaseTransitions?: number; renewTime?: string; acquireTime?: string; leaseDurationSeconds?: number };
}

/** Lists Leases in a namespace (kube-system holds the control-plane leader leases). */
export async function listLeases(creds: KubeApiCredentials, ns: string, opts: KubeCallOptions): Promise<readonly LeaseView[]> {
  const what = `list leases ${ns}`;
  const res = await kubeRequest(creds, { method: 'GET', path: `/apis/coordination.k8s.io/v1/namespaces/${enc(ns)}/leases`, ...opts });
  expectStatus(res, 'read', what);
  const list = parseJson<{ items?: LeaseItem[] }>(res, what);
  return (list.items ?? []).map(leaseViewOf);
}

/** A running watch stream (one connection). It never reconnects by itself. */
export interface KubeWatchStream {
  /** Resolves once, with why the stream ended ('stopped' after stop()). */
  readonly ended: Promise<string>;
  stop(): void;
}

/**
 * Watches a collection: GET <path>?watch=1 on its own connection, calling `onEvent` with each event
 * (type ADDED/MODIFIED/DELETED and the object). Without a resourceVersion the server first sends the
 * current objects as ADDED, then every change. The stream ends, and `ended` resolves, on the server
 * closing it, an ERROR event (e.g. 410 Gone), no byte for `idleTimeoutMs` (a dead connection: the
 * caller picks a value above the server's bookmark/heartbeat cadence), or stop().
 */
export function kubeWatch(
  creds: KubeApiCredentials,
  path: string,
  opts: { readonly connectTimeoutMs: number; readonly idleTimeoutMs: number; readonly serverUrl?: string },
  onEvent: (type: string, object: unknown) => void,
): KubeWatchStream {
  const base = new URL(opts.serverUrl ?? creds.serverUrl);
  const port = base.port === '' ? 443 : Number(base.port);
  const token = creds.token;
  let finish: (why: string) => void = () => undefined;
  const ended = new Promise<string>((resolve) => {
    finish = resolve;
  });
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const end = (why: string): void => {
    if (!done) {
      done = true;
      clearTimeout(timer);
      r.destroy();
      finish(short(why));
    }
  };
  const arm = (ms: number, why: string): void => {
    clearTimeout(timer);
    timer = setTimeout(() => end(why), ms);
  };
  const sep = path.includes('?') ? '&' : '?';
  const r = httpsRequest({
    protocol: 'https:',
    hostname: base.hostname,
    port,
    path: `${path}${sep}watch=1&allowWatchBookmarks=false`,
    method: 'GET',
    createConnection: () => connectTls(base, port, secureContextFor(creds)),
    headers: { accept: 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  });
  arm(opts.connectTimeoutMs, `watch ${path}: no answer within ${opts.connectTimeoutMs} ms`);
  r.on('error', (e) => end(`watch ${path}: ${e.message}`));
  r.on('response', (res) => {
    if (res.statusCode !== 200) {
      end(`watch ${path}: HTTP ${res.statusCode ?? 0}`);
      return;
    }
    arm(opts.idleTimeoutMs, `watch ${path}: silent for ${opts.idleTimeoutMs} ms`);
    let pending = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      arm(opts.idleTimeoutMs, `watch ${path}: silent for ${opts.idleTimeoutMs} ms`);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') {
          continue;
        }
        let ev: { type?: string; object?: { message?: string } };
        try {
          ev = JSON.parse(line) as typeof ev;
        } catch {
          end(`watch ${path}: unparsable event`);
          return;
        }
        if (ev.type === 'ERROR') {
          end(`watch ${path}: ${ev.object?.message ?? 'ERROR event'}`);
          return;
        }
        onEvent(ev.type ?? '', ev.object);
      }
    });
    res.on('end', () => end(`watch ${path}: closed by the server`));
    res.on('error', (e) => end(`watch ${path}: ${e.message}`));
  });
  r.end();
  return { ended, stop: () => end('stopped') };
}

/** The Lease fields the observers read, from a raw API object. */
export function leaseViewOf(item: unknown): LeaseView {
  const l = item as LeaseItem;
  return {
    name: l.metadata?.name ?? '',
    ...(l.spec?.holderIdentity === undefined ? {} : { holderIdentity: l.spec.holderIdentity }),
    ...(l.spec?.leaseTransitions === undefined ? {} : { leaseTransitions: l.spec.leaseTransitions }),
    ...(l.spec?.renewTime === undefined ? {} : { renewTime: l.spec.renewTime }),
    ...(l.spec?.acquireTime === undefined ? {} : { acquireTime: l.spec.acquireTime }),
    ...(l.spec?.leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds: l.spec.leaseDurationSeconds }),
    ...(l.metadata?.labels === undefined ? {} : { labels: l.metadata.labels }),
  };
}
