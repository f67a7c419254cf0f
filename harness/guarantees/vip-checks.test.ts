/**
 * The vip-pair checks on histories recorded on the real lb-pair cluster (2026-12-07, run
 * 20261207-173345-20ac; trimmed to the VIP probe, the API through the VIP and the faults, from 5 s
 * before the fault to 2 s after the heal): the LB host holding the VIP SIGKILLed, stopped and frozen.
 * The bounds come from the keepalived.conf the hosts ran (VRRPv3, advert 1 s, backup priority 100).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { History, type HistoryEntry } from '../probes/history.js';
import { buildLbFailoverCatalogue } from './lb-failover-catalogue.js';
import { vipFaultKindOf, vipOwnerBefore } from './vip-checks.js';
import { CP, LIVE_CONTROL_PLANE_FLAGS, NODE_IPS } from '../testing/control-plane-histories.js';

const text = (name: string): string => readFileSync(new URL(`../../fixtures/histories/${name}`, import.meta.url), 'utf8');
const load = (name: string): History => History.fromJsonl(text(name));
/** The same history with its entries rewritten (what-if variants of a real run). */
const rewrite = (name: string, f: (e: HistoryEntry) => HistoryEntry | undefined): History =>
  History.fromJsonl(
    text(name)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => f(JSON.parse(l) as HistoryEntry))
      .filter((e): e is HistoryEntry => e !== undefined)
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );

const vrrp = { version: 3, advertIntervalS: 1, backupPriority: 100, preempt: true } as const;
const c = buildLbFailoverCatalogue({ flags: { ...LIVE_CONTROL_PLANE_FLAGS, vrrp }, nodeIps: NODE_IPS, apiservers: [...CP] });
const moves = c.get('lb-failover.vip-moves-within-vrrp-bound');
const api = c.get('lb-failover.api-survives-vip-failover');

describe('bounds from the hosts\' keepalived.conf', () => {
  it('kill or freeze: Master_Down_Interval 3,609 ms + 240 ms connect resolution + 1 s scheduling; clean stop: Skew_Time 609 ms + the same', () => {
    expect(c.thresholds.values.maxVipFailoverMs).toBe(4_849);
    expect(c.thresholds.values.maxVipCleanFailoverMs).toBe(1_849);
    expect(c.thresholds.values.maxApiOutageThroughVipMs).toBe(4_849 + 1_000 + 100);
    expect(c.thresholds.derivation.maxVipFailoverMs).toMatch(/VRRPv3 Master_Down_Interval of the backup \(priority 100\)/);
  });
  it('a slower advert interval widens them: advert 3 s makes Master_Down_Interval 10.8 s', () => {
    const slow = buildLbFailoverCatalogue({ flags: { ...LIVE_CONTROL_PLANE_FLAGS, vrrp: { ...vrrp, advertIntervalS: 3 } } });
    expect(slow.thresholds.values.maxVipFailoverMs).toBe(Math.round(9_000 + 1_828.125 + 240 + 1_000));
  });
});

describe('stored history: the VIP holder SIGKILLed (lb-pair)', () => {
  const h = load('vip-holder-killed-lb-pair.jsonl');
  const f = h.faultWindows()[0];
  it('names the fault kind and the holder before it', () => {
    expect(vipFaultKindOf(f?.faultId ?? '')).toBe('kill');
    expect(vipOwnerBefore(h, f?.issuedAtMs ?? 0)).toBe('kube-ha-chaos-lb1');
  });
  it('measures the move and the clients\' outage: 3,008 ms without a connect, the API out 3,855 ms', () => {
    const v = moves.check(h, moves);
    expect(v).toMatchObject({ status: 'pass', measured: { vipOutageMs: 3_008, vipFailedConnects: 49 } });
    expect(v.reason).toMatch(/kube-ha-chaos-lb1 -> kube-ha-chaos-lb2/);
    expect(api.check(h, api)).toMatchObject({ status: 'pass', measured: { apiOutageThroughVipMs: 3_855 } });
  });
  it('fails the same move judged against a clean stop\'s bound (Skew_Time only)', () => {
    const asStop = rewrite('vip-holder-killed-lb-pair.jsonl', (e) => ('faultId' in e ? { ...e, faultId: e.faultId.replace('kill-container', 'stop-container') } : e));
    expect(moves.check(asStop, moves)).toMatchObject({ status: 'fail', reason: expect.stringMatching(/could not connect for 3008 ms, over the 1849 ms bound/) });
  });
  it('fails when the VIP never moved (every owner poll after the fault still says lb1)', () => {
    const stuck = rewrite('vip-holder-killed-lb-pair.jsonl', (e) => (e.kind === 'vip-owner' ? { ...e, owner: 'kube-ha-chaos-lb1', claims: ['kube-ha-chaos-lb1=holds', 'kube-ha-chaos-lb2=free'] } : e));
    expect(moves.check(stuck, moves)).toMatchObject({ status: 'fail', reason: expect.stringMatching(/never moved off kube-ha-chaos-lb1/) });
  });
  it('is inconclusive when the fault hit the host that did not hold the VIP', () => {
    const wrong = rewrite('vip-holder-killed-lb-pair.jsonl', (e) => ('targets' in e ? { ...e, targets: ['kube-ha-chaos-lb2'] } : e));
    expect(moves.check(wrong, moves)).toMatchObject({ status: 'inconclusive', reason: expect.stringMatching(/but kube-ha-chaos-lb1 held the VIP/) });
  });
});

describe('stored history: the VIP holder stopped cleanly (priority 0)', () => {
  const h = load('vip-holder-stopped-lb-pair.jsonl');
  it('passes within Skew_Time + resolution: 491 ms without a connect', () => {
    expect(moves.check(h, moves)).toMatchObject({ status: 'pass', measured: { vipOutageMs: 491 } });
    expect(api.check(h, api).status).toBe('pass');
  });
});

describe('stored history: the VIP holder frozen (docker pause)', () => {
  const h = load('vip-holder-paused-lb-pair.jsonl');
  it('times the move by the owner polls, and says why connects cannot (the frozen kernel still accepts)', () => {
    const v = moves.check(h, moves);
    expect(v.status).toBe('pass');
    expect(v.reason).toMatch(/first seen 3298 ms after the freeze/);
    expect(v.reason).toMatch(/a connect check cannot see a hung LB/);
  });
  it('the API through the VIP shows the hang the connects miss: out 4,191 ms', () => {
    expect(api.check(h, api)).toMatchObject({ status: 'pass', measured: { apiOutageThroughVipMs: 4_191 } });
  });
  it('fails an API outage over the bound (requests kept failing 3 s longer)', () => {
    const f = h.faultWindows()[0];
    const t0 = f?.issuedAtMs ?? 0;
    const longer = rewrite('vip-holder-paused-lb-pair.jsonl', (e) =>
      e.kind === 'op' && e.probe !== 'vip-connect' && e.invokedAtMs > t0 && e.invokedAtMs < t0 + 7_500 ? { ...e, outcome: 'unknown', error: 'no answer within 1000 ms' } : e,
    );
    expect(api.check(longer, api)).toMatchObject({ status: 'fail', reason: expect.stringMatching(/over the 5,949 ms bound/) });
  });
});
