/**
 * What consumers get from the built package: a browser bundle free of Node built-ins and within
 * budget, a CDN file that defines the `Sockline` global, the exports map resolving (through
 * self-reference) to the right build for each condition, and types that compile without @types/node.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_BYTES, TARGET_BYTES, attribute, bundleForBrowser, measure, type BrowserBundle } from '../../scripts/size.mjs';
import { assertBuilt, dist, root } from './helpers.js';

/** Node built-ins a browser bundle must never reach, by any spelling. */
const NODE_ONLY =
  /\b(?:node:[a-z_/]+|require\(\s*["'](?:net|tls|crypto|buffer|http|https|stream|zlib|events)["']\)|from\s*["'](?:net|tls|crypto|buffer|http|https|stream|zlib)["'])/;

describe('browser bundle of `import { Socket } from "sockline"`', () => {
  let bundle: BrowserBundle;
  let size: { min: number; gzip: number; minified: string };

  beforeAll(async () => {
    assertBuilt();
    bundle = await bundleForBrowser("export { Socket } from 'sockline';");
    size = await measure(bundle.code);
  });

  it('should resolve the package to its browser build and leave no import unresolved', () => {
    expect(bundle.warnings).toEqual([]);
    expect(bundle.imports).toEqual([]);
    const ours = bundle.modules.filter((id) => !id.startsWith('\0') && !id.includes('node_modules') && !id.endsWith('entry.js'));
    expect(ours).toEqual([dist('browser.js')]);
    // eventemitter3 is a dependency, so the app's bundle includes it (and it is counted in the budget).
    expect(bundle.modules.some((id) => id.includes('/eventemitter3/'))).toBe(true);
  });

  it('should contain no Node built-in import, Buffer or process reference', () => {
    expect(size.minified).not.toMatch(NODE_ONLY);
    expect(size.minified).not.toMatch(/\bBuffer\b/);
    // A free `process` makes webpack 4 and others inject a polyfill; we only read globalThis.process.
    expect(size.minified.replace(/\.process\b/g, '')).not.toMatch(/\bprocess\b/);
    expect(size.minified).not.toMatch(/\brequire\(/);
  });

  // The 3 KB target of issue #3 is not met (see TARGET_BYTES); this ceiling stops the bundle from growing.
  it(`should stay within its ${BUDGET_BYTES} B min+gzip regression ceiling, reconnection included`, async () => {
    expect(size.gzip).toBeGreaterThan(500);
    expect(TARGET_BYTES).toBeLessThan(BUDGET_BYTES);
    if (size.gzip > BUDGET_BYTES) {
      // Say where the bytes are, so the fix can start from the failure message.
      const { files } = await attribute();
      expect.fail(
        `the browser bundle is ${size.gzip} B min+gzip, ${size.gzip - BUDGET_BYTES} B over the ${BUDGET_BYTES} B budget; ` +
          `by source file (~B gzip): ${files.map((f) => `${f.file} ${f.gzip}`).join(', ')}`,
      );
    }
  });

  // Issue 16: the production build (the "production" export condition) is a different file, with the same API.
  it('should resolve the "production" condition to dist/browser.production.js, without the development prose', async () => {
    const production = await bundleForBrowser("export { Socket } from 'sockline';", true);
    const ours = production.modules.filter(
      (id) => !id.startsWith('\0') && !id.includes('node_modules') && !id.endsWith('entry.js'),
    );
    expect(ours).toEqual([dist('browser.production.js')]);
    expect(production.warnings).toEqual([]);
    expect(bundle.code).toContain('(expected ');
    expect(production.code).not.toContain('(expected ');
    expect(production.code).toContain('https://github.com/sockline/sockline#');
  });
});

describe('CDN file dist/sockline.min.js', () => {
  const code = () => readFileSync(dist('sockline.min.js'), 'utf8');

  beforeAll(() => assertBuilt());

  /** A fresh realm with only what a browser page has that the bundle may touch. */
  function browserRealm(WebSocket: unknown) {
    return vm.createContext({
      WebSocket,
      URL,
      Blob,
      TextEncoder,
      TextDecoder,
      setTimeout,
      clearTimeout,
      queueMicrotask,
      console,
    });
  }

  it('should define the global Sockline with Socket, the errors and CloseCode, without require or exports', () => {
    class FakeWebSocket {}
    const realm = browserRealm(FakeWebSocket);
    vm.runInContext(code(), realm, { filename: 'sockline.min.js' });
    const Sockline = realm.Sockline as Record<string, unknown>;
    expect(typeof Sockline).toBe('object');
    expect(typeof Sockline.Socket).toBe('function');
    expect(typeof Sockline.SocklineError).toBe('function');
    expect(typeof Sockline.isSocklineError).toBe('function');
    expect((Sockline.CloseCode as Record<string, number>).Normal).toBe(1000);
    const error = new (Sockline.InvalidArgumentError as new (m: string) => Error)('x');
    expect((Sockline.isSocklineError as (e: unknown) => boolean)(error)).toBe(true);
    expect(error.name).toBe('InvalidArgumentError');
  });

  it('should drive the fake WebSocket: connect, binaryType arraybuffer, messages as Uint8Array, close', async () => {
    const created: FakeWebSocket[] = [];
    class FakeWebSocket {
      binaryType = 'blob';
      readyState = 0;
      protocol = '';
      extensions = '';
      bufferedAmount = 0;
      sent: unknown[] = [];
      onopen: (() => void) | null = null;
      onmessage: ((event: { data: unknown }) => void) | null = null;
      onerror: (() => void) | null = null;
      onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
      constructor(
        readonly url: string,
        readonly protocols?: string[],
      ) {
        created.push(this);
      }
      send(data: unknown) {
        this.sent.push(data);
      }
      close() {}
    }
    const realm = browserRealm(FakeWebSocket);
    vm.runInContext(code(), realm);
    const events: unknown[] = [];
    vm.runInContext(
      `const socket = new Sockline.Socket('ws://127.0.0.1:1/feed', { protocols: ['v1'], reconnect: false });
       socket.on('open', (e) => { events.push(['open', e.protocol]); socket.send('hi'); });
       socket.on('message', (data, info) => events.push(['message', data instanceof Uint8Array, Array.from(data), info.binary]));
       socket.on('close', (e) => events.push(['close', e.code, e.reason, e.wasClean]));`,
      Object.assign(realm, { events }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(created).toHaveLength(1);
    const native = created[0];
    expect(native.url).toBe('ws://127.0.0.1:1/feed');
    expect(native.protocols).toEqual(['v1']);
    expect(native.binaryType).toBe('arraybuffer');
    native.readyState = 1;
    native.protocol = 'v1';
    native.onopen!();
    native.onmessage!({ data: new Uint8Array([1, 2, 3]).buffer });
    native.readyState = 3;
    native.onclose!({ code: 1000, reason: 'bye', wasClean: true });
    expect(native.sent).toEqual(['hi']);
    expect(events).toEqual([
      ['open', 'v1'],
      // Uint8Array of the page's realm: instanceof holds there.
      ['message', true, [1, 2, 3], true],
      ['close', 1000, 'bye', true],
    ]);
  });

  it('should start with a license banner and point at its source map', () => {
    expect(code().startsWith('/*! sockline v')).toBe(true);
    expect(code().trimEnd().endsWith('//# sourceMappingURL=sockline.min.js.map')).toBe(true);
    const map = JSON.parse(readFileSync(dist('sockline.min.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sources.some((s) => s.endsWith('src/browser/browser-transport.ts'))).toBe(true);
    expect(map.sourcesContent?.length).toBe(map.sources.length);
  });
});

describe('exports map under Node (package self-reference)', () => {
  beforeAll(() => assertBuilt());

  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 30_000 }).trim();

  it('should resolve require("sockline") to dist/node.cjs and import("sockline") to dist/node.js', () => {
    expect(node(['-p', 'require.resolve("sockline")'])).toBe(dist('node.cjs'));
    expect(node(['--input-type=module', '-e', 'console.log(import.meta.resolve("sockline"))'])).toBe(
      pathToFileURL(dist('node.js')).href,
    );
  });

  it('should resolve to the browser builds under the "browser" condition', () => {
    expect(node(['-C', 'browser', '-p', 'require.resolve("sockline")'])).toBe(dist('browser.cjs'));
    expect(node(['-C', 'browser', '--input-type=module', '-e', 'console.log(import.meta.resolve("sockline"))'])).toBe(
      pathToFileURL(dist('browser.js')).href,
    );
  });

  it('should load both Node builds with the same exports, and errors from one pass instanceof of the other', () => {
    const script = `
      import { createRequire } from 'node:module';
      const esm = await import('sockline');
      const cjs = createRequire(import.meta.url)('sockline');
      const keys = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();
      console.log(JSON.stringify({
        esm: keys(esm),
        cjs: keys(cjs),
        socket: typeof esm.Socket === 'function' && typeof cjs.Socket === 'function',
        crossRealm: new cjs.InvalidArgumentError('x') instanceof esm.InvalidArgumentError,
        notOther: new cjs.InvalidArgumentError('x') instanceof esm.TimeoutError,
        base: new esm.TimeoutError('connect', 1, 'x') instanceof cjs.SocklineError,
      }));`;
    const result = JSON.parse(node(['--input-type=module', '-e', script]));
    expect(result.esm).toEqual(result.cjs);
    expect(result.esm).toEqual(expect.arrayContaining(['Socket', 'CloseCode', 'SocklineError', 'isSocklineError']));
    expect(result).toMatchObject({ socket: true, crossRealm: true, notOther: false, base: true });
  });

  it('should export exactly the same names from the browser and the Node builds', () => {
    const script = `
      const keys = async (f) => Object.keys(await import(f)).sort();
      console.log(JSON.stringify([await keys(${JSON.stringify(pathToFileURL(dist('node.js')).href)}),
                                  await keys(${JSON.stringify(pathToFileURL(dist('browser.js')).href)})]));`;
    const [nodeKeys, browserKeys] = JSON.parse(node(['--input-type=module', '-e', script]));
    expect(browserKeys).toEqual(nodeKeys);
  });

  it('should never import node built-ins from the browser builds', () => {
    for (const file of ['browser.js', 'browser.cjs']) {
      const code = readFileSync(dist(file), 'utf8');
      expect(code).not.toMatch(NODE_ONLY);
      expect(code).not.toMatch(/from '\.\/|require\('\.\//);
    }
  });
});

describe('bundled types', () => {
  let app: string;

  beforeAll(() => {
    assertBuilt();
    app = mkdtempSync(join(tmpdir(), 'sockline-types-'));
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(root, join(app, 'node_modules', 'sockline'), 'dir');
    symlinkSync(join(root, 'node_modules', 'eventemitter3'), join(app, 'node_modules', 'eventemitter3'), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module', private: true }));
    const body = `
      const socket = new Socket('ws://127.0.0.1:1/');
      const code: 1000 = CloseCode.Normal;
      const check = (e: unknown): string | undefined => (isSocklineError(e) ? e.code : undefined);
      const info: CloseInfo | undefined = undefined;
      export { socket, code, check, info, InvalidArgumentError };
    `;
    writeFileSync(
      join(app, 'esm.mts'),
      `import { Socket, CloseCode, isSocklineError, InvalidArgumentError, type CloseInfo } from 'sockline';\n${body}`,
    );
    writeFileSync(
      join(app, 'cjs.cts'),
      `import sockline = require('sockline');\nconst { Socket, CloseCode, isSocklineError, InvalidArgumentError } = sockline;\n` +
        `type CloseInfo = sockline.CloseInfo;\n${body.replace('export {', 'export = {')}`,
    );
  });

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  /** Compiles the consumer files; `types: []` proves the declarations need no @types/node. */
  function diagnostics(files: string[], options: ts.CompilerOptions): string[] {
    const program = ts.createProgram(
      files.map((f) => join(app, f)),
      {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: ts.ScriptTarget.ES2022,
        types: [],
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        ...options,
      },
    );
    return ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + (d.file ? ` (${d.file.fileName})` : ''));
  }

  it('should type-check an ESM and a CJS consumer under node16 resolution', () => {
    expect(
      diagnostics(['esm.mts', 'cjs.cts'], { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }),
    ).toEqual([]);
  });

  it('should type-check a bundler consumer, including with the "browser" condition', () => {
    const bundler = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
    expect(diagnostics(['esm.mts'], bundler)).toEqual([]);
    expect(diagnostics(['esm.mts'], { ...bundler, customConditions: ['browser'] })).toEqual([]);
  });
});
