/**
 * The shape shared by the per-member etcd probes: on start, one client and fixed-rate workers per
 * member; on stop, the workers finish their request in flight, then the clients close.
 *
 * Each worker has at most one request in flight (etcd's robustness-test rule). With several workers
 * per member they share the member's rate, phase-shifted by one interval each: a request hung until
 * its deadline (a write forwarded to a leader that just died) then blinds one worker, while the
 * others keep asking, so the first success after an election is seen within about an interval of
 * it rather than a deadline later.
 */
import { startPeriodic, type PeriodicWorker } from './periodic.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';
import { openMemberClients, type EtcdTargets, type MemberClient } from './etcd-targets.js';

/** How to build a per-member probe. */
export interface MemberWorkersOptions {
  readonly name: string;
  readonly targets: EtcdTargets;
  readonly members?: readonly string[];
  readonly intervalMs: number;
  /** Per-call deadline of the clients. */
  readonly timeoutMs: number;
  /** Workers per member (default 1); each runs at intervalMs x workersPerMember. */
  readonly workersPerMember?: number;
  /** One request against one member by one of its workers; records its own outcome. */
  readonly task: (m: MemberClient, seq: number, worker: number) => Promise<void>;
}

/** A Probe running `task` per member at a fixed rate. */
export function memberWorkersProbe(ctx: ProbeContext, opts: MemberWorkersOptions): Probe {
  let clients: MemberClient[] = [];
  let workers: PeriodicWorker[] = [];
  let started = false;
  let stopping: Promise<void> | undefined;
  return {
    name: opts.name,
    start() {
      if (started || stopping !== undefined) {
        return;
      }
      started = true;
      clients = openMemberClients(opts.targets, opts.timeoutMs, opts.members);
      const perMember = Math.max(1, Math.floor(opts.workersPerMember ?? 1));
      workers = clients.flatMap((m) =>
        Array.from({ length: perMember }, (_, worker) =>
          startPeriodic({
            intervalMs: opts.intervalMs * perMember,
            startDelayMs: worker * opts.intervalMs,
            clock: ctx.clock,
            ...(ctx.pace === undefined ? {} : { pace: ctx.pace }),
            task: (seq) => opts.task(m, seq, worker),
            // A task records its own failures; reaching here is a probe bug, kept visible as a note.
            onError: (err) => ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: opts.name, text: `worker ${m.member}/${worker}: ${failureOf(err).error}` }),
          }),
        ),
      );
    },
    stop() {
      stopping ??= (async () => {
        await Promise.all(workers.map((w) => w.stop()));
        for (const m of clients) {
          m.client.close();
        }
      })();
      return stopping;
    },
  };
}
