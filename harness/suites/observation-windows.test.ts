import { describe, expect, it } from 'vitest';
import { deriveControlPlaneThresholds } from '../guarantees/control-plane-thresholds.js';
import { History, type HistoryEntry } from '../probes/history.js';
import { leaseKillHistory, LIVE_CONTROL_PLANE_FLAGS, TUNED_LEASE_FLAGS, lbOutageHistory } from '../testing/control-plane-histories.js';
import { holdForBound, holdUnderBound, lbBackSeen, leaseTerm, longestTerm, newLeaseHolderSeen, thresholdTerm, WINDOW_MARGIN_MS } from './observation-windows.js';

const tuned = deriveControlPlaneThresholds(TUNED_LEASE_FLAGS);
const live = deriveControlPlaneThresholds(LIVE_CONTROL_PLANE_FLAGS);

describe('windows sized from the bound of the target they wait on', () => {
  it('a controller-manager with a 60 s lease is watched 76 s, a default scheduler 31 s (not a fixed 25 s)', () => {
    const kcm = holdForBound([leaseTerm(tuned, 'kube-controller-manager')], { what: 'a new holder' });
    expect(kcm.maxMs).toBe(71_000 + WINDOW_MARGIN_MS);
    expect(kcm.sizing).toMatch(/^76\.0 s = maxAbruptHandoverMs\.kube-controller-manager 71\.0 s \(kube-controller-manager .*lease duration 60000 \(flag\).*\) \+ margin 5\.0 s$/);
    expect(holdForBound([leaseTerm(tuned, 'kube-scheduler')], { what: 'a new holder' }).maxMs).toBe(31_000);
  });
  it('a lease whose flags were not read falls back to the client-go defaults bound', () => {
    expect(leaseTerm(tuned, 'cloud-controller-manager')).toMatchObject({ name: 'maxAbruptHandoverMs', ms: 26_000 });
  });
  it('node loss: the NotReady bound plus the controller-manager handover it restarts (93.5 s on defaults, 138.5 s with a 60 s lease)', () => {
    const size = (t: typeof live) => holdForBound([thresholdTerm(t, 'maxNotReadyAfterMs'), leaseTerm(t, 'kube-controller-manager')], { what: 'NotReady' }).maxMs;
    expect(size(live)).toBe(62_500 + 26_000 + 5_000);
    expect(size(tuned)).toBe(62_500 + 71_000 + 5_000);
  });
  it('concurrent bounds: the window covers the longest', () => {
    expect(longestTerm(thresholdTerm(live, 'maxEndpointDropMs'), thresholdTerm(live, 'maxEjectionMs'))).toMatchObject({ name: 'maxEndpointDropMs', ms: 27_500 });
  });
  it('a hold that must stay under a bound is cut when the flags make the bound short', () => {
    const keep = thresholdTerm(live, 'maxOutageKeepingNodesReadyMs');
    expect(holdUnderBound(20_000, keep, { what: 'x' })).toMatchObject({ maxMs: 20_000, sizing: expect.stringMatching(/the profile's 20\.0 s, under maxOutageKeepingNodesReadyMs 32\.0 s/) });
    const short = deriveControlPlaneThresholds({ ...LIVE_CONTROL_PLANE_FLAGS, nodeMonitor: { gracePeriodMs: 30_000, monitorPeriodMs: 5_000 } });
    // 30 s grace - 10 s heartbeat - 7 s back-off - 1 s = 12 s; minus the 5 s margin.
    expect(holdUnderBound(20_000, thresholdTerm(short, 'maxOutageKeepingNodesReadyMs'), { what: 'x' })).toMatchObject({ maxMs: 7_000, sizing: expect.stringMatching(/cut from 20\.0 s/) });
  });
  it('refuses a window with no bound or a nonsense bound', () => {
    expect(() => holdForBound([], { what: 'x' })).toThrow(RangeError);
    expect(() => holdForBound([{ name: 'b', ms: Number.NaN }], { what: 'x' })).toThrow(RangeError);
  });
});

describe('the events a window may end on', () => {
  it('a new lease holder: not before the takeover, and only for the faulted lease', () => {
    const h = leaseKillHistory();
    const upTo = (ms: number): History => new History(h.entries().filter((e) => ('atMs' in e ? e.atMs : 0) <= ms));
    // The scheduler's lease is taken over ~26.6 s into the run (the fault at 10 s).
    expect(newLeaseHolderSeen(upTo(20_000), 'kube-scheduler')()).toBe(false);
    expect(newLeaseHolderSeen(upTo(30_000), 'kube-scheduler')()).toBe(true);
    expect(newLeaseHolderSeen(h, 'kube-controller-manager')()).toBe(false);
    expect(newLeaseHolderSeen(new History(), 'kube-scheduler')()).toBe(false);
  });
  it('the LB back: a request through it succeeded after the heal and every node is Ready again', () => {
    expect(lbBackSeen(lbOutageHistory())()).toBe(true);
    const stillDown = lbOutageHistory({ stillDownAfterHealMs: 60_000, endMs: 45_000 });
    expect(lbBackSeen(stillDown)()).toBe(false);
    const notReady: HistoryEntry = { kind: 'node', atMs: 44_999, node: 'ha-3cp-worker', ready: 'Unknown', internalIp: '', via: 'lb' };
    expect(lbBackSeen(new History([...lbOutageHistory().entries(), notReady]))()).toBe(false);
  });
});
