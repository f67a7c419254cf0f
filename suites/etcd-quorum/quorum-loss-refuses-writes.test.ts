import { describe, it } from 'vitest';
import { expectVerdictsHold, runEtcdQuorumCase } from '../../harness/suites/etcd-quorum-case.js';
import { useEtcdQuorumSuite } from '../../harness/suites/etcd-quorum-fixture.js';

const suite = useEtcdQuorumSuite();

describe('etcd-quorum.quorum-loss-refuses-writes: without quorum no write and no linearizable read is acknowledged (no split brain); serializable reads still answer; writes resume once quorum returns', () => {
  it('a majority of members held down (2 of 3, 3 of 5), then brought back', async () => {
    const s = suite();
    const { verdicts } = await runEtcdQuorumCase(
      s,
      'quorum-loss',
      [
        { kind: 'baseline', durationMs: s.timings.baselineMs },
        { kind: 'fault', spec: { kind: 'stop-static-pod', target: { kind: 'majority' }, component: 'etcd' }, holdMs: s.timings.holdMs },
        { kind: 'recovery', durationMs: s.timings.recoveryMs },
      ],
      ['etcd-quorum.quorum-loss-refuses-writes', 'etcd-quorum.quorum-loss-serves-serializable-reads', 'etcd-quorum.quorum-restored-writes-resume'],
      { reads: true },
    );
    expectVerdictsHold(verdicts);
  });
});
