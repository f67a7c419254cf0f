/**
 * One user of the cluster at a time: a suite run, `cluster up` or `cluster down`. Without it a second
 * `npm test` with another HA_TOPOLOGY recreated the cluster under a run still checking its baseline
 * (seen on 2026-12-07). The lock is the vitest main process's (or the CLI's); it is re-entrant, so
 * the run's own `cluster up` passes, and stale once its holder dies, so Ctrl-C never wedges it.
 */
import { otherLockHolder, releasePidLock, tryAcquirePidLock } from '../../harness/runtime/pid-lock.js';
import { UserFacingError } from '../progress.js';
import { cachePath } from '../paths.js';

/** Beside the cluster's folder, not in it: `cluster down` (smoke's down/up too) removes that folder. */
export function runLockPath(cluster: string): string {
  return cachePath('clusters', `${cluster}.in-use.lock`);
}

/** Hold the cluster for `purpose`, or refuse with a one-line error naming who holds it and the fix. */
export function acquireRunLock(cluster: string, purpose: string): void {
  if (tryAcquirePidLock(runLockPath(cluster), purpose)) {
    return;
  }
  const h = otherLockHolder(runLockPath(cluster));
  throw new UserFacingError(
    `cluster ${cluster} is in use by pid ${h?.pid ?? '?'} (${h?.purpose ?? 'unknown'}, since ${h?.since ?? '?'}): wait for it to finish, or stop it (Ctrl-C heals its faults) and run again`,
  );
}

export function releaseRunLock(cluster: string): void {
  releasePidLock(runLockPath(cluster));
}
