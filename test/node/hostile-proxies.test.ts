/**
 * Hostile proxies (scripted raw TCP on loopback): refusals, hang-ups mid-answer, garbage, bad SOCKS replies. Each
 * is one typed error, at once (never a hang until a timeout), with no socket left open on either side, and the
 * default reconnection policy retries only what may work next time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultShouldReconnect } from '../../src/backoff.js';
import { HandshakeError, NetworkError } from '../../src/errors.js';
import { drive, freePort, startScriptedPeer, type ScriptedPeer } from './network-harness.js';

let peer: ScriptedPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

/** Waits until the peer has no open socket left (the client let go), bounded. */
async function settled(p: ScriptedPeer): Promise<number> {
  for (let i = 0; i < 100 && p.open > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return p.open;
}

const headEnd = (received: Buffer): boolean => received.includes('\r\n\r\n');

/** An HTTP proxy that answers every CONNECT with `answer` and (optionally) ends. */
function httpProxy(answer: string | Buffer, end = true) {
  return startScriptedPeer((socket, received) => {
    if (!headEnd(received) || (socket as { answered?: boolean }).answered) return;
    (socket as { answered?: boolean }).answered = true;
    if (end) socket.end(answer);
    else socket.write(answer);
  });
}

/** Connect through the peer with a long handshake timeout: the error must come from the proxy's behaviour. */
async function attempt(url: string, reconnect: boolean | object = false) {
  const started = Date.now();
  const driven = drive('ws://127.0.0.1:9/', { proxy: url, handshakeTimeout: 20_000, connectionTimeout: 20_000, reconnect });
  const info = await driven.closed;
  return { info, error: info.error!, ms: Date.now() - started, errors: driven.errors };
}

describe('HTTP proxy refusals', () => {
  it.each([
    [407, 'Proxy Authentication Required', false],
    [403, 'Forbidden', false],
    [502, 'Bad Gateway', true],
    [503, 'Service Unavailable', true],
    [504, 'Gateway Timeout', true],
  ])('%i → HandshakeError(proxy) with the status line; retried: %s', async (status, text, retryable) => {
    peer = await httpProxy(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\n\r\n`);
    const { info, error } = await attempt(`http://127.0.0.1:${peer.port}`);
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error).toMatchObject({ reason: 'proxy', status, proxyFailure: 'refused' });
    expect(error.message).toContain(
      `Proxy http://127.0.0.1:${peer.port} refused to open a tunnel to 127.0.0.1:9: ${status} ${text}`,
    );
    expect(defaultShouldReconnect({ lastClose: info, attempt: 1, wasOpen: false })).toBe(retryable);
    expect(await settled(peer)).toBe(0);
  });

  it('a 502 is retried by the Socket itself; a 403 is not', async () => {
    peer = await httpProxy('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const retried = await attempt(`http://127.0.0.1:${peer.port}`, { minDelay: 1, maxDelay: 2, maxRetries: 2 });
    expect(retried.errors).toHaveLength(3);
    await peer.close();
    peer = await httpProxy('HTTP/1.1 403 Forbidden\r\n\r\n');
    const final = await attempt(`http://127.0.0.1:${peer.port}`, { minDelay: 1, maxDelay: 2, maxRetries: 2 });
    expect(final.errors).toHaveLength(1);
  });

  it('a 200 with a body-less 2xx variant (204) still opens a tunnel per RFC 9110 (any 2xx)', async () => {
    peer = await startScriptedPeer((socket, received) => {
      if (received.toString().startsWith('CONNECT') && headEnd(received) && !(socket as { t?: boolean }).t) {
        (socket as { t?: boolean }).t = true;
        socket.write('HTTP/1.1 204 Tunnel\r\n\r\n');
      }
    });
    // The "server" behind the tunnel is the peer itself, which never answers the upgrade: a handshake timeout.
    const driven = drive('ws://127.0.0.1:9/', { proxy: `http://127.0.0.1:${peer.port}`, handshakeTimeout: 300 });
    const info = await driven.closed;
    expect(info.error?.name).toBe('TimeoutError');
    expect(peer.received[0].toString()).toContain('GET / HTTP/1.1');
  });
});

describe('a proxy that hangs up before its answer is complete fails at once', () => {
  it('FIN right after receiving the CONNECT', async () => {
    peer = await startScriptedPeer((socket, received) => {
      if (headEnd(received)) socket.end();
    });
    const { error, ms } = await attempt(`http://127.0.0.1:${peer.port}`);
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: 'closed' });
    expect(error.message).toBe(
      `Proxy http://127.0.0.1:${peer.port} closed the connection before answering CONNECT 127.0.0.1:9 (nothing received)`,
    );
    expect(ms).toBeLessThan(5000);
    expect(await settled(peer)).toBe(0);
  });

  it('FIN after half a status line', async () => {
    peer = await httpProxy('HTTP/1.1 20');
    const { info, error, ms } = await attempt(`http://127.0.0.1:${peer.port}`);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: 'closed' });
    expect(error.message).toContain('(received only "HTTP/1.1 20")');
    expect(ms).toBeLessThan(5000);
    // Retryable: a proxy restart looks like this.
    expect(defaultShouldReconnect({ lastClose: info, attempt: 1, wasOpen: false })).toBe(true);
    expect(await settled(peer)).toBe(0);
  });

  it('FIN after the status line but before the blank line', async () => {
    peer = await httpProxy('HTTP/1.1 200 Connection established\r\nVia: x\r\n');
    const { error } = await attempt(`http://127.0.0.1:${peer.port}`);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: 'closed' });
  });

  it('a reset mid-answer', async () => {
    peer = await startScriptedPeer((socket, received) => {
      if (headEnd(received)) {
        socket.write('HTTP/1.1 2');
        setTimeout(() => socket.resetAndDestroy(), 20);
      }
    });
    const { error } = await attempt(`http://127.0.0.1:${peer.port}`);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: 'closed' });
    expect(error.message).toContain('ECONNRESET');
  });
});

describe('garbage', () => {
  it.each([
    ['an SSH banner', 'SSH-2.0-OpenSSH_9.2\r\n'],
    ['binary', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0xff, 0x00])],
    ['a bare-LF HTTP answer', 'HTTP/1.1 200 OK\n\n'],
  ])('%s → HandshakeError(proxy, malformed), quoting the start', async (_, answer) => {
    peer = await httpProxy(answer as string, false);
    const { error } = await attempt(`http://127.0.0.1:${peer.port}`);
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: 'malformed' });
    expect(error.message).toContain(`Proxy http://127.0.0.1:${peer.port} sent an invalid answer to CONNECT 127.0.0.1:9`);
    expect(await settled(peer)).toBe(0);
  });
});

describe('SOCKS servers with bad replies', () => {
  it.each([
    ['an HTTP answer to the greeting', (): Buffer => Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), 'malformed'],
    ['a method we did not offer', (): Buffer => Buffer.from([5, 2]), 'malformed'],
    ['0xFF: no acceptable method', (): Buffer => Buffer.from([5, 0xff]), 'no-acceptable-auth'],
    ['host unreachable', (): Buffer => Buffer.from([5, 0, 5, 4, 0, 1, 0, 0, 0, 0, 0, 0]), 'host-unreachable'],
    ['a reserved address type', (): Buffer => Buffer.from([5, 0, 5, 0, 0, 9]), 'malformed'],
  ])('%s → HandshakeError(proxy, %s)', async (_, reply, failure) => {
    peer = await startScriptedPeer((socket, received) => {
      // Greeting (3 bytes), then the CONNECT (10 bytes for an IPv4 target): answer once, on the greeting.
      if (received.length === 3) socket.write(reply());
    });
    const { error } = await attempt(`socks5://127.0.0.1:${peer.port}`);
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: failure });
    expect(error.message).toMatch(/^SOCKS5 proxy socks5:\/\/127\.0\.0\.1:\d+ /);
    expect(await settled(peer)).toBe(0);
  });

  it('a SOCKS5 proxy that hangs up after the method choice fails at once', async () => {
    peer = await startScriptedPeer((socket, received) => {
      if (received.length === 3) socket.write(Buffer.from([5, 0]));
      else socket.end();
    });
    const { error, ms } = await attempt(`socks5://127.0.0.1:${peer.port}`);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: 'closed' });
    expect(error.message).toContain('closed the connection before sending its answer to CONNECT');
    expect(ms).toBeLessThan(5000);
  });

  it('a SOCKS4 reply 91 is retryable, as a refused proxy connection is', async () => {
    peer = await startScriptedPeer((socket) => socket.end(Buffer.from([0, 91, 0, 0, 0, 0, 0, 0])));
    const { info, error } = await attempt(`socks4://127.0.0.1:${peer.port}`);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: 'rejected' });
    expect(defaultShouldReconnect({ lastClose: info, attempt: 1, wasOpen: false })).toBe(true);
    const port = await freePort();
    const refused = await attempt(`socks4://127.0.0.1:${port}`);
    expect(refused.error).toBeInstanceOf(NetworkError);
    expect(defaultShouldReconnect({ lastClose: refused.info, attempt: 1, wasOpen: false })).toBe(true);
  });
});
