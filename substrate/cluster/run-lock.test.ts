import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireRunLock, releaseRunLock, runLockPath } from './run-lock.js';

const cluster = `unit-run-lock-${process.pid}`;

afterEach(() => {
  rmSync(runLockPath(cluster), { force: true });
});

function holdAs(holder: { pid: number; startTicks: number }): void {
  mkdirSync(dirname(runLockPath(cluster)), { recursive: true });
  writeFileSync(runLockPath(cluster), JSON.stringify({ ...holder, purpose: 'npm test (HA_TOPOLOGY=ha-3cp-tuned-leases)', since: '2026-12-07T09:19:03Z' }));
}

describe('run lock (one user of the cluster at a time)', () => {
  it('is re-entrant for its holder and free again once released', () => {
    acquireRunLock(cluster, 'npm test');
    acquireRunLock(cluster, 'cluster up (inside the run)');
    releaseRunLock(cluster);
    acquireRunLock(cluster, 'cluster down');
    releaseRunLock(cluster);
  });
  it('refuses while another live process holds it, naming it and the fix', () => {
    // PID 1 lives as long as the machine: a stand-in for a run still going.
    const ticks = Number(spawnSync('cut', ['-d', ' ', '-f22', '/proc/1/stat'], { encoding: 'utf8' }).stdout.trim());
    holdAs({ pid: 1, startTicks: ticks });
    expect(() => acquireRunLock(cluster, 'npm test')).toThrow(/in use by pid 1 \(npm test \(HA_TOPOLOGY=ha-3cp-tuned-leases\), since 2026-12-07T09:19:03Z\): wait for it to finish/);
    releaseRunLock(cluster); // not ours: left alone
    expect(() => acquireRunLock(cluster, 'npm test')).toThrow(/in use by pid 1/);
  });
  it('takes over the lock of a run that died (Ctrl-C, SIGKILL)', () => {
    const r = spawnSync('sh', ['-c', 'echo $$ $(cut -d" " -f22 /proc/$$/stat)'], { encoding: 'utf8' });
    const [pid, ticks] = r.stdout.trim().split(' ').map(Number);
    holdAs({ pid: pid ?? 0, startTicks: ticks ?? 0 });
    acquireRunLock(cluster, 'npm test');
    releaseRunLock(cluster);
  });
});
