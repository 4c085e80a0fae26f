/**
 * Unix domain sockets (`ws+unix:`, `wss+unix:`, `socketPath`) with a real `ws` server listening on a socket file,
 * and the connection options (`family`, `localAddress`, `lookup`, `autoSelectFamily`), all on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { InvalidArgumentError, NetworkError } from '../../src/errors.js';
import type { LookupFunction } from '../../src/node/network-options.js';
import { Socket as BrowserSocket } from '../../src/index.browser.js';
import { Socket } from '../../src/index.node.js';
import { generateCert } from '../helpers/tls-cert.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { drive, freePort, NO_PROXY_ENV, withEnv } from './network-harness.js';

const cert = generateCert();
const dir = mkdtempSync(join(tmpdir(), 'sockline-unix-'));
const plainPath = join(dir, 'plain.sock');
const tlsPath = join(dir, 'tls dir.sock');
const requests: IncomingMessage[] = [];
let plain: Server;
let secure: Server;

function serve(server: Server, path: string): Promise<void> {
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws, request) => {
    requests.push(request);
    ws.on('message', (data, binary) => ws.send(data, { binary }));
  });
  return new Promise((resolve) => server.listen(path, resolve));
}

beforeAll(async () => {
  plain = createHttpServer();
  secure = createHttpsServer({ cert: cert.cert, key: cert.key });
  await Promise.all([serve(plain, plainPath), serve(secure, tlsPath)]);
});
afterAll(async () => {
  plain.closeAllConnections();
  secure.closeAllConnections();
  await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => secure.close(r))]);
  rmSync(dir, { recursive: true, force: true });
});

async function echo(url: string, options: Parameters<typeof drive>[1] = {}): Promise<string> {
  const { socket, opened, closed } = drive(url, options);
  const outcome = await Promise.race([opened.then(() => undefined), closed.then((c) => c.error ?? new Error('closed'))]);
  if (outcome) throw outcome;
  const reply = new Promise<unknown>((r) => socket.once('message', r));
  socket.send('over the socket');
  expect(await reply).toBe('over the socket');
  const url2 = socket.url;
  socket.close();
  await closed;
  return url2;
}

describe('unix domain sockets', () => {
  it('ws+unix:///path.sock:/request?query (the ws convention); Host is localhost', async () => {
    const url = `ws+unix://${plainPath}:/chat?room=1`;
    expect(await echo(url)).toBe(url);
    const request = requests.at(-1)!;
    expect(request.url).toBe('/chat?room=1');
    expect(request.headers.host).toBe('localhost');
  });

  it('without a request path, / is requested', async () => {
    await echo(`ws+unix://${plainPath}`);
    expect(requests.at(-1)!.url).toBe('/');
  });

  it('wss+unix: TLS over the socket, percent-encoded path', async () => {
    await echo(`wss+unix://${encodeURI(tlsPath)}:/secure`, { tls: { ca: cert.cert } });
    expect(requests.at(-1)!.url).toBe('/secure');
  });

  it('the socketPath option: the URL gives the Host header and path', async () => {
    await echo('ws://api.example.test/v1/stream', { socketPath: plainPath });
    const request = requests.at(-1)!;
    expect(request.url).toBe('/v1/stream');
    expect(request.headers.host).toBe('api.example.test');
  });

  it('environment proxies never apply to unix sockets', async () => {
    const env = { ...NO_PROXY_ENV, HTTP_PROXY: 'http://127.0.0.1:1', NO_PROXY: '<-loopback>' };
    const { socket, opened } = withEnv(env, () => drive(`ws+unix://${plainPath}:/env`));
    await opened;
    socket.close();
  });

  it('a missing socket file is a NetworkError naming the path', async () => {
    const { closed } = drive(`ws+unix://${join(dir, 'missing.sock')}:/`);
    const info = await closed;
    expect(info.error).toBeInstanceOf(NetworkError);
    expect(info.error!.message).toContain(`Could not connect to unix socket ${join(dir, 'missing.sock')}: `);
    expect(info.error!.message).toContain('ENOENT');
  });

  it.each([
    ['a host', 'ws+unix://host/tmp/x.sock:/', 'no host'],
    ['no socket path', 'ws+unix:', 'expected ws+unix:///path/to/socket.sock:/request/path'],
    ['a request path without /', 'ws+unix:///tmp/x.sock:x', 'must start with "/"'],
    ['broken percent-encoding', 'ws+unix:///tmp/%zz.sock:/', 'broken percent-encoding'],
    ['a fragment', 'ws+unix:///tmp/x.sock:/#f', 'cannot have a fragment'],
  ])('refuses %s at construction', (_, url, message) => {
    expect(() => new Socket(url)).toThrow(InvalidArgumentError);
    expect(() => new Socket(url)).toThrow(message);
  });

  it('browsers refuse ws+unix: URLs', () => {
    expect(() => new BrowserSocket('ws+unix:///tmp/x.sock:/')).toThrow(InvalidArgumentError);
  });
});

describe('connection options', () => {
  let v4: WsServer;
  let v6: WsServer | undefined;
  beforeAll(async () => {
    v4 = await startWsServer();
    v6 = await startWsServer({ host: '::1' }).catch(() => undefined);
  });
  afterAll(async () => {
    await Promise.all([v4?.close(), v6?.close()]);
  });

  it('lookup: a custom resolver is used for names (with all: true under autoSelectFamily)', async () => {
    const asked: string[] = [];
    const lookup: LookupFunction = (hostname, options, callback) => {
      asked.push(hostname);
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    };
    await echo(`ws://my-service.test:${v4.port}/`, { lookup });
    expect(asked).toContain('my-service.test');
  });

  it('lookup errors are NetworkErrors', async () => {
    const lookup: LookupFunction = (_h, _o, callback) =>
      callback(Object.assign(new Error('queryA ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' }), '');
    const { closed } = drive(`ws://nowhere.test:${v4.port}/`, { lookup, autoSelectFamily: false });
    const info = await closed;
    expect(info.error).toBeInstanceOf(NetworkError);
    expect(info.error!.message).toContain('ENOTFOUND');
  });

  it('localAddress: the server sees the connection from 127.0.0.2', async () => {
    const seen = new Promise<string | undefined>((resolve) =>
      v4.wss.once('connection', (_ws, request) => resolve(request.socket.remoteAddress)),
    );
    await echo(v4.url, { localAddress: '127.0.0.2' });
    expect(await seen).toBe('127.0.0.2');
  });

  it('family: 6 reaches a server on ::1 by name, family: 4 does not', async () => {
    if (!v6) return console.log('skipping the family test: no ::1 on this machine');
    const lookup: LookupFunction = (_h, options, callback) => {
      const all = [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ].filter((a) => !options.family || a.family === options.family);
      if (options.all) callback(null, all);
      else if (all.length) callback(null, all[0].address, all[0].family);
      else callback(Object.assign(new Error('no address for family'), { code: 'ENOTFOUND' }), '');
    };
    await echo(`ws://dual.test:${v6.port}/`, { lookup, family: 6 });
    const { closed } = drive(`ws://dual.test:${v6.port}/`, { lookup, family: 4 });
    expect((await closed).error).toBeInstanceOf(NetworkError);
  });

  it('autoSelectFamily: true falls back from a dead ::1 to 127.0.0.1; false tries only the first address', async () => {
    const lookup: LookupFunction = (_h, options, callback) => {
      const all = [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ];
      if (options.all) callback(null, all);
      else callback(null, all[0].address, all[0].family);
    };
    // v4 listens on 127.0.0.1 only, so ::1 on its port refuses.
    await echo(`ws://both.test:${v4.port}/`, { lookup, autoSelectFamily: true });
    const { closed } = drive(`ws://both.test:${v4.port}/`, { lookup, autoSelectFamily: false });
    const info = await closed;
    expect(info.error).toBeInstanceOf(NetworkError);
    expect(info.error!.message).toContain('ECONNREFUSED');
  });

  it('a port nobody listens on is a retryable NetworkError (sanity)', async () => {
    const port = await freePort();
    const { closed } = drive(`ws://127.0.0.1:${port}/`, {});
    expect((await closed).error).toBeInstanceOf(NetworkError);
  });
});

describe('option validation', () => {
  it.each([
    [{ family: 5 }, 'Invalid option family: number 5 (expected 0, 4 or 6)'],
    [{ localAddress: 'localhost' }, 'Invalid option localAddress: "localhost" (expected an IPv4 or IPv6 address'],
    [{ localAddress: '[::1]' }, 'Invalid option localAddress'],
    [{ lookup: 'dns' }, 'Invalid option lookup: "dns" (expected a function like dns.lookup)'],
    [{ autoSelectFamily: 'yes' }, 'Invalid option autoSelectFamily: "yes" (expected true or false)'],
    [{ socketPath: '' }, 'Invalid option socketPath'],
    [{ followRedirects: 1 }, 'Invalid option followRedirects: number (expected true or false)'],
    [{ maxRedirects: -1 }, 'Invalid option maxRedirects: number -1 (expected an integer from 0 to 1000)'],
    [{ maxRedirects: 1.5 }, 'Invalid option maxRedirects'],
    [{ sensitiveHeaders: 'cookie' }, 'Invalid option sensitiveHeaders: "cookie" (expected an array of header names)'],
    [{ sensitiveHeaders: ['ok', 'not ok'] }, 'Invalid option sensitiveHeaders[1]: "not ok" (expected a header name)'],
    [{ proxyTls: null }, 'Invalid option proxyTls: null (expected an object of tls.connect options)'],
    [{ proxy: 5 }, 'Invalid option proxy: expected a proxy URL string'],
    [{ proxy: true }, 'Invalid option proxy: expected a proxy URL string'],
  ])('%o → %s', (options, message) => {
    const make = () => new Socket('ws://127.0.0.1:1/', options as object);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(message);
  });

  it.each([
    'proxy',
    'proxyTls',
    'followRedirects',
    'maxRedirects',
    'sensitiveHeaders',
    'socketPath',
    'family',
    'localAddress',
    'lookup',
    'autoSelectFamily',
  ])('browsers refuse %s', (name) => {
    expect(() => new BrowserSocket('ws://127.0.0.1:1/', { [name]: false } as object)).toThrow(
      `Option ${name} is not supported in browsers`,
    );
  });
});
