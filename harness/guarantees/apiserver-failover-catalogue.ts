/**
 * The apiserver-failover suite's guarantees: one kube-apiserver killed (the kubelet restarts its
 * static pod) or held down (its manifest moved away), and all of them down at once.
 *
 *   const c = buildApiserverFailoverCatalogue({ flags, nodeIps, apiservers });
 *   const G = c.get('apiserver-failover.lb-ejects-dead-apiserver');
 *   const v = G.check(history, G);
 *
 * Ids are `<area>.<property>` and stable forever; never renumber or reuse one.
 */
import {
  checkAllApiserversDown,
  checkApiserverBaselineHealthy,
  checkEndpointsTrackApiservers,
  checkEtcdMemberLossKeepsApiservers,
  checkOnlyFaultedApiserverDown,
  checkStaticPodRestarts,
  lbEjectsDeadApiserver,
} from './apiserver-checks.js';
import type { EtcdPlacement } from '../cluster/layout.js';
import { buildControlPlaneCatalogue, type ControlPlaneCatalogue, type ControlPlaneCatalogueInput, type ControlPlaneDefinition } from './control-plane-catalogue.js';
import {
  HAPROXY_SERVER_OPTIONS,
  K8S_APISERVER_FLAGS,
  K8S_ENDPOINT_RECONCILER_SOURCE,
  K8S_HA_TOPOLOGY,
  K8S_LEASE_RECONCILER_SOURCE,
  K8S_POD_LIFECYCLE,
  K8S_STATIC_PODS,
  K8S_TROUBLESHOOT_CLUSTER,
  KIND_CONFIGURATION,
} from './sources.js';

/** Every guarantee id of the apiserver-failover suite. */
export const APISERVER_FAILOVER_IDS = [
  'apiserver-failover.baseline-healthy',
  'apiserver-failover.lb-ejects-dead-apiserver',
  'apiserver-failover.only-faulted-apiserver-down',
  'apiserver-failover.static-pod-restarts',
  'apiserver-failover.endpoints-track-apiservers',
  'apiserver-failover.all-apiservers-down-api-unavailable',
  'apiserver-failover.etcd-member-loss-keeps-apiservers',
] as const;

/** An apiserver-failover guarantee id. */
export type ApiserverFailoverGuaranteeId = (typeof APISERVER_FAILOVER_IDS)[number];

const RATES = ['minApiOpsPerSecond', 'minLbPollsPerSecond'] as const;

const DEFINITIONS: readonly ControlPlaneDefinition<ApiserverFailoverGuaranteeId>[] = [
  {
    id: 'apiserver-failover.baseline-healthy',
    statement: 'Before any fault every apiserver answers /readyz, the load balancer routes to each of them, and default/kubernetes lists each.',
    source: K8S_HA_TOPOLOGY,
    alsoSee: [KIND_CONFIGURATION],
    thresholds: [...RATES, 'minDirectOpsPerSecond', 'minEndpointsPollsPerSecond', 'minBaselineSuccessRatio'],
    check: checkApiserverBaselineHealthy,
  },
  {
    id: 'apiserver-failover.lb-ejects-dead-apiserver',
    statement:
      'The apiserver is stateless behind a load balancer: when one dies, the LB’s health check ejects it within inter + (fall - 1) x fastinter, and from then on the API answers through the LB.',
    source: HAPROXY_SERVER_OPTIONS,
    alsoSee: [K8S_HA_TOPOLOGY, KIND_CONFIGURATION],
    thresholds: [...RATES, 'maxEjectionMs', 'minSuccessRatioAfterEjection'],
    check: lbEjectsDeadApiserver(false),
  },
  {
    id: 'apiserver-failover.only-faulted-apiserver-down',
    statement: 'The apiservers are independent: while one is down, the others keep answering and accepting writes directly.',
    source: K8S_HA_TOPOLOGY,
    thresholds: ['minDirectOpsPerSecond', 'minOtherApiserversSuccessRatio', 'minAttemptsInWindow'],
    check: checkOnlyFaultedApiserverDown,
  },
  {
    id: 'apiserver-failover.static-pod-restarts',
    statement: 'The kubelet restarts a killed kube-apiserver static pod (and starts it again once its manifest is back); it answers /readyz again within a bound.',
    source: K8S_STATIC_PODS,
    alsoSee: [K8S_POD_LIFECYCLE],
    thresholds: ['minDirectOpsPerSecond', 'maxStaticPodRestartMs'],
    check: checkStaticPodRestarts,
  },
  {
    id: 'apiserver-failover.endpoints-track-apiservers',
    statement:
      'The default/kubernetes endpoints (the lease reconciler) drop a dead apiserver once its 15 s lease expires and the next 10 s reconcile runs, keep the live ones, and list it again once it is back.',
    source: K8S_APISERVER_FLAGS,
    alsoSee: [K8S_ENDPOINT_RECONCILER_SOURCE, K8S_LEASE_RECONCILER_SOURCE],
    thresholds: ['minDirectOpsPerSecond', 'minEndpointsPollsPerSecond', 'maxEndpointDropMs', 'maxEndpointRegainMs'],
    check: checkEndpointsTrackApiservers,
  },
  {
    id: 'apiserver-failover.all-apiservers-down-api-unavailable',
    statement:
      'With every apiserver down the API is unavailable (nothing can be created, changed or deleted), while existing pods and Services keep working.',
    source: K8S_TROUBLESHOOT_CLUSTER,
    thresholds: ['minAttemptsInWindow'],
    check: checkAllApiserversDown,
  },
  {
    id: 'apiserver-failover.etcd-member-loss-keeps-apiservers',
    statement:
      'With an external etcd cluster the control plane and etcd are decoupled: losing an etcd member takes no apiserver down (each lists every member in --etcd-servers); every apiserver keeps answering /readyz and requests through the LB keep succeeding. Judged only when etcd is external.',
    source: K8S_HA_TOPOLOGY,
    thresholds: ['minApiOpsPerSecond', 'minDirectOpsPerSecond', 'minOtherApiserversSuccessRatio', 'minAttemptsInWindow'],
    check: checkEtcdMemberLossKeepsApiservers,
  },
];

/** Pure: why the etcd-member-loss guarantee is not judged on this layout, or undefined when it is. */
export function etcdMemberLossNotJudgedReason(etcd: EtcdPlacement | undefined): string | undefined {
  return etcd === undefined || etcd.mode === 'stacked'
    ? 'apiserver-failover.etcd-member-loss-keeps-apiservers is not judged on stacked etcd: kubeadm points each apiserver at its local member only (--etcd-servers=https://127.0.0.1:2379), so losing a member takes that apiserver down by design (the coupling kubeadm\'s HA topology page names); the LB ejection cases cover what clients see'
    : undefined;
}

/** Builds the apiserver-failover catalogue for one cluster. */
export function buildApiserverFailoverCatalogue(input: ControlPlaneCatalogueInput): ControlPlaneCatalogue<ApiserverFailoverGuaranteeId> {
  const notJudged = etcdMemberLossNotJudgedReason(input.etcdPlacement);
  const notes = [
    input.etcdPlacement?.mode === 'external'
      ? `etcd is external (${input.etcdPlacement.members} members): every apiserver lists all of them in --etcd-servers, so losing a member must take no apiserver down (judged).`
      : 'kubeadm points each apiserver at its local etcd member only (--etcd-servers=https://127.0.0.1:2379): an apiserver whose etcd is down fails /healthz, and the LB ejects it like a dead one.',
    ...(notJudged === undefined ? [] : [notJudged]),
    'kind’s haproxy checks GET /healthz on each apiserver; the ejection bound uses the inter/fall/fastinter actually configured.',
  ];
  if (input.flags.endpointReconciler.type !== 'lease') {
    notes.push(`the apiservers run --endpoint-reconciler-type=${input.flags.endpointReconciler.type}: the endpoints guarantee cannot be judged`);
  }
  return buildControlPlaneCatalogue('apiserver-failover', DEFINITIONS, input, notes);
}
