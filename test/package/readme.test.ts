/**
 * The README's code, as a new user copies it: every ```js / ```ts block (and the inline script of the ```html
 * block) is written into an app that depends on the package, and type-checked against the BUILT types
 * (dist/index.d.ts, through the package's `exports`), strict. Free identifiers the samples leave to the reader
 * (`getFreshToken`, `myCa`, `render`) are declared as stubs. Then every name the README imports from `sockline`
 * or reads from the CDN global must exist at run time in both builds. A README that imports or calls something
 * the package does not provide fails here (issue 11: `defaultShouldReconnect` was documented, never exported).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, dist, root } from './helpers.js';

/** Declarations for what the samples leave to the reader, and the CDN file's global. */
const STUBS = `
declare function getFreshToken(): string;
declare const myCa: string;
declare function render(data: string | Uint8Array): void;
declare const Sockline: typeof import('sockline');
declare const token: string;
declare const doc: unknown;
declare module 'graphql-ws' {
  export function createClient(options: { url: string; webSocketImpl: unknown; [key: string]: unknown }): unknown;
}
declare module 'y-websocket' {
  export class WebsocketProvider {
    constructor(url: string, room: string, doc: unknown, options?: { WebSocketPolyfill?: unknown; [key: string]: unknown });
  }
}
`;

interface Block {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  lang: 'js' | 'ts' | 'html';
  code: string;
}

/** The fenced ```js, ```ts and ```html blocks of a Markdown text. */
function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    const lang = match[1];
    if (lang !== 'js' && lang !== 'ts' && lang !== 'html') continue;
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, lang, code: match[2] });
  }
  return blocks;
}

/** The code of a block as a file of the app: inline scripts for HTML, a module for js/ts. */
function toFile(block: Block): { name: string; text: string } {
  if (block.lang === 'html') {
    // Inline <script> bodies only (the CDN <script src> is what defines the `Sockline` global, declared in STUBS).
    const scripts = [...block.code.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    return { name: `readme-${block.line}.js`, text: scripts.join('\n') };
  }
  // Each block is its own module, as if pasted into its own file.
  const text = /^\s*(import|export)\s/m.test(block.code) ? block.code : `${block.code}\nexport {};\n`;
  return { name: `readme-${block.line}.${block.lang === 'ts' ? 'mts' : 'mjs'}`, text };
}

/** Names the blocks import from the package (`sockline` or Deno's `npm:sockline`) or read from the global. */
function namesUsed(blocks: Block[]): Set<string> {
  const names = new Set<string>();
  for (const { code } of blocks) {
    for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(?:npm:)?sockline'/g)) {
      for (const part of m[1].split(',')) {
        const name = part.trim();
        if (name && !name.startsWith('type ')) names.add(name.split(/\s+as\s+/)[0]);
      }
    }
    for (const m of code.matchAll(/\bSockline\.(\w+)/g)) names.add(m[1]);
  }
  return names;
}

describe('README code blocks against the built package', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = codeBlocks(readme);
  let app: string;
  let files: { js: string[]; ts: string[] };
  let options: ts.CompilerOptions;
  let programs: { js: ts.Program; ts: ts.Program };

  beforeAll(() => {
    assertBuilt();
    app = mkdtempSync(join(tmpdir(), 'sockline-readme-'));
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(root, join(app, 'node_modules', 'sockline'), 'dir');
    symlinkSync(join(root, 'node_modules', 'eventemitter3'), join(app, 'node_modules', 'eventemitter3'), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'readme-app', private: true, type: 'module' }));
    writeFileSync(join(app, 'stubs.d.ts'), STUBS);
    files = { js: [join(app, 'stubs.d.ts')], ts: [join(app, 'stubs.d.ts')] };
    for (const block of blocks) {
      const { name, text } = toFile(block);
      writeFileSync(join(app, name), text);
      files[block.lang === 'ts' ? 'ts' : 'js'].push(join(app, name));
    }
    options = {
      strict: true,
      noEmit: true,
      allowJs: true,
      checkJs: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      // Browser, worker and Node samples alike: DOM globals (console, location, Response), no @types/node.
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      baseUrl: app,
      paths: { 'npm:sockline': ['node_modules/sockline'] },
    };
    programs = {
      // JavaScript has nowhere to write a type, so an inferred `any` (`const log = []`) is fine there.
      js: ts.createProgram(files.js, { ...options, noImplicitAny: false }),
      ts: ts.createProgram(files.ts, options),
    };
  });

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  /** Diagnostics as `README.md:<fence line> (<file>:<line>) message`. */
  const report = (p: ts.Program): string[] =>
    ts.getPreEmitDiagnostics(p).map((d) => {
      const name = d.file?.fileName.slice(app.length + 1) ?? '';
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      const fence = /readme-(\d+)\./.exec(name)?.[1];
      return `${fence ? `README.md:${Number(fence) + line}` : name} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });

  it('should find the samples: quick start, Node, browser, CDN, Bun, Deno, Workers, TypeScript, reconnection', () => {
    expect(blocks.filter((b) => b.lang === 'js').length).toBeGreaterThanOrEqual(7);
    expect(blocks.filter((b) => b.lang === 'ts').length).toBeGreaterThanOrEqual(1);
    expect(blocks.filter((b) => b.lang === 'html')).toHaveLength(1);
    expect(namesUsed(blocks)).toEqual(new Set(['Socket', 'WebSocket', 'defaultShouldReconnect']));
  });

  it('should type-check every block, strict, against dist/index.d.ts', () => {
    for (const program of [programs.js, programs.ts]) {
      expect(report(program)).toEqual([]);
      const sources = program.getSourceFiles().map((f) => f.fileName);
      // Through the symlinked package (realpath: this checkout's dist/), never src/.
      expect(sources.some((f) => f === dist('index.d.ts') || f.endsWith('/sockline/dist/index.d.ts'))).toBe(true);
      expect(sources.some((f) => f.startsWith(join(root, 'src')))).toBe(false);
    }
  });

  it('should find every name the README imports (or reads from the global) at run time in both builds', async () => {
    const builds = {
      'node.js': await import(pathToFileURL(dist('node.js')).href),
      'browser.js': await import(pathToFileURL(dist('browser.js')).href),
      'node.cjs': createRequire(import.meta.url)(dist('node.cjs')),
      'browser.cjs': createRequire(import.meta.url)(dist('browser.cjs')),
    };
    for (const [file, exports] of Object.entries(builds)) {
      for (const name of namesUsed(blocks)) expect(typeof exports[name], `${file} exports ${name}`).toBe('function');
    }
  });

  it('the check itself: a block that imports or calls what the package lacks does not compile', () => {
    const wrong = join(app, 'readme-wrong.mjs');
    writeFileSync(
      wrong,
      "import { Socket, notExported } from 'sockline';\nconst s = new Socket('wss://x/');\ns.sendLater('x');\nnotExported();\n",
    );
    const diagnostics = report(
      ts.createProgram([...files.js, wrong], { ...options, noImplicitAny: false }, undefined, programs.js),
    ).join('\n');
    expect(diagnostics).toMatch(/notExported/);
    expect(diagnostics).toMatch(/sendLater/);
  });
});
