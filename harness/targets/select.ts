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
  /** etcd member names: the control-plane nodes under kubeadm's stacked etcd, the member hosts when external. */
  readonly members: readonly string[];
  /**
   * Present only when the etcd members are not the control-plane nodes (external etcd): the
   * control-plane node names, which faults on the other components and on whole nodes select over
   * (faults/fault-view.ts). Absent (stacked), every fault selects over the members, as always.
   */
  readonly controlPlanes?: readonly string[];
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

/**
 * What the cluster's configuration says about a Lease, for explaining why nobody holds it: the
 * component configured for it and which of its instances run with leader election on or off.
 */
export interface LeaseConfiguration {
  readonly component: string;
  readonly electingNodes: readonly string[];
  readonly nonElectingNodes: readonly string[];
  /** One sentence naming the misconfiguration, when there is one (leader-election-config.ts). */
  readonly problem?: string;
}

/** Why a selector finds nothing: the cluster is built so (configuration) or is in between states (transient). */
export interface Unresolvable {
  readonly kind: 'configuration' | 'transient';
  readonly reason: string;
}

/**
 * Undefined when `selector` resolves on `view`; otherwise why not, in words a report can show. A
 * configuration problem will not go away by waiting (a 1-member cluster has no follower, a component
 * with leader election off holds no Lease); a transient one may (no etcd leader during an election,
 * a Lease between holders). Every selector that can find nothing has its reason here, so a case can
 * turn it into a verdict before any fault instead of throwing.
 */
export function unresolvableReason(selector: NodeSelector, view: MembershipView, leases: Readonly<Record<string, LeaseConfiguration>> = {}): Unresolvable | undefined {
  const members = view.members;
  const n = members.length;
  if (n === 0) {
    return { kind: 'transient', reason: 'no etcd member is known right now (etcd did not answer)' };
  }
  const leaderKnown = view.leader !== undefined && members.includes(view.leader);
  const needsLeader = (what: string): Unresolvable | undefined =>
    leaderKnown ? undefined : { kind: 'transient', reason: `${what} needs the etcd leader, and the cluster has no leader right now (an election in progress, or quorum lost)` };
  switch (selector.kind) {
    case 'leader':
      return needsLeader('the leader');
    case 'one-follower':
      return n < 2 ? { kind: 'configuration', reason: `a ${n}-member cluster has no follower to target` } : undefined;
    case 'minority': {
      const count = failureTolerance(n);
      return count === 0 ? { kind: 'configuration', reason: `${n} etcd member(s) tolerate no failure (quorum ${quorumOf(n)}): a minority to lose is empty` } : undefined;
    }
    case 'majority':
      return undefined;
    case 'count':
      if (selector.count > n) {
        return { kind: 'configuration', reason: `cannot pick ${selector.count} of ${n} members` };
      }
      return selector.includeLeader ? needsLeader(`${describeSelector(selector)}`) : undefined;
    case 'all':
      return undefined;
    case 'named': {
      const unknown = selector.names.filter((x) => !members.includes(x));
      return unknown.length > 0 ? { kind: 'configuration', reason: `not members: ${unknown.join(', ')}` } : undefined;
    }
    case 'lease-holder': {
      const holder = view.leaseHolders?.[selector.lease];
      if (holder !== undefined && members.includes(holder)) {
        return undefined;
      }
      const cfg = leases[selector.lease];
      if (holder !== undefined && holder !== '') {
        return { kind: 'configuration', reason: `the lease ${selector.lease} is held by ${holder}, which is not a control-plane node` };
      }
      if (cfg === undefined) {
        return { kind: 'configuration', reason: `no control-plane node holds the lease ${selector.lease}, and no component read from the static pod manifests elects on it` };
      }
      if (cfg.electingNodes.length === 0) {
        return {
          kind: 'configuration',
          reason: cfg.problem ?? `${cfg.component} runs without leader election on ${cfg.nonElectingNodes.length} node(s): nobody holds the lease ${selector.lease}`,
        };
      }
      return {
        kind: 'transient',
        reason: `no control-plane node holds the lease ${selector.lease} right now, although ${cfg.electingNodes.length} ${cfg.component} instance(s) elect on it (between holders, or the API did not answer)`,
      };
    }
  }
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
    case 'minority': {
      // An empty minority would inject a fault into nobody and judge it as if it had hit.
      const why = unresolvableReason(selector, view);
      if (why !== undefined) {
        throw new SelectorError(why.reason);
      }
      return pick(failureTolerance(members.length), false);
    }
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
