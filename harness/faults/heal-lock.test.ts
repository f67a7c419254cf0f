import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentProcessHolder } from '../runtime/processes.js';
import { useTempDirs } from '../testing/temp-dirs.js';
import { healLockPath, otherHealer, releaseHealLock, tryAcquireHealLock, withHealLock } from './heal-lock.js';
import { FaultJournal } from './journal.js';

const cluster = `unit-heal-lock-${process.pid}`;
const tempDir = useTempDirs();

afterEach(() => {
  rmSync(dirname(healLockPath(cluster)), { recursive: true, force: true });
});

/** The identity of a process that has already exited. */
function exitedProcess(): { pid: number; startTicks: number } {
  const r = spawnSync('sh', ['-c', 'echo $$ $(cut -d" " -f22 /proc/$$/stat)'], { encoding: 'utf8' });
  const [pid, ticks] = r.stdout.trim().split(' ').map(Number);
  return { pid: pid ?? 0, startTicks: ticks ?? 0 };
}

function writeLock(holder: { pid: number; startTicks: number }): void {
  mkdirSync(dirname(healLockPath(cluster)), { recursive: true });
  writeFileSync(healLockPath(cluster), JSON.stringify({ ...holder, purpose: 'heal supervisor of run r1', since: '2026-12-07T06:00:00Z' }));
}

describe('heal lock', () => {
  it('is taken, re-entered by its holder, and released', () => {
    expect(tryAcquireHealLock(cluster, 'test')).toBe(true);
    expect(tryAcquireHealLock(cluster, 'test')).toBe(true);
    expect(otherHealer(cluster)).toBeUndefined();
    releaseHealLock(cluster);
    expect(tryAcquireHealLock(cluster, 'test')).toBe(true);
    releaseHealLock(cluster);
  });
  it('takes over a lock whose holder has died', () => {
    writeLock(exitedProcess());
    expect(otherHealer(cluster)).toBeUndefined();
    expect(tryAcquireHealLock(cluster, 'test')).toBe(true);
    releaseHealLock(cluster);
  });
  it('is refused while another live process holds it, and a fault cannot be journaled meanwhile', async () => {
    // PID 1 is alive for as long as the machine is: a stand-in for a live supervisor.
    const init = { pid: 1, startTicks: Number(spawnSync('cut', ['-d', ' ', '-f22', '/proc/1/stat'], { encoding: 'utf8' }).stdout.trim()) };
    writeLock(init);
    expect(otherHealer(cluster)?.pid).toBe(1);
    expect(tryAcquireHealLock(cluster, 'test')).toBe(false);
    const journal = new FaultJournal(join(tempDir('journal-'), 'active.jsonl'), cluster);
    expect(() => journal.add({ faultId: 'f1', runId: 'r1', cluster, spec: { kind: 'pause-container', target: { kind: 'load-balancer' } }, targets: ['lb'], heal: [], at: '2026-12-07T06:00:00Z' })).toThrow(/pid 1 is healing cluster/);
    await expect(withHealLock(cluster, 'test', async () => 1, { timeoutMs: 300 })).rejects.toThrow(/has been healing cluster/);
  });
  it('stamps the journaling process as the holder of a fault', () => {
    const journal = new FaultJournal(join(tempDir('journal-'), 'active.jsonl'), cluster);
    journal.add({ faultId: 'f1', runId: 'r1', cluster, spec: { kind: 'pause-container', target: { kind: 'load-balancer' } }, targets: ['lb'], heal: [], at: '2026-12-07T06:00:00Z' });
    expect(journal.active()[0]?.holder).toEqual(currentProcessHolder());
  });
});
