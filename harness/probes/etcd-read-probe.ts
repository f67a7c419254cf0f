/**
 * Reads one probe key from every member, linearizably or serializably, one worker per member.
 *
 * The pair tells quorum loss apart from a dead member: without quorum a linearizable read cannot
 * complete (it needs the leader's ReadIndex), while a serializable read is answered from the
 * member's local state by any member that is up.
 */
import { memberWorkersProbe } from './member-workers.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';
import { probeKeyPrefix, type EtcdTargets, type MemberClient } from './etcd-targets.js';

/** Which read path to exercise. */
export type EtcdReadMode = 'linearizable' | 'serializable';

/** Options of an etcd read probe. */
export interface EtcdReadProbeOptions {
  readonly targets: EtcdTargets;
  readonly runId: string;
  readonly mode: EtcdReadMode;
  /** Key to read; default `<run prefix>read-target` (it need not exist: a miss is a good read). */
  readonly key?: string;
  /** Default 100 ms (10 Hz). */
  readonly intervalMs?: number;
  /** Default 2 s. */
  readonly timeoutMs?: number;
  readonly members?: readonly string[];
  /** Default 'etcd-read-linearizable' / 'etcd-read-serializable' (what the checks select). */
  readonly name?: string;
}

/** One read probe (one mode). */
export function etcdReadProbe(ctx: ProbeContext, opts: EtcdReadProbeOptions): Probe {
  const name = opts.name ?? `etcd-read-${opts.mode}`;
  const op = opts.mode === 'linearizable' ? 'get-linearizable' : 'get-serializable';
  const key = opts.key ?? `${probeKeyPrefix(opts.runId)}read-target`;
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const readOnce = async (m: MemberClient): Promise<void> => {
    const invokedAtMs = ctx.clock.nowMs();
    try {
      const r = opts.mode === 'linearizable' ? await m.client.getLinearizable(key) : await m.client.getSerializable(key);
      ctx.history.recordOperation({
        probe: name,
        op,
        target: m.member,
        invokedAtMs,
        completedAtMs: ctx.clock.nowMs(),
        outcome: 'ok',
        key,
        ...(r.value === null ? {} : { value: r.value }),
        // The revision the read was served at: lets a check see a member serving stale state.
        revision: r.revision,
      });
    } catch (err) {
      const f = failureOf(err);
      ctx.history.recordOperation({ probe: name, op, target: m.member, invokedAtMs, completedAtMs: ctx.clock.nowMs(), outcome: f.outcome, error: f.error, key });
    }
  };

  return memberWorkersProbe(ctx, {
    name,
    targets: opts.targets,
    ...(opts.members === undefined ? {} : { members: opts.members }),
    intervalMs: opts.intervalMs ?? 100,
    timeoutMs,
    task: (m) => readOnce(m),
  });
}

/** Both read probes (linearizable and serializable) with the same options. */
export function etcdReadProbes(ctx: ProbeContext, opts: Omit<EtcdReadProbeOptions, 'mode' | 'name'>): readonly Probe[] {
  return [etcdReadProbe(ctx, { ...opts, mode: 'linearizable' }), etcdReadProbe(ctx, { ...opts, mode: 'serializable' })];
}
