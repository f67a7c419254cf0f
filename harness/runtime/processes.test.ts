import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { currentProcessHolder, isSameProcessAlive, processIdentity, startTicksFromStat } from './processes.js';

describe('startTicksFromStat', () => {
  it('reads field 22 of a real /proc/<pid>/stat line', () => {
    // /proc/3303/stat of this machine's dockerd (2026-12-07), fields 1-24.
    const stat = '3303 (dockerd) S 1 3303 3303 0 -1 4194560 11877 0 4 0 61 29 0 0 20 0 13 0 1093287 1385368000 18861';
    expect(startTicksFromStat(stat)).toBe(1_093_287);
  });
  it('counts from the last parenthesis: a command name may hold spaces and ")"', () => {
    const stat = '77 (vitest 1 (fork) x) R 70 70 70 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 424242 1000 10';
    expect(startTicksFromStat(stat)).toBe(424_242);
  });
  it('gives undefined for a truncated line', () => {
    expect(startTicksFromStat('77 (node) R 70')).toBeUndefined();
  });
});

describe('process identity', () => {
  it('knows this process is alive, and not a process with the same PID but another start time', () => {
    const me = currentProcessHolder();
    expect(me.pid).toBe(process.pid);
    expect(isSameProcessAlive(me)).toBe(true);
    expect(isSameProcessAlive({ pid: me.pid, startTicks: me.startTicks + 1 })).toBe(false);
  });
  it('knows a process that has exited is gone', () => {
    const child = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
    const pid = Number(child.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(processIdentity(pid)).toBeUndefined();
  });
});
