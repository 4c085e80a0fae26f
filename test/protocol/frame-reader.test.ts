import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ProtocolError } from '../../src/errors.js';
import { Opcode } from '../../src/protocol/constants.js';
import { FrameReader } from '../../src/protocol/frame-reader.js';
import { allSplits, concat, expectProtocolError, pushSplit, recordingReader, utf8, type ReaderEvent } from './frame-helpers.js';
import { frame } from '../helpers/frames.js';
import { hex, toHex } from '../helpers/hex.js';

function bytesOf(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 0xff);
}

/** Parse `bytes` pushed whole and return the events. */
function read(bytes: Uint8Array, options = {}): ReaderEvent[] {
  const { reader, events } = recordingReader(options);
  reader.push(bytes);
  return events;
}

describe('FrameReader: RFC 6455 §5.7 examples', () => {
  it('client receives a single-frame unmasked text "Hello" (810548656c6c6f)', () => {
    expect(read(hex('810548656c6c6f'))).toEqual([{ type: 'text', data: 'Hello' }]);
  });

  it('client receives a fragmented unmasked text "Hel" + "lo" (010348656c80026c6f)', () => {
    expect(read(hex('010348656c 80026c6f'))).toEqual([{ type: 'text', data: 'Hello' }]);
  });

  it('client receives an unmasked ping "Hello" (890548656c6c6f)', () => {
    expect(read(hex('890548656c6c6f'))).toEqual([{ type: 'ping', data: '48656c6c6f' }]);
  });

  it('client receives an unmasked pong "Hello" (8a0548656c6c6f)', () => {
    expect(read(hex('8a0548656c6c6f'))).toEqual([{ type: 'pong', data: '48656c6c6f' }]);
  });

  it('client receives 256 bytes of binary with a 16-bit length (827e0100)', () => {
    const payload = bytesOf(256);
    expect(read(concat(hex('827e0100'), payload))).toEqual([{ type: 'binary', data: toHex(payload) }]);
  });

  it('client receives 64 KiB of binary with a 64-bit length (827f0000000000010000)', () => {
    const payload = bytesOf(65536);
    expect(read(concat(hex('827f0000000000010000'), payload))).toEqual([{ type: 'binary', data: toHex(payload) }]);
  });
});

describe('FrameReader: valid frames', () => {
  it('client receives empty text, binary, ping and pong', () => {
    expect(read(hex('8100 8200 8900 8a00'))).toEqual([
      { type: 'text', data: '' },
      { type: 'binary', data: '' },
      { type: 'ping', data: '' },
      { type: 'pong', data: '' },
    ]);
  });

  it('client receives an empty fragmented message (0100 8000)', () => {
    expect(read(hex('0100 8000'))).toEqual([{ type: 'text', data: '' }]);
    expect(read(hex('0200 0000 8000'))).toEqual([{ type: 'binary', data: '' }]);
  });

  it('client receives 125-byte ping, the largest control frame', () => {
    const payload = bytesOf(125);
    expect(read(frame({ opcode: Opcode.Ping, payload }))).toEqual([{ type: 'ping', data: toHex(payload) }]);
  });

  it('client receives close 1000 (880203e8) and an empty close (8800) as 1005', () => {
    expect(read(hex('880203e8'))).toEqual([{ type: 'close', code: 1000, reason: '', data: '03e8' }]);
    expect(read(hex('8800'))).toEqual([{ type: 'close', code: 1005, reason: '', data: '' }]);
  });

  it('client receives close 4000 with a UTF-8 reason', () => {
    const body = concat(hex('0fa0'), utf8('au revoir, é'));
    expect(read(frame({ opcode: Opcode.Close, payload: body }))).toEqual([
      { type: 'close', code: 4000, reason: 'au revoir, é', data: toHex(body) },
    ]);
  });

  it('client receives binary fragmented in three frames (opcode 2, 0, 0+FIN)', () => {
    expect(read(hex('0202aabb 0001cc 8002ddee'))).toEqual([{ type: 'binary', data: 'aabbccddee' }]);
  });

  it('client receives several frames in one chunk', () => {
    expect(read(hex('8101 41 8201 42 8101 43'))).toEqual([
      { type: 'text', data: 'A' },
      { type: 'binary', data: '42' },
      { type: 'text', data: 'C' },
    ]);
  });

  it('client receives a non-minimal length encoding → accepts it (as ws and browsers do)', () => {
    expect(read(frame({ opcode: Opcode.Text, payload: utf8('Hi'), lengthForm: 16 }))).toEqual([{ type: 'text', data: 'Hi' }]);
    expect(read(frame({ opcode: Opcode.Text, payload: utf8('Hi'), lengthForm: 64 }))).toEqual([{ type: 'text', data: 'Hi' }]);
  });

  it('client receives text with a leading U+FEFF → the BOM is kept as data', () => {
    expect(read(hex('8106 efbbbf414243'))).toEqual([{ type: 'text', data: '\ufeffABC' }]);
    // Fragmented, with the BOM split across frames.
    expect(read(hex('0101ef 0001bb 8002bf41'))).toEqual([{ type: 'text', data: '\ufeffA' }]);
    // Pushed one byte at a time (the slow path).
    const { reader, events } = recordingReader();
    pushSplit(reader, hex('8104efbbbf41'), [1, 2, 3, 4, 5]);
    expect(events).toEqual([{ type: 'text', data: '\ufeffA' }]);
  });

  it('client receives a binary payload inside one chunk as a view of that chunk (no copy)', () => {
    const chunk = hex('8203aabbcc');
    let received: Uint8Array | undefined;
    const reader = new FrameReader(
      {
        onMessage: (data) => (received = data as Uint8Array),
        onPing: () => {},
        onPong: () => {},
        onClose: () => {},
      },
      { maxPayload: 100 },
    );
    reader.push(chunk);
    expect(received?.buffer).toBe(chunk.buffer);
    expect(received?.byteOffset).toBe(2);
    expect(toHex(received!)).toBe('aabbcc');
  });

  it('client receives a payload split across chunks as one contiguous copy', () => {
    const { reader, events } = recordingReader();
    reader.push(hex('8206aabb'));
    reader.push(hex('ccdd'));
    reader.push(hex('eeff'));
    expect(events).toEqual([{ type: 'binary', data: 'aabbccddeeff' }]);
  });

  it('uses an injected decodeText for text', () => {
    const seen: string[] = [];
    const { reader, events } = recordingReader({
      decodeText: (bytes: Uint8Array) => {
        seen.push(toHex(bytes));
        return `decoded:${bytes.length}`;
      },
    });
    reader.push(hex('8102 4142 0101 43 8001 44'));
    expect(seen).toEqual(['4142', '4344']);
    expect(events).toEqual([
      { type: 'text', data: 'decoded:2' },
      { type: 'text', data: 'decoded:2' },
    ]);
  });
});

describe('FrameReader: control frames between fragments', () => {
  it('client receives ping and pong between fragments → delivered right away, message intact', () => {
    const { reader, events } = recordingReader();
    reader.push(hex('010348656c'));
    reader.push(hex('8901 70'));
    expect(events).toEqual([{ type: 'ping', data: '70' }]);
    reader.push(hex('8a00 0001 6c'));
    expect(events).toEqual([
      { type: 'ping', data: '70' },
      { type: 'pong', data: '' },
    ]);
    reader.push(hex('80016f'));
    expect(events.at(-1)).toEqual({ type: 'text', data: 'Hello' });
  });

  it('client receives a ping split across chunks between text fragments → the ping is not UTF-8 checked', () => {
    const { reader, events } = recordingReader();
    pushSplit(
      reader,
      concat(hex('0101e2'), frame({ opcode: Opcode.Ping, payload: hex('ff80c0') }), hex('80028282')),
      [4, 5, 6, 7],
    );
    expect(events).toEqual([
      { type: 'ping', data: 'ff80c0' },
      { type: 'text', data: '₂' },
    ]);
  });

  it('client receives close in the middle of a fragmented message → close delivered, the rest ignored', () => {
    const { reader, events } = recordingReader();
    reader.push(hex('010348656c 880203e8 80026c6f'));
    expect(events).toEqual([{ type: 'close', code: 1000, reason: '', data: '03e8' }]);
    expect(reader.inMessage).toBe(false);
  });
});

describe('FrameReader: any chunking', () => {
  const payload256 = bytesOf(256);
  const stream = concat(
    hex('810548656c6c6f'), // "Hello"
    hex('010348656c'), // "Hel" …
    hex('8903 010203'), // ping between fragments
    hex('80026c6f'), // … "lo"
    frame({ opcode: Opcode.Text, payload: utf8('€😀\ufeff') }), // multibyte
    hex('0102 e282'), // "€" split across fragments …
    hex('8a00'), // pong between fragments
    hex('8001 ac'), // … end of "€"
    hex('827e0100'),
    payload256,
    hex('8200'),
    hex('880703e8 627965 21 21'), // close 1000 "bye!!"
  );
  const expected: ReaderEvent[] = [
    { type: 'text', data: 'Hello' },
    { type: 'ping', data: '010203' },
    { type: 'text', data: 'Hello' },
    { type: 'text', data: '€😀\ufeff' },
    { type: 'pong', data: '' },
    { type: 'text', data: '€' },
    { type: 'binary', data: toHex(payload256) },
    { type: 'binary', data: '' },
    { type: 'close', code: 1000, reason: 'bye!!', data: '03e862796521' + '21' },
  ];

  it('parses the stream pushed whole', () => {
    expect(read(stream)).toEqual(expected);
  });

  it('parses the stream 1 byte at a time and at every 2-way split', () => {
    for (const cuts of allSplits(stream.length)) {
      const { reader, events } = recordingReader();
      pushSplit(reader, stream, cuts);
      expect(events, `cuts ${cuts.length > 2 ? 'every byte' : cuts}`).toEqual(expected);
      expect(reader.inMessage).toBe(false);
    }
  });

  it('parses the stream at every 3-way split of its first 60 bytes', () => {
    for (let a = 1; a < 60; a++) {
      for (let b = a + 1; b < 60; b++) {
        const { reader, events } = recordingReader();
        pushSplit(reader, stream, [a, b]);
        expect(events).toEqual(expected);
      }
    }
  });

  it('client receives UTF-8 split at every byte boundary across two fragments', () => {
    const text = 'aé€😀𝄞\ufeffz';
    const bytes = utf8(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const message = concat(
        frame({ opcode: Opcode.Text, payload: bytes.subarray(0, cut), fin: false }),
        frame({ opcode: Opcode.Continuation, payload: bytes.subarray(cut) }),
      );
      expect(read(message)).toEqual([{ type: 'text', data: text }]);
      // And the same pushed one byte at a time.
      const { reader, events } = recordingReader();
      pushSplit(
        reader,
        message,
        Array.from({ length: message.length - 1 }, (_, i) => i + 1),
      );
      expect(events).toEqual([{ type: 'text', data: text }]);
    }
  });

  it('reports inMessage while a frame or a fragmented message is pending, and bufferedBytes', () => {
    const { reader } = recordingReader();
    expect(reader.inMessage).toBe(false);
    reader.push(hex('81'));
    expect(reader.inMessage).toBe(true);
    reader.push(hex('0541'));
    expect(reader.inMessage).toBe(true);
    expect(reader.bufferedBytes).toBe(1);
    reader.push(hex('42434445'));
    expect(reader.inMessage).toBe(false);
    expect(reader.bufferedBytes).toBe(0);
    reader.push(hex('0203aabbcc'));
    expect(reader.inMessage).toBe(true);
    expect(reader.bufferedBytes).toBe(3);
    reader.push(hex('8001dd'));
    expect(reader.inMessage).toBe(false);
    expect(reader.bufferedBytes).toBe(0);
  });
});

describe('FrameReader: protocol violations → 1002', () => {
  it('client receives masked frame → fails with 1002 as soon as the mask bit arrives', () => {
    const { reader, events } = recordingReader();
    reader.push(hex('81'));
    const error = expectProtocolError(() => reader.push(hex('85')), 1002);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(events).toEqual([]);
    // A full masked frame, too.
    expectProtocolError(
      () => read(frame({ opcode: Opcode.Text, payload: utf8('Hello'), masked: true, maskKey: hex('37fa213d') })),
      1002,
    );
  });

  it.each([
    ['RSV1', { rsv: 0b100 }],
    ['RSV2', { rsv: 0b010 }],
    ['RSV3', { rsv: 0b001 }],
  ])('client receives %s set without a negotiated extension → fails with 1002', (_, spec) => {
    expectProtocolError(() => read(frame({ opcode: Opcode.Text, payload: utf8('x'), ...spec }).subarray(0, 1)), 1002);
  });

  it.each([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf])('client receives reserved opcode %i → fails with 1002', (opcode) => {
    const error = expectProtocolError(() => read(Uint8Array.of(0x80 | opcode)), 1002);
    expect(error.message).toBe(`invalid opcode ${opcode}`);
  });

  it.each([
    ['ping', Opcode.Ping],
    ['pong', Opcode.Pong],
    ['close', Opcode.Close],
  ])('client receives %s with a 126-byte payload → fails with 1002 from the header', (_, opcode) => {
    expectProtocolError(() => read(Uint8Array.of(0x80 | opcode, 126)), 1002);
    expectProtocolError(() => read(Uint8Array.of(0x80 | opcode, 127)), 1002);
    expectProtocolError(() => read(frame({ opcode, payload: bytesOf(126) })), 1002);
  });

  it.each([
    ['ping', Opcode.Ping],
    ['pong', Opcode.Pong],
    ['close', Opcode.Close],
  ])('client receives fragmented %s (FIN clear) → fails with 1002', (_, opcode) => {
    expectProtocolError(() => read(Uint8Array.of(opcode)), 1002);
  });

  it('client receives a 64-bit length with the most significant bit set → fails with 1002', () => {
    expectProtocolError(() => read(hex('827f 8000000000000000'), { maxPayload: Infinity }), 1002);
    // Decided at the first length byte.
    expectProtocolError(() => read(hex('827f ff'), { maxPayload: Infinity }), 1002);
  });

  it('client receives a continuation frame without a started message → fails with 1002', () => {
    expectProtocolError(() => read(hex('8001 41')), 1002);
    expectProtocolError(() => read(hex('0001 41')), 1002);
    // After a complete fragmented message, too.
    expectProtocolError(() => read(hex('0101 41 8001 42 8001 43')), 1002);
  });

  it('client receives a new text or binary frame while a fragmented message is in progress → fails with 1002', () => {
    const error = expectProtocolError(() => read(hex('0101 41 8101 42')), 1002);
    expect(error.message).toBe('expected continuation frame');
    expectProtocolError(() => read(hex('0101 41 0201 42')), 1002);
  });

  it('client receives close with a 1-byte body → fails with 1002', () => {
    expectProtocolError(() => read(hex('880103')), 1002);
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 2000, 5000])('client receives close with code %i → fails with 1002', (code) => {
    expectProtocolError(() => read(frame({ opcode: Opcode.Close, payload: Uint8Array.of(code >> 8, code & 0xff) })), 1002);
  });
});

describe('FrameReader: RSV1 with a negotiated extension (allowRsv1)', () => {
  it('client receives RSV1 on the first frame → message delivered raw as compressed', () => {
    expect(read(hex('c102 aabb'), { allowRsv1: true })).toEqual([{ type: 'compressed', binary: false, data: 'aabb' }]);
    expect(read(hex('4201 aa 8001 bb'), { allowRsv1: true })).toEqual([{ type: 'compressed', binary: true, data: 'aabb' }]);
  });

  it('client receives RSV1 on a continuation frame → fails with 1002', () => {
    expectProtocolError(() => read(hex('0101 41 c001 42'), { allowRsv1: true }), 1002);
  });

  it('client receives RSV1 on a control frame → fails with 1002', () => {
    expectProtocolError(() => read(hex('c900'), { allowRsv1: true }), 1002);
  });

  it('client receives RSV2 → still fails with 1002', () => {
    expectProtocolError(() => read(hex('a100'), { allowRsv1: true }), 1002);
  });
});

describe('FrameReader: invalid UTF-8 → 1007', () => {
  it.each([
    ['a lone continuation byte', '80'],
    ['0xFF', 'ff'],
    ['an overlong "/" (C0 AF)', 'c0af'],
    ['an overlong 3-byte form (E0 80 AF)', 'e080af'],
    ['an overlong 4-byte form (F0 80 80 AF)', 'f08080af'],
    ['a surrogate (ED A0 80)', 'eda080'],
    ['a code point above U+10FFFF (F4 90 80 80)', 'f4908080'],
  ])('client receives text with %s → fails with 1007', (_, bad) => {
    const payload = concat(utf8('ok '), hex(bad), utf8(' tail'));
    expectProtocolError(() => read(frame({ opcode: Opcode.Text, payload })), 1007);
    // Fragmented around the bad bytes.
    expectProtocolError(
      () =>
        read(
          concat(
            frame({ opcode: Opcode.Text, payload: payload.subarray(0, 4), fin: false }),
            frame({ opcode: Opcode.Continuation, payload: payload.subarray(4) }),
          ),
        ),
      1007,
    );
  });

  it('client receives text truncated at the end of a single frame → fails with 1007', () => {
    expectProtocolError(() => read(hex('8102 e282')), 1007);
    expectProtocolError(() => read(hex('8101 f0')), 1007);
  });

  it('client receives text truncated at the end of a fragmented message → fails with 1007', () => {
    expectProtocolError(() => read(hex('0101 e2 8001 82')), 1007);
  });

  it('client receives invalid UTF-8 mid-frame → fails with 1007 before the frame is complete (Autobahn 6.4.3)', () => {
    const good = hex('cebae1bdb9cf83cebcceb5');
    const { reader, events } = recordingReader();
    // Header announces 21 bytes; only the valid prefix and the bad bytes arrive.
    reader.push(concat(hex('8115'), good));
    expect(events).toEqual([]);
    expectProtocolError(() => reader.push(hex('f4 90')), 1007);
  });

  it('client receives invalid UTF-8 in the first fragment → fails with 1007 before the next fragment (Autobahn 6.4.1)', () => {
    const { reader } = recordingReader();
    expectProtocolError(() => reader.push(hex('0104 cebaeda0')), 1007);
  });

  it('client receives invalid UTF-8 in a middle fragment → fails with 1007 before the final one (Autobahn 6.4.2)', () => {
    const { reader } = recordingReader();
    reader.push(hex('0102 ceba'));
    expectProtocolError(() => reader.push(hex('0004 f4908080')), 1007);
  });

  it('client receives a bad byte split one byte at a time in a big frame → fails at that byte', () => {
    const { reader } = recordingReader();
    reader.push(hex('817e0100')); // 256-byte text frame
    for (let i = 0; i < 100; i++) reader.push(utf8('a'));
    reader.push(hex('e2'));
    expectProtocolError(() => reader.push(hex('28')), 1007); // E2 must be followed by 80..BF
  });

  it('client receives invalid UTF-8 and the injected decoder throws → fails with 1007', () => {
    const decodeText = (): string => {
      throw new TypeError('bad');
    };
    expectProtocolError(() => read(hex('8101 41'), { decodeText }), 1007);
  });
});

describe('FrameReader: maxPayload → 1009 from the header', () => {
  it('client receives a frame of exactly maxPayload → accepted', () => {
    expect(read(frame({ opcode: Opcode.Binary, payload: bytesOf(100) }), { maxPayload: 100 })).toHaveLength(1);
  });

  it('client receives only the header of a frame over maxPayload (7-bit length) → fails with 1009', () => {
    expectProtocolError(() => read(hex('8265'), { maxPayload: 100 }), 1009);
  });

  it('client receives only the header of a huge frame (16- and 64-bit lengths) → fails with 1009', () => {
    expectProtocolError(() => read(hex('827e 0401'), { maxPayload: 1024 }), 1009);
    expectProtocolError(() => read(hex('827f 0000000100000000'), { maxPayload: 1024 * 1024 }), 1009);
    expectProtocolError(() => read(hex('817f 7fffffffffffffff'), { maxPayload: 1024 * 1024 }), 1009);
  });

  it('client receives a 64-bit length beyond 2^53 with no limit → fails with 1009', () => {
    expectProtocolError(() => read(hex('827f 0020000000000000'), { maxPayload: Infinity }), 1009);
  });

  it('client receives fragments adding up to more than maxPayload → fails with 1009 at the header of the fragment that overflows', () => {
    const { reader, events } = recordingReader({ maxPayload: 10 });
    reader.push(frame({ opcode: Opcode.Binary, payload: bytesOf(6), fin: false }));
    reader.push(frame({ opcode: Opcode.Continuation, payload: bytesOf(4), fin: false }));
    expect(reader.bufferedBytes).toBe(10);
    expectProtocolError(() => reader.push(hex('8001')), 1009);
    expect(events).toEqual([]);
  });

  it('counts the limit per message: a new message starts from zero', () => {
    const events = read(
      concat(
        frame({ opcode: Opcode.Binary, payload: bytesOf(6), fin: false }),
        frame({ opcode: Opcode.Continuation, payload: bytesOf(4) }),
        frame({ opcode: Opcode.Binary, payload: bytesOf(10) }),
      ),
      { maxPayload: 10 },
    );
    expect(events).toHaveLength(2);
  });

  it('control frames are bounded by the protocol (125), not by maxPayload', () => {
    expect(read(frame({ opcode: Opcode.Ping, payload: bytesOf(20) }), { maxPayload: 10 })).toHaveLength(1);
  });

  it('rejects an invalid maxPayload', () => {
    const handler = { onMessage() {}, onPing() {}, onPong() {}, onClose() {} };
    expect(() => new FrameReader(handler, { maxPayload: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new FrameReader(handler, { maxPayload: -1 })).toThrow(/Invalid maxPayload -1/);
  });
});

describe('FrameReader: after close or failure', () => {
  it('client receives data after a close frame → ignored (RFC 6455 §5.5.1)', () => {
    const { reader, events } = recordingReader();
    reader.push(concat(hex('880203e8'), hex('810141'), hex('ffff')));
    reader.push(hex('810142'));
    reader.push(hex('ff'));
    expect(events).toEqual([{ type: 'close', code: 1000, reason: '', data: '03e8' }]);
    expect(reader.inMessage).toBe(false);
  });

  it('after a protocol error the reader is dead: further input is ignored', () => {
    const { reader, events } = recordingReader();
    expectProtocolError(() => reader.push(hex('8185')), 1002);
    expect(() => reader.push(hex('810141'))).not.toThrow();
    expect(events).toEqual([]);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('messages before the violation in the same chunk are delivered', () => {
    const { reader, events } = recordingReader();
    expectProtocolError(() => reader.push(hex('810141 8101ff')), 1007);
    expect(events).toEqual([{ type: 'text', data: 'A' }]);
  });
});

describe('FrameReader: re-entrancy', () => {
  it('a handler that throws: push() rethrows, and the next push() continues with the unread bytes', () => {
    const received: string[] = [];
    let throwOnce = true;
    const reader = new FrameReader(
      {
        onMessage(data) {
          received.push(data as string);
          if (throwOnce) {
            throwOnce = false;
            throw new Error('handler failed');
          }
        },
        onPing: () => received.push('ping'),
        onPong: () => {},
        onClose: () => {},
      },
      { maxPayload: 100 },
    );
    expect(() => reader.push(hex('810141 8900 810142 8101'))).toThrow('handler failed');
    expect(received).toEqual(['A']);
    expect(reader.inMessage).toBe(false);
    expect(reader.bufferedBytes).toBe(7);
    reader.push(hex('43'));
    expect(received).toEqual(['A', 'ping', 'B', 'C']);
  });

  it('an empty push() resumes after a handler threw', () => {
    const received: string[] = [];
    const reader = new FrameReader(
      {
        onMessage(data) {
          received.push(data as string);
          if (data === 'A') throw new Error('boom');
        },
        onPing: () => {},
        onPong: () => {},
        onClose: () => {},
      },
      { maxPayload: 100 },
    );
    expect(() => reader.push(hex('810141 810142'))).toThrow('boom');
    reader.push(new Uint8Array(0));
    expect(received).toEqual(['A', 'B']);
  });

  it('a handler that throws on close: the reader is still closed', () => {
    const reader = new FrameReader(
      {
        onMessage: () => expect.unreachable('nothing after close'),
        onPing: () => {},
        onPong: () => {},
        onClose: () => {
          throw new Error('close handler');
        },
      },
      { maxPayload: 100 },
    );
    expect(() => reader.push(hex('8800 810141'))).toThrow('close handler');
    expect(() => reader.push(hex('810141'))).not.toThrow();
  });

  it('a handler that pushes more bytes: they are read after the current chunk, in order', () => {
    const order: string[] = [];
    const reader: FrameReader = new FrameReader(
      {
        onMessage: (data) => order.push(data as string),
        onPing: () => {
          order.push('ping');
          reader.push(hex('810158')); // "X" arrives while "A" is still unread
        },
        onPong: () => {},
        onClose: () => {},
      },
      { maxPayload: 100 },
    );
    reader.push(hex('8900 810141'));
    expect(order).toEqual(['ping', 'A', 'X']);
  });
});
