/**
 * The one way this project runs an external program (docker, kind, kubectl, go, debootstrap, ...).
 *
 * Every call has a required timeout (kind's and zx's open-ended waits are the lesson), takes an argv
 * array (never a shell string), and a non-zero exit throws a CommandError that shows the quoted
 * command, the exit code, the duration and the tail of stderr.
 */
import { spawn } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface CommandOptions {
  /** Required: no command may run forever. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Exit codes that count as success; default [0]. */
  readonly okExitCodes?: readonly number[];
  /** Extra environment on top of the process environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly stdin?: string | Buffer;
  /** Called with each chunk of stdout/stderr as it arrives (progress for long steps). */
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Strings to mask in error messages and logs (tokens, keys). */
  readonly redact?: readonly string[];
  /** Keep at most this many bytes of each stream (long builds print a lot); default 8 MiB. */
  readonly maxBufferBytes?: number;
}

export interface CommandResult {
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
}

/** One event per finished command, so a run log can show exactly what the harness did. */
export interface CommandEvent {
  readonly kind: 'command';
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly durationMs: number;
}

const listeners = new Set<(e: CommandEvent) => void>();
/** Subscribe to finished-command events; returns the unsubscribe function. */
export function onCommand(listener: (e: CommandEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Quote argv the way a person would paste it into a shell. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function redactText(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const s of secrets ?? []) {
    if (s.length > 0) {
      out = out.split(s).join('<redacted>');
    }
  }
  return out;
}

function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}

export class CommandError extends Error {
  constructor(
    readonly result: CommandResult,
    redact?: readonly string[],
  ) {
    const what = result.timedOut
      ? `timed out after ${Math.round(result.durationMs)} ms`
      : `exited ${result.exitCode} after ${Math.round(result.durationMs)} ms`;
    const tail = lastLines(result.stderr || result.stdout, 12);
    super(redactText(`${quoteArgv(result.argv)} ${what}${tail ? `: ${tail}` : ''}`, redact));
    this.name = 'CommandError';
  }
}

/** Thrown when the program itself cannot be started (not installed). */
export class CommandNotFoundError extends Error {
  constructor(readonly program: string) {
    super(`${program}: command not found on PATH`);
    this.name = 'CommandNotFoundError';
  }
}

/** Run argv to completion; resolves with the result or throws CommandError. */
export function runCommand(argv: readonly string[], opts: CommandOptions): Promise<CommandResult> {
  const [program, ...args] = argv;
  if (program === undefined) {
    return Promise.reject(new Error('runCommand: empty argv'));
  }
  const okCodes = opts.okExitCodes ?? [0];
  const maxBytes = opts.maxBufferBytes ?? 8 * 1024 * 1024;
  const started = performance.now();
  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: opts.cwd,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group, so a timeout kills the whole tree (go build spawns compilers).
      detached: true,
    });
    // The harness may run at a raised CPU priority (runtime/host.ts raiseMeasurementPriority); the
    // CLIs it starts are not the instrument, so they go back to the default and do not get ahead of
    // the cluster under test. (A child that already exited, or any other refusal, changes nothing.)
    if (child.pid !== undefined && getPriority() < 0) {
      try {
        setPriority(child.pid, 0);
      } catch {
        // gone already
      }
    }
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const append = (buf: string, chunk: string): string => {
      const next = buf + chunk;
      return next.length > maxBytes ? next.slice(next.length - maxBytes) : next;
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      stdout = append(stdout, c);
      opts.onOutput?.(c, 'stdout');
    });
    child.stderr.on('data', (c: string) => {
      stderr = append(stderr, c);
      opts.onOutput?.(c, 'stderr');
    });
    const killTree = (): void => {
      try {
        if (child.pid !== undefined) {
          process.kill(-child.pid, 'SIGKILL');
        }
      } catch {
        // The group is already gone: nothing left to kill.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, opts.timeoutMs);
    const onAbort = (): void => {
      timedOut = true;
      killTree();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (settled) {
        return;
      }
      settled = true;
      reject(err.code === 'ENOENT' ? new CommandNotFoundError(program) : err);
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (settled) {
        return;
      }
      settled = true;
      const result: CommandResult = {
        argv,
        exitCode: code ?? (sig ? 128 : -1),
        stdout,
        stderr,
        durationMs: performance.now() - started,
        timedOut,
      };
      for (const l of listeners) {
        l({ kind: 'command', argv, exitCode: result.exitCode, durationMs: result.durationMs });
      }
      if (timedOut || !okCodes.includes(result.exitCode)) {
        reject(new CommandError(result, opts.redact));
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => {
      // The program closed stdin early (it did not want input); its exit code tells the story.
    });
    if (opts.stdin !== undefined) {
      child.stdin.end(opts.stdin);
    } else {
      child.stdin.end();
    }
  });
}

/** Run and return true/false for exit 0 vs anything else, never throwing for a non-zero exit. */
export async function commandSucceeds(argv: readonly string[], opts: CommandOptions): Promise<boolean> {
  try {
    await runCommand(argv, opts);
    return true;
  } catch (e) {
    if (e instanceof CommandError || e instanceof CommandNotFoundError) {
      return false;
    }
    throw e;
  }
}
