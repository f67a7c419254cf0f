/** Where things live: the repo root, and the cache that makes warm rebuilds fast. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from '../harness/config.js';

export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** Cache for build products (binaries, rootfs tarballs, image tarballs); safe to delete. */
export function cacheDir(): string {
  return config.cacheDir;
}

export function cachePath(...parts: string[]): string {
  return join(cacheDir(), ...parts);
}
