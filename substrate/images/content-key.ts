/**
 * Content keys: a stage is rebuilt only when the hash of its inputs changes. Inputs are files
 * (hashed by path and bytes), strings and the keys of earlier stages.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export type KeyInput = { readonly file: string; readonly root: string } | { readonly dir: string; readonly root: string } | string;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      out.push(...filesUnder(p));
    } else {
      out.push(p);
    }
  }
  return out;
}

/** A short, stable hex key (16 chars is plenty to tell builds apart). */
export function contentKey(inputs: readonly KeyInput[]): string {
  const h = createHash('sha256');
  for (const input of inputs) {
    if (typeof input === 'string') {
      h.update(`s:${input}\n`);
    } else if ('file' in input) {
      h.update(`f:${relative(input.root, input.file)}\n`).update(readFileSync(input.file));
    } else {
      for (const f of filesUnder(input.dir)) {
        h.update(`f:${relative(input.root, f)}:${statSync(f).mode & 0o111 ? 'x' : '-'}\n`).update(readFileSync(f));
      }
    }
  }
  return h.digest('hex').slice(0, 16);
}
