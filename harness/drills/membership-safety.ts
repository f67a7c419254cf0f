/**
 * Would a membership change leave etcd without quorum? A pure model of etcd's strict
 * reconfiguration check (--strict-reconfig-check, on by default; server/etcdserver/server.go
 * mayAddMember / mayRemoveMember / mayPromoteMember, v3.6), used two ways:
 * - the member-replacement drill consults it before every change it makes, and records the answer,
 *   so the suite's own procedure provably never attempts a change that would cost quorum;
 * - the reconfiguration-safety drill asks etcd for changes this model refuses, and the verdict
 *   compares etcd's answer with the model's.
 *
 * The model follows etcd's rules, stated over what the leader sees:
 * - add a voter: refused unless the started voters after the add still make a quorum of the new
 *   size, and unless every voter is connected (etcd: ErrNotEnoughStartedMembers / ErrUnhealthy);
 * - add a learner: learners do not vote, but etcd still refuses while any voter is disconnected
 *   (ErrUnhealthy: "unhealthy cluster");
 * - remove: a learner or a voter that is down can always go; removing a connected voter is refused
 *   when the connected voters left would be fewer than a quorum of the remaining voters;
 * - promote: the learner must be connected and caught up, and the voters connected after the promote
 *   must be a quorum of the new size.
 */

export interface MemberState {
  readonly id: string;
  readonly name: string;
  readonly learner: boolean;
  /** Connected to the leader and answering (etcdctl endpoint health / status). */
  readonly healthy: boolean;
}

export type MembershipChange =
  | { readonly kind: 'add-voter'; readonly name: string }
  | { readonly kind: 'add-learner'; readonly name: string }
  | { readonly kind: 'remove'; readonly id: string }
  | { readonly kind: 'promote'; readonly id: string };

export interface SafetyAnswer {
  readonly safe: boolean;
  /** One sentence: why it is safe, or which rule refuses it, with the numbers. */
  readonly reason: string;
  /** Voters and healthy voters after the change, and the quorum they need. */
  readonly votersAfter: number;
  readonly healthyVotersAfter: number;
  readonly quorumAfter: number;
}

const quorumOf = (voters: number): number => Math.floor(voters / 2) + 1;

export function describeChange(c: MembershipChange): string {
  switch (c.kind) {
    case 'add-voter':
      return `add ${c.name} as a voting member`;
    case 'add-learner':
      return `add ${c.name} as a learner`;
    case 'remove':
      return `remove member ${c.id}`;
    case 'promote':
      return `promote learner ${c.id}`;
  }
}

/** Pure: the strict reconfiguration check on `members` for `change` (see the header). */
export function membershipChangeSafety(members: readonly MemberState[], change: MembershipChange): SafetyAnswer {
  const voters = members.filter((m) => !m.learner);
  const healthyVoters = voters.filter((m) => m.healthy).length;
  const allConnected = healthyVoters === voters.length;
  const answer = (safe: boolean, reason: string, votersAfter: number, healthyVotersAfter: number): SafetyAnswer => ({
    safe,
    reason,
    votersAfter,
    healthyVotersAfter,
    quorumAfter: quorumOf(votersAfter),
  });
  switch (change.kind) {
    case 'add-voter': {
      // The new voter has not started: it counts in the size, not among the healthy.
      const after = voters.length + 1;
      // etcd counts a member that is down but once started as started, so with one down it is the
      // connectivity rule that refuses (ErrUnhealthy); the count rule refuses when too few ever started.
      if (!allConnected) {
        return answer(false, `${describeChange(change)}: ${voters.length - healthyVoters} voter(s) unreachable, and ${healthyVoters} healthy of ${after} voters would be ${healthyVoters >= quorumOf(after) ? 'just' : 'below'} the quorum of ${quorumOf(after)} (etcd: unhealthy cluster)`, after, healthyVoters);
      }
      if (healthyVoters < quorumOf(after)) {
        return answer(false, `${describeChange(change)}: ${healthyVoters} started of ${after} voters is below the quorum of ${quorumOf(after)} (etcd: not enough started members)`, after, healthyVoters);
      }
      return answer(true, `${describeChange(change)}: ${healthyVoters} healthy of ${after} voters keeps the quorum of ${quorumOf(after)}, but tolerates ${healthyVoters - quorumOf(after)} failure(s) until it has started`, after, healthyVoters);
    }
    case 'add-learner':
      if (!allConnected) {
        return answer(false, `${describeChange(change)}: ${voters.length - healthyVoters} voter(s) unreachable (etcd: unhealthy cluster); remove the dead member first`, voters.length, healthyVoters);
      }
      return answer(true, `${describeChange(change)}: a learner does not vote, so the ${voters.length} voters and their quorum of ${quorumOf(voters.length)} are unchanged`, voters.length, healthyVoters);
    case 'remove': {
      const m = members.find((x) => x.id === change.id);
      if (m === undefined) {
        return answer(false, `${describeChange(change)}: no such member`, voters.length, healthyVoters);
      }
      if (m.learner) {
        return answer(true, `${describeChange(change)}: a learner does not vote`, voters.length, healthyVoters);
      }
      const after = voters.length - 1;
      const healthyAfter = m.healthy ? healthyVoters - 1 : healthyVoters;
      if (after === 0) {
        return answer(false, `${describeChange(change)}: it is the last voter`, after, healthyAfter);
      }
      if (!m.healthy) {
        return answer(healthyAfter >= quorumOf(after), `${describeChange(change)} (${m.name}, down): ${healthyAfter} healthy of ${after} voters ${healthyAfter >= quorumOf(after) ? 'keeps' : 'is below'} the quorum of ${quorumOf(after)}`, after, healthyAfter);
      }
      if (healthyAfter < quorumOf(after)) {
        return answer(false, `${describeChange(change)} (${m.name}, healthy): ${healthyAfter} healthy of ${after} voters left is below the quorum of ${quorumOf(after)} (etcd: unhealthy cluster)`, after, healthyAfter);
      }
      return answer(true, `${describeChange(change)} (${m.name}): ${healthyAfter} healthy of ${after} voters keeps the quorum of ${quorumOf(after)}`, after, healthyAfter);
    }
    case 'promote': {
      const m = members.find((x) => x.id === change.id);
      if (m === undefined || !m.learner) {
        return answer(false, `${describeChange(change)}: no such learner`, voters.length, healthyVoters);
      }
      const after = voters.length + 1;
      const healthyAfter = healthyVoters + (m.healthy ? 1 : 0);
      if (!m.healthy || healthyAfter < quorumOf(after)) {
        return answer(false, `${describeChange(change)} (${m.name}): ${healthyAfter} healthy of ${after} voters after it is below the quorum of ${quorumOf(after)}`, after, healthyAfter);
      }
      return answer(true, `${describeChange(change)} (${m.name}): ${healthyAfter} healthy of ${after} voters`, after, healthyAfter);
    }
  }
}
