/**
 * Which nodes a fault hits, chosen by role and resolved at injection time (the leader is whoever
 * leads when the fault starts, not when the test was written). Pure: the live view is an input.
 */
import { failureTolerance, quorumOf } from '../cluster/topology.js';

export type NodeSelector =
  | { readonly kind: 'leader' }
  | { readonly kind: 'one-follower' }
  /** floor((n-1)/2) members: the most that may fail with quorum kept (3 -> 1, 5 -> 2). */
  | { readonly kind: 'minority' }
  /** quorum(n) members: enough to lose quorum (3 -> 2, 5 -> 3). */
  | { readonly kind: 'majority' }
  /** a given number of members, never the leader first: followers, then the leader if needed. */
  | { readonly kind: 'count'; readonly count: number; readonly includeLeader: boolean }
  | { readonly kind: 'all' }
  | { readonly kind: 'named'; readonly names: readonly string[] }
  /** The control-plane node whose instance holds a leader-election Lease (kube-system/<lease>). */
  | { readonly kind: 'lease-holder'; readonly lease: string };

export interface MembershipView {
  /** Control-plane node names (etcd member names under kubeadm). */
  readonly members: readonly string[];
  /** The node whose etcd member leads, when there is a leader. */
  readonly leader: string | undefined;
  /** Lease name -> node of its current holder (resolved only when a selector needs it). */
  readonly leaseHolders?: Readonly<Record<string, string | undefined>>;
}

/** Deterministic choice given a seeded random source: [0, 1). */
export type Random = () => number;

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Resolve a selector to concrete node names, leader first when it is included. */
export function resolveSelector(selector: NodeSelector, view: MembershipView, random: Random): string[] {
  const members = [...view.members].sort();
  const needLeader = (): string => {
    if (view.leader === undefined || !members.includes(view.leader)) {
      throw new SelectorError('no etcd leader to target: the cluster has no leader right now');
    }
    return view.leader;
  };
  const followers = (): string[] => shuffled(members.filter((m) => m !== view.leader), random);
  const pick = (count: number, includeLeader: boolean): string[] => {
    if (count > members.length) {
      throw new SelectorError(`cannot pick ${count} of ${members.length} members`);
    }
    const order = includeLeader ? [needLeader(), ...followers()] : [...followers(), ...(view.leader ? [view.leader] : [])];
    return order.slice(0, count);
  };
  switch (selector.kind) {
    case 'leader':
      return [needLeader()];
    case 'one-follower': {
      const f = followers()[0];
      if (f === undefined) {
        throw new SelectorError('no follower to target');
      }
      return [f];
    }
    case 'minority':
      return pick(failureTolerance(members.length), false);
    case 'majority':
      return pick(quorumOf(members.length), false);
    case 'count':
      return pick(selector.count, selector.includeLeader);
    case 'all':
      return members;
    case 'lease-holder': {
      const holder = view.leaseHolders?.[selector.lease];
      if (holder === undefined || !members.includes(holder)) {
        throw new SelectorError(`no control-plane node holds the lease ${selector.lease} right now`);
      }
      return [holder];
    }
    case 'named': {
      const unknown = selector.names.filter((n) => !members.includes(n));
      if (unknown.length > 0) {
        throw new SelectorError(`not members: ${unknown.join(', ')}`);
      }
      return [...selector.names];
    }
  }
}

export function describeSelector(s: NodeSelector): string {
  switch (s.kind) {
    case 'count':
      return `${s.count} member${s.count === 1 ? '' : 's'}${s.includeLeader ? ' incl. the leader' : ''}`;
    case 'named':
      return s.names.join(', ');
    case 'lease-holder':
      return `the ${s.lease} lease holder`;
    default:
      return s.kind;
  }
}
