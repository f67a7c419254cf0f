/**
 * The control-plane-node-loss suite's guarantees: a whole control-plane node container stopped or
 * paused (its etcd member, its apiserver, maybe a lease holder at once). A composite of the other
 * suites' guarantees, judged on the one history, plus the node's own lifecycle: NotReady after the
 * grace period, Ready again after the restart, and the same IP (kind#1689).
 *
 * Ids are `<area>.<property>` and stable forever; never renumber or reuse one.
 */
import type { Guarantee } from './catalogue.js';
import { buildEtcdQuorumCatalogue, type EtcdQuorumCatalogueInput } from './catalogue.js';
import { lbEjectsDeadApiserver } from './apiserver-checks.js';
import { workloadKeepsServing } from './lb-checks.js';
import { checkAbruptHolderDeathHandsOver } from './leader-election-checks.js';
import { checkNodeIpStable, checkNodeNotReadyAfterGrace, checkNodeRejoins, checkReturnDoesNotDisrupt } from './node-loss-checks.js';
import { buildControlPlaneCatalogue, type ControlPlaneCatalogue, type ControlPlaneCatalogueInput, type ControlPlaneDefinition } from './control-plane-catalogue.js';
import { CLIENT_GO_LEADERELECTION, ETCD_FAILURES, ETCD_FAQ, HAPROXY_SERVER_OPTIONS, K8S_HA_TOPOLOGY, K8S_KCM_FLAGS, K8S_NODES, K8S_TROUBLESHOOT_CLUSTER, KIND_ISSUE_NODE_IP_CHANGE, KIND_KNOWN_ISSUES } from './sources.js';

/** Every guarantee id of the control-plane-node-loss suite. */
export const CONTROL_PLANE_NODE_LOSS_IDS = [
  'control-plane-node-loss.etcd-keeps-quorum',
  'control-plane-node-loss.api-available-after-ejection',
  'control-plane-node-loss.leases-hand-over',
  'control-plane-node-loss.workloads-keep-serving',
  'control-plane-node-loss.node-not-ready-after-grace',
  'control-plane-node-loss.node-rejoins',
  'control-plane-node-loss.node-ip-stable',
  'control-plane-node-loss.return-does-not-disrupt',
] as const;

/** A control-plane-node-loss guarantee id. */
export type ControlPlaneNodeLossGuaranteeId = (typeof CONTROL_PLANE_NODE_LOSS_IDS)[number];

/** Input: the control-plane flags, plus the etcd timers for the quorum part. */
export interface ControlPlaneNodeLossCatalogueInput extends ControlPlaneCatalogueInput {
  /** The etcd-quorum catalogue's input (member timers, probe settings): the quorum check is etcd-quorum's. */
  readonly etcd: EtcdQuorumCatalogueInput;
}

const DEFINITIONS: readonly ControlPlaneDefinition<Exclude<ControlPlaneNodeLossGuaranteeId, 'control-plane-node-loss.etcd-keeps-quorum'>>[] = [
  {
    id: 'control-plane-node-loss.api-available-after-ejection',
    statement:
      'With a whole control-plane node gone, the LB ejects its apiserver (each health check now runs to its timeout) and the API answers through the LB from then on.',
    source: HAPROXY_SERVER_OPTIONS,
    alsoSee: [K8S_HA_TOPOLOGY],
    thresholds: ['minApiOpsPerSecond', 'minLbPollsPerSecond', 'maxEjectionSilentMs', 'minSuccessRatioAfterEjection'],
    check: lbEjectsDeadApiserver(true),
  },
  {
    id: 'control-plane-node-loss.leases-hand-over',
    statement: 'Every lease held on the lost node is taken over within lease duration + 2 x retry period x (1 + jitter).',
    source: CLIENT_GO_LEADERELECTION,
    thresholds: ['minLeasePollsPerSecond', 'maxAbruptHandoverMs'],
    check: checkAbruptHolderDeathHandsOver,
  },
  {
    id: 'control-plane-node-loss.workloads-keep-serving',
    statement: 'Pods on the surviving nodes keep serving while a control-plane node is gone (from the fault until the node is brought back; its return is judged by return-does-not-disrupt).',
    source: K8S_TROUBLESHOOT_CLUSTER,
    thresholds: ['minHttpOpsPerSecond', 'minWorkloadSuccessRatio', 'minAttemptsInWindow'],
    check: workloadKeepsServing((f, h) => ({ startMs: f.issuedAtMs, endMs: f.healIssuedAtMs ?? f.healedAtMs ?? h.endMs() }), 'while the node was gone'),
  },
  {
    id: 'control-plane-node-loss.node-not-ready-after-grace',
    statement: 'The lost node is marked NotReady once its heartbeats have been missing for the node-monitor grace period: not before, and not much after.',
    source: K8S_NODES,
    alsoSee: [K8S_KCM_FLAGS],
    thresholds: ['minNodePollsPerSecond', 'minNotReadyAfterMs', 'maxNotReadyAfterMs'],
    check: checkNodeNotReadyAfterGrace,
  },
  {
    id: 'control-plane-node-loss.node-rejoins',
    statement: 'After the node is restarted it is Ready again within a bound, the LB serves its apiserver again, and its etcd member follows the leader.',
    source: K8S_NODES,
    alsoSee: [ETCD_FAILURES],
    thresholds: ['minNodePollsPerSecond', 'maxNodeRejoinMs'],
    check: checkNodeRejoins,
  },
  {
    id: 'control-plane-node-loss.node-ip-stable',
    statement:
      'A restarted kind node keeps its IP; kind#1689: docker may hand it another, which breaks the etcd peer URLs and --advertise-address in its manifests (reported as a finding, never waited on).',
    source: KIND_ISSUE_NODE_IP_CHANGE,
    alsoSee: [KIND_KNOWN_ISSUES],
    thresholds: [],
    check: checkNodeIpStable,
  },
  {
    id: 'control-plane-node-loss.return-does-not-disrupt',
    statement:
      'When the lost node comes back, nothing else is disturbed: every other node stays Ready and the workload keeps answering. A paused node is the hard case: its kube-controller-manager resumes believing it still leads and acts on a cache as old as the pause until its first renewal fails. client-go leader election does not fence a stale leader, so a disturbance after a controller-manager leader on the node was replaced is reported as a finding (upstream allows it); any other disturbance fails.',
    source: CLIENT_GO_LEADERELECTION,
    alsoSee: [K8S_TROUBLESHOOT_CLUSTER, K8S_NODES],
    thresholds: ['minNodePollsPerSecond', 'minHttpOpsPerSecond', 'minWorkloadSuccessRatio'],
    check: checkReturnDoesNotDisrupt,
  },
];

/** Builds the control-plane-node-loss catalogue (the quorum guarantee is etcd-quorum's minority-loss check). */
export function buildControlPlaneNodeLossCatalogue(input: ControlPlaneNodeLossCatalogueInput): ControlPlaneCatalogue<ControlPlaneNodeLossGuaranteeId> {
  const etcd = buildEtcdQuorumCatalogue(input.etcd).get('etcd-quorum.minority-loss-keeps-writes');
  const quorum: Guarantee = {
    ...etcd,
    id: 'control-plane-node-loss.etcd-keeps-quorum',
    statement: `With one control-plane node (and its etcd member) gone, etcd keeps quorum and writes continue through the others. (Judged as ${etcd.id}.)`,
    source: ETCD_FAQ,
    alsoSee: [ETCD_FAILURES],
    // The etcd check reports under the guarantee it is given, so the verdict carries this id.
    check: (history, g) => etcd.check(history, g),
  };
  const c = buildControlPlaneCatalogue<ControlPlaneNodeLossGuaranteeId>('control-plane-node-loss', DEFINITIONS, input, [], [quorum]);
  const notes = [
    'Losing a control-plane node takes its etcd member, its apiserver, its controller-manager and scheduler (maybe lease holders) at once; each part is judged by the guarantee of the suite it belongs to.',
    `kind#1689: docker may give a restarted node container a new IP; the node then cannot rejoin (etcd peer URLs, --advertise-address). The suite reports it instead of waiting.`,
  ];
  return { ...c, notes };
}
