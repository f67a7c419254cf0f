import { describe, it } from 'vitest';
import { buildControlPlaneNodeLossCatalogue, CONTROL_PLANE_NODE_LOSS_IDS } from '../../harness/guarantees/control-plane-node-loss-catalogue.js';
import { CONTROL_PLANE_ETCD_PROBES, runControlPlaneCase } from '../../harness/suites/control-plane-case.js';
import { useControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import { expectVerdictsHold } from '../../harness/suites/etcd-quorum-case.js';
import { readEtcdTimers } from '../../harness/suites/etcd-quorum-suite.js';

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

// Held past the node-monitor grace period (50 s from v1.32) plus a controller-manager handover (its
// new leader starts the lost node's grace clock when it takes over: ~62 s + ~17 s measured), so the
// node must go NotReady while it is still gone.
const HOLD_PAST_GRACE_MS = 95_000;

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
      { kind: 'fault', spec: { kind: 'stop-container', target: { kind: 'node', select: { kind: 'leader' } } }, holdMs: HOLD_PAST_GRACE_MS },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], STOP_JUDGED, { probes: ['etcd', 'api', 'leases', 'nodes', 'http', 'lb-backends'] });
    expectVerdictsHold(verdicts);
  });

  it('the kube-controller-manager lease holder\'s node paused (docker pause), then unpaused', async () => {
    const s = suite();
    const { verdicts } = await runControlPlaneCase(s, 'lease-holder-node-paused', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'pause-container', target: { kind: 'node', select: { kind: 'lease-holder', lease: 'kube-controller-manager' } } }, holdMs: HOLD_PAST_GRACE_MS },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ALL, { probes: ['etcd', 'api', 'leases', 'nodes', 'http', 'lb-backends'] });
    expectVerdictsHold(verdicts);
  });
});
