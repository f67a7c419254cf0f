/**
 * The lb-failover suite's guarantees: kind's load-balancer container killed, or paused. It is the
 * single point of failure of a kind HA cluster, and the report says so in words.
 *
 * Ids are `<area>.<property>` and stable forever; never renumber or reuse one.
 */
import { checkApiDownViaLbWhileApiserversAnswer, checkApiRecoversAfterLb, checkNodesReadyWithinGrace, checkWorkloadKeepsServing } from './lb-checks.js';
import { checkApiSurvivesVipFailover, checkVipFailsOver } from './vip-checks.js';
import { buildControlPlaneCatalogue, type ControlPlaneCatalogue, type ControlPlaneCatalogueInput, type ControlPlaneDefinition } from './control-plane-catalogue.js';
import {
  HAPROXY_SERVER_OPTIONS, K8S_HA_TOPOLOGY, K8S_KCM_FLAGS, K8S_NODES, K8S_PR_NODE_MONITOR_GRACE_50S, K8S_TROUBLESHOOT_CLUSTER, KEEPALIVED_CONF_MANUAL, KIND_CONFIGURATION, KUBEADM_HA_CONSIDERATIONS, RFC_5798_VRRP_V3,
} from './sources.js';

/** Every guarantee id of the lb-failover suite. */
export const LB_FAILOVER_IDS = [
  'lb-failover.api-down-via-lb-while-apiservers-answer',
  'lb-failover.nodes-ready-within-grace',
  'lb-failover.workloads-keep-serving',
  'lb-failover.api-recovers-after-lb-returns',
  'lb-failover.vip-moves-within-vrrp-bound',
  'lb-failover.api-survives-vip-failover',
] as const;

/** An lb-failover guarantee id. */
export type LbFailoverGuaranteeId = (typeof LB_FAILOVER_IDS)[number];

const DEFINITIONS: readonly ControlPlaneDefinition<LbFailoverGuaranteeId>[] = [
  {
    id: 'lb-failover.api-down-via-lb-while-apiservers-answer',
    statement:
      'The load balancer is a single point of failure: while it is down no client reaches the API through it, although every apiserver still answers directly.',
    source: KIND_CONFIGURATION,
    alsoSee: [K8S_HA_TOPOLOGY],
    thresholds: ['minApiOpsPerSecond', 'minDirectOpsPerSecond', 'minOtherApiserversSuccessRatio', 'minAttemptsInWindow'],
    check: checkApiDownViaLbWhileApiserversAnswer,
  },
  {
    id: 'lb-failover.nodes-ready-within-grace',
    statement:
      'Kubelets that reach the API through the LB lose it, but nodes go NotReady only if the outage outlasts the node-monitor grace period (minus the last heartbeat’s age).',
    source: K8S_NODES,
    alsoSee: [K8S_KCM_FLAGS, K8S_PR_NODE_MONITOR_GRACE_50S],
    thresholds: ['minNodePollsPerSecond', 'maxOutageKeepingNodesReadyMs', 'minNotReadyAfterMs', 'maxNodesReadyAgainMs'],
    check: checkNodesReadyWithinGrace,
  },
  {
    id: 'lb-failover.workloads-keep-serving',
    statement: 'Existing pods and Services keep serving while the LB (and with it the API) is down.',
    source: K8S_TROUBLESHOOT_CLUSTER,
    thresholds: ['minHttpOpsPerSecond', 'minWorkloadSuccessRatio', 'minAttemptsInWindow'],
    check: checkWorkloadKeepsServing,
  },
  {
    id: 'lb-failover.api-recovers-after-lb-returns',
    statement: 'Once the LB is back the API answers through it again within a bound, and every node is Ready again.',
    source: HAPROXY_SERVER_OPTIONS,
    alsoSee: [K8S_NODES],
    thresholds: ['minApiOpsPerSecond', 'maxApiRecoveryAfterLbMs', 'maxNodesReadyAgainMs'],
    check: checkApiRecoversAfterLb,
  },
  {
    id: 'lb-failover.vip-moves-within-vrrp-bound',
    statement:
      'vip-pair front: when the LB host holding the VIP is lost, the other host takes the VIP and clients connect again within VRRP’s Master_Down_Interval (3 x advert_int + Skew_Time) when it is killed or frozen, and within Skew_Time when it stops cleanly (it sends priority 0).',
    source: RFC_5798_VRRP_V3,
    alsoSee: [KEEPALIVED_CONF_MANUAL, KUBEADM_HA_CONSIDERATIONS],
    thresholds: ['maxVipFailoverMs', 'maxVipCleanFailoverMs', 'minAttemptsInWindow'],
    check: checkVipFailsOver,
  },
  {
    id: 'lb-failover.api-survives-vip-failover',
    statement: 'vip-pair front: through the VIP the API is back within the failover bound plus one request deadline; losing one LB host is not an API outage.',
    source: KUBEADM_HA_CONSIDERATIONS,
    alsoSee: [RFC_5798_VRRP_V3],
    thresholds: ['maxApiOutageThroughVipMs', 'minAttemptsInWindow'],
    check: checkApiSurvivesVipFailover,
  },
];

/** Builds the lb-failover catalogue for one cluster. */
export function buildLbFailoverCatalogue(input: ControlPlaneCatalogueInput): ControlPlaneCatalogue<LbFailoverGuaranteeId> {
  const c = buildControlPlaneCatalogue('lb-failover', DEFINITIONS, input, []);
  const t = c.thresholds.values;
  const vrrp = input.flags.vrrp;
  const front =
    vrrp === undefined
      ? ['The load balancer is the single point of failure of a kind HA cluster: one container, no standby. While it is down, kubectl and every client outside the cluster lose the API although all apiservers run.']
      : [
          `vip-pair front: two LB hosts run haproxy and keepalived (VRRPv${vrrp.version}, advert_int ${vrrp.advertIntervalS} s, backup priority ${vrrp.backupPriority}${vrrp.preempt ? ', preemption on: the preferred host takes the VIP back when it returns' : ', nopreempt'}); losing the holder moves the VIP within ${Math.round(t.maxVipFailoverMs)} ms (${Math.round(t.maxVipCleanFailoverMs)} ms on a clean stop). "The load balancer" of the single-point-of-failure cases is both hosts at once.`,
        ];
  const notes = [
    ...front,
    'kubeadm points the control-plane nodes’ kubelets (and controller-manager, scheduler) at their local apiserver; only kubelets on workers, and kube-proxy, reach the API through the LB.',
    vrrp === undefined
      ? 'kind starts the LB container with restart policy on-failure:1: a killed LB is restarted once by docker; a paused one stays down until unpaused.'
      : 'The LB hosts run with --restart=no: a killed or stopped host stays down until the heal starts it.',
    `Nodes stay Ready through an LB outage shorter than ${Math.round(t.maxOutageKeepingNodesReadyMs / 1_000)} s (grace period ${Math.round(input.flags.nodeMonitor.gracePeriodMs / 1_000)} s).`,
  ];
  return { ...c, notes };
}
