/**
 * Fresh temp directories for a test file, removed after each test, so unit tests leave nothing in
 * the machine's temp dir (a fresh CI machine runs them again and again).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** Call at the top level of a test file; returns a maker of temp dirs named `<prefix>XXXXXX`. */
export function useTempDirs(): (prefix: string) => string {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) {
      rmSync(d, { recursive: true, force: true });
    }
  });
  return (prefix) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
