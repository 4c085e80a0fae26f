/**
 * How long the properties run. The normal suite (`npx vitest run`) uses each property's small default count, a
 * few seconds in all. `npm run fuzz` (vitest.fuzz.config.ts) sets SOCKLINE_FUZZ_RUNS and SOCKLINE_FUZZ_TIME_MS:
 * every property then runs that many times, or until the time limit, whichever comes first.
 *
 * To replay a failure, pass the seed and path fast-check printed: SOCKLINE_FUZZ_SEED=… SOCKLINE_FUZZ_PATH=….
 */
import fc from 'fast-check';

const env = (name: string): number | undefined => {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(value)}`);
  return number;
};

/** True under `npm run fuzz`. */
export const fuzzing = env('SOCKLINE_FUZZ_RUNS') !== undefined;

/** Per-property time limit under `npm run fuzz`, in ms. */
export const fuzzTimeLimitMs = env('SOCKLINE_FUZZ_TIME_MS') ?? 60_000;

/**
 * fast-check parameters for a property that runs `normalRuns` times in the normal suite. `weight` scales the
 * fuzz count down for expensive properties (real sockets).
 */
export function runs<Ts = unknown>(normalRuns: number, weight = 1): fc.Parameters<Ts> {
  const seed = env('SOCKLINE_FUZZ_SEED');
  const path = process.env.SOCKLINE_FUZZ_PATH || undefined;
  const replay = seed === undefined ? {} : { seed, ...(path ? { path } : {}) };
  if (!fuzzing) return { numRuns: normalRuns, ...replay };
  return {
    numRuns: Math.max(normalRuns, Math.round((env('SOCKLINE_FUZZ_RUNS') as number) * weight)),
    // Bounded by time as well as by count: stop (without failing) when the limit is reached.
    interruptAfterTimeLimit: fuzzTimeLimitMs,
    markInterruptAsFailure: false,
    ...replay,
  };
}

/** Test timeout for a property: generous in the normal suite, the time limit plus a margin when fuzzing. */
export function testTimeout(normalMs: number): number {
  return fuzzing ? fuzzTimeLimitMs + 30_000 : normalMs;
}

/**
 * `fc.assert` that also says how many runs it made (useful under `npm run fuzz`, where the time limit may stop a
 * property early). Throws fast-check's usual report, with the seed and path to replay, on a counterexample.
 */
export async function check<Ts>(
  name: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  parameters: fc.Parameters<Ts>,
): Promise<void> {
  const start = performance.now();
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, parameters);
  if (details.failed)
    throw new Error(
      (fc.defaultReportMessage(details) ?? `Property "${name}" failed`) +
        `\n${String((details.errorInstance as Error | undefined)?.stack ?? details.errorInstance)}`,
    );
  if (fuzzing) {
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    console.log(
      `[fuzz] ${name}: ${details.numRuns} runs in ${seconds} s${details.interrupted ? ' (stopped by the time limit)' : ''}, seed ${details.seed}`,
    );
  }
}
