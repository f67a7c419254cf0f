/**
 * The shape every control-plane observer shares: one fixed-rate worker (periodic.ts) running one
 * poll at a time. The poll records its own observations (or a PollError); an exception that escapes
 * it is a probe bug and becomes a note, so a measurement never ends silently.
 */
import { startPeriodic, type PeriodicWorker } from './periodic.js';
import { errorText, type Probe, type ProbeContext } from './probe.js';

/** How to build a polling probe. */
export interface PollerOptions {
  readonly name: string;
  readonly intervalMs: number;
  /** One poll; records its own outcome. */
  readonly poll: (seq: number) => Promise<void>;
  /** Runs once before the first poll (e.g. ensure a namespace); failures become notes. */
  readonly setup?: () => Promise<void>;
}

/** A Probe running `poll` at a fixed rate between start() and stop(). */
export function pollerProbe(ctx: ProbeContext, opts: PollerOptions): Probe {
  return workersProbe(ctx, { name: opts.name, ...(opts.setup === undefined ? {} : { setup: opts.setup }), workers: [{ label: opts.name, intervalMs: opts.intervalMs, task: opts.poll }] });
}

/** One fixed-rate worker of a multi-worker probe. */
export interface WorkerSpec {
  /** Shown in notes when the task throws, e.g. the target node. */
  readonly label: string;
  readonly intervalMs: number;
  readonly task: (seq: number) => Promise<void>;
}

/** A Probe with several independent fixed-rate workers (e.g. one per apiserver). */
export function workersProbe(
  ctx: ProbeContext,
  opts: { readonly name: string; readonly workers: readonly WorkerSpec[]; readonly setup?: () => Promise<void> },
): Probe {
  let running: PeriodicWorker[] = [];
  let setup: Promise<void> | undefined;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const note = (text: string): void => ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: opts.name, text });
  return {
    name: opts.name,
    start() {
      if (setup !== undefined || stopping !== undefined) {
        return;
      }
      setup = (async () => {
        if (opts.setup !== undefined) {
          try {
            await opts.setup();
          } catch (err) {
            // Set-up is not a measurement: if the cluster is already faulty, the polls say so.
            note(`setup: ${errorText(err)}`);
          }
        }
        if (stopped) {
          return;
        }
        running = opts.workers.map((w) =>
          startPeriodic({
            intervalMs: w.intervalMs,
            clock: ctx.clock,
            ...(ctx.pace === undefined ? {} : { pace: ctx.pace }),
            task: w.task,
            onError: (err) => note(`worker ${w.label}: ${errorText(err)}`),
          }),
        );
      })();
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        await setup;
        await Promise.all(running.map((w) => w.stop()));
      })();
      return stopping;
    },
  };
}
