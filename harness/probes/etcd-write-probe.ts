/**
 * Writes unique keys to every etcd member, through one or more workers per member, so availability
 * and durability can be judged per member (a write via the isolated leader must not be acknowledged,
 * every acknowledged write must survive).
 *
 * Keys are `/kube-ha-chaos/probe/<runId>/<member>/<seq>` with one worker per member, and
 * `<member>/w<worker>-<seq>` with several; the value is `<seq>`. Never reused, so the durability
 * check needs no ordering between writers.
 */
import { memberWorkersProbe } from './member-workers.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';
import { probeKeyPrefix, type EtcdTargets, type MemberClient } from './etcd-targets.js';

/** Options of the etcd write probe. */
export interface EtcdWriteProbeOptions {
  readonly targets: EtcdTargets;
  readonly runId: string;
  /**
   * Interval between writes per member. Default 90 ms: just over 10 Hz, so that a gap between two
   * writes stays under 100 ms even with timer jitter (the issue asks for <= 100 ms resolution).
   */
  readonly intervalMs?: number;
  /** Per-write deadline; a write that hits it is `unknown`. Default 2 s. */
  readonly timeoutMs?: number;
  /** Only these members (node names); default all. */
  readonly members?: readonly string[];
  /** Probe name in the history; default 'etcd-write' (what the checks select). */
  readonly name?: string;
  /** Workers per member sharing its rate (see member-workers.ts); default 1. */
  readonly workersPerMember?: number;
}

/** Starts nothing until start(); see EtcdWriteProbeOptions. */
export function etcdWriteProbe(ctx: ProbeContext, opts: EtcdWriteProbeOptions): Probe {
  const name = opts.name ?? 'etcd-write';
  const intervalMs = opts.intervalMs ?? 90;
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const prefix = probeKeyPrefix(opts.runId);
  const perMember = opts.workersPerMember ?? 1;
  const writeOnce = async (m: MemberClient, seq: number, worker: number): Promise<void> => {
    const key = perMember === 1 ? `${prefix}${m.member}/${seq}` : `${prefix}${m.member}/w${worker}-${seq}`;
    const value = String(seq);
    const invokedAtMs = ctx.clock.nowMs();
    try {
      const { revision } = await m.client.put(key, value);
      ctx.history.recordOperation({ probe: name, op: 'put', target: m.member, invokedAtMs, completedAtMs: ctx.clock.nowMs(), outcome: 'ok', key, value, revision });
    } catch (err) {
      const f = failureOf(err);
      ctx.history.recordOperation({ probe: name, op: 'put', target: m.member, invokedAtMs, completedAtMs: ctx.clock.nowMs(), outcome: f.outcome, error: f.error, key, value });
    }
  };

  return memberWorkersProbe(ctx, { name, targets: opts.targets, ...(opts.members === undefined ? {} : { members: opts.members }), intervalMs, timeoutMs, workersPerMember: perMember, task: writeOnce });
}
