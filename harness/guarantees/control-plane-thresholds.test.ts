import { describe, expect, it } from 'vitest';
import { LEADER_ELECTION_DEFAULTS } from './component-flags.js';
import { DEFAULT_CONTROL_PLANE_PROBES, deriveControlPlaneThresholds, worstLeaderElection } from './control-plane-thresholds.js';
import { LIVE_CONTROL_PLANE_FLAGS as LIVE_FLAGS, TUNED_LEASE_FLAGS } from '../testing/control-plane-histories.js';

describe('deriveControlPlaneThresholds on the live cluster’s settings', () => {
  const d = deriveControlPlaneThresholds(LIVE_FLAGS);
  it('derives each bound from the flags, with the arithmetic written out', () => {
    expect(d.values).toMatchObject({
      // inter 2 s + 2 x fastinter 2 s + stats poll 0.2 s + scheduling 1 s
      maxEjectionMs: 7_200,
      // ... + 3 checks running to their 2 s timeout
      maxEjectionSilentMs: 13_200,
      // lease 15 s + 2 x 2 s x 2.2 + lease poll 0.2 s + request 1 s + scheduling 1 s
      maxAbruptHandoverMs: 26_000,
      maxReleaseHandoverMs: 8_600,
      maxEndpointDropMs: 27_500,
      maxEndpointRegainMs: 12_500,
      maxOutageKeepingNodesReadyMs: 32_000,
      minNotReadyAfterMs: 39_000,
      maxNotReadyAfterMs: 62_500,
      maxStaticPodRestartMs: 80_100,
      maxObserverGapMs: 2_000,
      maxWorkCompletionAfterFaultMs: 36_000,
      minApiOpsPerSecond: 9,
      minLeasePollsPerSecond: 4.5,
      minNodePollsPerSecond: 1.8,
      minWorkloadSuccessRatio: 1,
    });
    expect(d.derivation.maxAbruptHandoverMs).toMatch(
      /client-go defaults.*: lease duration 15000 \+ 2 x retry 2000 x \(1 \+ jitter 1\.2\) \(last renewal seen one try late, expiry noticed one try late\) \+ lease poll 200 \+ request timeout 1000 \+ scheduling 1000$/,
    );
    expect(Object.keys(d.perLease).sort()).toEqual(['kube-controller-manager', 'kube-scheduler']);
    expect(d.perLease['kube-scheduler']?.values).toEqual({ maxAbruptHandoverMs: 26_000, maxReleaseHandoverMs: 8_600, maxWorkCompletionAfterFaultMs: 36_000 });
    expect(Object.keys(d.derivation).sort()).toEqual(Object.keys(d.values).sort());
  });
  it('matches the facts sheet: an abrupt handover within about 19-24 s before the allowances', () => {
    const le = d.leaderElection;
    expect(le.leaseDurationMs + 2 * le.retryPeriodMs * 2.2).toBeCloseTo(23_800, 6);
  });
  it('follows the flags: longer leases, a slower health check, a 40 s grace period', () => {
    const slow = deriveControlPlaneThresholds({
      ...LIVE_FLAGS,
      leaderElection: { ...LIVE_FLAGS.leaderElection, 'kube-scheduler': { enabled: true, leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 4_000 } },
      haproxy: { ...LIVE_FLAGS.haproxy, interMs: 5_000, fastInterMs: 1_000 },
      nodeMonitor: { gracePeriodMs: 40_000, monitorPeriodMs: 5_000 },
    });
    // The scheduler's own bound follows its flags; the controller-manager's stays at its own (defaults).
    expect(slow.perLease['kube-scheduler']?.values.maxAbruptHandoverMs).toBe(30_000 + 2 * 4_000 * 2.2 + 200 + 1_000 + 1_000);
    expect(slow.perLease['kube-controller-manager']?.values.maxAbruptHandoverMs).toBe(26_000);
    expect(slow.values.maxEjectionMs).toBe(5_000 + 2 * 1_000 + 200 + 1_000);
    expect(slow.values.maxOutageKeepingNodesReadyMs).toBe(22_000);
    expect(slow.values.maxObserverGapMs).toBe(2_000);
  });
  it('takes allowances and probe settings into account, and refuses nonsense', () => {
    expect(deriveControlPlaneThresholds(LIVE_FLAGS, { ...DEFAULT_CONTROL_PLANE_PROBES, leaseIntervalMs: 100 }, { schedulingMs: 0 }).values.maxAbruptHandoverMs).toBe(24_900);
    expect(() => deriveControlPlaneThresholds(LIVE_FLAGS, { ...DEFAULT_CONTROL_PLANE_PROBES, apiIntervalMs: 0 })).toThrow(RangeError);
  });
  it('derives each lease\'s bounds from its own component\'s flags, naming the values and where they came from (ha-3cp-tuned-leases)', () => {
    const tuned = deriveControlPlaneThresholds(TUNED_LEASE_FLAGS);
    // controller-manager: 60 s + 2 x 2 s x 2.2 + 0.2 + 1 + 1; scheduler: the defaults' 26 s, not the longest lease's.
    expect(tuned.perLease['kube-controller-manager']?.values.maxAbruptHandoverMs).toBe(71_000);
    expect(tuned.perLease['kube-scheduler']?.values.maxAbruptHandoverMs).toBe(26_000);
    expect(tuned.perLease['kube-controller-manager']?.values.maxWorkCompletionAfterFaultMs).toBe(81_000);
    expect(tuned.perLease['kube-controller-manager']?.derivation.maxAbruptHandoverMs).toMatch(
      /^kube-controller-manager \(lease kube-controller-manager, 3 electing instance\(s\)\): lease duration 60000 \(flag\), renew deadline 40000 \(flag\), retry 2000 \(default\); lease duration 60000 \+/,
    );
    // A lease whose flags were not read keeps client-go's defaults, never the longest lease's bound.
    expect(tuned.values.maxAbruptHandoverMs).toBe(26_000);
    expect(tuned.leaderElection).toEqual(LEADER_ELECTION_DEFAULTS);
  });
  it('derives no bounds for a lease whose component does not elect', () => {
    const off = deriveControlPlaneThresholds({ ...LIVE_FLAGS, leaderElection: { ...LIVE_FLAGS.leaderElection, 'kube-scheduler': { ...LEADER_ELECTION_DEFAULTS, enabled: false } } });
    expect(Object.keys(off.perLease)).toEqual(['kube-controller-manager']);
    expect(off.values.maxActiveInstances).toBe(1);
  });
  it('uses the slowest enabled component, and client-go defaults when none is enabled', () => {
    expect(worstLeaderElection({ a: { enabled: false, leaseDurationMs: 99_000, renewDeadlineMs: 1, retryPeriodMs: 1 } })).toEqual(LEADER_ELECTION_DEFAULTS);
    expect(worstLeaderElection({ a: LEADER_ELECTION_DEFAULTS, b: { enabled: true, leaseDurationMs: 20_000, renewDeadlineMs: 12_000, retryPeriodMs: 3_000 } })).toMatchObject({ leaseDurationMs: 20_000, retryPeriodMs: 3_000 });
  });
});
