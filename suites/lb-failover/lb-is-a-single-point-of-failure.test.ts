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
// for every client that uses it (kubectl, and the kubelets of joined nodes). On a vip-pair front "the
// load balancer" is both LB hosts at once (the pair's single point of failure); losing one of them
// is the next describe block.
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

/** Why the VIP cases do not apply on this cluster's front, or undefined on a vip-pair. */
function noVipPairReason(s: ControlPlaneSuite<LbFailoverGuaranteeId>): string | undefined {
  const front = s.session.cluster.layout.front.kind;
  return front === 'vip-pair' ? undefined : `not applicable: front ${front} has no VIP pair (one LB host losing the VIP needs two; run with HA_TOPOLOGY=lb-pair)`;
}

const VIP_CASES = [
  { name: 'vip-holder-killed', kind: 'kill-container', how: 'SIGKILLed (keepalived dies without a word: the backup waits out Master_Down_Interval)' },
  { name: 'vip-holder-stopped', kind: 'stop-container', how: 'stopped cleanly (keepalived sends priority 0: the backup takes over after Skew_Time)' },
  { name: 'vip-holder-paused', kind: 'pause-container', how: 'frozen (cgroup freezer: no adverts, as a hung host)' },
] as const;

// A vip-pair front: two LB hosts share the VIP by VRRP; losing the one that holds it moves the VIP,
// and the API through it comes back within VRRP's bound, derived from the hosts' own keepalived.conf.
describe('lb-failover on a vip-pair front: losing the LB host that holds the VIP moves the VIP within VRRP\'s bound and the API stays up', () => {
  for (const c of VIP_CASES) {
    it(`the LB host holding the VIP ${c.how}`, async (tc) => {
      const s = suite();
      const notApplicable = noVipPairReason(s);
      if (notApplicable !== undefined) {
        tc.skip(notApplicable);
        return;
      }
      const t = s.catalogue.thresholds;
      // Long enough to see the move and the API back through the new holder, with margin.
      const holdMs = Math.max(s.timings.holdMs, t.values.maxApiOutageThroughVipMs + 3_000);
      const { verdicts } = await runControlPlaneCase(s, c.name, (ctx) => [
        { kind: 'baseline', durationMs: s.timings.baselineMs },
        { kind: 'fault', spec: { kind: c.kind, target: { kind: 'vip-holder' } }, holdMs },
        { kind: 'recovery', durationMs: s.timings.recoveryMs, until: recoveryAfterLb(s, ctx.history) },
      ], [
        'lb-failover.vip-moves-within-vrrp-bound',
        'lb-failover.api-survives-vip-failover',
        'lb-failover.workloads-keep-serving',
        'lb-failover.nodes-ready-within-grace',
      ], { probes: ['api', 'apiservers', 'nodes', 'http', 'vip'] });
      expectVerdictsHold(verdicts);
    });
  }
});
