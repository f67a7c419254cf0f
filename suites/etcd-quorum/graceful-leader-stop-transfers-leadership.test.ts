import { describe, it } from 'vitest';
import { expectVerdictsHold, runEtcdQuorumCase } from '../../harness/suites/etcd-quorum-case.js';
import { useEtcdQuorumSuite } from '../../harness/suites/etcd-quorum-fixture.js';

const suite = useEtcdQuorumSuite();

describe('etcd-quorum.graceful-leader-stop-transfers-leadership: a leader stopped with SIGTERM hands leadership over instead of waiting for an election', () => {
  it('SIGTERM of the current leader\'s etcd process (the kubelet restarts it)', async () => {
    const s = suite();
    const { verdicts } = await runEtcdQuorumCase(s, 'leader-sigterm', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'leader' }, process: 'etcd', signal: 'SIGTERM' }, holdMs: 0 },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['etcd-quorum.graceful-leader-stop-transfers-leadership']);
    expectVerdictsHold(verdicts);
  });
});
