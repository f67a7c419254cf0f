import { describe, it } from 'vitest';
import { expectGrayVerdictsHold, runGrayCase, useGrayFailuresSuite } from '../../harness/suites/gray-failures-suite.js';

const suite = useGrayFailuresSuite();

describe('gray-failures.paused-leader-replaced-without-stale-writes: a leader stopped for longer than the election timeout is replaced, and nothing is acknowledged through it outside the one history', () => {
  it('the leader\'s etcd is SIGSTOPped for three election timeouts, then resumed', async () => {
    const s = suite();
    expectGrayVerdictsHold(await runGrayCase(s, 'long-leader-pause', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'pause-process', target: { kind: 'leader' }, process: 'etcd' }, holdMs: s.catalogue.thresholds.values.longPauseMs },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['gray-failures.paused-leader-replaced-without-stale-writes']));
  });
});
