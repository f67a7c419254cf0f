/**
 * Lists the nodes at 1-2 Hz and records each node's Ready condition and InternalIP.
 *
 * The node controller marks a node Unknown only after its node-monitor grace period (tens of
 * seconds), so 2 Hz resolves that transition far more finely than the bound it is judged against.
 * The InternalIP is recorded because kind can give a restarted node container a new address, which
 * breaks the etcd peer URLs (kind#1689); the check reports it as a finding.
 */
import { listNodes } from '../runtime/kube-objects.js';
import { firstAnswer, SourceOrder, sourcesOf, type ApiSources } from './api-sources.js';
import { pollerProbe } from './poller.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';

/** Options of the node condition poller. */
export interface NodeConditionPollerOptions {
  readonly sources: ApiSources;
  /** Default 500 ms (2 Hz). */
  readonly intervalMs?: number;
  /** Per-request deadline; default 2 s (a node list is larger than a lease list). */
  readonly timeoutMs?: number;
}

/** The poller's name (notes). */
export const NODE_POLLER_NAME = 'node-conditions';

/** Polls the nodes and records NodeConditionObservation / PollError entries. */
export function nodeConditionPoller(ctx: ProbeContext, opts: NodeConditionPollerOptions): Probe {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const order = new SourceOrder(sourcesOf(opts.sources), opts.sources.lbRetryEveryPolls);
  const poll = async (): Promise<void> => {
    try {
      const { value, via } = await firstAnswer(order.next(), (s) =>
        listNodes(opts.sources.creds, { timeoutMs, ...(s.serverUrl === undefined ? {} : { serverUrl: s.serverUrl }) }),
      );
      order.answered(via);
      const atMs = ctx.clock.nowMs();
      for (const n of value) {
        ctx.history.record({
          kind: 'node',
          atMs,
          node: n.name,
          ready: n.ready,
          ...(n.readyReason === undefined ? {} : { reason: n.readyReason }),
          ...(n.lastTransitionTime === undefined ? {} : { lastTransitionIso: n.lastTransitionTime }),
          ...(n.lastHeartbeatTime === undefined ? {} : { lastHeartbeatIso: n.lastHeartbeatTime }),
          ...(n.internalIp === undefined ? {} : { internalIp: n.internalIp }),
          via,
        });
      }
    } catch (err) {
      const f = failureOf(err);
      ctx.history.record({ kind: 'poll-error', atMs: ctx.clock.nowMs(), poller: 'node', target: 'nodes', outcome: f.outcome, error: f.error });
    }
  };
  return pollerProbe(ctx, { name: NODE_POLLER_NAME, intervalMs: opts.intervalMs ?? 500, poll });
}
