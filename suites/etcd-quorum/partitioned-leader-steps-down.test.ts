import { describe, it } from 'vitest';
import { expectVerdictsHold, runEtcdQuorumCase } from '../../harness/suites/etcd-quorum-case.js';
import { useEtcdQuorumSuite } from '../../harness/suites/etcd-quorum-fixture.js';
import { holdForBound, thresholdTerm } from '../../harness/suites/observation-windows.js';

const suite = useEtcdQuorumSuite();

describe('etcd-quorum.partitioned-leader-steps-down: a leader cut off from its peers steps down (CheckQuorum), the majority elects a new leader, and nothing is acknowledged through the isolated member', () => {
  it('the leader\'s node loses its peer traffic (tcp 2380, both directions), then rejoins', async () => {
    const s = suite();
    const { verdicts } = await runEtcdQuorumCase(s, 'leader-partition', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      // At least the profile's hold, and long enough for the step-down (CheckQuorum, 2 x election
      // timeout) and then the majority's election, from the members' own --election-timeout.
      {
        kind: 'fault',
        spec: { kind: 'network-partition', isolate: { kind: 'leader' }, ports: [2380] },
        holdMs: s.timings.holdMs,
        until: holdForBound([thresholdTerm(s.catalogue.thresholds, 'maxStepDownMs'), thresholdTerm(s.catalogue.thresholds, 'maxElectionMs')], { what: 'the isolated leader stepping down and a new leader elected' }),
      },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['etcd-quorum.partitioned-leader-steps-down']);
    expectVerdictsHold(verdicts);
  });
});
