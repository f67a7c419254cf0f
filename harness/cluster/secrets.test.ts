import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs.js';
import { createSecretDir, sweepStaleSecretDirs } from './secrets.js';

const tempDir = useTempDirs();

describe('createSecretDir', () => {
  it('keeps secrets in a 0700 directory as 0600 files and removes them on dispose', () => {
    let dir: string;
    {
      using secrets = createSecretDir('kube-ha-chaos-test');
      dir = secrets.dir;
      const file = secrets.write('client.key', 'not a real key');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(dir).toContain(`kube-ha-chaos-test-${process.pid}-`);
    }
    expect(existsSync(dir)).toBe(false);
  });
});

describe('sweepStaleSecretDirs', () => {
  it('removes directories whose creating process is gone and keeps those of running processes', () => {
    const root = tempDir('sweep-');
    // A PID that certainly ended: a child that already exited (PIDs are not reused this fast).
    const deadPid = spawnSync('true').pid as number;
    const stale = `kube-ha-chaos-etcd-${deadPid}-AbC123`;
    const running = `kube-ha-chaos-etcd-${process.ppid}-XyZ789`;
    const unrelated = 'kube-ha-chaos-etcd-notapid';
    for (const name of [stale, running, unrelated]) {
      mkdirSync(join(root, name));
    }
    expect(sweepStaleSecretDirs('kube-ha-chaos-etcd', root)).toEqual([stale]);
    expect(existsSync(join(root, stale))).toBe(false);
    expect(existsSync(join(root, running))).toBe(true);
    expect(existsSync(join(root, unrelated))).toBe(true);
  });
});
