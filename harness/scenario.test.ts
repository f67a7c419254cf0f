import { describe, expect, it } from 'vitest';
import { harnessCpuNote } from './scenario.js';

describe('harnessCpuNote', () => {
  it('turns a cpuUsage difference (microseconds) into a share of one core over the wall time', () => {
    // 44.3 s of CPU (user + system) over a 312 s case: 14.2 % of one core.
    expect(harnessCpuNote({ user: 39_100_000, system: 5_200_000 }, 312_000, 9)).toBe('harness CPU 14.2 % of one core over 312 s with 9 probes');
  });
  it('can exceed one core (worker threads) and never divides by zero', () => {
    expect(harnessCpuNote({ user: 15_000_000, system: 0 }, 10_000, 1)).toBe('harness CPU 150.0 % of one core over 10 s with 1 probes');
    expect(harnessCpuNote({ user: 1, system: 1 }, 0, 0)).toBe('harness CPU 0.0 % of one core over 0 s with 0 probes');
    expect(harnessCpuNote({ user: 39_100_000, system: 5_200_000 }, 312_000, 9, { p99Ms: 21.6, maxMs: 312.4 })).toBe(
      'harness CPU 14.2 % of one core over 312 s with 9 probes; event-loop delay p99 22 ms, max 312 ms (how late a probe\'s own timers could fire)',
    );
  });
});
