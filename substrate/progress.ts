/**
 * Progress lines for long steps (image builds, cluster creation). Plain lines, no spinners: they
 * read the same in a terminal and in a CI log.
 */
import { performance } from 'node:perf_hooks';

export interface Progress {
  step(message: string): void;
  detail(message: string): void;
  /** Time a step and print its duration when it ends. */
  timed<T>(message: string, work: () => Promise<T>): Promise<T>;
}

export function consoleProgress(prefix = 'kube-ha-chaos'): Progress {
  const start = performance.now();
  const stamp = (): string => `${((performance.now() - start) / 1000).toFixed(1).padStart(6)}s`;
  return {
    step: (m) => console.log(`[${prefix} ${stamp()}] ${m}`),
    detail: (m) => console.log(`[${prefix} ${stamp()}]   ${m}`),
    async timed(m, work) {
      const t0 = performance.now();
      console.log(`[${prefix} ${stamp()}] ${m} ...`);
      // A heartbeat, so a 10-minute build step does not look like a hang.
      const heartbeat = setInterval(() => {
        console.log(`[${prefix} ${stamp()}]   ... ${m}: ${Math.round((performance.now() - t0) / 1000)} s so far`);
      }, 60_000);
      let out: Awaited<ReturnType<typeof work>>;
      try {
        out = await work();
      } finally {
        clearInterval(heartbeat);
      }
      console.log(`[${prefix} ${stamp()}] ${m}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return out;
    },
  };
}

/** An error meant for the person at the terminal: one line that names the fix. */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}
