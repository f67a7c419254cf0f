/**
 * Temporary copies of cluster secrets (etcd client certificates) for host-side clients: a private
 * 0700 directory, 0600 files, removed on dispose. Their contents never go into logs or reports.
 *
 * Dispose does not run when the process ends some other way: Ctrl-C's heal-then-exit, vitest
 * ending a worker, an uncaught error. So every live directory is also removed on process exit, and
 * the directory name carries the creating PID, so a directory left by a process that was SIGKILLed
 * (where nothing can run) is removed by the next one that creates a secret directory.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SecretDir extends Disposable {
  readonly dir: string;
  path(name: string): string;
  write(name: string, content: string): string;
  remove(): void;
}

const live = new Set<string>();
let exitHookInstalled = false;

function removeLiveOnExit(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers must be synchronous; rmSync is.
    process.on('exit', () => {
      for (const dir of live) {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but is not ours; only ESRCH means gone.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Removes `<prefix>-<pid>-*` directories in the temp dir whose creating process no longer runs. */
export function sweepStaleSecretDirs(prefix: string, root = tmpdir()): string[] {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)-[A-Za-z0-9]{6}$`);
  const removed: string[] = [];
  for (const name of readdirSync(root)) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) {
      rmSync(join(root, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

export function createSecretDir(prefix: string): SecretDir {
  sweepStaleSecretDirs(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-${process.pid}-`)); // mkdtemp creates it 0700
  live.add(dir);
  removeLiveOnExit();
  let removed = false;
  const remove = (): void => {
    if (!removed) {
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
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
