/**
 * A lock file created exclusively, naming its holder by PID and start time (processes.ts), so a lock
 * left by a process that died is recognised as stale and taken over, and a reused PID is not
 * mistaken for the holder. Re-entrant for its holder. Used for one healer per cluster (heal-lock.ts)
 * and one run per cluster (substrate/cluster/run-lock.ts).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { currentProcessHolder, isSameProcessAlive, type ProcessIdentity } from './processes.js';

export interface PidLockHolder extends ProcessIdentity {
  readonly purpose: string;
  readonly since: string;
}

function readHolder(path: string): PidLockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PidLockHolder;
  } catch {
    return undefined;
  }
}

/** The live process holding the lock, other than this one (stale locks are ignored). */
export function otherLockHolder(path: string): PidLockHolder | undefined {
  const h = readHolder(path);
  if (h === undefined || !isSameProcessAlive(h)) {
    return undefined;
  }
  return h.pid === process.pid ? undefined : h;
}

/** Take the lock if nobody alive holds it; false when another live process does. */
export function tryAcquirePidLock(path: string, purpose: string): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const me: PidLockHolder = { ...currentProcessHolder(), purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw e;
      }
      const h = readHolder(path);
      if (h !== undefined && isSameProcessAlive(h)) {
        return h.pid === process.pid;
      }
      // Stale: its holder died (or the file is torn). Remove it and try once more.
      rmSync(path, { force: true });
    }
  }
  return false;
}

/** Release the lock if this process holds it (anyone else's is left alone). */
export function releasePidLock(path: string): void {
  const h = readHolder(path);
  if (h !== undefined && h.pid === process.pid) {
    rmSync(path, { force: true });
  }
}
