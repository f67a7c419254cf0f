/**
 * Facts about the host this runs on, read from /proc and the filesystem (no commands).
 */
import { readFileSync, statfsSync, existsSync } from 'node:fs';

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
