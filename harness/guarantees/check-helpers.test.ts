import { describe, expect, it } from 'vitest';
import { meetsRateFloor } from './check-helpers.js';

describe('meetsRateFloor (rate floors judged in whole samples)', () => {
  // The CI profile's 4 s baseline with the 2 Hz endpoints poller and the 0.9 fraction: 1.8/s.
  it('accepts one slot lost to jitter in a short window', () => {
    expect(meetsRateFloor(8, 4, 1.8)).toBe(true);
    expect(meetsRateFloor(7, 4, 1.8)).toBe(true);
  });
  it('refuses two lost slots in that window', () => {
    expect(meetsRateFloor(6, 4, 1.8)).toBe(false);
  });
  it('is as strict as the raw rate in long windows', () => {
    // 6 s at 10 Hz: 54 samples is exactly 0.9, 53 is below.
    expect(meetsRateFloor(54, 6, 9)).toBe(true);
    expect(meetsRateFloor(53, 6, 9)).toBe(false);
  });
  it('never accepts an empty window', () => {
    expect(meetsRateFloor(0, 0, 1.8)).toBe(false);
    // 0.1/s over 4 s rounds down to no sample at all: at least one is still required.
    expect(meetsRateFloor(0, 4, 0.1)).toBe(false);
    expect(meetsRateFloor(1, 4, 0.1)).toBe(true);
  });
});
