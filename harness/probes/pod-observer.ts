/**
 * Snapshots of a namespace's pods (name, uid, node, restart count, phase, ready, deleting, owner),
 * for workload continuity: one before the fault and one after recovery are compared by the check
 * ("no pod restarted, none was evicted, no extra replicas appeared"). A uid that changed means the
 * pod was replaced even if its name did not; a larger restart count means a container restarted.
 *
 * `takePodSnapshot` is one-shot (call it in the baseline and after recovery); `podObserver` takes
 * one every interval for a timeline of the pods through the fault.
 */
import { listPods } from '../runtime/kube-objects.js';
import type { PodSnapshot } from './history.js';
import { firstAnswer, SourceOrder, sourcesOf, type ApiSources } from './api-sources.js';
import { pollerProbe } from './poller.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';

/** Options of a pod snapshot. */
export interface PodSnapshotOptions {
  readonly sources: ApiSources;
  readonly namespace: string;
  /** e.g. 'app=echo'; default every pod of the namespace. */
  readonly labelSelector?: string;
  /** Per-request deadline; default 2 s. */
  readonly timeoutMs?: number;
}

/** The observer's name (notes). */
export const POD_OBSERVER_NAME = 'pod-observer';

async function snapshotOnce(ctx: ProbeContext, opts: PodSnapshotOptions, order: SourceOrder): Promise<PodSnapshot | undefined> {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  try {
    const { value, via } = await firstAnswer(order.next(), (s) =>
      listPods(opts.sources.creds, opts.namespace, {
        timeoutMs,
        ...(opts.labelSelector === undefined ? {} : { labelSelector: opts.labelSelector }),
        ...(s.serverUrl === undefined ? {} : { serverUrl: s.serverUrl }),
      }),
    );
    order.answered(via);
    const snap: PodSnapshot = {
      kind: 'pods',
      atMs: ctx.clock.nowMs(),
      namespace: opts.namespace,
      ...(opts.labelSelector === undefined ? {} : { selector: opts.labelSelector }),
      pods: value.map((p) => ({
        name: p.name,
        uid: p.uid,
        ...(p.node === undefined ? {} : { node: p.node }),
        phase: p.phase,
        restarts: p.restarts,
        ready: p.ready,
        deleting: p.deleting,
        ...(p.owner === undefined ? {} : { owner: p.owner }),
      })),
      via,
    };
    ctx.history.record(snap);
    return snap;
  } catch (err) {
    const f = failureOf(err);
    ctx.history.record({ kind: 'poll-error', atMs: ctx.clock.nowMs(), poller: 'pods', target: opts.namespace, outcome: f.outcome, error: f.error });
    return undefined;
  }
}

/**
 * Lists the pods once and records a PodSnapshot (or a PollError when no source answered, then
 * resolves undefined: the check reports inconclusive for lack of a snapshot).
 */
export function takePodSnapshot(ctx: ProbeContext, opts: PodSnapshotOptions): Promise<PodSnapshot | undefined> {
  return snapshotOnce(ctx, opts, new SourceOrder(sourcesOf(opts.sources), opts.sources.lbRetryEveryPolls));
}

/** A PodSnapshot every `intervalMs` (default 1 s) between start() and stop(). */
export function podObserver(ctx: ProbeContext, opts: PodSnapshotOptions & { readonly intervalMs?: number }): Probe {
  const order = new SourceOrder(sourcesOf(opts.sources), opts.sources.lbRetryEveryPolls);
  return pollerProbe(ctx, {
    name: POD_OBSERVER_NAME,
    intervalMs: opts.intervalMs ?? 1_000,
    poll: async () => {
      await snapshotOnce(ctx, opts, order);
    },
  });
}
