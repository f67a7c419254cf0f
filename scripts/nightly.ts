/**
 * `npm run nightly`: the set the nightly workflow (.github/workflows/nightly.yml) runs, runnable
 * locally the same way. Each step runs to its end even when an earlier one failed (a night's report
 * should judge everything), and the exit code is non-zero when any step failed. A `finding` does
 * not fail a step: the suites pass with findings, and the reports list them.
 *
 *   npm run nightly [-- --only unit-and-suites,tuned-leases,...]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../harness/runtime/command.js';
import { flagValue } from './cli-args.js';

const root = join(import.meta.dirname, '..');
const vitest = [process.execPath, join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'];
const tsx = [process.execPath, '--import', 'tsx'];

interface Step {
  readonly name: string;
  readonly why: string;
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** A step whose topology file is not in this checkout is reported as not run, never as passed. */
  readonly needs?: string;
}

const STEPS: readonly Step[] = [
  { name: 'unit-and-suites', why: 'the unit tests and every suite on the default topology (what `npm test` runs)', argv: vitest },
  {
    name: 'tuned-leases',
    why: 'leader election and whole-node loss on a cluster whose controller-manager lease is 60 s / 40 s: bounds and windows follow each component\'s own flags',
    argv: [...vitest, 'suites/leader-election', 'suites/control-plane-node-loss'],
    env: { HA_TOPOLOGY: 'ha-3cp-tuned-leases' },
    needs: 'kind-configs/ha-3cp-tuned-leases.yaml',
  },
  {
    name: 'no-scheduler-election',
    why: 'a misconfigured cluster (kube-scheduler --leader-elect=false): the suite must FAIL with verdicts that name it; this step passes when it does',
    argv: [...tsx, 'scripts/expect-failure.ts', '--pattern', 'leader-election', '--', ...vitest, 'suites/leader-election'],
    env: { HA_TOPOLOGY: 'ha-3cp-no-scheduler-election' },
    needs: 'kind-configs/ha-3cp-no-scheduler-election.yaml',
  },
  {
    name: 'interrupt-drill',
    why: 'Ctrl-C and SIGKILL in the middle of a fault: the heal supervisor brings the cluster back unattended',
    argv: [...tsx, 'scripts/interrupt-drill.ts', '--faults', 'manifest-hold,partition,pause-container', '--signals', 'sigint,sigkill-worker'],
  },
  {
    name: 'back-to-default',
    why: 'leave the default topology up for the next night (and for the heal step after this one)',
    argv: [...tsx, 'substrate/cli/cluster.ts', 'up', 'ha-3cp'],
  },
];

async function main(): Promise<number> {
  const only = flagValue('only', '');
  const wanted = only === '' ? STEPS : STEPS.filter((s) => only.split(',').includes(s.name));
  if (only !== '' && wanted.length !== only.split(',').length) {
    console.error(`error: --only takes step names from ${STEPS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const results: { name: string; outcome: string; minutes: number }[] = [];
  for (const step of wanted) {
    if (step.needs !== undefined && !existsSync(join(root, step.needs))) {
      results.push({ name: step.name, outcome: `NOT RUN: ${step.needs} is missing`, minutes: 0 });
      continue;
    }
    console.log(`\n== nightly: ${step.name}: ${step.why}`);
    const r = await runCommand(step.argv, {
      timeoutMs: 120 * 60_000,
      cwd: root,
      okExitCodes: Array.from({ length: 256 }, (_, i) => i),
      ...(step.env === undefined ? {} : { env: step.env }),
      maxBufferBytes: 1024 * 1024,
      onOutput: (chunk, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk),
    });
    results.push({ name: step.name, outcome: r.exitCode === 0 ? 'pass' : r.timedOut ? 'FAIL (timed out)' : `FAIL (exit ${r.exitCode})`, minutes: r.durationMs / 60_000 });
  }
  console.log('\n== nightly summary');
  for (const r of results) {
    console.log(`  ${r.name.padEnd(22)} ${r.outcome.padEnd(40)} ${r.minutes.toFixed(1)} min`);
  }
  const total = results.reduce((a, r) => a + r.minutes, 0);
  console.log(`  total ${total.toFixed(1)} min`);
  return results.every((r) => r.outcome === 'pass') ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2);
  },
);
