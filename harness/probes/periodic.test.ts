import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startRunClock } from './clock.js';
import { startPeriodic } from './periodic.js';

describe('startPeriodic', () => {
  it('runs fast tasks at the fixed rate, one at a time', async () => {
    const clock = startRunClock();
    const starts: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const w = startPeriodic({
      intervalMs: 20,
      clock,
      onError: (e) => {
        throw e;
      },
      task: async () => {
        starts.push(clock.nowMs());
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(2);
        inFlight -= 1;
      },
    });
    await sleep(400);
    await w.stop();
    // One start per 20 ms slot: the grid keeps timer lateness from accumulating (measured against
    // the real elapsed time, so a loaded machine does not make this flaky).
    const elapsedMs = (starts.at(-1) ?? 0) - (starts[0] ?? 0);
    expect(Math.abs(starts.length - 1 - elapsedMs / 20)).toBeLessThanOrEqual(2);
    expect(starts.length).toBeGreaterThanOrEqual(10);
    expect(maxInFlight).toBe(1);
  });

  it('starts the next task right after an overrun, without a catch-up burst', async () => {
    const clock = startRunClock();
    const starts: number[] = [];
    const w = startPeriodic({
      intervalMs: 20,
      clock,
      onError: () => undefined,
      task: async (seq) => {
        starts.push(clock.nowMs());
        await sleep(seq === 0 ? 100 : 1);
      },
    });
    await sleep(200);
    await w.stop();
    const first = starts[0] ?? 0;
    // After the 100 ms task the next one starts at once ...
    expect((starts[1] ?? 0) - first).toBeGreaterThanOrEqual(99);
    expect((starts[1] ?? 0) - first).toBeLessThan(130);
    // ... and the 20 ms rhythm resumes from there: no burst of four make-up tasks.
    const within40 = starts.filter((t) => t >= (starts[1] ?? 0) && t < (starts[1] ?? 0) + 39).length;
    expect(within40).toBeLessThanOrEqual(2);
  });

  it('stop() waits for the task in flight and is idempotent; a throwing task does not end the worker', async () => {
    const clock = startRunClock();
    let finished = 0;
    let running = false;
    const errors: unknown[] = [];
    const w = startPeriodic({
      intervalMs: 10,
      clock,
      onError: (e) => errors.push(e),
      task: async (seq) => {
        if (seq === 0) {
          throw new Error('boom');
        }
        running = true;
        await sleep(30);
        running = false;
        finished += 1;
      },
    });
    await sleep(25);
    expect(running).toBe(true);
    await Promise.all([w.stop(), w.stop()]);
    expect(running).toBe(false);
    expect(errors).toHaveLength(1);
    const after = finished;
    await sleep(50);
    expect(finished).toBe(after);
  });

  it('refuses a non-positive interval', () => {
    expect(() => startPeriodic({ intervalMs: 0, clock: startRunClock(), task: async () => undefined, onError: () => undefined })).toThrow(/intervalMs/);
  });
});
