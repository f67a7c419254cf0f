/**
 * The end of a suite run is a list of steps (write the reports, check the baseline, ...) that must
 * each run whatever became of the one before (the report is the product: a failing baseline check
 * must not cost it, nor a failing report the baseline check), and any failure must fail the run.
 *
 * vitest 4.1 does not fail the run for an error thrown from a globalSetup teardown: Vitest.close()
 * (node_modules/vitest/dist/chunks/cli-api.*.js) awaits project._teardownGlobalSetup().catch(...),
 * collects the error, logs it as "error during close" and leaves process.exitCode alone, so a run
 * whose teardown threw exited 0. Hence `markFailed` (process.exitCode = 1) besides the throw (which
 * vitest prints).
 */
import { errorText } from './checks/verdict.js';

export interface TeardownStep {
  /** What the step does, for the error message, e.g. 'write the suite reports'. */
  readonly name: string;
  readonly run: () => Promise<void>;
}

/** The run's exit status becomes non-zero; vitest keeps a non-zero exitCode it did not set. */
export function failProcess(): void {
  process.exitCode = 1;
}

/**
 * Runs every step in order, each whether or not an earlier one threw; if any threw, calls
 * `markFailed` and throws one error naming each failed step and its error.
 */
export async function runTeardownSteps(steps: readonly TeardownStep[], markFailed: () => void = failProcess): Promise<void> {
  const failures: string[] = [];
  for (const step of steps) {
    try {
      await step.run();
    } catch (err) {
      failures.push(`${step.name}: ${errorText(err)}`);
    }
  }
  if (failures.length > 0) {
    markFailed();
    throw new Error(`the end of the run failed (the run fails): ${failures.join('; ')}`);
  }
}
