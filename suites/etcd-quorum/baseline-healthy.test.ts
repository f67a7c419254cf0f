import { describe, it } from 'vitest';
import { expectVerdictsHold, runEtcdQuorumCase } from '../../harness/suites/etcd-quorum-case.js';
import { useEtcdQuorumSuite } from '../../harness/suites/etcd-quorum-fixture.js';

const suite = useEtcdQuorumSuite();

describe('etcd-quorum.baseline-healthy: before any fault, all members vote, agree on one leader, run the same timers, and writes succeed', () => {
  it('probes every member, the API and a watch on a healthy cluster', async () => {
    const s = suite();
    const { verdicts } = await runEtcdQuorumCase(s, 'baseline', [{ kind: 'baseline', durationMs: 2 * s.timings.baselineMs }], [
      'etcd-quorum.baseline-healthy',
    ]);
    expectVerdictsHold(verdicts);
  });
});
