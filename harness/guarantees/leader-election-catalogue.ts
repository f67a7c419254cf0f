/**
 * The leader-election suite's guarantees, for kube-controller-manager, kube-scheduler and every other
 * leader-election Lease found in kube-system: the holder killed (abrupt), or stopped cleanly.
 *
 * Work the lead suite starts during a fault is recorded by harness/probes/control-loop-work.ts as
 * operations of probe `control-loop-work` (ops `schedule-pod`, `scale-deployment`).
 *
 * Ids are `<area>.<property>` and stable forever; never renumber or reuse one.
 */
import { checkAbruptHolderDeathHandsOver, checkLeasesHeldInBaseline, checkNoTwoHolders, checkSingleActiveInstance, checkWorkContinuesAfterHandover, gracefulStop } from './leader-election-checks.js';
import { componentElections } from './leader-election-config.js';
import { buildControlPlaneCatalogue, type ControlPlaneCatalogue, type ControlPlaneCatalogueInput, type ControlPlaneDefinition } from './control-plane-catalogue.js';
import { CLIENT_GO_LEADERELECTION, CLIENT_GO_LEADERELECTION_SOURCE, K8S_ISSUE_KCM_NO_RELEASE, K8S_KCM_FLAGS, K8S_LEASES, K8S_SCHEDULER_FLAGS } from './sources.js';

/** Every guarantee id of the leader-election suite. */
export const LEADER_ELECTION_IDS = [
  'leader-election.single-active-instance',
  'leader-election.baseline-leases-held',
  'leader-election.abrupt-holder-death-hands-over',
  'leader-election.graceful-scheduler-stop-releases',
  'leader-election.graceful-controller-manager-stop',
  'leader-election.no-two-holders',
  'leader-election.work-continues-after-handover',
] as const;

/** A leader-election guarantee id. */
export type LeaderElectionGuaranteeId = (typeof LEADER_ELECTION_IDS)[number];

const DEFINITIONS: readonly ControlPlaneDefinition<LeaderElectionGuaranteeId>[] = [
  {
    id: 'leader-election.single-active-instance',
    statement:
      'A replicated kube-scheduler or kube-controller-manager runs with --leader-elect on every instance, all of them competing for one Lease, so exactly one instance acts at a time (judged from the static pod manifests before any fault).',
    source: K8S_SCHEDULER_FLAGS,
    alsoSee: [K8S_KCM_FLAGS, K8S_LEASES, CLIENT_GO_LEADERELECTION],
    thresholds: ['maxActiveInstances'],
    check: checkSingleActiveInstance,
  },
  {
    id: 'leader-election.baseline-leases-held',
    statement: 'Before any fault every leader-election Lease in kube-system has one holder that keeps renewing it, and every component running with --leader-elect has its Lease.',
    source: K8S_LEASES,
    alsoSee: [K8S_KCM_FLAGS, K8S_SCHEDULER_FLAGS],
    thresholds: ['minLeasePollsPerSecond'],
    check: checkLeasesHeldInBaseline,
  },
  {
    id: 'leader-election.abrupt-holder-death-hands-over',
    statement:
      'When a lease holder dies abruptly, another instance takes the lease once it has expired: within lease duration + 2 x retry period x (1 + jitter 1.2) of the death.',
    source: CLIENT_GO_LEADERELECTION,
    alsoSee: [CLIENT_GO_LEADERELECTION_SOURCE, K8S_KCM_FLAGS, K8S_SCHEDULER_FLAGS],
    thresholds: ['minLeasePollsPerSecond', 'maxAbruptHandoverMs'],
    check: checkAbruptHolderDeathHandsOver,
  },
  {
    id: 'leader-election.graceful-scheduler-stop-releases',
    statement: 'kube-scheduler releases its lease when stopped cleanly, so another instance takes it at its next retry instead of waiting for the lease to expire.',
    source: CLIENT_GO_LEADERELECTION,
    alsoSee: [CLIENT_GO_LEADERELECTION_SOURCE, K8S_SCHEDULER_FLAGS],
    thresholds: ['minLeasePollsPerSecond', 'maxReleaseHandoverMs', 'maxAbruptHandoverMs', 'clockSkewMs'],
    check: gracefulStop((ctx) => ctx.leases.scheduler, true),
  },
  {
    id: 'leader-election.graceful-controller-manager-stop',
    statement:
      'A cleanly stopped kube-controller-manager hands over its lease (reported: it does not release it, kubernetes#132599, so the handover waits for expiry; judged only against the expiry bound).',
    source: K8S_ISSUE_KCM_NO_RELEASE,
    alsoSee: [CLIENT_GO_LEADERELECTION, K8S_KCM_FLAGS],
    thresholds: ['minLeasePollsPerSecond', 'maxReleaseHandoverMs', 'maxAbruptHandoverMs', 'clockSkewMs'],
    check: gracefulStop((ctx) => ctx.leases.controllerManager, false),
  },
  {
    id: 'leader-election.no-two-holders',
    statement:
      'Never two holders at once: leaseTransitions only grows, every change of holder increments it, and a new holder acquires only after the previous holder’s lease expired or was released; and each instance’s own log agrees: every acquisition it logged is in the lease record, and no instance kept running as leader after another logged acquiring the lease.',
    source: CLIENT_GO_LEADERELECTION,
    alsoSee: [CLIENT_GO_LEADERELECTION_SOURCE, K8S_LEASES],
    thresholds: ['minLeasePollsPerSecond', 'clockSkewMs', 'maxObserverGapMs'],
    check: checkNoTwoHolders,
  },
  {
    id: 'leader-election.work-continues-after-handover',
    statement: 'The work continues after the handover: a pod created during the fault is scheduled, and a Deployment scaled during it gets its pods, once the new leader runs.',
    source: K8S_LEASES,
    alsoSee: [CLIENT_GO_LEADERELECTION],
    thresholds: ['maxWorkCompletionAfterFaultMs'],
    check: checkWorkContinuesAfterHandover,
  },
];

/** Builds the leader-election catalogue for one cluster. */
export function buildLeaderElectionCatalogue(input: ControlPlaneCatalogueInput): ControlPlaneCatalogue<LeaderElectionGuaranteeId> {
  const c = buildControlPlaneCatalogue('leader-election', DEFINITIONS, input);
  const perLease = Object.values(c.thresholds.perLease).map(
    (b) =>
      `${b.settings.component ?? b.lease} (Lease ${b.lease}): lease ${b.settings.leaseDurationMs / 1_000} s, renew deadline ${b.settings.renewDeadlineMs / 1_000} s, retry ${b.settings.retryPeriodMs / 1_000} s: an abrupt handover takes ${((b.settings.leaseDurationMs - b.settings.retryPeriodMs) / 1_000).toFixed(0)}-${(b.values.maxAbruptHandoverMs / 1_000).toFixed(1)} s, judged against its own bound.`,
  );
  const notes = [
    ...perLease,
    'Leader election has no fencing: a paused holder that resumes may act for up to one renew attempt before it notices it lost the lease. The lease records can show a violation of the rules, not the absence of a stale action.',
    ...componentElections(input.flags).flatMap((e) => (e.problem === undefined ? [] : [`${e.problem}: the cases that fault its lease holder cannot run (see leader-election.single-active-instance)`])),
  ];
  return { ...c, notes, configurationGuarantee: 'leader-election.single-active-instance' };
}
