import { defineConfig } from 'vitest/config';

// The interrupt drill's own vitest config: the suites' global setup (cluster up, heal, baseline,
// heal supervisor), one file that holds a fault until it is interrupted.
export default defineConfig({
  test: {
    include: ['scripts/interrupt-drill/*.drill.ts'],
    globalSetup: ['harness/global-setup.ts'],
    fileParallelism: false,
    retry: 0,
    testTimeout: 15 * 60_000,
    hookTimeout: 45 * 60_000,
  },
});
