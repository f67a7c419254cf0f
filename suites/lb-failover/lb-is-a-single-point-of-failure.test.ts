import { describe, it } from 'vitest';
import { buildLbFailoverCatalogue } from '../../harness/guarantees/lb-failover-catalogue.js';
import { runControlPlaneCase } from '../../harness/suites/control-plane-case.js';
import { useControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import { expectVerdictsHold } from '../../harness/suites/etcd-quorum-case.js';

const suite = useControlPlaneSuite('lb-failover', buildLbFailoverCatalogue, { workload: true });

// kind runs ONE haproxy in front of the apiservers: it is the single point of failure of the API
// for every client that uses it (kubectl, and the kubelets of joined nodes).
describe('lb-failover: the load balancer is a single point of failure for clients of the API; existing workloads keep serving and nodes stay Ready within the grace period', () => {
  it('the load balancer container paused (cgroup freezer) for a hold shorter than the node-monitor grace period', async () => {
    const s = suite();
    const { verdicts } = await runControlPlaneCase(s, 'lb-paused', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'pause-container', target: { kind: 'load-balancer' } }, holdMs: s.timings.holdMs },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], [
      'lb-failover.api-down-via-lb-while-apiservers-answer',
      'lb-failover.nodes-ready-within-grace',
      'lb-failover.workloads-keep-serving',
      'lb-failover.api-recovers-after-lb-returns',
    ], { probes: ['api', 'apiservers', 'nodes', 'http'] });
    expectVerdictsHold(verdicts);
  });

  it('the load balancer container SIGKILLed (Docker restarts it once: kind uses --restart=on-failure:1)', async () => {
    const s = suite();
    const { verdicts } = await runControlPlaneCase(s, 'lb-killed', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'kill-container', target: { kind: 'load-balancer' } }, holdMs: 0 },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['lb-failover.workloads-keep-serving', 'lb-failover.api-recovers-after-lb-returns'], { probes: ['api', 'apiservers', 'nodes', 'http'] });
    expectVerdictsHold(verdicts);
  });
});
