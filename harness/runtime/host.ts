/**
 * Facts about the host this runs on, read from /proc and the filesystem (no commands).
 */
import { existsSync, readdirSync, readFileSync, statfsSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** CAP_SYS_RESOURCE is capability 24; this VM's bounding set lacks it (shared/FACTS.md). */
export const CAP_SYS_RESOURCE_BIT = 24n;

export function capabilityBoundingSet(): bigint {
  const status = readFileSync('/proc/self/status', 'utf8');
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status);
  if (!m?.[1]) {
    throw new Error('cannot read CapBnd from /proc/self/status');
  }
  return BigInt(`0x${m[1]}`);
}

export function hostLacksSysResource(): boolean {
  return (capabilityBoundingSet() & (1n << CAP_SYS_RESOURCE_BIT)) === 0n;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function isDebian(): boolean {
  return existsSync('/etc/debian_version');
}

export function freeBytes(path: string): number {
  const s = statfsSync(path);
  return Number(s.bavail) * Number(s.bsize);
}

export function cgroupVersion(): 1 | 2 {
  return existsSync('/sys/fs/cgroup/cgroup.controllers') ? 2 : 1;
}

export function readSysctl(name: string): number {
  return Number(readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim());
}

/**
 * Linux's USER_HZ: the unit of the CPU times in /proc/self/stat and /proc/stat. It is 100 on every
 * architecture Linux exposes to user space (sysconf(_SC_CLK_TCK)); Node has no sysconf to ask.
 */
const USER_HZ = 100;

/**
 * CPU milliseconds of this process's children that have exited and been reaped (cutime + cstime in
 * /proc/self/stat): the docker, kubectl and etcdctl CLIs the harness ran. process.cpuUsage() leaves
 * them out. Undefined where /proc is unreadable.
 */
export function reapedChildrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after "(comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? (ticks * 1_000) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU milliseconds of the whole host since boot (/proc/stat's cpu line; idle and iowait count as not busy). */
export function hostCpuMs(): { busyMs: number; totalMs: number; cores: number } | undefined {
  try {
    const text = readFileSync('/proc/stat', 'utf8');
    const values = (text.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is already in user
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const cores = text.split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
    return { busyMs: ((total - idle) * 1_000) / USER_HZ, totalMs: (total * 1_000) / USER_HZ, cores };
  } catch {
    return undefined;
  }
}

/** The niceness the measuring process runs at (see raiseMeasurementPriority). */
export const MEASUREMENT_NICENESS = -10;

/**
 * Runs this process (its calling thread, which on Linux is what niceness applies to, and the CLIs it
 * starts from it) ahead of the cluster under test. On a 2-core host five kind nodes saturate the CPU
 * during heals; at the default niceness the harness's own timers then fired up to ~250 ms late
 * (ha-5cp, event-loop delay p99 132 ms), so a deadline of 250 ms recorded its timeout half a deadline
 * late and a status poll lagged. The instrument must not be starved by what it measures: Jepsen
 * runs its control node on its own machine; here it gets CPU priority. It costs the cluster only
 * the harness's own ~15-20 % of one core, which it used anyway.
 *
 * Returns the niceness in effect, or the reason it could not be raised (not root, no CAP_SYS_NICE).
 */
export function raiseMeasurementPriority(): { niceness: number; threads: number } | { error: string } {
  try {
    // Niceness is per thread on Linux, and V8's garbage-collector helpers and libuv's pool were
    // started before this call at the default: left there, the main thread waited for starved GC
    // helpers (event-loop stalls of 1.9-2.4 s in the quorum-loss case on ha-5cp). So every thread,
    // the main one (tid = pid) included.
    let threads = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        setPriority(Number(tid), MEASUREMENT_NICENESS);
        threads += 1;
      } catch {
        // the thread ended meanwhile
      }
    }
    return { niceness: getPriority(), threads };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
