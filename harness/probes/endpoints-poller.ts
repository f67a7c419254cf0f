/**
 * Reads the addresses of the `default/kubernetes` Service at 2 Hz: the apiservers that the lease
 * endpoint reconciler currently publishes. A dead apiserver disappears from it when its lease in
 * etcd expires (15 s TTL) and a live apiserver next reconciles (every 10 s); it reappears once it
 * runs again. In-cluster clients (kube-proxy's ClusterIP 10.96.0.1, every pod using the API) are
 * load-balanced over exactly these addresses, so this is the in-cluster counterpart of haproxy's
 * backend list.
 */
import { readServiceEndpoints, type EndpointsSource } from '../runtime/kube-objects.js';
import { firstAnswer, SourceOrder, sourcesOf, type ApiSources } from './api-sources.js';
import { pollerProbe } from './poller.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';

/** Options of the endpoints poller. */
export interface EndpointsPollerOptions {
  readonly sources: ApiSources;
  /** Default 'default'. */
  readonly namespace?: string;
  /** Default 'kubernetes'. */
  readonly service?: string;
  /** Default 500 ms (2 Hz). */
  readonly intervalMs?: number;
  /** Per-request deadline; default 1 s. */
  readonly timeoutMs?: number;
  /** Default 'endpointslices' (v1 Endpoints are deprecated from 1.33). */
  readonly source?: EndpointsSource;
}

/** The poller's name (notes). */
export const ENDPOINTS_POLLER_NAME = 'apiserver-endpoints';

/** Polls a Service's endpoints and records EndpointsObservation / PollError entries. */
export function endpointsPoller(ctx: ProbeContext, opts: EndpointsPollerOptions): Probe {
  const ns = opts.namespace ?? 'default';
  const svc = opts.service ?? 'kubernetes';
  const service = `${ns}/${svc}`;
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const order = new SourceOrder(sourcesOf(opts.sources), opts.sources.lbRetryEveryPolls);
  const poll = async (): Promise<void> => {
    try {
      const { value, via } = await firstAnswer(order.next(), (s) =>
        readServiceEndpoints(opts.sources.creds, ns, svc, {
          timeoutMs,
          ...(opts.source === undefined ? {} : { source: opts.source }),
          ...(s.serverUrl === undefined ? {} : { serverUrl: s.serverUrl }),
        }),
      );
      order.answered(via);
      ctx.history.record({
        kind: 'endpoints',
        atMs: ctx.clock.nowMs(),
        service,
        addresses: value.addresses,
        ...(value.notReadyAddresses.length === 0 ? {} : { notReadyAddresses: value.notReadyAddresses }),
        via,
        source: value.source,
      });
    } catch (err) {
      const f = failureOf(err);
      ctx.history.record({ kind: 'poll-error', atMs: ctx.clock.nowMs(), poller: 'endpoints', target: service, outcome: f.outcome, error: f.error });
    }
  };
  return pollerProbe(ctx, { name: ENDPOINTS_POLLER_NAME, intervalMs: opts.intervalMs ?? 500, poll });
}
