import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure logic (fast, no cluster); `suites` run against a real kind cluster
// that the global setup creates or reuses. Chaos suites share one cluster, so nothing runs in
// parallel and nothing is retried: a flaky HA result is a finding, not noise.

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
