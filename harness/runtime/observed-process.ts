/**
 * A child process the caller watches line by line and signals the way a terminal or a supervisor
 * would: to the child alone, or to its whole process group (a terminal's Ctrl-C reaches every
 * process of the foreground group). For drills that interrupt a run on purpose; everything that
 * just runs a command goes through runCommand.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ObservedProcess {
  readonly pid: number;
  /** Resolves with the exit code (128 + n for a signal n), when stdout and stderr are closed too. */
  readonly exited: Promise<number>;
  /** Resolves with the first output line that matches, or rejects after timeoutMs. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<{ line: string; atMs: number }>;
  /** Lines so far, each with the performance.now() it arrived at. */
  readonly lines: readonly { readonly line: string; readonly atMs: number }[];
  signal(sig: NodeJS.Signals, opts: { group: boolean }): void;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGHUP: 1 };

export function startObserved(argv: readonly string[], opts: { env?: Readonly<Record<string, string>>; logPath: string; cwd?: string }): ObservedProcess {
  const [program, ...args] = argv;
  if (program === undefined) {
    throw new Error('startObserved: empty argv');
  }
  // detached: its own process group, so a group signal hits it and its workers but not us.
  const child = spawn(program, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env }, cwd: opts.cwd });
  if (child.pid === undefined) {
    throw new Error(`could not start ${argv.join(' ')}`);
  }
  const pid = child.pid;
  const lines: { line: string; atMs: number }[] = [];
  const waiters: { pattern: RegExp; resolve: (v: { line: string; atMs: number }) => void }[] = [];
  const onLine = (line: string): void => {
    const entry = { line, atMs: performance.now() };
    lines.push(entry);
    appendFileSync(opts.logPath, `${line}\n`, { mode: 0o600 });
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(entry);
      }
    }
  };
  const streams = [child.stdout, child.stderr].map((s) => new Promise<void>((res) => {
    const rl = createInterface({ input: s });
    rl.on('line', onLine);
    rl.on('close', res);
  }));
  const exit = new Promise<number>((res) => {
    child.on('exit', (code, sig) => res(code ?? 128 + (sig === null ? 0 : SIGNAL_NUMBERS[sig] ?? 0)));
  });
  return {
    pid,
    lines,
    // The output pipes may stay open after the exit while a process that inherited them lives on
    // (the heal supervisor does): the exit code is what says the run ended.
    exited: exit.then(async (code) => {
      await Promise.race([Promise.all(streams), new Promise((r) => setTimeout(r, 200))]);
      return code;
    }),
    waitForLine(pattern, timeoutMs) {
      const seen = lines.find((l) => pattern.test(l.line));
      if (seen !== undefined) {
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        const w = { pattern, resolve: (v: { line: string; atMs: number }) => { clearTimeout(timer); resolve(v); } };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no output line matching ${pattern} within ${timeoutMs} ms (see ${opts.logPath})`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    signal(sig, o) {
      process.kill(o.group ? -pid : pid, sig);
    },
  };
}
