/**
 * Each apiserver on its own, and the API through the load balancer, at 10 Hz:
 *
 * - `apiserver-readyz` (op 'readyz', target = node name): GET /readyz straight to
 *   https://<nodeIP>:6443. ok = HTTP 200; a 500 lists the failing checks ("[-]etcd failed"), which
 *   become the error text. Tells which apiserver is down, and when the faulted one is back (the
 *   static pod's restart time).
 * - `apiserver-write` (op 'apply-configmap', target = node name): a server-side apply of ONE
 *   ConfigMap per apiserver (`probe-<run>-apiserver-<node>`), i.e. a real etcd write through that
 *   apiserver that leaves no growing pile of objects. Optional (on by default at 2 Hz).
 * - `api-read` (op 'get-namespace', target 'lb'): a GET of the probe namespace through the load
 *   balancer, each on a new connection, so haproxy spreads them as it would spread new clients.
 *
 * API writes through the LB are the existing api-write probe (api-write-probe.ts, probe 'api-write').
 * One worker per (probe, target): one outstanding request each; every request has a deadline and
 * is never retried.
 */
import { readyz } from '../runtime/kube-api.js';
import { applyConfigMap, getNamespace } from '../runtime/kube-objects.js';
import { ensureNamespace } from '../runtime/kube-api.js';
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import { RUN_LABEL, runLabelValue, runObjectPrefix } from './api-write-probe.js';
import { workersProbe, type WorkerSpec } from './poller.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';

/** Probe names recorded by apiserverProbe (what the control-plane checks select). */
export const APISERVER_PROBE_NAMES = {
  readyz: 'apiserver-readyz',
  write: 'apiserver-write',
  lbRead: 'api-read',
} as const;

/** Options of the per-apiserver probe. */
export interface ApiserverProbeOptions {
  readonly creds: KubeApiCredentials;
  /** Node name -> https://<nodeIP>:6443. */
  readonly servers: ReadonlyMap<string, string>;
  readonly runId: string;
  /** Namespace of the per-apiserver ConfigMaps and of the LB read; created at start if missing. */
  readonly namespace: string;
  /** /readyz interval per apiserver; default 100 ms (10 Hz). */
  readonly intervalMs?: number;
  /** Per-request deadline; default 1 s. */
  readonly timeoutMs?: number;
  /** Per-apiserver writes: false to disable; default every 500 ms (2 Hz per apiserver). */
  readonly write?: false | { readonly intervalMs?: number };
  /** Reads through the LB: false to disable; default every 100 ms (10 Hz). */
  readonly lbRead?: false | { readonly intervalMs?: number };
}

/** Name of the ConfigMap the write worker of one apiserver keeps applying. */
export function apiserverConfigMapName(runId: string, node: string): string {
  return `${runObjectPrefix(runId)}apiserver-${node}`;
}

/** The failing checks of a /readyz body ("[-]etcd failed: reason withheld"), or its first line. */
export function readyzFailures(body: string): string {
  const failed = body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('[-]'));
  return failed.length > 0 ? failed.join(', ') : (body.split('\n')[0] ?? '').trim();
}

/** Starts the readyz (and write) workers per apiserver and the LB read worker on start(). */
export function apiserverProbe(ctx: ProbeContext, opts: ApiserverProbeOptions): Probe {
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const labels = { [RUN_LABEL]: runLabelValue(opts.runId) };
  const ns = opts.namespace;
  const record = (probe: string, op: string, target: string, invokedAtMs: number, r: { outcome: 'ok' } | { outcome: 'fail' | 'unknown'; error: string }, extra: { value?: string; revision?: number } = {}): void => {
    ctx.history.recordOperation({ probe, op, target, invokedAtMs, completedAtMs: ctx.clock.nowMs(), ...r, ...extra });
  };
  const workers: WorkerSpec[] = [];
  for (const [node, serverUrl] of opts.servers) {
    workers.push({
      label: `${APISERVER_PROBE_NAMES.readyz} ${node}`,
      intervalMs: opts.intervalMs ?? 100,
      task: async () => {
        const t0 = ctx.clock.nowMs();
        try {
          const r = await readyz(opts.creds, { timeoutMs, serverUrl });
          // A 500 from /readyz is a definite answer: the apiserver runs but is not ready.
          record(APISERVER_PROBE_NAMES.readyz, 'readyz', node, t0, r.ready ? { outcome: 'ok' } : { outcome: 'fail', error: `HTTP ${r.status}: ${readyzFailures(r.body)}` });
        } catch (err) {
          record(APISERVER_PROBE_NAMES.readyz, 'readyz', node, t0, failureOf(err));
        }
      },
    });
    if (opts.write !== false) {
      const name = apiserverConfigMapName(opts.runId, node);
      workers.push({
        label: `${APISERVER_PROBE_NAMES.write} ${node}`,
        intervalMs: opts.write?.intervalMs ?? 500,
        task: async (seq) => {
          const t0 = ctx.clock.nowMs();
          const value = String(seq);
          try {
            const { resourceVersion } = await applyConfigMap(opts.creds, ns, name, { seq: value }, { timeoutMs, serverUrl, labels });
            record(APISERVER_PROBE_NAMES.write, 'apply-configmap', node, t0, { outcome: 'ok' }, { value, revision: resourceVersion });
          } catch (err) {
            record(APISERVER_PROBE_NAMES.write, 'apply-configmap', node, t0, failureOf(err), { value });
          }
        },
      });
    }
  }
  if (opts.lbRead !== false) {
    workers.push({
      label: `${APISERVER_PROBE_NAMES.lbRead} lb`,
      intervalMs: opts.lbRead?.intervalMs ?? 100,
      task: async () => {
        const t0 = ctx.clock.nowMs();
        try {
          const r = await getNamespace(opts.creds, ns, { timeoutMs });
          record(APISERVER_PROBE_NAMES.lbRead, 'get-namespace', 'lb', t0, r === null ? { outcome: 'fail', error: `namespace ${ns} not found` } : { outcome: 'ok' }, r === null ? {} : { revision: r.resourceVersion });
        } catch (err) {
          record(APISERVER_PROBE_NAMES.lbRead, 'get-namespace', 'lb', t0, failureOf(err));
        }
      },
    });
  }
  return workersProbe(ctx, {
    name: APISERVER_PROBE_NAMES.readyz,
    workers,
    setup: () => ensureNamespace(opts.creds, ns, { timeoutMs: Math.max(timeoutMs, 5_000) }),
  });
}
