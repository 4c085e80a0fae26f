/**
 * Issue 11 item 2: an `error` no listener hears is reported once per Socket on the `logger`; the `debug` log
 * (Node: formatted lines, DEBUG/NODE_DEBUG; browsers: the event's objects) never shows a secret.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, NetworkError, TimeoutError } from '../../src/errors.js';
import { debugFromEnv, formatDebug } from '../../src/node/debug-log.js';
import { nodeRuntime } from '../../src/node/runtime.js';
import { SocketCore } from '../../src/socket.js';
import type { SocketOptions } from '../../src/options.js';
import { script, scriptRuntime, settle, testOptions } from './helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const URL_WITH_TOKEN = 'ws://example.test/socket?token=s3cret';
const refused = () => new NetworkError('Could not connect to ws://example.test/socket: connect ECONNREFUSED 127.0.0.1:80');

/** A Socket without any listener (unlike createSocket, which records every event). */
function bare(options: SocketOptions, runtime: 'node' | 'browser' = 'node', url = URL_WITH_TOKEN) {
  const s = script();
  const socket = new SocketCore(url, testOptions(options), scriptRuntime(s, runtime));
  return { socket, s };
}

describe('an error no listener hears', () => {
  it('is reported once per Socket, with the cause and the next retry', async () => {
    const warn = vi.fn();
    const { s, socket } = bare({ logger: { warn } });
    await settle();
    s.last.fail(refused());
    expect(warn).toHaveBeenCalledTimes(1);
    const [line] = warn.mock.calls[0] as [string];
    expect(line).toBe(
      'sockline: Could not connect to ws://example.test/socket: connect ECONNREFUSED 127.0.0.1:80; retrying in 1.0 s; ' +
        "add an 'error' listener to handle this (or logger: false)",
    );
    await vi.advanceTimersByTimeAsync(1000);
    s.last.fail(refused());
    expect(warn).toHaveBeenCalledTimes(1);
    socket.close();
  });

  it('names the URL without its query when the message does not, and says when nothing follows', async () => {
    const warn = vi.fn();
    const { s } = bare({ logger: { warn }, reconnect: false });
    await settle();
    s.last.fail(new TimeoutError('Could not connect within 100 ms (connectionTimeout)', 'connect', 100));
    expect(warn.mock.calls[0][0]).toMatch(
      /^sockline: Could not connect within 100 ms \(connectionTimeout\) \(ws:\/\/example\.test\/socket\); not retrying;/,
    );
    expect(warn.mock.calls[0][0]).not.toContain('s3cret');
  });

  it('goes to console.warn by default, and nowhere with logger: false or with an error listener', async () => {
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const a = bare({});
    await settle();
    a.s.last.fail(refused());
    expect(consoleWarn).toHaveBeenCalledTimes(1);
    const b = bare({ logger: false });
    const warn = vi.fn();
    const c = bare({ logger: { warn } });
    c.socket.on('error', () => {});
    await settle();
    b.s.last.fail(refused());
    c.s.last.fail(refused());
    expect(consoleWarn).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
    for (const x of [a, b, c]) x.socket.close();
  });

  it('refuses a logger without warn() and a debug that is not a boolean', () => {
    expect(() => bare({ logger: {} as never })).toThrow(InvalidArgumentError);
    expect(() => bare({ logger: {} as never })).toThrow('Invalid option logger');
    expect(() => bare({ debug: 'yes' as never })).toThrow('Invalid option debug');
  });
});

describe('the debug log', () => {
  it('Node: logs attempts, states, the open with handshake names, delays; never a query, header value or payload', async () => {
    const debug = vi.fn();
    const { s, socket } = bare({ logger: { warn: vi.fn(), debug }, debug: true, headers: { authorization: 'Bearer s3cret' } });
    socket.on('error', () => {});
    await settle();
    s.last.open({
      protocol: 'v1',
      handshake: {
        key: 'k',
        expectedAccept: 'a',
        receivedAccept: 'a',
        status: 101,
        headers: { upgrade: 'websocket', 'set-cookie': 's3cret=1' },
      },
    });
    s.last.receive('payload s3cret');
    s.last.fail(refused());
    const lines = debug.mock.calls.map((call) => String(call[0]).replace(/^sockline \d\d:\d\d:\d\d\.\d{3} /, ''));
    expect(lines.slice(0, 4)).toEqual([
      'attempt 1: ws://example.test/socket',
      'state connecting -> open',
      'open (attempt 0, reconnected false), protocol "v1", extensions ""; handshake 101, accept verified, headers: upgrade, set-cookie',
      'message text 14 B',
    ]);
    expect(lines).toContain(
      'reconnecting: retry 1 in 1000 ms (after code 1006, not clean; NetworkError ERR_SOCKLINE_NETWORK: Could not connect to ws://example.test/socket: connect ECONNREFUSED 127.0.0.1:80)',
    );
    expect(lines.indexOf('state open -> reconnecting')).toBeLessThan(lines.findIndex((l) => l.startsWith('error;')));
    expect(debug.mock.calls.join('\n')).not.toContain('s3cret');
    socket.close();
  });

  it('Node: DEBUG=sockline and NODE_DEBUG=sockline switch it on; debug: false wins', () => {
    expect(debugFromEnv({ DEBUG: 'sockline' })).toBe(true);
    expect(debugFromEnv({ DEBUG: 'express,sockline*' })).toBe(true);
    expect(debugFromEnv({ DEBUG: 'sockline:*' })).toBe(true);
    expect(debugFromEnv({ DEBUG: '*' })).toBe(true);
    expect(debugFromEnv({ DEBUG: '*,-sockline' })).toBe(false);
    expect(debugFromEnv({ DEBUG: 'socklinex' })).toBe(false);
    expect(debugFromEnv({ NODE_DEBUG: 'http,SOCKLINE' })).toBe(true);
    expect(debugFromEnv({})).toBe(false);
    const logger = { warn: vi.fn(), debug: vi.fn() };
    vi.stubEnv('DEBUG', 'sockline');
    expect(nodeRuntime.debug(undefined, logger)).toBeTypeOf('function');
    expect(nodeRuntime.debug(false, logger)).toBeUndefined();
    expect(nodeRuntime.debug(true, false)).toBeUndefined();
    vi.stubEnv('DEBUG', '');
    expect(nodeRuntime.debug(undefined, logger)).toBeUndefined();
  });

  it('Node: the default logger writes debug lines to stderr (console.error), not stdout', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    nodeRuntime.debug(true, console)!('drain', [], { stats: { attempts: 1 } });
    expect(error).toHaveBeenCalledTimes(1);
    expect(log).not.toHaveBeenCalled();
  });

  it('Node: formats every event without payloads', () => {
    const data = new Uint8Array(3);
    expect(formatDebug('ping', [data], 1)).toBe('ping 3 B');
    expect(formatDebug('drop', [{ data: 'abc', error: refused() }], 1)).toMatch(/^drop text 3 B; NetworkError/);
    expect(formatDebug('close', [{ code: 1000, reason: 'bye', wasClean: true, unsent: [] }], 1)).toBe(
      'close code 1000 reason "bye", clean, 0 unsent',
    );
    expect(formatDebug('drain', [], 1)).toBe('drain');
  });

  it('browsers: debug: true passes the event and its objects to logger.debug, without message payloads', async () => {
    const debug = vi.fn();
    const { s, socket } = bare({ logger: { warn: vi.fn(), debug }, debug: true }, 'browser');
    await settle();
    s.last.open();
    s.last.receive('payload s3cret');
    const calls = debug.mock.calls;
    expect(calls.map((call) => call[0])).toEqual(['sockline: attempt', 'sockline: state', 'sockline: open', 'sockline: message']);
    expect(calls[0].slice(1)).toEqual(['ws://example.test/socket', []]);
    expect(calls[1].slice(1)).toEqual(['open', 'connecting']);
    expect(calls[3]).toEqual(['sockline: message']);
    expect(JSON.stringify(calls)).not.toContain('s3cret');
    socket.close();
  });

  it('is off by default', async () => {
    const debug = vi.fn();
    const { s, socket } = bare({ logger: { warn: vi.fn(), debug } });
    await settle();
    s.last.open();
    expect(debug).not.toHaveBeenCalled();
    socket.close();
  });
});
