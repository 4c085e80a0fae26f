/**
 * 6 UTF-8 handling (Autobahn 6.x). RFC 6455 §5.6: text data "MUST" be UTF-8 and "the whole message MUST contain
 * valid UTF-8"; §8.1: an endpoint that finds otherwise "MUST _Fail the WebSocket Connection_" (close 1007, §7.4.1).
 *
 * Valid text is checked whole, split at every byte boundary across two fragments, one byte per fragment, and one
 * byte per TCP write. Invalid sequences (overlong forms, surrogates, code points above U+10FFFF, bytes that never
 * occur, truncated sequences) must fail with 1007, and "fail fast" cases prove the client fails as soon as the
 * offending byte arrives: the server holds back the rest of the message until the client's close frame is in.
 */
import { expect } from 'vitest';
import { f, hex, OP, utf8, type ConformanceCase, type Session } from '../harness.js';

const RFC = '§5.6, §8.1';

interface ValidSample {
  name: string;
  text: string;
}

const VALID: ValidSample[] = [
  { name: '1-byte sequences (U+0000, U+0041, U+007F)', text: '\u0000A\u007f plain ASCII' },
  { name: '2-byte sequences (U+0080, U+00FF, U+07FF, Greek)', text: '\u0080\u00ff\u07ff κσμε µ@ßöäüàá' },
  { name: '3-byte sequences (U+0800, U+D7FF, U+E000, U+FFFD, U+FFFF, €)', text: '\u0800\ud7ff\ue000\ufffd\uffff €' },
  { name: '4-byte sequences (U+10000, U+1F600, U+10FFFF)', text: '\u{10000}\u{1f600}\u{10ffff}' },
  { name: 'mixed text with a leading U+FEFF (kept as data)', text: '\ufeffHello-µ@ßöäüàá-UTF-8!! κόσμε 😀' },
];

function validCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  VALID.forEach(({ name, text }, i) => {
    const bytes = utf8(text);
    const base = `6.${i + 1}`;
    const make = (n: number, how: string, expected: string, play: (s: Session) => Promise<number>): void => {
      cases.push({
        id: `${base}.${n}`,
        category: 'utf-8',
        title: `valid ${name}, ${how}`,
        rfc: RFC,
        expected,
        async run(ctx) {
          const s = await ctx.session();
          const count = await play(s);
          for (let k = 0; k < count; k++) await s.expectMessage(text);
          await s.closeCleanly();
          return `${count} message(s) delivered exactly (${bytes.length} B each); clean close`;
        },
      });
    };
    make(1, 'in one frame', 'delivered exactly', async (s) => {
      await s.send(f({ opcode: OP.text, payload: bytes }));
      return 1;
    });
    make(
      2,
      `split into 2 fragments at every byte boundary (${bytes.length - 1} messages)`,
      'every message delivered exactly',
      async (s) => {
        const frames: Buffer[] = [];
        for (let cut = 1; cut < bytes.length; cut++) {
          frames.push(
            f({ opcode: OP.text, fin: false, payload: bytes.subarray(0, cut) }),
            f({ opcode: OP.cont, payload: bytes.subarray(cut) }),
          );
        }
        await s.send(...frames);
        return bytes.length - 1;
      },
    );
    make(3, `one byte per fragment (${bytes.length} fragments)`, 'delivered exactly', async (s) => {
      const frames = Array.from(bytes, (_, k) =>
        f({ opcode: k === 0 ? OP.text : OP.cont, fin: k === bytes.length - 1, payload: bytes.subarray(k, k + 1) }),
      );
      await s.send(...frames);
      return 1;
    });
    make(4, 'one frame, 1 byte per TCP write', 'delivered exactly', async (s) => {
      await s.sendBytewise(f({ opcode: OP.text, payload: bytes }));
      return 1;
    });
  });
  return cases;
}

/** Invalid UTF-8: `bad` is put between a valid prefix and suffix (or at the very end when `atEnd`). */
const INVALID: { name: string; bad: string; atEnd?: boolean }[] = [
  { name: 'lone continuation byte 80', bad: '80' },
  { name: 'lone continuation byte BF', bad: 'bf' },
  { name: 'overlong 2-byte U+0000 (C0 80)', bad: 'c0 80' },
  { name: 'overlong 2-byte U+007F (C1 BF)', bad: 'c1 bf' },
  { name: 'overlong 3-byte U+0000 (E0 80 80)', bad: 'e0 80 80' },
  { name: 'overlong 3-byte U+07FF (E0 9F BF)', bad: 'e0 9f bf' },
  { name: 'overlong 4-byte U+0000 (F0 80 80 80)', bad: 'f0 80 80 80' },
  { name: 'overlong 4-byte U+FFFF (F0 8F BF BF)', bad: 'f0 8f bf bf' },
  { name: 'overlong "/" in 2 bytes (C0 AF)', bad: 'c0 af' },
  { name: 'overlong "/" in 3 bytes (E0 80 AF)', bad: 'e0 80 af' },
  { name: 'overlong "/" in 4 bytes (F0 80 80 AF)', bad: 'f0 80 80 af' },
  { name: 'high surrogate U+D800 (ED A0 80)', bad: 'ed a0 80' },
  { name: 'high surrogate U+DB7F (ED AD BF)', bad: 'ed ad bf' },
  { name: 'high surrogate U+DBFF (ED AF BF)', bad: 'ed af bf' },
  { name: 'low surrogate U+DC00 (ED B0 80)', bad: 'ed b0 80' },
  { name: 'low surrogate U+DFFF (ED BF BF)', bad: 'ed bf bf' },
  { name: 'surrogate pair encoded separately, CESU-8 (ED A0 BD ED B8 80)', bad: 'ed a0 bd ed b8 80' },
  { name: 'U+110000, above U+10FFFF (F4 90 80 80)', bad: 'f4 90 80 80' },
  { name: 'U+13FFFF (F4 BF BF BF)', bad: 'f4 bf bf bf' },
  { name: 'lead byte F5 (F5 80 80 80)', bad: 'f5 80 80 80' },
  { name: 'U+1FFFFF in 4 bytes (F7 BF BF BF)', bad: 'f7 bf bf bf' },
  { name: '5-byte sequence (F8 88 80 80 80)', bad: 'f8 88 80 80 80' },
  { name: '6-byte sequence (FC 84 80 80 80 80)', bad: 'fc 84 80 80 80 80' },
  { name: 'byte FE', bad: 'fe' },
  { name: 'byte FF', bad: 'ff' },
  { name: '2-byte lead followed by ASCII (C2 41)', bad: 'c2 41' },
  { name: '3-byte lead, 1 continuation, then ASCII (E2 82 41)', bad: 'e2 82 41' },
  { name: '4-byte lead, 2 continuations, then ASCII (F0 9F 98 41)', bad: 'f0 9f 98 41' },
  { name: 'truncated 2-byte sequence at message end (C2)', bad: 'c2', atEnd: true },
  { name: 'truncated 3-byte sequence at message end (E2 82)', bad: 'e2 82', atEnd: true },
  { name: 'truncated 4-byte sequence at message end (F0 9F 98)', bad: 'f0 9f 98', atEnd: true },
];

function invalidCases(): ConformanceCase[] {
  return INVALID.map(({ name, bad, atEnd }, i) => ({
    id: `6.${VALID.length + 1}.${i + 1}`,
    category: 'utf-8',
    title: `invalid: ${name}, in one frame`,
    rfc: RFC,
    expected: 'fail with close 1007; no message',
    async run(ctx) {
      const s = await ctx.session();
      const payload = Buffer.concat([utf8('κόσμε '), hex(bad), atEnd ? Buffer.alloc(0) : utf8(' tail')]);
      await s.send(f({ opcode: OP.text, payload }));
      const failure = await s.expectFailure(1007);
      expect(s.client.messages).toHaveLength(0);
      return failure;
    },
  }));
}

/**
 * A fail-fast case: the server sends `first`, then waits for the client's close frame before sending `rest`.
 * The close frame arriving while `rest` is held back proves the client did not wait for the end of the message.
 */
function failFast(
  id: string,
  title: string,
  first: Buffer[],
  rest: Buffer[],
  options: { bytewise?: boolean; midway?: (s: Session) => Promise<void> } = {},
): ConformanceCase {
  return {
    id,
    category: 'utf-8',
    title: `fail fast: ${title}`,
    rfc: RFC,
    expected: 'close 1007 sent while the rest of the message is held back; no message',
    async run(ctx) {
      const s = await ctx.session();
      for (const chunk of first) {
        if (options.bytewise) {
          // Everything up to the offending byte is a valid prefix: the client must still be silent then.
          await s.sendBytewise(chunk.subarray(0, -1));
          await new Promise((resolve) => setTimeout(resolve, 20));
          expect(s.peer.received().length, 'nothing from the client before the offending byte').toBe(0);
          await s.sendBytewise(chunk.subarray(-1));
        } else {
          await s.send(chunk);
        }
        if (chunk !== first[first.length - 1]) await options.midway?.(s);
      }
      const held = Buffer.concat(rest).length;
      const failure = await s.expectFailure(1007, {
        // Only now does the server send what it held back; the client must ignore it.
        afterCloseFrame: () => s.send(...rest).catch(() => {}),
      });
      expect(s.client.messages).toHaveLength(0);
      return `${failure}, with ${held} B of the message still held back`;
    },
  };
}

const tail = utf8(' — the rest of the message, never needed '.repeat(2));

function frameHeadAndPayload(payload: Buffer, sendUpTo: number): { head: Buffer; rest: Buffer } {
  const whole = f({ opcode: OP.text, payload });
  const cut = whole.length - payload.length + sendUpTo;
  return { head: whole.subarray(0, cut), rest: whole.subarray(cut) };
}

function failFastCases(): ConformanceCase[] {
  const base = `6.${VALID.length + 2}`;
  const single = (bad: string): { head: Buffer; rest: Buffer } => {
    const prefix = utf8('κόσμε ');
    const payload = Buffer.concat([prefix, hex(bad), tail]);
    // Send the header, the prefix and the bad bytes; hold back the rest of the payload.
    return frameHeadAndPayload(payload, prefix.length + hex(bad).length);
  };
  const ff = single('ff');
  const surrogate = single('ed a0');
  const above = single('f4 90');
  const bytewiseSurrogate = single('ed a0');
  return [
    failFast(`${base}.1`, 'byte FF inside a single frame, rest of the frame held back', [ff.head], [ff.rest]),
    failFast(
      `${base}.2`,
      'surrogate ED A0 inside a single frame (bad at its 2nd byte), rest held back',
      [surrogate.head],
      [surrogate.rest],
    ),
    failFast(
      `${base}.3`,
      'F4 90 (above U+10FFFF, bad at its 2nd byte) inside a single frame, rest held back',
      [above.head],
      [above.rest],
    ),
    failFast(
      `${base}.4`,
      'surrogate ED A0 inside a single frame, 1 byte per TCP write, nothing after A0 until the close',
      [bytewiseSurrogate.head],
      [bytewiseSurrogate.rest],
      { bytewise: true },
    ),
    failFast(
      `${base}.5`,
      'fragmented: valid 1st fragment, overlong C0 AF in the 2nd, 3rd fragment held back',
      [
        Buffer.concat([
          f({ opcode: OP.text, fin: false, payload: 'κόσμε ' }),
          f({ opcode: OP.cont, fin: false, payload: Buffer.concat([utf8('ok '), hex('c0 af'), utf8(' more')]) }),
        ]),
      ],
      [f({ opcode: OP.cont, payload: tail })],
    ),
    failFast(
      `${base}.6`,
      'fragmented: FF in the 1st fragment, continuation held back',
      [f({ opcode: OP.text, fin: false, payload: Buffer.concat([utf8('κόσμε '), hex('ff')]) })],
      [f({ opcode: OP.cont, payload: tail })],
    ),
    failFast(
      `${base}.7`,
      '1st fragment ends inside a 3-byte character (E2 82, still valid: the client answers a ping), 2nd starts with "(" (invalid), 3rd held back',
      [
        f({ opcode: OP.text, fin: false, payload: Buffer.concat([utf8('κόσμε '), hex('e2 82')]) }),
        f({ opcode: OP.cont, fin: false, payload: utf8('(bad continuation') }),
      ],
      [f({ opcode: OP.cont, payload: tail })],
      {
        midway: async (s) => {
          await s.send(f({ opcode: OP.ping, payload: 'still valid?' }));
          await s.expectPong(utf8('still valid?'));
        },
      },
    ),
    {
      id: `${base}.8`,
      category: 'utf-8',
      title: 'fragmented message whose last fragment ends inside a 4-byte character (F0 9F 98)',
      rfc: RFC,
      expected: 'fail with close 1007 at the final fragment; no message',
      async run(ctx) {
        const s = await ctx.session();
        await s.send(f({ opcode: OP.text, fin: false, payload: 'κόσμε ' }), f({ opcode: OP.cont, payload: hex('f0 9f 98') }));
        const failure = await s.expectFailure(1007);
        expect(s.client.messages).toHaveLength(0);
        return failure;
      },
    },
  ];
}

export const utf8Cases: ConformanceCase[] = [...validCases(), ...invalidCases(), ...failFastCases()];
