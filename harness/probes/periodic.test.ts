import { describe, expect, it } from 'vitest';
import { startRunClock } from './clock.js';
import { createPaceTracker, startPeriodic, type PaceLog } from './periodic.js';

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
    /** Sleeps `ms`, plus `late(i)` for the i-th sleep (a timer that fires late). */
    sleeper: (late: (i: number) => number) => {
      let i = 0;
      return async (ms: number) => {
        t += ms + late(i);
        i += 1;
        await Promise.resolve();
      };
    },
  };
}

/** Runs a worker until `n` tasks have started; returns their start times. */
async function run(n: number, intervalMs: number, durationMs: (seq: number) => number, startDelayMs = 0, late: (i: number) => number = () => 0, pace?: PaceLog): Promise<number[]> {
  const time = fakeTime();
  const starts: number[] = [];
  let stop: () => Promise<void> = async () => undefined;
  const done = new Promise<void>((resolve) => {
    const w = startPeriodic({
      intervalMs,
      startDelayMs,
      clock: time.clock,
      sleep: time.sleeper(late),
      ...(pace === undefined ? {} : { pace }),
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

  it('after an overrun starts once at once, in the slot it ended in, then keeps its grid: no catch-up burst', async () => {
    // Task 1 takes 350 ms (3.5 slots): it ends at 450, inside the slot of 400. The points at 200 and
    // 300 are not made up; the slot of 400 gets its task late, at 450, and the rhythm goes on at 500
    // on the same grid.
    expect(await run(6, 100, (seq) => (seq === 1 ? 350 : 10))).toEqual([0, 100, 450, 500, 600, 700]);
    // A request slightly slower than the interval delays the next start by its excess, not by a
    // whole slot (a 10 Hz probe whose latency straddles 100 ms keeps sampling at ~10 Hz).
    expect(await run(5, 100, () => 110)).toEqual([0, 110, 220, 330, 440]);
    // An overrun ending exactly on a grid point starts the next task there.
    expect(await run(3, 100, (seq) => (seq === 0 ? 200 : 10))).toEqual([0, 200, 300]);
  });

  it('a timer that fires late (a host stall) gives one late start, not two back to back', async () => {
    // The first sleep (meant to end at 100) ends 250 ms late, at 350: that task belongs to the slot
    // of 300, so the next start is at 400, not at once.
    expect(await run(4, 100, () => 10, 0, (i) => (i === 0 ? 250 : 0))).toEqual([0, 350, 400, 500]);
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
    // A hung task blinds only its own worker: this one overruns to 410 ms, starts once late there,
    // and is back on its own grid at 640, 80 ms after the second worker and 160 ms after the first.
    expect(await run(4, 240, (seq) => (seq === 0 ? 250 : 10), 160)).toEqual([160, 410, 640, 880]);
  });

  it('reports each late start to its pace log, and nothing while it keeps to its grid', async () => {
    const lateAt = (durationMs: (seq: number) => number, late: (i: number) => number = () => 0): Promise<number[]> => {
      const reports: number[] = [];
      return run(6, 100, durationMs, 0, late, { late: (atMs) => reports.push(atMs) }).then(() => reports);
    };
    expect(await lateAt(() => 30)).toEqual([]);
    // A task that ends exactly on the next point is on time.
    expect(await lateAt((seq) => (seq === 0 ? 100 : 10))).toEqual([]);
    // The 350 ms overrun ends at 450: the start there is late (reported when the task ends, and
    // again when the late task starts in a later slot than the one it followed).
    expect(await lateAt((seq) => (seq === 1 ? 350 : 10))).toEqual([450, 450]);
    // A 110 ms request is late by 10 ms.
    expect(await lateAt((seq) => (seq === 2 ? 110 : 10))).toEqual([310]);
    // A timer that fired 250 ms late.
    expect(await lateAt(() => 10, (i) => (i === 0 ? 250 : 0))).toEqual([350]);
    const tracker = createPaceTracker();
    expect(tracker.lastLateAtMs()).toBeUndefined();
    tracker.late(450);
    tracker.late(310);
    expect(tracker.lastLateAtMs()).toBe(450);
  });

  it('refuses a non-positive interval', () => {
    expect(() => startPeriodic({ intervalMs: 0, clock: startRunClock(), task: async () => undefined, onError: () => undefined })).toThrow(/intervalMs/);
  });
});
