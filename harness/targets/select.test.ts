import { describe, expect, it } from 'vitest';
import { resolveSelector, SelectorError, unresolvableReason } from './select.js';
import { seededRandom } from '../random.js';

const three = { members: ['c-control-plane', 'c-control-plane2', 'c-control-plane3'], leader: 'c-control-plane2' };
const five = { members: ['c1', 'c2', 'c3', 'c4', 'c5'], leader: 'c4' };

describe('resolveSelector', () => {
  it('targets whoever leads now', () => {
    expect(resolveSelector({ kind: 'leader' }, three, seededRandom(1))).toEqual(['c-control-plane2']);
  });
  it('a follower is never the leader, and the choice is reproducible from the seed', () => {
    const picks = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const [f] = resolveSelector({ kind: 'one-follower' }, three, seededRandom(seed));
      expect(f).not.toBe('c-control-plane2');
      picks.add(f ?? '');
      expect(resolveSelector({ kind: 'one-follower' }, three, seededRandom(seed))).toEqual([f]);
    }
    expect(picks.size).toBe(2);
  });
  it('minority and majority follow the quorum arithmetic', () => {
    expect(resolveSelector({ kind: 'minority' }, three, seededRandom(3))).toHaveLength(1);
    expect(resolveSelector({ kind: 'majority' }, three, seededRandom(3))).toHaveLength(2);
    expect(resolveSelector({ kind: 'minority' }, five, seededRandom(3))).toHaveLength(2);
    const majority = resolveSelector({ kind: 'majority' }, five, seededRandom(3));
    expect(majority).toHaveLength(3);
    // Followers are taken first: losing quorum does not need the leader.
    expect(majority).not.toContain('c4');
  });
  it('count with the leader puts the leader first', () => {
    expect(resolveSelector({ kind: 'count', count: 2, includeLeader: true }, five, seededRandom(9))[0]).toBe('c4');
  });
  it('refuses what cannot be resolved', () => {
    expect(() => resolveSelector({ kind: 'leader' }, { ...three, leader: undefined }, seededRandom(1))).toThrow(SelectorError);
    expect(() => resolveSelector({ kind: 'named', names: ['nope'] }, three, seededRandom(1))).toThrow(/not members: nope/);
    expect(() => resolveSelector({ kind: 'count', count: 4, includeLeader: false }, three, seededRandom(1))).toThrow(/cannot pick 4/);
  });
});

describe('lease-holder selector', () => {
  it('targets the node whose instance holds the lease now, and refuses when nobody does', () => {
    const view = { ...three, leaseHolders: { 'kube-scheduler': 'c-control-plane3', 'kube-controller-manager': undefined } };
    expect(resolveSelector({ kind: 'lease-holder', lease: 'kube-scheduler' }, view, seededRandom(1))).toEqual(['c-control-plane3']);
    expect(() => resolveSelector({ kind: 'lease-holder', lease: 'kube-controller-manager' }, view, seededRandom(1))).toThrow(/no control-plane node holds/);
  });
});

describe('unresolvableReason: every selector that can find nothing says why', () => {
  const leases = {
    'kube-scheduler': { component: 'kube-scheduler', electingNodes: [], nonElectingNodes: three.members, problem: 'kube-scheduler runs without leader election on 3 nodes: 3 active instances' },
    'kube-controller-manager': { component: 'kube-controller-manager', electingNodes: three.members, nonElectingNodes: [] },
  };
  it('resolvable selectors have no reason', () => {
    const view = { ...three, leaseHolders: { 'kube-controller-manager': 'c-control-plane3' } };
    for (const s of [{ kind: 'leader' }, { kind: 'one-follower' }, { kind: 'minority' }, { kind: 'majority' }, { kind: 'all' }, { kind: 'lease-holder', lease: 'kube-controller-manager' }] as const) {
      expect(unresolvableReason(s, view, leases)).toBeUndefined();
    }
  });
  it('a component with leader election off holds no Lease: a configuration problem, in its own words', () => {
    expect(unresolvableReason({ kind: 'lease-holder', lease: 'kube-scheduler' }, three, leases)).toEqual({ kind: 'configuration', reason: 'kube-scheduler runs without leader election on 3 nodes: 3 active instances' });
  });
  it('a Lease between holders while its instances elect is transient', () => {
    expect(unresolvableReason({ kind: 'lease-holder', lease: 'kube-controller-manager' }, { ...three, leaseHolders: {} }, leases)).toMatchObject({ kind: 'transient', reason: expect.stringMatching(/although 3 kube-controller-manager instance\(s\) elect on it/) });
  });
  it('a Lease nothing elects on, or held off the control plane, is configuration', () => {
    expect(unresolvableReason({ kind: 'lease-holder', lease: 'other' }, three, leases)).toMatchObject({ kind: 'configuration', reason: expect.stringMatching(/no component read from the static pod manifests elects on it/) });
    expect(unresolvableReason({ kind: 'lease-holder', lease: 'other' }, { ...three, leaseHolders: { other: 'c-worker' } }, leases)).toMatchObject({ kind: 'configuration', reason: expect.stringMatching(/held by c-worker, which is not a control-plane node/) });
  });
  it('no etcd leader is transient; a cluster too small for the selector is configuration', () => {
    expect(unresolvableReason({ kind: 'leader' }, { ...three, leader: undefined })).toMatchObject({ kind: 'transient' });
    expect(unresolvableReason({ kind: 'count', count: 2, includeLeader: true }, { ...three, leader: undefined })).toMatchObject({ kind: 'transient' });
    const one = { members: ['solo'], leader: 'solo' };
    expect(unresolvableReason({ kind: 'one-follower' }, one)).toMatchObject({ kind: 'configuration', reason: 'a 1-member cluster has no follower to target' });
    expect(unresolvableReason({ kind: 'minority' }, one)).toMatchObject({ kind: 'configuration', reason: expect.stringMatching(/tolerate no failure/) });
    expect(unresolvableReason({ kind: 'count', count: 4, includeLeader: false }, three)).toMatchObject({ kind: 'configuration' });
    expect(unresolvableReason({ kind: 'named', names: ['nope'] }, three)).toMatchObject({ kind: 'configuration', reason: 'not members: nope' });
    expect(unresolvableReason({ kind: 'all' }, { members: [], leader: undefined })).toMatchObject({ kind: 'transient' });
  });
  it('an empty minority is refused instead of injecting a fault into nobody', () => {
    expect(() => resolveSelector({ kind: 'minority' }, { members: ['solo'], leader: 'solo' }, seededRandom(1))).toThrow(SelectorError);
  });
});
