import { describe, expect, it } from 'vitest';
import { startRunClock, type ClockSource } from './clock.js';

function fakeSource(readings: number[], wallMs = Date.UTC(2025, 0, 2, 3, 4, 5)): ClockSource {
  let i = 0;
  return {
    monotonicMs: () => {
      const v = readings[Math.min(i, readings.length - 1)];
      i += 1;
      if (v === undefined) {
        throw new Error('no readings');
      }
      return v;
    },
    wallClockMs: () => wallMs,
  };
}

describe('startRunClock', () => {
  it('reads milliseconds since the start, not since the origin of the source', () => {
    const clock = startRunClock(fakeSource([5_000, 5_000, 5_250.5, 6_000]));
    expect(clock.nowMs()).toBe(0);
    expect(clock.nowMs()).toBe(250.5);
    expect(clock.nowMs()).toBe(1_000);
  });

  it('never goes backwards even if the source does', () => {
    const clock = startRunClock(fakeSource([100, 400, 250, 500]));
    expect(clock.nowMs()).toBe(300);
    expect(clock.nowMs()).toBe(300);
    expect(clock.nowMs()).toBe(400);
  });

  it('labels the run with the wall-clock start time', () => {
    const clock = startRunClock(fakeSource([0]));
    expect(clock.startedAtIso).toBe('2025-01-02T03:04:05.000Z');
  });

  it('uses performance.now() by default and counts up', async () => {
    const clock = startRunClock();
    const a = clock.nowMs();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const b = clock.nowMs();
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(50);
    expect(b - a).toBeGreaterThanOrEqual(15);
  });
});
