/**
 * What npm shows and what a stack trace shows: the package.json fields npm links from the package page, and
 * source maps that carry their TypeScript sources (src/ is not published), so that `node --enable-source-maps`
 * prints real code from an installed copy that has only dist/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, dist, root } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const REPO = 'https://github.com/sockline/sockline';

describe('package.json metadata', () => {
  it('should have repository, homepage, bugs and author pointing at the repository', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git` });
    expect(pkg.homepage).toBe(`${REPO}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
    expect(typeof pkg.author).toBe('string');
    expect(pkg.author.length).toBeGreaterThan(0);
    expect(pkg.license).toBe('MIT');
  });

  it('should link the README only to files that are published or to the repository', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    // Relative links work on GitHub but are dead on npm for anything not in the tarball (`files`).
    const relative = links.filter((l) => !/^(https?:|#|mailto:)/.test(l));
    const published = (l: string) => pkg.files.some((f: string) => l === f || l.startsWith(`${f}/`));
    expect(relative.filter((l) => !published(l))).toEqual([]);
    for (const link of links.filter((l) => l.startsWith(`${REPO}/blob/main/`))) {
      // A repository link must name a file that exists in this checkout.
      expect(() => readFileSync(join(root, link.slice(`${REPO}/blob/main/`.length)))).not.toThrow();
    }
  });
});

describe('source maps in dist/', () => {
  beforeAll(() => assertBuilt());

  const maps = () => readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.map'));

  it('should have a map for every JavaScript file', () => {
    const js = readdirSync(join(root, 'dist')).filter((f) => /\.(c?js)$/.test(f));
    expect(maps().sort()).toEqual(js.map((f) => `${f}.map`).sort());
  });

  it('should carry sourcesContent for every source, equal to the file it names', () => {
    for (const file of maps()) {
      const map = JSON.parse(readFileSync(dist(file), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sources.length, file).toBeGreaterThan(0);
      expect(map.sourcesContent?.length, file).toBe(map.sources.length);
      map.sources.forEach((source, i) => {
        const content = map.sourcesContent![i];
        expect(typeof content === 'string' && content.length > 0, `${file}: ${source}`).toBe(true);
        // Sources are relative to the map; they are ours (src/) or a bundled dependency (the CDN file).
        const path = resolve(dirname(dist(file)), source);
        expect(path.startsWith(join(root, 'src')) || path.includes('/node_modules/'), `${file}: ${source}`).toBe(true);
        expect(content, `${file}: ${source}`).toBe(readFileSync(path, 'utf8'));
      });
    }
  });

  describe('stack traces from an installed copy (dist/ only) under --enable-source-maps', () => {
    let app: string;

    beforeAll(() => {
      app = mkdtempSync(join(tmpdir(), 'sockline-maps-'));
      const installed = join(app, 'node_modules', 'sockline');
      mkdirSync(installed, { recursive: true });
      cpSync(join(root, 'dist'), join(installed, 'dist'), { recursive: true });
      cpSync(join(root, 'package.json'), join(installed, 'package.json'));
      symlinkSync(join(root, 'node_modules', 'eventemitter3'), join(app, 'node_modules', 'eventemitter3'), 'dir');
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    });

    afterAll(() => {
      if (app) rmSync(app, { recursive: true, force: true });
    });

    it.each([
      ['ESM', 'app.mjs', "import { Socket } from 'sockline';\nnew Socket('ftp://example.test/');\n"],
      ['CJS', 'app.cjs', "const { Socket } = require('sockline');\nnew Socket('ftp://example.test/');\n"],
    ])('%s: should point at src/*.ts and print the TypeScript line that threw', (_, name, code) => {
      writeFileSync(join(app, name), code);
      let stderr = '';
      try {
        execFileSync(process.execPath, ['--enable-source-maps', name], {
          cwd: app,
          encoding: 'utf8',
          timeout: 30_000,
          stdio: 'pipe',
        });
      } catch (error) {
        stderr = (error as { stderr: string }).stderr;
      }
      // Node prints `<file>:<line>`, the source line, a caret; then the stack.
      const [location, line] = stderr.split('\n');
      const match = /node_modules\/sockline\/(src\/[\w/.-]+\.ts):(\d+)$/.exec(location);
      expect(match, stderr).not.toBeNull();
      const original = readFileSync(join(root, match![1]), 'utf8').split('\n')[Number(match![2]) - 1];
      expect(line).toBe(original);
      expect(line).toMatch(/InvalidArgumentError/);
      expect(stderr).toMatch(/at new Socket \(.*node_modules\/sockline\/src\/index\.node\.ts:\d+:\d+\)/);
    });
  });
});
