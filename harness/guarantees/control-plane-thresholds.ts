/**
 * Numeric bounds for the control-plane failover guarantees (apiserver, load balancer, leader
 * election, workload continuity, whole-node loss), derived from the flags the cluster actually runs
 * with and from the probes' cadence, each with one sentence saying where the number comes from (the
 * report prints it).
 *
 * Allowances for what is outside the component's control (a busy 2-core machine, container start-up)
 * are named and stated, never folded silently into a bound.
 */
import {
  LEADER_ELECTION_DEFAULTS,
  LEADER_ELECTION_JITTER_FACTOR,
  type EndpointReconcilerTimings,
  type KubeletHeartbeatTimings,
  type LeaderElectionTimings,
  type NodeMonitorTimings,
  type ValueSource,
} from './component-flags.js';
import type { HaproxyCheckTimings } from './haproxy-config.js';
import { vrrpMasterDownMs, vrrpSkewMs, type VrrpTimings } from './keepalived-config.js';

/**
 * One Lease's leader-election settings: the timings of the component instances that elect on it, and
 * (when read from the cluster) which component that is, where each value came from, and which of its
 * instances run with leader election on or off. Hand-built flags in tests may leave the optional
 * parts out.
 */
export interface LeaseElectionSettings extends LeaderElectionTimings {
  /** The component whose instances elect on this Lease, e.g. 'kube-controller-manager'. */
  readonly component?: string;
  /** 'flag' when any instance sets the value on its command line, else 'default'. */
  readonly sources?: Readonly<Record<'enabled' | 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs', ValueSource>>;
  /** Nodes whose instance runs with --leader-elect on (it competes for this Lease). */
  readonly electingNodes?: readonly string[];
  /** Nodes whose instance runs with --leader-elect=false: it acts whether or not anyone holds the Lease. */
  readonly nonElectingNodes?: readonly string[];
}

/** The cluster's settings the bounds depend on (parse them with component-flags.ts / haproxy-config.ts). */
export interface ControlPlaneFlags {
  /** Lease name -> the leader-election settings of the component holding it (other leases: client-go defaults). */
  readonly leaderElection: Readonly<Record<string, LeaseElectionSettings>>;
  readonly nodeMonitor: NodeMonitorTimings;
  readonly kubelet: Pick<KubeletHeartbeatTimings, 'nodeStatusUpdateFrequencyMs' | 'nodeLeaseRenewIntervalMs'>;
  readonly haproxy: HaproxyCheckTimings;
  readonly endpointReconciler: Pick<EndpointReconcilerTimings, 'type' | 'leaseTtlMs' | 'intervalMs'>;
  /** A vip-pair front's VRRP timings, from the LB hosts' keepalived.conf (keepalived-config.ts). */
  readonly vrrp?: VrrpTimings;
}

/** How the probes were configured (they set each measurement's resolution). */
export interface ControlPlaneProbeSettings {
  /** Through-LB API probes (api-write, api-read) interval. */
  readonly apiIntervalMs: number;
  /** Per-apiserver /readyz interval. */
  readonly directIntervalMs: number;
  /** Deadline of every API request. */
  readonly requestTimeoutMs: number;
  readonly leaseIntervalMs: number;
  readonly lbPollIntervalMs: number;
  readonly endpointsIntervalMs: number;
  readonly nodeIntervalMs: number;
  readonly httpIntervalMs: number;
}

/** The probes' default cadence (what the probe factories default to). */
export const DEFAULT_CONTROL_PLANE_PROBES: ControlPlaneProbeSettings = {
  apiIntervalMs: 100,
  directIntervalMs: 100,
  requestTimeoutMs: 1_000,
  leaseIntervalMs: 200,
  lbPollIntervalMs: 200,
  endpointsIntervalMs: 500,
  nodeIntervalMs: 500,
  httpIntervalMs: 100,
};

/**
 * The VIP probe's cadence (harness/probes/vip-probe.ts): TCP connects to VIP:6443 from 4 staggered
 * workers with a 200 ms deadline, each every 160 ms, and a 1 Hz poll of who holds the VIP. It sets
 * the resolution a failover is measured to, so the VIP bounds include it. The owner poll is a
 * `docker exec` per LB host: at 5 Hz those ten execs a second starved the other probes on this
 * 2-core host (the workload probe fell to 4-7/s of its 10/s, measured 2026-12-07).
 */
export const VIP_PROBE_SETTINGS = { connectWorkers: 4, connectIntervalMs: 160, connectTimeoutMs: 200, ownerIntervalMs: 1_000 } as const;

/** Slack for things outside the components' control, stated so a reader can argue with it. */
export interface ControlPlaneAllowances {
  /** Docker, kubelet and host scheduling jitter on a busy machine. */
  readonly schedulingMs: number;
  /** Fraction of isolated request failures tolerated where "everything keeps working" is judged. */
  readonly ratioSlack: number;
  /** A probe must reach this fraction of its configured rate in the baseline. */
  readonly minRateFraction: number;
  /** Success ratio required of each apiserver in the baseline. */
  readonly baselineMinSuccessRatio: number;
  /** Attempts needed inside a window for "none succeeded" to mean anything. */
  readonly minAttemptsInWindow: number;
  /** kube-apiserver from process start to /readyz ok (etcd connection, post-start hooks, caches). */
  readonly staticPodStartupMs: number;
  /** The kubelet's first crash back-off for a container (10 s; it doubles on repeated crashes within 10 min). */
  readonly crashBackoffMs: number;
  /** How long the kubelet may take to notice a manifest put back (its file check period, 20 s). */
  readonly kubeletManifestCheckMs: number;
  /** A component's clean shutdown (SIGTERM to exit, lease release included). */
  readonly gracefulShutdownMs: number;
  /** Clock skew between control-plane nodes (kind nodes share the host's clock). */
  readonly clockSkewMs: number;
  /** The kubelet's node-lease retry back-off ceiling after the API returns (component-helpers: 7 s). */
  readonly kubeletLeaseBackoffMs: number;
  /** A stopped kind node container: start, systemd, kubelet, static pods, node status Ready. */
  readonly nodeBootMs: number;
  /** The controllers' own work once a leader runs: bind a pod, or create and bind a ReplicaSet's pods. */
  readonly workMs: number;
  /** The workload must answer at least this fraction of requests through a control-plane outage. */
  readonly workloadMinSuccessRatio: number;
  /** The LB container coming back (docker restart or unpause) and resolving its backends' names. */
  readonly lbRestartMs: number;
}

/** Defaults of the allowances. */
export const DEFAULT_CONTROL_PLANE_ALLOWANCES: ControlPlaneAllowances = {
  schedulingMs: 1_000,
  ratioSlack: 0.02,
  minRateFraction: 0.9,
  baselineMinSuccessRatio: 0.99,
  minAttemptsInWindow: 10,
  staticPodStartupMs: 60_000,
  crashBackoffMs: 10_000,
  kubeletManifestCheckMs: 20_000,
  gracefulShutdownMs: 2_000,
  clockSkewMs: 500,
  kubeletLeaseBackoffMs: 7_000,
  nodeBootMs: 120_000,
  workMs: 10_000,
  workloadMinSuccessRatio: 1,
  lbRestartMs: 3_000,
};

/** Every derived bound (ms unless the name says otherwise). */
export interface ControlPlaneThresholds {
  readonly minApiOpsPerSecond: number;
  readonly minDirectOpsPerSecond: number;
  readonly minLeasePollsPerSecond: number;
  readonly minLbPollsPerSecond: number;
  readonly minEndpointsPollsPerSecond: number;
  readonly minNodePollsPerSecond: number;
  readonly minHttpOpsPerSecond: number;
  readonly minBaselineSuccessRatio: number;
  readonly minAttemptsInWindow: number;
  /** Fault -> haproxy shows the dead apiserver DOWN, when its checks fail at once (refused, HTTP 500). */
  readonly maxEjectionMs: number;
  /** The same when the backend is silent (paused or vanished node): each check runs to its timeout. */
  readonly maxEjectionSilentMs: number;
  /** Through-LB success ratio once the dead apiserver is ejected, until the heal. */
  readonly minSuccessRatioAfterEjection: number;
  /** The other apiservers' /readyz success ratio while one is down. */
  readonly minOtherApiserversSuccessRatio: number;
  /** Fault (kill) or heal (manifest back) -> the apiserver answers /readyz again. */
  readonly maxStaticPodRestartMs: number;
  /** Apiserver down -> its address gone from default/kubernetes. */
  readonly maxEndpointDropMs: number;
  /** Apiserver ready again -> its address back in default/kubernetes. */
  readonly maxEndpointRegainMs: number;
  /** LB back -> first successful request through it. */
  readonly maxApiRecoveryAfterLbMs: number;
  /** The longest API outage (from a kubelet's view) after which every node is still Ready. */
  readonly maxOutageKeepingNodesReadyMs: number;
  /** Lost heartbeat -> NotReady can be observed no earlier than this. */
  readonly minNotReadyAfterMs: number;
  /** Lost heartbeat -> NotReady observed at the latest. */
  readonly maxNotReadyAfterMs: number;
  /** Node back (container running again) -> Ready observed. */
  readonly maxNodeRejoinMs: number;
  /** API back -> every node Ready again. */
  readonly maxNodesReadyAgainMs: number;
  /** Abrupt death of a lease holder -> a new holder observed. */
  readonly maxAbruptHandoverMs: number;
  /** Clean stop of a holder that releases its lease -> a new holder observed. */
  readonly maxReleaseHandoverMs: number;
  /** How long the lease observer may be blind right before a handover for it to be verified. */
  readonly maxObserverGapMs: number;
  /** Skew allowed when comparing acquireTime and renewTime written by different nodes. */
  readonly clockSkewMs: number;
  /** Fault -> work started during it (pod scheduled, deployment scaled) observed done. */
  readonly maxWorkCompletionAfterFaultMs: number;
  readonly minWorkloadSuccessRatio: number;
  /** vip-pair: the master LB host lost (killed, frozen) -> clients connect to the VIP again (0 without a vip-pair). */
  readonly maxVipFailoverMs: number;
  /** vip-pair: the master stopped cleanly (priority-0 advertisement) -> clients connect again. */
  readonly maxVipCleanFailoverMs: number;
  /** vip-pair: the longest API outage through the VIP while it fails over (a request in flight waits out its deadline). */
  readonly maxApiOutageThroughVipMs: number;
  /** Instances of one leader-electing component that may act at once. */
  readonly maxActiveInstances: number;
}

/** The bounds that follow one Lease's own leader-election flags (judged per lease, never across them). */
export const LEASE_BOUND_NAMES = ['maxAbruptHandoverMs', 'maxReleaseHandoverMs', 'maxWorkCompletionAfterFaultMs'] as const;
/** A bound that is derived per Lease. */
export type LeaseBoundName = (typeof LEASE_BOUND_NAMES)[number];
/** One Lease's bounds. */
export type LeaseBounds = Readonly<Record<LeaseBoundName, number>>;

/** One Lease's bounds, how each was derived, and the settings they came from. */
export interface DerivedLeaseBounds {
  readonly lease: string;
  readonly settings: LeaseElectionSettings;
  readonly values: LeaseBounds;
  /** Where the settings came from, then the arithmetic. */
  readonly derivation: Readonly<Record<LeaseBoundName, string>>;
  /** The arithmetic alone. */
  readonly arithmetic: Readonly<Record<LeaseBoundName, string>>;
}

/** The threshold key of a per-lease bound: `maxAbruptHandoverMs.kube-scheduler`. */
export function leaseBoundKey(name: LeaseBoundName, lease: string): string {
  return `${name}.${lease}`;
}

/** Thresholds plus one sentence per threshold. */
export interface DerivedControlPlaneThresholds {
  readonly values: ControlPlaneThresholds;
  readonly derivation: Readonly<Record<keyof ControlPlaneThresholds, string>>;
  readonly flags: ControlPlaneFlags;
  readonly probes: ControlPlaneProbeSettings;
  readonly allowances: ControlPlaneAllowances;
  /**
   * The timings assumed for a lease whose component's flags were not read (client-go's defaults):
   * what the generic maxAbruptHandoverMs / maxReleaseHandoverMs / maxWorkCompletionAfterFaultMs use.
   */
  readonly leaderElection: LeaderElectionTimings;
  /** Lease name -> its own bounds, from its own component's flags (every lease elected on). */
  readonly perLease: Readonly<Record<string, DerivedLeaseBounds>>;
}

/** The slowest leader-election timings across components (client-go defaults when none is given). */
export function worstLeaderElection(byLease: Readonly<Record<string, LeaderElectionTimings>>): LeaderElectionTimings {
  const all = Object.values(byLease).filter((t) => t.enabled);
  if (all.length === 0) {
    return LEADER_ELECTION_DEFAULTS;
  }
  return {
    enabled: true,
    leaseDurationMs: Math.max(...all.map((t) => t.leaseDurationMs)),
    renewDeadlineMs: Math.max(...all.map((t) => t.renewDeadlineMs)),
    retryPeriodMs: Math.max(...all.map((t) => t.retryPeriodMs)),
  };
}

function describeSettings(lease: string, t: LeaseElectionSettings): string {
  const src = (k: 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'): string => (t.sources === undefined ? '' : ` (${t.sources[k]})`);
  const who = t.component === undefined ? `lease ${lease}` : `${t.component} (lease ${lease}${t.electingNodes === undefined ? '' : `, ${t.electingNodes.length} electing instance(s)`})`;
  return `${who}: lease duration ${t.leaseDurationMs}${src('leaseDurationMs')}, renew deadline ${t.renewDeadlineMs}${src('renewDeadlineMs')}, retry ${t.retryPeriodMs}${src('retryPeriodMs')}`;
}

/**
 * The bounds of one Lease from its own component's timings (see deriveControlPlaneThresholds for the
 * reasoning): a scheduler is judged against the scheduler's flags, a controller-manager against its own.
 */
export function deriveLeaseBounds(
  lease: string,
  settings: LeaseElectionSettings,
  probes: ControlPlaneProbeSettings = DEFAULT_CONTROL_PLANE_PROBES,
  allowances: Partial<ControlPlaneAllowances> = {},
): DerivedLeaseBounds {
  const a: ControlPlaneAllowances = { ...DEFAULT_CONTROL_PLANE_ALLOWANCES, ...allowances };
  const s = a.schedulingMs;
  const jitter = LEADER_ELECTION_JITTER_FACTOR;
  const maxRetryTry = settings.retryPeriodMs * (1 + jitter);
  const maxAbruptHandoverMs = settings.leaseDurationMs + 2 * maxRetryTry + probes.leaseIntervalMs + probes.requestTimeoutMs + s;
  const values: LeaseBounds = {
    maxAbruptHandoverMs,
    maxReleaseHandoverMs: a.gracefulShutdownMs + maxRetryTry + probes.leaseIntervalMs + probes.requestTimeoutMs + s,
    maxWorkCompletionAfterFaultMs: maxAbruptHandoverMs + a.workMs,
  };
  const arithmetic: Record<LeaseBoundName, string> = {
      maxAbruptHandoverMs: `lease duration ${settings.leaseDurationMs} + 2 x retry ${settings.retryPeriodMs} x (1 + jitter ${jitter}) (last renewal seen one try late, expiry noticed one try late) + lease poll ${probes.leaseIntervalMs} + request timeout ${probes.requestTimeoutMs} + scheduling ${s}`,
      maxReleaseHandoverMs: `clean shutdown ${a.gracefulShutdownMs} + retry ${settings.retryPeriodMs} x (1 + jitter ${jitter}) (a released lease is taken at the next try) + lease poll ${probes.leaseIntervalMs} + request timeout ${probes.requestTimeoutMs} + scheduling ${s}`,
      maxWorkCompletionAfterFaultMs: `abrupt handover bound ${maxAbruptHandoverMs} + the controllers' own work ${a.workMs}`,
  };
  const from = describeSettings(lease, settings);
  const derivation = Object.fromEntries(LEASE_BOUND_NAMES.map((k) => [k, `${from}; ${arithmetic[k]}`])) as Record<LeaseBoundName, string>;
  return { lease, settings, values, derivation, arithmetic };
}

/**
 * Derives every bound. The reasoning behind the less obvious ones:
 *
 * - Ejection: haproxy checks a healthy server every `inter`; once a check fails it checks every
 *   `fastinter` and marks the server DOWN after `fall` consecutive failures. The first failing check
 *   starts at most `inter` after the fault, so DOWN comes within inter + (fall - 1) x fastinter when
 *   checks fail at once, plus `fall` check durations when each check has to time out.
 * - Abrupt handover (client-go leaderelection): a candidate retries every retry x [1, 1 + 1.2). It
 *   may first see the holder's last renewal up to one such interval after it happened, must then
 *   wait leaseDuration, and tries again up to one interval after that: lease + 2 x retry x 2.2
 *   (15 + 8.8 = 23.8 s with the defaults; FACTS: "~19-24 s").
 * - Release handover: a released lease (no holder) is taken at a candidate's next try: retry x 2.2.
 * - Endpoints: each apiserver refreshes its lease in etcd every 10 s with a 15 s TTL; a dead one's
 *   lease expires <= 15 s after its death, and a live apiserver rewrites the endpoints within its
 *   next 10 s interval.
 * - NotReady: the node controller marks a node Unknown when it has seen no heartbeat (node lease
 *   renewal, every 10 s) for the grace period. The last heartbeat came at most one renew interval
 *   before the fault, so NotReady cannot come before grace - renew interval; the controller notices a
 *   renewal only at its next monitor tick and checks once per tick, so it comes by grace + 2 x period.
 * - Nodes stay Ready if the kubelet renews again (its retries back off up to 7 s) before
 *   grace - renew interval after the fault.
 */
export function deriveControlPlaneThresholds(
  flags: ControlPlaneFlags,
  probes: ControlPlaneProbeSettings = DEFAULT_CONTROL_PLANE_PROBES,
  allowances: Partial<ControlPlaneAllowances> = {},
): DerivedControlPlaneThresholds {
  const a: ControlPlaneAllowances = { ...DEFAULT_CONTROL_PLANE_ALLOWANCES, ...allowances };
  for (const [k, v] of Object.entries(probes)) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new RangeError(`probe setting ${k} must be a positive number, got ${v}`);
    }
  }
  // Leases whose component's flags were not read are judged with client-go's defaults; every lease
  // that was read gets its own bounds (perLease), so one component's long lease never loosens another's.
  const le = LEADER_ELECTION_DEFAULTS;
  const generic = deriveLeaseBounds('(any other)', le, probes, a);
  const perLease: Record<string, DerivedLeaseBounds> = {};
  for (const [lease, t] of Object.entries(flags.leaderElection)) {
    if (t.enabled) {
      perLease[lease] = deriveLeaseBounds(lease, t, probes, a);
    }
  }
  const minRetry = Math.min(...[worstLeaderElection(flags.leaderElection), ...Object.values(flags.leaderElection).filter((t) => t.enabled)].map((t) => t.retryPeriodMs));
  const hp = flags.haproxy;
  const nm = flags.nodeMonitor;
  const kl = flags.kubelet;
  const ep = flags.endpointReconciler;
  const s = a.schedulingMs;
  const rate = (intervalMs: number): number => (1_000 / intervalMs) * a.minRateFraction;
  const restartWaitMs = Math.max(a.crashBackoffMs, a.kubeletManifestCheckMs);
  const vrrp = flags.vrrp;
  const vp = VIP_PROBE_SETTINGS;
  // A connect probe resolves the moment clients get through to one deadline plus the gap between workers.
  const vipResolutionMs = vp.connectTimeoutMs + vp.connectIntervalMs / vp.connectWorkers;
  const vipKillMs = vrrp === undefined ? 0 : Math.round(vrrpMasterDownMs(vrrp, vrrp.backupPriority) + vipResolutionMs + s);
  const vipStopMs = vrrp === undefined ? 0 : Math.round(vrrpSkewMs(vrrp, vrrp.backupPriority) + vipResolutionMs + s);
  const values: ControlPlaneThresholds = {
    minApiOpsPerSecond: rate(probes.apiIntervalMs),
    minDirectOpsPerSecond: rate(probes.directIntervalMs),
    minLeasePollsPerSecond: rate(probes.leaseIntervalMs),
    minLbPollsPerSecond: rate(probes.lbPollIntervalMs),
    minEndpointsPollsPerSecond: rate(probes.endpointsIntervalMs),
    minNodePollsPerSecond: rate(probes.nodeIntervalMs),
    minHttpOpsPerSecond: rate(probes.httpIntervalMs),
    minBaselineSuccessRatio: a.baselineMinSuccessRatio,
    minAttemptsInWindow: a.minAttemptsInWindow,
    maxEjectionMs: hp.interMs + (hp.fall - 1) * hp.fastInterMs + probes.lbPollIntervalMs + s,
    maxEjectionSilentMs: hp.interMs + (hp.fall - 1) * hp.fastInterMs + hp.fall * hp.maxCheckDurationMs + probes.lbPollIntervalMs + s,
    minSuccessRatioAfterEjection: 1 - a.ratioSlack,
    minOtherApiserversSuccessRatio: 1 - a.ratioSlack,
    maxStaticPodRestartMs: restartWaitMs + a.staticPodStartupMs + probes.directIntervalMs,
    maxEndpointDropMs: ep.leaseTtlMs + ep.intervalMs + probes.endpointsIntervalMs + probes.requestTimeoutMs + s,
    maxEndpointRegainMs: ep.intervalMs + probes.endpointsIntervalMs + probes.requestTimeoutMs + s,
    maxApiRecoveryAfterLbMs: a.lbRestartMs + hp.rise * hp.interMs + hp.maxCheckDurationMs + probes.requestTimeoutMs + probes.apiIntervalMs + s,
    maxOutageKeepingNodesReadyMs: nm.gracePeriodMs - kl.nodeLeaseRenewIntervalMs - a.kubeletLeaseBackoffMs - s,
    minNotReadyAfterMs: nm.gracePeriodMs - kl.nodeLeaseRenewIntervalMs - s,
    maxNotReadyAfterMs: nm.gracePeriodMs + 2 * nm.monitorPeriodMs + probes.nodeIntervalMs + probes.requestTimeoutMs + s,
    maxNodeRejoinMs: a.nodeBootMs + kl.nodeStatusUpdateFrequencyMs + probes.nodeIntervalMs + s,
    maxNodesReadyAgainMs: a.kubeletLeaseBackoffMs + kl.nodeStatusUpdateFrequencyMs + nm.monitorPeriodMs + probes.nodeIntervalMs + probes.requestTimeoutMs + s,
    ...generic.values,
    maxObserverGapMs: minRetry,
    clockSkewMs: a.clockSkewMs,
    minWorkloadSuccessRatio: a.workloadMinSuccessRatio,
    maxActiveInstances: 1,
    maxVipFailoverMs: vipKillMs,
    maxVipCleanFailoverMs: vipStopMs,
    maxApiOutageThroughVipMs: vrrp === undefined ? 0 : vipKillMs + probes.requestTimeoutMs + probes.apiIntervalMs,
  };
  const r = (n: number): string => `${(1_000 / n).toFixed(1)}/s`;
  const derivation: Record<keyof ControlPlaneThresholds, string> = {
    minApiOpsPerSecond: `${a.minRateFraction} x configured through-LB API rate ${r(probes.apiIntervalMs)}`,
    minDirectOpsPerSecond: `${a.minRateFraction} x configured per-apiserver /readyz rate ${r(probes.directIntervalMs)}`,
    minLeasePollsPerSecond: `${a.minRateFraction} x configured lease poll rate ${r(probes.leaseIntervalMs)}`,
    minLbPollsPerSecond: `${a.minRateFraction} x configured haproxy stats poll rate ${r(probes.lbPollIntervalMs)}`,
    minEndpointsPollsPerSecond: `${a.minRateFraction} x configured endpoints poll rate ${r(probes.endpointsIntervalMs)}`,
    minNodePollsPerSecond: `${a.minRateFraction} x configured node poll rate ${r(probes.nodeIntervalMs)}`,
    minHttpOpsPerSecond: `${a.minRateFraction} x configured workload HTTP rate ${r(probes.httpIntervalMs)} per target`,
    minBaselineSuccessRatio: `allowance: a healthy cluster still sees the odd slow request`,
    minAttemptsInWindow: `allowance: fewer attempts cannot show that nothing succeeded`,
    maxEjectionMs: `haproxy inter ${hp.interMs} (first failing check) + (fall ${hp.fall} - 1) x fastinter ${hp.fastInterMs} + stats poll ${probes.lbPollIntervalMs} + scheduling ${s}`,
    maxEjectionSilentMs: `as maxEjectionMs, plus fall ${hp.fall} x the longest check ${hp.maxCheckDurationMs} (no "timeout check": a check to a silent backend runs to inter)`,
    minSuccessRatioAfterEjection: `1 - ratio slack ${a.ratioSlack}: once ejected, haproxy routes only to live apiservers`,
    minOtherApiserversSuccessRatio: `1 - ratio slack ${a.ratioSlack}: the apiservers are independent; losing one must not disturb the others`,
    maxStaticPodRestartMs: `max(kubelet crash back-off ${a.crashBackoffMs}, manifest check ${a.kubeletManifestCheckMs}) + apiserver start-up ${a.staticPodStartupMs} + /readyz interval ${probes.directIntervalMs} (assumes no crash of the same container in the previous 10 min)`,
    maxEndpointDropMs: `endpoint lease TTL ${ep.leaseTtlMs} + reconcile interval ${ep.intervalMs} (${ep.type} reconciler) + endpoints poll ${probes.endpointsIntervalMs} + request timeout ${probes.requestTimeoutMs} + scheduling ${s}`,
    maxEndpointRegainMs: `reconcile interval ${ep.intervalMs} + endpoints poll ${probes.endpointsIntervalMs} + request timeout ${probes.requestTimeoutMs} + scheduling ${s}`,
    maxApiRecoveryAfterLbMs: `LB restart ${a.lbRestartMs} + rise ${hp.rise} x inter ${hp.interMs} + one check ${hp.maxCheckDurationMs} + request timeout ${probes.requestTimeoutMs} + API interval ${probes.apiIntervalMs} + scheduling ${s}`,
    maxOutageKeepingNodesReadyMs: `node-monitor grace ${nm.gracePeriodMs} - node lease renew interval ${kl.nodeLeaseRenewIntervalMs} (last heartbeat before the outage) - kubelet lease back-off ${a.kubeletLeaseBackoffMs} - scheduling ${s}`,
    minNotReadyAfterMs: `node-monitor grace ${nm.gracePeriodMs} - node lease renew interval ${kl.nodeLeaseRenewIntervalMs} - scheduling ${s}`,
    maxNotReadyAfterMs: `node-monitor grace ${nm.gracePeriodMs} + 2 x node-monitor period ${nm.monitorPeriodMs} + node poll ${probes.nodeIntervalMs} + request timeout ${probes.requestTimeoutMs} + scheduling ${s}`,
    maxNodeRejoinMs: `node boot ${a.nodeBootMs} + node status update ${kl.nodeStatusUpdateFrequencyMs} + node poll ${probes.nodeIntervalMs} + scheduling ${s}`,
    maxNodesReadyAgainMs: `kubelet lease back-off ${a.kubeletLeaseBackoffMs} + node status update ${kl.nodeStatusUpdateFrequencyMs} + node-monitor period ${nm.monitorPeriodMs} + node poll ${probes.nodeIntervalMs} + request timeout ${probes.requestTimeoutMs} + scheduling ${s}`,
    maxAbruptHandoverMs: `a lease whose component's flags were not read (client-go defaults; each lease read from the cluster has its own maxAbruptHandoverMs.<lease>): ${generic.arithmetic.maxAbruptHandoverMs}`,
    maxReleaseHandoverMs: `a lease whose component's flags were not read (client-go defaults; see maxReleaseHandoverMs.<lease>): ${generic.arithmetic.maxReleaseHandoverMs}`,
    maxObserverGapMs: `shortest retry period ${minRetry}: a release and a takeover cannot both happen unseen in less`,
    clockSkewMs: `allowance: kind nodes share the host clock`,
    maxWorkCompletionAfterFaultMs: `a lease whose component's flags were not read (client-go defaults; see maxWorkCompletionAfterFaultMs.<lease>): ${generic.arithmetic.maxWorkCompletionAfterFaultMs}`,
    minWorkloadSuccessRatio: `existing pods and Services keep working while the control plane is down (Kubernetes "Troubleshooting Clusters"); allowance ${a.workloadMinSuccessRatio}`,
    maxVipFailoverMs:
      vrrp === undefined
        ? 'not applicable: no vip-pair front (no keepalived.conf was read)'
        : `VRRPv${vrrp.version} Master_Down_Interval of the backup (priority ${vrrp.backupPriority}): 3 x advert_int ${vrrp.advertIntervalS} s + Skew_Time ${Math.round(vrrpSkewMs(vrrp, vrrp.backupPriority))} + connect resolution ${vipResolutionMs} (deadline ${vp.connectTimeoutMs} + ${vp.connectIntervalMs}/${vp.connectWorkers} between workers) + scheduling ${s}`,
    maxVipCleanFailoverMs:
      vrrp === undefined
        ? 'not applicable: no vip-pair front'
        : `priority-0 advertisement on shutdown: the backup takes over after its Skew_Time ${Math.round(vrrpSkewMs(vrrp, vrrp.backupPriority))} + connect resolution ${vipResolutionMs} + scheduling ${s}`,
    maxApiOutageThroughVipMs:
      vrrp === undefined ? 'not applicable: no vip-pair front' : `maxVipFailoverMs ${vipKillMs} + request timeout ${probes.requestTimeoutMs} (a request sent to the lost master waits out its deadline) + API interval ${probes.apiIntervalMs}`,
    maxActiveInstances: `leader election: one holder per Lease, and every instance of a replicated component must run with --leader-elect (kube-scheduler / kube-controller-manager reference: "Enable this when running replicated components for high availability")`,
  };
  return { values, derivation, flags, probes, allowances: a, leaderElection: le, perLease };
}
