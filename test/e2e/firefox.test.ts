/**
 * Real Firefox end to end: Debian's firefox-esr driven over WebDriver BiDi (puppeteer-core), running the same
 * browser scenarios as the Chromium suite (chromium.test.ts) from the same pages and the same shared modules:
 *
 * - /cdn.html: dist/sockline.min.js from a plain <script src>, global `Sockline`;
 * - /esm.html: dist/browser.js from <script type="module"> with an import map.
 *
 * Each runs test/shared/echo-scenarios.ts, the README example and the reconnect scenario against a local `ws`
 * server on 127.0.0.1. Needs dist/ (npm test builds it first). Without Debian firefox-esr the suite is skipped with
 * the install line in the run's summary (a failure under CI=true).
 */
import { pathToFileURL } from 'node:url';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { requirePeer } from '../helpers/peers.js';
import { assertBuilt, dist, root } from '../package/helpers.js';
import { scenariosFor, type Scenario, type Transcript } from '../shared/echo-scenarios.js';
import { README_EXAMPLE_LOG } from '../shared/readme-example.js';
import { RECONNECT_EXPECTED } from '../shared/reconnect-scenario.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { recordBrowserPage } from '../matrix/suite.js';
import { launchFirefox, type Firefox } from './firefox.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const firefoxPeer = requirePeer('firefox-esr');

const BROWSER_TIMEOUT = 90_000;
const SCENARIO_TIMEOUT = 20_000;

let ws: WsServer | undefined;
let web: StaticServer | undefined;
let launched: Promise<Firefox> | undefined;
const pageProblems = new Map<string, string[]>();

let servers: Promise<void> | undefined;
const setUp = (): Promise<void> =>
  (servers ??= (async () => {
    assertBuilt();
    ws = await startWsServer({ routes: true });
    web = await startStaticServer(root);
  })());
const firefox = (): Promise<Firefox> => (launched ??= setUp().then(() => launchFirefox(firefoxPeer.path!)));

afterAll(async () => {
  await launched?.then(
    (f) => f.close(),
    () => {},
  );
  await web?.close();
  await ws?.close();
}, BROWSER_TIMEOUT);

async function openPage(path: '/cdn.html' | '/esm.html'): Promise<Page> {
  const page = await (await firefox()).browser.newPage();
  const problems: string[] = [];
  pageProblems.set(path, problems);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${(error as Error).message}`));
  page.setDefaultTimeout(SCENARIO_TIMEOUT);
  await page.goto(web!.origin + path);
  try {
    await page.waitForFunction(
      () => (window as { ready?: boolean; loadError?: string }).ready || (window as { loadError?: string }).loadError,
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

/** Evaluates `call` (an expression using `module`) in the page after importing `/shared/<file>.js`. */
function inPage<T>(page: Page, file: string, call: string): Promise<T> {
  return page.evaluate(`import(${JSON.stringify(`/shared/${file}.js`)}).then((module) => ${call})`) as Promise<T>;
}

function runInPage(page: Page, scenario: Scenario): Promise<Transcript> {
  return inPage(
    page,
    'echo-scenarios',
    `module.runScenario(window.Sockline, ${JSON.stringify(ws!.url)}, module.SCENARIOS.find((s) => s.name === ${JSON.stringify(scenario.name)}), ${SCENARIO_TIMEOUT - 2_000})`,
  );
}

let flakyId = 0;
const flakyUrl = (): string => `${ws!.url}/flaky?id=firefox-${++flakyId}&drops=1`;

describe.skipIf(firefoxPeer.skip).each([
  { label: 'Firefox, CDN build from <script src> (global Sockline)', path: '/cdn.html' as const },
  { label: 'Firefox, ESM build from <script type="module">', path: '/esm.html' as const },
])('$label', ({ path }) => {
  let opened: Promise<Page> | undefined;
  const page = (): Promise<Page> => (opened ??= openPage(path));

  // For the README's support table (scripts/support-table.mjs): which tests of this page failed, if any.
  const failed: string[] = [];
  let version = '';
  afterEach((context) => {
    if (context.task.result?.state !== 'pass') failed.push(context.task.name);
  });
  afterAll(async () => {
    if (opened) {
      version ||= (await (await firefox()).browser.version().catch(() => '')).replace(/^firefox\//, '');
      recordBrowserPage(
        `firefox-${path.slice(1, -5)}`,
        `Firefox ESR ${version}`,
        path === '/cdn.html' ? 'CDN `<script src>`' : '`<script type="module">`, import map',
        path === '/cdn.html' ? 'dist/sockline.min.js' : 'dist/browser.js',
        failed,
      );
    }
    await opened?.then(
      (p) => p.close(),
      () => {},
    );
  }, BROWSER_TIMEOUT);

  it('should run in a real Firefox, with the exports of the Node build', { timeout: BROWSER_TIMEOUT }, async () => {
    const { userAgent, exports } = await (await page()).evaluate(() => ({
      userAgent: navigator.userAgent,
      exports: Object.keys((window as unknown as { Sockline: object }).Sockline).sort(),
    }));
    expect(userAgent).toMatch(/Gecko\/\d+ Firefox\/\d+/);
    const nodeBuild = (await import(pathToFileURL(dist('node.js')).href)) as object;
    expect(exports).toEqual(Object.keys(nodeBuild).sort());
  });

  it.each(scenariosFor('browser'))('$name', { timeout: SCENARIO_TIMEOUT }, async (scenario) => {
    expect(await runInPage(await page(), scenario)).toEqual(scenario.expected);
  });

  it('should run the README example unchanged', { timeout: SCENARIO_TIMEOUT }, async () => {
    expect(
      await inPage(await page(), 'readme-example', `module.readmeExample(window.Sockline, ${JSON.stringify(`${ws!.url}/echo`)})`),
    ).toEqual(README_EXAMPLE_LOG);
  });

  it('should reconnect after the server drops the link and deliver what was queued, in order', {
    timeout: SCENARIO_TIMEOUT,
  }, async () => {
    expect(
      await inPage(
        await page(),
        'reconnect-scenario',
        `module.reconnectScenario(window.Sockline, ${JSON.stringify(flakyUrl())}, ${SCENARIO_TIMEOUT - 2_000})`,
      ),
    ).toEqual(RECONNECT_EXPECTED);
  });

  it('should refuse the Node-only options with InvalidArgumentError', async () => {
    const thrown = await (await page()).evaluate(`(() => {
      try { new window.Sockline.Socket(${JSON.stringify(`${ws!.url}/echo`)}, { headers: { authorization: 'x' } }); return 'no error'; }
      catch (error) { return error.name + ': ' + error.message; }
    })()`);
    expect(thrown).toMatch(/^InvalidArgumentError: Option headers is not supported in browsers/);
  });

  it('should have logged no console error and thrown no page error', async () => {
    await page();
    expect(pageProblems.get(path)).toEqual([]);
  });
});
