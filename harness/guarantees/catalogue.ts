/**
 * The documented HA guarantees the etcd-quorum suite checks, as data: a stable id, the promise in
 * our words, where it is documented, numeric thresholds derived from the cluster's actual flags, and
 * a pure check. Suites look a guarantee up by id and judge their history with it:
 *
 *   const catalogue = buildEtcdQuorumCatalogue({ timersByMember, probes });
 *   const G = catalogue.get('etcd-quorum.leader-loss-elects-new-leader');
 *   const v = G.check(history, G);
 *
 * Ids are `<area>.<property>` and stable forever; never renumber or reuse one.
 */
import type { History } from '../probes/history.js';
import { checkSafe, type Verdict } from '../checks/verdict.js';
import {
  checkAcknowledgedWritesDurable,
  checkBaselineHealthy,
  checkFollowerLossKeepsWrites,
  checkGracefulLeaderStopTransfers,
  checkLeaderLossElectsNewLeader,
  checkMinorityLossKeepsWrites,
  checkOneLeaderPerTerm,
  checkPartitionedLeaderStepsDown,
  checkQuorumLossRefusesWrites,
  checkQuorumLossServesSerializableReads,
  checkQuorumRestoredWritesResume,
  checkRevisionsAndTermsMonotonic,
  checkWatchOrderedWithoutGaps,
  DEFAULT_PROBE_NAMES,
  type CheckContext,
  type EtcdQuorumCheck,
  type ProbeNames,
} from './etcd-quorum-checks.js';
import { timerConsensus, type EtcdTimers } from './flags.js';
import {
  ETCD_API_GUARANTEES,
  ETCD_DOCS_VERSION,
  ETCD_FAILURES,
  ETCD_FAQ,
  ETCD_EMBED_CLOSE,
  ETCD_SERVER_STOP,
  ETCD_TUNING,
  RAFT_SOURCE,
} from './sources.js';
import {
  deriveEtcdThresholds,
  quorumOf,
  toleratedFailures,
  type Allowances,
  type DerivedThresholds,
  type EtcdQuorumThresholds,
  type ProbeSettings,
} from './thresholds.js';

/** A documented guarantee with its thresholds and its check. */
export interface Guarantee {
  readonly id: `${string}.${string}`;
  /** The documented promise, in our words. */
  readonly statement: string;
  /** URL of the page the promise comes from. */
  readonly source: string;
  /** Which version of the docs `source` refers to. */
  readonly sourceVersion: string;
  /** Further sources (code that pins down a number the docs state loosely). */
  readonly alsoSee: readonly string[];
  readonly thresholds: Readonly<Record<string, number>>;
  /** One sentence per threshold: where its number comes from. */
  readonly derivation: Readonly<Record<string, string>>;
  /** Pure; never throws (exceptions become inconclusive verdicts). */
  readonly check: (history: History, g: Guarantee) => Verdict;
}

/** Every guarantee id of the etcd-quorum suite. */
export const ETCD_QUORUM_IDS = [
  'etcd-quorum.baseline-healthy',
  'etcd-quorum.follower-loss-keeps-writes',
  'etcd-quorum.minority-loss-keeps-writes',
  'etcd-quorum.leader-loss-elects-new-leader',
  'etcd-quorum.graceful-leader-stop-transfers-leadership',
  'etcd-quorum.quorum-loss-refuses-writes',
  'etcd-quorum.quorum-loss-serves-serializable-reads',
  'etcd-quorum.quorum-restored-writes-resume',
  'etcd-quorum.partitioned-leader-steps-down',
  'etcd-quorum.acknowledged-writes-durable',
  'etcd-quorum.revisions-and-terms-monotonic',
  'etcd-quorum.one-leader-per-term',
  'etcd-quorum.watch-ordered-without-gaps',
] as const;

/** An etcd-quorum guarantee id. */
export type EtcdQuorumGuaranteeId = (typeof ETCD_QUORUM_IDS)[number];

/** What the catalogue is built from: the cluster's parsed flags and the probes' settings. */
export interface EtcdQuorumCatalogueInput {
  /** Member (node) name -> timers parsed from its etcd static pod manifest (parseEtcdFlags). */
  readonly timersByMember: Readonly<Record<string, EtcdTimers>>;
  readonly probes: ProbeSettings;
  readonly names?: Partial<ProbeNames>;
  readonly allowances?: Partial<Allowances>;
}

/** The built catalogue. */
export interface Catalogue {
  readonly guarantees: readonly Guarantee[];
  /** Looks a guarantee up; throws on an unknown id (a typo in a suite must not pass silently). */
  get(id: EtcdQuorumGuaranteeId): Guarantee;
  readonly members: number;
  readonly thresholds: DerivedThresholds;
  /** Things a reader should know about this cluster (e.g. an even member count). */
  readonly notes: readonly string[];
}

interface Definition {
  readonly id: EtcdQuorumGuaranteeId;
  readonly statement: (n: number) => string;
  readonly source: string;
  readonly alsoSee?: readonly string[];
  readonly thresholds: readonly (keyof EtcdQuorumThresholds)[];
  readonly check: EtcdQuorumCheck;
}

const RATES: readonly (keyof EtcdQuorumThresholds)[] = ['minWriteOpsPerSecond', 'minPollsPerSecond'];

const DEFINITIONS: readonly Definition[] = [
  {
    id: 'etcd-quorum.baseline-healthy',
    statement: (n) => `Before any fault, all ${n} members vote, agree on one leader, run the same raft timers, and writes succeed.`,
    source: ETCD_TUNING,
    alsoSee: [ETCD_FAQ],
    thresholds: RATES,
    check: checkBaselineHealthy,
  },
  {
    id: 'etcd-quorum.follower-loss-keeps-writes',
    statement: (n) =>
      `Losing one follower of ${n} members does not disturb writes: the cluster keeps accepting them through the other members without an election.`,
    source: ETCD_FAILURES,
    thresholds: [...RATES, 'maxFollowerLossOutageMs'],
    check: checkFollowerLossKeepsWrites,
  },
  {
    id: 'etcd-quorum.minority-loss-keeps-writes',
    statement: (n) =>
      `With ${toleratedFailures(n)} of ${n} members down (a minority; quorum is ${quorumOf(n)}), writes keep succeeding through the rest.`,
    source: ETCD_FAQ,
    alsoSee: [ETCD_FAILURES],
    thresholds: [...RATES, 'maxMinorityLossOutageMs'],
    check: checkMinorityLossKeepsWrites,
  },
  {
    id: 'etcd-quorum.leader-loss-elects-new-leader',
    statement: () =>
      'When the leader dies abruptly, the members elect a new leader within about an election timeout (at most twice, randomised) and writes resume.',
    source: ETCD_FAILURES,
    alsoSee: [ETCD_TUNING, RAFT_SOURCE],
    thresholds: [...RATES, 'maxElectionMs', 'maxFirstWriteAfterLeaderLossMs'],
    check: checkLeaderLossElectsNewLeader,
  },
  {
    id: 'etcd-quorum.graceful-leader-stop-transfers-leadership',
    statement: () =>
      'A leader stopped with SIGTERM hands leadership to a peer instead of leaving the cluster to wait for an election, so the write gap is short. The handover comes seconds after the SIGTERM, not because an election is slow: etcd first drains each client listener in turn (embed.Etcd.Close), each for up to its request timeout of 5 s + 2 x election timeout while watch streams stay open, and keeps leading meanwhile; only then does EtcdServer.Stop transfer leadership.',
    source: ETCD_SERVER_STOP,
    alsoSee: [ETCD_EMBED_CLOSE, RAFT_SOURCE, ETCD_FAILURES],
    thresholds: [...RATES, 'maxLeaderTransferMs', 'maxGracefulWriteOutageMs'],
    check: checkGracefulLeaderStopTransfers,
  },
  {
    id: 'etcd-quorum.quorum-loss-refuses-writes',
    statement: (n) =>
      `With ${n - quorumOf(n) + 1} of ${n} members down, quorum is lost: no write and no linearizable read is acknowledged (no split brain).`,
    source: ETCD_FAQ,
    alsoSee: [ETCD_FAILURES, ETCD_API_GUARANTEES],
    thresholds: [],
    check: checkQuorumLossRefusesWrites,
  },
  {
    id: 'etcd-quorum.quorum-loss-serves-serializable-reads',
    statement: () => 'Without quorum, surviving members still answer serializable reads from their local (possibly stale) state.',
    source: ETCD_API_GUARANTEES,
    alsoSee: [ETCD_FAQ],
    thresholds: [],
    check: checkQuorumLossServesSerializableReads,
  },
  {
    id: 'etcd-quorum.quorum-restored-writes-resume',
    statement: () => 'Once a majority is back, the cluster elects a leader and accepts writes again without operator action.',
    source: ETCD_FAILURES,
    thresholds: ['maxResumeAfterHealMs'],
    check: checkQuorumRestoredWritesResume,
  },
  {
    id: 'etcd-quorum.partitioned-leader-steps-down',
    statement: () =>
      'A leader cut off from its peers steps down (CheckQuorum), the majority elects a new leader, and no write through the isolated member is acknowledged.',
    source: ETCD_FAILURES,
    alsoSee: [RAFT_SOURCE],
    thresholds: [...RATES, 'maxStepDownMs', 'maxElectionMs'],
    check: checkPartitionedLeaderStepsDown,
  },
  {
    id: 'etcd-quorum.acknowledged-writes-durable',
    statement: () => 'No committed write is ever lost: every acknowledged write is present after recovery.',
    source: ETCD_FAILURES,
    alsoSee: [ETCD_API_GUARANTEES],
    thresholds: [],
    check: checkAcknowledgedWritesDurable,
  },
  {
    id: 'etcd-quorum.revisions-and-terms-monotonic',
    statement: () => 'Each member’s revision, raft term and raft index only move forward.',
    source: ETCD_API_GUARANTEES,
    thresholds: [],
    check: checkRevisionsAndTermsMonotonic,
  },
  {
    id: 'etcd-quorum.one-leader-per-term',
    statement: () => 'There is at most one leader per raft term: no two members ever report different leaders for the same term.',
    source: ETCD_FAILURES,
    alsoSee: [RAFT_SOURCE],
    thresholds: [],
    check: checkOneLeaderPerTerm,
  },
  {
    id: 'etcd-quorum.watch-ordered-without-gaps',
    statement: () =>
      'A watch delivers events in revision order and never skips an acknowledged write; after a compaction (410) a relist must show the skipped data.',
    source: ETCD_API_GUARANTEES,
    thresholds: [],
    check: checkWatchOrderedWithoutGaps,
  },
];

/**
 * Builds the catalogue for one cluster. The member count is the number of members whose flags were
 * read; thresholds use the worst-case timers across members.
 */
export function buildEtcdQuorumCatalogue(input: EtcdQuorumCatalogueInput): Catalogue {
  const consensus = timerConsensus(input.timersByMember);
  const members = Object.keys(input.timersByMember).length;
  const derived = deriveEtcdThresholds(consensus.worstCase, input.probes, input.allowances);
  const ctx: CheckContext = {
    members,
    names: { ...DEFAULT_PROBE_NAMES, ...input.names },
    timers: consensus,
    allowances: derived.allowances,
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
      statement: d.statement(members),
      source: d.source,
      sourceVersion: d.source.startsWith('https://etcd.io/') ? ETCD_DOCS_VERSION : 'source code at the linked tag',
      alsoSee: d.alsoSee ?? [],
      thresholds,
      derivation,
      check: (history, g) => checkSafe(g.id, () => d.check(history, g, ctx)),
    };
  });
  const notes: string[] = [];
  if (members % 2 === 0) {
    notes.push(
      `${members} members tolerate ${toleratedFailures(members)} failure(s), no more than ${members - 1} would: an even member count adds no fault tolerance (etcd FAQ).`,
    );
  }
  if (!consensus.consistent) {
    notes.push('members run different raft timers; thresholds use the slowest member');
  }
  const byId = new Map(guarantees.map((g) => [g.id, g]));
  return {
    guarantees,
    members,
    thresholds: derived,
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
