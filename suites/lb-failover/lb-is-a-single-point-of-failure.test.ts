import { describe, it } from 'vitest';
import { buildLbFailoverCatalogue } from '../../harness/guarantees/lb-failover-catalogue.js';
import { runControlPlaneCase } from '../../harness/suites/control-plane-case.js';
import { useControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import { expectVerdictsHold } from '../../harness/suites/etcd-quorum-case.js';
import { holdForBound, holdUnderBound, lbBackSeen, longestTerm, thresholdTerm } from '../../harness/suites/observation-windows.js';
import type { ControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import type { LbFailoverGuaranteeId } from '../../harness/guarantees/lb-failover-catalogue.js';
import type { History } from '../../harness/probes/history.js';
import type { PhaseWait } from '../../harness/scenario.js';

const suite = useControlPlaneSuite('lb-failover', buildLbFailoverCatalogue, { workload: true });

/** After the LB returns: until the API answers through it and every node is Ready, at most the later of those bounds plus the margin. */
function recoveryAfterLb(s: ControlPlaneSuite<LbFailoverGuaranteeId>, history: History): PhaseWait {
  const t = s.catalogue.thresholds;
  return holdForBound([longestTerm(thresholdTerm(t, 'maxApiRecoveryAfterLbMs'), thresholdTerm(t, 'maxNodesReadyAgainMs'))], {
    what: 'the API answering through the LB with every node Ready',
    seen: lbBackSeen(history),
  });
}

// kind runs ONE haproxy in front of the apiservers: it is the single point of failure of the API
// for every client that uses it (kubectl, and the kubelets of joined nodes).
describe('lb-failover: the load balancer is a single point of failure for clients of the API; existing workloads keep serving and nodes stay Ready within the grace period', () => {
  it('the load balancer container paused (cgroup freezer) for a hold shorter than the node-monitor grace period', async () => {
    const s = suite();
    const t = s.catalogue.thresholds;
    const { verdicts } = await runControlPlaneCase(s, 'lb-paused', (ctx) => [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      // Shorter than what keeps nodes Ready (grace period - a heartbeat - the kubelet's back-off), from this cluster's flags.
      { kind: 'fault', spec: { kind: 'pause-container', target: { kind: 'load-balancer' } }, holdMs: 0, until: holdUnderBound(s.timings.holdMs, thresholdTerm(t, 'maxOutageKeepingNodesReadyMs'), { what: 'an LB outage under the grace period' }) },
      { kind: 'recovery', durationMs: s.timings.recoveryMs, until: recoveryAfterLb(s, ctx.history) },
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
    const { verdicts } = await runControlPlaneCase(s, 'lb-killed', (ctx) => [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'kill-container', target: { kind: 'load-balancer' } }, holdMs: 0 },
      { kind: 'recovery', durationMs: s.timings.recoveryMs, until: recoveryAfterLb(s, ctx.history) },
    ], ['lb-failover.workloads-keep-serving', 'lb-failover.api-recovers-after-lb-returns'], { probes: ['api', 'apiservers', 'nodes', 'http'] });
    expectVerdictsHold(verdicts);
  });
});
