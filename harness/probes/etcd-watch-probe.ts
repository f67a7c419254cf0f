/**
 * Watches the run's probe prefix and records every event, so a check can verify that acknowledged
 * writes arrive in revision order and without gaps.
 *
 * One stream at a time, through one member. Every end of a stream is recorded, never hidden:
 * - after an error (member down, connection lost, "no leader"), a WatchReset with reason 'error',
 *   then a new stream from the last delivered revision + 1 on the NEXT member (the one that failed
 *   may be down; moving on is what a client with several endpoints does);
 * - after a compaction (the resume revision is gone), the prefix is relisted and the relist is
 *   recorded with the reset (reason 'compacted'), then the stream resumes after the relist.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EtcdPrefixRead, EtcdWatchStream } from '../runtime/etcd.js';
import { openMemberClients, probeKeyPrefix, type EtcdTargets, type MemberClient } from './etcd-targets.js';
import { errorText, type Probe, type ProbeContext } from './probe.js';

/** Options of the watch probe. */
export interface EtcdWatchProbeOptions {
  readonly targets: EtcdTargets;
  readonly runId: string;
  /** Prefix to watch; default the run's probe prefix. */
  readonly prefix?: string;
  /** Member (node name) to watch through first; default the first endpoint. */
  readonly member?: string;
  /** Watcher name in the history; default 'etcd-watch'. */
  readonly name?: string;
  /** Start revision (inclusive); default the member's current revision + 1 at start. */
  readonly fromRevision?: number;
  /** Deadline of the status / relist calls. Default 5 s (a relist of a long run is large). */
  readonly timeoutMs?: number;
  /** A stream the server has not accepted within this time counts as failed. Default 3 s. */
  readonly startTimeoutMs?: number;
  /** Pause between a reset and the next attempt, so a down cluster is not hammered. Default 200 ms. */
  readonly retryDelayMs?: number;
}

/** Starts the watch loop on start(); stop() cancels the stream in flight. */
export function etcdWatchProbe(ctx: ProbeContext, opts: EtcdWatchProbeOptions): Probe {
  const watcher = opts.name ?? 'etcd-watch';
  const prefix = opts.prefix ?? probeKeyPrefix(opts.runId);
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const startTimeoutMs = opts.startTimeoutMs ?? 3_000;
  const retryDelayMs = opts.retryDelayMs ?? 200;
  const abort = new AbortController();
  let clients: MemberClient[] = [];
  let current: EtcdWatchStream | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  const note = (text: string): void => ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: watcher, text });

  const pause = async (): Promise<void> => {
    try {
      await sleep(retryDelayMs, undefined, { signal: abort.signal });
    } catch {
      // Aborted by stop(): the caller's loop condition ends the probe.
    }
  };

  /** Tries members from `startIdx` on until one answers; undefined only when stopped. */
  const firstAnswer = async <T>(startIdx: number, call: (m: MemberClient) => Promise<T>): Promise<{ value: T; idx: number } | undefined> => {
    for (let attempt = 0; !stopped; attempt++) {
      const idx = (startIdx + attempt) % clients.length;
      const m = clients[idx];
      if (m === undefined) {
        return undefined;
      }
      try {
        return { value: await call(m), idx };
      } catch (err) {
        note(`${m.member}: ${errorText(err)}`);
        await pause();
      }
    }
    return undefined;
  };

  const loop = async (): Promise<void> => {
    const first = opts.member === undefined ? 0 : Math.max(0, clients.findIndex((c) => c.member === opts.member));
    let idx = first;
    let next = opts.fromRevision;
    if (next === undefined) {
      const r = await firstAnswer(idx, (m) => m.client.status({ timeoutMs }));
      if (r === undefined) {
        return;
      }
      next = r.value.revision + 1;
      idx = r.idx;
    }
    let lastDelivered = next - 1;
    while (!stopped) {
      const m = clients[idx];
      if (m === undefined) {
        return;
      }
      ctx.history.record({ kind: 'watch-start', atMs: ctx.clock.nowMs(), watcher, target: m.member, prefix, fromRevision: lastDelivered + 1 });
      current = m.client.watchPrefix(
        prefix,
        lastDelivered + 1,
        {
          onEvents: (events) => {
            const atMs = ctx.clock.nowMs();
            for (const e of events) {
              ctx.history.record({ kind: 'watch', atMs, watcher, key: e.key, value: e.value, revision: e.modRevision, type: e.type });
              lastDelivered = Math.max(lastDelivered, e.modRevision);
            }
          },
          // A progress notification promises every event up to its revision was delivered.
          onProgress: (revision) => {
            lastDelivered = Math.max(lastDelivered, revision);
          },
        },
        { startTimeoutMs },
      );
      const end = await current.ended;
      current = undefined;
      if (end.kind === 'cancelled' || stopped) {
        return;
      }
      if (end.kind === 'error') {
        ctx.history.record({ kind: 'watch-reset', atMs: ctx.clock.nowMs(), watcher, reason: 'error', error: errorText(end.error) });
        idx = (idx + 1) % clients.length;
        await pause();
        continue;
      }
      // Compacted: the events between lastDelivered and the compaction are gone; a relist shows
      // the state they led to, and the stream resumes after it.
      const relisted = await firstAnswer(idx, (c) => c.client.rangePrefix(prefix, { timeoutMs }));
      const relist: EtcdPrefixRead | undefined = relisted?.value;
      ctx.history.record({
        kind: 'watch-reset',
        atMs: ctx.clock.nowMs(),
        watcher,
        reason: 'compacted',
        error: errorText(end.error),
        ...(end.compactRevision === undefined ? {} : { compactRevision: end.compactRevision }),
        ...(relist === undefined ? {} : { relist: { revision: relist.revision, entries: relist.entries } }),
      });
      if (relisted === undefined || relist === undefined) {
        return; // stopped while relisting
      }
      idx = relisted.idx;
      lastDelivered = relist.revision;
    }
  };

  return {
    name: watcher,
    start() {
      if (running !== undefined || stopping !== undefined) {
        return;
      }
      clients = openMemberClients(opts.targets, timeoutMs);
      running = loop().catch((err: unknown) => note(`watch loop ended: ${errorText(err)}`));
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        abort.abort();
        await current?.cancel();
        await running;
        for (const c of clients) {
          c.client.close();
        }
      })();
      return stopping;
    },
  };
}
