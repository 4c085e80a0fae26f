/**
 * Real Chromium end to end (Debian's /usr/bin/chromium through playwright-core), plus the Node build
 * running the same scenarios, so "the same code runs unchanged in Node and in the browser" is shown
 * side by side:
 *
 * - Node: dist/node.js (what `import 'sockline'` gives a Node app);
 * - Chromium, /cdn.html: dist/sockline.min.js from a plain <script src>, global `Sockline`;
 * - Chromium, /esm.html: dist/browser.js from <script type="module"> with an import map;
 * - Chromium, /esm-production.html: the same with dist/browser.production.js (issue 16).
 *
 * Each runs test/shared/echo-scenarios.ts (served to the page, types stripped) against a local `ws`
 * server on 127.0.0.1, and the README example from test/shared/readme-example.ts.
 * Needs dist/ (npm test builds it first). Without Debian chromium the Chromium suites are skipped with the
 * install line in the run's summary (a failure under CI=true); the Node build suite always runs.
 */
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { requirePeer } from '../helpers/peers.js';
import { assertBuilt, dist, root } from '../package/helpers.js';
import { runScenario, scenariosFor, type Scenario, type SocklineApi, type Transcript } from '../shared/echo-scenarios.js';
import { README_EXAMPLE_LOG, readmeExample } from '../shared/readme-example.js';
import { RECONNECT_EXPECTED, reconnectScenario } from '../shared/reconnect-scenario.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { recordBrowserPage } from '../matrix/suite.js';
import { launchChromium, type Chromium } from './chromium.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const chromiumPeer = requirePeer('chromium');

const BROWSER_TIMEOUT = 60_000;
const SCENARIO_TIMEOUT = 20_000;

let ws: WsServer | undefined;
let web: StaticServer | undefined;
let browser: Promise<Chromium> | undefined;
/** Console errors and uncaught page errors, per page: a passing scenario must leave none. */
const pageProblems = new Map<string, string[]>();

// Everything is set up lazily, inside the tests: a missing build or browser then fails each test
// with its fix (a failing beforeAll would only mark them skipped; only a missing browser skips, via requirePeer).
let servers: Promise<void> | undefined;
const setUp = (): Promise<void> =>
  (servers ??= (async () => {
    assertBuilt();
    ws = await startWsServer({ routes: true });
    web = await startStaticServer(root);
  })());
const chromium = (): Promise<Chromium> => (browser ??= setUp().then(launchChromium));

afterAll(async () => {
  await browser?.then(
    (b) => b.close(),
    () => {},
  );
  await web?.close();
  await ws?.close();
}, BROWSER_TIMEOUT);

/** Opens one of the static pages and waits until it has defined `window.Sockline`. */
async function openPage(path: '/cdn.html' | '/esm.html' | '/esm-production.html'): Promise<Page> {
  const page = await (await chromium()).context.newPage();
  const problems: string[] = [];
  pageProblems.set(path, problems);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.setDefaultTimeout(SCENARIO_TIMEOUT);
  await page.goto(web!.origin + path);
  try {
    await page.waitForFunction(
      () => (window as { ready?: boolean; loadError?: string }).ready || (window as { loadError?: string }).loadError,
      null,
      {
        timeout: SCENARIO_TIMEOUT,
      },
    );
  } catch (error) {
    throw new Error(`${path} did not load sockline (404s: ${web!.notFound.join(', ') || 'none'}; ${problems.join('; ')})`, {
      cause: error,
    });
  }
  const loadError = await page.evaluate(() => (window as { loadError?: string }).loadError);
  if (loadError) throw new Error(`${path} failed to load sockline: ${loadError}; 404s: ${web!.notFound.join(', ')}`);
  return page;
}

/**
 * Evaluates `call` (an expression using `module`) in the page after importing `/shared/<file>.js`.
 * Passed as a string: vitest rewrites `import()` inside functions, and the page must use its own.
 */
function inPage<T>(page: Page, file: string, call: string): Promise<T> {
  return page.evaluate(`import(${JSON.stringify(`/shared/${file}.js`)}).then((module) => ${call})`) as Promise<T>;
}

/** Runs a shared scenario inside the page, with the page's own copy of the scenario module. */
function runInPage(page: Page, scenario: Scenario): Promise<Transcript> {
  const args = [JSON.stringify(ws!.url), JSON.stringify(scenario.name), SCENARIO_TIMEOUT - 2_000];
  return inPage(
    page,
    'echo-scenarios',
    `module.runScenario(window.Sockline, ${args[0]}, module.SCENARIOS.find((s) => s.name === ${args[1]}), ${args[2]})`,
  );
}

let flakyId = 0;
/** A `/flaky` URL whose first connection the server drops (a fresh id per run). */
const flakyUrl = (): string => `${ws!.url}/flaky?id=${++flakyId}&drops=1`;

function reconnectInPage(page: Page): Promise<unknown> {
  return inPage(
    page,
    'reconnect-scenario',
    `module.reconnectScenario(window.Sockline, ${JSON.stringify(flakyUrl())}, ${SCENARIO_TIMEOUT - 2_000})`,
  );
}

function readmeInPage(page: Page): Promise<string[]> {
  return inPage(page, 'readme-example', `module.readmeExample(window.Sockline, ${JSON.stringify(`${ws!.url}/echo`)})`);
}

describe('Node build (dist/node.js)', () => {
  const nodeBuild = async (): Promise<SocklineApi> => {
    await setUp();
    return (await import(pathToFileURL(dist('node.js')).href)) as SocklineApi;
  };

  it.each(scenariosFor('node'))('$name', { timeout: SCENARIO_TIMEOUT }, async (scenario) => {
    expect(await runScenario(await nodeBuild(), ws!.url, scenario, SCENARIO_TIMEOUT - 2_000)).toEqual(scenario.expected);
  });

  it('should run the README example unchanged', { timeout: SCENARIO_TIMEOUT }, async () => {
    expect(await readmeExample(await nodeBuild(), `${ws!.url}/echo`)).toEqual(README_EXAMPLE_LOG);
  });

  it('should reconnect after the server drops the link and deliver what was queued, in order', {
    timeout: SCENARIO_TIMEOUT,
  }, async () => {
    expect(await reconnectScenario(await nodeBuild(), flakyUrl(), SCENARIO_TIMEOUT - 2_000)).toEqual(RECONNECT_EXPECTED);
  });
});

describe.skipIf(chromiumPeer.skip).each([
  { label: 'Chromium, CDN build from <script src> (global Sockline)', path: '/cdn.html' as const },
  { label: 'Chromium, ESM build from <script type="module">', path: '/esm.html' as const },
  // Issue 16: the production build passes the same suite.
  { label: 'Chromium, ESM production build (dist/browser.production.js)', path: '/esm-production.html' as const },
])('$label', ({ path }) => {
  let opened: Promise<Page> | undefined;
  const page = (): Promise<Page> => (opened ??= openPage(path));

  // For the README's support table (scripts/support-table.mjs): which tests of this page failed, if any.
  const failed: string[] = [];
  afterEach((context) => {
    if (context.task.result?.state !== 'pass') failed.push(context.task.name);
  });
  afterAll(async () => {
    if (opened) {
      const version =
        (await browser?.then(
          (b) => b.context.browser()?.version() ?? '',
          () => '',
        )) ?? '';
      const cdn = path === '/cdn.html';
      const production = path === '/esm-production.html';
      recordBrowserPage(
        `chromium-${path.slice(1, -5)}`,
        `Chromium ${version}`,
        cdn
          ? 'CDN `<script src>`'
          : production
            ? '`<script type="module">`, import map, production build'
            : '`<script type="module">`, import map',
        cdn ? 'dist/sockline.min.js' : production ? 'dist/browser.production.js' : 'dist/browser.js',
        failed,
      );
    }
    await opened?.then(
      (p) => p.close(),
      () => {},
    );
  }, BROWSER_TIMEOUT);

  it('should run in a real Chromium, with the exports of the Node build', { timeout: BROWSER_TIMEOUT }, async () => {
    const { userAgent, exports } = await (await page()).evaluate(() => ({
      userAgent: navigator.userAgent,
      exports: Object.keys((window as unknown as { Sockline: object }).Sockline).sort(),
    }));
    expect(userAgent).toMatch(/HeadlessChrome\/\d+/);
    const nodeBuild = (await import(pathToFileURL(dist('node.js')).href)) as object;
    expect(exports).toEqual(Object.keys(nodeBuild).sort());
  });

  it.each(scenariosFor('browser'))('$name', { timeout: SCENARIO_TIMEOUT }, async (scenario) => {
    expect(await runInPage(await page(), scenario)).toEqual(scenario.expected);
  });

  it('should run the README example unchanged', { timeout: SCENARIO_TIMEOUT }, async () => {
    expect(await readmeInPage(await page())).toEqual(README_EXAMPLE_LOG);
  });

  it('should reconnect after the server drops the link and deliver what was queued, in order', {
    timeout: SCENARIO_TIMEOUT,
  }, async () => {
    expect(await reconnectInPage(await page())).toEqual(RECONNECT_EXPECTED);
  });

  it('should refuse the Node-only options with InvalidArgumentError', async () => {
    const thrown = await (await page()).evaluate(`(() => {
      try { new window.Sockline.Socket(${JSON.stringify(`${ws!.url}/echo`)}, { headers: { authorization: 'x' } }); return 'no error'; }
      catch (error) { return error.name + ': ' + error.message; }
    })()`);
    expect(thrown).toMatch(/^InvalidArgumentError: Option headers is not supported in browsers/);
  });

  // Issue 16: the heartbeat is opt-in code in the browser build (heartbeat() from 'sockline/heartbeat', also on the
  // main entry); its timers must work with browsers' numeric timer ids (Node's refresh() does not exist there).
  it('should run an application heartbeat passed as heartbeat({ message }), swallowing the echoed pings', {
    timeout: SCENARIO_TIMEOUT,
  }, async () => {
    const result = await (await page()).evaluate(`new Promise((resolve) => {
      const { Socket, heartbeat } = window.Sockline;
      const socket = new Socket(${JSON.stringify(`${ws!.url}/echo`)}, {
        reconnect: false,
        heartbeat: heartbeat({ message: 'hb', interval: 150, timeout: 1000, isPong: (data) => (pongs++, data === 'hb') }),
      });
      let pongs = 0;
      const seen = [];
      socket.on('message', (data) => seen.push(data));
      socket.on('error', (error) => seen.push('error: ' + error.message));
      socket.on('open', () => setTimeout(() => { const state = socket.state; socket.close(); resolve({ state, seen, echoed: pongs >= 3 }); }, 800));
    })`);
    expect(result).toEqual({ state: 'open', seen: [], echoed: true });
  });

  it('should have logged no console error and thrown no page error', async () => {
    await page();
    expect(pageProblems.get(path)).toEqual([]);
  });
});
