import { describe, it } from 'vitest';
import { buildLeaderElectionCatalogue } from '../../harness/guarantees/leader-election-catalogue.js';
import { cleanupWorkPods, schedulePodAndWait } from '../../harness/probes/control-loop-work.js';
import { runControlPlaneCase } from '../../harness/suites/control-plane-case.js';
import { useControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import { expectVerdictsHold, PROBE_NAMESPACE } from '../../harness/suites/etcd-quorum-case.js';
import { versions } from '../../substrate/versions.js';

const suite = useControlPlaneSuite('leader-election', buildLeaderElectionCatalogue);

// Whose own logs of acquiring and losing their lease are read after each case (no-two-holders).
const LEADER_COMPONENTS = ['kube-scheduler', 'kube-controller-manager'];

// Every leader-election Lease in kube-system is observed (not only these two), so a cluster with a
// cloud-controller-manager or other leaders is covered by the same probes and checks.
describe('leader-election: after the lease holder dies another instance takes over within lease duration + retry period x (1 + jitter); never two holders at once; work continues', () => {
  it('SIGKILL of the kube-scheduler lease holder; a pod created during the fault is scheduled after the handover', async () => {
    const s = suite();
    const { verdicts } = await runControlPlaneCase(s, 'scheduler-holder-sigkill', (ctx, keyRun) => [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      {
        kind: 'fault',
        spec: { kind: 'kill-process', target: { kind: 'lease-holder', lease: 'kube-scheduler' }, process: 'kube-scheduler', signal: 'SIGKILL' },
        holdMs: 0,
        during: async () => {
          await schedulePodAndWait(ctx, { creds: s.creds, namespace: PROBE_NAMESPACE, runId: keyRun, image: versions().images.workload, seq: 1, deadlineMs: 90_000 });
        },
      },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], [
      'leader-election.baseline-leases-held',
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
    const { verdicts } = await runControlPlaneCase(s, 'controller-manager-holder-sigkill', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'lease-holder', lease: 'kube-controller-manager' }, process: 'kube-controller-manager', signal: 'SIGKILL' }, holdMs: 25_000 },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['leader-election.abrupt-holder-death-hands-over', 'leader-election.no-two-holders'], { probes: ['leases', 'api'], leaseLogs: LEADER_COMPONENTS });
    expectVerdictsHold(verdicts);
  });

  it('graceful stop (SIGTERM) of the kube-scheduler lease holder: it releases its lease', async () => {
    const s = suite();
    const { verdicts } = await runControlPlaneCase(s, 'scheduler-holder-sigterm', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'lease-holder', lease: 'kube-scheduler' }, process: 'kube-scheduler', signal: 'SIGTERM' }, holdMs: 10_000 },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['leader-election.graceful-scheduler-stop-releases', 'leader-election.no-two-holders'], { probes: ['leases', 'api'], leaseLogs: LEADER_COMPONENTS });
    expectVerdictsHold(verdicts);
  });

  it('graceful stop (SIGTERM) of the kube-controller-manager lease holder (kubernetes#132599: it does not release)', async () => {
    const s = suite();
    const { verdicts } = await runControlPlaneCase(s, 'controller-manager-holder-sigterm', [
      { kind: 'baseline', durationMs: s.timings.baselineMs },
      { kind: 'fault', spec: { kind: 'kill-process', target: { kind: 'lease-holder', lease: 'kube-controller-manager' }, process: 'kube-controller-manager', signal: 'SIGTERM' }, holdMs: 25_000 },
      { kind: 'recovery', durationMs: s.timings.recoveryMs },
    ], ['leader-election.graceful-controller-manager-stop', 'leader-election.no-two-holders'], { probes: ['leases', 'api'], leaseLogs: LEADER_COMPONENTS });
    expectVerdictsHold(verdicts);
  });
});
