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

export interface WatcherProcess {
  readonly pid: number;
  /** Send one line on the watcher's stdin (ignored when it has already gone). */
  tell(line: string): void;
}

/**
 * Start a process that watches this one: in its own session (a terminal's Ctrl-C reaches the
 * foreground process group, not it), sharing this process's stdout and stderr (what it says still
 * reaches the terminal after this process has exited), and reading a pipe from us whose end-of-file
 * tells it that we are gone, however we went (the kernel closes the pipe even after SIGKILL).
 * Neither the child nor the pipe keeps this process alive.
 */
export function startWatcher(argv: readonly string[], opts: { env?: Readonly<Record<string, string>> } = {}): WatcherProcess {
  const [program, ...args] = argv;
  if (program === undefined) {
    throw new Error('startWatcher: empty argv');
  }
  const child = spawn(program, args, { detached: true, stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, ...opts.env } });
  if (child.pid === undefined || child.stdin === null) {
    throw new Error(`could not start ${argv.join(' ')}`);
  }
  const stdin = child.stdin;
  stdin.on('error', () => {
    /* the watcher exited first: nothing to tell */
  });
  child.unref();
  (stdin as unknown as { unref?: () => void }).unref?.();
  return {
    pid: child.pid,
    tell(line) {
      if (!stdin.destroyed) {
        stdin.write(`${line}\n`);
      }
    },
  };
}
