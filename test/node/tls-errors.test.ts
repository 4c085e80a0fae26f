/**
 * TLS failures on Node, against real TLS servers with generated certificates: each is a `NetworkError` with a
 * `reason`, a message that says what to do, and (under the default policy) final after one attempt — retrying
 * a certificate that fails verification, or TLS on a plain port, only repeats the failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultShouldReconnect } from '../../src/backoff.js';
import { NetworkError, TimeoutError, type SocklineErrors } from '../../src/errors.js';
import { Socket } from '../../src/index.node.js';
import { tlsNetworkError } from '../../src/node/tls-errors.js';
import { generateCert } from '../helpers/tls-cert.js';
import { generateExpiredCert, generateWrongHostCert } from '../helpers/tls-cert-variants.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';

describe('tlsNetworkError (pure)', () => {
  const classify = (code: string, message = 'openssl text', reason?: string) =>
    tlsNetworkError({ code, message, reason }, '127.0.0.1:8443');

  it('should say "is the URL ws://?" for a server that does not speak TLS, keeping the OpenSSL error as cause', () => {
    const cause = { code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: '…ssl3_get_record:wrong version number:../deps/openssl/…' };
    const error = tlsNetworkError(cause, 'example.test:443')!;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.reason).toBe('tls-not-tls');
    expect(error.message).toContain(
      'Could not connect to example.test:443: the server did not answer with TLS — is the URL ws:// ?',
    );
    expect(error.message).not.toContain('ssl3_get_record');
    expect(error.cause).toBe(cause);
  });

  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', '`tls.ca`'],
    ['SELF_SIGNED_CERT_IN_CHAIN', '`tls.ca`'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'intermediate certificates'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', '`tls.ca`'],
    ['CERT_UNTRUSTED', '`tls.ca`'],
    ['CERT_HAS_EXPIRED', 'Renew the certificate'],
    ['CERT_NOT_YET_VALID', "machine's clock"],
    ['ERR_TLS_CERT_ALTNAME_INVALID', '`tls.servername`'],
    ['HOSTNAME_MISMATCH', 'host name the certificate lists'],
    ['CERT_REVOKED', 'Replace the certificate'],
    ['CERT_SIGNATURE_FAILURE', 'Replace the certificate'],
  ])('should classify %s as tls-certificate with advice (%s) and say it will not be retried', (code, advice) => {
    const error = classify(code)!;
    expect(error.reason).toBe('tls-certificate');
    expect(error.message).toContain(`Could not connect to 127.0.0.1:8443: its TLS certificate was refused (${code})`);
    expect(error.message).toContain(advice);
    expect(error.message).toContain('fails the same way on every attempt');
  });

  it('should name the host that did not match, from the error Node gives', () => {
    const error = classify(
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'Hostname/IP does not match',
      "Host: a.test. is not in the cert's altnames: DNS:b.test",
    )!;
    expect(error.message).toContain("Host: a.test. is not in the cert's altnames: DNS:b.test");
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', ''])(
    'should leave %s to the generic NetworkError (undefined)',
    (code) => {
      expect(classify(code)).toBeUndefined();
    },
  );
});

describe('defaultShouldReconnect and TLS reasons', () => {
  const decide = (error: SocklineErrors) =>
    defaultShouldReconnect({ lastClose: { code: 1006, reason: '', wasClean: false, error }, attempt: 1, wasOpen: false });

  it('should stop on tls-certificate and tls-not-tls, and still retry other network errors and timeouts', () => {
    expect(decide(new NetworkError('x', undefined, 'tls-certificate'))).toBe(false);
    expect(decide(new NetworkError('x', undefined, 'tls-not-tls'))).toBe(false);
    expect(decide(new NetworkError('x'))).toBe(true);
    expect(decide(new TimeoutError('x', 'connect', 1))).toBe(true);
  });
});

describe('TLS failures against real servers (Node Socket, default reconnection policy)', () => {
  let server: WsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /**
   * Connect with the default `shouldReconnect` and a 20 ms retry delay (a retry would come well within the
   * test), and collect what happens until the final `close` (bounded: 8 s).
   */
  async function attempt(url: string, tls: Record<string, unknown> = {}) {
    const socket = new Socket(url, { tls, reconnect: { minDelay: 20, maxDelay: 20 }, heartbeat: false });
    const errors: SocklineErrors[] = [];
    let reconnecting = 0;
    socket.on('error', (error) => errors.push(error));
    socket.on('reconnecting', () => reconnecting++);
    const close = await new Promise<{ error?: unknown }>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`no final close within 8 s (${socket.stats.attempts} attempts): the failure was retried`));
      }, 8000);
      socket.once('close', (event) => {
        clearTimeout(timer);
        resolve(event);
      });
    });
    return { close, errors, reconnecting, attempts: socket.stats.attempts };
  }

  function expectFinal(result: Awaited<ReturnType<typeof attempt>>, reason: string): NetworkError {
    expect(result.attempts).toBe(1);
    expect(result.reconnecting).toBe(0);
    expect(result.errors).toHaveLength(1);
    const error = result.errors[0];
    expect(error).toBeInstanceOf(NetworkError);
    expect(result.close.error).toBe(error);
    expect((error as NetworkError).reason).toBe(reason);
    return error as NetworkError;
  }

  it('wss:// against a plain ws:// server: tls-not-tls, "is the URL ws://?", one attempt', async () => {
    server = await startWsServer();
    const url = server.url.replace('ws://', 'wss://');
    const error = expectFinal(await attempt(url), 'tls-not-tls');
    expect(error.message).toContain(
      `Could not connect to 127.0.0.1:${server.port}: the server did not answer with TLS — is the URL ws:// ?`,
    );
    expect(error.message).not.toMatch(/ssl3_get_record|deps\/openssl/);
    expect((error.cause as { code?: string }).code).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
  });

  it('a self-signed certificate without tls.ca: tls-certificate, says to pass the CA as tls.ca, one attempt', async () => {
    server = await startWsServer({ tls: generateCert() });
    const error = expectFinal(await attempt(server.url), 'tls-certificate');
    expect(error.message).toContain('(DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(error.message).toContain('pass that CA certificate (PEM) as the `tls.ca` option');
    expect(error.message).toContain('fails the same way on every attempt');
  });

  it('a certificate for another host name: tls-certificate, names the mismatch and tls.servername, one attempt', async () => {
    const cert = generateWrongHostCert();
    server = await startWsServer({ tls: cert });
    const error = expectFinal(await attempt(server.url, { ca: cert.cert }), 'tls-certificate');
    expect(error.message).toContain('(ERR_TLS_CERT_ALTNAME_INVALID)');
    expect(error.message).toContain('127.0.0.1');
    expect(error.message).toContain('`tls.servername`');
  });

  it('an expired certificate (trusted CA): tls-certificate, says to renew it, one attempt', async () => {
    const cert = generateExpiredCert();
    server = await startWsServer({ tls: cert });
    const error = expectFinal(await attempt(server.url, { ca: cert.cert }), 'tls-certificate');
    expect(error.message).toContain('(CERT_HAS_EXPIRED)');
    expect(error.message).toContain('Renew the certificate on the server');
  });

  it('control: the same self-signed server with tls.ca opens (the failures above are the certificates)', async () => {
    const cert = generateCert();
    server = await startWsServer({ tls: cert });
    const socket = new Socket(server.url, { tls: { ca: cert.cert }, heartbeat: false });
    const opened = await new Promise<boolean>((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    socket.close();
    expect(opened).toBe(true);
  });
});
