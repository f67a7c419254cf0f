/**
 * Re-checks stored control-plane histories (fixtures/histories/): data, not regenerated here, so a
 * change to a check or a measure that alters a stored verdict or number fails this test (etcd's
 * testdata replay). Written once from harness/testing/control-plane-histories.ts defaults.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { History } from '../probes/history.js';
import { handoverAfter, leaseSequenceReport } from '../checks/lease-holders.js';
import { firstEjectedAfter, firstWithoutAddressAfter } from '../checks/observed-states.js';
import { buildApiserverFailoverCatalogue } from './apiserver-failover-catalogue.js';
import { buildLeaderElectionCatalogue } from './leader-election-catalogue.js';
import { CP, LIVE_CONTROL_PLANE_FLAGS, NODE_IPS } from '../testing/control-plane-histories.js';

const load = (name: string): History => History.fromJsonl(readFileSync(new URL(`../../fixtures/histories/${name}`, import.meta.url), 'utf8'));
const input = { flags: LIVE_CONTROL_PLANE_FLAGS, nodeIps: NODE_IPS, apiservers: [...CP] };

describe('stored history: kube-apiserver SIGKILL on control-plane2 (ha-3cp)', () => {
  const h = load('apiserver-sigkill-3cp.jsonl');
  const f = h.faultWindows()[0];
  it('holds one fault and the control-plane observations', () => {
    expect(h.faultWindows()).toHaveLength(1);
    expect(f).toMatchObject({ faultId: 'f1-kill-apiserver', targets: ['ha-3cp-control-plane2'], issuedAtMs: 10_000 });
    expect(h.backendServers()).toEqual([...CP]);
    expect(h.endpointsObservations().length).toBeGreaterThan(100);
  });
  it('re-measures the ejection and the endpoint drop', () => {
    expect((firstEjectedAfter(h.backendStates(), 'ha-3cp-control-plane2', 10_000)?.atMs ?? 0) - 10_000).toBe(5_450);
    expect((firstWithoutAddressAfter(h.endpointsObservations(), '172.22.0.3', 10_000)?.atMs ?? 0) - 10_000).toBe(19_580);
  });
  it('keeps its verdicts', () => {
    const c = buildApiserverFailoverCatalogue(input);
    expect(Object.fromEntries(c.guarantees.map((g) => [g.id, g.check(h, g).status]))).toEqual({
      'apiserver-failover.baseline-healthy': 'pass',
      'apiserver-failover.lb-ejects-dead-apiserver': 'pass',
      'apiserver-failover.only-faulted-apiserver-down': 'pass',
      'apiserver-failover.static-pod-restarts': 'pass',
      'apiserver-failover.endpoints-track-apiservers': 'pass',
      'apiserver-failover.all-apiservers-down-api-unavailable': 'inconclusive',
      // Judged here on purpose: on this history an apiserver did go down in the fault window, so the
      // external-etcd promise fails (the suite judges it only when etcd is external).
      'apiserver-failover.etcd-member-loss-keeps-apiservers': 'fail',
    });
  });
});

describe('stored history: kube-scheduler holder SIGKILLed (ha-3cp)', () => {
  const h = load('scheduler-holder-sigkill-3cp.jsonl');
  it('re-measures the handover: renewals stop, a new holder ~16.6 s after the kill, transitions 4 -> 5', () => {
    const r = handoverAfter(h.leaseObservations(), 'kube-scheduler', 10_000, 4_000);
    expect(r.handoverMs).toBeCloseTo(16_635, 0);
    expect([r.before?.transitions, r.next?.transitions]).toEqual([4, 5]);
    expect(leaseSequenceReport(h.leaseObservations(), { clockSkewMs: 500, maxObserverGapMs: 2_000 })).toMatchObject({ violations: [], verifiedHandovers: 1 });
  });
  it('keeps its verdicts', () => {
    const c = buildLeaderElectionCatalogue(input);
    expect(Object.fromEntries(c.guarantees.map((g) => [g.id, g.check(h, g).status]))).toEqual({
      'leader-election.single-active-instance': 'pass',
      'leader-election.baseline-leases-held': 'pass',
      'leader-election.abrupt-holder-death-hands-over': 'pass',
      // A SIGKILL is no clean stop: the release guarantee must fail on it.
      'leader-election.graceful-scheduler-stop-releases': 'fail',
      'leader-election.graceful-controller-manager-stop': 'inconclusive',
      'leader-election.no-two-holders': 'pass',
      'leader-election.work-continues-after-handover': 'pass',
    });
  });
});
