import { describe, expect, it } from 'vitest';
import { LEADER_ELECTION_DEFAULTS } from './component-flags.js';
import { componentElections, electionByLease } from './leader-election-config.js';
import { LIVE_CONTROL_PLANE_FLAGS, NO_SCHEDULER_ELECTION_FLAGS, TUNED_LEASE_FLAGS } from '../testing/control-plane-histories.js';
import type { ControlPlaneFlags } from './control-plane-thresholds.js';

const NODES = ['cp1', 'cp2', 'cp3'];
const flagsWith = (leaderElection: ControlPlaneFlags['leaderElection']): ControlPlaneFlags => ({ ...LIVE_CONTROL_PLANE_FLAGS, leaderElection });

describe('componentElections: flags -> which components elect, on which Lease, how many act', () => {
  it('every instance electing on one Lease: one acts, no problem (the default and the tuned cluster)', () => {
    for (const f of [LIVE_CONTROL_PLANE_FLAGS, TUNED_LEASE_FLAGS]) {
      expect(componentElections(f).map((e) => [e.component, e.activeInstances, e.problem])).toEqual([
        ['kube-controller-manager', 1, undefined],
        ['kube-scheduler', 1, undefined],
      ]);
    }
  });
  it('every scheduler with --leader-elect=false: as many active instances as nodes', () => {
    const s = componentElections(NO_SCHEDULER_ELECTION_FLAGS).find((e) => e.component === 'kube-scheduler');
    expect(s).toMatchObject({ activeInstances: 3, instances: 3 });
    expect(s?.problem).toBe(
      'kube-scheduler runs without leader election on 3 nodes (ha-3cp-control-plane, ha-3cp-control-plane2, ha-3cp-control-plane3: --leader-elect=false in its static pod manifest): 3 active instances, and none holds the Lease kube-system/kube-scheduler',
    );
  });
  it('instances split over two Leases: one leader each, two act', () => {
    const e = componentElections(
      flagsWith({
        'kube-scheduler': { ...LEADER_ELECTION_DEFAULTS, component: 'kube-scheduler', electingNodes: ['cp1', 'cp3'], nonElectingNodes: [] },
        'my-scheduler': { ...LEADER_ELECTION_DEFAULTS, component: 'kube-scheduler', electingNodes: ['cp2'], nonElectingNodes: [] },
      }),
    );
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ component: 'kube-scheduler', activeInstances: 2, instances: 3 });
    expect(e[0]?.problem).toBe('kube-scheduler instances elect on 2 different Leases (kube-scheduler on cp1, cp3; my-scheduler on cp2): one leader per Lease, 2 active instances');
  });
  it('hand-built flags without node lists count one instance per Lease', () => {
    const e = componentElections(flagsWith({ a: LEADER_ELECTION_DEFAULTS, b: { ...LEADER_ELECTION_DEFAULTS, enabled: false } }));
    expect(e.map((x) => [x.component, x.activeInstances, x.problem])).toEqual([
      ['a', 1, undefined],
      // One instance acting on its own is one active instance: not a problem of exactly-one.
      ['b', 1, undefined],
    ]);
  });
  it('a single non-electing instance of a one-node component is the only one acting', () => {
    const e = componentElections(flagsWith({ 'kube-scheduler': { ...LEADER_ELECTION_DEFAULTS, enabled: false, component: 'kube-scheduler', electingNodes: [], nonElectingNodes: ['cp1'] } }));
    expect(e[0]).toMatchObject({ activeInstances: 1, problem: undefined });
  });
  it('electionByLease finds the component and instances of each Lease', () => {
    const m = electionByLease(flagsWith({ 'kube-scheduler': { ...LEADER_ELECTION_DEFAULTS, component: 'kube-scheduler', electingNodes: NODES.slice(0, 2), nonElectingNodes: ['cp3'] } }));
    expect(m.get('kube-scheduler')?.election.activeInstances).toBe(2);
    expect(m.get('kube-scheduler')?.lease).toMatchObject({ electing: 2, nonElecting: 1 });
  });
});
