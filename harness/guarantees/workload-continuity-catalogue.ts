/**
 * The workload-continuity suite's guarantees: a Deployment on the worker(s) behind a NodePort keeps
 * serving while all apiservers are down, while etcd has lost quorum, and while the LB is down, each
 * held shorter than the node-monitor grace period; what stops working is asserted too; and after
 * recovery the workload is the same set of pods.
 *
 * Ids are `<area>.<property>` and stable forever; never renumber or reuse one.
 */
import { checkControlPlaneWritesRefused, checkNoPodDisruption, checkWorkloadServesThroughOutage } from './workload-checks.js';
import { buildControlPlaneCatalogue, type ControlPlaneCatalogue, type ControlPlaneCatalogueInput, type ControlPlaneDefinition } from './control-plane-catalogue.js';
import { K8S_DISRUPTIONS, K8S_NODES, K8S_TROUBLESHOOT_CLUSTER } from './sources.js';

/** Every guarantee id of the workload-continuity suite. */
export const WORKLOAD_CONTINUITY_IDS = [
  'workload-continuity.serves-through-control-plane-outage',
  'workload-continuity.control-plane-writes-refused',
  'workload-continuity.no-pod-disruption',
] as const;

/** A workload-continuity guarantee id. */
export type WorkloadContinuityGuaranteeId = (typeof WORKLOAD_CONTINUITY_IDS)[number];

const DEFINITIONS: readonly ControlPlaneDefinition<WorkloadContinuityGuaranteeId>[] = [
  {
    id: 'workload-continuity.serves-through-control-plane-outage',
    statement:
      'Existing pods and Services keep working while the control plane is down (all apiservers, etcd quorum, or the LB), as long as the outage is shorter than the node-monitor grace period.',
    source: K8S_TROUBLESHOOT_CLUSTER,
    alsoSee: [K8S_NODES],
    thresholds: ['minHttpOpsPerSecond', 'minWorkloadSuccessRatio', 'minAttemptsInWindow', 'maxOutageKeepingNodesReadyMs'],
    check: checkWorkloadServesThroughOutage,
  },
  {
    id: 'workload-continuity.control-plane-writes-refused',
    statement: 'What stops working while the control plane is down: nothing can be created, updated or deleted (creating a pod fails).',
    source: K8S_TROUBLESHOOT_CLUSTER,
    thresholds: ['minAttemptsInWindow'],
    check: checkControlPlaneWritesRefused,
  },
  {
    id: 'workload-continuity.no-pod-disruption',
    statement: 'After recovery the workload is undisturbed: no pod restarted, none was evicted or replaced, no extra replicas appeared.',
    source: K8S_DISRUPTIONS,
    alsoSee: [K8S_TROUBLESHOOT_CLUSTER, K8S_NODES],
    thresholds: [],
    check: checkNoPodDisruption,
  },
];

/** Builds the workload-continuity catalogue for one cluster. */
export function buildWorkloadContinuityCatalogue(input: ControlPlaneCatalogueInput): ControlPlaneCatalogue<WorkloadContinuityGuaranteeId> {
  const c = buildControlPlaneCatalogue('workload-continuity', DEFINITIONS, input);
  const notes = [
    `Each outage must be held under ${Math.round(c.thresholds.values.maxOutageKeepingNodesReadyMs / 1_000)} s: longer, and nodes behind the LB go NotReady, after which the default 300 s tolerations start evicting pods.`,
    'Hold an LB outage with a pause (a killed LB is restarted by docker, restart policy on-failure:1), or writes can succeed inside the window.',
  ];
  return { ...c, notes };
}
