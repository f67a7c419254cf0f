import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure logic (fast, no cluster); `suites` run against a real kind cluster
// that the global setup creates or reuses. Chaos suites share one cluster, so nothing runs in
// parallel and nothing is retried: a flaky HA result is a finding, not noise.

// Suites not yet in CI's profile (HA_PROFILE=ci), with the reason; they run in every other profile
// and alone with `npm test -- suites/<name>`. See README "What CI runs".
const NOT_YET_IN_CI: Record<string, string> = {
  // 2 x 65 s holds past the grace period + node restarts (~6 min), and its ejection bound has < 1 s of
  // margin on this machine: validated case by case, not yet in a full CI run.
  'suites/control-plane-node-loss/**': 'not yet validated inside a full CI run',
};
const inCiProfile = process.env['HA_PROFILE'] === 'ci';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['harness/**/*.test.ts', 'substrate/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'suites',
          include: ['suites/**/*.test.ts'],
          exclude: inCiProfile ? Object.keys(NOT_YET_IN_CI) : [],
          globalSetup: ['harness/global-setup.ts'],
          fileParallelism: false,
          sequence: { concurrent: false },
          retry: 0,
          testTimeout: 15 * 60_000,
          hookTimeout: 45 * 60_000,
        },
      },
    ],
  },
});
