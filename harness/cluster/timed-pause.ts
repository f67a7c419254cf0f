/**
 * A pause the node times itself. SIGSTOP and SIGCONT sent by two separate execs from the host are
 * each ~100-200 ms late on a loaded 2-core machine, so a "0.5 x election timeout" pause could come
 * out at 0.9 x and test nothing. One shell in the node stops the process, confirms it is stopped
 * (state T), sleeps, resumes it and prints what it did, timed with the node's own clock.
 */
import type { ClusterNode } from '../nodes/node-access.js';
import { commName } from './node-processes.js';

/** What the node reported. */
export interface TimedPauseResult {
  readonly pid: number;
  /** SIGSTOP until state T was seen. */
  readonly stoppedAfterMs: number;
  /** SIGSTOP until SIGCONT returned. */
  readonly pausedMs: number;
}

// $1 = program (comm), $2 = sleep in seconds. Exit 3: not exactly one process; 4: never seen stopped.
export const TIMED_PAUSE_SCRIPT = [
  'p=$(pgrep -x "$1"); if [ -z "$p" ] || [ "$(echo $p | wc -w)" -ne 1 ]; then echo "pids=$p"; exit 3; fi',
  'st() { sed "s/.*) //" /proc/$p/stat 2>/dev/null | cut -c1; }',
  't0=$(date +%s%N); kill -STOP "$p"',
  'i=0; while [ "$(st)" != T ] && [ $i -lt 400 ]; do i=$((i+1)); sleep 0.005; done; t1=$(date +%s%N); s=$(st)',
  'sleep "$2"; kill -CONT "$p"; t2=$(date +%s%N)',
  'echo "pid=$p state=$s t0=$t0 t1=$t1 t2=$t2"; [ "$s" = T ] || exit 4',
].join('\n');

/** Pure: parses the script's last line. */
export function parseTimedPause(out: string): TimedPauseResult {
  const m = /pid=(\d+) state=(\S*) t0=(\d+) t1=(\d+) t2=(\d+)/.exec(out);
  if (m === null) {
    throw new Error(`timed pause: unexpected output ${JSON.stringify(out.trim())}`);
  }
  if (m[2] !== 'T') {
    throw new Error(`timed pause: pid ${m[1]} was never seen stopped (state ${m[2] || '?'})`);
  }
  const ns = (i: number): bigint => BigInt(m[i] ?? '0');
  return { pid: Number(m[1]), stoppedAfterMs: Number(ns(4) - ns(3)) / 1e6, pausedMs: Number(ns(5) - ns(3)) / 1e6 };
}

/** Stops `program` on `node` for about `ms`, then resumes it; returns what the node measured. */
export async function pauseBriefly(node: ClusterNode, program: string, ms: number): Promise<TimedPauseResult> {
  const r = await node.run(['sh', '-c', TIMED_PAUSE_SCRIPT, 'pause', commName(program), (ms / 1_000).toFixed(3)], { timeoutMs: ms + 15_000, okExitCodes: [0, 3, 4] });
  if (r.exitCode === 3) {
    throw new Error(`refusing to pause: ${node.name} does not run exactly one ${program} (${r.stdout.trim()})`);
  }
  return parseTimedPause(r.stdout);
}
