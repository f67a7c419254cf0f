/**
 * Re-checks the stored histories in fixtures/histories/ (etcd's testdata replay): the files are data,
 * not regenerated here, so a change to a check that alters a stored verdict fails this test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { History } from '../probes/history.js';
import { longestOutage, timeToFirstSuccess } from '../checks/availability.js';
import { electionAfter, splitBrainViolations } from '../checks/election.js';
import { durability } from '../checks/durability.js';
import { watchCoverage } from '../checks/monotonic.js';
import { acknowledgedWithin } from '../checks/no-split-brain.js';
import { buildEtcdQuorumCatalogue, type EtcdQuorumGuaranteeId } from './catalogue.js';
import { ETCD_DEFAULT_TIMERS } from './flags.js';

const load = (name: string): History =>
  History.fromJsonl(readFileSync(new URL(`../../fixtures/histories/${name}`, import.meta.url), 'utf8'));

const catalogue = buildEtcdQuorumCatalogue({
  timersByMember: {
    'ha-3cp-control-plane': ETCD_DEFAULT_TIMERS,
    'ha-3cp-control-plane2': ETCD_DEFAULT_TIMERS,
    'ha-3cp-control-plane3': ETCD_DEFAULT_TIMERS,
  },
  probes: { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 500 },
});
const status = (id: EtcdQuorumGuaranteeId, h: History) => {
  const g = catalogue.get(id);
  return g.check(h, g);
};

describe('stored history: leader SIGKILL on ha-3cp', () => {
  const h = load('leader-sigkill-3cp.jsonl');
  const fault = h.faultWindows()[0];

  it('holds one fault on the leader and the expected entry kinds', () => {
    expect(h.faultWindows()).toHaveLength(1);
    expect(fault).toMatchObject({ faultId: 'f1-kill-leader', targets: ['ha-3cp-control-plane'], issuedAtMs: 10_000, healedAtMs: 20_450 });
    expect(h.operationLanes().length).toBe(4);
    expect(h.polledMembers()).toHaveLength(3);
  });

  it('re-measures the election, the first write and the outage', () => {
    const e = electionAfter(h.leaderObservations(), fault?.issuedAtMs ?? 0);
    expect(e.previous?.leaderId).toBe('8e9e05c52164694d');
    expect(e.next).toMatchObject({ leaderId: '91bc3c398fb3c146', term: 3 });
    expect(e.electionMs).toBeGreaterThanOrEqual(1_350);
    expect(e.electionMs).toBeLessThanOrEqual(1_450);
    const writes = h.operations({ probe: 'etcd-write' });
    const first = timeToFirstSuccess(writes, fault?.injectedAtMs ?? 0);
    expect(first).toBeGreaterThan(1_350);
    const o = longestOutage(writes, { startMs: 10_000, endMs: 20_450 });
    expect(o?.startMs).toBe(10_000);
    expect(o?.ended).toBe(true);
    expect(splitBrainViolations(h.leaderObservations())).toEqual([]);
  });

  it('re-judges to the stored verdicts', () => {
    expect(status('etcd-quorum.baseline-healthy', h).status).toBe('pass');
    expect(status('etcd-quorum.leader-loss-elects-new-leader', h).status).toBe('pass');
    expect(status('etcd-quorum.graceful-leader-stop-transfers-leadership', h).status).toBe('fail');
    expect(status('etcd-quorum.follower-loss-keeps-writes', h).status).toBe('inconclusive');
    expect(status('etcd-quorum.acknowledged-writes-durable', h).status).toBe('pass');
    expect(status('etcd-quorum.revisions-and-terms-monotonic', h).status).toBe('pass');
    expect(status('etcd-quorum.watch-ordered-without-gaps', h).status).toBe('pass');
  });
});

describe('stored history: quorum loss (2 of 3 stopped) on ha-3cp', () => {
  const h = load('quorum-loss-3cp.jsonl');
  const fault = h.faultWindows()[0];
  const confirmed = { startMs: fault?.injectedAtMs ?? 0, endMs: fault?.healIssuedAtMs ?? 0 };

  it('acknowledged nothing without quorum, while serializable reads on the survivor kept answering', () => {
    expect(fault?.targets).toEqual(['ha-3cp-control-plane2', 'ha-3cp-control-plane3']);
    expect(acknowledgedWithin(h.operations({ probe: 'etcd-write' }), confirmed)).toEqual([]);
    expect(acknowledgedWithin(h.operations({ probe: 'api-write' }), confirmed)).toEqual([]);
    expect(acknowledgedWithin(h.operations({ probe: 'etcd-read-linearizable' }), confirmed)).toEqual([]);
    const ser = h.operations({ probe: 'etcd-read-serializable', target: 'ha-3cp-control-plane' });
    expect(acknowledgedWithin(ser, confirmed).length).toBeGreaterThan(15);
  });

  it('kept every acknowledged write; some unknown ones were applied; the watch relisted after a 410', () => {
    const snap = h.lastSnapshot('etcd-write');
    expect(snap).toBeDefined();
    const d = durability(h.operations({ probe: 'etcd-write' }), snap ?? { revision: 0, entries: [] }, snap?.prefix);
    expect(d.lost).toEqual([]);
    expect(d.unknownAppliedCount).toBeGreaterThan(0);
    const c = watchCoverage(h.watchLog(), h.operations({ probe: 'etcd-write' }), 'etcd-watch');
    expect(c.missing).toEqual([]);
    expect(c.coveredByRelistCount).toBeGreaterThan(0);
  });

  it('re-judges to the stored verdicts', () => {
    expect(status('etcd-quorum.quorum-loss-refuses-writes', h).status).toBe('pass');
    expect(status('etcd-quorum.quorum-loss-serves-serializable-reads', h).status).toBe('pass');
    const resume = status('etcd-quorum.quorum-restored-writes-resume', h);
    expect(resume.status).toBe('pass');
    expect(resume.measured['resumeAfterHealMs']).toBeLessThan(100);
    expect(status('etcd-quorum.leader-loss-elects-new-leader', h).status).toBe('inconclusive');
    expect(status('etcd-quorum.one-leader-per-term', h).status).toBe('pass');
    expect(status('etcd-quorum.watch-ordered-without-gaps', h).status).toBe('pass');
  });
});

describe('stored history: ha-5cp baseline with one slow commit (2026-12-06)', () => {
  // The last case of a suite run on a 2-core host running five members: 12 s of baseline, in which
  // one commit stall timed out 15 writes at the probe's 250 ms deadline; the watch delivered all 15.
  const h = load('baseline-slow-commits-5cp.jsonl');
  const members = ['', '2', '3', '4', '5'].map((n) => `kube-ha-chaos-control-plane${n}`);
  const fiveMembers = buildEtcdQuorumCatalogue({
    timersByMember: Object.fromEntries(members.map((m) => [m, ETCD_DEFAULT_TIMERS])),
    probes: { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 250 },
  });
  const baseline = (history: History) => {
    const g = fiveMembers.get('etcd-quorum.baseline-healthy');
    return g.check(history, g);
  };

  it('passes: the slow writes were accepted, and their slowness is reported, not hidden', () => {
    const v = baseline(h);
    expect(v.status).toBe('pass');
    expect(v.measured['baselineWriteSuccessRatio']).toBe(1);
    expect(v.measured['baselineWritesAcceptedAfterDeadline']).toBe(15);
    expect(v.measured['baselineWriteLatencyP99Ms']).toBeGreaterThan(100);
  });

  it('fails on the same history when the watch never delivered those writes (they were not accepted)', () => {
    const lost = new Set(h.operations({ probe: 'etcd-write' }).filter((o) => o.outcome === 'unknown').map((o) => o.key));
    expect(lost.size).toBe(15);
    const withoutThem = new History(h.entries().filter((e) => !(e.kind === 'watch' && lost.has(e.key))));
    const v = baseline(withoutThem);
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/baseline writes succeeded only 98\.\d%, below 99\.0%/);
  });
});
