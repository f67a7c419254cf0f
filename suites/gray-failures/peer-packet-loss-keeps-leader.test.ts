import { describe, it } from 'vitest';
import { expectGrayVerdictsHold, runGrayCase, statisticMatchMissing, useGrayFailuresSuite } from '../../harness/suites/gray-failures-suite.js';

const suite = useGrayFailuresSuite();

describe('gray-failures.peer-packet-loss-keeps-leader: random loss on one follower\'s peer traffic causes no election and writes through the others keep succeeding (inconclusive where the kernel lacks the statistic match)', () => {
  it('20 % of one follower\'s tcp 2380 packets are dropped, both directions', async () => {
    const s = suite();
    expectGrayVerdictsHold(await runGrayCase(s, 'follower-peer-loss-20pct', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'drop-peer-packets', target: { kind: 'one-follower' }, port: 2380, probability: 0.2 }, holdMs: s.timings.lossHoldMs },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['gray-failures.peer-packet-loss-keeps-leader'], { precondition: () => statisticMatchMissing(s) }));
  });
});
