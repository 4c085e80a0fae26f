/**
 * 8 Limits: `maxPayload`. RFC 6455 §10.4 ("implementations SHOULD impose a limit on frame sizes and the total
 * message size after reassembly") and §7.4.1 (1009: "a message that is too big for it to process").
 *
 * The client must decide from the frame header, before buffering the payload: most cases send only the header of
 * an oversized frame and nothing else, so a client that waited for (or buffered) the payload would never fail.
 */
import { expect } from 'vitest';
import { bytesOf, f, OP, utf8, type ConformanceCase } from '../harness.js';

const RFC = '§10.4, §7.4.1';
const LIMIT = 64 * 1024;

/** Only the header of a frame declaring `length` bytes (the payload never follows). */
function headerOnly(opcode: number, length: number | bigint, fin = true): Buffer {
  const head = f({ opcode, fin, lengthOverride: length });
  return head; // lengthOverride with no payload: exactly the header
}

export const limitCases: ConformanceCase[] = [
  {
    id: '8.1',
    category: 'limits',
    title: `binary frame header declaring maxPayload + 1 (${LIMIT + 1} B), payload never sent`,
    rfc: RFC,
    expected: 'fail with close 1009 at the header, without waiting for the payload',
    async run(ctx) {
      const s = await ctx.session({ maxPayload: LIMIT });
      await s.send(headerOnly(OP.binary, LIMIT + 1));
      return s.expectFailure(1009);
    },
  },
  {
    id: '8.2',
    category: 'limits',
    title: 'text frame header declaring 16 MiB with maxPayload 64 KiB, payload never sent',
    rfc: RFC,
    expected: 'fail with close 1009 at once',
    async run(ctx) {
      const s = await ctx.session({ maxPayload: LIMIT });
      await s.send(headerOnly(OP.text, 16 * 1024 * 1024));
      return s.expectFailure(1009);
    },
  },
  {
    id: '8.3',
    category: 'limits',
    title: 'binary frame header declaring 2^62 B (default maxPayload), payload never sent',
    rfc: RFC,
    expected: 'fail with close 1009 at once; nothing allocated for it',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(headerOnly(OP.binary, 1n << 62n));
      return s.expectFailure(1009);
    },
  },
  {
    id: '8.4',
    category: 'limits',
    title: 'frame header declaring 2^63 B (most significant bit set)',
    rfc: '§5.2',
    expected: 'fail with close 1002 (the MSB MUST be 0)',
    async run(ctx) {
      const s = await ctx.session({ maxPayload: LIMIT });
      await s.send(headerOnly(OP.binary, 1n << 63n));
      return s.expectFailure(1002);
    },
  },
  {
    id: '8.5',
    category: 'limits',
    title: 'fragmented message: 40 KiB fragment, then a header declaring 40 KiB more (80 KiB > 64 KiB)',
    rfc: RFC,
    expected: 'fail with close 1009 at the second header, before its payload',
    async run(ctx) {
      const s = await ctx.session({ maxPayload: LIMIT });
      await s.send(f({ opcode: OP.binary, fin: false, payload: bytesOf(40 * 1024) }), headerOnly(OP.cont, 40 * 1024));
      const failure = await s.expectFailure(1009);
      expect(s.client.messages).toHaveLength(0);
      return failure;
    },
  },
  {
    id: '8.6',
    category: 'limits',
    title: 'text message of 1,025 one-byte fragments with maxPayload 1,024',
    rfc: RFC,
    expected: 'fail with close 1009 at the 1,025th fragment',
    async run(ctx) {
      const s = await ctx.session({ maxPayload: 1024 });
      const frames = Array.from({ length: 1025 }, (_, i) =>
        f({ opcode: i === 0 ? OP.text : OP.cont, fin: i === 1024, payload: 'x' }),
      );
      await s.send(...frames);
      const failure = await s.expectFailure(1009);
      expect(s.client.messages).toHaveLength(0);
      return failure;
    },
  },
  {
    id: '8.7',
    category: 'limits',
    title: 'binary message of exactly maxPayload (64 KiB) in one frame',
    rfc: RFC,
    expected: 'delivered (the limit is inclusive)',
    async run(ctx) {
      const s = await ctx.session({ maxPayload: LIMIT });
      const payload = bytesOf(LIMIT);
      await s.send(f({ opcode: OP.binary, payload }));
      await s.expectMessage(payload);
      await s.closeCleanly();
      return 'delivered 64 KiB; clean close';
    },
  },
  {
    id: '8.8',
    category: 'limits',
    title: 'text message of exactly maxPayload (64 KiB) in 4 fragments',
    rfc: RFC,
    expected: 'delivered',
    async run(ctx) {
      const s = await ctx.session({ maxPayload: LIMIT });
      const text = 'ab€d'.repeat(LIMIT / 6) + 'x'.repeat(LIMIT % 6);
      const bytes = utf8(text);
      expect(bytes.length).toBe(LIMIT);
      const q = LIMIT / 4;
      await s.send(
        ...[0, 1, 2, 3].map((i) =>
          f({ opcode: i === 0 ? OP.text : OP.cont, fin: i === 3, payload: bytes.subarray(i * q, (i + 1) * q) }),
        ),
      );
      await s.expectMessage(text);
      await s.closeCleanly();
      return 'delivered 64 KiB from 4 fragments; clean close';
    },
  },
  {
    id: '8.9',
    category: 'limits',
    title: 'ping of 125 B with maxPayload 16',
    rfc: '§5.5, §5.5.2',
    expected: 'pong with the same 125 B (control frames are bounded by the protocol, not maxPayload)',
    async run(ctx) {
      const s = await ctx.session({ maxPayload: 16 });
      const payload = bytesOf(125);
      await s.send(f({ opcode: OP.ping, payload }));
      await s.expectPong(payload);
      await s.closeCleanly(1000, '');
      return 'pong of 125 B; clean close';
    },
  },
];
