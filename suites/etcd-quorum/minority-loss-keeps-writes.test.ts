import { describe, it } from 'vitest';
import { expectVerdictsHold, runEtcdQuorumCase } from '../../harness/suites/etcd-quorum-case.js';
import { useEtcdQuorumSuite } from '../../harness/suites/etcd-quorum-fixture.js';

const suite = useEtcdQuorumSuite();

describe('etcd-quorum.minority-loss-keeps-writes: with floor((n-1)/2) members down (1 of 3, 2 of 5) the cluster keeps quorum and keeps accepting writes', () => {
  it('the largest minority of members held down at once', async () => {
    const s = suite();
    const { verdicts } = await runEtcdQuorumCase(s, 'minority-held-down', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'stop-static-pod', target: { kind: 'minority' }, component: 'etcd' }, holdMs: s.timings.holdMs },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['etcd-quorum.minority-loss-keeps-writes']);
    expectVerdictsHold(verdicts);
  });
});
