import { describe, it } from 'vitest';
import type { Phase } from '../../harness/scenario.js';
import { expectGrayVerdictsHold, runGrayCase, useGrayFailuresSuite } from '../../harness/suites/gray-failures-suite.js';

const suite = useGrayFailuresSuite();

describe('gray-failures.brief-pauses-cause-no-election: a member that is slow, not dead (stopped for less than an election timeout, again and again) causes no leader election', () => {
  it('the leader\'s etcd is SIGSTOPped for half an election timeout (timed in the node), several times with gaps', async () => {
    const s = suite();
    const pauseMs = s.catalogue.thresholds.values.briefPauseMs;
    const phases: Phase[] = [{ kind: 'baseline', durationMs: s.timings.baselineMs }];
    for (let i = 0; i < s.timings.briefPauses; i++) {
      phases.push(
        { kind: 'fault', spec: { kind: 'pause-process', target: { kind: 'leader' }, process: 'etcd', resumeAfterMs: pauseMs }, holdMs: 0 },
        { kind: 'recovery', durationMs: s.timings.briefPauseGapMs },
      );
    }
    phases.push({ kind: 'recovery', durationMs: s.timings.recoveryMs });
    expectGrayVerdictsHold(await runGrayCase(s, 'brief-leader-pauses', phases, ['gray-failures.brief-pauses-cause-no-election']));
  });
});
