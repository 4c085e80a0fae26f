/** The sans-I/O SOCKS client: byte vectors for every request form and every reply code (RFC 1928, RFC 1929, SOCKS4/4a). */
import { describe, expect, it } from 'vitest';
import { HandshakeError, InvalidArgumentError } from '../../src/errors.js';
import { SocksClient, type SocksOptions } from '../../src/protocol/socks.js';
import { hex, toHex } from '../helpers/hex.js';

const client = (o: Partial<SocksOptions>) =>
  new SocksClient({ version: 5, host: '127.0.0.1', port: 8080, shown: 'socks5://127.0.0.1:1080', ...o });

/** The error `receive(reply)` throws. */
function refusal(c: SocksClient, ...replies: string[]): HandshakeError {
  try {
    for (const r of replies) c.receive(hex(r));
  } catch (error) {
    expect(error).toBeInstanceOf(HandshakeError);
    return error as HandshakeError;
  }
  throw new Error('no error');
}

describe('SOCKS5 (RFC 1928)', () => {
  it('greets with "no authentication" only, then CONNECTs to an IPv4 address', () => {
    const c = client({});
    expect(toHex(c.start())).toBe('050100');
    expect(toHex(c.receive(hex('0500')).send)).toBe('05010001' + '7f000001' + '1f90');
    const done = c.receive(hex('05000001 7f000001 1f90 48656c6c6f'));
    expect(done.open).toBeDefined();
    expect(Buffer.from(done.open!.rest).toString()).toBe('Hello');
  });

  it('sends names as ATYP 3 (socks5h) and IPv6 literals as ATYP 4', () => {
    const name = client({ host: 'localhost', port: 443 });
    name.start();
    expect(toHex(name.receive(hex('0500')).send)).toBe('05010003' + '09' + Buffer.from('localhost').toString('hex') + '01bb');
    const v6 = client({ host: '::1', port: 80 });
    v6.start();
    expect(toHex(v6.receive(hex('0500')).send)).toBe('05010004' + '00'.repeat(15) + '01' + '0050');
  });

  it('offers username/password when it has credentials and sends RFC 1929 sub-negotiation', () => {
    const c = client({ username: 'alice', password: 'pw' });
    expect(toHex(c.start())).toBe('05020002');
    expect(toHex(c.receive(hex('0502')).send)).toBe(
      '01' + '05' + Buffer.from('alice').toString('hex') + '02' + Buffer.from('pw').toString('hex'),
    );
    expect(toHex(c.receive(hex('0100')).send)).toBe('050100017f0000011f90');
    expect(c.receive(hex('050000017f0000011f90')).open).toBeDefined();
  });

  it('accepts the reply in any chunking, including one byte at a time and the whole exchange at once', () => {
    const c = client({});
    c.start();
    const all = hex('0500' + '05000003 04 686f7374 0050');
    let open;
    let sent = '';
    for (const byte of all) {
      const step = c.receive(Uint8Array.of(byte));
      sent += toHex(step.send);
      open ??= step.open;
    }
    expect(sent).toBe('050100017f0000011f90');
    expect(open).toBeDefined();
    const d = client({});
    d.start();
    const step = d.receive(all);
    expect(toHex(step.send)).toBe('050100017f0000011f90');
    expect(step.open).toBeDefined();
  });

  it.each([
    [0x01, 'general-failure', 'general SOCKS server failure'],
    [0x02, 'not-allowed', 'connection not allowed by ruleset'],
    [0x03, 'network-unreachable', 'network unreachable'],
    [0x04, 'host-unreachable', 'host unreachable'],
    [0x05, 'connection-refused', 'connection refused'],
    [0x06, 'ttl-expired', 'TTL expired'],
    [0x07, 'command-not-supported', 'command not supported'],
    [0x08, 'address-type-not-supported', 'address type not supported'],
    [0x09, 'unknown-reply', 'unassigned reply code'],
  ])('reply %i → proxyFailure %s, with the code and its meaning', (code, failure, meaning) => {
    const c = client({});
    c.start();
    const error = refusal(c, '0500', `05${code.toString(16).padStart(2, '0')}`);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: failure, status: undefined });
    expect(error.message).toBe(
      `SOCKS5 proxy socks5://127.0.0.1:1080 refused the tunnel to 127.0.0.1:8080: reply 0x${code.toString(16).padStart(2, '0')} (${meaning})`,
    );
  });

  it('no acceptable method (0xFF): says whether credentials are missing', () => {
    const without = client({});
    without.start();
    expect(refusal(without, '05ff')).toMatchObject({
      proxyFailure: 'no-acceptable-auth',
      message: expect.stringContaining('put user:password in the proxy URL'),
    });
    const withCreds = client({ username: 'u', password: 'p' });
    withCreds.start();
    expect(refusal(withCreds, '05ff').message).toContain('accepted none of our authentication methods');
  });

  it('a refused username/password is auth-failed', () => {
    const c = client({ username: 'u', password: 'p' });
    c.start();
    expect(refusal(c, '0502', '0101')).toMatchObject({
      proxyFailure: 'auth-failed',
      message: expect.stringContaining('status 0x01'),
    });
  });

  it.each([
    ['a wrong version in the method reply', ['0400'], 'version 0x04'],
    ['a method we did not offer', ['0502'], 'method 0x02, which we did not offer'],
    ['an HTTP answer', ['4854'], 'version 0x48'],
    ['a wrong auth version', ['0500', '05000001'], undefined],
    ['a bad address type', ['0500', '05000005'], 'address type 0x05'],
    ['a non-zero reserved byte', ['0500', '05000101'], 'reserved byte 0x01'],
  ])('%s is malformed', (_, replies, message) => {
    const c = client({});
    c.start();
    if (message === undefined) {
      // 05 00 00 01 is a valid start of a reply: more bytes are needed, nothing thrown.
      expect(() => replies.forEach((r) => c.receive(hex(r)))).not.toThrow();
      return;
    }
    const error = refusal(c, ...replies);
    expect(error.proxyFailure).toBe('malformed');
    expect(error.message).toContain(message);
  });

  it('an early end says what was missing', () => {
    const c = client({});
    c.start();
    c.receive(hex('0500'));
    c.receive(hex('0500'));
    const error = c.receiveEof();
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: 'closed' });
    expect(error.message).toBe(
      'SOCKS5 proxy socks5://127.0.0.1:1080 closed the connection before sending its answer to CONNECT (2 bytes of it received)',
    );
  });

  it('a name longer than 255 bytes cannot be sent', () => {
    expect(() => client({ host: 'a'.repeat(256) })).toThrow(InvalidArgumentError);
  });
});

describe('SOCKS4 and SOCKS4a', () => {
  it('SOCKS4: VN 4, CONNECT, port, IPv4, USERID, NUL', () => {
    const c = client({ version: 4, username: 'bob' });
    expect(toHex(c.start())).toBe('04011f90' + '7f000001' + Buffer.from('bob').toString('hex') + '00');
    const done = c.receive(hex('005a 0000 00000000 21'));
    expect(done.open).toBeDefined();
    expect(toHex(done.open!.rest)).toBe('21');
  });

  it('SOCKS4a: DSTIP 0.0.0.1 and the name after the USERID', () => {
    const c = client({ version: 4, host: 'localhost' });
    expect(toHex(c.start())).toBe('04011f90' + '00000001' + '00' + Buffer.from('localhost').toString('hex') + '00');
  });

  it.each([
    [91, 'rejected', 'request rejected or failed'],
    [92, 'identd-unreachable', 'cannot reach identd'],
    [93, 'identd-mismatch', 'identd reported a different user id'],
    [94, 'unknown-reply', 'unassigned reply code'],
  ])('reply %i → %s', (code, failure, meaning) => {
    const c = client({ version: 4 });
    c.start();
    const error = refusal(c, `00${code.toString(16)}`);
    expect(error).toMatchObject({ reason: 'proxy', proxyFailure: failure });
    expect(error.message).toContain(`reply ${code} (`);
    expect(error.message).toContain(meaning);
  });

  it('a reply version other than 0 is malformed', () => {
    const c = client({ version: 4 });
    c.start();
    expect(refusal(c, '045a')).toMatchObject({ proxyFailure: 'malformed' });
  });

  it('IPv6 targets are refused up front', () => {
    expect(() => client({ version: 4, host: '::1' })).toThrow('cannot reach the IPv6 address');
  });
});
