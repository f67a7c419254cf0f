/**
 * A cluster whose heal could not be verified is marked dirty; `cluster up` (and so the next suite
 * run's setup) recreates a dirty cluster instead of reusing it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../config.js';

function dirtyFile(cluster: string): string {
  return join(config.cacheDir, 'clusters', cluster, 'dirty');
}

export function markDirty(cluster: string, reason: string): void {
  mkdirSync(join(config.cacheDir, 'clusters', cluster), { recursive: true, mode: 0o700 });
  writeFileSync(dirtyFile(cluster), `${new Date().toISOString()} ${reason}\n`, { flag: 'a', mode: 0o600 });
}

export function dirtyReason(cluster: string): string | undefined {
  const f = dirtyFile(cluster);
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
}

export function clearDirty(cluster: string): void {
  rmSync(dirtyFile(cluster), { force: true });
}
