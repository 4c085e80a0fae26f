/**
 * Package hygiene, on exactly what `npm pack` would publish: publint, arethetypeswrong, and the
 * file list. Packing uses --ignore-scripts so that `prepare` does not rebuild dist/ while other
 * test files read it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_FILES, assertBuilt, root } from './helpers.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackResult {
  filename: string;
  files: { path: string }[];
}

function pack(args: string[]): PackResult {
  const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // npm may print warnings before the JSON on stdout in some configurations: parse from the first '['.
  return (JSON.parse(out.slice(out.indexOf('['))) as PackResult[])[0];
}

describe('package hygiene', () => {
  let scratch: string;
  let tarball: string;

  beforeAll(() => {
    assertBuilt();
    scratch = mkdtempSync(join(tmpdir(), 'sockline-pack-'));
    tarball = join(scratch, pack(['--pack-destination', scratch]).filename);
  });

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('should publish only dist/, README.md, CHANGELOG.md, LICENSE and package.json', () => {
    const files = pack(['--dry-run'])
      .files.map((f) => f.path)
      .sort();
    const allowed = new Set(['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json']);
    expect(files.filter((f) => !f.startsWith('dist/') && !allowed.has(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'LICENSE', ...DIST_FILES.map((f) => `dist/${f}`)]));
    for (const doc of ['README.md', 'CHANGELOG.md']) {
      expect(files.includes(doc)).toBe(existsSync(join(root, doc)));
    }
    expect(files.some((f) => /(^|\/)(test|src|scripts|bench)\//.test(f))).toBe(false);
  });

  it('should pass publint with no errors or warnings', async () => {
    const { messages } = await publint({ pack: { tarball: new Uint8Array(readFileSync(tarball)).buffer } });
    expect(messages.filter((m) => m.type !== 'suggestion')).toEqual([]);
    // The one suggestion is deliberate: the object `browser` field serves bundlers that predate
    // `exports` (webpack 4, browserify), mapping the node builds to the browser builds.
    expect(messages.map((m) => m.code)).toEqual(messages.length ? ['USE_EXPORTS_OR_IMPORTS_BROWSER'] : []);
  });

  it('should pass arethetypeswrong in every resolution mode', () => {
    const attw = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    let out: string;
    try {
      out = execFileSync(process.execPath, [attw, tarball, '--format', 'json', '--no-color'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
    } catch (error) {
      // A non-zero exit means problems: show them.
      out = (error as { stdout?: string }).stdout ?? String(error);
    }
    const report = JSON.parse(out) as { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
    expect(report.analysis.problems).toEqual([]);
    // './heartbeat': issue 16 (the opt-in heartbeat); node10 resolution finds its types through typesVersions.
    expect(Object.keys(report.analysis.entrypoints)).toEqual(['.', './heartbeat', './package.json']);
  });

  it('should point main/module/types/unpkg/jsdelivr at built files and declare no side effects', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.unpkg).toBe('./dist/sockline.min.js');
    expect(pkg.jsdelivr).toBe('./dist/sockline.min.js');
    const conditions = Object.keys(pkg.exports['.']);
    expect(conditions[0]).toBe('types');
    expect(conditions.at(-1)).toBe('default');
    for (const field of ['main', 'module', 'types', 'unpkg']) {
      expect(existsSync(join(root, pkg[field]))).toBe(true);
    }
  });
});
