import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // 2-core CI machines: run files in parallel, but not so many that timing-sensitive
    // network tests starve each other.
    maxWorkers: 2,
    // peer-summary-reporter: the run ends with one line per missing system peer or runtime (test/helpers/peers.ts).
    reporters: ['default', './test/helpers/peer-summary-reporter.ts'],
    allowOnly: false,
  },
});
