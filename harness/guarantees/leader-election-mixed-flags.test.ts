/**
 * The leader-election guarantees on clusters whose components do not share one set of flags
 * (issue 17: kind-configs/ha-3cp-tuned-leases.yaml, the controller-manager at 60 s / 40 s, the
 * scheduler at the defaults) and on a cluster whose schedulers run without leader election
 * (issue 18: kind-configs/ha-3cp-no-scheduler-election.yaml). Each lease must be judged against its
 * own component's flags, and a configuration problem must be a verdict with its reason.
 */
import { describe, expect, it } from 'vitest';
import type { Guarantee } from './catalogue.js';
import { LEADER_ELECTION_DEFAULTS } from './component-flags.js';
import { buildLeaderElectionCatalogue, type LeaderElectionGuaranteeId } from './leader-election-catalogue.js';
import { History } from '../probes/history.js';
import { CP, leaseKillHistory, LIVE_CONTROL_PLANE_FLAGS, NO_SCHEDULER_ELECTION_FLAGS, NODE_IPS, noSchedulerElectionHistory, TUNED_LEASE_FLAGS } from '../testing/control-plane-histories.js';
import type { ControlPlaneFlags } from './control-plane-thresholds.js';

const catalogue = (flags: ControlPlaneFlags) => buildLeaderElectionCatalogue({ flags, nodeIps: NODE_IPS, apiservers: [...CP] });
const tuned = catalogue(TUNED_LEASE_FLAGS);
const live = catalogue(LIVE_CONTROL_PLANE_FLAGS);
const judge = (c: ReturnType<typeof catalogue>, id: LeaderElectionGuaranteeId, h: History) => {
  const g: Guarantee = c.get(id);
  return g.check(h, g);
};

describe('per-lease thresholds (ha-3cp-tuned-leases)', () => {
  it('each handover guarantee carries one bound per lease, with its own derivation', () => {
    const g = tuned.get('leader-election.abrupt-holder-death-hands-over');
    expect(g.thresholds).toMatchObject({ 'maxAbruptHandoverMs.kube-controller-manager': 71_000, 'maxAbruptHandoverMs.kube-scheduler': 26_000 });
    expect(g.derivation['maxAbruptHandoverMs.kube-controller-manager']).toMatch(/lease duration 60000 \(flag\), renew deadline 40000 \(flag\)/);
    expect(g.derivation['maxAbruptHandoverMs.kube-scheduler']).toMatch(/lease duration 15000 \(default\)/);
    expect(tuned.get('leader-election.work-continues-after-handover').thresholds).toMatchObject({ 'maxWorkCompletionAfterFaultMs.kube-scheduler': 36_000, 'maxWorkCompletionAfterFaultMs.kube-controller-manager': 81_000 });
    expect(tuned.notes.join('\n')).toMatch(/kube-controller-manager \(Lease kube-controller-manager\): lease 60 s.*71\.0 s/);
  });
});

describe('a scheduler is judged by the scheduler\'s flags, the controller-manager by its own', () => {
  // The scheduler's lease taken over ~60 s after its holder died: as long as the controller-manager's
  // 60 s lease would allow, but more than twice what the scheduler's own 15 s lease allows.
  const slowScheduler = leaseKillHistory({ lease: 'kube-scheduler', candidateLagMs: 45_000, otherLeaseDurationMs: 60_000, endMs: 110_000 });
  it('a scheduler that took 60 s to hand over FAILS although the controller-manager\'s lease is 60 s', () => {
    const v = judge(tuned, 'leader-election.abrupt-holder-death-hands-over', slowScheduler);
    expect(v.measured['handoverMs.kube-scheduler']).toBeGreaterThan(59_000);
    expect(v).toMatchObject({ status: 'fail', reason: expect.stringMatching(/kube-scheduler was taken over only after 59,835 ms, over the 26,000 ms bound of its own flags/) });
    // Judged against the scheduler's bound only: the controller-manager's never enters.
    expect(v.threshold).toMatchObject({ 'maxAbruptHandoverMs.kube-scheduler': 26_000 });
    expect(Object.keys(v.threshold).filter((k) => k.startsWith('maxAbruptHandoverMs'))).toEqual(['maxAbruptHandoverMs.kube-scheduler']);
  });
  it('the pod it should have scheduled is late against the scheduler\'s own bound too', () => {
    expect(judge(tuned, 'leader-election.work-continues-after-handover', slowScheduler)).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/schedule-pod completed only .* over the 36,000 ms bound \(maxWorkCompletionAfterFaultMs\.kube-scheduler\)/),
    });
  });
  // The controller-manager with its 60 s lease, taken over 65 s after its holder died.
  const slowKcm = leaseKillHistory({ lease: 'kube-controller-manager', leaseDurationMs: 60_000, candidateLagMs: 5_000, work: false, endMs: 110_000 });
  it('the controller-manager with a 60 s lease taking 65 s passes: within its own 71 s', () => {
    const v = judge(tuned, 'leader-election.abrupt-holder-death-hands-over', slowKcm);
    expect(v.measured['handoverMs.kube-controller-manager']).toBeGreaterThan(64_000);
    expect(v.measured['handoverMs.kube-controller-manager']).toBeLessThan(66_000);
    expect(v).toMatchObject({ status: 'pass', threshold: { 'maxAbruptHandoverMs.kube-controller-manager': 71_000 } });
    expect(judge(tuned, 'leader-election.no-two-holders', slowKcm).status).toBe('pass');
  });
  it('the same 65 s handover fails on a cluster whose controller-manager runs the default 15 s lease', () => {
    expect(judge(live, 'leader-election.abrupt-holder-death-hands-over', slowKcm)).toMatchObject({ status: 'fail', reason: expect.stringMatching(/over the 26,000 ms bound/) });
  });
  it('a clean controller-manager stop that does not release is judged against its own expiry bound', () => {
    const h = leaseKillHistory({ lease: 'kube-controller-manager', mode: 'graceful-no-release', leaseDurationMs: 60_000, work: false, endMs: 110_000 });
    expect(judge(tuned, 'leader-election.graceful-controller-manager-stop', h)).toMatchObject({ status: 'pass', reason: expect.stringMatching(/NOT released/), threshold: { 'maxAbruptHandoverMs.kube-controller-manager': 71_000 } });
    expect(judge(live, 'leader-election.graceful-controller-manager-stop', h).status).toBe('fail');
  });
  it('a lease whose component\'s flags were not read is judged by the duration its own record states', () => {
    // Only the scheduler's flags were read; the controller-manager's lease says 30 s in its records.
    const onlyScheduler = catalogue({ ...LIVE_CONTROL_PLANE_FLAGS, leaderElection: { 'kube-scheduler': LEADER_ELECTION_DEFAULTS } });
    const h = leaseKillHistory({ lease: 'kube-controller-manager', leaseDurationMs: 30_000, candidateLagMs: 2_000, work: false, endMs: 80_000 });
    // 30 s + 2 x 2 s x 2.2 + 0.2 + 1 + 1 = 41 s.
    expect(judge(onlyScheduler, 'leader-election.abrupt-holder-death-hands-over', h)).toMatchObject({ status: 'pass', threshold: { 'maxAbruptHandoverMs.kube-controller-manager': 41_000 } });
  });
});

describe('configuration verdicts: every kube-scheduler with --leader-elect=false (ha-3cp-no-scheduler-election)', () => {
  const off = catalogue(NO_SCHEDULER_ELECTION_FLAGS);
  const h = noSchedulerElectionHistory();
  it('single-active-instance FAILS with the misconfiguration and the active instance count', () => {
    const v = judge(off, 'leader-election.single-active-instance', h);
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/^kube-scheduler runs without leader election on 3 nodes \(ha-3cp-control-plane, ha-3cp-control-plane2, ha-3cp-control-plane3: --leader-elect=false in its static pod manifest\): 3 active instances, and none holds the Lease kube-system\/kube-scheduler/);
    // The instances' own logs corroborate: three schedulers log, none ever tried for a lease.
    expect(v.reason).toMatch(/its logs: 3 instance\(s\) logging, 0 of them logged trying to acquire the lease/);
    expect(v.measured).toMatchObject({ 'activeInstances.kube-scheduler': 3, 'activeInstances.kube-controller-manager': 1 });
    expect(v.threshold).toMatchObject({ 'maxActiveInstances.kube-scheduler': 1 });
    expect(off.get('leader-election.single-active-instance').source).toBe('https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/');
  });
  it('baseline-leases-held expects a Lease per leader-electing component and says why the scheduler has none', () => {
    // Before: "1 leader-election leases (kube-controller-manager) each held", a pass.
    expect(judge(off, 'leader-election.baseline-leases-held', h)).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/kube-scheduler runs without leader election on 3 nodes .*: without a Lease nothing keeps its instances from acting at once/),
    });
  });
  it('one instance of three without leader election: two act at once', () => {
    const one: ControlPlaneFlags = {
      ...LIVE_CONTROL_PLANE_FLAGS,
      leaderElection: {
        ...NO_SCHEDULER_ELECTION_FLAGS.leaderElection,
        'kube-scheduler': { ...LEADER_ELECTION_DEFAULTS, component: 'kube-scheduler', electingNodes: [CP[0], CP[1]], nonElectingNodes: [CP[2]] },
      },
    };
    expect(judge(catalogue(one), 'leader-election.single-active-instance', leaseKillHistory())).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/kube-scheduler runs without leader election on 1 of 3 nodes \(ha-3cp-control-plane3: .*\): 2 active instances \(each of those, plus the holder of kube-system\/kube-scheduler\)/),
    });
  });
  it('passes on the default cluster: one active instance per component', () => {
    expect(judge(live, 'leader-election.single-active-instance', leaseKillHistory())).toMatchObject({ status: 'pass', reason: expect.stringMatching(/kube-controller-manager: .*one acts; kube-scheduler: .*one acts/) });
    expect(judge(tuned, 'leader-election.single-active-instance', new History()).status).toBe('pass');
  });
  it('names the misconfiguration in the catalogue\'s notes and cites its own guarantee for the cases it blocks', () => {
    expect(off.notes.join('\n')).toMatch(/kube-scheduler runs without leader election on 3 nodes/);
    expect(off.configurationGuarantee).toBe('leader-election.single-active-instance');
  });
});
