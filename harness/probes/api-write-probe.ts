/**
 * Creates ConfigMaps through the Kubernetes API: what a user of the cluster experiences.
 *
 * - Through the load balancer (target 'lb', probe 'api-write'): every request is a new TLS
 *   connection, so haproxy spreads them over the apiservers as it would spread new clients; when
 *   an apiserver (or the etcd member it talks to: kubeadm points each apiserver at its local etcd
 *   only) fails, the requests routed to it fail until haproxy's health check ejects it.
 * - Optionally, directly to each apiserver (target = node name, probe 'api-write-direct'), at a
 *   lower rate: tells which apiserver was failing. It is a separate probe name so the LB's
 *   availability is never mixed with a single apiserver's.
 *
 * Object names are `probe-<run>-<worker>-<seq>`: unique, so no create is ever retried under the
 * same name and an AlreadyExists can only mean a bug. The recorded key is
 * `configmaps/<ns>/<name>` and the value `<seq>`, matching what finalApiSnapshot records.
 */
import { createConfigMap, deleteConfigMaps, ensureNamespace } from '../runtime/kube-api.js';
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import { startPeriodic, type PeriodicWorker } from './periodic.js';
import { errorText, failureOf, type Probe, type ProbeContext } from './probe.js';

/** The label every probe ConfigMap carries: selects one run's objects for the snapshot and cleanup. */
export const RUN_LABEL = 'kube-ha-chaos/run';

/** A DNS-label-safe form of a run id (lowercase alphanumerics and '-', at most 40 chars). */
export function runLabelValue(runId: string): string {
  const v = runId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  if (v === '') {
    throw new Error(`run id ${JSON.stringify(runId)} has no usable characters for object names`);
  }
  return v;
}

/** Name prefix of every ConfigMap of a run (all workers). */
export function runObjectPrefix(runId: string): string {
  return `probe-${runLabelValue(runId)}-`;
}

/** Name prefix of one worker's ConfigMaps. */
export function configMapPrefix(runId: string, worker: string): string {
  return `${runObjectPrefix(runId)}${worker}-`;
}

/** The key recorded for a ConfigMap (and used by the API snapshot). */
export function configMapKey(ns: string, name: string): string {
  return `configmaps/${ns}/${name}`;
}

/** Options of the API write probe. */
export interface ApiWriteProbeOptions {
  readonly creds: KubeApiCredentials;
  readonly runId: string;
  /** Namespace for the ConfigMaps; created at start if missing. */
  readonly namespace: string;
  /** Default 100 ms (10 Hz) through the LB. */
  readonly intervalMs?: number;
  /** Run the worker through the LB (target 'lb'); default true. False leaves only the direct workers. */
  readonly viaLoadBalancer?: boolean;
  /** Per-request deadline; default 2 s. */
  readonly timeoutMs?: number;
  /** Probe name for the LB worker; default 'api-write' (what the checks select). */
  readonly name?: string;
  /**
   * Per-apiserver workers: node name -> https://<nodeIP>:6443. Off when absent. The apiserver's
   * serving certificate includes the node IPs, so TLS verification still holds.
   */
  readonly direct?: {
    readonly servers: ReadonlyMap<string, string>;
    /** Default 500 ms (2 Hz per apiserver). */
    readonly intervalMs?: number;
    /** Default 'api-write-direct'. */
    readonly name?: string;
  };
}

interface ApiWorker {
  readonly probe: string;
  readonly target: string;
  readonly serverUrl?: string;
  readonly intervalMs: number;
}

/** Starts the LB worker (and the direct workers, if asked) on start(). */
export function apiWriteProbe(ctx: ProbeContext, opts: ApiWriteProbeOptions): Probe {
  const name = opts.name ?? 'api-write';
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const ns = opts.namespace;
  const labels = { [RUN_LABEL]: runLabelValue(opts.runId) };
  const workers: ApiWorker[] = opts.viaLoadBalancer === false ? [] : [{ probe: name, target: 'lb', intervalMs: opts.intervalMs ?? 100 }];
  for (const [node, serverUrl] of opts.direct?.servers ?? []) {
    workers.push({ probe: opts.direct?.name ?? 'api-write-direct', target: node, serverUrl, intervalMs: opts.direct?.intervalMs ?? 500 });
  }
  let running: PeriodicWorker[] = [];
  let setup: Promise<void> | undefined;
  let stopped = false;
  let stopping: Promise<void> | undefined;

  const createOnce = async (w: ApiWorker, seq: number): Promise<void> => {
    // Node names are DNS labels already (kind names them <cluster>-control-plane<N>).
    const objName = `${configMapPrefix(opts.runId, w.target)}${seq}`;
    const key = configMapKey(ns, objName);
    const value = String(seq);
    const invokedAtMs = ctx.clock.nowMs();
    try {
      const { resourceVersion } = await createConfigMap(opts.creds, ns, objName, { seq: value }, {
        timeoutMs,
        labels,
        ...(w.serverUrl === undefined ? {} : { serverUrl: w.serverUrl }),
      });
      ctx.history.recordOperation({ probe: w.probe, op: 'create-configmap', target: w.target, invokedAtMs, completedAtMs: ctx.clock.nowMs(), outcome: 'ok', key, value, revision: resourceVersion });
    } catch (err) {
      const f = failureOf(err);
      ctx.history.recordOperation({ probe: w.probe, op: 'create-configmap', target: w.target, invokedAtMs, completedAtMs: ctx.clock.nowMs(), outcome: f.outcome, error: f.error, key, value });
    }
  };

  return {
    name,
    start() {
      if (setup !== undefined || stopping !== undefined) {
        return;
      }
      setup = (async () => {
        // The namespace is set-up, not a measurement: it is not recorded as an operation. If it
        // cannot be created now (the cluster is already faulty), the creates will say so.
        try {
          await ensureNamespace(opts.creds, ns, { timeoutMs });
        } catch (err) {
          ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: name, text: `namespace ${ns} not ensured: ${errorText(err)}` });
        }
        if (stopped) {
          return;
        }
        running = workers.map((w) =>
          startPeriodic({
            intervalMs: w.intervalMs,
            clock: ctx.clock,
            ...(ctx.pace === undefined ? {} : { pace: ctx.pace }),
            task: (seq) => createOnce(w, seq),
            onError: (err) => ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: w.probe, text: `worker ${w.target}: ${errorText(err)}` }),
          }),
        );
      })();
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        await setup;
        await Promise.all(running.map((w) => w.stop()));
      })();
      return stopping;
    },
  };
}

/**
 * Deletes every ConfigMap the API probes wrote in `namespace` (any run, any case): a case's cleanup
 * that timed out (a 5-minute leader-kill case writes ~3,000; on ha-5cp deleting them outlived a 30 s
 * deadline) is then finished by the next case instead of leaving objects in etcd for good.
 * Only the probes write to this namespace, and they have stopped when this runs.
 */
export async function deleteProbeConfigMaps(creds: KubeApiCredentials, namespace: string): Promise<void> {
  try {
    await deleteConfigMaps(creds, namespace, RUN_LABEL, { timeoutMs: PROBE_CLEANUP_TIMEOUT_MS });
  } catch (e) {
    console.warn(`cleanup of the probe ConfigMaps in ${namespace} failed (the next case retries it): ${(e as Error).message}`);
  }
}

const PROBE_CLEANUP_TIMEOUT_MS = 120_000;

