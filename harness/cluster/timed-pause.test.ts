import { describe, expect, it } from 'vitest';
import { parseTimedPause } from './timed-pause.js';

describe('parseTimedPause', () => {
  it('reads the pause as the node timed it', () => {
    const r = parseTimedPause('pid=812 state=T t0=1765100000000000000 t1=1765100000003000000 t2=1765100000507500000\n');
    expect(r).toEqual({ pid: 812, stoppedAfterMs: 3, pausedMs: 507.5 });
  });
  it('refuses a pause that was never seen to stop the process, and unexpected output', () => {
    expect(() => parseTimedPause('pid=812 state=S t0=1 t1=2 t2=3')).toThrow(/never seen stopped/);
    expect(() => parseTimedPause('pgrep: nothing')).toThrow(/unexpected output/);
  });
});
