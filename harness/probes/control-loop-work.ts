/**
 * "The work continues after the handover": one-shot operations a leader-election suite starts while
 * a lease holder is down, each recorded as ONE Operation from the request to the moment the result
 * of the controllers' work was observed:
 *
 * | probe               | op                 | invokedAtMs                 | completedAtMs (ok)                              |
 * |---------------------|--------------------|-----------------------------|-------------------------------------------------|
 * | `control-loop-work` | `schedule-pod`     | the pod create was sent     | a GET showed spec.nodeName set (the scheduler)  |
 * | `control-loop-work` | `scale-deployment` | the scale PATCH was sent    | `replicas` non-deleting pods with a node exist (deployment + replicaset controllers, then the scheduler) |
 *
 * outcome: the create / PATCH failing gives its own classified outcome; no result within
 * `deadlineMs` gives `fail` ("not scheduled within ..."). target is 'lb' (every request goes
 * through the load balancer); key is `pods/<ns>/<name>` or `deployments/<ns>/<name>`; value is the
 * node the pod landed on, or the replica count.
 *
 * The observation polls are not measurements: a failed poll is ignored and the next one tried, until
 * the deadline. The create and the PATCH are never retried.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createPod, deletePods, getPod, listPods, scaleDeployment } from '../runtime/kube-objects.js';
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import type { Operation } from './history.js';
import { RUN_LABEL, runLabelValue, runObjectPrefix } from './api-write-probe.js';
import { errorText, failureOf, type ProbeContext } from './probe.js';

/** Probe and op names of the work operations (what the leader-election checks select). */
export const CONTROL_LOOP_WORK = {
  probe: 'control-loop-work',
  schedulePod: 'schedule-pod',
  scaleDeployment: 'scale-deployment',
} as const;

/** The label every work pod carries (with RUN_LABEL), for cleanup. */
export const WORK_LABEL = 'kube-ha-chaos/work';

/** What both operations share. */
export interface WorkOptions {
  readonly creds: KubeApiCredentials;
  readonly namespace: string;
  /** How long to wait for the controllers' result; default 60 s. */
  readonly deadlineMs?: number;
  /** Interval of the observation polls; default 200 ms. */
  readonly pollIntervalMs?: number;
  /** Per-request deadline; default 2 s. */
  readonly timeoutMs?: number;
}

const wait = (ms: number): Promise<void> => sleep(ms).then(() => undefined);

/** Polls `observe` until it returns a value, or the deadline passes (undefined). */
async function observeUntil<T>(ctx: ProbeContext, startMs: number, o: Required<Pick<WorkOptions, 'deadlineMs' | 'pollIntervalMs'>>, observe: () => Promise<T | undefined>): Promise<{ value: T; atMs: number } | undefined> {
  while (ctx.clock.nowMs() - startMs < o.deadlineMs) {
    try {
      const v = await observe();
      if (v !== undefined) {
        return { value: v, atMs: ctx.clock.nowMs() };
      }
    } catch {
      // An observation poll that fails is not the measured operation: try again until the deadline.
    }
    await wait(o.pollIntervalMs);
  }
  return undefined;
}

/**
 * Creates a pod (the workload image, which every node has preloaded) and waits until the scheduler
 * has bound it to a node. Records and returns the Operation.
 */
export async function schedulePodAndWait(
  ctx: ProbeContext,
  opts: WorkOptions & { readonly runId: string; readonly image: string; readonly seq: number },
): Promise<Operation> {
  const deadlineMs = opts.deadlineMs ?? 60_000;
  const pollIntervalMs = opts.pollIntervalMs ?? 200;
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const name = `${runObjectPrefix(opts.runId)}work-${opts.seq}`;
  const key = `pods/${opts.namespace}/${name}`;
  const base = { probe: CONTROL_LOOP_WORK.probe, op: CONTROL_LOOP_WORK.schedulePod, target: 'lb', key } as const;
  const invokedAtMs = ctx.clock.nowMs();
  const done = (op: Operation): Operation => {
    ctx.history.recordOperation(op);
    return op;
  };
  try {
    await createPod(
      opts.creds,
      opts.namespace,
      {
        metadata: { name, labels: { [RUN_LABEL]: runLabelValue(opts.runId), [WORK_LABEL]: CONTROL_LOOP_WORK.schedulePod } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'work', image: opts.image, imagePullPolicy: 'Never', args: ['serve'] }],
        },
      },
      { timeoutMs },
    );
  } catch (err) {
    return done({ ...base, invokedAtMs, completedAtMs: ctx.clock.nowMs(), ...failureOf(err) });
  }
  const seen = await observeUntil(ctx, invokedAtMs, { deadlineMs, pollIntervalMs }, async () => (await getPod(opts.creds, opts.namespace, name, { timeoutMs }))?.node);
  return done(
    seen === undefined
      ? { ...base, invokedAtMs, completedAtMs: ctx.clock.nowMs(), outcome: 'fail', error: `pod ${name} was not scheduled within ${deadlineMs} ms` }
      : { ...base, invokedAtMs, completedAtMs: seen.atMs, outcome: 'ok', value: seen.value },
  );
}

/**
 * Scales a Deployment and waits until `replicas` pods of it (by label selector) exist, are not
 * being deleted, and are bound to a node. Records and returns the Operation.
 */
export async function scaleDeploymentAndWait(
  ctx: ProbeContext,
  opts: WorkOptions & { readonly deployment: string; readonly replicas: number; readonly labelSelector: string },
): Promise<Operation> {
  const deadlineMs = opts.deadlineMs ?? 60_000;
  const pollIntervalMs = opts.pollIntervalMs ?? 200;
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const base = {
    probe: CONTROL_LOOP_WORK.probe,
    op: CONTROL_LOOP_WORK.scaleDeployment,
    target: 'lb',
    key: `deployments/${opts.namespace}/${opts.deployment}`,
    value: String(opts.replicas),
  } as const;
  const invokedAtMs = ctx.clock.nowMs();
  const done = (op: Operation): Operation => {
    ctx.history.recordOperation(op);
    return op;
  };
  try {
    await scaleDeployment(opts.creds, opts.namespace, opts.deployment, opts.replicas, { timeoutMs });
  } catch (err) {
    return done({ ...base, invokedAtMs, completedAtMs: ctx.clock.nowMs(), ...failureOf(err) });
  }
  const seen = await observeUntil(ctx, invokedAtMs, { deadlineMs, pollIntervalMs }, async () => {
    const pods = await listPods(opts.creds, opts.namespace, { timeoutMs, labelSelector: opts.labelSelector });
    return pods.filter((p) => !p.deleting && p.node !== undefined).length === opts.replicas ? true : undefined;
  });
  return done(
    seen === undefined
      ? { ...base, invokedAtMs, completedAtMs: ctx.clock.nowMs(), outcome: 'fail', error: `deployment ${opts.deployment} did not reach ${opts.replicas} scheduled pods within ${deadlineMs} ms` }
      : { ...base, invokedAtMs, completedAtMs: seen.atMs, outcome: 'ok' },
  );
}

/** Deletes the work pods of a run (set-up/cleanup, not recorded). Resolves with an error text, if any. */
export async function cleanupWorkPods(creds: KubeApiCredentials, namespace: string, runId: string, timeoutMs = 10_000): Promise<string | undefined> {
  try {
    await deletePods(creds, namespace, `${RUN_LABEL}=${runLabelValue(runId)},${WORK_LABEL}`, { timeoutMs });
    return undefined;
  } catch (err) {
    return errorText(err);
  }
}
