/**
 * Issue 16: a size budget per entry and bundler. `node scripts/size.mjs --json` measures every entry (default and
 * production `Socket`, with and without the heartbeat, `WebSocket`, the CDN file) with rollup + terser and with
 * esbuild, next to reconnecting-websocket and partysocket in the same run; each sockline entry must stay within its
 * budget, and the README's table must be the one this run prints (so it cannot go stale).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { markdownTable, overBudget, TARGETS, type SizeResult } from '../../scripts/size.mjs';
import { assertBuilt, root } from './helpers.js';

interface Size {
  min: number;
  gzip: number;
}
interface Result {
  name: string;
  installed: boolean;
  ours?: boolean;
  budget?: { rollup: number; esbuild: number };
  rollup: Size;
  esbuild: Size;
}

let results: Result[];
let status: number | null;

beforeAll(() => {
  assertBuilt();
  const run = spawnSync(process.execPath, [join(root, 'scripts/size.mjs'), '--json'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  status = run.status;
  results = (JSON.parse(run.stdout.slice(0, run.stdout.lastIndexOf('}') + 1)) as { results: Result[] }).results;
}, 240_000);

describe('size budgets per entry (scripts/size.mjs)', () => {
  it('should measure every entry and every peer, with both bundlers', () => {
    expect(results.map((r) => r.name)).toEqual(TARGETS.map((t: { name: string }) => t.name));
    for (const r of results) {
      expect(r.installed, r.name).toBe(true);
      for (const bundler of ['rollup', 'esbuild'] as const) expect(r[bundler].gzip, `${r.name} ${bundler}`).toBeGreaterThan(1000);
    }
  });

  it('should keep every sockline entry within its budget, and exit 0', () => {
    expect(overBudget(results as SizeResult[])).toEqual([]);
    expect(status).toBe(0);
  });

  it('should make the production build smaller than the default one, and the heartbeat cost bytes only when imported', () => {
    const gzip = (name: string, bundler: 'rollup' | 'esbuild' = 'rollup') => results.find((r) => r.name === name)![bundler].gzip;
    for (const bundler of ['rollup', 'esbuild'] as const) {
      expect(gzip('Socket (production)', bundler)).toBeLessThan(gzip('Socket', bundler) - 400);
      expect(gzip('Socket + heartbeat', bundler)).toBeGreaterThan(gzip('Socket', bundler) + 150);
      expect(gzip('WebSocket (production)', bundler)).toBeLessThan(gzip('WebSocket', bundler));
    }
  });

  it("should have the README's Bundle size table exactly as this run measures it", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(markdownTable(results as SizeResult[]));
  });
});
