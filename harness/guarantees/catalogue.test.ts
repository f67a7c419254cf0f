import { describe, expect, it } from 'vitest';
import { History, type HistoryEntry } from '../probes/history.js';
import type { VerdictStatus } from '../checks/verdict.js';
import { buildEtcdQuorumCatalogue, ETCD_QUORUM_IDS, type EtcdQuorumGuaranteeId } from './catalogue.js';
import { ETCD_DEFAULT_TIMERS } from './flags.js';
import {
  followerLossHistory,
  gracefulStopHistory,
  LEADER_KILL_DEFAULTS,
  leaderKillHistory,
  leaderPartitionHistory,
  MEMBERS,
  QUORUM_LOSS_DEFAULTS,
  quorumLossHistory,
} from '../testing/sample-histories.js';

const PROBES = { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 500 };
const threeMembers = Object.fromEntries(MEMBERS.map((m) => [m.name, ETCD_DEFAULT_TIMERS]));
const catalogue = buildEtcdQuorumCatalogue({ timersByMember: threeMembers, probes: PROBES });

function statuses(history: History): Record<EtcdQuorumGuaranteeId, VerdictStatus> {
  const out: Partial<Record<EtcdQuorumGuaranteeId, VerdictStatus>> = {};
  for (const id of ETCD_QUORUM_IDS) {
    const g = catalogue.get(id);
    out[id] = g.check(history, g).status;
  }
  return out as Record<EtcdQuorumGuaranteeId, VerdictStatus>;
}

const judge = (id: EtcdQuorumGuaranteeId, h: History) => {
  const g = catalogue.get(id);
  return g.check(h, g);
};

/** Appends entries to a copy of a history (histories are append-only). */
function withExtra(h: History, extra: readonly HistoryEntry[]): History {
  return new History([...h.entries(), ...extra]);
}

describe('the etcd-quorum catalogue', () => {
  it('has every id once, each with a statement, an etcd source and its thresholds', () => {
    expect(catalogue.guarantees.map((g) => g.id)).toEqual([...ETCD_QUORUM_IDS]);
    for (const g of catalogue.guarantees) {
      expect(g.id).toMatch(/^etcd-quorum\.[a-z-]+$/);
      expect(g.statement.length).toBeGreaterThan(20);
      expect(g.source).toMatch(/^https:\/\/(etcd\.io\/docs\/v3\.6\/|github\.com\/etcd-io\/)/);
      expect(Object.keys(g.derivation).sort()).toEqual(Object.keys(g.thresholds).sort());
    }
    expect(() => catalogue.get('etcd-quorum.nope' as EtcdQuorumGuaranteeId)).toThrow(/unknown guarantee/);
  });

  it('derives thresholds from the timers: a 2.5 s election timeout moves the election bound', () => {
    const slow = buildEtcdQuorumCatalogue({
      timersByMember: Object.fromEntries(MEMBERS.map((m) => [m.name, { heartbeatIntervalMs: 250, electionTimeoutMs: 2_500 }])),
      probes: PROBES,
    });
    const fast = catalogue.get('etcd-quorum.leader-loss-elects-new-leader').thresholds['maxElectionMs'];
    const slowBound = slow.get('etcd-quorum.leader-loss-elects-new-leader').thresholds['maxElectionMs'];
    // 2 ET + 2 HB + poll + 500: 2 000 + 200 + 100 + 500 vs 5 000 + 500 + 100 + 500.
    expect(fast).toBe(2_800);
    expect(slowBound).toBe(6_100);
  });

  it('states the member count in the statements and flags an even count', () => {
    const five = buildEtcdQuorumCatalogue({
      timersByMember: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((n) => [n, ETCD_DEFAULT_TIMERS])),
      probes: PROBES,
    });
    expect(five.get('etcd-quorum.minority-loss-keeps-writes').statement).toContain('2 of 5');
    expect(five.get('etcd-quorum.quorum-loss-refuses-writes').statement).toContain('3 of 5');
    expect(five.notes).toEqual([]);
    const four = buildEtcdQuorumCatalogue({
      timersByMember: Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [n, ETCD_DEFAULT_TIMERS])),
      probes: PROBES,
    });
    expect(four.notes.join(' ')).toMatch(/even member count adds no fault tolerance/);
  });
});

describe('verdicts on a simulated leader SIGKILL', () => {
  const h = leaderKillHistory();

  it('passes what holds, and is inconclusive where the scenario does not apply', () => {
    expect(statuses(h)).toEqual({
      'etcd-quorum.baseline-healthy': 'pass',
      'etcd-quorum.follower-loss-keeps-writes': 'inconclusive', // the fault hit the leader
      'etcd-quorum.minority-loss-keeps-writes': 'pass',
      'etcd-quorum.leader-loss-elects-new-leader': 'pass',
      'etcd-quorum.graceful-leader-stop-transfers-leadership': 'fail', // an election, not a transfer
      'etcd-quorum.quorum-loss-refuses-writes': 'inconclusive',
      'etcd-quorum.quorum-loss-serves-serializable-reads': 'inconclusive',
      'etcd-quorum.quorum-restored-writes-resume': 'inconclusive',
      'etcd-quorum.partitioned-leader-steps-down': 'inconclusive', // the killed member answered no polls
      'etcd-quorum.acknowledged-writes-durable': 'pass',
      'etcd-quorum.revisions-and-terms-monotonic': 'pass',
      'etcd-quorum.one-leader-per-term': 'pass',
      'etcd-quorum.watch-ordered-without-gaps': 'pass',
    });
  });

  it('measures the election against the truth of the simulation', () => {
    const v = judge('etcd-quorum.leader-loss-elects-new-leader', h);
    const p = LEADER_KILL_DEFAULTS;
    const trueElectionMs = p.newLeaderAtMs - p.killIssuedAtMs;
    expect(v.measured['trials']).toBe(1);
    expect(v.measured['electionMsMax']).toBeGreaterThanOrEqual(trueElectionMs);
    expect(v.measured['electionMsMax']).toBeLessThanOrEqual(trueElectionMs + p.pollIntervalMs);
    expect(v.measured['firstWriteMsMax']).toBeGreaterThan(trueElectionMs);
    expect(v.measured['leaderChangesObserved']).toBe(1);
    expect(v.measured['leaderChangesByMetric']).toBe(1);
    expect(v.threshold).toMatchObject({ maxElectionMs: 2_800, maxFirstWriteAfterLeaderLossMs: 3_400 });
    expect(v.reason).toMatch(/new leader after \d+ ms, writes back after at most \d+ ms/);
  });

  it('takes a first write the probe timed out on but the watch delivered as accepted at its delivery', () => {
    const p = LEADER_KILL_DEFAULTS;
    const entries = h.entries();
    const first = entries.find((e) => e.kind === 'op' && e.probe === 'etcd-write' && e.outcome === 'ok' && e.invokedAtMs >= p.killConfirmedAtMs);
    if (first?.kind !== 'op') {
      throw new Error('the simulation has no write after the kill');
    }
    // The same history, but the probe gave up on that first write at its 250 ms deadline.
    const timedOut = (keepDelivery: boolean): History =>
      new History(
        entries
          .filter((e) => keepDelivery || !(e.kind === 'watch' && e.key === first.key))
          .map((e) => (e === first ? { ...first, outcome: 'unknown' as const, completedAtMs: first.invokedAtMs + 250, error: 'context deadline exceeded' } : e)),
      );
    const before = judge('etcd-quorum.leader-loss-elects-new-leader', h);
    const seen = judge('etcd-quorum.leader-loss-elects-new-leader', timedOut(true));
    expect(seen.status).toBe('pass');
    expect(before.measured['firstWritesSeenByWatch']).toBe(0);
    expect(seen.measured['firstWritesSeenByWatch']).toBe(1);
    // Counted at the delivery (2.5 ms after the commit in the simulation), not at the deadline.
    expect(seen.measured['firstWriteMsMax']).toBeGreaterThanOrEqual(before.measured['firstWriteMsMax'] ?? Number.NaN);
    expect(seen.measured['firstWriteMsMax']).toBeLessThan((before.measured['firstWriteMsMax'] ?? 0) + 10);
    // Never delivered: the write stays unknown and the next answered write is the first.
    const lost = judge('etcd-quorum.leader-loss-elects-new-leader', timedOut(false));
    expect(lost.measured['firstWritesSeenByWatch']).toBe(0);
    expect(lost.measured['firstWriteMsMax']).toBeGreaterThan((before.measured['firstWriteMsMax'] ?? 0) + 10);
  });

  it('fails a slow election', () => {
    const slow = leaderKillHistory({ campaignAtMs: 23_900, newLeaderAtMs: 24_000 });
    const v = judge('etcd-quorum.leader-loss-elects-new-leader', slow);
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/election took up to 40\d\d ms, over the 2800 ms bound/);
  });

  it('is inconclusive when the probe is too sparse to resolve the outage', () => {
    const v = judge('etcd-quorum.leader-loss-elects-new-leader', leaderKillHistory({ writeIntervalMs: 250 }));
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toMatch(/write probe ran at 4\.0\/s/);
  });

  it('is inconclusive when etcd counted a leader change the pollers missed', () => {
    const extra: HistoryEntry[] = [
      { kind: 'metric', atMs: 60_100, member: MEMBERS[2].name, name: 'etcd_server_leader_changes_seen_total', value: 4 },
    ];
    const v = judge('etcd-quorum.leader-loss-elects-new-leader', withExtra(h, extra));
    expect(v.status).toBe('inconclusive');
    expect(v.measured['leaderChangesByMetric']).toBe(3);
  });

  it('judges a faulted member\'s counter up to its own first fault: it restarts with the process', () => {
    // The killed leader (MEMBERS[0]) counted 2 changes before it was killed, while the pollers saw none
    // then: a missed flap, even though every later sample of it belongs to a new process.
    const name = 'etcd_server_leader_changes_seen_total';
    const m1 = MEMBERS[0].name;
    const missed: HistoryEntry[] = [
      { kind: 'metric', atMs: 2_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: 15_000, member: m1, name, value: 3 },
    ];
    expect(judge('etcd-quorum.leader-loss-elects-new-leader', withExtra(h, missed))).toMatchObject({ status: 'inconclusive', reason: expect.stringMatching(/counted 2 leader changes over \d+ ms it ran undisturbed, but the pollers saw 0 in those spans/) });
    // The restarted process counts from zero again (1 after the election it saw): not a missed change.
    const restarted: HistoryEntry[] = [
      { kind: 'metric', atMs: 2_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: 15_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: 40_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: 58_000, member: m1, name, value: 1 },
    ];
    const v = judge('etcd-quorum.leader-loss-elects-new-leader', withExtra(h, restarted));
    expect(v.status).toBe('pass');
    expect(v.measured['membersCompared']).toBeGreaterThanOrEqual(2);
  });

  it('judges a killed member again after its heal, so every trial is cross-checked', () => {
    const name = 'etcd_server_leader_changes_seen_total';
    const m1 = MEMBERS[0].name;
    const p = LEADER_KILL_DEFAULTS;
    // After the heal (30.45 s) the restarted process counted a change at ~50 s that no poller saw:
    // judging the member only up to its first fault (20 s) would have missed it.
    const missedAfterHeal: HistoryEntry[] = [
      { kind: 'metric', atMs: 2_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: 15_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: p.healedAtMs + 5_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: 58_000, member: m1, name, value: 2 },
    ];
    expect(judge('etcd-quorum.leader-loss-elects-new-leader', withExtra(h, missedAfterHeal))).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(/on ha-3cp-control-plane counted 1 leader changes/),
    });
    // The restart itself (0 while it comes up, then 1 for learning the new leader) is not a change:
    // counted across the fault, the 0 -> 1 would be one change that no poller saw after the heal.
    const restartOnly: HistoryEntry[] = [
      { kind: 'metric', atMs: 2_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: 15_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: 25_000, member: m1, name, value: 0 },
      { kind: 'metric', atMs: p.healedAtMs + 5_000, member: m1, name, value: 1 },
      { kind: 'metric', atMs: 58_000, member: m1, name, value: 1 },
    ];
    expect(judge('etcd-quorum.leader-loss-elects-new-leader', withExtra(h, restartOnly)).status).toBe('pass');
  });

  it('fails durability when an acknowledged write is missing from the final read', () => {
    const snap = h.lastSnapshot('etcd-write');
    const victim = h.operations({ probe: 'etcd-write', outcome: 'ok' })[42];
    expect(snap).toBeDefined();
    const tampered = new History(
      h.entries().map((e) => (e.kind === 'snapshot' ? { ...e, entries: e.entries.filter((kv) => kv.key !== victim?.key) } : e)),
    );
    const v = judge('etcd-quorum.acknowledged-writes-durable', tampered);
    expect(v.status).toBe('fail');
    expect(v.reason).toContain(`${victim?.key}@${victim?.revision}`);
  });

  it('fails the baseline when members run different timers', () => {
    const mixed = buildEtcdQuorumCatalogue({
      timersByMember: { ...threeMembers, [MEMBERS[2].name]: { heartbeatIntervalMs: 100, electionTimeoutMs: 5_000 } },
      probes: PROBES,
    });
    const g = mixed.get('etcd-quorum.baseline-healthy');
    const v = g.check(h, g);
    expect(v.status).toBe('fail');
    expect(v.reason).toContain(`100/5000 ms on ${MEMBERS[2].name}`);
    // ... and judges elections against the slowest member.
    expect(mixed.get('etcd-quorum.leader-loss-elects-new-leader').thresholds['maxElectionMs']).toBe(10_800);
  });
});

describe('verdicts on a simulated follower loss', () => {
  it('passes: writes through the surviving members carry on, with no election', () => {
    const v = judge('etcd-quorum.follower-loss-keeps-writes', followerLossHistory());
    expect(v.status).toBe('pass');
    expect(v.measured).toMatchObject({ writeTimeAvailabilityRatio: 1, writeRequestSuccessRatio: 1, leaderChangesDuringFault: 0 });
    // election timeout 1000 + write interval 100 + scheduling 500
    expect(v.threshold['maxFollowerLossOutageMs']).toBe(1_600);
    expect(judge('etcd-quorum.leader-loss-elects-new-leader', followerLossHistory()).status).toBe('inconclusive');
  });

  it('fails when surviving members drop many writes even though no single gap is long', () => {
    const v = judge('etcd-quorum.follower-loss-keeps-writes', followerLossHistory({ flakyEvery: 2 }));
    expect(v.status).toBe('fail');
    expect(v.measured['longestWriteOutageMs']).toBeLessThan(v.threshold['maxFollowerLossOutageMs'] ?? 0);
    expect(v.reason).toMatch(/surviving member ha-3cp-control-plane\d? were answered only \d+\.\d% of the time/);
  });

  it('reports the least available surviving member against its window\'s floor when it passes', () => {
    // Every 40th write through a surviving member fails: each costs that member one write interval.
    const v = judge('etcd-quorum.follower-loss-keeps-writes', followerLossHistory({ flakyEvery: 40 }));
    expect(v.status).toBe('pass');
    const ratio = v.measured['writeTimeAvailabilityRatio'] ?? 0;
    const floor = v.threshold['minWriteTimeAvailabilityRatio'] ?? 1;
    expect(ratio).toBeLessThan(0.99);
    expect(ratio).toBeGreaterThan(floor);
    // outer window 10.0 -> 20.3 s: 1 - 1.6 s / 10.3 s - 2 % slack
    expect(floor).toBeCloseTo(1 - 1_600 / 10_300 - 0.02, 6);
    expect(v.measured['writeRequestSuccessRatio']).toBeLessThan(1);
  });

  it('fails on an election while only a follower is down, even with no write gap', () => {
    const v = judge('etcd-quorum.follower-loss-keeps-writes', followerLossHistory({ spuriousElectionAtMs: 13_000 }));
    expect(v.status).toBe('fail');
    expect(v.measured['longestWriteOutageMs']).toBe(0);
    expect(v.reason).toMatch(/leader changed 1 time\(s\) while only a follower was down/);
  });
});

describe('verdicts on a simulated graceful leader stop', () => {
  it('passes: leadership moves within an election timeout, writes pause briefly', () => {
    const v = judge('etcd-quorum.graceful-leader-stop-transfers-leadership', gracefulStopHistory());
    expect(v.status).toBe('pass');
    expect(v.measured['electionMsMax']).toBeLessThan(250);
    // 1 client listener x (5 s + 2 x 1 s) + 1 s + 100 ms poll.
    expect(v.threshold['maxLeaderTransferMs']).toBe(8_100);
  });
});

describe('verdicts on a simulated quorum loss', () => {
  const h = quorumLossHistory();

  it('passes what holds, and is inconclusive where the scenario does not apply', () => {
    expect(statuses(h)).toEqual({
      'etcd-quorum.baseline-healthy': 'pass',
      'etcd-quorum.follower-loss-keeps-writes': 'inconclusive',
      'etcd-quorum.minority-loss-keeps-writes': 'inconclusive',
      'etcd-quorum.leader-loss-elects-new-leader': 'inconclusive', // the leader survived
      'etcd-quorum.graceful-leader-stop-transfers-leadership': 'inconclusive',
      'etcd-quorum.quorum-loss-refuses-writes': 'pass',
      'etcd-quorum.quorum-loss-serves-serializable-reads': 'pass',
      'etcd-quorum.quorum-restored-writes-resume': 'pass',
      'etcd-quorum.partitioned-leader-steps-down': 'inconclusive',
      'etcd-quorum.acknowledged-writes-durable': 'pass',
      'etcd-quorum.revisions-and-terms-monotonic': 'pass',
      'etcd-quorum.one-leader-per-term': 'pass',
      'etcd-quorum.watch-ordered-without-gaps': 'pass',
    });
  });

  it('counts the attempts behind "nothing succeeded"', () => {
    const v = judge('etcd-quorum.quorum-loss-refuses-writes', h);
    expect(v.measured['acknowledgedWrites']).toBe(0);
    expect(v.measured['attemptedWrites']).toBeGreaterThan(150);
    expect(v.measured['attemptedLinearizableReads']).toBeGreaterThan(50);
  });

  it('fails when a write is acknowledged inside the quorum-loss window (split brain)', () => {
    const p = QUORUM_LOSS_DEFAULTS;
    const rogue: HistoryEntry = {
      kind: 'op',
      probe: 'etcd-write',
      op: 'put',
      target: MEMBERS[0].name,
      invokedAtMs: p.stopConfirmedAtMs + 5_000,
      completedAtMs: p.stopConfirmedAtMs + 5_006,
      outcome: 'ok',
      key: '/ha-chaos/etcd-write/rogue',
      value: 'x',
      revision: 99_999,
    };
    const v = judge('etcd-quorum.quorum-loss-refuses-writes', withExtra(h, [rogue]));
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/1 writes were acknowledged while quorum was lost \(first: etcd-write put via ha-3cp-control-plane at 25800 ms\)/);
  });

  it('fails when a linearizable read succeeds without quorum', () => {
    const p = QUORUM_LOSS_DEFAULTS;
    const read: HistoryEntry = {
      kind: 'op',
      probe: 'etcd-read-linearizable',
      op: 'get-linearizable',
      target: MEMBERS[0].name,
      invokedAtMs: p.stopConfirmedAtMs + 3_000,
      completedAtMs: p.stopConfirmedAtMs + 3_002,
      outcome: 'ok',
    };
    const v = judge('etcd-quorum.quorum-loss-refuses-writes', withExtra(h, [read]));
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('1 linearizable reads succeeded without quorum');
  });

  it('fails when writes resume too long after the heal', () => {
    const late = quorumLossHistory({ newLeaderAtMs: 52_000, compactionAtMs: 52_100 });
    const v = judge('etcd-quorum.quorum-restored-writes-resume', late);
    expect(v.status).toBe('fail');
    expect(v.measured['resumeAfterHealMs']).toBeGreaterThan(5_000);
  });
});

describe('verdicts on a simulated leader partition', () => {
  it('passes step-down, election and no-split-brain; the scenario-specific checks agree', () => {
    const h = leaderPartitionHistory();
    const s = statuses(h);
    expect(s['etcd-quorum.partitioned-leader-steps-down']).toBe('pass');
    expect(s['etcd-quorum.one-leader-per-term']).toBe('pass');
    expect(s['etcd-quorum.acknowledged-writes-durable']).toBe('pass');
    expect(s['etcd-quorum.watch-ordered-without-gaps']).toBe('pass');
    const v = judge('etcd-quorum.partitioned-leader-steps-down', h);
    expect(v.measured['acknowledgedWritesViaIsolated']).toBe(0);
    expect(v.measured['stepDownMs']).toBeGreaterThanOrEqual(1_950);
    expect(v.measured['stepDownMs']).toBeLessThanOrEqual(2_050);
  });

  it('fails when the isolated leader keeps claiming leadership past the CheckQuorum bound', () => {
    const v = judge('etcd-quorum.partitioned-leader-steps-down', leaderPartitionHistory({ stepDownAtMs: 26_000 }));
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/stepped down after 60\d\d ms, over the 2700 ms bound/);
  });
});
