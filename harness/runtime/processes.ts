/**
 * Which local processes are alive, by PID and start time, read from /proc (no commands). A PID alone
 * is not an identity: Linux reuses PIDs, so a supervisor that only checked `kill(pid, 0)` could take
 * an unrelated new process for the test process that held a fault, and never heal it.
 */
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat: start time in clock ticks after boot. */
  readonly startTicks: number;
}

/**
 * Field 22 of a /proc/<pid>/stat line. The command name (field 2) is in parentheses and may itself
 * contain spaces and parentheses, so fields are counted from the LAST ')'.
 */
export function startTicksFromStat(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) {
    return undefined;
  }
  // After ')' come field 3 (state) onwards; field 22 is the 20th of them.
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const v = Number(fields[19]);
  return Number.isFinite(v) ? v : undefined;
}

export function processIdentity(pid: number): ProcessIdentity | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // A zombie has exited: it holds nothing any more, it only waits to be reaped.
  const state = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/)[0];
  if (state === 'Z' || state === 'X') {
    return undefined;
  }
  const startTicks = startTicksFromStat(stat);
  return startTicks === undefined ? undefined : { pid, startTicks };
}

export function currentProcessHolder(): ProcessIdentity {
  const me = processIdentity(process.pid);
  if (me === undefined) {
    throw new Error(`cannot read /proc/${process.pid}/stat: fault holders need /proc (Linux)`);
  }
  return me;
}

/** True while the very process `id` names (same PID, same start time) is still running. */
export function isSameProcessAlive(id: ProcessIdentity): boolean {
  const now = processIdentity(id.pid);
  return now !== undefined && now.startTicks === id.startTicks;
}
