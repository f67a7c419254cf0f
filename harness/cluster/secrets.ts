/**
 * Temporary copies of cluster secrets (etcd client certificates) for host-side clients: a private
 * 0700 directory, 0600 files, removed on dispose. Their contents never go into logs or reports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SecretDir extends Disposable {
  readonly dir: string;
  path(name: string): string;
  write(name: string, content: string): string;
  remove(): void;
}

export function createSecretDir(prefix: string): SecretDir {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`)); // mkdtemp creates it 0700
  let removed = false;
  const remove = (): void => {
    if (!removed) {
      rmSync(dir, { recursive: true, force: true });
      removed = true;
    }
  };
  return {
    dir,
    path: (name) => join(dir, name),
    write(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content, { mode: 0o600 });
      return p;
    },
    remove,
    [Symbol.dispose]: remove,
  };
}
