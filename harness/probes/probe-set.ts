/**
 * Starts and stops a set of probes together, so a scenario handles one object. Stopping waits for
 * every probe, even when one fails to stop, and reports all failures at once.
 */
import type { Probe } from './probe.js';

/** A group of probes with one lifecycle. */
export class ProbeSet implements AsyncDisposable {
  readonly #probes: readonly Probe[];
  #stopping: Promise<void> | undefined;

  constructor(probes: readonly Probe[]) {
    const names = probes.map((p) => p.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      // Two probes recording under one name would merge their lanes and their checks.
      throw new Error(`two probes are named ${dup}`);
    }
    this.#probes = probes;
  }

  /** The probes, in start order. */
  get probes(): readonly Probe[] {
    return this.#probes;
  }

  /** Starts every probe (each returns at once; the work runs in the background). */
  start(): void {
    for (const p of this.#probes) {
      p.start();
    }
  }

  /** Stops every probe concurrently; idempotent. Throws an AggregateError naming each probe that failed to stop. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const results = await Promise.allSettled(this.#probes.map((p) => p.stop()));
      const errors = results.flatMap((r, i) =>
        r.status === 'rejected' ? [new Error(`probe ${this.#probes[i]?.name ?? i} did not stop cleanly`, { cause: r.reason })] : [],
      );
      if (errors.length > 0) {
        throw new AggregateError(errors, `${errors.length} probe(s) did not stop cleanly`);
      }
    })();
    return this.#stopping;
  }

  /** `await using probes = new ProbeSet([...])` stops them at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
