import { describe, expect, it } from 'vitest';
import { membershipChangeSafety, type MemberState } from './membership-safety.js';

const m = (id: string, healthy = true, learner = false): MemberState => ({ id, name: `cp-${id}`, healthy, learner });

describe('membershipChangeSafety (etcd strict reconfiguration, v3.6)', () => {
  const three = [m('a'), m('b'), m('c')];
  const oneDown = [m('a'), m('b'), m('c', false)];

  it('lets the replacement procedure remove a dead member of three: 2 healthy of 2 keep the quorum of 2', () => {
    const r = membershipChangeSafety(oneDown, { kind: 'remove', id: 'c' });
    expect(r).toMatchObject({ safe: true, votersAfter: 2, healthyVotersAfter: 2, quorumAfter: 2 });
  });

  it('refuses to remove a healthy member while another is down (1 healthy of 2 left)', () => {
    const r = membershipChangeSafety(oneDown, { kind: 'remove', id: 'b' });
    expect(r.safe).toBe(false);
    expect(r).toMatchObject({ votersAfter: 2, healthyVotersAfter: 1, quorumAfter: 2 });
    expect(r.reason).toMatch(/unhealthy cluster/);
  });

  it('refuses to add an unstarted voter while a member is down (2 healthy of 4, quorum 3)', () => {
    const r = membershipChangeSafety(oneDown, { kind: 'add-voter', name: 'd' });
    expect(r).toMatchObject({ safe: false, votersAfter: 4, healthyVotersAfter: 2, quorumAfter: 3 });
  });

  it('allows an unstarted voter on a healthy three (3 of 4 meet the quorum of 3), saying it tolerates nothing until it starts', () => {
    const r = membershipChangeSafety(three, { kind: 'add-voter', name: 'd' });
    expect(r.safe).toBe(true);
    expect(r.reason).toMatch(/tolerates 0 failure/);
  });

  it('adds a learner only when every voter is connected', () => {
    expect(membershipChangeSafety([m('a'), m('b')], { kind: 'add-learner', name: 'c' }).safe).toBe(true);
    expect(membershipChangeSafety(oneDown, { kind: 'add-learner', name: 'd' }).safe).toBe(false);
  });

  it('promotes a healthy learner into a quorum, not one that is down', () => {
    expect(membershipChangeSafety([m('a'), m('b'), m('n', true, true)], { kind: 'promote', id: 'n' })).toMatchObject({ safe: true, votersAfter: 3, healthyVotersAfter: 3 });
    expect(membershipChangeSafety([m('a'), m('b'), m('n', false, true)], { kind: 'promote', id: 'n' }).safe).toBe(false);
    expect(membershipChangeSafety(three, { kind: 'promote', id: 'a' }).safe).toBe(false);
  });

  it('always lets a learner go, never the last voter', () => {
    expect(membershipChangeSafety([m('a'), m('n', false, true)], { kind: 'remove', id: 'n' }).safe).toBe(true);
    expect(membershipChangeSafety([m('a')], { kind: 'remove', id: 'a' }).safe).toBe(false);
  });

  it('on five with two down, removing a dead one keeps 3 of 4 (quorum 3), removing a healthy one does not', () => {
    const five = [m('a'), m('b'), m('c'), m('d', false), m('e', false)];
    expect(membershipChangeSafety(five, { kind: 'remove', id: 'd' })).toMatchObject({ safe: true, healthyVotersAfter: 3, quorumAfter: 3 });
    expect(membershipChangeSafety(five, { kind: 'remove', id: 'a' })).toMatchObject({ safe: false, healthyVotersAfter: 2, quorumAfter: 3 });
  });
});
