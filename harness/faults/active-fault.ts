/**
 * The life of one injected fault after it is in effect: a heal that is idempotent (a second call
 * returns the same promise), bounded by its own deadline (never the test's signal, which is already
 * aborted when a test times out), retried a few times, and VERIFIED: the cluster must be back at its
 * baseline, or it is marked dirty and recreated before the next suite.
 */
import { markDirty } from '../cluster/dirty.js';
import { waitForHealthy } from '../cluster/health.js';
import type { FaultContext } from './context.js';
import type { FaultRecord } from './spec.js';

export interface ActiveFault extends AsyncDisposable {
  readonly record: FaultRecord;
  /** Evidence gathered while healing (e.g. the restarted process's new PID), by node. */
  readonly healEvidence: Readonly<Record<string, string>>;
  heal(): Promise<void>;
}

export interface FaultBehaviour {
  /** Undo the fault (idempotent); one-shot faults have nothing to undo. */
  undo(): Promise<void>;
  /** Wait until this fault's own effect is gone; returns evidence by node (e.g. "pid 812 -> 1034"). */
  verify(deadlineMs: number): Promise<Record<string, string>>;
}

const UNDO_ATTEMPTS = 3;

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function activeFault(ctx: FaultContext, record: FaultRecord, summary: string, behaviour: FaultBehaviour): ActiveFault {
  let healing: Promise<void> | undefined;
  const healEvidence: Record<string, string> = {};
  const heal = (): Promise<void> => {
    healing ??= (async () => {
      const issuedAtMs = ctx.clock.nowMs();
      const deadline = performance.now() + ctx.healTimeoutMs;
      const errors: unknown[] = [];
      for (let attempt = 1; attempt <= UNDO_ATTEMPTS; attempt++) {
        try {
          await withDeadline(behaviour.undo(), Math.max(1_000, deadline - performance.now()), `heal of ${record.id}`);
          errors.length = 0;
          break;
        } catch (e) {
          errors.push(e);
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
      try {
        if (errors.length > 0) {
          throw new AggregateError(errors, `could not undo ${summary}`);
        }
        Object.assign(healEvidence, await behaviour.verify(deadline));
        const health = await waitForHealthy(ctx.cluster, ctx.etcd, Math.max(5_000, deadline - performance.now()), {
          onProblemsChanged: (problems) => ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: 'heal', text: healProgress(record.id, problems) }),
        });
        if (!health.healthy) {
          throw new Error(`cluster not back at baseline after healing ${summary}: ${health.problems.join('; ')}`);
        }
        ctx.history.record({ kind: 'fault-healed', atMs: ctx.clock.nowMs(), issuedAtMs, faultId: record.id, summary, targets: record.targets });
        ctx.journal.remove(record.id);
      } catch (e) {
        const message = (e as Error).message;
        ctx.history.record({ kind: 'fault-healed', atMs: ctx.clock.nowMs(), issuedAtMs, faultId: record.id, summary, targets: record.targets, error: message });
        markDirty(ctx.cluster.info.name, `${record.id} (${summary}): ${message}`);
        throw e;
      }
    })();
    return healing;
  };
  return { record, healEvidence, heal, [Symbol.asyncDispose]: heal };
}

/**
 * The timeline note for a change in what a heal is waiting for. Heals on a reused cluster are governed
 * by the kubelet (crash-loop back-off, static pods re-created up to minutes after a manifest returns),
 * so the report must say what each long heal waited on rather than show an unexplained gap.
 */
export function healProgress(faultId: string, problems: readonly string[]): string {
  return problems.length === 0 ? `${faultId}: cluster healthy, settling` : `${faultId}: waiting for ${problems.join('; ')}`;
}

/** Poll `condition` every `intervalMs` until true or `deadlineMs` (performance.now() based) passes. */
export async function waitUntil(condition: () => Promise<boolean>, deadlineMs: number, what: string, intervalMs = 100): Promise<void> {
  for (;;) {
    if (await condition()) {
      return;
    }
    if (performance.now() > deadlineMs) {
      throw new Error(`timed out waiting until ${what}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
