/**
 * The gray-failures checks on hand-made histories shaped like ha-3cp runs: 10 Hz probes, haproxy
 * stats at 5 Hz, the live flags (election timeout 1000 ms, heartbeat 100 ms, haproxy inter 2 s x
 * fall 3, the apiserver's 2 s etcd check timeouts, stacked etcd on 127.0.0.1).
 */
import { describe, expect, it } from 'vitest';
import { DROPPED_PACKETS_METRIC, PAUSED_MS_METRIC, SEEN_PACKETS_METRIC } from '../faults/fault-metrics.js';
import { History, type HistoryEntry, type Outcome } from '../probes/history.js';
import { LIVE_CONTROL_PLANE_FLAGS } from '../testing/control-plane-histories.js';
import { buildGrayFailuresCatalogue, parseApiserverEtcdClient, type GrayFailuresGuaranteeId } from './gray-failures-catalogue.js';

const [A, B, C] = ['ha-3cp-control-plane', 'ha-3cp-control-plane2', 'ha-3cp-control-plane3'] as const;
const MEMBERS = [A, B, C];
const ID: Record<string, string> = { [A]: 'a1', [B]: 'b2', [C]: 'c3' };
const STACKED = parseApiserverEtcdClient(['kube-apiserver', '--etcd-servers=https://127.0.0.1:2379']);

function catalogue(version = 'v1.34.10') {
  return buildGrayFailuresCatalogue({
    timersByMember: Object.fromEntries(MEMBERS.map((m) => [m, { electionTimeoutMs: 1_000, heartbeatIntervalMs: 100 }])),
    apiserverEtcd: Object.fromEntries(MEMBERS.map((m) => [m, STACKED])),
    haproxy: LIVE_CONTROL_PLANE_FLAGS.haproxy,
    kubernetesVersion: version,
  });
}

function judge(id: GrayFailuresGuaranteeId, h: History, version?: string) {
  const g = catalogue(version).get(id);
  return g.check(h, g);
}

/** A small builder: everything on one clock, entries sorted before the History is made. */
class Builder {
  readonly entries: HistoryEntry[] = [];
  constructor(readonly endMs: number) {}

  phases(baselineEnd: number): this {
    this.entries.push({ kind: 'phase', name: 'baseline', startMs: 0, endMs: baselineEnd });
    return this;
  }

  /** Operations every `everyMs` on [from, to); `outcome(t)` decides; ok ops take 10 ms, others their deadline. */
  ops(probe: string, op: string, target: string, everyMs: number, outcome: (t: number) => Outcome, o: { from?: number; to?: number; deadlineMs?: number; keyPrefix?: string; rev?: (t: number) => number } = {}): this {
    for (let t = o.from ?? 0; t < (o.to ?? this.endMs); t += everyMs) {
      const out = outcome(t);
      const key = o.keyPrefix === undefined ? undefined : `${o.keyPrefix}${t}`;
      this.entries.push({
        kind: 'op', probe, op, target, invokedAtMs: t, completedAtMs: t + (out === 'ok' ? 10 : (o.deadlineMs ?? 1_000)), outcome: out,
        ...(out === 'ok' ? {} : { error: out === 'fail' ? 'HTTP 500: [-]etcd failed' : 'deadline exceeded' }),
        ...(key === undefined ? {} : { key, value: String(t) }),
        ...(out === 'ok' && o.rev !== undefined ? { revision: o.rev(t) } : {}),
      });
    }
    return this;
  }

  /** Status polls of every member every 100 ms; `view(member, t)` = whom it names and in which term, or undefined (no answer). */
  polls(view: (member: string, t: number) => { leader: string; term: number } | undefined): this {
    for (let t = 0; t < this.endMs; t += 100) {
      for (const m of MEMBERS) {
        const v = view(m, t);
        if (v === undefined) {
          this.entries.push({ kind: 'leader-error', atMs: t + 5, member: m, outcome: 'unknown', error: 'deadline exceeded' });
        } else {
          this.entries.push({ kind: 'leader', atMs: t + 5, member: m, memberId: ID[m] as string, leaderId: v.leader, term: v.term, revision: 100 + t / 100 });
        }
      }
    }
    return this;
  }

  /** haproxy's view of each server every 200 ms. */
  backends(status: (server: string, t: number) => string): this {
    for (let t = 0; t < this.endMs; t += 200) {
      for (const s of MEMBERS) {
        this.entries.push({ kind: 'lb-backend', atMs: t + 3, lb: 'lb', server: s, status: status(s, t) });
      }
    }
    return this;
  }

  fault(id: string, target: string, issuedAtMs: number, injectedAtMs: number, healIssuedAtMs: number, healedAtMs: number, summary = 'fault'): this {
    this.entries.push({ kind: 'fault-injected', atMs: injectedAtMs, issuedAtMs, faultId: id, summary, targets: [target] });
    this.entries.push({ kind: 'fault-healed', atMs: healedAtMs, issuedAtMs: healIssuedAtMs, faultId: id, summary, targets: [target] });
    return this;
  }

  metric(member: string, name: string, atMs: number, value: number): this {
    this.entries.push({ kind: 'metric', atMs, member, name, value });
    return this;
  }

  build(): History {
    const at = (e: HistoryEntry): number => ('atMs' in e ? e.atMs : 'invokedAtMs' in e ? e.completedAtMs : e.kind === 'phase' ? e.startMs : 0);
    return new History([...this.entries].sort((x, y) => at(x) - at(y)));
  }
}

const steadyLeader = (leader = ID[A] as string, term = 2) => (): { leader: string; term: number } => ({ leader, term });

// ---- 1. blackhole ------------------------------------------------------------------------------

interface BlackholeParams {
  /** Until when (run clock) the faulted apiserver still answers /readyz ok. */
  readonly readyUntilMs: number;
  /** When haproxy shows it DOWN (undefined: never). */
  readonly ejectedAtMs: number | undefined;
  /** Until when through-LB requests to it hang. */
  readonly lbBadUntilMs?: number;
  readonly healIssuedAtMs?: number;
  /** When it is ready again after the heal. */
  readonly backAtMs?: number;
}

/** Fault at 10 s on B's member (stacked: B's apiserver loses its only etcd); 1 in 3 LB requests lands on B. */
function blackholeHistory(p: BlackholeParams): History {
  const F = 10_000;
  const heal = p.healIssuedAtMs ?? 30_000;
  const back = p.backAtMs ?? heal + 3_000;
  const faulted = (t: number): boolean => t >= F && t < back;
  const b = new Builder(40_000).phases(F);
  for (const m of MEMBERS) {
    b.ops('apiserver-readyz', 'readyz', m, 100, (t) => (m === B && faulted(t) && t > p.readyUntilMs ? 'fail' : 'ok'));
    b.ops('apiserver-write', 'apply-configmap', m, 500, (t) => (m === B && faulted(t) ? 'unknown' : 'ok'));
  }
  const lbBadUntil = p.lbBadUntilMs ?? p.ejectedAtMs ?? heal;
  let n = 0;
  b.ops('api-read', 'get-namespace', 'lb', 100, (t) => {
    n += 1;
    return t >= F && t < lbBadUntil && n % 3 === 0 ? 'unknown' : 'ok';
  });
  b.polls(steadyLeader());
  b.backends((s, t) => (s === B && p.ejectedAtMs !== undefined && t >= p.ejectedAtMs && t < back + 4_000 ? 'DOWN' : 'UP'));
  b.fault('blackhole-etcd-clients-1', B, F, F + 40, heal, heal + 8_000, 'blackhole tcp 2379');
  return b.build();
}

describe('gray-failures.etcd-blackhole-apiserver-ejected', () => {
  it('passes when the stacked apiserver turns unready at once and haproxy ejects it within the bound', () => {
    // Unready 3 s after the blackhole (2 s readycheck + a rate-limited cached ok), DOWN after 9.4 s.
    const v = judge('gray-failures.etcd-blackhole-apiserver-ejected', blackholeHistory({ readyUntilMs: 13_000, ejectedAtMs: 19_400 }));
    expect(v.status, v.reason).toBe('pass');
    expect(v.measured['ejectionMs']).toBeCloseTo(9_403, -1);
    expect(v.measured['readyWithoutEtcdMs']).toBeCloseTo(3_010, -1);
    expect(v.measured[`successRatio.${B}`]).toBe(0);
    expect(v.measured[`successRatio.${A}`]).toBe(1);
    expect(v.threshold['maxGrayEjectionMs']).toBe(14_200);
  });

  it('is a finding naming kubernetes#72796 when the apiserver keeps answering ready without its etcd', () => {
    // The health check passed all along: haproxy never ejected it, a third of the LB requests hung for 20 s.
    const v = judge('gray-failures.etcd-blackhole-apiserver-ejected', blackholeHistory({ readyUntilMs: 40_000, ejectedAtMs: undefined }));
    expect(v.status, v.reason).toBe('finding');
    expect(v.reason).toContain('kubernetes/kubernetes#72796');
    expect(v.measured['readyWithoutEtcdMs']).toBeGreaterThan(19_000);
  });

  it('stays a finding on a later version while #72796 is open with no fix recorded', () => {
    const v = judge('gray-failures.etcd-blackhole-apiserver-ejected', blackholeHistory({ readyUntilMs: 40_000, ejectedAtMs: undefined }), 'v1.99.0');
    expect(v.status).toBe('finding');
  });

  it('fails, never a finding, when an apiserver with other members stays stuck on the blackholed one (#59074, #66312 are closed)', () => {
    const external = parseApiserverEtcdClient(['kube-apiserver', '--etcd-servers=https://10.0.0.1:2379,https://10.0.0.2:2379,https://10.0.0.3:2379']);
    const c = buildGrayFailuresCatalogue({
      timersByMember: Object.fromEntries(MEMBERS.map((m) => [m, { electionTimeoutMs: 1_000, heartbeatIntervalMs: 100 }])),
      apiserverEtcd: Object.fromEntries(MEMBERS.map((m) => [m, external])),
      haproxy: LIVE_CONTROL_PLANE_FLAGS.haproxy,
      kubernetesVersion: 'v1.34.10',
    });
    const build = (stuckMs: number): History => {
      const b = new Builder(80_000).phases(10_000);
      for (const m of MEMBERS) {
        b.ops('apiserver-readyz', 'readyz', m, 100, () => 'ok');
        b.ops('apiserver-write', 'apply-configmap', m, 500, (t) => (m === B && t >= 10_000 && t < 10_000 + stuckMs ? 'unknown' : 'ok'));
      }
      b.ops('api-read', 'get-namespace', 'lb', 100, () => 'ok').polls(steadyLeader()).backends(() => 'UP');
      b.fault('bh', B, 10_000, 10_040, 70_000, 72_000);
      return b.build();
    };
    const g = c.get('gray-failures.etcd-blackhole-apiserver-ejected');
    const ok = g.check(build(11_000), g);
    expect(ok.status, ok.reason).toBe('pass');
    const stuck = g.check(build(45_000), g);
    expect(stuck.status, stuck.reason).toBe('fail');
    expect(stuck.threshold['maxClientFailoverMs']).toBe(42_000);
  });

  it('fails when /readyz fails at once but haproxy ejects only after the bound (the LB stalls)', () => {
    const v = judge('gray-failures.etcd-blackhole-apiserver-ejected', blackholeHistory({ readyUntilMs: 12_500, ejectedAtMs: 26_000 }));
    expect(v.status, v.reason).toBe('fail');
    expect(v.reason).toMatch(/ejected .* only 16,00\d ms/);
  });

  it('fails when requests through the LB keep hanging after the ejection', () => {
    const v = judge('gray-failures.etcd-blackhole-apiserver-ejected', blackholeHistory({ readyUntilMs: 12_500, ejectedAtMs: 19_000, lbBadUntilMs: 29_000 }));
    expect(v.status, v.reason).toBe('fail');
    expect(v.reason).toContain('through the LB');
    expect(v.measured['lbHungRequests']).toBeGreaterThan(50);
  });

  it('is inconclusive when the blackhole was not held long enough to require an ejection', () => {
    const v = judge('gray-failures.etcd-blackhole-apiserver-ejected', blackholeHistory({ readyUntilMs: 12_500, ejectedAtMs: undefined, healIssuedAtMs: 16_000 }));
    expect(v.status, v.reason).toBe('inconclusive');
  });

  it('allows the apiserver up to the hold plus the reconnect bound to be ready again after the heal', () => {
    // Held 16 s: 16 s + 13.1 s allowed; back 13.9 s after the heal.
    const v = judge('gray-failures.etcd-blackhole-apiserver-ejected', blackholeHistory({ readyUntilMs: 12_500, ejectedAtMs: 19_000, healIssuedAtMs: 26_000, backAtMs: 39_900 }));
    expect(v.status, v.reason).toBe('pass');
    expect(v.measured['readyAfterHealMs']).toBeCloseTo(13_910, -1);
    expect(v.threshold['maxReadyAfterHealMs']).toBeCloseTo(29_100, -1);
  });
});

// ---- 2. brief pauses ----------------------------------------------------------------------------

function briefPausesHistory(o: { pauseMs?: number; churn?: boolean } = {}): History {
  const b = new Builder(30_000).phases(5_000);
  const pauses = [6_000, 9_000, 12_000, 15_000, 18_000];
  b.ops('etcd-write', 'put', A, 100, () => 'ok').ops('etcd-write', 'put', B, 100, () => 'ok').ops('etcd-write', 'put', C, 100, () => 'ok');
  // Churn: every pause of the leader makes B win a new term and A take it back.
  b.polls((m, t) => {
    if (!o.churn) {
      return pauses.some((p) => m === A && t >= p && t < p + (o.pauseMs ?? 500)) ? undefined : { leader: ID[A] as string, term: 2 };
    }
    const k = pauses.filter((p) => t >= p + 1_200).length;
    return { leader: (k % 2 === 1 ? ID[B] : ID[A]) as string, term: 2 + k };
  });
  pauses.forEach((p, i) => {
    b.fault(`pause-${i}`, A, p, p + (o.pauseMs ?? 500) + 150, p + (o.pauseMs ?? 500) + 160, p + 2_000, 'SIGSTOP etcd on leader for 500 ms');
    b.metric(A, PAUSED_MS_METRIC, p + (o.pauseMs ?? 500) + 150, (o.pauseMs ?? 500) + 4);
  });
  return b.build();
}

describe('gray-failures.brief-pauses-cause-no-election', () => {
  it('passes when five half-election-timeout pauses of the leader cause no election', () => {
    const v = judge('gray-failures.brief-pauses-cause-no-election', briefPausesHistory());
    expect(v.status, v.reason).toBe('pass');
    expect(v.measured).toMatchObject({ pauses: 5, leaderChanges: 0, pausesOfTheLeader: 5 });
  });

  it('fails on a churn of elections', () => {
    const v = judge('gray-failures.brief-pauses-cause-no-election', briefPausesHistory({ churn: true }));
    expect(v.status, v.reason).toBe('fail');
    expect(v.measured['leaderChanges']).toBe(5);
    expect(v.reason).toContain('churned');
  });

  it('is inconclusive when a pause was not shorter than election timeout - 2 heartbeats', () => {
    const v = judge('gray-failures.brief-pauses-cause-no-election', briefPausesHistory({ pauseMs: 850 }));
    expect(v.status, v.reason).toBe('inconclusive');
    expect(v.threshold['maxBriefPauseMs']).toBe(800);
  });
});

// ---- 3. long leader pause -----------------------------------------------------------------------

/** A (leader, term 2) is paused at 10 s for 3 s; C wins term 3 at `electedAtMs`; A is resumed at 13.1 s. */
function longPauseHistory(o: { electedAtMs?: number | undefined; staleAck?: boolean } = {}): History {
  const F = 10_000;
  const heal = 13_100;
  const elected = o.electedAtMs === undefined && 'electedAtMs' in o ? undefined : (o.electedAtMs ?? 11_900);
  const b = new Builder(25_000).phases(F);
  let rev = 1_000;
  const revs = new Map<string, number>();
  for (const m of MEMBERS) {
    b.ops('etcd-write', 'put', m, 100, (t) => (m === A && t >= F && t < heal ? 'unknown' : elected !== undefined && t >= F && t < elected ? 'unknown' : 'ok'), {
      deadlineMs: 250,
      keyPrefix: `/p/${m}/`,
      rev: (t) => {
        const r = ++rev;
        revs.set(`${m}${t}`, r);
        return r;
      },
    });
  }
  if (o.staleAck) {
    // The resumed old leader acknowledges a write with a revision the new leader already gave another key.
    b.entries.push({ kind: 'op', probe: 'etcd-write', op: 'put', target: A, invokedAtMs: 12_950, completedAtMs: 13_150, outcome: 'ok', key: '/p/stale', value: 'x', revision: revs.get(`${C}12000`) ?? 1 });
  }
  b.polls((m, t) => {
    if (m === A && t >= F && t < heal) {
      return undefined;
    }
    if (elected !== undefined && t >= elected) {
      return { leader: ID[C] as string, term: 3 };
    }
    return { leader: ID[A] as string, term: 2 };
  });
  b.fault('pause-leader', A, F, F + 60, heal, heal + 2_500, 'SIGSTOP etcd on leader');
  const written = b.entries.filter((e): e is Extract<HistoryEntry, { kind: 'op' }> => e.kind === 'op' && e.outcome === 'ok' && e.key !== undefined && e.key !== '/p/stale');
  b.entries.push({ kind: 'snapshot', atMs: 24_990, probe: 'etcd-write', target: B, prefix: '/p/', revision: 99_999, entries: written.map((w) => ({ key: w.key as string, value: w.value as string, modRevision: w.revision as number })) });
  return b.build();
}

describe('gray-failures.paused-leader-replaced-without-stale-writes', () => {
  it('passes when a new leader is elected within the bound and every late acknowledgement is in the one history', () => {
    const v = judge('gray-failures.paused-leader-replaced-without-stale-writes', longPauseHistory());
    expect(v.status, v.reason).toBe('pass');
    expect(v.measured['electionMs']).toBeCloseTo(1_905, -1);
    expect(v.measured['acknowledgedViaOldLeaderAfterSuccessor']).toBeGreaterThan(0);
    expect(v.measured['staleAcknowledgedWrites']).toBe(0);
  });

  it('fails when the resumed old leader acknowledges a write outside the one history', () => {
    const v = judge('gray-failures.paused-leader-replaced-without-stale-writes', longPauseHistory({ staleAck: true }));
    expect(v.status, v.reason).toBe('fail');
    expect(v.measured['staleAcknowledgedWrites']).toBe(1);
  });

  it('fails when nobody takes over from the paused leader', () => {
    const v = judge('gray-failures.paused-leader-replaced-without-stale-writes', longPauseHistory({ electedAtMs: undefined }));
    expect(v.status, v.reason).toBe('fail');
    expect(v.reason).toContain('no new leader');
  });

  it('fails when the election takes longer than the bound', () => {
    const v = judge('gray-failures.paused-leader-replaced-without-stale-writes', longPauseHistory({ electedAtMs: 13_600 }));
    expect(v.status, v.reason).toBe('fail');
    expect(v.threshold['maxElectionMs']).toBe(3_300);
  });
});

// ---- 4. packet loss -------------------------------------------------------------------------------

function lossHistory(o: { elections?: boolean; dropped?: number; stallOnA?: boolean; degradedC?: boolean } = {}): History {
  const F = 5_000;
  const heal = 20_000;
  const b = new Builder(26_000).phases(F);
  b.ops('etcd-write', 'put', A, 100, (t) => (o.stallOnA && t >= 10_000 && t < 13_000 ? 'unknown' : 'ok'), { deadlineMs: 250 });
  b.ops('etcd-write', 'put', B, 100, (t) => (t >= F && t < heal && t % 700 === 0 ? 'unknown' : 'ok'), { deadlineMs: 250 });
  // Degraded, not stalled: every 4th write through C misses its deadline during the fault (the 2026-12-07 run: 83 %).
  b.ops('etcd-write', 'put', C, 100, (t) => (o.degradedC && t >= F && t < heal && t % 400 === 0 ? 'unknown' : 'ok'), { deadlineMs: 250 });
  b.polls((m, t) => (o.elections && t >= 12_000 ? { leader: ID[C] as string, term: 3 } : { leader: ID[A] as string, term: 2 }));
  b.fault('loss', B, F, F + 30, heal, heal + 1_500, 'drop 20 % of tcp 2380');
  b.metric(B, DROPPED_PACKETS_METRIC, heal + 10, o.dropped ?? 1_234);
  b.metric(B, SEEN_PACKETS_METRIC, heal + 10, 6_170);
  return b.build();
}

describe('gray-failures.peer-packet-loss-keeps-leader', () => {
  it('passes with no election and the other members writing throughout', () => {
    const v = judge('gray-failures.peer-packet-loss-keeps-leader', lossHistory());
    expect(v.status, v.reason).toBe('pass');
    expect(v.measured['droppedShare']).toBeCloseTo(0.2, 2);
    expect(v.measured['leaderChanges']).toBe(0);
  });

  it('fails on an election', () => {
    const v = judge('gray-failures.peer-packet-loss-keeps-leader', lossHistory({ elections: true }));
    expect(v.status, v.reason).toBe('fail');
    expect(v.reason).toContain('election');
  });

  it('fails when writes through a member with clean peer traffic stall', () => {
    const v = judge('gray-failures.peer-packet-loss-keeps-leader', lossHistory({ stallOnA: true }));
    expect(v.status, v.reason).toBe('fail');
    expect(v.reason).toContain(A);
  });

  it('reports writes that kept flowing but missed their deadline too often as a finding with each member\'s baseline, not a pass', () => {
    const v = judge('gray-failures.peer-packet-loss-keeps-leader', lossHistory({ degradedC: true }));
    expect(v.status, v.reason).toBe('finding');
    expect(v.reason).toContain(C);
    expect(v.measured[`timeAvailability.${C}`]).toBeLessThan(0.98);
    expect(v.measured[`baselineTimeAvailability.${C}`]).toBe(1);
  });

  it('an election still fails when writes were also degraded', () => {
    const v = judge('gray-failures.peer-packet-loss-keeps-leader', lossHistory({ degradedC: true, elections: true }));
    expect(v.status, v.reason).toBe('fail');
  });

  it('is inconclusive when the loss rules dropped nothing (the fault cannot be shown to have hit)', () => {
    const v = judge('gray-failures.peer-packet-loss-keeps-leader', lossHistory({ dropped: 0 }));
    expect(v.status, v.reason).toBe('inconclusive');
  });
});
