/**
 * Numeric bounds for the etcd-quorum guarantees, derived from the cluster's actual raft timers and
 * the probes' actual cadence, each with the reasoning written next to it (the report prints it).
 *
 * The allowances are stated, not hidden: a bound that silently absorbed slack would let a slow
 * election pass unnoticed.
 */
import type { EtcdTimers } from './flags.js';

/** How the probes were configured (they set the measurement's resolution). */
export interface ProbeSettings {
  /** Status poll interval per member (100 ms = 10 Hz). */
  readonly pollIntervalMs: number;
  /** Write probe interval (100 ms = 10 Hz). */
  readonly writeIntervalMs: number;
  /** Client deadline per write; a write still pending then is `unknown`. */
  readonly writeTimeoutMs: number;
}

/** Slack for things outside etcd's control, stated so a reader can argue with it. */
export interface Allowances {
  /** Docker, kubelet and host scheduling jitter on a busy CI machine. */
  readonly schedulingMs: number;
  /** Fraction of isolated timeouts tolerated on top of the outage budget in success ratios. */
  readonly ratioSlack: number;
  /** The probe must reach at least this fraction of its configured rate in the baseline. */
  readonly minRateFraction: number;
  /** Baseline success ratio required (a healthy cluster still sees the odd slow request). */
  readonly baselineMinSuccessRatio: number;
  /** Serializable reads on surviving members must answer at least this often during quorum loss. */
  readonly minSerializableSuccessRatio: number;
  /** Minimum number of attempts inside a fault window for "none succeeded" to mean anything. */
  readonly minAttemptsInWindow: number;
}

/** Defaults for the allowances. */
export const DEFAULT_ALLOWANCES: Allowances = {
  schedulingMs: 500,
  ratioSlack: 0.02,
  minRateFraction: 0.9,
  baselineMinSuccessRatio: 0.99,
  minSerializableSuccessRatio: 0.95,
  minAttemptsInWindow: 10,
};

/** The derived bounds (all ms unless the name says otherwise). */
export interface EtcdQuorumThresholds {
  /** Fault instant -> first observation of a new leader after an abrupt leader loss. */
  readonly maxElectionMs: number;
  /** Fault instant -> first successful write after an abrupt leader loss. */
  readonly maxFirstWriteAfterLeaderLossMs: number;
  /** Longest write outage when a follower (not the leader) is lost: no election should happen. */
  readonly maxFollowerLossOutageMs: number;
  /** Longest write outage when a minority that may include the leader is lost. */
  readonly maxMinorityLossOutageMs: number;
  /** SIGTERM of the leader -> new leader observed (leadership transfer, no election timeout). */
  readonly maxLeaderTransferMs: number;
  /** Longest write outage around a graceful leader stop. */
  readonly maxGracefulWriteOutageMs: number;
  /** Partition of the leader -> the isolated leader reports it is no longer leader (CheckQuorum). */
  readonly maxStepDownMs: number;
  /** Heal confirmed -> first successful write after quorum loss. */
  readonly maxResumeAfterHealMs: number;
  /** Writes per second the probe must reach in the baseline. */
  readonly minWriteOpsPerSecond: number;
  /** Status polls per second per member the poller must reach in the baseline. */
  readonly minPollsPerSecond: number;
}

/** Thresholds plus one sentence per threshold saying where the number comes from. */
export interface DerivedThresholds {
  readonly values: EtcdQuorumThresholds;
  readonly derivation: Readonly<Record<keyof EtcdQuorumThresholds, string>>;
  readonly timers: EtcdTimers;
  readonly probes: ProbeSettings;
  readonly allowances: Allowances;
}

/**
 * Derives every bound from the timers (worst case across members) and probe settings.
 *
 * - Abrupt leader loss: a follower campaigns after its randomised election timeout, drawn from
 *   [ET, 2 ET) (raft's resetRandomizedElectionTimeout), so detection takes < 2 ET. Pre-vote and vote
 *   are two round trips, each allowed one heartbeat interval. The poller sees the new leader up to
 *   one poll interval late. Plus the scheduling allowance.
 * - First write after leader loss: the election bound, plus one write timeout (a write sent to a
 *   member that still forwards to the dead leader hangs until its deadline), plus one write interval.
 * - Follower loss: no election is needed (the check fails on any leader change, observed directly),
 *   so an outage longer than one election timeout means something else went wrong; plus one write
 *   interval of resolution and the scheduling allowance every other outage bound has (a 2-core host
 *   running five members stalls every member's commits for up to ~1.2 s when an apiserver starts).
 * - Graceful stop: etcd transfers leadership on SIGTERM (the transferee campaigns at once), and raft
 *   aborts a transfer not finished within one election timeout, so: ET + poll interval, with no
 *   allowance (anything slower cannot be told apart from an election after a crash).
 * - Step-down: CheckQuorum tests quorum activity once per election timeout; activity from just before
 *   the partition can satisfy one check, so the leader steps down within 2 ET.
 * - Resume after heal: the heal is confirmed when the stopped members run again; they may still need
 *   an election, so the leader-loss first-write bound applies.
 */
export function deriveEtcdThresholds(
  timers: EtcdTimers,
  probes: ProbeSettings,
  allowances: Partial<Allowances> = {},
): DerivedThresholds {
  const a: Allowances = { ...DEFAULT_ALLOWANCES, ...allowances };
  const et = timers.electionTimeoutMs;
  const hb = timers.heartbeatIntervalMs;
  const { pollIntervalMs: poll, writeIntervalMs: wi, writeTimeoutMs: wt } = probes;
  for (const [k, v] of Object.entries({ ...timers, ...probes })) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new RangeError(`${k} must be a positive number, got ${v}`);
    }
  }
  const maxElectionMs = 2 * et + 2 * hb + poll + a.schedulingMs;
  const listeners = timers.clientListeners ?? 1;
  const requestTimeoutMs = 5_000 + 2 * et;
  const drainMs = listeners * requestTimeoutMs;
  const maxFirstWriteAfterLeaderLossMs = maxElectionMs + wt + wi;
  const values: EtcdQuorumThresholds = {
    maxElectionMs,
    maxFirstWriteAfterLeaderLossMs,
    maxFollowerLossOutageMs: et + wi + a.schedulingMs,
    maxMinorityLossOutageMs: maxFirstWriteAfterLeaderLossMs,
    // etcd 3.6 drains each client listener for up to its request timeout (5 s + 2 x ET) BEFORE it
    // transfers leadership (server/embed/etcd.go Close); the transfer itself takes < 1 ET.
    maxLeaderTransferMs: drainMs + et + poll,
    maxGracefulWriteOutageMs: et + wt + wi + a.schedulingMs,
    maxStepDownMs: 2 * et + hb + poll + a.schedulingMs,
    maxResumeAfterHealMs: maxFirstWriteAfterLeaderLossMs,
    minWriteOpsPerSecond: (1_000 / wi) * a.minRateFraction,
    minPollsPerSecond: (1_000 / poll) * a.minRateFraction,
  };
  const s = a.schedulingMs;
  const derivation: Record<keyof EtcdQuorumThresholds, string> = {
    maxElectionMs: `2 x election timeout ${et} (randomised timeout < 2 ET) + 2 x heartbeat ${hb} (pre-vote and vote round trips) + poll interval ${poll} + scheduling ${s}`,
    maxFirstWriteAfterLeaderLossMs: `election bound ${maxElectionMs} + write timeout ${wt} (a write forwarded to the dead leader hangs) + write interval ${wi}`,
    maxFollowerLossOutageMs: `election timeout ${et} (no election is needed, and the check fails on any leader change directly) + write interval ${wi} + scheduling ${s}`,
    maxMinorityLossOutageMs: `as for leader loss (${maxFirstWriteAfterLeaderLossMs}): the lost minority may include the leader`,
    maxLeaderTransferMs: `${listeners} client listener(s) x request timeout ${requestTimeoutMs} (5 s + 2 x election timeout: etcd drains its gRPC servers for up to this long before handing leadership over) + election timeout ${et} (raft aborts a transfer not done within one) + poll interval ${poll}`,
    maxGracefulWriteOutageMs: `election timeout ${et} + write timeout ${wt} + write interval ${wi} + scheduling ${s}`,
    maxStepDownMs: `2 x election timeout ${et} (CheckQuorum checks once per election timeout, so a partition right after a check is noticed at the second) + heartbeat ${hb} (checks run on heartbeat ticks) + poll interval ${poll} + scheduling ${s}`,
    maxResumeAfterHealMs: `as for leader loss (${maxFirstWriteAfterLeaderLossMs}): an election may follow the restart`,
    minWriteOpsPerSecond: `${a.minRateFraction} x configured write rate ${1_000 / wi}/s`,
    minPollsPerSecond: `${a.minRateFraction} x configured poll rate ${1_000 / poll}/s per member`,
  };
  return { values, derivation, timers, probes, allowances: a };
}

/** Quorum size of an n-member cluster: floor(n/2) + 1 (etcd FAQ). */
export function quorumOf(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** Failures an n-member cluster tolerates: n - quorum (1 of 3, 2 of 5; even sizes add nothing). */
export function toleratedFailures(members: number): number {
  return members - quorumOf(members);
}
