import { describe, expect, it } from 'vitest';
import { resolveSelector, SelectorError } from './select.js';
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
