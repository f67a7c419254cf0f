/**
 * What every probe shares: the context it records into, its lifecycle, and how error texts are
 * made safe for the history.
 *
 * Probes record; they never judge (DESIGN.md, rule 2). A probe's only output is entries appended to
 * the run's History, stamped with the run's one MonotonicClock.
 */
import type { MonotonicClock } from './clock.js';
import type { History } from './history.js';
import type { PaceLog } from './periodic.js';

/** Where probes record, and the clock they stamp with. */
export interface ProbeContext {
  readonly history: History;
  readonly clock: MonotonicClock;
  /** Where the probes' fixed-rate workers report running late (the scenario's steadiness gate). */
  readonly pace?: PaceLog;
}

/**
 * A running measurement. `start()` returns at once (the work runs in the background);
 * `stop()` ends it and resolves when every in-flight request has completed and been recorded.
 * Both are idempotent.
 */
export interface Probe {
  /** Stable name, e.g. 'etcd-write'; what the history's `probe` field carries. */
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

const MAX_ERROR_CHARS = 200;
// Key material must never reach a history, whatever a library put into its message.
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
const PEM_BASE64 = /LS0tLS1CRUdJT[A-Za-z0-9+/=]*/g;
const BEARER = /\bBearer\s+\S+/gi;

/** A short, single-line, secret-free error text for the history. */
export function errorText(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const clean = raw.replace(PEM, '[redacted]').replace(PEM_BASE64, '[redacted]').replace(BEARER, 'Bearer [redacted]').replace(/\s+/g, ' ').trim();
  return clean.length > MAX_ERROR_CHARS ? `${clean.slice(0, MAX_ERROR_CHARS - 1)}…` : clean;
}

/**
 * The outcome and history text of a failed request. Runtime clients throw errors that carry their
 * classified `outcome` (EtcdCallError, KubeApiError); anything else is a bug or a surprise, and a
 * surprise is `unknown`: it may have taken effect.
 */
export function failureOf(err: unknown): { readonly outcome: 'fail' | 'unknown'; readonly error: string } {
  const outcome = (err as { outcome?: unknown } | null)?.outcome;
  return { outcome: outcome === 'fail' ? 'fail' : 'unknown', error: errorText(err) };
}
