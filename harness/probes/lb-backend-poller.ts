/**
 * Reads haproxy's own view of its apiserver backends (the stats CSV, harness/cluster/haproxy-stats.ts)
 * at >= 5 Hz: UP, DOWN, or on its way ("UP 1/3", "DOWN 1/2"). The ejection time of a dead apiserver
 * is measured from the fault to the first DOWN seen here, so this rate is that measurement's
 * resolution.
 *
 * When the LB itself is down (lb-failover) its stats are down too: the poll errors are recorded and
 * drawn as "unreachable".
 */
import { readBackendStates } from '../cluster/haproxy-stats.js';
import { pollerProbe } from './poller.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';

/** Options of the LB backend poller. */
export interface LbBackendPollerOptions {
  /** The load balancer's node (container) name, recorded as `lb`. */
  readonly lb: string;
  /** Its IP on the kind network (the stats port is not published on the host). */
  readonly lbIp: string;
  /** Default 200 ms (5 Hz). */
  readonly intervalMs?: number;
  /** Per-request deadline; default 1 s. */
  readonly timeoutMs?: number;
  /** Reads the states; defaults to readBackendStates (tests pass a fake). */
  readonly read?: (lbIp: string, timeoutMs: number) => ReturnType<typeof readBackendStates>;
}

/** The poller's name (notes). */
export const LB_BACKEND_POLLER_NAME = 'lb-backends';

/** Polls haproxy's stats and records BackendStateObservation / PollError entries. */
export function lbBackendPoller(ctx: ProbeContext, opts: LbBackendPollerOptions): Probe {
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const read = opts.read ?? readBackendStates;
  const poll = async (): Promise<void> => {
    try {
      const states = await read(opts.lbIp, timeoutMs);
      const atMs = ctx.clock.nowMs();
      for (const s of states) {
        ctx.history.record({
          kind: 'lb-backend',
          atMs,
          lb: opts.lb,
          server: s.server,
          status: s.status,
          ...(s.checkStatus === '' ? {} : { checkStatus: s.checkStatus }),
          ...(Number.isFinite(s.lastChangeS) ? { lastChangeS: s.lastChangeS } : {}),
          ...(Number.isFinite(s.downTransitions) ? { downTransitions: s.downTransitions } : {}),
        });
      }
    } catch (err) {
      const f = failureOf(err);
      ctx.history.record({ kind: 'poll-error', atMs: ctx.clock.nowMs(), poller: 'lb-backend', target: opts.lb, outcome: f.outcome, error: f.error });
    }
  };
  return pollerProbe(ctx, { name: LB_BACKEND_POLLER_NAME, intervalMs: opts.intervalMs ?? 200, poll });
}
