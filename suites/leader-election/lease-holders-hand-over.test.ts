import { describe, it } from 'vitest';
import { buildLeaderElectionCatalogue } from '../../harness/guarantees/leader-election-catalogue.js';
import type { LeaderElectionGuaranteeId } from '../../harness/guarantees/leader-election-catalogue.js';
import type { FaultSpec } from '../../harness/faults/spec.js';
import type { History } from '../../harness/probes/history.js';
import { cleanupWorkPods, schedulePodAndWait } from '../../harness/probes/control-loop-work.js';
import type { PhaseWait } from '../../harness/scenario.js';
import { runControlPlaneCase } from '../../harness/suites/control-plane-case.js';
import { useControlPlaneSuite, type ControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import { expectVerdictsHold, PROBE_NAMESPACE } from '../../harness/suites/etcd-quorum-case.js';
import { holdForBound, leaseTerm, newLeaseHolderSeen, WINDOW_MARGIN_MS } from '../../harness/suites/observation-windows.js';
import { versions } from '../../substrate/versions.js';

const suite = useControlPlaneSuite('leader-election', buildLeaderElectionCatalogue);

// Whose own logs of acquiring and losing their lease are read after each case (no-two-holders).
const LEADER_COMPONENTS = ['kube-scheduler', 'kube-controller-manager'];

/**
 * The hold after a holder is stopped: until another instance holds the lease, at most the abrupt
 * handover bound of THAT lease's own flags plus the margin (a controller-manager with a 60 s lease is
 * watched for 76 s, a default scheduler for 31 s), never a duration tuned to the defaults.
 */
function untilHandover(s: ControlPlaneSuite<LeaderElectionGuaranteeId>, history: History, lease: string): PhaseWait {
  return holdForBound([leaseTerm(s.catalogue.thresholds, lease)], { what: `a new holder of kube-system/${lease}`, seen: newLeaseHolderSeen(history, lease) });
}

const stopHolder = (lease: string, process: 'kube-scheduler' | 'kube-controller-manager', signal: 'SIGKILL' | 'SIGTERM'): FaultSpec => ({
  kind: 'kill-process',
  target: { kind: 'lease-holder', lease },
  process,
  signal,
});

// Every leader-election Lease in kube-system is observed (not only these two), so a cluster with a
// cloud-controller-manager or other leaders is covered by the same probes and checks.
describe('leader-election: after the lease holder dies another instance takes over within lease duration + retry period x (1 + jitter); never two holders at once; work continues', () => {
  it('before any fault: each leader-electing component runs with leader election on every instance and holds its Lease, so exactly one instance acts', async () => {
    const s = suite();
    const { verdicts } = await runControlPlaneCase(s, 'configuration', [{ kind: 'baseline', durationMs: s.timings.baselineMs }], [
      'leader-election.single-active-instance',
      'leader-election.baseline-leases-held',
    ], { probes: ['leases'], leaseLogs: LEADER_COMPONENTS });
    expectVerdictsHold(verdicts);
  });

  it('SIGKILL of the kube-scheduler lease holder; a pod created during the fault is scheduled after the handover', async () => {
    const s = suite();
    const lease = s.catalogue.context.leases.scheduler;
    // The pod waits for the new scheduler leader: its own bound, from the scheduler's flags.
    const workDeadlineMs = leaseTerm(s.catalogue.thresholds, lease, 'maxWorkCompletionAfterFaultMs').ms + WINDOW_MARGIN_MS;
    const { verdicts } = await runControlPlaneCase(s, 'scheduler-holder-sigkill', (ctx, keyRun) => [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      {
        kind: 'fault',
        spec: stopHolder(lease, 'kube-scheduler', 'SIGKILL'),
        holdMs: 0,
        during: async () => {
          await schedulePodAndWait(ctx, { creds: s.creds, namespace: PROBE_NAMESPACE, runId: keyRun, image: versions().images.workload, seq: 1, deadlineMs: workDeadlineMs });
        },
        until: untilHandover(s, ctx.history, lease),
      },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], [
      'leader-election.abrupt-holder-death-hands-over',
      'leader-election.no-two-holders',
      'leader-election.work-continues-after-handover',
    ], { probes: ['leases', 'api'], leaseLogs: LEADER_COMPONENTS });
    // The work pod is ours: leave nothing behind.
    await cleanupWorkPods(s.creds, PROBE_NAMESPACE, `${s.session.run.runId}-scheduler-holder-sigkill`);
    expectVerdictsHold(verdicts);
  });

  it('SIGKILL of the kube-controller-manager lease holder', async () => {
    const s = suite();
    const lease = s.catalogue.context.leases.controllerManager;
    const { verdicts } = await runControlPlaneCase(s, 'controller-manager-holder-sigkill', (ctx) => [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: stopHolder(lease, 'kube-controller-manager', 'SIGKILL'), holdMs: 0, until: untilHandover(s, ctx.history, lease) },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['leader-election.abrupt-holder-death-hands-over', 'leader-election.no-two-holders'], { probes: ['leases', 'api'], leaseLogs: LEADER_COMPONENTS });
    expectVerdictsHold(verdicts);
  });

  it('graceful stop (SIGTERM) of the kube-scheduler lease holder: it releases its lease', async () => {
    const s = suite();
    const lease = s.catalogue.context.leases.scheduler;
    // Watched up to the abrupt bound: a scheduler that does not release is then judged late (fail),
    // not cut off (inconclusive).
    const { verdicts } = await runControlPlaneCase(s, 'scheduler-holder-sigterm', (ctx) => [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: stopHolder(lease, 'kube-scheduler', 'SIGTERM'), holdMs: 0, until: untilHandover(s, ctx.history, lease) },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['leader-election.graceful-scheduler-stop-releases', 'leader-election.no-two-holders'], { probes: ['leases', 'api'], leaseLogs: LEADER_COMPONENTS });
    expectVerdictsHold(verdicts);
  });

  it('graceful stop (SIGTERM) of the kube-controller-manager lease holder (kubernetes#132599: it does not release)', async () => {
    const s = suite();
    const lease = s.catalogue.context.leases.controllerManager;
    const { verdicts } = await runControlPlaneCase(s, 'controller-manager-holder-sigterm', (ctx) => [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: stopHolder(lease, 'kube-controller-manager', 'SIGTERM'), holdMs: 0, until: untilHandover(s, ctx.history, lease) },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['leader-election.graceful-controller-manager-stop', 'leader-election.no-two-holders'], { probes: ['leases', 'api'], leaseLogs: LEADER_COMPONENTS });
    expectVerdictsHold(verdicts);
  });
});
