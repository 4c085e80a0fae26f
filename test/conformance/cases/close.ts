/**
 * 7 Close handling (Autobahn 7.x): the closing handshake (RFC 6455 §5.5.1, §7.1), close codes (§7.4) and the
 * close reason (§5.5.1: UTF-8, at most 123 bytes since a control frame carries at most 125).
 */
import { once } from 'node:events';
import { expect } from 'vitest';
import { TimeoutError } from '../../../src/errors.js';
import { closeBody, f, hex, OP, utf8, within, type ConformanceCase, type Session } from '../harness.js';

/** Codes a Close frame may carry (RFC 6455 §7.4.1, the IANA registry for 1012-1014, §7.4.2 for 3000-4999). */
const VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
/** Codes that MUST NOT appear on the wire or are unassigned (§7.4.1, §7.4.2). */
const INVALID_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

/** A reason of exactly 123 UTF-8 bytes: 40 × "é€" (5 bytes) would be 200, so build it up and pad with ASCII. */
function reasonOfBytes(bytes: number): string {
  const unit = 'é€😀'; // 2 + 3 + 4 = 9 bytes
  const whole = Math.floor(bytes / 9);
  return unit.repeat(whole) + 'r'.repeat(bytes - whole * 9);
}

function failingClose(id: string, title: string, body: Uint8Array, code: 1002 | 1007, rfc: string): ConformanceCase {
  return {
    id,
    category: 'close',
    title,
    rfc,
    expected: `fail with close ${code}`,
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.close, payload: body }));
      return s.expectFailure(code);
    },
  };
}

/** The server stops reading its half: it keeps TCP open whatever the client does (it ignores the client's FIN). */
function neverCloseTcp(s: Session): void {
  s.peer.socket.allowHalfOpen = true;
}

async function timesOut(s: Session, closeTimeout: number, code: number): Promise<string> {
  const start = performance.now();
  const info = await within(s.client.closed, 'the close timeout to end the connection');
  const elapsed = performance.now() - start;
  expect(info.code).toBe(code);
  expect(info.error, 'a TimeoutError').toBeInstanceOf(TimeoutError);
  expect((info.error as TimeoutError).phase).toBe('close');
  // The timeout, not something else, ended it; and it did not wait much longer than that.
  expect(elapsed).toBeGreaterThanOrEqual(closeTimeout * 0.8);
  expect(elapsed).toBeLessThan(closeTimeout + 2_000);
  // (The server, which ignores FINs, is not told: the client had already sent its FIN before destroying the socket.)
  // (No timings in the result: RESULTS.md must not change from run to run.)
  return `ended by the ${closeTimeout} ms close timeout: code ${info.code}, TimeoutError(close), wasClean ${info.wasClean}`;
}

export const closeCases: ConformanceCase[] = [
  {
    id: '7.1.1',
    category: 'close',
    title: 'close frame without payload',
    rfc: '§5.5.1, §7.1.5',
    expected: 'echo an empty close; report 1005, clean',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.close }));
      const echo = await s.readFrame();
      expect(echo).toMatchObject({ opcode: OP.close, masked: true });
      expect(echo.payload.length, 'no code in the echo either').toBe(0);
      s.peer.socket.end();
      const info = await within(s.client.closed, 'the close');
      expect(info).toMatchObject({ code: 1005, reason: '', wasClean: true });
      expect(info.error).toBeUndefined();
      expect(await s.remainingFrames()).toEqual([]);
      return 'echoed an empty close; 1005, clean';
    },
  },
  {
    id: '7.1.2',
    category: 'close',
    title: 'close 1000 with reason "bye"',
    rfc: '§5.5.1',
    expected: 'echo 1000; report 1000 "bye", clean',
    async run(ctx) {
      const s = await ctx.session();
      await s.closeCleanly(1000, 'bye');
      return 'echoed 1000; reported 1000 "bye", clean';
    },
  },
  {
    id: '7.1.3',
    category: 'close',
    title: 'close with a 2-byte payload (code, no reason)',
    rfc: '§5.5.1',
    expected: 'echo 1000; report 1000 "", clean',
    async run(ctx) {
      const s = await ctx.session();
      await s.closeCleanly(1000, '');
      return 'echoed 1000; reported 1000 "", clean';
    },
  },
  {
    id: '7.1.4',
    category: 'close',
    title: 'text message and close in one TCP write',
    rfc: '§5.5.1, §7.1.4',
    expected: 'message delivered before the close is reported',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.text, payload: 'last words' }));
      await s.closeCleanly(1000, 'done');
      expect(s.client.log).toEqual(['open', 'message', 'close']);
      expect(s.client.messages[0].data).toBe('last words');
      return 'open, message, close in that order; clean';
    },
  },
  {
    id: '7.1.5',
    category: 'close',
    title: 'text, binary, ping and a second close after the close frame, in the same TCP write',
    rfc: '§5.5.1, §1.4',
    expected: 'all ignored: no message, no pong, a single close echo; clean',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(
        f({ opcode: OP.close, payload: closeBody(1000, 'bye') }),
        f({ opcode: OP.text, payload: 'after close' }),
        f({ opcode: OP.binary, payload: 'after close' }),
        f({ opcode: OP.ping, payload: 'after close' }),
        f({ opcode: OP.close, payload: closeBody(1001) }),
      );
      const echo = await s.readFrame();
      expect(echo.opcode).toBe(OP.close);
      expect(echo.payload.readUInt16BE(0)).toBe(1000);
      s.peer.socket.end();
      const info = await within(s.client.closed, 'the close');
      expect(info).toMatchObject({ code: 1000, reason: 'bye', wasClean: true });
      expect(s.client.messages).toHaveLength(0);
      expect(s.client.pings).toHaveLength(0);
      expect(await s.remainingFrames(), 'no pong, no second close').toEqual([]);
      return 'one echo (1000), nothing else sent or delivered; clean';
    },
  },
  {
    id: '7.1.6',
    category: 'close',
    title: 'data frames after the close frame in a later TCP write',
    rfc: '§5.5.1, §1.4',
    expected: 'ignored: no message, no pong; clean',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.close, payload: closeBody(1000) }));
      const echo = await s.readFrame();
      expect(echo.opcode).toBe(OP.close);
      await s.send(f({ opcode: OP.text, payload: 'late' }), f({ opcode: OP.ping, payload: 'late' }));
      s.peer.socket.end();
      const info = await within(s.client.closed, 'the close');
      expect(info).toMatchObject({ code: 1000, wasClean: true });
      expect(s.client.messages).toHaveLength(0);
      expect(await s.remainingFrames()).toEqual([]);
      return 'late frames ignored; clean';
    },
  },
  {
    id: '7.3.1',
    category: 'close',
    title: 'close with a 1-byte payload',
    rfc: '§5.5.1',
    expected: 'fail with close 1002',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.close, payload: hex('03') }));
      return s.expectFailure(1002);
    },
  },
  {
    id: '7.3.2',
    category: 'close',
    title: 'close 1000 with a 123-byte reason (multi-byte characters)',
    rfc: '§5.5, §5.5.1',
    expected: 'echo 1000; report the reason exactly; clean',
    async run(ctx) {
      const s = await ctx.session();
      const reason = reasonOfBytes(123);
      expect(utf8(reason).length).toBe(123);
      await s.closeCleanly(1000, reason);
      return 'echoed 1000; reported the 123-byte reason exactly; clean';
    },
  },
  failingClose(
    '7.3.3',
    'close 1000 with a 124-byte reason (a 126-byte control frame)',
    closeBody(1000, reasonOfBytes(124)),
    1002,
    '§5.5',
  ),
  failingClose(
    '7.5.1',
    'close 1000 with a reason that is not UTF-8 (CE BA E1 BD B9 FF)',
    closeBody(1000, hex('ce ba e1 bd b9 ff')),
    1007,
    '§5.5.1, §8.1',
  ),
  failingClose(
    '7.5.2',
    'close 1000 with a reason ending inside a character (E2 82)',
    closeBody(1000, hex('41 e2 82')),
    1007,
    '§5.5.1, §8.1',
  ),
  failingClose(
    '7.5.3',
    'close 1000 with a surrogate in the reason (ED A0 80)',
    closeBody(1000, hex('ed a0 80')),
    1007,
    '§5.5.1, §8.1',
  ),
  ...VALID_CODES.map(
    (code, i): ConformanceCase => ({
      id: `7.7.${i + 1}`,
      category: 'close',
      title: `close with valid code ${code}`,
      rfc: code >= 3000 ? '§7.4.2' : '§7.4.1',
      expected: `echo ${code}; report ${code}, clean`,
      async run(ctx) {
        const s = await ctx.session();
        await s.closeCleanly(code, `code ${code}`);
        return `echoed ${code}; reported ${code} "code ${code}", clean`;
      },
    }),
  ),
  ...INVALID_CODES.map((code, i) =>
    failingClose(
      `7.9.${i + 1}`,
      `close with invalid code ${code}`,
      closeBody(code, 'invalid'),
      1002,
      code >= 3000 && code <= 4999 ? '§7.4.2' : '§7.4.1, §7.4.2',
    ),
  ),
  {
    id: '7.11.1',
    category: 'close',
    title: 'client starts the closing handshake: close(1000, "client bye"), server echoes and closes TCP',
    rfc: '§5.5.1, §7.1.2',
    expected: 'masked close 1000 "client bye" sent; clean close reported with the echoed code',
    async run(ctx) {
      const s = await ctx.session();
      s.client.transport.close(1000, 'client bye');
      const close = await s.readFrame();
      expect(close).toMatchObject({ opcode: OP.close, masked: true, fin: true });
      expect(close.payload.readUInt16BE(0)).toBe(1000);
      expect(close.payload.subarray(2).toString()).toBe('client bye');
      await s.send(f({ opcode: OP.close, payload: closeBody(1000, 'server bye') }));
      s.peer.socket.end();
      const info = await within(s.client.closed, 'the close');
      expect(info).toMatchObject({ code: 1000, reason: 'server bye', wasClean: true });
      expect(info.error).toBeUndefined();
      expect(await s.remainingFrames()).toEqual([]);
      return 'sent close 1000 "client bye"; got the echo; clean';
    },
  },
  {
    id: '7.11.2',
    category: 'close',
    title: 'after the server-initiated closing handshake the server waits: the client closes its side of TCP',
    rfc: '§7.1.1, §5.5.1',
    expected: 'client sends FIN right after its echo (well before the close timeout); clean once the server closes',
    async run(ctx) {
      const s = await ctx.session({ closeTimeout: 5_000 });
      const ended = once(s.peer.socket, 'end');
      neverCloseTcp(s);
      const start = performance.now();
      await s.send(f({ opcode: OP.close, payload: closeBody(1000) }));
      expect((await s.readFrame()).opcode).toBe(OP.close);
      await within(ended, "the client's FIN", 1_000);
      expect(performance.now() - start, 'FIN long before the 5 s close timeout').toBeLessThan(1_000);
      s.peer.socket.end();
      const info = await within(s.client.closed, 'the close');
      expect(info).toMatchObject({ code: 1000, wasClean: true });
      return 'FIN right after the echo; clean once the server closed';
    },
  },
  {
    id: '7.11.3',
    category: 'close',
    title: 'after the client-initiated closing handshake the server waits: the client closes its side of TCP',
    rfc: '§7.1.1, §5.5.1',
    expected: 'client sends FIN once the echo arrived; clean once the server closes',
    async run(ctx) {
      const s = await ctx.session({ closeTimeout: 5_000 });
      neverCloseTcp(s);
      const ended = once(s.peer.socket, 'end');
      s.client.transport.close(1000);
      expect((await s.readFrame()).opcode).toBe(OP.close);
      await s.send(f({ opcode: OP.close, payload: closeBody(1000) }));
      await within(ended, "the client's FIN", 1_000);
      s.peer.socket.end();
      const info = await within(s.client.closed, 'the close');
      expect(info).toMatchObject({ code: 1000, wasClean: true });
      return 'FIN after the echo; clean once the server closed';
    },
  },
  {
    id: '7.11.4',
    category: 'close',
    title: 'server sends close 1000 and never closes TCP (ignores the client FIN)',
    rfc: '§7.1.1, §7.1.5',
    expected:
      'the client drops TCP itself after closeTimeout (300 ms); the closing handshake completed, so: 1000, clean, no error',
    async run(ctx) {
      const s = await ctx.session({ closeTimeout: 300 });
      neverCloseTcp(s);
      await s.send(f({ opcode: OP.close, payload: closeBody(1000, 'done') }));
      const start = performance.now();
      expect((await s.readFrame()).opcode).toBe(OP.close);
      const info = await within(s.client.closed, 'the close timeout to end the connection');
      const elapsed = performance.now() - start;
      // §7.1.5: "if the TCP connection was closed after the WebSocket closing handshake was completed, the
      // WebSocket connection is said to have been closed _cleanly_" — whoever closed TCP. Not an error, so
      // a Socket does not reconnect after the server's final 1000.
      expect(info).toMatchObject({ code: 1000, reason: 'done', wasClean: true });
      expect(info.error, 'no error: the server only kept TCP open').toBeUndefined();
      expect(elapsed, 'ended by the close timeout').toBeGreaterThanOrEqual(300 * 0.8);
      expect(elapsed).toBeLessThan(300 + 2_000);
      return 'dropped TCP after the 300 ms close timeout: 1000 "done", clean, no error';
    },
  },
  {
    id: '7.11.5',
    category: 'close',
    title: 'client starts closing; the server never echoes nor closes TCP',
    rfc: '§7.1.1, §7.1.7',
    expected: 'the client ends the connection after closeTimeout (300 ms): 1006, TimeoutError(close), not clean',
    async run(ctx) {
      const s = await ctx.session({ closeTimeout: 300 });
      neverCloseTcp(s);
      s.client.transport.close(1000);
      expect((await s.readFrame()).opcode).toBe(OP.close);
      const result = await timesOut(s, 300, 1006);
      expect((await s.client.closed).wasClean).toBe(false);
      return result;
    },
  },
  {
    id: '7.11.6',
    category: 'close',
    title: 'server sends close 1001 and closes TCP at once, without reading the echo',
    rfc: '§7.1.1, §7.1.5',
    expected: 'report 1001 and the reason; no hang, no error',
    async run(ctx) {
      const s = await ctx.session();
      s.peer.socket.end(f({ opcode: OP.close, payload: closeBody(1001, 'restarting') }));
      const info = await within(s.client.closed, 'the close');
      expect(info).toMatchObject({ code: 1001, reason: 'restarting' });
      expect(info.error).toBeUndefined();
      return `reported 1001 "restarting", wasClean ${info.wasClean}`;
    },
  },
];
