/**
 * A host-side HTTP GET at >= 10 Hz to the test workload through a NodePort: what a user of an
 * application running on the cluster sees while the control plane is faulted. Kubernetes promises
 * that existing pods and Services keep working when the apiservers are down ("Troubleshooting
 * Clusters"); this probe is the measurement of that promise.
 *
 * One worker per target (node name + URL on that node's IP), each a new TCP connection per request
 * (runtime/http.ts), with a deadline and no retry. A deadline is `unknown`; a refused connection or a
 * non-2xx answer is `fail`. The workload answers JSON {pod, node, ...}; the recorded value is
 * `{"pod":..,"node":..}` so a check can tell which replica served (and notice a replaced pod).
 */
import { httpGet, HttpTimeoutError } from '../runtime/http.js';
import { workersProbe } from './poller.js';
import { errorText, type Probe, type ProbeContext } from './probe.js';

/** Default probe name (what the workload checks select). */
export const WORKLOAD_HTTP_PROBE = 'workload-http';

/** One URL to probe, and the node whose IP it uses (the operation's target). */
export interface HttpTarget {
  readonly node: string;
  /** e.g. http://172.22.0.5:30080/ */
  readonly url: string;
}

/** Options of the HTTP probe. */
export interface HttpProbeOptions {
  readonly targets: readonly HttpTarget[];
  /** Default 100 ms (10 Hz per target). */
  readonly intervalMs?: number;
  /** Per-request deadline; default 1 s. */
  readonly timeoutMs?: number;
  /** Default 'workload-http'. */
  readonly name?: string;
  /** Makes the request; defaults to httpGet (tests pass a fake). */
  readonly get?: typeof httpGet;
}

/** Pure: `{"pod":..,"node":..}` from the workload's JSON answer, or the trimmed body (max 200 chars). */
export function servedBy(body: string): string {
  try {
    const a = JSON.parse(body) as { pod?: unknown; node?: unknown };
    if (typeof a.pod === 'string' || typeof a.node === 'string') {
      return JSON.stringify({ pod: typeof a.pod === 'string' ? a.pod : '', node: typeof a.node === 'string' ? a.node : '' });
    }
  } catch {
    // Not the workload's JSON (an error page): keep the text itself.
  }
  const t = body.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 199)}…` : t;
}

/** GETs each target at a fixed rate; records operations with op 'get'. */
export function httpProbe(ctx: ProbeContext, opts: HttpProbeOptions): Probe {
  const name = opts.name ?? WORKLOAD_HTTP_PROBE;
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const get = opts.get ?? httpGet;
  if (opts.targets.length === 0) {
    throw new Error(`${name}: no targets`);
  }
  return workersProbe(ctx, {
    name,
    workers: opts.targets.map((t) => ({
      label: t.node,
      intervalMs: opts.intervalMs ?? 100,
      task: async () => {
        const invokedAtMs = ctx.clock.nowMs();
        try {
          const a = await get(t.url, timeoutMs);
          const value = servedBy(a.body);
          const ok = a.status >= 200 && a.status < 300;
          ctx.history.recordOperation({
            probe: name,
            op: 'get',
            target: t.node,
            invokedAtMs,
            completedAtMs: ctx.clock.nowMs(),
            outcome: ok ? 'ok' : 'fail',
            ...(ok ? {} : { error: `HTTP ${a.status}` }),
            value,
          });
        } catch (err) {
          ctx.history.recordOperation({
            probe: name,
            op: 'get',
            target: t.node,
            invokedAtMs,
            completedAtMs: ctx.clock.nowMs(),
            outcome: err instanceof HttpTimeoutError ? 'unknown' : 'fail',
            error: errorText(err),
          });
        }
      },
    })),
  });
}
