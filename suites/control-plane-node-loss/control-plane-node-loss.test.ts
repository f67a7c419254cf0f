import { describe, it } from 'vitest';
import { buildControlPlaneNodeLossCatalogue, CONTROL_PLANE_NODE_LOSS_IDS } from '../../harness/guarantees/control-plane-node-loss-catalogue.js';
import { CONTROL_PLANE_ETCD_PROBES, runControlPlaneCase } from '../../harness/suites/control-plane-case.js';
import { useControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import { expectVerdictsHold } from '../../harness/suites/etcd-quorum-case.js';
import { readEtcdTimers } from '../../harness/suites/etcd-quorum-suite.js';
import { holdForBound, leaseTerm, thresholdTerm } from '../../harness/suites/observation-windows.js';
import type { ControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import type { ControlPlaneNodeLossGuaranteeId } from '../../harness/guarantees/control-plane-node-loss-catalogue.js';
import type { PhaseWait } from '../../harness/scenario.js';

const suite = useControlPlaneSuite(
  'control-plane-node-loss',
  async (input, session) =>
    buildControlPlaneNodeLossCatalogue({
      ...input,
      // The quorum part is etcd-quorum's guarantee, with the members' real timers.
      etcd: { timersByMember: (await readEtcdTimers(session.cluster.controlPlaneNodes)).timers, probes: CONTROL_PLANE_ETCD_PROBES },
    }),
  { workload: true },
);

const ALL = CONTROL_PLANE_NODE_LOSS_IDS;

/**
 * Held past the latest NotReady the flags allow (node-monitor grace period + monitor ticks, 62.5 s on
 * defaults) plus a controller-manager handover of ITS lease (its new leader starts the lost node's
 * grace clock when it takes over: 26 s on defaults, 71 s with a 60 s lease), plus the margin: the node
 * must go NotReady while it is still gone, whatever the cluster's timers.
 */
function pastGrace(s: ControlPlaneSuite<ControlPlaneNodeLossGuaranteeId>): PhaseWait {
  const t = s.catalogue.thresholds;
  return holdForBound([thresholdTerm(t, 'maxNotReadyAfterMs'), leaseTerm(t, s.catalogue.context.leases.controllerManager)], {
    what: 'the lost node NotReady after the grace period, restarted by a controller-manager handover',
  });
}

// A paused node's controller-manager leader resumes on a cache as old as the pause and, until its
// first renewal fails, can mark every node Unknown and empty every Service (no fencing in client-go
// leader election). Whether it does is a race between two of its timers (seen in about half the runs
// on 2026-11-30). return-does-not-disrupt reports it as a finding, which never fails the run, so
// every profile judges every guarantee of the pause case.
// The stop case targets the etcd leader's node, which may hold no lease (CI, 2026-11-30: the lease
// check was then inconclusive). Lease handover is judged by the pause case, whose target is the
// controller-manager lease holder's node by construction.
const STOP_JUDGED = ALL.filter((id) => id !== 'control-plane-node-loss.leases-hand-over');

describe('control-plane-node-loss: losing a whole control-plane node keeps etcd quorum, the API (after ejection), the leases (after handover) and the workloads; the node goes NotReady after the grace period and rejoins', () => {
  it('the etcd leader\'s node stopped (docker stop), then started again', async () => {
    const s = suite();
    const { verdicts } = await runControlPlaneCase(s, 'etcd-leader-node-stopped', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'stop-container', target: { kind: 'node', select: { kind: 'leader' } } }, holdMs: 0, until: pastGrace(s) },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], STOP_JUDGED, { probes: ['etcd', 'api', 'leases', 'nodes', 'http', 'lb-backends'] });
    expectVerdictsHold(verdicts);
  });

  it('the kube-controller-manager lease holder\'s node paused (docker pause), then unpaused', async () => {
    const s = suite();
    const { verdicts } = await runControlPlaneCase(s, 'lease-holder-node-paused', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'pause-container', target: { kind: 'node', select: { kind: 'lease-holder', lease: s.catalogue.context.leases.controllerManager } } }, holdMs: 0, until: pastGrace(s) },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ALL, { probes: ['etcd', 'api', 'leases', 'nodes', 'http', 'lb-backends'] });
    expectVerdictsHold(verdicts);
  });
});
