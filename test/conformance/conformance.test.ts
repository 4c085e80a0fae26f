/**
 * The client conformance suite: every case of test/conformance/cases/ against a scripted server, one test per
 * case. After the run the case table (case, RFC section, expected, result) is printed, and, when every case
 * ran (no `-t` filter), written to test/conformance/RESULTS.md with the totals.
 *
 *   npx vitest run test/conformance
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allCases } from './cases/index.js';
import { CaseContext, CATEGORIES, type ConformanceCase } from './harness.js';
import { renderResults, type CaseResult } from './report.js';

const results = new Map<string, CaseResult>();
const started = Date.now();

describe('RFC 6455 client conformance', () => {
  it('has unique case ids, in every category', () => {
    const ids = allCases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(allCases.map((c) => c.category))).toEqual(new Set(CATEGORIES));
  });

  it.each(allCases.map((c) => [`${c.id} ${c.title}`, c] as const))('%s', async (_name, testCase: ConformanceCase) => {
    const ctx = new CaseContext();
    const start = performance.now();
    try {
      const observed = await testCase.run(ctx);
      results.set(testCase.id, { testCase, passed: true, observed, ms: performance.now() - start });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.set(testCase.id, { testCase, passed: false, observed: message.split('\n')[0], ms: performance.now() - start });
      throw error;
    } finally {
      await ctx.dispose();
    }
  });
});

afterAll(() => {
  const ran = allCases.filter((c) => results.has(c.id)).map((c) => results.get(c.id) as CaseResult);
  const complete = ran.length === allCases.length;
  const markdown = renderResults(ran, { complete, total: allCases.length });
  console.log(`\n${markdown}\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  // A partial run (a -t filter) must not overwrite the committed table with a few rows.
  if (complete) writeFileSync(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), markdown);
});
