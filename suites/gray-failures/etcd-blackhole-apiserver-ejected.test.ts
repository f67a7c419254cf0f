import { describe, it } from 'vitest';
import type { GrayFailuresSuite } from '../../harness/suites/gray-failures-suite.js';
import { expectGrayVerdictsHold, runGrayCase, useGrayFailuresSuite } from '../../harness/suites/gray-failures-suite.js';
import { holdForBound, thresholdTerm } from '../../harness/suites/observation-windows.js';
import type { NodeSelector } from '../../harness/targets/select.js';

const suite = useGrayFailuresSuite();

// kubernetes#59074, #66312 (stuck on a blackholed member; closed) and #72796 (health check passing
// without etcd; open): the bounds come from the apiserver's etcd client settings and haproxy's checks.
async function blackhole(s: GrayFailuresSuite, name: string, target: NodeSelector): Promise<void> {
  const verdicts = await runGrayCase(s, name, [
    { kind: 'baseline', durationMs: s.timings.baselineMs },
    // Held past the LB recovery bound (which includes the ejection bound), plus the margin.
    { kind: 'fault', spec: { kind: 'blackhole-etcd-clients', target, port: 2379 }, holdMs: 0, until: holdForBound([thresholdTerm(s.catalogue.thresholds, 'maxLbRecoveryMs')], { what: 'the ejection of the apiserver and the LB serving again' }) },
    { kind: 'recovery', durationMs: s.timings.recoveryMs },
  ], ['gray-failures.etcd-blackhole-apiserver-ejected']);
  expectGrayVerdictsHold(verdicts);
}

describe('gray-failures.etcd-blackhole-apiserver-ejected: a member blackholed from the apiservers that use it (client port DROPped both ways, peer port untouched) strands no client beyond the bound: a stacked apiserver turns unready and the LB ejects it, the others keep serving', () => {
  it('the leader\'s client port is blackholed from its apiservers (stacked: its own, over loopback), then restored', async () => {
    await blackhole(suite(), 'blackhole-leader-clients', { kind: 'leader' });
  });

  it('a follower\'s client port is blackholed from its apiservers, then restored', async () => {
    await blackhole(suite(), 'blackhole-follower-clients', { kind: 'one-follower' });
  });
});
