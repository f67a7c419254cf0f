import { describe, it } from 'vitest';
import { expectVerdictsHold, runEtcdQuorumCase } from '../../harness/suites/etcd-quorum-case.js';
import { useEtcdQuorumSuite } from '../../harness/suites/etcd-quorum-fixture.js';

const suite = useEtcdQuorumSuite();

describe('etcd-quorum.follower-loss-keeps-writes: losing one follower does not disturb writes; the other members keep accepting them without an election', () => {
  it('SIGKILL of one follower\'s etcd process (the kubelet restarts it)', async () => {
    const s = suite();
    const { verdicts } = await runEtcdQuorumCase(s, 'follower-sigkill', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'one-follower' }, process: 'etcd', signal: 'SIGKILL' }, holdMs: 0 },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['etcd-quorum.follower-loss-keeps-writes']);
    expectVerdictsHold(verdicts);
  });

  it('one follower held down for a fixed window (its static pod manifest moved away)', async () => {
    const s = suite();
    const { verdicts } = await runEtcdQuorumCase(s, 'follower-held-down', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'stop-static-pod', target: { kind: 'one-follower' }, component: 'etcd' }, holdMs: s.timings.holdMs },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['etcd-quorum.follower-loss-keeps-writes']);
    expectVerdictsHold(verdicts);
  });
});
