/**
 * The WebSocket class in real Chromium (Debian's /usr/bin/chromium through playwright-core):
 *
 * - every scenario of test/shared/websocket-scenarios.ts with sockline's browser build (dist/browser.js, ESM, import
 *   map) AND with Chromium's own native `WebSocket`, with the same expectations as the Node build: the native run
 *   proves the expectations are the standard's;
 * - test/shared/graphql-scenario.ts: graphql-ws's client (bundled for the page with rollup from the package's
 *   `browser` export) over sockline's browser build, against a graphql-ws server in this process.
 *
 * Page, scenarios, bundles and WebSocket endpoints share one loopback origin (test/websocket/server.ts). Needs dist/.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import type { Page } from 'playwright-core';
import { rollup } from 'rollup';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from '../e2e/chromium.js';
import { assertBuilt, root } from '../package/helpers.js';
import { GRAPHQL_EXPECTED, GRAPHQL_TOKEN } from '../shared/graphql-scenario.js';
import { STANDARD_SCENARIOS } from '../shared/websocket-scenarios.js';
import { startStandardServer, type StandardServer } from './server.js';

const TIMEOUT = 30_000;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>sockline WebSocket</title>
<script type="importmap">
{ "imports": {
    "sockline": "/dist/browser.js",
    "eventemitter3": "/node_modules/eventemitter3/dist/eventemitter3.esm.js"
} }
</script>
<script type="module">
  import * as Sockline from 'sockline';
  window.Sockline = Sockline;
  window.ready = true;
</script>
</head><body>websocket</body></html>`;

/** test/shared/<name>.ts with its types stripped, as the page imports it. */
async function shared(name: string): Promise<[string, string]> {
  const source = await readFile(join(root, 'test', 'shared', `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return ['text/javascript', outputText];
}

/** graphql-ws's client as an app's bundler would build it for a browser (the package's `browser` export). */
async function graphqlWsBundle(): Promise<[string, string]> {
  const entry = '\0graphql-ws-entry';
  const bundle = await rollup({
    input: entry,
    plugins: [
      {
        name: 'entry',
        resolveId: (id) => (id === entry ? id : null),
        load: (id) => (id === entry ? "export { createClient } from 'graphql-ws';" : null),
      },
      nodeResolve({ browser: true, rootDir: root, modulePaths: [join(root, 'node_modules')] }),
      commonjs(),
    ],
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  return ['text/javascript', output[0].code];
}

const file = (path: string) => async (): Promise<[string, Buffer]> => ['text/javascript', await readFile(join(root, path))];

let server: StandardServer | undefined;
let browser: Chromium | undefined;
let page: Promise<Page> | undefined;
const problems: string[] = [];

// Set up lazily inside the tests: a missing build or browser then fails each test with its fix (this repository
// allows no skipped tests).
const openPage = (): Promise<Page> =>
  (page ??= (async () => {
    assertBuilt();
    server = await startStandardServer({
      '/page.html': () => ['text/html; charset=utf-8', PAGE],
      '/dist/browser.js': file('dist/browser.js'),
      '/node_modules/eventemitter3/dist/eventemitter3.esm.js': file('node_modules/eventemitter3/dist/eventemitter3.esm.js'),
      '/shared/websocket-scenarios.js': () => shared('websocket-scenarios'),
      '/shared/graphql-scenario.js': () => shared('graphql-scenario'),
      '/graphql-ws.js': graphqlWsBundle,
    });
    browser = await launchChromium();
    const p = await browser.context.newPage();
    p.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    p.setDefaultTimeout(TIMEOUT);
    await p.goto(`${server.origin}/page.html`);
    await p.waitForFunction(() => (window as { ready?: boolean }).ready === true, null, { timeout: TIMEOUT });
    return p;
  })());

afterAll(async () => {
  await page?.then(
    (p) => p.close(),
    () => {},
  );
  await browser?.close();
  await server?.close();
}, TIMEOUT);

/** Runs the named scenario in the page with `impl` ('sockline': the browser build's class, 'native': the browser's). */
async function runInPage(name: string, impl: 'sockline' | 'native'): Promise<unknown> {
  const p = await openPage();
  const WS = impl === 'native' ? 'window.WebSocket' : 'window.Sockline.WebSocket';
  return p.evaluate(
    `import('/shared/websocket-scenarios.js').then((m) => m.STANDARD_SCENARIOS.find((s) => s.name === ${JSON.stringify(name)}).run(${WS}, ${JSON.stringify(server!.url)}))`,
  );
}

describe.each([
  { label: "Chromium's native WebSocket (the standard's reference)", impl: 'native' as const },
  { label: "sockline's WebSocket, browser build, in Chromium", impl: 'sockline' as const },
])('$label', ({ impl }) => {
  it.each(STANDARD_SCENARIOS)('$name', { timeout: TIMEOUT }, async (scenario) => {
    expect(await runInPage(scenario.name, impl)).toEqual(scenario.expected);
  });
});

describe('graphql-ws in Chromium over the browser build', () => {
  it('should run a query, 100 subscription events in order, send connectionParams and recover with its own retryAttempts', {
    timeout: TIMEOUT,
  }, async () => {
    const p = await openPage();
    const before = server!.graphql.connectionParams.length;
    const transcript = await p.evaluate(
      `Promise.all([import('/graphql-ws.js'), import('/shared/graphql-scenario.js')]).then(([gql, m]) =>
        m.graphqlScenario(gql.createClient, window.Sockline.WebSocket, ${JSON.stringify(`${server!.url}/graphql`)}, ${TIMEOUT - 5_000}))`,
    );
    expect(transcript).toEqual(GRAPHQL_EXPECTED);
    // One connection before the drop, one after: both sent the connectionParams.
    expect(server!.graphql.connectionParams.slice(before)).toEqual([{ token: GRAPHQL_TOKEN }, { token: GRAPHQL_TOKEN }]);
  });

  it('should have thrown no page error', async () => {
    await openPage();
    expect(problems).toEqual([]);
  });
});
