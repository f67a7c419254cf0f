import { describe, it } from 'vitest';
import type { Phase } from '../../harness/scenario.js';
import { expectVerdictsHold, runEtcdQuorumCase } from '../../harness/suites/etcd-quorum-case.js';
import { useEtcdQuorumSuite } from '../../harness/suites/etcd-quorum-fixture.js';

const suite = useEtcdQuorumSuite();

describe('etcd-quorum.leader-loss-elects-new-leader: after the leader dies, the others elect a new one within the election-timeout bound and writes resume', () => {
  it('SIGKILL of the current leader\'s etcd process, over several trials (leader resolved at each injection)', async () => {
    const s = suite();
    const phases: Phase[] = [{ kind: 'baseline', durationMs: s.timings.baselineMs }];
    for (let trial = 0; trial < s.timings.leaderKillTrials; trial++) {
      phases.push(
        { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'leader' }, process: 'etcd', signal: 'SIGKILL' }, holdMs: 0 },
        { kind: 'recovery', durationMs: s.timings.recoveryMs },
      );
    }
    const { verdicts } = await runEtcdQuorumCase(s, 'leader-sigkill', phases, ['etcd-quorum.leader-loss-elects-new-leader']);
    expectVerdictsHold(verdicts);
  });
});
