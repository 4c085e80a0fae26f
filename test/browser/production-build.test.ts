// @vitest-environment happy-dom
/**
 * Issue 16: the production build (dist/browser.production.js, the "production" export condition) passes the same
 * browser scenarios as the default build under happy-dom (test/browser/socket.test.ts runs them on src/), and its
 * argument errors are the short ones: same class and code, the option named, a README link.
 * Needs dist/ (npm test builds it first).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, scenariosFor, type SocklineApi } from '../shared/echo-scenarios.js';
import { README_EXAMPLE_LOG, readmeExample } from '../shared/readme-example.js';
import { startWsServer, type TestWsServer } from '../shared/ws-server.js';
import { assertBuilt, dist, root } from '../package/helpers.js';

let server: TestWsServer;
let builds: [string, SocklineApi][];

beforeAll(async () => {
  assertBuilt();
  server = await startWsServer();
  builds = await Promise.all(
    ['browser.js', 'browser.production.js'].map(
      async (file) => [file, (await import(pathToFileURL(dist(file)).href)) as SocklineApi] as [string, SocklineApi],
    ),
  );
});
afterAll(async () => {
  await server.close();
});

const FILES = ['browser.js', 'browser.production.js'];
const api = (file: string): SocklineApi => builds.find(([f]) => f === file)![1];
type Build = { Socket: new (url: string, options?: object) => { close(): void }; heartbeat: (o: object) => object };
const build = (file: string) => api(file) as unknown as Build;

describe.each(FILES)('dist/%s under happy-dom', (file) => {
  it.each(scenariosFor('browser'))('$name', async (scenario) => {
    expect(await runScenario(api(file), server.url, scenario)).toEqual(scenario.expected);
  });

  it('should run the README example unchanged', async () => {
    expect(await readmeExample(api(file), `${server.url}/echo`)).toEqual(README_EXAMPLE_LOG);
  });

  it('should refuse a Node-only option and a plain heartbeat object with InvalidArgumentError in both builds', () => {
    const { Socket, heartbeat } = build(file);
    const thrown = (options: object) => {
      try {
        new Socket(`${server.url}/echo`, options).close();
      } catch (error) {
        return error as { name: string; code: string; message: string };
      }
      return undefined;
    };
    expect(thrown({ headers: { authorization: 'x' } })).toMatchObject({
      name: 'InvalidArgumentError',
      code: 'ERR_SOCKLINE_INVALID_ARGUMENT',
      message: expect.stringMatching(/^Option headers is not supported in browsers/),
    });
    expect(thrown({ heartbeat: { message: 'ping' } })?.message).toContain('sockline/heartbeat');
    expect(thrown({ heartbeat: heartbeat({ message: 'ping' }) })).toBeUndefined();
  });
});

describe('production messages', () => {
  it('should be short, keep the class, the code and the option name, and link to the README section', () => {
    const messages = FILES.map((file) => {
      try {
        new (build(file).Socket)(`${server.url}/echo`, { reconnect: { minDelay: -1 } });
      } catch (error) {
        return error as { name: string; code: string; message: string };
      }
      return undefined;
    });
    expect(messages[0]).toMatchObject({
      name: 'InvalidArgumentError',
      message: 'Invalid option reconnect.minDelay: -1 (expected a number from 0 to 2147483647)',
    });
    expect(messages[1]).toMatchObject({
      name: 'InvalidArgumentError',
      code: 'ERR_SOCKLINE_INVALID_ARGUMENT',
      message: 'Invalid option reconnect.minDelay (https://github.com/sockline/sockline#options)',
    });
  });

  it('should leave out the static checks: an unknown option name is ignored in production only', () => {
    const [dev, production] = FILES.map(
      (file) => () => new (build(file).Socket)(`${server.url}/echo`, { reconect: false }).close(),
    );
    expect(dev).toThrow('Unknown option reconect');
    expect(production).not.toThrow();
  });

  it('should give messages() and sendStream() short messages too, with the Streams link and the same classes', async () => {
    const streams = `${server.url}/echo`;
    const errors = FILES.map((file) => {
      const socket = new (build(file).Socket)(streams) as unknown as {
        messages(options?: object): unknown;
        sendStream(options?: object): unknown;
        close(): void;
      };
      const caught = (call: () => unknown) => {
        try {
          call();
        } catch (error) {
          return error as { name: string; code: string; message: string };
        }
        return undefined;
      };
      const result = [
        caught(() => socket.messages({ highWaterMark: { messages: 0 } })),
        caught(() => socket.sendStream({ binary: 'yes' })),
      ];
      socket.close();
      result.push(caught(() => socket.sendStream()));
      return result;
    });
    const [dev, production] = errors;
    expect(dev.map((e) => e?.name)).toEqual(['InvalidArgumentError', 'InvalidArgumentError', 'InvalidStateError']);
    expect(production.map((e) => e?.name)).toEqual(dev.map((e) => e?.name));
    expect(production.map((e) => e?.code)).toEqual(dev.map((e) => e?.code));
    expect(dev[0]!.message).toBe('Invalid messages() option highWaterMark.messages: 0 (a positive integer)');
    for (const error of production) {
      expect(error!.message).toMatch(/^(Invalid messages\(\)|Invalid sendStream\(\)|Cannot sendStream\(\))/);
      expect(error!.message).toMatch(/ \(https:\/\/github\.com\/sockline\/sockline#streams-messages-sendstream-and-drain\)$/);
      expect(error!.message.length).toBeLessThan(dev[production.indexOf(error)]!.message.length + 80);
    }
  });

  it('should link every short message to a README section that exists', () => {
    // Every `brief(short, section)` in src/ (src/dev.ts): the section must be a heading's GitHub anchor in README.md.
    const slug = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s-]/gu, '')
        .replace(/\s/g, '-');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const headings = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const sections = sources(join(root, 'src')).flatMap((file) => [
      ...[...readFileSync(file, 'utf8').matchAll(/\bbrief\(((?:[^()]|\([^()]*\))*?),\s*'([a-z0-9-]+)'\s*,?\s*\)/g)].map(
        (m) => m[2],
      ),
    ]);
    expect(sections.length).toBeGreaterThan(15); // the scan finds the calls (a broken pattern would pass vacuously)
    expect(sections).toContain('streams-messages-sendstream-and-drain');
    expect([...new Set(sections)].filter((section) => !headings.has(section))).toEqual([]);
  });
});
