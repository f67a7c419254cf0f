/**
 * The gray-failures suite's guarantees (issue 15): a member blackholed from the apiservers that use
 * it, a member paused for less than an election timeout again and again, the leader paused for
 * longer, random loss on one member's peer traffic. Every bound is derived from the flags the
 * cluster runs with (etcd's --election-timeout / --heartbeat-interval from each member's manifest,
 * the apiserver's --etcd-healthcheck-timeout / --etcd-readycheck-timeout / --etcd-servers, kind's
 * haproxy check settings) or, where the component has no flag, from the constants in the source of
 * the version under test (the apiserver's etcd client keepalive and dial timeout), each cited.
 *
 *   const c = buildGrayFailuresCatalogue({ timersByMember, apiserverEtcd, haproxy, kubernetesVersion });
 *   const G = c.get('gray-failures.etcd-blackhole-apiserver-ejected');
 *   const v = G.check(history, G);
 *
 * Ids are `<area>.<property>` and stable forever; never renumber or reuse one.
 */
import type { History } from '../probes/history.js';
import { checkSafe, type Verdict } from '../checks/verdict.js';
import type { Guarantee } from './catalogue.js';
import type { EtcdTimers } from './flags.js';
import { timerConsensus } from './flags.js';
import type { HaproxyCheckTimings } from './haproxy-config.js';
import {
  checkBriefPausesCauseNoElection,
  checkEtcdBlackholeApiserverEjected,
  checkPausedLeaderReplacedWithoutStaleWrites,
  checkPeerPacketLossKeepsLeader,
  type GrayCheck,
  type GrayCheckContext,
} from './gray-failures-checks.js';
import { KNOWN_ISSUES, RELATED_REPORTS } from './known-issues.js';
import {
  ETCD_DOCS_VERSION,
  ETCD_FAILURES,
  ETCD_TUNING,
  HAPROXY_SERVER_OPTIONS,
  K8S_APISERVER_ETCD_CLIENT_SOURCE,
  K8S_APISERVER_ETCD_HEALTH_SOURCE,
  K8S_APISERVER_FLAGS,
  K8S_HA_TOPOLOGY,
  ETCD_CLIENT_KEEPALIVE_SOURCE,
  GRPC_TCP_USER_TIMEOUT_SOURCE,
  RAFT_SOURCE,
} from './sources.js';

/** Every guarantee id of the gray-failures suite. */
export const GRAY_FAILURES_IDS = [
  'gray-failures.etcd-blackhole-apiserver-ejected',
  'gray-failures.brief-pauses-cause-no-election',
  'gray-failures.paused-leader-replaced-without-stale-writes',
  'gray-failures.peer-packet-loss-keeps-leader',
] as const;

/** A gray-failures guarantee id. */
export type GrayFailuresGuaranteeId = (typeof GRAY_FAILURES_IDS)[number];

/** The apiserver's etcd client as one apiserver runs it. */
export interface ApiserverEtcdClient {
  /** --etcd-servers, as given. */
  readonly etcdServers: string;
  /** --etcd-healthcheck-timeout (/healthz and /livez "etcd" check), ms. */
  readonly healthcheckTimeoutMs: number;
  /** --etcd-readycheck-timeout (/readyz "etcd-readiness" check), ms. */
  readonly readycheckTimeoutMs: number;
  /** Where each value came from. */
  readonly sources: { readonly healthcheckTimeoutMs: 'flag' | 'default'; readonly readycheckTimeoutMs: 'flag' | 'default' };
}

/**
 * The etcd client settings kube-apiserver v1.34 has no flags for (staging/src/k8s.io/apiserver/pkg/
 * storage/storagebackend/factory/etcd3.go: keepaliveTime, keepaliveTimeout, dialTimeout), and the
 * defaults of the two check timeouts (storagebackend/config.go: DefaultHealthcheckTimeout,
 * DefaultReadinessTimeout). grpc-go sets TCP_USER_TIMEOUT to the keepalive timeout whenever
 * keepalive is on (internal/transport/http2_client.go), so a connection with unacknowledged data is
 * aborted by the kernel after keepaliveTimeout; an idle one is found dead by the ping after
 * keepaliveTime + keepaliveTimeout.
 */
export const APISERVER_ETCD_CLIENT_V1_34 = {
  keepaliveTimeMs: 30_000,
  keepaliveTimeoutMs: 10_000,
  dialTimeoutMs: 20_000,
  defaultHealthcheckTimeoutMs: 2_000,
  defaultReadycheckTimeoutMs: 2_000,
} as const;

/** Pure: an apiserver's etcd client flags from its command line (pflag durations: 2s, 1500ms, 1m). */
export function parseApiserverEtcdClient(argv: readonly string[]): ApiserverEtcdClient {
  const value = (name: string): string | undefined => {
    let v: string | undefined;
    argv.forEach((a, i) => {
      if (a.startsWith(`--${name}=`)) {
        v = a.slice(name.length + 3);
      } else if (a === `--${name}` && argv[i + 1] !== undefined) {
        v = argv[i + 1];
      }
    });
    return v;
  };
  const hc = value('etcd-healthcheck-timeout');
  const rc = value('etcd-readycheck-timeout');
  const d = APISERVER_ETCD_CLIENT_V1_34;
  return {
    etcdServers: value('etcd-servers') ?? '',
    healthcheckTimeoutMs: hc === undefined ? d.defaultHealthcheckTimeoutMs : parseGoDurationMs(hc),
    readycheckTimeoutMs: rc === undefined ? d.defaultReadycheckTimeoutMs : parseGoDurationMs(rc),
    sources: { healthcheckTimeoutMs: hc === undefined ? 'default' : 'flag', readycheckTimeoutMs: rc === undefined ? 'default' : 'flag' },
  };
}

/** Pure: a Go duration ("2s", "1500ms", "1m30s", "0.5s") in ms; throws on anything else. */
export function parseGoDurationMs(text: string): number {
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new RangeError(`not a Go duration: ${JSON.stringify(text)}`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (unit[p[2] ?? 's'] ?? 1_000), 0);
}

/** The probes' cadence the bounds assume (what gray-failures-case.ts starts). */
export interface GrayProbeSettings {
  /** Per-apiserver /readyz and through-LB API requests. */
  readonly apiIntervalMs: number;
  readonly requestTimeoutMs: number;
  readonly lbPollIntervalMs: number;
  /** etcd status polls and writes per member. */
  readonly etcdPollIntervalMs: number;
  readonly etcdWriteIntervalMs: number;
  readonly etcdWriteTimeoutMs: number;
}

export const DEFAULT_GRAY_PROBES: GrayProbeSettings = {
  apiIntervalMs: 100,
  requestTimeoutMs: 1_000,
  lbPollIntervalMs: 200,
  etcdPollIntervalMs: 100,
  etcdWriteIntervalMs: 100,
  etcdWriteTimeoutMs: 250,
};

/** Stated slack, never folded silently into a bound. */
export interface GrayAllowances {
  readonly schedulingMs: number;
  readonly ratioSlack: number;
  readonly minRateFraction: number;
}

export const DEFAULT_GRAY_ALLOWANCES: GrayAllowances = { schedulingMs: 1_000, ratioSlack: 0.02, minRateFraction: 0.9 };

/** What the catalogue is built from. */
export interface GrayFailuresCatalogueInput {
  /** Member (node) -> raft timers from its etcd manifest (readEtcdTimers). */
  readonly timersByMember: Readonly<Record<string, EtcdTimers>>;
  /** Control-plane node -> its apiserver's etcd client settings (parseApiserverEtcdClient). */
  readonly apiserverEtcd: Readonly<Record<string, ApiserverEtcdClient>>;
  /** kind's haproxy check settings (parseHaproxyChecks, via controlPlaneFlagsFrom). */
  readonly haproxy: HaproxyCheckTimings;
  /** e.g. 'v1.34.10': which known issues are still open for it. */
  readonly kubernetesVersion: string;
  readonly probes?: GrayProbeSettings;
  readonly allowances?: Partial<GrayAllowances>;
  /** Repeated brief pauses: each lasts this share of the election timeout. */
  readonly briefPauseFraction?: number;
  /** The long leader pause: this many election timeouts. */
  readonly longPauseFactor?: number;
}

/** Every derived bound (ms unless the name says otherwise). */
export interface GrayThresholds {
  readonly minDirectOpsPerSecond: number;
  readonly minApiOpsPerSecond: number;
  readonly minLbPollsPerSecond: number;
  readonly minPollsPerSecond: number;
  readonly minWriteOpsPerSecond: number;
  /** Blackhole -> the faulted apiserver's /readyz last answered ok. */
  readonly maxReadyWithoutEtcdMs: number;
  /** Blackhole -> haproxy has the faulted apiserver DOWN. */
  readonly maxGrayEjectionMs: number;
  /** Blackhole -> every request through the LB succeeds again. */
  readonly maxLbRecoveryMs: number;
  /** An apiserver with other etcd endpoints -> its requests succeed again (not reached on stacked etcd). */
  readonly maxClientFailoverMs: number;
  /** Heal -> the faulted apiserver ready again, on top of how long the blackhole was held. */
  readonly maxReadyAfterHealBeyondHoldMs: number;
  readonly minOtherApiserversSuccessRatio: number;
  /** A pause of at most this long must not cause an election. */
  readonly maxBriefPauseMs: number;
  /** How long each brief pause is aimed at (briefPauseFraction x ET). */
  readonly briefPauseMs: number;
  /** The long leader pause: at least this long for the promise to apply. */
  readonly minLongPauseMs: number;
  /** How long the long pause is held (longPauseFactor x ET). */
  readonly longPauseMs: number;
  /** Pause of the leader -> new leader observed among the others. */
  readonly maxElectionMs: number;
  readonly maxLeaderChanges: number;
  /** Longest write outage through the members whose peer traffic is not lossy. */
  readonly maxLossyOutageMs: number;
  readonly minLossyTimeAvailability: number;
}

/** Thresholds with one sentence each. */
export interface DerivedGrayThresholds {
  readonly values: GrayThresholds;
  readonly derivation: Readonly<Record<keyof GrayThresholds, string>>;
  readonly timers: EtcdTimers;
  readonly probes: GrayProbeSettings;
  readonly allowances: GrayAllowances;
}

/** Pure: every bound from the flags. Worst case across apiservers and members. */
export function deriveGrayThresholds(input: GrayFailuresCatalogueInput): DerivedGrayThresholds {
  const timers = timerConsensus(input.timersByMember).worstCase;
  const p = input.probes ?? DEFAULT_GRAY_PROBES;
  const a: GrayAllowances = { ...DEFAULT_GRAY_ALLOWANCES, ...input.allowances };
  const clients = Object.values(input.apiserverEtcd);
  const hc = Math.max(...clients.map((c) => c.healthcheckTimeoutMs), 0) || APISERVER_ETCD_CLIENT_V1_34.defaultHealthcheckTimeoutMs;
  const rc = Math.max(...clients.map((c) => c.readycheckTimeoutMs), 0) || APISERVER_ETCD_CLIENT_V1_34.defaultReadycheckTimeoutMs;
  const src = (k: 'healthcheckTimeoutMs' | 'readycheckTimeoutMs'): string => (clients.some((c) => c.sources[k] === 'flag') ? 'flag' : 'default');
  const k = APISERVER_ETCD_CLIENT_V1_34;
  const hp = input.haproxy;
  const et = timers.electionTimeoutMs;
  const hb = timers.heartbeatIntervalMs;
  const s = a.schedulingMs;
  const briefFraction = input.briefPauseFraction ?? 0.5;
  const longFactor = input.longPauseFactor ?? 3;
  // Each failing haproxy check of /healthz waits for the apiserver's etcd check to time out (it
  // answers 500 after healthcheckTimeout), unless haproxy's own check timeout is shorter.
  const failingCheckMs = Math.min(hc, hp.maxCheckDurationMs);
  const maxGrayEjectionMs = hc / 2 + hp.interMs + (hp.fall - 1) * hp.fastInterMs + hp.fall * failingCheckMs + p.lbPollIntervalMs + s;
  const maxLbRecoveryMs = maxGrayEjectionMs + p.requestTimeoutMs + p.apiIntervalMs;
  const maxElectionMs = 2 * et + 2 * hb + p.etcdPollIntervalMs + s;
  const values: GrayThresholds = {
    minDirectOpsPerSecond: (1_000 / p.apiIntervalMs) * a.minRateFraction,
    minApiOpsPerSecond: (1_000 / p.apiIntervalMs) * a.minRateFraction,
    minLbPollsPerSecond: (1_000 / p.lbPollIntervalMs) * a.minRateFraction,
    minPollsPerSecond: (1_000 / p.etcdPollIntervalMs) * a.minRateFraction,
    minWriteOpsPerSecond: (1_000 / p.etcdWriteIntervalMs) * a.minRateFraction,
    maxReadyWithoutEtcdMs: rc / 2 + rc + p.apiIntervalMs + s,
    maxGrayEjectionMs,
    maxLbRecoveryMs,
    maxClientFailoverMs: k.keepaliveTimeMs + k.keepaliveTimeoutMs + p.requestTimeoutMs + s,
    maxReadyAfterHealBeyondHoldMs: k.keepaliveTimeoutMs + rc + p.apiIntervalMs + s,
    minOtherApiserversSuccessRatio: 1 - a.ratioSlack,
    maxBriefPauseMs: et - 2 * hb,
    briefPauseMs: Math.round(briefFraction * et),
    minLongPauseMs: 2 * et + 2 * hb,
    longPauseMs: Math.round(longFactor * et),
    maxElectionMs,
    maxLeaderChanges: 0,
    maxLossyOutageMs: et + p.etcdWriteIntervalMs + s,
    minLossyTimeAvailability: 1 - a.ratioSlack,
  };
  const derivation: Record<keyof GrayThresholds, string> = {
    minDirectOpsPerSecond: `${a.minRateFraction} x configured /readyz rate ${1_000 / p.apiIntervalMs}/s per apiserver`,
    minApiOpsPerSecond: `${a.minRateFraction} x configured through-LB rate ${1_000 / p.apiIntervalMs}/s`,
    minLbPollsPerSecond: `${a.minRateFraction} x configured haproxy stats rate ${1_000 / p.lbPollIntervalMs}/s`,
    minPollsPerSecond: `${a.minRateFraction} x configured etcd status poll rate ${1_000 / p.etcdPollIntervalMs}/s per member`,
    minWriteOpsPerSecond: `${a.minRateFraction} x configured etcd write rate ${1_000 / p.etcdWriteIntervalMs}/s`,
    maxReadyWithoutEtcdMs: `--etcd-readycheck-timeout ${rc} (${src('readycheckTimeoutMs')}) / 2 (the check sends at most one etcd request per half timeout and answers the others with the last result) + the timeout ${rc} (the first request sent after the blackhole fails when it times out) + /readyz interval ${p.apiIntervalMs} + scheduling ${s}`,
    maxGrayEjectionMs: `--etcd-healthcheck-timeout ${hc} (${src('healthcheckTimeoutMs')}) / 2 (rate-limited cached ok) + haproxy inter ${hp.interMs} + (fall ${hp.fall} - 1) x fastinter ${hp.fastInterMs} + fall ${hp.fall} x ${failingCheckMs} (each failing check of /healthz waits for the etcd check's timeout) + stats poll ${p.lbPollIntervalMs} + scheduling ${s}`,
    maxLbRecoveryMs: `ejection bound ${maxGrayEjectionMs} + request timeout ${p.requestTimeoutMs} (a request routed to the faulted apiserver just before its ejection hangs until its deadline) + request interval ${p.apiIntervalMs}`,
    maxClientFailoverMs: `apiserver etcd client keepalive time ${k.keepaliveTimeMs} + keepalive timeout ${k.keepaliveTimeoutMs} (hard-coded in v1.34's etcd3.go; an idle connection is declared dead by its ping, a busy one sooner by TCP_USER_TIMEOUT = keepalive timeout, which grpc-go sets) + request timeout ${p.requestTimeoutMs} + scheduling ${s}; applies only to an apiserver whose --etcd-servers list other members`,
    maxReadyAfterHealBeyondHoldMs: `on top of the time the blackhole was held (TCP's retransmission backoff doubles, so a segment or SYN outstanding since the blackhole began is resent at most about that long after the heal): keepalive timeout ${k.keepaliveTimeoutMs} (a connection the kernel aborted under TCP_USER_TIMEOUT is redialled with grpc's backoff) + --etcd-readycheck-timeout ${rc} + /readyz interval ${p.apiIntervalMs} + scheduling ${s}`,
    minOtherApiserversSuccessRatio: `1 - ${a.ratioSlack}: the other apiservers use their own members, which keep quorum (peer port untouched)`,
    maxBriefPauseMs: `election timeout ${et} - 2 x heartbeat ${hb}: a follower campaigns only after at least one election timeout without a heartbeat, and the last heartbeat may have left one interval before the pause (one more interval of slack)`,
    briefPauseMs: `${briefFraction} x election timeout ${et}, timed in the node`,
    minLongPauseMs: `2 x election timeout ${et} + 2 x heartbeat ${hb}: long enough that the followers' randomised timeouts (< 2 ET) expire and a vote completes`,
    longPauseMs: `${longFactor} x election timeout ${et}`,
    maxElectionMs: `2 x election timeout ${et} (randomised timeout < 2 ET) + 2 x heartbeat ${hb} (pre-vote and vote) + poll interval ${p.etcdPollIntervalMs} + scheduling ${s}`,
    maxLeaderChanges: 'no election: pre-vote and CheckQuorum (a member that heard from its leader within an election timeout ignores (pre-)votes) keep a partly reachable member from disrupting the leader',
    maxLossyOutageMs: `election timeout ${et} (no election is needed) + write interval ${p.etcdWriteIntervalMs} + scheduling ${s}`,
    minLossyTimeAvailability: `1 - ${a.ratioSlack} of the fault window, per member whose own peer traffic is not lossy`,
  };
  return { values, derivation, timers, probes: p, allowances: a };
}

interface Definition {
  readonly id: GrayFailuresGuaranteeId;
  readonly statement: string;
  readonly source: string;
  readonly sourceVersion: string;
  readonly alsoSee: readonly string[];
  readonly thresholds: readonly (keyof GrayThresholds)[];
  readonly check: GrayCheck;
}

const ETCD_RATES: readonly (keyof GrayThresholds)[] = ['minPollsPerSecond', 'minWriteOpsPerSecond'];
const KNOWN = KNOWN_ISSUES.map((i) => i.url);

const DEFINITIONS: readonly Definition[] = [
  {
    id: 'gray-failures.etcd-blackhole-apiserver-ejected',
    statement:
      'When an etcd member is blackholed from the apiservers that use it (client port DROPped both ways, nothing refused; peer port untouched, so quorum holds), no client is stuck behind it for longer than the bound: an apiserver whose only etcd it is (stacked etcd) turns unready and the load balancer ejects it, one with other members in --etcd-servers moves to them within its keepalive bound; the other apiservers keep serving, and requests through the LB succeed again within the bound. A stall beyond it matching an upstream report still open for this version is a finding naming the report (kubernetes#72796); anything else fails.',
    source: K8S_APISERVER_ETCD_HEALTH_SOURCE,
    sourceVersion: 'kube-apiserver source at the linked tag',
    alsoSee: [K8S_APISERVER_ETCD_CLIENT_SOURCE, ETCD_CLIENT_KEEPALIVE_SOURCE, GRPC_TCP_USER_TIMEOUT_SOURCE, K8S_APISERVER_FLAGS, HAPROXY_SERVER_OPTIONS, K8S_HA_TOPOLOGY, ...KNOWN, RELATED_REPORTS.readyzQuorumCheck, RELATED_REPORTS.singleEndpoint],
    thresholds: ['minDirectOpsPerSecond', 'minApiOpsPerSecond', 'minLbPollsPerSecond', 'maxReadyWithoutEtcdMs', 'maxGrayEjectionMs', 'maxLbRecoveryMs', 'maxClientFailoverMs', 'maxReadyAfterHealBeyondHoldMs', 'minOtherApiserversSuccessRatio', 'maxLeaderChanges'],
    check: checkEtcdBlackholeApiserverEjected,
  },
  {
    id: 'gray-failures.brief-pauses-cause-no-election',
    statement:
      'A member that is slow, not dead (stopped for less than an election timeout, again and again) causes no leader election: the followers wait an election timeout before they campaign, and pre-vote keeps a member that did time out from raising the term.',
    source: ETCD_TUNING,
    sourceVersion: ETCD_DOCS_VERSION,
    alsoSee: [RAFT_SOURCE, ETCD_FAILURES],
    thresholds: [...ETCD_RATES, 'maxBriefPauseMs', 'briefPauseMs', 'maxLeaderChanges'],
    check: checkBriefPausesCauseNoElection,
  },
  {
    id: 'gray-failures.paused-leader-replaced-without-stale-writes',
    statement:
      'A leader stopped for longer than the election timeout is replaced: the others elect a new leader within the election bound, no write is acknowledged through the old leader after its successor was elected unless it is part of the one history (its revision unique and present after recovery), and once resumed the old leader follows the new one.',
    source: ETCD_FAILURES,
    sourceVersion: ETCD_DOCS_VERSION,
    alsoSee: [RAFT_SOURCE, ETCD_TUNING],
    thresholds: [...ETCD_RATES, 'minLongPauseMs', 'longPauseMs', 'maxElectionMs'],
    check: checkPausedLeaderReplacedWithoutStaleWrites,
  },
  {
    id: 'gray-failures.peer-packet-loss-keeps-leader',
    statement:
      'Random loss on one follower’s peer traffic (iptables statistic match) does not disturb the cluster: no leader election (pre-vote, CheckQuorum), and writes through the other members never stall beyond the bound. etcd documents no write-availability bound under loss: a member whose writes keep flowing but miss the probe deadline more often than the ratio allows is a finding with its numbers and its baseline, not a pass. Where the node kernel lacks the statistic match the case is inconclusive, never passed.',
    source: ETCD_FAILURES,
    sourceVersion: ETCD_DOCS_VERSION,
    alsoSee: [RAFT_SOURCE, ETCD_TUNING],
    thresholds: [...ETCD_RATES, 'maxLeaderChanges', 'maxLossyOutageMs', 'minLossyTimeAvailability'],
    check: checkPeerPacketLossKeepsLeader,
  },
];

/** The built catalogue. */
export interface GrayFailuresCatalogue {
  readonly guarantees: readonly Guarantee[];
  get(id: GrayFailuresGuaranteeId): Guarantee;
  readonly thresholds: DerivedGrayThresholds;
  readonly context: GrayCheckContext;
  readonly notes: readonly string[];
}

/** Builds the catalogue for one cluster. */
export function buildGrayFailuresCatalogue(input: GrayFailuresCatalogueInput): GrayFailuresCatalogue {
  const derived = deriveGrayThresholds(input);
  const ctx: GrayCheckContext = {
    apiserverEtcd: input.apiserverEtcd,
    kubernetesVersion: input.kubernetesVersion,
    apiservers: Object.keys(input.apiserverEtcd).sort(),
    members: Object.keys(input.timersByMember).sort(),
  };
  const guarantees = DEFINITIONS.map((d): Guarantee => {
    const thresholds: Record<string, number> = {};
    const derivation: Record<string, string> = {};
    for (const k of d.thresholds) {
      thresholds[k] = derived.values[k];
      derivation[k] = derived.derivation[k];
    }
    return {
      id: d.id,
      statement: d.statement,
      source: d.source,
      sourceVersion: d.sourceVersion,
      alsoSee: d.alsoSee,
      thresholds,
      derivation,
      check: (history: History, g: Guarantee): Verdict => checkSafe(g.id, () => d.check(history, g, ctx)),
    };
  });
  const stacked = Object.entries(input.apiserverEtcd).filter(([, c]) => c.etcdServers.split(',').length === 1 && /127\.0\.0\.1|localhost/.test(c.etcdServers));
  const notes: string[] = [];
  if (stacked.length > 0) {
    notes.push(
      `${stacked.length} apiserver(s) use only their local member (--etcd-servers=${stacked[0]?.[1].etcdServers}): blackholing that member from its apiserver means the loopback path on its node; the apiserver has nowhere to fail over to, so readiness and the LB's ejection are judged (kubernetes#72796), and the keepalive failover bound (kubernetes#59074, #66312) does not apply.`,
    );
  }
  notes.push(
    'the apiserver\'s "etcd" check is in /healthz, /livez and /readyz (v1.34 server/options/etcd.go AddHealthChecks): a blackhole held longer than the kubelet\'s liveness budget (kubeadm: /livez every 10 s, failureThreshold 8) restarts the apiserver; the holds here stay far below that.',
    'known upstream reports: ' + KNOWN_ISSUES.map((i) => `${i.id} (${i.state}${i.closedAs ? `, ${i.closedAs}` : ''}, read ${i.checkedOn})`).join('; '),
  );
  const byId = new Map(guarantees.map((g) => [g.id, g]));
  return {
    guarantees,
    thresholds: derived,
    context: ctx,
    notes,
    get(id) {
      const g = byId.get(id);
      if (g === undefined) {
        throw new Error(`unknown guarantee id ${JSON.stringify(id)}`);
      }
      return g;
    },
  };
}
