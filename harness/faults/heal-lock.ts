/**
 * One healer at a time per cluster. A heal replays and sweeps (unpause every container, move every
 * held manifest back): two of them at once, or a heal racing a new fault, would undo each other's
 * work. The lock is a file created exclusively, naming its holder by PID and start time, so a lock
 * left by a process that died is recognised as stale and taken over.
 */
import { join } from 'node:path';
import { config } from '../config.js';
import { otherLockHolder, releasePidLock, tryAcquirePidLock, type PidLockHolder } from '../runtime/pid-lock.js';

export type HealLockHolder = PidLockHolder;

export function healLockPath(cluster: string): string {
  return join(config.cacheDir, 'clusters', cluster, 'healing.lock');
}

/** The live process healing this cluster right now, other than this one (stale locks are ignored). */
export function otherHealer(cluster: string): HealLockHolder | undefined {
  return otherLockHolder(healLockPath(cluster));
}

/** Take the lock if nobody alive holds it; false when another live process does. */
export function tryAcquireHealLock(cluster: string, purpose: string): boolean {
  return tryAcquirePidLock(healLockPath(cluster), purpose);
}

export function releaseHealLock(cluster: string): void {
  releasePidLock(healLockPath(cluster));
}

/**
 * Wait until no other live process heals the cluster, then hold the lock for `work`. `onWait` is told
 * once who is healing, so a user who restarted a run right after Ctrl-C sees why it waits.
 */
export async function withHealLock<T>(
  cluster: string,
  purpose: string,
  work: () => Promise<T>,
  opts: { timeoutMs: number; onWait?: (holder: HealLockHolder) => void },
): Promise<T> {
  const deadline = performance.now() + opts.timeoutMs;
  let told = false;
  while (!tryAcquireHealLock(cluster, purpose)) {
    const h = otherHealer(cluster);
    if (h !== undefined && !told) {
      opts.onWait?.(h);
      told = true;
    }
    if (performance.now() > deadline) {
      throw new Error(`another process (pid ${h?.pid ?? '?'}, ${h?.purpose ?? 'unknown'}) has been healing cluster ${cluster} for over ${Math.round(opts.timeoutMs / 1000)} s: wait for it, or stop it and run \`npm run heal\``);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    return await work();
  } finally {
    releaseHealLock(cluster);
  }
}
