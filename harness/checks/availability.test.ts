import { describe, expect, it } from 'vitest';
import type { Operation, Outcome } from '../probes/history.js';
import {
  availabilityByWindow,
  availabilityStats,
  invokedIn,
  longestOutage,
  outages,
  probeRate,
  resolveByWatch,
  timeAvailability,
  timeToFirstSuccess,
} from './availability.js';
import { leaderKillHistory, LEADER_KILL_DEFAULTS } from '../testing/sample-histories.js';

const op = (invokedAtMs: number, completedAtMs: number, outcome: Outcome, target = 'cp1'): Operation => ({
  probe: 'etcd-write',
  op: 'put',
  target,
  invokedAtMs,
  completedAtMs,
  outcome,
});

/**
 * A 10 Hz write probe over 60 s (invocations at 50, 150, ..., 59 950 ms; 5 ms latency). The leader
 * is SIGKILLed at 30 000 ms: the 14 writes invoked from 30 050 to 31 350 fail (the first one times
 * out after 2 s, the rest fail fast), and the write invoked at 31 450 succeeds at 31 455.
 * Longest outage by definition: 30 050 (first non-ok invocation) -> 31 455 (next ok completion) = 1 405 ms.
 */
function tenHzWithLeaderKill(): Operation[] {
  const ops: Operation[] = [];
  for (let t = 50; t < 60_000; t += 100) {
    if (t === 30_050) {
      ops.push(op(t, t + 2_000, 'unknown'));
    } else if (t > 30_050 && t <= 31_350) {
      ops.push(op(t, t + 1, 'fail'));
    } else {
      ops.push(op(t, t + 5, 'ok'));
    }
  }
  return ops;
}

describe('availabilityStats', () => {
  it('counts outcomes of ops invoked in the window; unknown counts against availability', () => {
    const ops = tenHzWithLeaderKill();
    const all = availabilityStats(ops);
    expect(all).toEqual({ okCount: 586, failCount: 13, unknownCount: 1, total: 600, successRatio: 586 / 600 });
    // The fault window [30 000, 40 000): 100 ops invoked, 14 not ok.
    expect(availabilityStats(ops, { startMs: 30_000, endMs: 40_000 }).successRatio).toBeCloseTo(0.86, 10);
    // The baseline is clean.
    expect(availabilityStats(ops, { startMs: 0, endMs: 30_000 }).successRatio).toBe(1);
  });

  it('has no ratio when nothing was invoked, rather than a misleading 0 or 1', () => {
    expect(availabilityStats([], { startMs: 0, endMs: 1_000 })).toEqual({
      okCount: 0,
      failCount: 0,
      unknownCount: 0,
      total: 0,
      successRatio: undefined,
    });
  });

  it('assigns an op to the window containing its invocation, not its completion', () => {
    const ops = [op(990, 2_990, 'unknown'), op(1_000, 1_004, 'ok')];
    expect(availabilityStats(ops, { startMs: 0, endMs: 1_000 }).unknownCount).toBe(1);
    expect(availabilityStats(ops, { startMs: 1_000, endMs: 2_000 })).toMatchObject({ okCount: 1, total: 1 });
  });

  it('reports per named window', () => {
    const ops = tenHzWithLeaderKill();
    const byPhase = availabilityByWindow(ops, [
      { name: 'baseline', startMs: 0, endMs: 30_000 },
      { name: 'fault', startMs: 30_000, endMs: 45_000 },
      { name: 'recovery', startMs: 45_000, endMs: 60_000 },
    ]);
    expect(byPhase['baseline']?.total).toBe(300);
    expect(byPhase['fault']?.okCount).toBe(136);
    expect(byPhase['recovery']?.successRatio).toBe(1);
  });
});

describe('outages', () => {
  it('measures from the first non-ok invocation to the completion of the next ok op', () => {
    const ops = tenHzWithLeaderKill();
    expect(outages(ops)).toEqual([{ startMs: 30_050, endMs: 31_455, durationMs: 1_405, nonOkCount: 14, ended: true }]);
    expect(longestOutage(ops)?.durationMs).toBe(1_405);
  });

  it('uses the earliest evidence, not the last success: an idle gap before the failure is not counted', () => {
    // ok at 0..5, nothing until the failure at 900, ok at 1 000..1 010.
    const ops = [op(0, 5, 'ok'), op(900, 901, 'fail'), op(1_000, 1_010, 'ok')];
    expect(outages(ops)).toEqual([{ startMs: 900, endMs: 1_010, durationMs: 110, nonOkCount: 1, ended: true }]);
  });

  it('ignores input order and ends an outage at the first ok op invoked after it began', () => {
    // Two workers: w2's slow ok op was invoked before the outage began, so it does not end it.
    const ops = [
      op(2_000, 2_004, 'ok', 'w1'),
      op(1_000, 1_003, 'fail', 'w1'),
      op(950, 2_500, 'ok', 'w2'),
      op(1_500, 1_502, 'fail', 'w1'),
      op(0, 4, 'ok', 'w1'),
    ];
    expect(outages(ops)).toEqual([{ startMs: 1_000, endMs: 2_004, durationMs: 1_004, nonOkCount: 2, ended: true }]);
  });

  it('reports an outage that never ended, up to the latest completion among its ops', () => {
    const ops = [op(0, 3, 'ok'), op(100, 2_100, 'unknown'), op(2_100, 2_101, 'fail')];
    expect(outages(ops)).toEqual([{ startMs: 100, endMs: 2_101, durationMs: 2_001, nonOkCount: 2, ended: false }]);
  });

  it('picks the longest outage overlapping a window, unclipped', () => {
    const ops = [
      op(0, 1, 'ok'),
      op(100, 101, 'fail'),
      op(200, 205, 'ok'), // outage 100..205 (105 ms)
      op(5_000, 5_001, 'fail'),
      op(9_000, 9_010, 'ok'), // outage 5 000..9 010 (4 010 ms)
    ];
    expect(longestOutage(ops, { startMs: 0, endMs: 1_000 })?.durationMs).toBe(105);
    expect(longestOutage(ops, { startMs: 8_000, endMs: 8_500 })).toMatchObject({ startMs: 5_000, endMs: 9_010 });
    expect(longestOutage(ops, { startMs: 9_500, endMs: 10_000 })).toBeUndefined();
    expect(longestOutage([op(0, 1, 'ok')])).toBeUndefined();
  });
});

/**
 * One member written by `workers` workers sharing 12.5 Hz (each every 80 x workers ms, phase-shifted
 * 80 ms; one request in flight per worker, as the probe runs them), 20 ms latency, over 30 s. A host
 * stall from 10 000 to 11 000 ms times out every write invoked in it (each after 250 ms); worker 0's
 * first write after 20 000 ms also times out alone.
 */
function stalledMember(workers: number): Operation[] {
  const ops: Operation[] = [];
  const period = 80 * workers;
  for (let w = 0; w < workers; w++) {
    let lonePending = true;
    for (let t = w * 80; t < 30_000; ) {
      const stalled = t >= 10_000 && t < 11_000;
      const lone: boolean = w === 0 && lonePending && t >= 20_000;
      if (stalled || lone) {
        lonePending = lonePending && !lone;
        ops.push(op(t, t + 250, 'unknown'));
        t = Math.max(t + period, t + 250);
      } else {
        ops.push(op(t, t + 20, 'ok'));
        t += period;
      }
    }
  }
  return ops;
}

describe('timeAvailability', () => {
  const window = { startMs: 0, endMs: 30_000 };

  it('charges a stall its duration, whether 1 or 3 workers had requests in flight', () => {
    const one = timeAvailability(stalledMember(1), window);
    const three = timeAvailability(stalledMember(3), window);
    const lost = (ops: Operation[]): number => availabilityStats(ops, window).unknownCount;
    // Per request, three workers lose about three times as many writes to the same stall (each
    // worker has one in flight), at the same request rate: that is what made the per-request
    // ratio three times as sensitive.
    expect(lost(stalledMember(1))).toBe(5);
    expect(lost(stalledMember(3))).toBe(13);
    // In time, the stall costs ~1 s either way (first timed-out invocation -> next success completes).
    expect(one?.downMs).toBeGreaterThan(1_000);
    expect(three?.downMs).toBeGreaterThan(1_000);
    // The lone slow write costs its whole deadline with one worker (nothing else asks meanwhile) and
    // about one 80 ms phase with three (another worker succeeds next): more workers never look worse.
    expect(three!.downMs).toBeLessThanOrEqual(one!.downMs);
    expect(one!.downMs - three!.downMs).toBeLessThan(250);
    expect(three!.ratio).toBeCloseTo(1 - three!.downMs / 30_000, 9);
  });

  it('clips outages to the window and counts one still open at the end up to the window end', () => {
    const ops = [op(0, 5, 'ok'), op(100, 105, 'ok'), op(200, 450, 'unknown'), op(300, 301, 'fail')];
    expect(timeAvailability(ops, { startMs: 0, endMs: 1_000 })?.downMs).toBe(800);
    expect(timeAvailability(ops, { startMs: 0, endMs: 1_000 })?.ratio).toBeCloseTo(0.2, 9);
    expect(timeAvailability(ops, { startMs: 250, endMs: 1_000 })?.downMs).toBe(750);
  });

  it('is undefined for a window without operations', () => {
    expect(timeAvailability([op(0, 5, 'ok')], { startMs: 100, endMs: 200 })).toBeUndefined();
  });
});

describe('resolveByWatch', () => {
  const write = (invokedAtMs: number, completedAtMs: number, outcome: Outcome, seq: number): Operation => ({
    ...op(invokedAtMs, completedAtMs, outcome),
    key: `/p/cp1/w0-${seq}`,
    value: String(seq),
  });
  const delivered = (atMs: number, seq: number) => ({ kind: 'watch' as const, atMs, watcher: 'etcd-watch', key: `/p/cp1/w0-${seq}`, value: String(seq), revision: 100 + seq, type: 'put' as const });

  it('counts a write the watch delivered after the deadline as served when it was delivered', () => {
    // Commits slowed to ~500 ms for a second: writes 1-3 timed out at 250 ms but were applied;
    // write 4 was dropped (never delivered); write 5 failed fast.
    const ops = [
      write(0, 20, 'ok', 0),
      write(80, 330, 'unknown', 1),
      write(160, 410, 'unknown', 2),
      write(240, 490, 'unknown', 3),
      write(320, 570, 'unknown', 4),
      write(400, 401, 'fail', 5),
      write(480, 500, 'ok', 6),
    ];
    const events = [delivered(15, 0), delivered(560, 1), delivered(640, 2), delivered(700, 3), delivered(495, 6), delivered(900, 5)];
    const { ops: resolved, resolved: count } = resolveByWatch(ops, events);
    expect(count).toBe(3);
    expect(resolved.map((o) => o.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'unknown', 'fail', 'ok']);
    expect(resolved[1]).toMatchObject({ outcome: 'ok', completedAtMs: 560 });
    expect(resolved[1]).not.toHaveProperty('error');
    // At the client's deadline the writes were down from 80 to 500 ms; accepted-but-slow, the only
    // gap left starts at the dropped write (320) and ends when write 6 completed (500).
    expect(longestOutage(ops)?.durationMs).toBe(420);
    expect(longestOutage(resolved)).toMatchObject({ startMs: 320, endMs: 500, durationMs: 180 });
  });

  it('changes nothing without a matching delivery (other value, a delete, another key)', () => {
    const ops = [write(0, 250, 'unknown', 1)];
    const events = [{ ...delivered(100, 1), value: 'other' }, { ...delivered(100, 1), type: 'delete' as const }, delivered(100, 2)];
    expect(resolveByWatch(ops, events)).toEqual({ ops, resolved: 0 });
  });
});

describe('timeToFirstSuccess', () => {
  it('counts only ops invoked at or after the instant', () => {
    const ops = tenHzWithLeaderKill();
    expect(timeToFirstSuccess(ops, 30_000)).toBe(1_455);
    // An op in flight across the instant (invoked 49, ok at 60) does not count for instant 50.
    expect(timeToFirstSuccess([op(49, 60, 'ok'), op(150, 155, 'ok')], 50)).toBe(105);
    expect(timeToFirstSuccess([op(100, 101, 'fail')], 0)).toBeUndefined();
  });

  it('takes the earliest completion when workers overlap', () => {
    expect(timeToFirstSuccess([op(100, 900, 'ok', 'w1'), op(200, 210, 'ok', 'w2')], 100)).toBe(110);
  });
});

describe('probeRate', () => {
  it('measures invocation rate and the worst sampling gap', () => {
    const ops = tenHzWithLeaderKill();
    const r = probeRate(ops, { startMs: 0, endMs: 30_000 });
    expect(r.count).toBe(300);
    expect(r.opsPerSecond).toBe(10);
    expect(r.maxInvocationGapMs).toBe(100);
  });

  it('sees a stalled probe: one worker stuck on a 2 s timeout leaves a 2 s gap', () => {
    const ops = [op(0, 2, 'ok'), op(100, 2_100, 'unknown'), op(2_100, 2_102, 'ok'), op(2_200, 2_202, 'ok')];
    const r = probeRate(ops, { startMs: 0, endMs: 2_300 });
    expect(r.maxInvocationGapMs).toBe(2_000);
    expect(r.opsPerSecond).toBeCloseTo(4 / 2.3, 10);
  });

  it('counts silence at the window edges as gaps', () => {
    expect(probeRate([op(500, 501, 'ok')], { startMs: 0, endMs: 2_000 }).maxInvocationGapMs).toBe(1_500);
    expect(probeRate([], { startMs: 0, endMs: 2_000 })).toEqual({ opsPerSecond: 0, maxInvocationGapMs: 2_000, count: 0 });
  });
});

describe('on a simulated leader SIGKILL history', () => {
  it('finds the election outage: starts at the first write after the kill, ends after the new leader', () => {
    const h = leaderKillHistory();
    const p = LEADER_KILL_DEFAULTS;
    const writes = h.operations({ probe: 'etcd-write' });
    const o = longestOutage(writes, { startMs: p.killIssuedAtMs, endMs: p.healIssuedAtMs });
    expect(o).toBeDefined();
    // The first write invoked at/after the kill is the first failure; the outage cannot end before
    // the new leader exists, nor long after (one client deadline plus one probe interval).
    const firstAfterKill = invokedIn(writes, { startMs: p.killIssuedAtMs, endMs: Number.POSITIVE_INFINITY })[0];
    expect(o?.startMs).toBe(firstAfterKill?.invokedAtMs);
    expect(o?.endMs).toBeGreaterThan(p.newLeaderAtMs);
    expect(o?.endMs).toBeLessThan(p.newLeaderAtMs + p.writeDeadlineMs + p.writeIntervalMs + 20);
    expect(probeRate(writes, { startMs: 0, endMs: p.killIssuedAtMs }).opsPerSecond).toBeCloseTo(10, 1);
  });
});
