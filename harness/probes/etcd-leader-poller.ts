/**
 * Asks every member, at >= 10 Hz, whom it believes to be leader (Maintenance.Status): leader id,
 * term, revision, raft index. Election time, one-leader-per-term and monotonicity are judged from
 * these observations, so their rate is the resolution of every election measurement.
 */
import { memberWorkersProbe } from './member-workers.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';
import type { EtcdTargets, MemberClient } from './etcd-targets.js';

/** Options of the leader poller. */
export interface EtcdLeaderPollerOptions {
  readonly targets: EtcdTargets;
  /** Default 90 ms: just over 10 Hz, so consecutive polls stay < 100 ms apart despite jitter. */
  readonly intervalMs?: number;
  /** Default 1 s: a status call is served locally; a slow one means the member is in trouble. */
  readonly timeoutMs?: number;
  readonly members?: readonly string[];
}

/** The poller's name in notes; observations carry `member`, not a probe name. */
export const LEADER_POLLER_NAME = 'etcd-leader';

/** Polls Maintenance.Status of each member and records LeaderObservation / StatusErrorObservation. */
export function etcdLeaderPoller(ctx: ProbeContext, opts: EtcdLeaderPollerOptions): Probe {
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const pollOnce = async (m: MemberClient): Promise<void> => {
    try {
      const s = await m.client.status();
      // Stamped at completion: the answer describes the member's state when it replied.
      ctx.history.record({
        kind: 'leader',
        atMs: ctx.clock.nowMs(),
        member: m.member,
        memberId: s.memberId,
        leaderId: s.leaderId,
        term: s.raftTerm,
        revision: s.revision,
        raftIndex: s.raftIndex,
      });
    } catch (err) {
      const f = failureOf(err);
      ctx.history.record({ kind: 'leader-error', atMs: ctx.clock.nowMs(), member: m.member, outcome: f.outcome, error: f.error });
    }
  };

  return memberWorkersProbe(ctx, {
    name: LEADER_POLLER_NAME,
    targets: opts.targets,
    ...(opts.members === undefined ? {} : { members: opts.members }),
    intervalMs: opts.intervalMs ?? 90,
    timeoutMs,
    task: (m) => pollOnce(m),
  });
}
