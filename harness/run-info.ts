/**
 * One test run's identity, made in the global setup and handed to every suite file (they run in
 * separate worker processes): the run id, the shared clock origin, the seed, where reports go.
 */
import { join } from 'node:path';
import { config } from './config.js';
import { chooseSeed } from './random.js';

export interface RunInfo {
  readonly runId: string;
  /** process.hrtime.bigint() at the run start, as a decimal string (see sharedRunClock). */
  readonly clockOriginNs: string;
  readonly startedAtIso: string;
  readonly seed: number;
  readonly reportsDir: string;
  readonly profile: 'default' | 'ci';
}

export function newRunInfo(repoRoot: string): RunInfo {
  const now = new Date();
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return {
    runId: `${stamp}-${Math.random().toString(16).slice(2, 6)}`,
    clockOriginNs: process.hrtime.bigint().toString(),
    startedAtIso: now.toISOString(),
    seed: chooseSeed(config.seed),
    reportsDir: join(repoRoot, 'reports'),
    profile: config.profile === 'ci' ? 'ci' : 'default',
  };
}
