/**
 * Run a command that MUST fail, and pass only when it does, for the reason expected: a suite run on
 * a misconfigured cluster has to fail, and its summary has to say FAIL for the named suite. Used by
 * the nightly set (`scripts/nightly.ts`); a command that passes here is the defect.
 *
 *   tsx scripts/expect-failure.ts --pattern <suite> -- <command...>
 */
import { runCommand } from '../harness/runtime/command.js';
import { flagValue } from './cli-args.js';

const sep = process.argv.indexOf('--');
const argv = sep >= 0 ? process.argv.slice(sep + 1) : [];
const pattern = flagValue('pattern', '', process.argv.slice(2, sep >= 0 ? sep : undefined));
if (argv.length === 0 || pattern === '') {
  console.error('usage: expect-failure --pattern <suite> -- <command...>');
  process.exit(2);
}
const r = await runCommand(argv, {
  timeoutMs: 120 * 60_000,
  okExitCodes: Array.from({ length: 256 }, (_, i) => i),
  maxBufferBytes: 4 * 1024 * 1024,
  onOutput: (chunk, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk),
});
// The terminal summary's headline for the suite: "FAIL <suite> <run-id>: ..." (reporting/terminal-summary.ts).
const saidFail = new RegExp(`^FAIL ${pattern} `, 'm').test(r.stdout);
if (r.exitCode !== 0 && saidFail) {
  console.log(`\nexpect-failure: the command failed (exit ${r.exitCode}) and the ${pattern} report says FAIL, as it must`);
  process.exit(0);
}
console.error(`\nexpect-failure: expected the command to fail with a ${pattern} FAIL headline; it exited ${r.exitCode}${saidFail ? '' : ' and no FAIL headline was printed'}`);
process.exit(1);
