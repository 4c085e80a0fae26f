/** Environment proxy selection and NO_PROXY matching (pure: the environment is passed in). */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { parseIPv6, parseIp } from '../../src/node/ip-address.js';
import {
  bypassesProxy,
  isLoopbackHost,
  parseNoProxy,
  proxyFromEnvironment,
  readProxyEnvironment,
} from '../../src/node/proxy-env.js';
import { parseProxyUrl } from '../../src/node/proxy-url.js';

const pick = (env: Record<string, string>, url: string) => {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port) || (u.protocol === 'wss:' ? 443 : 80);
  return proxyFromEnvironment(host, port, u.protocol === 'wss:', readProxyEnvironment(env))?.shown;
};

describe('which variable applies', () => {
  it('wss: uses HTTPS_PROXY, ws: uses HTTP_PROXY, both fall back to ALL_PROXY', () => {
    const env = { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2', ALL_PROXY: 'socks5h://a:3' };
    expect(pick(env, 'wss://example.com/')).toBe('http://s:1');
    expect(pick(env, 'ws://example.com/')).toBe('http://p:2');
    expect(pick({ ALL_PROXY: 'socks5h://a:3' }, 'wss://example.com/')).toBe('socks5h://a:3');
    expect(pick({ ALL_PROXY: 'socks5h://a:3' }, 'ws://example.com/')).toBe('socks5h://a:3');
    expect(pick({ HTTP_PROXY: 'http://p:2' }, 'wss://example.com/')).toBeUndefined();
    expect(pick({ HTTPS_PROXY: 'http://s:1' }, 'ws://example.com/')).toBeUndefined();
  });

  it('lower case wins over upper case; an empty value counts as unset', () => {
    expect(pick({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, 'wss://e.com/')).toBe('http://lower:1');
    expect(pick({ https_proxy: '', HTTPS_PROXY: 'http://upper:2' }, 'wss://e.com/')).toBe('http://upper:2');
    expect(pick({ http_proxy: '  ', all_proxy: 'http://all:3' }, 'ws://e.com/')).toBe('http://all:3');
    expect(pick({ all_proxy: 'http://lower:3', ALL_PROXY: 'http://upper:4' }, 'ws://e.com/')).toBe('http://lower:3');
  });

  it('no_proxy wins over NO_PROXY', () => {
    const env = { HTTP_PROXY: 'http://p:2', no_proxy: 'a.com', NO_PROXY: 'b.com' };
    expect(pick(env, 'ws://a.com/')).toBeUndefined();
    expect(pick(env, 'ws://b.com/')).toBe('http://p:2');
  });

  it('a value without a scheme is http://', () => {
    expect(pick({ HTTP_PROXY: 'proxy.corp:3128' }, 'ws://e.com/')).toBe('http://proxy.corp:3128');
  });

  it('an invalid value throws naming the variable', () => {
    expect(() => readProxyEnvironment({ all_proxy: 'gopher://x:1' })).toThrow(InvalidArgumentError);
    expect(() => readProxyEnvironment({ all_proxy: 'gopher://x:1' })).toThrow(
      'Invalid environment variable all_proxy: unsupported scheme',
    );
  });
});

describe('NO_PROXY', () => {
  const list = (value: string) => parseNoProxy(value);
  const bypass = (value: string, host: string, port = 443) => bypassesProxy(host, port, list(value));

  it('* bypasses everything', () => {
    expect(bypass('*', 'example.com')).toBe(true);
    expect(bypass('*', '10.1.2.3')).toBe(true);
  });

  it('a domain with or without a leading dot (or *.) matches itself and its subdomains, nothing else', () => {
    for (const entry of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.com.']) {
      expect(bypass(entry, 'example.com')).toBe(true);
      expect(bypass(entry, 'a.b.example.com')).toBe(true);
      expect(bypass(entry, 'notexample.com')).toBe(false);
      expect(bypass(entry, 'example.com.evil.net')).toBe(false);
    }
  });

  it('host:port matches that port only', () => {
    expect(bypass('example.com:8080', 'example.com', 8080)).toBe(true);
    expect(bypass('example.com:8080', 'example.com', 443)).toBe(false);
    expect(bypass('10.0.0.1:8080', '10.0.0.1', 8080)).toBe(true);
    expect(bypass('[2001:db8::1]:8080', '2001:db8::1', 8080)).toBe(true);
    expect(bypass('[2001:db8::1]:8080', '2001:db8::1', 80)).toBe(false);
  });

  it('IP literals match however the address is written', () => {
    expect(bypass('2001:db8::1', '2001:0db8:0:0:0:0:0:1')).toBe(true);
    expect(bypass('[2001:db8::1]', '2001:db8::1')).toBe(true);
    expect(bypass('10.0.0.1', '10.0.0.1')).toBe(true);
    expect(bypass('10.0.0.1', '10.0.0.2')).toBe(false);
  });

  it('CIDR ranges match IP literal hosts in range, not names', () => {
    expect(bypass('10.0.0.0/8', '10.200.3.4')).toBe(true);
    expect(bypass('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(bypass('192.168.1.0/24', '192.168.1.255')).toBe(true);
    expect(bypass('192.168.1.0/24', '192.168.2.1')).toBe(false);
    expect(bypass('fd00::/8', 'fd12:3456::1')).toBe(true);
    expect(bypass('fd00::/8', 'fe80::1')).toBe(false);
    expect(bypass('10.0.0.0/8', 'ten.example')).toBe(false);
    expect(bypass('0.0.0.0/0', '8.8.8.8')).toBe(true);
  });

  it('entries are separated by commas and/or spaces; empty entries are skipped', () => {
    expect(bypass(' a.com ,, b.com  c.com', 'c.com')).toBe(true);
    expect(bypass(' a.com ,, b.com  c.com', 'd.com')).toBe(false);
  });

  it('an entry that fits no form matches only itself, never everything', () => {
    expect(bypass('10.*', '10.0.0.1')).toBe(false);
    expect(bypass('1.2.3.4/99', '1.2.3.4')).toBe(false);
  });

  it('loopback is never proxied, unless <-loopback> is listed', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', 'LOCALHOST.']) {
      expect(isLoopbackHost(host)).toBe(true);
      expect(bypass('', host)).toBe(true);
      expect(bypass('<-loopback>', host)).toBe(false);
    }
    expect(bypass('<-loopback>,localhost', 'localhost')).toBe(true);
    expect(bypass('<-loopback>,localhost', '127.0.0.1')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example')).toBe(false);
  });

  it('applies to the chosen proxy end to end', () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.internal,10.0.0.0/8' };
    expect(pick(env, 'wss://svc.internal/')).toBeUndefined();
    expect(pick(env, 'wss://10.1.1.1/')).toBeUndefined();
    expect(pick(env, 'wss://[::1]/')).toBeUndefined();
    expect(pick(env, 'wss://example.com/')).toBe('http://p:1');
  });
});

describe('proxy URLs', () => {
  it('parses every kind, decodes credentials and hides them in `shown`', () => {
    const p = parseProxyUrl('socks5h://al%40ice:p%3Ass@[::1]:1080', 'option proxy');
    expect(p).toMatchObject({
      kind: 'socks5h',
      host: '::1',
      port: 1080,
      username: 'al@ice',
      password: 'p:ss',
      shown: 'socks5h://***@[::1]:1080',
    });
    for (const kind of ['http', 'https', 'socks5', 'socks5h', 'socks4', 'socks4a']) {
      expect(parseProxyUrl(`${kind}://h:1`, 'x').kind).toBe(kind);
    }
    expect(parseProxyUrl('HTTPS://h:443', 'x')).toMatchObject({ kind: 'https', port: 443 });
    expect(parseProxyUrl('http://h:3128/', 'x').port).toBe(3128);
  });

  it.each([
    ['http://h:0', 'out of range'],
    ['http://h:65536', 'is not a URL'],
    ['http://a:b:c@h:1', undefined],
    ['http://us%3Aer:p@h:1', 'contains ":"'],
    ['socks5://h:1?x=1', 'has a path, query or fragment'],
    ['http://[::1:1', 'is not a URL'],
  ])('%s is refused', (url, message) => {
    if (message === undefined) {
      // "a:b:c" is user "a", password "b:c": valid.
      expect(parseProxyUrl(url, 'option proxy')).toMatchObject({ username: 'a', password: 'b:c' });
      return;
    }
    expect(() => parseProxyUrl(url, 'option proxy')).toThrow(message);
  });

  it('SOCKS5 credentials longer than 255 bytes are refused (RFC 1929)', () => {
    expect(() => parseProxyUrl(`socks5://${'x'.repeat(256)}:p@h:1`, 'option proxy')).toThrow('at most 255 bytes');
  });
});

describe('IP literals', () => {
  it('parses IPv6 forms', () => {
    expect(parseIPv6('::')).toBe(0n);
    expect(parseIPv6('::1')).toBe(1n);
    expect(parseIPv6('1::')).toBe(1n << 112n);
    expect(parseIPv6('::ffff:1.2.3.4')).toBe((0xffffn << 32n) | 0x01020304n);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', ':::', '1:2:3:4:5:6:7', 'g::1'])
      expect(parseIPv6(bad)).toBeUndefined();
    expect(parseIp('01.2.3.4')).toBeUndefined();
    expect(parseIp('256.1.1.1')).toBeUndefined();
  });
});
