import { describe, expect, it } from 'vitest';
import { History, type HistoryEntry, type Outcome } from '../probes/history.js';
import { STEADY_WINDOW_MS, unsteadyReason } from './steady-state.js';

/** A 10 Hz API write probe through the LB from `fromMs`, 14 ms per request, as on an idle ha-3cp. */
function apiWrites(fromMs: number, toMs: number, outcomeAt: (atMs: number) => Outcome = () => 'ok'): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (let t = fromMs; t < toMs; t += 100) {
    const outcome = outcomeAt(t);
    out.push({
      kind: 'op',
      probe: 'api-write',
      op: 'create-configmap',
      target: 'lb',
      invokedAtMs: t,
      completedAtMs: t + (outcome === 'unknown' ? 1_000 : 14),
      outcome,
      ...(outcome === 'ok' ? {} : { error: outcome === 'unknown' ? 'no answer within 1000 ms' : 'HTTP 503: apiserver not ready' }),
    });
  }
  return out;
}

describe('unsteadyReason', () => {
  it('is steady when every request of the window succeeded and no worker ran late', () => {
    const h = new History(apiWrites(11_000, 13_000));
    expect(unsteadyReason(h, 13_000, undefined)).toBeUndefined();
    // A worker that ran late before the window no longer counts.
    expect(unsteadyReason(h, 13_000, 13_000 - STEADY_WINDOW_MS - 1)).toBeUndefined();
  });

  it('is not steady while a worker ran late inside the window', () => {
    const h = new History(apiWrites(11_000, 13_000));
    expect(unsteadyReason(h, 13_000, 12_600)).toBe('a probe worker started late 400 ms ago (a request slower than its interval, or late timers)');
  });

  it('names the request that failed or timed out inside the window, and forgets it once it is older', () => {
    const h = new History(apiWrites(11_000, 13_000, (t) => (t === 12_000 ? 'unknown' : t === 11_200 ? 'fail' : 'ok')));
    // The timeout completed at 13,000: 200 ms before 13,200.
    expect(unsteadyReason(h, 13_200, undefined)).toBe('api-write (lb) timed out 200 ms ago: no answer within 1000 ms');
    expect(unsteadyReason(h, 13_000 + STEADY_WINDOW_MS + 1, undefined)).toBeUndefined();
    // The early failure (completed 11,214) is outside a window ending at 13,000 only if the window is short.
    const early = new History(apiWrites(11_000, 12_000, (t) => (t === 11_200 ? 'fail' : 'ok')));
    expect(unsteadyReason(early, 12_500, undefined)).toBe('api-write (lb) failed 1286 ms ago: HTTP 503: apiserver not ready');
    expect(unsteadyReason(early, 12_500, undefined, 1_000)).toBeUndefined();
  });

  it('counts failed polls of any poller, the etcd status poll included', () => {
    const lease: HistoryEntry = { kind: 'poll-error', atMs: 12_900, poller: 'lease', target: 'kube-system', outcome: 'unknown', error: 'no answer within 1000 ms' };
    expect(unsteadyReason(new History([...apiWrites(11_000, 13_000), lease]), 13_000, undefined)).toBe('lease poll (kube-system) failed 100 ms ago: no answer within 1000 ms');
    const status: HistoryEntry = { kind: 'leader-error', atMs: 12_950, member: 'kube-ha-chaos-control-plane2', outcome: 'fail', error: 'connection refused' };
    expect(unsteadyReason(new History([status]), 13_000, undefined)).toBe('etcd status poll (kube-ha-chaos-control-plane2) failed 50 ms ago: connection refused');
  });
});
