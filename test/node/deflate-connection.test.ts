/**
 * permessage-deflate in the connection (issue 12, phase 2):
 *  - byte vectors: RFC 7692 §7.2.3's examples received through ClientConnection, and what the client sends;
 *  - the framing rules: RSV1 on the first frame only, RSV1 on a continuation or a control frame is 1002, corrupt
 *    DEFLATE data 1007, invalid UTF-8 after inflation 1007;
 *  - resource limits: no zlib context until the first compressed message (counted at the codec), released at close;
 *  - bombs end to end: a server message inflating to 2 GiB against maxPayload 1 MiB / 4 MiB → 1009, RSS bounded.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { createZlibCodec } from '../../src/node/zlib-codec.js';
import { ClientConnection } from '../../src/protocol/connection.js';
import type { DeflateCodec } from '../../src/protocol/deflate-codec.js';
import { resolvePerMessageDeflate, type PerMessageDeflateOptions } from '../../src/protocol/permessage-deflate.js';
import {
  accept,
  decodeFrame,
  frame,
  startRawServer,
  upgradeResponse,
  type ClientFrame,
  type RawServer,
} from '../helpers/raw-server.js';
import { open } from './transport-harness.js';

const sha1 = (input: string): Uint8Array => createHash('sha1').update(input).digest();
const KiB = 1024;
const MiB = 1024 * KiB;
const RSV1 = 0b100;

/** A codec that counts the zlib contexts made and released (the creation hook the lazy rule is tested by). */
function countingCodec(): DeflateCodec & { inflaters: number; deflaters: number; closed: number } {
  const real = createZlibCodec();
  const counts = { inflaters: 0, deflaters: 0, closed: 0 };
  return Object.assign(counts, {
    createInflater(params: Parameters<DeflateCodec['createInflater']>[0]) {
      counts.inflaters++;
      const inflater = real.createInflater(params);
      return {
        inflate: inflater.inflate.bind(inflater),
        close: () => {
          counts.closed++;
          inflater.close();
        },
      };
    },
    createDeflater(params: Parameters<DeflateCodec['createDeflater']>[0]) {
      counts.deflaters++;
      const deflater = real.createDeflater(params);
      return {
        deflate: deflater.deflate.bind(deflater),
        close: () => {
          counts.closed++;
          deflater.close();
        },
      };
    },
  });
}

interface Run {
  connection: ClientConnection;
  request: string;
  written: Buffer[];
  messages: (string | Uint8Array)[];
  frames(): ClientFrame[];
}

function connect(
  answer: string | undefined,
  options: PerMessageDeflateOptions | boolean = true,
  codec: DeflateCodec = createZlibCodec(),
  maxPayload = MiB,
): Run {
  const written: Buffer[] = [];
  const messages: (string | Uint8Array)[] = [];
  const settings = resolvePerMessageDeflate(options);
  const connection = new ClientConnection(
    {
      url: new URL('ws://vector.test/'),
      protocols: [],
      headers: {},
      origin: undefined,
      maxPayload,
      sha1,
      deflate: settings ? { settings, codec } : undefined,
    },
    { write: (bytes) => written.push(Buffer.from(bytes)), end: () => {} },
    { onOpen: () => {}, onMessage: (data) => messages.push(data), onPing: () => {}, onPong: () => {} },
  );
  connection.start();
  const request = (written.shift() as Buffer).toString('latin1');
  const ext = answer === undefined ? '' : `Sec-WebSocket-Extensions: ${answer}\r\n`;
  connection.receiveData(
    Buffer.from(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(connection.key)}\r\n${ext}\r\n`,
      'latin1',
    ),
  );
  return {
    connection,
    request,
    written,
    messages,
    frames: () => {
      const all = Buffer.concat(written);
      const out: ClientFrame[] = [];
      for (let at = 0; at < all.length; ) {
        const decoded = decodeFrame(all.subarray(at))!;
        out.push(decoded.frame);
        at += decoded.size;
      }
      return out;
    },
  };
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');
/** A server frame: byte 0 and the payload (length < 126). */
const serverFrame = (byte0: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([byte0, payload.length]), payload]);

describe('RFC 7692 §7.2.3 byte vectors, received', () => {
  it('offers "permessage-deflate; client_max_window_bits" by default, nothing with perMessageDeflate: false', () => {
    expect(connect(undefined).request).toContain('\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n');
    expect(connect(undefined, false).request).not.toMatch(/sec-websocket-extensions/i);
  });

  it('"Hello" compressed in one frame: c1 07 f2 48 cd c9 c9 07 00 (§7.2.3.1)', () => {
    const run = connect('permessage-deflate');
    expect(run.connection.handshake?.perMessageDeflate).toEqual({
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    });
    run.connection.receiveData(hex('c1 07 f2 48 cd c9 c9 07 00'));
    expect(run.messages).toEqual(['Hello']);
  });

  it('"Hello" in two fragments: 41 03 f2 48 cd, 80 04 c9 c9 07 00 (§7.2.3.1), a ping between them', () => {
    const run = connect('permessage-deflate');
    run.connection.receiveData(hex('41 03 f2 48 cd'));
    run.connection.receiveData(hex('89 00'));
    run.connection.receiveData(hex('80 04 c9 c9 07 00'));
    expect(run.messages).toEqual(['Hello']);
    expect(run.connection.error).toBeUndefined();
  });

  it('the uncompressed (stored) block: c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00 (§7.2.3.3)', () => {
    const run = connect('permessage-deflate');
    run.connection.receiveData(hex('c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00'));
    expect(run.messages).toEqual(['Hello']);
  });

  it('context takeover: the second "Hello" is f2 00 11 00 00 (§7.2.3.2); interleaved with an uncompressed one', () => {
    const run = connect('permessage-deflate');
    run.connection.receiveData(hex('c1 07 f2 48 cd c9 c9 07 00'));
    run.connection.receiveData(serverFrame(0x81, Buffer.from('plain')));
    run.connection.receiveData(hex('c1 05 f2 00 11 00 00'));
    expect(run.messages).toEqual(['Hello', 'plain', 'Hello']);
  });

  it('server_no_context_takeover: each message is inflated on its own', () => {
    const run = connect('permessage-deflate; server_no_context_takeover');
    run.connection.receiveData(hex('c1 07 f2 48 cd c9 c9 07 00'));
    run.connection.receiveData(hex('c1 07 f2 48 cd c9 c9 07 00'));
    expect(run.messages).toEqual(['Hello', 'Hello']);
  });

  it('an empty compressed message (§7.2.3.6: the single byte 00)', () => {
    const run = connect('permessage-deflate');
    run.connection.receiveData(hex('c1 01 00'));
    run.connection.receiveData(hex('c2 01 00'));
    expect(run.messages).toEqual(['', new Uint8Array(0)]);
  });
});

describe('framing rules with permessage-deflate negotiated', () => {
  const failsWith = (bytes: string, code: number): void => {
    const run = connect('permessage-deflate');
    run.connection.receiveData(hex(bytes));
    expect(run.connection.error).toBeInstanceOf(ProtocolError);
    expect((run.connection.error as ProtocolError).closeCode).toBe(code);
    const close = run.frames().at(-1)!;
    expect(close.opcode).toBe(0x8);
    expect(close.payload.readUInt16BE(0)).toBe(code);
    // Nothing more is read once the connection failed.
    run.connection.receiveData(hex('81 02 68 69'));
    expect(run.messages).toEqual([]);
  };

  it('RSV1 on a continuation frame: 1002', () => failsWith('41 03 f2 48 cd c0 04 c9 c9 07 00', 1002));
  it('RSV1 on a ping: 1002', () => failsWith('c9 00', 1002));
  it('RSV1 without the extension negotiated is still 1002', () => {
    const run = connect(undefined);
    run.connection.receiveData(hex('c1 07 f2 48 cd c9 c9 07 00'));
    expect((run.connection.error as ProtocolError).closeCode).toBe(1002);
  });
  it('corrupt DEFLATE data: 1007 (as ws: "data within a message that was not consistent with the type", RFC 6455 §7.4.1)', () =>
    failsWith('c1 04 ff ff ff ff', 1007));
  it('invalid UTF-8 after inflation: 1007', () => {
    const bad = zlib
      .deflateRawSync(Buffer.from([0x48, 0xc3, 0x28]), { finishFlush: zlib.constants.Z_SYNC_FLUSH })
      .subarray(0, -4);
    failsWith(serverFrame(0xc1, bad).toString('hex'), 1007);
  });
  it('the same invalid bytes in a compressed BINARY message are data', () => {
    const run = connect('permessage-deflate');
    const bytes = zlib
      .deflateRawSync(Buffer.from([0x48, 0xc3, 0x28]), { finishFlush: zlib.constants.Z_SYNC_FLUSH })
      .subarray(0, -4);
    run.connection.receiveData(serverFrame(0xc2, bytes));
    expect(run.messages).toEqual([new Uint8Array([0x48, 0xc3, 0x28])]);
  });
});

describe('what the client sends', () => {
  const inflate = (payload: Buffer): Buffer =>
    zlib.inflateRawSync(Buffer.concat([payload, hex('0000ffff')]), { finishFlush: zlib.constants.Z_SYNC_FLUSH });

  it('compresses messages of threshold bytes and more with RSV1; smaller ones and control frames go uncompressed', () => {
    const run = connect('permessage-deflate', { threshold: 100 });
    const big = 'x'.repeat(1000);
    run.connection.sendText('short');
    run.connection.sendText(big);
    run.connection.sendPing(new Uint8Array([1, 2]));
    run.connection.sendBinary(new Uint8Array(100));
    const [short, compressed, ping, binary] = run.frames();
    expect(short.rsv).toBe(0);
    expect(short.payload.toString()).toBe('short');
    expect(compressed.rsv).toBe(RSV1);
    expect(compressed.payload.length).toBeLessThan(50);
    expect(inflate(compressed.payload).toString()).toBe(big);
    expect(ping.rsv).toBe(0);
    expect(binary.rsv).toBe(RSV1);
    expect(inflate(binary.payload)).toEqual(Buffer.alloc(100));
  });

  it('fragmented: RSV1 on the first frame only, the fragments join to one DEFLATE stream', () => {
    const run = connect('permessage-deflate', { threshold: 0 });
    const text = Array.from({ length: 400 }, (_, i) => `{"n":${i}}`).join(',');
    run.connection.sendText(text, 16);
    const frames = run.frames();
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.map((f) => f.rsv)).toEqual([RSV1, ...frames.slice(1).map(() => 0)]);
    expect(frames.map((f) => f.opcode)).toEqual([0x1, ...frames.slice(1).map(() => 0x0)]);
    expect(inflate(Buffer.concat(frames.map((f) => f.payload))).toString()).toBe(text);
  });

  it('an empty message with threshold 0 is the single byte 00 (§7.2.3.6)', () => {
    const run = connect('permessage-deflate', { threshold: 0 });
    run.connection.sendBinary(new Uint8Array(0));
    const [empty] = run.frames();
    expect(empty.rsv).toBe(RSV1);
    expect([...empty.payload]).toEqual([0x00]);
  });

  it('client_no_context_takeover: the same message compresses to the same bytes every time', () => {
    const run = connect('permessage-deflate; client_no_context_takeover', { threshold: 0 });
    run.connection.sendText('Hello');
    run.connection.sendText('Hello');
    const [a, b] = run.frames();
    expect([...a.payload]).toEqual([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
    expect([...b.payload]).toEqual([...a.payload]);
  });
});

describe('zlib contexts: lazy, and released at close', () => {
  it('an idle connection that negotiated deflate holds none; the first compressed message in each direction makes one', () => {
    const codec = countingCodec();
    const run = connect('permessage-deflate', true, codec);
    expect(run.connection.handshake?.perMessageDeflate).toBeDefined();
    run.connection.sendText('below the 1 KiB threshold');
    run.connection.receiveData(serverFrame(0x81, Buffer.from('uncompressed')));
    expect([codec.inflaters, codec.deflaters]).toEqual([0, 0]);
    run.connection.receiveData(hex('c1 07 f2 48 cd c9 c9 07 00'));
    expect([codec.inflaters, codec.deflaters]).toEqual([1, 0]);
    run.connection.sendText('y'.repeat(2 * KiB));
    run.connection.receiveData(hex('c1 05 f2 00 11 00 00'));
    expect([codec.inflaters, codec.deflaters]).toEqual([1, 1]);
    expect(run.messages).toEqual(['uncompressed', 'Hello', 'Hello']);
    run.connection.receiveEof();
    expect(codec.closed).toBe(2);
  });

  it('a failed connection releases its contexts', () => {
    const codec = countingCodec();
    const run = connect('permessage-deflate', true, codec);
    run.connection.receiveData(hex('c1 07 f2 48 cd c9 c9 07 00'));
    run.connection.receiveData(hex('c1 04 ff ff ff ff'));
    expect((run.connection.error as ProtocolError).closeCode).toBe(1007);
    expect(codec.closed).toBe(1);
  });
});

describe('bombs, end to end over TCP', () => {
  let server: RawServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /**
   * A DEFLATE stream inflating to `total` zero bytes: the sync-flushed compression of 16 MiB of zeros repeated
   * (each piece is whole non-final blocks ending on a byte boundary, so pieces concatenate). 2 GiB is ~2 MB.
   */
  function bomb(total: number): Buffer {
    const piece = zlib.deflateRawSync(Buffer.alloc(16 * MiB), { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 9 });
    return Buffer.concat(Array.from({ length: Math.ceil(total / (16 * MiB)) }, () => piece));
  }

  // RSS bound: the inflater stops one byte past maxPayload, so the client holds at most maxPayload of output plus
  // the compressed frame (~2 MB) and zlib's state. Stated bound: RSS grows by less than 64 MiB (2 GiB would be 2048 MiB).
  const RSS_BOUND = 64 * MiB;

  it.each([
    ['1 MiB (the compressed frame is already over it)', MiB],
    ['4 MiB (the frame fits; the inflater stops at 4 MiB + 1 byte)', 4 * MiB],
  ])(
    'a message inflating to 2 GiB with maxPayload %s → 1009',
    async (_title, maxPayload) => {
      const payload = bomb(2 * 1024 * MiB);
      expect(payload.length).toBeLessThan(4 * MiB);
      server = await startRawServer((socket, request) => {
        socket.write(upgradeResponse(request.key, { 'Sec-WebSocket-Extensions': 'permessage-deflate' }));
        socket.write(frame({ opcode: 0x2, rsv: RSV1, payload }));
      });
      global.gc?.();
      const before = process.memoryUsage.rss();
      const harness = open(server.url, { maxPayload, perMessageDeflate: true });
      const info = await harness.closed;
      const growth = process.memoryUsage.rss() - before;
      expect(harness.messages).toEqual([]);
      expect(info.error).toBeInstanceOf(ProtocolError);
      expect((info.error as ProtocolError).closeCode).toBe(1009);
      // 1 MiB: refused from the frame header (compressed length over maxPayload); 4 MiB: by the inflater's limit.
      if (maxPayload === MiB) expect(info.error?.message).not.toContain('inflated');
      else expect(info.error?.message).toBe(`message too big - over ${maxPayload} bytes inflated - max payload ${maxPayload}`);
      console.log(`bomb, maxPayload ${maxPayload / MiB} MiB: RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
      const peer = await server.nextConnection(5_000);
      const close = decodeFrame(await peer.allReceived())?.frame;
      expect(close?.opcode).toBe(0x8);
      expect(close?.payload.readUInt16BE(0)).toBe(1009);
      expect(growth, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(RSS_BOUND);
    },
    30_000,
  );
});
