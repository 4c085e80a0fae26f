/**
 * `npm run fuzz`: the fast-check properties of test/fuzz/ with a much larger count, bounded by a time limit too.
 *
 *   npm run fuzz                                                     # 100,000 runs or 60 s per property
 *   SOCKLINE_FUZZ_RUNS=1000000 SOCKLINE_FUZZ_TIME_MS=600000 npm run fuzz
 *   SOCKLINE_FUZZ_SEED=<seed> SOCKLINE_FUZZ_PATH=<path> npm run fuzz   # replay what a failure printed
 *
 * Each property stops at whichever comes first, its run count or the time limit (an interrupted run is not a
 * failure). The end-to-end TCP property runs 1/10 of the count, the API-sequence property (real sockets, up to a
 * second a run) 1/100.
 */
import { defineConfig } from 'vitest/config';

process.env.SOCKLINE_FUZZ_RUNS ||= '100000';
process.env.SOCKLINE_FUZZ_TIME_MS ||= '60000';
const timeLimitMs = Number(process.env.SOCKLINE_FUZZ_TIME_MS);

export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.prop.test.ts'],
    // Each property sets its own timeout from the time limit; this covers hooks.
    testTimeout: timeLimitMs + 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    allowOnly: false,
  },
});
