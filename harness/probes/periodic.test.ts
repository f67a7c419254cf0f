import { describe, expect, it } from 'vitest';
import { startRunClock } from './clock.js';
import { startPeriodic } from './periodic.js';

/** A fake time line: sleeping and working advance it; nothing depends on the host's timers. */
function fakeTime() {
  let t = 0;
  const clock = startRunClock({ monotonicMs: () => t, wallClockMs: () => 0 });
  return {
    clock,
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    sleep: async (ms: number) => {
      t += ms;
      await Promise.resolve();
    },
  };
}

/** Runs a worker until `n` tasks have started; returns their start times. */
async function run(n: number, intervalMs: number, durationMs: (seq: number) => number, startDelayMs = 0): Promise<number[]> {
  const time = fakeTime();
  const starts: number[] = [];
  let stop: () => Promise<void> = async () => undefined;
  const done = new Promise<void>((resolve) => {
    const w = startPeriodic({
      intervalMs,
      startDelayMs,
      clock: time.clock,
      sleep: time.sleep,
      onError: (e) => {
        throw e;
      },
      task: async (seq) => {
        starts.push(time.now());
        time.advance(durationMs(seq));
        await Promise.resolve();
        if (starts.length === n) {
          void w.stop().then(resolve);
        }
      },
    });
    stop = () => w.stop();
  });
  await done;
  await stop();
  return starts;
}

describe('startPeriodic', () => {
  it('starts tasks on a fixed grid, so slow-ish tasks do not stretch the period', async () => {
    expect(await run(5, 100, () => 30)).toEqual([0, 100, 200, 300, 400]);
  });

  it('after an overrun skips the missed grid points and keeps its grid, without a catch-up burst', async () => {
    // Task 1 takes 350 ms (3.5 slots): it ends at 450, the points at 200-400 are skipped, task 2
    // starts at 500 and the rhythm goes on on the same grid.
    expect(await run(6, 100, (seq) => (seq === 1 ? 350 : 10))).toEqual([0, 100, 500, 600, 700, 800]);
    // An overrun ending exactly on a grid point starts the next task there.
    expect(await run(3, 100, (seq) => (seq === 0 ? 200 : 10))).toEqual([0, 200, 300]);
  });

  it('has one task in flight at a time; stop() waits for it, is idempotent, and no task starts after it', async () => {
    let release: () => void = () => undefined;
    let inFlight = 0;
    let maxInFlight = 0;
    let started = 0;
    const errors: unknown[] = [];
    const w = startPeriodic({
      intervalMs: 10,
      clock: startRunClock(),
      onError: (e) => errors.push(e),
      task: async (seq) => {
        started += 1;
        if (seq === 0) {
          throw new Error('boom');
        }
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((r) => {
          release = r;
        });
        inFlight -= 1;
      },
    });
    while (inFlight === 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
    let stopped = false;
    const stopping = Promise.all([w.stop(), w.stop()]).then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false); // still waiting for the task in flight
    release();
    await stopping;
    expect(inFlight).toBe(0);
    expect(maxInFlight).toBe(1);
    expect(errors).toHaveLength(1); // the throwing task did not end the worker
    const after = started;
    await new Promise((r) => setTimeout(r, 30));
    expect(started).toBe(after);
  });

  it('a phase-shifted worker (the second of three sharing 12.5 Hz) starts one interval late and keeps its own grid', async () => {
    expect(await run(3, 240, () => 10, 80)).toEqual([80, 320, 560]);
    // A hung task blinds only its own worker: this one overruns to 410 ms and then waits for its
    // own next point (640), so it stays 80 ms after the second worker and 160 ms after the first.
    expect(await run(3, 240, (seq) => (seq === 0 ? 250 : 10), 160)).toEqual([160, 640, 880]);
  });

  it('refuses a non-positive interval', () => {
    expect(() => startPeriodic({ intervalMs: 0, clock: startRunClock(), task: async () => undefined, onError: () => undefined })).toThrow(/intervalMs/);
  });
});
