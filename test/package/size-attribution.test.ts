/**
 * Issue 16: `node scripts/size.mjs --why` shows, piece by piece, where the bytes of `import { Socket } from 'sockline'`
 * go, in the default and the production build: by source file and by top-level declaration or class member. The pieces
 * must add up to the bundle users get (the size table's rollup + terser measure of dist/), name the code they come
 * from, and the production build must carry nothing from DEV-only code.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { byFeature, FEATURES, featureOf } from '../../scripts/size-features.mjs';
import { type Attribution, bundleForBrowser, featuresMarkdown, featuresText, measure, whyText } from '../../scripts/size.mjs';
import { assertBuilt, root } from './helpers.js';

type Build = 'default' | 'production';
const BUILDS: Build[] = ['default', 'production'];

let why: { entry: string; default: Attribution; production: Attribution };
let status: number | null;
const measured = {} as Record<Build, { min: number; gzip: number }>;

beforeAll(async () => {
  assertBuilt();
  const run = spawnSync(process.execPath, [join(root, 'scripts/size.mjs'), '--why', '--json'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  status = run.status;
  why = JSON.parse(run.stdout);
  for (const build of BUILDS) {
    measured[build] = await measure((await bundleForBrowser("export { Socket } from 'sockline';", build === 'production')).code);
  }
}, 120_000);

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const item = (build: Build, file: string, name: string) => why[build].items.find((i) => i.file === file && i.name === name);

describe('size attribution (scripts/size.mjs --why)', () => {
  it('should exit 0 and attribute the bundle users get for `import { Socket }`, in both builds', () => {
    expect(status).toBe(0);
    expect(why.entry).toBe("import { Socket } from 'sockline'");
    for (const build of BUILDS) {
      // Bundled from src/, it is the bundle of dist/ the size table measures (rollup runs once more there).
      expect(Math.abs(why[build].total.min - measured[build].min), build).toBeLessThanOrEqual(measured[build].min * 0.005);
      expect(Math.abs(why[build].total.gzip - measured[build].gzip), build).toBeLessThanOrEqual(measured[build].gzip * 0.01);
    }
    expect(why.production.total.min).toBeLessThan(why.default.total.min);
  });

  it('should give every byte to exactly one item: items and per-file subtotals add up to the bundle', () => {
    for (const build of BUILDS) {
      const { total, files, items } = why[build];
      expect(sum(items.map((i) => i.min)), build).toBe(total.min);
      expect(sum(items.map((i) => i.gzip)), build).toBe(total.gzip);
      expect(sum(files.map((f) => f.min)), build).toBe(total.min);
      expect(sum(files.map((f) => f.items)), build).toBe(items.length);
      for (const f of files) expect(sum(items.filter((i) => i.file === f.file).map((i) => i.min)), f.file).toBe(f.min);
      expect(new Set(items.map((i) => `${i.file} ${i.name}`)).size, build).toBe(items.length);
      for (const i of items) expect(i.min, `${i.file} ${i.name}`).toBeGreaterThan(0);
      // Sorted, largest first.
      expect(items.map((i) => i.min)).toEqual(items.map((i) => i.min).sort((a, b) => b - a));
    }
  });

  it('should name the declarations and class members the bytes come from', () => {
    for (const build of BUILDS) {
      for (const [file, name] of [
        ['src/socket.ts', 'SocketCore#send'],
        ['src/socket.ts', 'SocketCore##send'],
        ['src/socket.ts', 'SocketCore#constructor'],
        ['src/options.ts', 'normalize'],
        ['src/errors.ts', '_HandshakeError'],
        ['node_modules/eventemitter3/index.js', 'EventEmitter#emit'],
      ]) {
        expect(item(build, file, name), `${build}: ${file} ${name}`).toBeDefined();
      }
      // Nearly every byte has a name: glue and code outside any declaration stay small.
      const unnamed = sum(why[build].items.filter((i) => i.name.startsWith('(')).map((i) => i.min));
      expect(unnamed, build).toBeLessThan(why[build].total.min * 0.02);
      // Only what `import { Socket }` reaches: the WebSocket class is tree-shaken away.
      expect(
        why[build].files.map((f) => f.file).filter((f) => f.startsWith('src/websocket/')),
        build,
      ).toEqual([]);
    }
  });

  it('should find DEV-only code in the default build and none in the production build', () => {
    expect(why.default.dev).toBeGreaterThan(500);
    expect(sum(why.default.items.map((i) => i.dev))).toBe(why.default.dev);
    expect(item('default', 'src/options.ts', 'normalize')!.dev).toBeGreaterThan(0);
    expect(why.production.dev).toBe(0);
    expect(why.production.items.filter((i) => i.dev > 0)).toEqual([]);
  });

  it('should print the same attribution as text: per-file subtotals, the largest items, every item', () => {
    const text = whyText(why);
    for (const build of BUILDS) {
      const { total, files } = why[build];
      expect(text).toContain(`min ${total.min.toLocaleString('en-US')} B, min+gzip ${total.gzip.toLocaleString('en-US')} B`);
      expect(text).toMatch(new RegExp(`\\n {4}${files[0].file} +${files[0].min.toLocaleString('en-US')} B`));
    }
    expect(text).toMatch(/\n {6}SocketCore#send +\d+ B/);
    expect(text).toContain('default minus production');
  });

  // scripts/size-features.mjs groups the items by the feature they implement (`npm run size -- --features`): the
  // closing account of issue 16. A new piece of code must say which feature it serves, or this fails.
  it('should give every item of both builds to a feature, with the totals of the attribution', () => {
    for (const build of BUILDS) {
      const { features, unassigned } = byFeature(why[build]);
      expect(
        unassigned.map((i) => `${i.file} ${i.name}`),
        `${build}: add these to scripts/size-features.mjs`,
      ).toEqual([]);
      expect(sum(features.map((f) => f.min)), build).toBe(why[build].total.min);
      expect(sum(features.map((f) => f.gzip)), build).toBe(why[build].total.gzip);
      expect(sum(features.map((f) => f.items)), build).toBe(why[build].items.length);
    }
    expect(featureOf({ file: 'src/socket.ts', name: 'SocketCore##send' })).toMatch(/^Send contract/);
    // An exact name wins over a file's prefix rule.
    expect(featureOf({ file: 'src/options.ts', name: 'heartbeatOf' })).toMatch(/^Heartbeat/);
    expect(featureOf({ file: 'src/options.ts', name: 'normalize' })).toMatch(/^Option validation/);
    expect(featureOf({ file: 'src/nowhere.ts', name: 'x' })).toBeUndefined();
    expect(new Set(FEATURES.map((f) => f.feature)).size).toBe(FEATURES.length);
    const text = featuresText(why);
    for (const f of FEATURES) expect(text).toContain(f.feature);
    expect(text).not.toContain('UNASSIGNED');
  });

  it("should have the README's feature table exactly as this run measures it", () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(featuresMarkdown(why));
  });
});
