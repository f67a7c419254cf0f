import { describe, expect, it } from 'vitest';
import type { LeaderObservation, MetricSample } from '../probes/history.js';
import {
  correctTermLag,
  counterIncrease,
  undisturbedStretches,
  electionAfter,
  leaderChanges,
  leaderEpochs,
  minMedianMax,
  splitBrainViolations,
  stepDownAfter,
} from './election.js';
import { leaderKillHistory, LEADER_KILL_DEFAULTS, MEMBERS, quorumLossHistory, QUORUM_LOSS_DEFAULTS } from '../testing/sample-histories.js';

const A = 'aaaa000000000001';
const B = 'bbbb000000000002';
const C = 'cccc000000000003';
const obs = (atMs: number, member: string, leaderId: string, term: number, memberId?: string): LeaderObservation => ({
  kind: 'leader',
  atMs,
  member,
  leaderId,
  term,
  revision: 100,
  ...(memberId === undefined ? {} : { memberId }),
});

/**
 * Hand-made: three pollers at ~10 Hz. Leader A (term 2) is killed at 10 000. Member b times out and
 * campaigns (leader 0) at 11 200, wins term 3 at 11 300; c learns at 11 320; a is down.
 */
function killOfA(): LeaderObservation[] {
  const out: LeaderObservation[] = [];
  for (let t = 0; t < 20_000; t += 100) {
    if (t < 10_000) {
      out.push(obs(t + 1, 'a', A, 2, A));
    }
    out.push(t < 11_200 ? obs(t + 2, 'b', A, 2, B) : t < 11_300 ? obs(t + 2, 'b', '0', 3, B) : obs(t + 2, 'b', B, 3, B));
    out.push(t < 11_300 ? obs(t + 3, 'c', A, 2, C) : obs(t + 3, 'c', B, 3, C));
  }
  return out;
}

describe('leaderEpochs and leaderChanges', () => {
  it('de-duplicates the same (leader, term) across pollers and ignores "no leader"', () => {
    const epochs = leaderEpochs(killOfA());
    expect(epochs).toEqual([
      { leaderId: A, term: 2, firstSeenAtMs: 1, firstSeenBy: 'a' },
      { leaderId: B, term: 3, firstSeenAtMs: 11_302, firstSeenBy: 'b' },
    ]);
    const changes = leaderChanges(killOfA());
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ atMs: 11_302, leaderIdChanged: true });
  });

  it('counts a re-election of the same member in a new term as a change, flagged as such', () => {
    const changes = leaderChanges([obs(0, 'a', A, 2), obs(100, 'b', '0', 3), obs(200, 'b', A, 3), obs(300, 'a', A, 2)]);
    expect(changes.map((c) => [c.to.term, c.leaderIdChanged])).toEqual([[3, false]]);
  });

  it('orders epochs by term even when a lagging poller reports the old one late', () => {
    const epochs = leaderEpochs([obs(500, 'b', B, 3), obs(600, 'c', A, 2), obs(50, 'x', '0000000000000000', 1)]);
    expect(epochs.map((e) => e.term)).toEqual([2, 3]);
  });
});

describe('electionAfter', () => {
  it('measures fault instant -> first observation of a different leader in a higher term', () => {
    const r = electionAfter(killOfA(), 10_000);
    expect(r.previous).toMatchObject({ leaderId: A, term: 2 });
    expect(r.next).toEqual({ leaderId: B, term: 3, atMs: 11_302, observedBy: 'b' });
    expect(r.electionMs).toBe(1_302);
  });

  it('does not count a "no leader" report or a stale report of the old leader', () => {
    const onlyCampaign = killOfA().filter((o) => o.leaderId !== B);
    expect(electionAfter(onlyCampaign, 10_000).electionMs).toBeUndefined();
  });

  it('counts the same member re-elected in a higher term as the election that followed', () => {
    // A is restarted (or briefly cut off) and wins again in term 3: an election did complete, and
    // writes can resume from then on; waiting for a different leader would misattribute later ones.
    const same = [obs(0, 'a', A, 2), obs(9_000, 'b', A, 2), obs(10_500, 'b', '0', 3), obs(10_900, 'b', A, 3), obs(12_000, 'c', B, 4)];
    const r = electionAfter(same, 10_000);
    expect(r.next).toEqual({ leaderId: A, term: 3, atMs: 10_900, observedBy: 'b' });
  });

  it('has no election when nothing was observed before the fault', () => {
    const r = electionAfter(killOfA().filter((o) => o.atMs > 10_000), 10_000);
    expect(r.previous).toBeUndefined();
    expect(r.electionMs).toBeUndefined();
  });

  it('on the simulated SIGKILL history, lands between the true election and one poll interval later', () => {
    const h = leaderKillHistory();
    const p = LEADER_KILL_DEFAULTS;
    const r = electionAfter(h.leaderObservations(), p.killIssuedAtMs);
    expect(r.previous?.leaderId).toBe(MEMBERS[0].id);
    expect(r.next?.leaderId).toBe(MEMBERS[1].id);
    expect(r.electionMs).toBeGreaterThanOrEqual(p.newLeaderAtMs - p.killIssuedAtMs);
    expect(r.electionMs).toBeLessThanOrEqual(p.newLeaderAtMs - p.killIssuedAtMs + p.pollIntervalMs);
  });
});

describe('stepDownAfter', () => {
  it('finds the first poll of the isolated member that no longer names itself leader', () => {
    const h = quorumLossHistory();
    const p = QUORUM_LOSS_DEFAULTS;
    const r = stepDownAfter(h.leaderObservations(), MEMBERS[0].name, p.stopConfirmedAtMs);
    expect(r?.selfId).toBe(MEMBERS[0].id);
    expect(r?.atMs).toBeGreaterThanOrEqual(p.stepDownAtMs);
    expect(r?.atMs).toBeLessThan(p.stepDownAtMs + 100);
    expect(r?.delayMs).toBeCloseTo((r?.atMs ?? 0) - p.stopConfirmedAtMs, 6);
  });

  it('is undefined when the member never said so, or its own id is unknown', () => {
    const stillLeader = [obs(0, 'a', A, 2, A), obs(5_000, 'a', A, 2, A)];
    expect(stepDownAfter(stillLeader, 'a', 1_000)).toBeUndefined();
    expect(stepDownAfter([obs(5_000, 'a', '0', 2)], 'a', 1_000)).toBeUndefined();
    expect(stepDownAfter([obs(5_000, 'a', '0', 2)], 'a', 1_000, A)).toEqual({ atMs: 5_000, delayMs: 4_000, selfId: A });
  });
});

describe('splitBrainViolations', () => {
  it('is empty for a clean election', () => {
    expect(splitBrainViolations(killOfA())).toEqual([]);
    expect(splitBrainViolations(leaderKillHistory().leaderObservations())).toEqual([]);
  });

  it('flags two different leaders claimed in one term, with who claimed them', () => {
    const v = splitBrainViolations([obs(10, 'a', A, 4), obs(20, 'b', B, 4), obs(30, 'c', B, 4), obs(40, 'c', C, 5)]);
    expect(v).toEqual([
      {
        term: 4,
        leaderIds: [A, B],
        claims: [
          { member: 'a', leaderId: A, atMs: 10 },
          { member: 'b', leaderId: B, atMs: 20 },
        ],
      },
    ]);
  });
});

describe('undisturbedStretches', () => {
  const s = (atMs: number, value: number): MetricSample => ({ kind: 'metric', atMs, member: 'cp1', name: 'etcd_server_leader_changes_seen_total', value });
  it('splits at the faults that hit the member and at restarts, and drops stretches too short to compare', () => {
    const samples = [s(0, 2), s(5_000, 3), s(10_000, 3), s(22_000, 0), s(35_000, 1), s(40_000, 2), s(45_000, 2), s(50_000, 1), s(55_000, 1), s(60_000, 2)];
    const stretches = undisturbedStretches(samples, [{ issuedAtMs: 20_000, healedAtMs: 31_000 }]);
    expect(stretches.map((x) => x.map((y) => y.atMs))).toEqual([
      [0, 5_000, 10_000], // before the fault
      [35_000, 40_000, 45_000], // after its heal, up to an unexplained restart
      [50_000, 55_000, 60_000], // after that restart
    ]);
    expect(stretches.map((x) => counterIncrease(x))).toEqual([1, 1, 1]);
  });

  it('treats an unhealed fault as lasting to the end, and a fault between two scrapes as a boundary', () => {
    expect(undisturbedStretches([s(0, 1), s(5_000, 1), s(25_000, 1)], [{ issuedAtMs: 20_000 }]).map((x) => x.length)).toEqual([2]);
    expect(undisturbedStretches([s(0, 1), s(5_000, 1), s(9_000, 2), s(14_000, 2)], [{ issuedAtMs: 6_000, healedAtMs: 8_000 }]).map((x) => x.length)).toEqual([2, 2]);
  });
});

describe('counterIncrease', () => {
  const s = (atMs: number, value: number): MetricSample => ({ kind: 'metric', atMs, member: 'm', name: 'c', value });
  it('sums increases and treats a drop as a restart from zero', () => {
    expect(counterIncrease([s(0, 3), s(10, 5)])).toBe(2);
    expect(counterIncrease([s(20, 1), s(0, 3), s(10, 5)])).toBe(3);
    expect(counterIncrease([s(0, 3)])).toBe(0);
  });
});

describe('minMedianMax', () => {
  it('summarises trials', () => {
    expect(minMedianMax([1_400, 900, 2_100])).toEqual({ min: 900, median: 1_400, max: 2_100 });
    expect(minMedianMax([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(minMedianMax([])).toBeUndefined();
  });
});

describe('correctTermLag (etcd 3.6 Status reads leader and term separately)', () => {
  // Real polls from a SIGKILL-of-the-leader trial on ha-3cp (member names shortened): cp3 won term 3,
  // but for one poll cp3 and cp2 reported (cp3, term 2) before reporting (cp3, term 3).
  const obs = [
    { kind: 'leader' as const, atMs: 210_605, member: 'cp1', memberId: 'c221', leaderId: 'c221', term: 2, revision: 14_049 },
    { kind: 'leader' as const, atMs: 210_606, member: 'cp2', memberId: 'eaf5', leaderId: 'c221', term: 2, revision: 14_049 },
    { kind: 'leader' as const, atMs: 210_607, member: 'cp3', memberId: '91f0', leaderId: 'c221', term: 2, revision: 14_049 },
    { kind: 'leader' as const, atMs: 218_152, member: 'cp3', memberId: '91f0', leaderId: '91f0', term: 2, revision: 14_304 },
    { kind: 'leader' as const, atMs: 218_152, member: 'cp2', memberId: 'eaf5', leaderId: '91f0', term: 2, revision: 14_304 },
    { kind: 'leader' as const, atMs: 218_393, member: 'cp2', memberId: 'eaf5', leaderId: '91f0', term: 3, revision: 14_305 },
    { kind: 'leader' as const, atMs: 218_478, member: 'cp3', memberId: '91f0', leaderId: '91f0', term: 3, revision: 14_305 },
  ];
  it('moves a transient (new leader, old term) report into the new term, so no false split brain', () => {
    expect(splitBrainViolations(obs)).toEqual([]);
    expect(leaderEpochs(obs).map((e) => `${e.leaderId}@${e.term}`)).toEqual(['c221@2', '91f0@3']);
    // ... and the new leader counts from its first report, not from when the term caught up.
    expect(electionAfter(obs, 217_150).electionMs).toBeCloseTo(1_002, 0);
  });
  it('still flags two leaders that really share a term', () => {
    const real = [
      { kind: 'leader' as const, atMs: 1_000, member: 'a', leaderId: 'a1', term: 4, revision: 1 },
      { kind: 'leader' as const, atMs: 1_010, member: 'b', leaderId: 'b2', term: 4, revision: 1 },
      { kind: 'leader' as const, atMs: 2_000, member: 'b', leaderId: 'b2', term: 4, revision: 2 },
    ];
    expect(splitBrainViolations(real).map((v) => v.term)).toEqual([4]);
  });
  it('covers a rejoining member that reports the new leader with its old term for a long time', () => {
    // After a partition heals, the isolated member names the new leader at once but applies the
    // backlog of the new term for tens of seconds.
    // It is polled every 100 ms throughout (it keeps answering), so its run is unbroken.
    const catchingUp = Array.from({ length: 301 }, (_, i) => ({
      kind: 'leader' as const, atMs: 555_000 + i * 100, member: 'a', leaderId: 'new', term: i < 300 ? 8 : 9, revision: 3 + i,
    }));
    const rejoin = [
      { kind: 'leader' as const, atMs: 500_000, member: 'a', leaderId: 'old', term: 8, revision: 1 },
      { kind: 'leader' as const, atMs: 501_000, member: 'b', leaderId: 'new', term: 9, revision: 2 },
      ...catchingUp,
    ];
    expect(splitBrainViolations(rejoin)).toEqual([]);
    const fixed = correctTermLag(rejoin).map((o) => o.term);
    expect(fixed.slice(0, 3)).toEqual([8, 9, 9]);
    expect(new Set(fixed.slice(2))).toEqual(new Set([9]));
  });
  it('keeps a run that is broken by another leader apart (a re-election after another leader is real)', () => {
    const reelected = [
      { kind: 'leader' as const, atMs: 1_000, member: 'a', leaderId: 'x', term: 5, revision: 1 },
      { kind: 'leader' as const, atMs: 2_000, member: 'a', leaderId: 'y', term: 6, revision: 2 },
      { kind: 'leader' as const, atMs: 3_000, member: 'a', leaderId: 'x', term: 7, revision: 3 },
    ];
    expect(correctTermLag(reelected).map((o) => o.term)).toEqual([5, 6, 7]);
  });
});

describe('electionAfter: a restarted leader can win again', () => {
  it('counts the same member re-elected in a higher term as the new election', () => {
    // ha-3cp, CI run: cp1 (629e) SIGKILLed at 215 607 ms, restarted by the kubelet, and re-elected
    // in term 3 before either follower won; the next different leader came only at the next trial.
    const obs = [
      { kind: 'leader' as const, atMs: 211_529, member: 'cp1', leaderId: '629e', term: 2, revision: 10 },
      { kind: 'leader' as const, atMs: 211_571, member: 'cp2', leaderId: '629e', term: 2, revision: 10 },
      { kind: 'leader' as const, atMs: 217_239, member: 'cp2', leaderId: '629e', term: 3, revision: 11 },
      { kind: 'leader' as const, atMs: 223_713, member: 'cp3', leaderId: 'b70e', term: 4, revision: 12 },
    ];
    const e = electionAfter(obs, 215_607);
    expect(e.next).toMatchObject({ leaderId: '629e', term: 3 });
    expect(e.electionMs).toBeCloseTo(1_632, 0);
  });
});

describe('correctTermLag across a restart of the polled member', () => {
  it('does not carry the term a restarted member reports after its restart back to before it', () => {
    // CI run on ha-3cp: cp2 led in term 3, was SIGKILLed at 812 262 ms, restarted and won term 4.
    const obs = [
      { kind: 'leader' as const, atMs: 808_142, member: 'cp2', leaderId: 'a894', term: 3, revision: 1 },
      { kind: 'leader' as const, atMs: 812_295, member: 'cp2', leaderId: 'a894', term: 3, revision: 2 },
      { kind: 'leader' as const, atMs: 812_300, member: 'cp3', leaderId: 'a894', term: 3, revision: 2 },
      { kind: 'leader' as const, atMs: 813_617, member: 'cp3', leaderId: 'a894', term: 4, revision: 3 },
      { kind: 'leader' as const, atMs: 814_143, member: 'cp2', leaderId: 'a894', term: 4, revision: 3 },
    ];
    expect(correctTermLag(obs).map((o) => o.term)).toEqual([3, 3, 3, 4, 4]);
    expect(electionAfter(obs, 812_262).electionMs).toBeCloseTo(1_355, 0);
  });
});

describe('correctTermLag with the same leader re-elected', () => {
  it('leaves the followers\' reports of that leader alone, so the election is not moved to the kill', () => {
    // CI run: cp3 and cp1 kept answering and named a894 throughout; a894 (cp2) was killed at
    // 812 262 ms and re-elected in term 4, which cp3 first reported at 813 617 ms.
    const obs = [
      { kind: 'leader' as const, atMs: 808_080, member: 'cp3', leaderId: 'a894', term: 3, revision: 1 },
      { kind: 'leader' as const, atMs: 812_295, member: 'cp3', leaderId: 'a894', term: 3, revision: 2 },
      { kind: 'leader' as const, atMs: 812_900, member: 'cp3', leaderId: 'a894', term: 3, revision: 2 },
      { kind: 'leader' as const, atMs: 813_617, member: 'cp3', leaderId: 'a894', term: 4, revision: 3 },
    ];
    expect(correctTermLag(obs).map((o) => o.term)).toEqual([3, 3, 3, 4]);
    expect(electionAfter(obs, 812_262).electionMs).toBeCloseTo(1_355, 0);
  });
});

describe('splitBrainViolations and a follower whose term field lags its leader field (2026-12-07 CI dry run)', () => {
  const o = (atMs: number, member: string, memberId: string, leaderId: string, term: number) => ({ kind: 'leader' as const, atMs, member, memberId, leaderId, term, revision: 1, raftIndex: 1 });
  it('does not call a stale term field a second leader, but still catches two self-declared leaders', () => {
    const obs = [
      o(1_603_940, 'cp3', 'eb20', '62ad', 5), o(1_604_068, 'cp', '62ad', '62ad', 5),
      o(1_612_550, 'cp2', '581e', '581e', 6), o(1_612_705, 'cp', '62ad', '0', 5),
      o(1_625_708, 'cp', '62ad', '581e', 5), o(1_637_770, 'cp', '62ad', '581e', 6),
    ];
    expect(splitBrainViolations(obs)).toEqual([]);
    expect(splitBrainViolations([...obs, o(1_612_600, 'cp', '62ad', '62ad', 6)]).map((v) => v.term)).toEqual([6]);
  });
});
