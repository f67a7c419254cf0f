import { describe, expect, it } from 'vitest';
import type { LeaseObservation } from '../probes/history.js';
import { handoverAfter, holderChanges, holderEpochs, holderNode, leaseSequenceReport, microTimeMs } from './lease-holders.js';
import { isoAt, leaseHolders, leaseKillHistory } from '../testing/control-plane-histories.js';

const A = 'cp1_aaaa-1111';
const B = 'cp2_bbbb-2222';

/** A lease record seen at `atMs` (run clock = wall clock offset by isoAt). */
const rec = (atMs: number, holder: string, transitions: number, renewMs: number, acquireMs: number, durationS = 15): LeaseObservation => ({
  kind: 'lease',
  atMs,
  namespace: 'kube-system',
  lease: 'kube-scheduler',
  holder,
  transitions,
  renewTimeIso: isoAt(renewMs),
  acquireTimeIso: isoAt(acquireMs),
  durationS,
  via: 'lb',
});

describe('lease identities and times', () => {
  it('takes the node from a holder identity <hostname>_<uuid>', () => {
    expect(holderNode('kube-ha-chaos-control-plane3_748c9b92-659c-44dc-a0b6-c9cf078c66e8')).toBe('kube-ha-chaos-control-plane3');
    expect(holderNode('')).toBeUndefined();
    expect(holderNode('plain')).toBe('plain');
  });
  it('parses MicroTime with microseconds, and refuses garbage', () => {
    expect(microTimeMs('2026-11-22T03:01:34.664063Z')).toBeCloseTo(Date.parse('2026-11-22T03:01:34.664Z') + 0.063, 6);
    expect(microTimeMs('2026-11-22T03:01:34Z')).toBe(Date.parse('2026-11-22T03:01:34Z'));
    expect(microTimeMs('yesterday')).toBeUndefined();
    expect(microTimeMs(undefined)).toBeUndefined();
  });
});

describe('holder epochs and changes', () => {
  it('groups consecutive records of one holder and lists the changes, release included', () => {
    const obs = [rec(0, A, 4, 0, 0), rec(200, A, 4, 0, 0), rec(400, '', 4, 300, 300, 1), rec(2_600, B, 5, 2_500, 2_500)];
    expect(holderEpochs(obs, 'kube-scheduler').map((e) => [e.holder, e.firstSeenMs, e.lastSeenMs, e.observations])).toEqual([
      [A, 0, 200, 2],
      ['', 400, 400, 1],
      [B, 2_600, 2_600, 1],
    ]);
    expect(holderChanges(obs).map((c) => [c.from.holder, c.to.holder, c.atMs])).toEqual([
      [A, '', 400],
      ['', B, 2_600],
    ]);
  });
});

describe('leaseSequenceReport: never two holders at once', () => {
  const opts = { clockSkewMs: 500, maxObserverGapMs: 2_000 };
  it('accepts a takeover after the lease expired, and measures the margin', () => {
    // A renewed last at 9.8 s; B acquired at 26.5 s: 1.7 s after the 15 s lease expired.
    const obs = [rec(9_900, A, 4, 9_800, 0), rec(26_400, A, 4, 9_800, 0), rec(26_600, B, 5, 26_500, 26_500)];
    const r = leaseSequenceReport(obs, opts);
    expect(r.violations).toEqual([]);
    expect(r).toMatchObject({ handovers: 1, verifiedHandovers: 1, unverifiableHandovers: 0, missedHolders: 0 });
    expect(r.minExpiryMarginMs).toBeCloseTo(1_700, 3);
  });
  it('flags a takeover before the previous holder’s lease expired', () => {
    const obs = [rec(9_900, A, 4, 9_800, 0), rec(14_000, A, 4, 9_800, 0), rec(14_200, B, 5, 14_100, 14_100)];
    const r = leaseSequenceReport(obs, opts);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ rule: 'acquired-before-expiry', lease: 'kube-scheduler', atMs: 14_200 });
    expect(r.violations[0]?.detail).toMatch(/acquired 4300 ms after .* last renewal, before its 15 s lease expired/);
  });
  it('allows the stated clock skew and no more', () => {
    const at = (acquireMs: number): LeaseObservation[] => [rec(9_900, A, 4, 9_800, 0), rec(acquireMs, A, 4, 9_800, 0), rec(acquireMs + 100, B, 5, acquireMs, acquireMs)];
    expect(leaseSequenceReport(at(9_800 + 15_000 - 400), opts).violations).toEqual([]);
    expect(leaseSequenceReport(at(9_800 + 15_000 - 600), opts).violations).toHaveLength(1);
  });
  it('accepts an immediate takeover after a release', () => {
    const obs = [rec(9_900, A, 4, 9_800, 0), rec(10_500, '', 4, 10_400, 10_400, 1), rec(12_700, B, 5, 12_600, 12_600)];
    expect(leaseSequenceReport(obs, opts)).toMatchObject({ violations: [], handovers: 1, verifiedHandovers: 1 });
  });
  it('flags a holder change without a transition (a stale holder overwriting the lease) and decreasing transitions', () => {
    const flipBack = [rec(0, A, 4, 0, 0), rec(20_000, B, 5, 19_900, 19_900), rec(40_000, A, 5, 39_900, 0)];
    const r = leaseSequenceReport(flipBack, opts);
    expect(r.violations.map((v) => v.rule)).toContain('holder-changed-without-transition');
    const down = [rec(0, A, 4, 0, 0), rec(200, A, 3, 100, 0)];
    expect(leaseSequenceReport(down, opts).violations.map((v) => v.rule)).toEqual(['transitions-decreased']);
  });
  it('counts a handover it could not watch as unverifiable instead of judging it, and notices missed holders', () => {
    // The observer was blind from 10 s to 26 s; it may have missed a release.
    const obs = [rec(9_900, A, 4, 9_800, 0), rec(26_600, B, 6, 14_000, 14_000)];
    const r = leaseSequenceReport(obs, opts);
    expect(r).toMatchObject({ violations: [], handovers: 1, verifiedHandovers: 0, unverifiableHandovers: 1, missedHolders: 1 });
  });
});

describe('handoverAfter', () => {
  it('follows a SIGKILLed scheduler holder: renewals stop, a new holder after ~17 s, no release', () => {
    const h = leaseKillHistory({ mode: 'kill', stopAtMs: 10_000, candidateLagMs: 1_700 });
    const r = handoverAfter(h.leaseObservations(), 'kube-scheduler', 10_000, 4_000);
    expect(r.before?.holder).toBe(leaseHolders('kube-scheduler').old);
    expect(r.next?.holder).toBe(leaseHolders('kube-scheduler').next);
    // Last renewal at 9.8 s, lease 15 s, candidate one try later: 26.5 s, seen at the next poll.
    expect(r.handoverMs).toBeGreaterThan(16_500);
    expect(r.handoverMs).toBeLessThan(16_800);
    expect(r.releasedAtMs).toBeUndefined();
    expect(r.holderKeptRenewing).toBe(false);
  });
  it('sees the release of a clean stop', () => {
    const h = leaseKillHistory({ mode: 'graceful-release' });
    const r = handoverAfter(h.leaseObservations(), 'kube-scheduler', 10_000, 4_000);
    expect(r.releasedAtMs).toBeGreaterThan(10_300);
    expect(r.handoverMs).toBeLessThan(2_200);
  });
  it('tells a holder the fault did not stop (it kept renewing) from one it did', () => {
    const h = leaseKillHistory({ lease: 'kube-scheduler' });
    const other = handoverAfter(h.leaseObservations(), 'kube-controller-manager', 10_000, 4_000);
    expect(other.holderKeptRenewing).toBe(true);
    expect(other.next).toBeUndefined();
  });
});
