import { describe, expect, it } from 'vitest';
import { runTeardownSteps } from './teardown-steps.js';

describe('runTeardownSteps', () => {
  it('runs every step even when an earlier one throws, then fails the run naming each failure', async () => {
    const ran: string[] = [];
    let failed = 0;
    const steps = [
      { name: 'write the suite reports', run: async () => { ran.push('reports'); throw new Error('invalid kind config <repo>/kind-configs/my-cluster.yaml: no such topology'); } },
      { name: 'check the cluster is back at its baseline', run: async () => { ran.push('baseline'); throw new Error('the run left the cluster off its baseline'); } },
      { name: 'stop the heal supervisor', run: async () => { ran.push('supervisor'); } },
    ];
    await expect(runTeardownSteps(steps, () => (failed += 1))).rejects.toThrow(
      'the end of the run failed (the run fails): write the suite reports: Error: invalid kind config <repo>/kind-configs/my-cluster.yaml: no such topology; check the cluster is back at its baseline: Error: the run left the cluster off its baseline',
    );
    expect(ran).toEqual(['reports', 'baseline', 'supervisor']);
    // The exit status is set besides the throw: vitest 4.1 only logs a teardown error.
    expect(failed).toBe(1);
  });

  it('does nothing more when every step succeeds', async () => {
    const ran: string[] = [];
    let failed = 0;
    await runTeardownSteps([{ name: 'a', run: async () => void ran.push('a') }, { name: 'b', run: async () => void ran.push('b') }], () => (failed += 1));
    expect(ran).toEqual(['a', 'b']);
    expect(failed).toBe(0);
  });
});
