/**
 * The shape shared by the per-member etcd probes: on start, one client and one fixed-rate worker
 * per member; on stop, the workers finish their request in flight, then the clients close.
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
  /** One request against one member; records its own outcome. */
  readonly task: (m: MemberClient, seq: number) => Promise<void>;
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
      workers = clients.map((m) =>
        startPeriodic({
          intervalMs: opts.intervalMs,
          clock: ctx.clock,
          task: (seq) => opts.task(m, seq),
          // A task records its own failures; reaching here is a probe bug, kept visible as a note.
          onError: (err) => ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: opts.name, text: `worker ${m.member}: ${failureOf(err).error}` }),
        }),
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
