/**
 * Wall time of one suite as a user runs it (results go in the README):
 *
 *   npx tsx scripts/bench-suite-time.ts [--suite etcd-quorum] [--topology ha-3cp] [--runs 1] [--fresh] [--profile default|ci]
 *
 * Each run is `vitest run suites/<suite>`, the command `npm test -- suites/<suite>` runs, timed from
 * start to exit. --fresh deletes the cluster first, so the first run includes creating it (images
 * must already be built: the cold build is bench-substrate's number). Whether a run created or reused
 * the cluster is read from what the run printed, not assumed. Results: reports/bench/suite-time-<stamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCommand } from '../harness/runtime/command.js';
import { flagValue, hasFlag } from './cli-args.js';

const root = join(import.meta.dirname, '..');
const suite = flagValue('suite', 'etcd-quorum');
const topology = flagValue('topology', 'ha-3cp');
const runs = Number(flagValue('runs', '1'));
const profile = flagValue('profile', 'default');
const bin = (name: string): string => join(root, 'node_modules/.bin', name);

interface SuiteRun {
  readonly run: number;
  readonly cluster: 'created' | 'reused' | 'unknown';
  readonly wallS: number;
  readonly passed: boolean;
  /** The verdict line of each suite report, e.g. "PASS etcd-quorum 2026...: 42 pass, 0 fail, 0 inconclusive". */
  readonly verdicts: readonly string[];
}

if (hasFlag('fresh')) {
  await runCommand([bin('tsx'), 'substrate/cli/cluster.ts', 'down'], { cwd: root, timeoutMs: 5 * 60_000, onOutput: (c) => process.stdout.write(c) });
}
const results: SuiteRun[] = [];
for (let run = 1; run <= runs; run += 1) {
  let out = '';
  const t0 = performance.now();
  const r = await runCommand([bin('vitest'), 'run', `suites/${suite}`], {
    cwd: root,
    // The child reads these through harness/config.ts like any user's shell would set them.
    env: { HA_TOPOLOGY: topology, ...(profile === 'ci' ? { HA_PROFILE: 'ci' } : {}) },
    timeoutMs: 90 * 60_000,
    okExitCodes: [0, 1],
    onOutput: (c) => {
      out += c;
      process.stdout.write(c);
    },
  });
  const wallS = Number(((performance.now() - t0) / 1_000).toFixed(1));
  const cluster = /reusing healthy cluster/.test(out) ? 'reused' : /creating ha-\dcp/.test(out) ? 'created' : 'unknown';
  const verdicts = [...out.matchAll(/^(?:PASS|FAIL|INCONCLUSIVE) \S+ \S+: .*$/gm)].map((m) => m[0]);
  results.push({ run, cluster, wallS, passed: r.exitCode === 0, verdicts });
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
mkdirSync(join(root, 'reports/bench'), { recursive: true });
const file = join(root, 'reports/bench', `suite-time-${stamp}.json`);
writeFileSync(file, `${JSON.stringify({ suite, topology, profile, results }, null, 2)}\n`);
console.log(`\n| run | cluster | wall time | passed |\n|---|---|---|---|`);
for (const r of results) {
  console.log(`| ${r.run} | ${r.cluster} | ${(r.wallS / 60).toFixed(1)} min (${r.wallS} s) | ${r.passed ? 'yes' : 'NO'} |`);
}
console.log(`results: ${file}`);
