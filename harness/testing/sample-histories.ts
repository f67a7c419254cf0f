/**
 * Realistic simulated histories of two etcd-quorum scenarios on a 3-member cluster, built from
 * stated parameters (see the *Params interfaces). Used by unit tests, by the stored fixtures under
 * fixtures/histories/ and by the sample timeline.
 *
 * The behaviour modelled is etcd's: followers notice a dead leader after a randomised election
 * timeout and report leader 0 while campaigning; proposals forwarded to a dead leader hang until the
 * client deadline (unknown); proposals on a member without a leader are dropped at once (fail); a
 * leader that loses quorum steps down (CheckQuorum) but keeps its uncommitted entries, which commit
 * later if it wins the next election (so an `unknown` write can turn out applied).
 *
 * Test support only.
 */
import {
  History,
  type HistoryEntry,
  type KeyValueAt,
  type Operation,
  type WatchEvent,
  type WatchReset,
  type WatchStart,
} from '../probes/history.js';
import { round3, seededRandom, simulatePolls, simulateWorker, type MemberState } from './simulate.js';

/** The three members of the simulated ha-3cp cluster: kind node names and etcd member ids. */
export const MEMBERS = [
  { name: 'ha-3cp-control-plane', id: '8e9e05c52164694d', ip: '172.18.0.4' },
  { name: 'ha-3cp-control-plane2', id: '91bc3c398fb3c146', ip: '172.18.0.5' },
  { name: 'ha-3cp-control-plane3', id: 'fd422379fda50e48', ip: '172.18.0.6' },
] as const;
const [M1, M2, M3] = MEMBERS;
/** The external load balancer node, the API probe's target. */
export const LB = 'ha-3cp-external-load-balancer';
/** Key prefix of the etcd write probe. */
export const ETCD_PREFIX = '/ha-chaos/etcd-write/';
const BASE_REVISION = 1_000;

const refused = (ip: string): string => `dial tcp ${ip}:2379: connect: connection refused`;
const DROPPED = 'rpc error: code = Unknown desc = raft proposal dropped';
const DEADLINE = 'context deadline exceeded';

/** A write op plus the instant (if any) at which the cluster applied it. */
interface Committed {
  readonly op: Operation;
  readonly appliedAtMs: number | undefined;
}

/** Assigns etcd revisions in apply order, across all writers (they share one etcd keyspace). */
function assignRevisions(writes: readonly Committed[]): { ops: Operation[]; applied: { atMs: number; op: Operation }[] } {
  const applied = writes
    .filter((w): w is Committed & { appliedAtMs: number } => w.appliedAtMs !== undefined)
    .sort((a, b) => a.appliedAtMs - b.appliedAtMs);
  const revisionOf = new Map<Operation, number>();
  applied.forEach((w, i) => revisionOf.set(w.op, BASE_REVISION + 1 + i));
  const appliedOut: { atMs: number; op: Operation }[] = [];
  const ops = writes.map((w) => {
    const rev = revisionOf.get(w.op);
    const op = w.op.outcome === 'ok' && rev !== undefined ? { ...w.op, revision: rev } : w.op;
    if (rev !== undefined) {
      appliedOut.push({ atMs: w.appliedAtMs ?? 0, op: { ...op, revision: rev } });
    }
    return op;
  });
  appliedOut.sort((a, b) => a.atMs - b.atMs);
  return { ops, applied: appliedOut };
}

function revisionAtFactory(applied: readonly { atMs: number }[]): (atMs: number) => number {
  return (atMs) => {
    let n = 0;
    for (const a of applied) {
      if (a.atMs <= atMs) {
        n += 1;
      }
    }
    return BASE_REVISION + n;
  };
}

/** The time at which an entry is appended: a probe records an op when it completes. */
function appendTime(e: HistoryEntry): number {
  switch (e.kind) {
    case 'op':
      return e.completedAtMs;
    case 'phase':
      return e.endMs ?? e.startMs;
    default:
      return e.atMs;
  }
}

function toHistory(entries: HistoryEntry[]): History {
  // Stable sort keeps same-instant entries in construction order (phase start before its end, ...).
  return new History([...entries].sort((a, b) => appendTime(a) - appendTime(b)));
}

/** Parameters of the leader-SIGKILL scenario (all times in run-clock ms). */
export interface LeaderKillParams {
  readonly seed: number;
  readonly durationMs: number;
  readonly killIssuedAtMs: number;
  /** When the kill command returned (fault confirmed in effect). */
  readonly killConfirmedAtMs: number;
  /** When the first follower's election timer fired (it starts campaigning and reports leader 0). */
  readonly campaignAtMs: number;
  /** When the new leader won (term + 1). */
  readonly newLeaderAtMs: number;
  /** When kubelet had restarted etcd on the old leader and it answered again. */
  readonly oldLeaderBackAtMs: number;
  readonly healIssuedAtMs: number;
  readonly healedAtMs: number;
  readonly writeIntervalMs: number;
  readonly writeDeadlineMs: number;
  readonly pollIntervalMs: number;
  /** Fault summary recorded in the history. */
  readonly summary: string;
}

/** Defaults: 60 s run, leader killed at 20 s, new leader 1.35 s later, old leader back at 27.6 s. */
export const LEADER_KILL_DEFAULTS: LeaderKillParams = {
  seed: 7,
  durationMs: 60_000,
  killIssuedAtMs: 20_000,
  killConfirmedAtMs: 20_042,
  campaignAtMs: 21_210,
  newLeaderAtMs: 21_350,
  oldLeaderBackAtMs: 27_600,
  healIssuedAtMs: 30_000,
  healedAtMs: 30_450,
  writeIntervalMs: 100,
  writeDeadlineMs: 500,
  pollIntervalMs: 100,
  summary: 'kill-process etcd (SIGKILL) on leader',
};

/**
 * A graceful stop (SIGTERM) of the leader, as the leader-kill model with etcd's leadership transfer:
 * member 2 is told to campaign at once (no election timeout), so it leads ~120 ms after the signal.
 */
export function gracefulStopHistory(overrides: Partial<LeaderKillParams> = {}): History {
  return leaderKillHistory({
    campaignAtMs: 20_095,
    newLeaderAtMs: 20_120,
    summary: 'kill-process etcd (SIGTERM) on leader',
    ...overrides,
  });
}

/**
 * SIGKILL of the etcd leader (member 1) on a 3-member cluster. Member 2 wins the election in term 3.
 * Includes an etcd write probe across all members, an API write probe through the LB, a status
 * poller per member, a watch on member 1 that resumes on member 2, phases, the fault, metric samples
 * and a final snapshot.
 */
export function leaderKillHistory(overrides: Partial<LeaderKillParams> = {}): History {
  const p = { ...LEADER_KILL_DEFAULTS, ...overrides };
  const rnd = seededRandom(p.seed);
  const jitter = (lo: number, hi: number): number => lo + (hi - lo) * rnd();
  const leaderDown = (t: number): boolean => t >= p.killIssuedAtMs && t < p.oldLeaderBackAtMs;
  // The restarted member refuses client connections until it has replayed its WAL.
  const m1Serving = (t: number): boolean => t < p.killIssuedAtMs || t >= p.oldLeaderBackAtMs + 400;

  const etcdWrites: Committed[] = simulateWorker({
    probe: 'etcd-write',
    op: 'put',
    startMs: 0,
    endMs: p.durationMs,
    intervalMs: p.writeIntervalMs,
    deadlineMs: p.writeDeadlineMs,
    targets: MEMBERS.map((m) => m.name),
    keyPrefix: ETCD_PREFIX,
    respond: (t, target) => {
      if (t < p.killIssuedAtMs) {
        return { outcome: 'ok', latencyMs: jitter(3, 8) };
      }
      if (target === M1.name && !m1Serving(t)) {
        return { outcome: 'fail', latencyMs: jitter(0.6, 2), error: refused(M1.ip) };
      }
      if (t < p.newLeaderAtMs) {
        // Member 2 campaigns (no leader: proposals dropped at once); member 3 still forwards to the
        // dead leader and the request hangs until the client deadline.
        return target === M2.name && t >= p.campaignAtMs
          ? { outcome: 'fail', latencyMs: jitter(0.5, 1.5), error: DROPPED }
          : { outcome: 'unknown', latencyMs: 0, error: DEADLINE };
      }
      return { outcome: 'ok', latencyMs: jitter(4, 9) };
    },
  }).map((op) => ({ op, appliedAtMs: op.outcome === 'ok' ? op.completedAtMs - 0.4 : undefined }));

  const apiWrites: Committed[] = simulateWorker({
    probe: 'api-write',
    op: 'create-configmap',
    startMs: 50,
    endMs: p.durationMs,
    intervalMs: 200,
    deadlineMs: 2_000,
    targets: [LB],
    keyPrefix: 'ha-chaos-api-',
    respond: (t, _target, seq) => {
      // haproxy round-robins the three apiservers; the one on member 1 lost its local etcd and is
      // ejected by the LB health check ~6 s after the kill, re-added ~5 s after etcd is back.
      const server = seq % 3;
      if (server === 0 && t >= p.killIssuedAtMs && t < p.killIssuedAtMs + 6_000) {
        return { outcome: 'fail', latencyMs: jitter(5, 20), error: 'Internal error occurred: etcdserver: request timed out' };
      }
      if (t >= p.killIssuedAtMs && t < p.newLeaderAtMs + 150) {
        return { outcome: 'unknown', latencyMs: 0, error: DEADLINE };
      }
      return { outcome: 'ok', latencyMs: jitter(9, 22) };
    },
  }).map((op) => ({ op, appliedAtMs: op.outcome === 'ok' ? op.completedAtMs - 2 : undefined }));

  const { ops, applied } = assignRevisions([...etcdWrites, ...apiWrites]);
  const revisionAt = revisionAtFactory(applied);

  const state = (t: number, member: string): MemberState => {
    switch (member) {
      case M1.name:
        if (leaderDown(t)) {
          return { up: false, error: refused(M1.ip) };
        }
        if (t < p.killIssuedAtMs) {
          return { up: true, leaderId: M1.id, term: 2 };
        }
        // Restarted with its persisted term 2; learns about term 3 from the new leader's heartbeat.
        return t < p.oldLeaderBackAtMs + 250 ? { up: true, leaderId: '0', term: 2 } : { up: true, leaderId: M2.id, term: 3 };
      case M2.name:
        if (t < p.campaignAtMs) {
          return { up: true, leaderId: M1.id, term: 2 };
        }
        return t < p.newLeaderAtMs ? { up: true, leaderId: '0', term: 3 } : { up: true, leaderId: M2.id, term: 3 };
      default:
        return t < p.newLeaderAtMs + 4 ? { up: true, leaderId: M1.id, term: 2 } : { up: true, leaderId: M2.id, term: 3 };
    }
  };
  const polls = simulatePolls({
    members: MEMBERS,
    startMs: 0,
    endMs: p.durationMs,
    intervalMs: p.pollIntervalMs,
    state,
    revisionAt: (t, member) => (member === M1.name && !m1Serving(t) ? revisionAt(p.killIssuedAtMs) : revisionAt(t)),
    offsetMs: (m) => (m === M1.name ? 7 : m === M2.name ? 41 : 74),
  });

  // Watch on member 1 from the first revision; its stream breaks with the kill and the probe
  // resumes on member 2 from the last delivered revision + 1 (no data lost, no relist needed).
  const watch: (WatchStart | WatchEvent | WatchReset)[] = [
    { kind: 'watch-start', atMs: 1, watcher: 'etcd-watch', target: M1.name, prefix: ETCD_PREFIX, fromRevision: BASE_REVISION + 1 },
  ];
  const etcdApplied = applied.filter((a) => a.op.probe === 'etcd-write');
  const beforeKill = etcdApplied.filter((a) => a.atMs < p.killIssuedAtMs);
  const lastBefore = beforeKill[beforeKill.length - 1]?.op.revision ?? BASE_REVISION;
  const resumeAtMs = p.killConfirmedAtMs + 380;
  for (const a of etcdApplied) {
    if (a.atMs < p.killIssuedAtMs) {
      watch.push(watchEventOf(a, 'etcd-watch', 2.5));
    }
  }
  watch.push({ kind: 'watch-reset', atMs: p.killConfirmedAtMs + 3, watcher: 'etcd-watch', reason: 'error', error: 'rpc error: code = Unavailable desc = error reading from server: EOF' });
  watch.push({ kind: 'watch-start', atMs: resumeAtMs, watcher: 'etcd-watch', target: M2.name, prefix: ETCD_PREFIX, fromRevision: lastBefore + 1 });
  for (const a of etcdApplied) {
    if (a.atMs >= p.killIssuedAtMs) {
      watch.push(watchEventOf(a, 'etcd-watch', 3.1));
    }
  }

  const endMs = p.durationMs + 150;
  const entries: HistoryEntry[] = [
    ...phaseMarks([
      ['baseline', 0, p.killIssuedAtMs],
      ['fault', p.killIssuedAtMs, p.healIssuedAtMs],
      ['heal', p.healIssuedAtMs, p.healedAtMs],
      ['recovery', p.healedAtMs, p.durationMs],
    ]),
    {
      kind: 'fault-injected',
      issuedAtMs: p.killIssuedAtMs,
      atMs: p.killConfirmedAtMs,
      faultId: 'f1-kill-leader',
      summary: p.summary,
      targets: [M1.name],
    },
    {
      kind: 'fault-healed',
      issuedAtMs: p.healIssuedAtMs,
      atMs: p.healedAtMs,
      faultId: 'f1-kill-leader',
      summary: p.summary,
      targets: [M1.name],
    },
    ...ops.map((op): HistoryEntry => ({ ...op, kind: 'op' })),
    ...polls,
    ...watch,
    ...leaderChangeMetrics(0.5, p.durationMs + 50, { [M1.name]: [1, 1], [M2.name]: [1, 2], [M3.name]: [1, 2] }),
    { kind: 'note', atMs: p.oldLeaderBackAtMs, source: 'kubelet', text: `etcd restarted on ${M1.name}` },
    snapshotOf(etcdApplied, endMs, M2.name, revisionAt(endMs)),
  ];
  return toHistory(entries);
}

/** Parameters of the quorum-loss scenario (two of three members stopped). */
export interface QuorumLossParams {
  readonly seed: number;
  readonly durationMs: number;
  readonly stopIssuedAtMs: number;
  readonly stopConfirmedAtMs: number;
  /** CheckQuorum: the isolated leader (member 1) steps down. */
  readonly stepDownAtMs: number;
  readonly healIssuedAtMs: number;
  /** kubelet restarted members 2 and 3 (their static pod manifests were moved back). */
  readonly membersBackAtMs: number;
  /** Member 1 wins the election in term 3 (its log is the most up to date). */
  readonly newLeaderAtMs: number;
  readonly healedAtMs: number;
  readonly compactionAtMs: number;
  readonly writeDeadlineMs: number;
  readonly readDeadlineMs: number;
}

/** Defaults: 60 s run, members 2 and 3 stopped from 20 s to 45.5 s, writes resume at 46.4 s. */
export const QUORUM_LOSS_DEFAULTS: QuorumLossParams = {
  seed: 11,
  durationMs: 60_000,
  stopIssuedAtMs: 20_000,
  stopConfirmedAtMs: 20_800,
  stepDownAtMs: 21_930,
  healIssuedAtMs: 40_000,
  membersBackAtMs: 45_500,
  newLeaderAtMs: 46_400,
  healedAtMs: 47_000,
  compactionAtMs: 46_600,
  writeDeadlineMs: 500,
  readDeadlineMs: 500,
};

/**
 * Two of three members stopped (quorum lost), then restored. Member 1 (the leader) survives, steps
 * down, and wins again in term 3, committing the proposals it had appended before stepping down:
 * those writes were `unknown` to the client and are present afterwards. Linearizable reads fail on
 * the survivor; serializable reads keep answering. The watch on member 2 breaks, and on resuming
 * meets a compaction (410) and relists.
 */
export function quorumLossHistory(overrides: Partial<QuorumLossParams> = {}): History {
  const p = { ...QUORUM_LOSS_DEFAULTS, ...overrides };
  const rnd = seededRandom(p.seed);
  const jitter = (lo: number, hi: number): number => lo + (hi - lo) * rnd();
  // The stop takes effect somewhere between issue and confirmation; model it at the midpoint.
  const stoppedAtMs = (p.stopIssuedAtMs + p.stopConfirmedAtMs) / 2;
  const down = (t: number, member: string): boolean =>
    member !== M1.name && t >= stoppedAtMs && t < p.membersBackAtMs;
  const noQuorum = (t: number): boolean => t >= stoppedAtMs && t < p.newLeaderAtMs;

  const etcdWrites: Committed[] = simulateWorker({
    probe: 'etcd-write',
    op: 'put',
    startMs: 0,
    endMs: p.durationMs,
    intervalMs: 100,
    deadlineMs: p.writeDeadlineMs,
    targets: MEMBERS.map((m) => m.name),
    keyPrefix: ETCD_PREFIX,
    respond: (t, target) => {
      const ip = MEMBERS.find((m) => m.name === target)?.ip ?? '0.0.0.0';
      if (down(t, target)) {
        return { outcome: 'fail', latencyMs: jitter(0.5, 2), error: refused(ip) };
      }
      if (noQuorum(t)) {
        // Still leader: appended, never committed in time. Stepped down: dropped at once.
        return t < p.stepDownAtMs
          ? { outcome: 'unknown', latencyMs: 0, error: DEADLINE }
          : { outcome: 'fail', latencyMs: jitter(0.5, 1.5), error: DROPPED };
      }
      return { outcome: 'ok', latencyMs: jitter(3, 8) };
    },
  }).map((op) => ({
    op,
    appliedAtMs:
      op.outcome === 'ok'
        ? op.completedAtMs - 0.4
        : op.outcome === 'unknown' && op.target === M1.name && op.invokedAtMs < p.stepDownAtMs
          ? p.newLeaderAtMs + 2 // the old leader's uncommitted tail commits with its new term
          : undefined,
  }));

  const apiWrites: Committed[] = simulateWorker({
    probe: 'api-write',
    op: 'create-configmap',
    startMs: 50,
    endMs: p.durationMs,
    intervalMs: 200,
    deadlineMs: 2_000,
    targets: [LB],
    keyPrefix: 'ha-chaos-api-',
    respond: (t) =>
      noQuorum(t) || (t >= stoppedAtMs && t < p.newLeaderAtMs + 300)
        ? { outcome: 'unknown', latencyMs: 0, error: DEADLINE }
        : { outcome: 'ok', latencyMs: jitter(9, 25) },
  }).map((op) => ({ op, appliedAtMs: op.outcome === 'ok' ? op.completedAtMs - 2 : undefined }));

  const readWorker = (op: 'get-linearizable' | 'get-serializable', probe: string, offset: number): Operation[] =>
    simulateWorker({
      probe,
      op,
      startMs: offset,
      endMs: p.durationMs,
      intervalMs: 200,
      deadlineMs: p.readDeadlineMs,
      targets: MEMBERS.map((m) => m.name),
      respond: (t, target) => {
        const ip = MEMBERS.find((m) => m.name === target)?.ip ?? '0.0.0.0';
        if (down(t, target)) {
          return { outcome: 'fail', latencyMs: jitter(0.5, 2), error: refused(ip) };
        }
        if (op === 'get-linearizable' && noQuorum(t)) {
          // ReadIndex needs a quorum round trip: it never completes.
          return { outcome: 'unknown', latencyMs: 0, error: DEADLINE };
        }
        return { outcome: 'ok', latencyMs: jitter(1, 4) };
      },
    });

  const { ops, applied } = assignRevisions([...etcdWrites, ...apiWrites]);
  const revisionAt = revisionAtFactory(applied);

  const state = (t: number, member: string): MemberState => {
    const m = MEMBERS.find((x) => x.name === member);
    if (m === undefined || down(t, member)) {
      return { up: false, error: refused(m?.ip ?? '0.0.0.0') };
    }
    if (t < stoppedAtMs) {
      return { up: true, leaderId: M1.id, term: 2 };
    }
    if (member === M1.name) {
      if (t < p.stepDownAtMs) {
        return { up: true, leaderId: M1.id, term: 2 };
      }
      return t < p.newLeaderAtMs ? { up: true, leaderId: '0', term: 2 } : { up: true, leaderId: M1.id, term: 3 };
    }
    // Members 2 and 3 just restarted: no leader until member 1 wins term 3.
    return t < p.newLeaderAtMs + 3 ? { up: true, leaderId: '0', term: 2 } : { up: true, leaderId: M1.id, term: 3 };
  };
  const polls = simulatePolls({
    members: MEMBERS,
    startMs: 0,
    endMs: p.durationMs,
    intervalMs: 100,
    state,
    revisionAt: (t) => revisionAt(t),
    offsetMs: (m) => (m === M1.name ? 13 : m === M2.name ? 47 : 81),
  });

  // The watch runs on member 2. It breaks when member 2 stops; retries fail until member 2 is back;
  // by then kube-apiserver has compacted past the watch's resume revision, so the resume gets 410
  // and the probe relists, then watches from the relist revision + 1.
  const etcdApplied = applied.filter((a) => a.op.probe === 'etcd-write');
  const before = etcdApplied.filter((a) => a.atMs < stoppedAtMs);
  const lastBefore = before[before.length - 1]?.op.revision ?? BASE_REVISION;
  const resumeAtMs = p.newLeaderAtMs + 700;
  const relistRev = revisionAt(resumeAtMs + 5);
  const compactRev = revisionAt(p.compactionAtMs);
  const watch: (WatchStart | WatchEvent | WatchReset)[] = [
    { kind: 'watch-start', atMs: 1, watcher: 'etcd-watch', target: M2.name, prefix: ETCD_PREFIX, fromRevision: BASE_REVISION + 1 },
    ...before.map((a) => watchEventOf(a, 'etcd-watch', 2.2)),
    { kind: 'watch-reset', atMs: stoppedAtMs + 2, watcher: 'etcd-watch', reason: 'error', error: 'rpc error: code = Unavailable desc = error reading from server: EOF' },
    { kind: 'watch-start', atMs: resumeAtMs, watcher: 'etcd-watch', target: M2.name, prefix: ETCD_PREFIX, fromRevision: lastBefore + 1 },
    {
      kind: 'watch-reset',
      atMs: resumeAtMs + 4,
      watcher: 'etcd-watch',
      reason: 'compacted',
      error: 'etcdserver: mvcc: required revision has been compacted',
      compactRevision: compactRev,
      relist: {
        revision: relistRev,
        entries: etcdApplied
          .filter((a) => (a.op.revision ?? 0) <= relistRev)
          .map((a) => keyValueOf(a.op)),
      },
    },
    { kind: 'watch-start', atMs: resumeAtMs + 6, watcher: 'etcd-watch', target: M2.name, prefix: ETCD_PREFIX, fromRevision: relistRev + 1 },
    ...etcdApplied.filter((a) => (a.op.revision ?? 0) > relistRev).map((a) => watchEventOf(a, 'etcd-watch', 2.8)),
  ];

  const endMs = p.durationMs + 150;
  const entries: HistoryEntry[] = [
    ...phaseMarks([
      ['baseline', 0, p.stopIssuedAtMs],
      ['fault', p.stopIssuedAtMs, p.healIssuedAtMs],
      ['heal', p.healIssuedAtMs, p.healedAtMs],
      ['recovery', p.healedAtMs, p.durationMs],
    ]),
    {
      kind: 'fault-injected',
      issuedAtMs: p.stopIssuedAtMs,
      atMs: p.stopConfirmedAtMs,
      faultId: 'f1-stop-majority',
      summary: 'stop-process etcd (manifest moved away) on majority',
      targets: [M2.name, M3.name],
    },
    {
      kind: 'fault-healed',
      issuedAtMs: p.healIssuedAtMs,
      atMs: p.healedAtMs,
      faultId: 'f1-stop-majority',
      summary: 'stop-process etcd (manifest moved away) on majority',
      targets: [M2.name, M3.name],
    },
    ...ops.map((op): HistoryEntry => ({ ...op, kind: 'op' })),
    ...readWorker('get-linearizable', 'etcd-read-linearizable', 20).map((op): HistoryEntry => ({ ...op, kind: 'op' })),
    ...readWorker('get-serializable', 'etcd-read-serializable', 60).map((op): HistoryEntry => ({ ...op, kind: 'op' })),
    ...polls,
    ...watch,
    ...leaderChangeMetrics(0.5, p.durationMs + 50, { [M1.name]: [1, 2], [M2.name]: [1, 1], [M3.name]: [1, 1] }),
    { kind: 'note', atMs: p.compactionAtMs, source: 'kube-apiserver', text: `compacted to revision ${compactRev}` },
    snapshotOf(etcdApplied, endMs, M1.name, revisionAt(endMs)),
  ];
  return toHistory(entries);
}

function watchEventOf(a: { atMs: number; op: Operation }, watcher: string, delayMs: number): WatchEvent {
  return {
    kind: 'watch',
    atMs: round3(a.atMs + delayMs),
    watcher,
    key: a.op.key ?? '',
    value: a.op.value ?? '',
    revision: a.op.revision ?? 0,
    type: 'put',
  };
}

function keyValueOf(op: Operation): KeyValueAt {
  return { key: op.key ?? '', value: op.value ?? '', ...(op.revision === undefined ? {} : { modRevision: op.revision }) };
}

function snapshotOf(applied: readonly { op: Operation }[], atMs: number, target: string, revision: number): HistoryEntry {
  return {
    kind: 'snapshot',
    atMs,
    probe: 'etcd-write',
    target,
    prefix: ETCD_PREFIX,
    revision,
    entries: applied.map((a) => keyValueOf(a.op)),
  };
}

function phaseMarks(phases: readonly (readonly [string, number, number])[]): HistoryEntry[] {
  return phases.flatMap(([name, startMs, endMs]): HistoryEntry[] => [
    { kind: 'phase', name, startMs },
    { kind: 'phase', name, startMs, endMs },
  ]);
}

function leaderChangeMetrics(
  startMs: number,
  endMs: number,
  values: Readonly<Record<string, readonly [number, number]>>,
): HistoryEntry[] {
  return Object.entries(values).flatMap(([member, [before, after]]): HistoryEntry[] => [
    { kind: 'metric', atMs: startMs, member, name: 'etcd_server_leader_changes_seen_total', value: before },
    { kind: 'metric', atMs: endMs, member, name: 'etcd_server_leader_changes_seen_total', value: after },
  ]);
}

/** Parameters of the leader-partition scenario. */
export interface LeaderPartitionParams {
  readonly seed: number;
  readonly durationMs: number;
  readonly isolateIssuedAtMs: number;
  readonly isolateConfirmedAtMs: number;
  /** Member 2's election timer fires (it stopped hearing heartbeats at the partition). */
  readonly campaignAtMs: number;
  /** Member 2 wins term 3 with member 3's vote. */
  readonly newLeaderAtMs: number;
  /** CheckQuorum: member 1 notices it has no active quorum and steps down. */
  readonly stepDownAtMs: number;
  readonly healIssuedAtMs: number;
  readonly healedAtMs: number;
  /** Member 1 hears member 2's heartbeat and follows it in term 3. */
  readonly rejoinAtMs: number;
}

/** Defaults: leader (member 1) cut off from its peers 20 s .. 35 s. */
export const LEADER_PARTITION_DEFAULTS: LeaderPartitionParams = {
  seed: 23,
  durationMs: 50_000,
  isolateIssuedAtMs: 20_000,
  isolateConfirmedAtMs: 20_060,
  campaignAtMs: 21_280,
  newLeaderAtMs: 21_400,
  stepDownAtMs: 21_950,
  healIssuedAtMs: 35_000,
  healedAtMs: 35_180,
  rejoinAtMs: 35_260,
};

/**
 * The leader (member 1) is cut off from its peers by iptables on its node (peer port only: the host's
 * probes still reach its client port). It keeps claiming leadership until CheckQuorum makes it step
 * down; members 2 and 3 elect member 2. Writes through member 1 never succeed while it is cut off;
 * the ones it appended before stepping down are overwritten when it rejoins (never applied).
 */
export function leaderPartitionHistory(overrides: Partial<LeaderPartitionParams> = {}): History {
  const p = { ...LEADER_PARTITION_DEFAULTS, ...overrides };
  const rnd = seededRandom(p.seed);
  const jitter = (lo: number, hi: number): number => lo + (hi - lo) * rnd();
  const cutAtMs = (p.isolateIssuedAtMs + p.isolateConfirmedAtMs) / 2;
  const isolated = (t: number): boolean => t >= cutAtMs && t < p.healedAtMs;

  const etcdWrites: Committed[] = simulateWorker({
    probe: 'etcd-write',
    op: 'put',
    startMs: 0,
    endMs: p.durationMs,
    intervalMs: 100,
    deadlineMs: 500,
    targets: MEMBERS.map((m) => m.name),
    keyPrefix: ETCD_PREFIX,
    respond: (t, target) => {
      if (target === M1.name && isolated(t)) {
        return t < p.stepDownAtMs
          ? { outcome: 'unknown', latencyMs: 0, error: DEADLINE }
          : { outcome: 'fail', latencyMs: jitter(0.5, 1.5), error: DROPPED };
      }
      if (target === M1.name && t >= p.healedAtMs && t < p.rejoinAtMs) {
        return { outcome: 'fail', latencyMs: jitter(0.5, 1.5), error: DROPPED };
      }
      if (t >= cutAtMs && t < p.newLeaderAtMs) {
        return target === M2.name && t >= p.campaignAtMs
          ? { outcome: 'fail', latencyMs: jitter(0.5, 1.5), error: DROPPED }
          : { outcome: 'unknown', latencyMs: 0, error: DEADLINE };
      }
      return { outcome: 'ok', latencyMs: jitter(3, 8) };
    },
  }).map((op) => ({ op, appliedAtMs: op.outcome === 'ok' ? op.completedAtMs - 0.4 : undefined }));

  const { ops, applied } = assignRevisions(etcdWrites);
  const revisionAt = revisionAtFactory(applied);
  const state = (t: number, member: string): MemberState => {
    if (t < cutAtMs) {
      return { up: true, leaderId: M1.id, term: 2 };
    }
    if (member === M1.name) {
      if (t < p.stepDownAtMs) {
        return { up: true, leaderId: M1.id, term: 2 };
      }
      return t < p.rejoinAtMs ? { up: true, leaderId: '0', term: 2 } : { up: true, leaderId: M2.id, term: 3 };
    }
    if (member === M2.name) {
      if (t < p.campaignAtMs) {
        return { up: true, leaderId: M1.id, term: 2 };
      }
      return t < p.newLeaderAtMs ? { up: true, leaderId: '0', term: 3 } : { up: true, leaderId: M2.id, term: 3 };
    }
    return t < p.newLeaderAtMs + 4 ? { up: true, leaderId: M1.id, term: 2 } : { up: true, leaderId: M2.id, term: 3 };
  };
  const polls = simulatePolls({
    members: MEMBERS,
    startMs: 0,
    endMs: p.durationMs,
    intervalMs: 100,
    state,
    // The isolated member applies nothing new until it rejoins.
    revisionAt: (t, member) => (member === M1.name && isolated(t) ? revisionAt(cutAtMs) : revisionAt(t)),
    offsetMs: (m) => (m === M1.name ? 19 : m === M2.name ? 52 : 88),
  });
  const etcdApplied = applied;
  const endMs = p.durationMs + 150;
  const summary = 'network-partition both ways: leader from its peers';
  const entries: HistoryEntry[] = [
    ...phaseMarks([
      ['baseline', 0, p.isolateIssuedAtMs],
      ['fault', p.isolateIssuedAtMs, p.healIssuedAtMs],
      ['heal', p.healIssuedAtMs, p.healedAtMs],
      ['recovery', p.healedAtMs, p.durationMs],
    ]),
    { kind: 'fault-injected', issuedAtMs: p.isolateIssuedAtMs, atMs: p.isolateConfirmedAtMs, faultId: 'f1-partition-leader', summary, targets: [M1.name] },
    { kind: 'fault-healed', issuedAtMs: p.healIssuedAtMs, atMs: p.healedAtMs, faultId: 'f1-partition-leader', summary, targets: [M1.name] },
    ...ops.map((op): HistoryEntry => ({ ...op, kind: 'op' })),
    ...polls,
    { kind: 'watch-start', atMs: 1, watcher: 'etcd-watch', target: M3.name, prefix: ETCD_PREFIX, fromRevision: BASE_REVISION + 1 },
    ...etcdApplied.map((a) => watchEventOf(a, 'etcd-watch', 2.4)),
    ...leaderChangeMetrics(0.5, p.durationMs + 50, { [M1.name]: [1, 2], [M2.name]: [1, 2], [M3.name]: [1, 2] }),
    snapshotOf(etcdApplied, endMs, M2.name, revisionAt(endMs)),
  ];
  return toHistory(entries);
}

/** Parameters of the follower-loss scenario. */
export interface FollowerLossParams {
  readonly seed: number;
  readonly durationMs: number;
  readonly killIssuedAtMs: number;
  readonly killConfirmedAtMs: number;
  readonly followerBackAtMs: number;
  readonly healIssuedAtMs: number;
  readonly healedAtMs: number;
  /** When > 0, every n-th write through a SURVIVING member fails during the fault (a sick cluster). */
  readonly flakyEvery: number;
  /**
   * When set, member 2 takes over leadership (term 3) at this instant while member 3 is down, with
   * no write gap: a spurious election that only the pollers see.
   */
  readonly spuriousElectionAtMs?: number;
}

/** Defaults: member 3 (a follower) SIGKILLed at 10 s, back at 16 s; no election. */
export const FOLLOWER_LOSS_DEFAULTS: FollowerLossParams = {
  seed: 5,
  durationMs: 30_000,
  killIssuedAtMs: 10_000,
  killConfirmedAtMs: 10_040,
  followerBackAtMs: 16_000,
  healIssuedAtMs: 20_000,
  healedAtMs: 20_300,
  flakyEvery: 0,
};

/**
 * SIGKILL of a follower (member 3). The leader keeps its quorum with member 2, so writes through
 * members 1 and 2 carry on; writes through member 3 are refused until kubelet restarts it.
 */
export function followerLossHistory(overrides: Partial<FollowerLossParams> = {}): History {
  const p = { ...FOLLOWER_LOSS_DEFAULTS, ...overrides };
  const rnd = seededRandom(p.seed);
  const jitter = (lo: number, hi: number): number => lo + (hi - lo) * rnd();
  const down = (t: number): boolean => t >= p.killIssuedAtMs && t < p.followerBackAtMs;
  const etcdWrites: Committed[] = simulateWorker({
    probe: 'etcd-write',
    op: 'put',
    startMs: 0,
    endMs: p.durationMs,
    intervalMs: 100,
    deadlineMs: 500,
    targets: MEMBERS.map((m) => m.name),
    keyPrefix: ETCD_PREFIX,
    respond: (t, target, seq) => {
      if (target === M3.name && down(t)) {
        return { outcome: 'fail', latencyMs: jitter(0.5, 2), error: refused(M3.ip) };
      }
      if (p.flakyEvery > 0 && down(t) && seq % p.flakyEvery === 0) {
        return { outcome: 'fail', latencyMs: jitter(0.5, 2), error: 'etcdserver: too many requests' };
      }
      return { outcome: 'ok', latencyMs: jitter(3, 8) };
    },
  }).map((op) => ({ op, appliedAtMs: op.outcome === 'ok' ? op.completedAtMs - 0.4 : undefined }));
  const { ops, applied } = assignRevisions(etcdWrites);
  const revisionAt = revisionAtFactory(applied);
  const polls = simulatePolls({
    members: MEMBERS,
    startMs: 0,
    endMs: p.durationMs,
    intervalMs: 100,
    state: (t, member) =>
      member === M3.name && down(t)
        ? { up: false, error: refused(M3.ip) }
        : p.spuriousElectionAtMs !== undefined && t >= p.spuriousElectionAtMs
          ? { up: true, leaderId: M2.id, term: 3 }
          : { up: true, leaderId: M1.id, term: 2 },
    revisionAt: (t, member) => (member === M3.name && down(t) ? revisionAt(p.killIssuedAtMs) : revisionAt(t)),
    offsetMs: (m) => (m === M1.name ? 11 : m === M2.name ? 44 : 77),
  });
  const summary = 'kill-process etcd (SIGKILL) on one-follower';
  return toHistory([
    ...phaseMarks([
      ['baseline', 0, p.killIssuedAtMs],
      ['fault', p.killIssuedAtMs, p.healIssuedAtMs],
      ['heal', p.healIssuedAtMs, p.healedAtMs],
      ['recovery', p.healedAtMs, p.durationMs],
    ]),
    { kind: 'fault-injected', issuedAtMs: p.killIssuedAtMs, atMs: p.killConfirmedAtMs, faultId: 'f1-kill-follower', summary, targets: [M3.name] },
    { kind: 'fault-healed', issuedAtMs: p.healIssuedAtMs, atMs: p.healedAtMs, faultId: 'f1-kill-follower', summary, targets: [M3.name] },
    ...ops.map((op): HistoryEntry => ({ ...op, kind: 'op' })),
    ...polls,
    snapshotOf(applied, p.durationMs + 150, M1.name, revisionAt(p.durationMs + 150)),
  ]);
}
