/**
 * Start a long-running program (dockerd) that must outlive this Node process: detached, in its own
 * session, output appended to a log file. Everything else goes through runCommand.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface DetachedProcess {
  readonly pid: number;
  readonly logPath: string;
}

export function startDetached(argv: readonly string[], logPath: string): DetachedProcess {
  const [program, ...args] = argv;
  if (program === undefined) {
    throw new Error('startDetached: empty argv');
  }
  const fd = openSync(logPath, 'a', 0o600);
  try {
    const child = spawn(program, args, { detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) {
      throw new Error(`could not start ${program}: see ${logPath}`);
    }
    child.unref();
    return { pid: child.pid, logPath };
  } finally {
    closeSync(fd);
  }
}
