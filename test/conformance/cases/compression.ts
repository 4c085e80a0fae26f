/**
 * 12 Compression and 13 Compression parameters (Autobahn|Testsuite categories 12 and 13): permessage-deflate,
 * RFC 7692. Loaded by cases/index.ts into `allCases` (the harness's categories 12 and 13).
 *
 * Each case plays the server with node:zlib directly (independent of src/): it compresses what it sends with the
 * agreed window and context rules, and inflates what the client sends with exactly the window the client was
 * allowed, in a fresh context per message where the client promised no context takeover — so a client that
 * ignored a parameter produces data the server cannot read.
 */
import zlib from 'node:zlib';
import { expect } from 'vitest';
import { HandshakeError } from '../../../src/errors.js';
import { quoteValue } from '../../../src/protocol/format.js';
import type { TransportOptions } from '../../../src/transport.js';
import { startRawServer, upgradeResponse, type ClientFrame } from '../../helpers/raw-server.js';
import { open } from '../../node/transport-harness.js';
import {
  bytesOf,
  describeBytes,
  f,
  OP,
  Session,
  STEP_TIMEOUT_MS,
  textOfBytes,
  utf8,
  within,
  type CaseContext,
  type ConformanceCase,
} from '../harness.js';

export type CompressionCategory = 'compression' | 'compression parameters';
/** A conformance case of these two categories (the harness's `Category` gains them when they are enabled). */
export type CompressionCase = Omit<ConformanceCase, 'category'> & { category: CompressionCategory };

const RFC = 'RFC 7692 §6, §7.2';
const KiB = 1024;
const MiB = 1024 * KiB;
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const RSV1 = 0b100;

/** The agreed parameters, as the raw server will answer them. */
interface Agreed {
  serverNoContextTakeover?: boolean;
  clientNoContextTakeover?: boolean;
  serverMaxWindowBits?: number;
  clientMaxWindowBits?: number;
}

/** The response header for `agreed`. */
function answer(agreed: Agreed): string {
  let header = 'permessage-deflate';
  if (agreed.serverNoContextTakeover) header += '; server_no_context_takeover';
  if (agreed.clientNoContextTakeover) header += '; client_no_context_takeover';
  if (agreed.serverMaxWindowBits !== undefined) header += `; server_max_window_bits=${agreed.serverMaxWindowBits}`;
  if (agreed.clientMaxWindowBits !== undefined) header += `; client_max_window_bits=${agreed.clientMaxWindowBits}`;
  return header;
}

/** The server's compressor: a persistent zlib stream (context takeover) or a fresh one per message. */
class PeerDeflater {
  readonly #windowBits: number;
  readonly #noContextTakeover: boolean;
  #stream: zlib.DeflateRaw | undefined;

  constructor(windowBits: number, noContextTakeover: boolean) {
    // node:zlib maps 8 to 9 for raw deflate; zlib then never reaches back more than 250 bytes.
    this.#windowBits = windowBits;
    this.#noContextTakeover = noContextTakeover;
  }

  /** RFC 7692 §7.2.1: DEFLATE, sync flush, tail removed (an empty message becomes 00). */
  async compress(data: Uint8Array): Promise<Buffer> {
    let out: Buffer;
    if (this.#noContextTakeover) {
      out = zlib.deflateRawSync(data, { windowBits: this.#windowBits, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } else {
      const stream = (this.#stream ??= zlib.createDeflateRaw({ windowBits: this.#windowBits }));
      const parts: Buffer[] = [];
      const onData = (chunk: Buffer): number => parts.push(chunk);
      stream.on('data', onData);
      stream.write(data);
      await new Promise<void>((resolve) => stream.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
      stream.off('data', onData);
      out = Buffer.concat(parts);
    }
    return out.length >= 5 ? out.subarray(0, out.length - 4) : Buffer.from([0x00]);
  }

  close(): void {
    this.#stream?.close();
  }
}

/** The server's decompressor for what the client sends, held to exactly the window the client was allowed. */
class PeerInflater {
  readonly #windowBits: number;
  readonly #fresh: boolean;
  #history: Buffer[] = [];

  constructor(windowBits: number, fresh: boolean) {
    this.#windowBits = windowBits;
    this.#fresh = fresh;
  }

  /** Inflates one message; with context takeover, it is read after every earlier message of the connection. */
  inflate(payload: Uint8Array): Buffer {
    const inputs = this.#fresh ? [Buffer.from(payload), TAIL] : [...this.#history, Buffer.from(payload), TAIL];
    const before = this.#fresh ? 0 : this.#inflated;
    const all = zlib.inflateRawSync(Buffer.concat(inputs), {
      windowBits: this.#windowBits,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    if (!this.#fresh) {
      this.#history.push(Buffer.from(payload), TAIL);
      this.#inflated = all.length;
    }
    return all.subarray(before);
  }

  #inflated = 0;
}

/** A session whose server answered with permessage-deflate, plus the server's side of the codec. */
class DeflateSession {
  readonly s: Session;
  readonly agreed: Agreed;
  readonly offer: string;
  readonly #deflater: PeerDeflater;
  readonly #inflater: PeerInflater;

  constructor(s: Session, agreed: Agreed, offer: string) {
    this.s = s;
    this.agreed = agreed;
    this.offer = offer;
    this.#deflater = new PeerDeflater(agreed.serverMaxWindowBits ?? 15, agreed.serverNoContextTakeover ?? false);
    this.#inflater = new PeerInflater(agreed.clientMaxWindowBits ?? 15, agreed.clientNoContextTakeover ?? false);
  }

  /** The frames of one compressed message: RSV1 on the first only (RFC 7692 §6), `fragments` frames. */
  async compressedMessage(opcode: number, data: Uint8Array, fragments = 1): Promise<Buffer[]> {
    const payload = await this.#deflater.compress(data);
    const frames: Buffer[] = [];
    for (let i = 0; i < fragments; i++) {
      const part = payload.subarray(
        Math.floor((payload.length * i) / fragments),
        Math.floor((payload.length * (i + 1)) / fragments),
      );
      frames.push(f({ opcode: i === 0 ? opcode : OP.cont, fin: i === fragments - 1, rsv: i === 0 ? RSV1 : 0, payload: part }));
    }
    return frames;
  }

  /** Reads one whole message the client sent: its frames, whether RSV1 was set, and its inflated payload. */
  async readMessage(): Promise<{ frames: ClientFrame[]; compressed: boolean; data: Buffer }> {
    const frames: ClientFrame[] = [];
    do frames.push(await this.s.readFrame(20_000));
    while (!frames[frames.length - 1].fin);
    const [first, ...rest] = frames;
    for (const frame of rest) expect(frame.rsv, 'RSV1 only on the first frame (RFC 7692 §6)').toBe(0);
    const payload = Buffer.concat(frames.map((frame) => frame.payload));
    const compressed = (first.rsv & RSV1) !== 0;
    return { frames, compressed, data: compressed ? this.#inflater.inflate(payload) : payload };
  }

  close(): void {
    this.#deflater.close();
  }
}

/**
 * Runs `body` against a raw server that answers the opening handshake with `answer(agreed)` (or `header` as
 * given), and a client with `client` options; everything is torn down afterwards, whatever happened.
 */
async function withDeflateSession(
  agreed: Agreed | string,
  client: Record<string, unknown>,
  body: (d: DeflateSession) => Promise<string>,
): Promise<string> {
  const header = typeof agreed === 'string' ? agreed : answer(agreed);
  const server = await startRawServer((socket, request) => {
    socket.write(upgradeResponse(request.key, { 'Sec-WebSocket-Extensions': header }));
  });
  const harness = open(server.url, { closeTimeout: 2_000, maxPayload: 64 * MiB, ...client } as Partial<TransportOptions>);
  let session: DeflateSession | undefined;
  try {
    const peer = await server.nextConnection(STEP_TIMEOUT_MS);
    await within(harness.opened, 'the client to open');
    session = new DeflateSession(
      new Session(harness, peer),
      typeof agreed === 'string' ? {} : agreed,
      peer.request.headers['sec-websocket-extensions'] ?? '',
    );
    expect(session.offer, 'the client offered permessage-deflate').toMatch(/^permessage-deflate\b/);
    return await body(session);
  } finally {
    session?.close();
    harness.transport.terminate();
    await server.close();
  }
}

/** A message of `size` bytes: compressible text, or random binary. */
function payloadOf(kind: 'text' | 'binary', size: number): { data: Uint8Array; expected: string | Uint8Array } {
  if (kind === 'text') {
    const text = textOfBytes(size);
    return { data: utf8(text), expected: text };
  }
  const data = bytesOf(size, size);
  return { data, expected: data };
}

/** Server sends `count` compressed messages of `size`; the client delivers each intact; then a clean close. */
function receiveCase(
  id: string,
  category: CompressionCategory,
  kind: 'text' | 'binary',
  size: number,
  count: number,
  agreed: Agreed = {},
  fragments = 1,
): CompressionCase {
  const params = answer(agreed);
  return {
    id,
    category,
    title: `${count} × ${describeBytes(size)} compressed ${kind}${fragments > 1 ? ` in ${fragments} fragments` : ''} (${params})`,
    rfc: RFC,
    expected: 'every message inflated and delivered intact, in order',
    run: () =>
      withDeflateSession(agreed, {}, async (d) => {
        const { data, expected } = payloadOf(kind, size);
        for (let i = 0; i < count; i++) {
          await d.s.send(...(await d.compressedMessage(kind === 'text' ? OP.text : OP.binary, data, fragments)));
          await d.s.expectMessage(expected, 20_000);
        }
        await d.s.closeCleanly();
        return `${count} messages delivered; clean close`;
      }),
  };
}

/** The client sends `count` messages of `size`; the server reads them with exactly the agreed window and context. */
function sendCase(
  id: string,
  category: CompressionCategory,
  size: number,
  count: number,
  agreed: Agreed = {},
  client: Record<string, unknown> = { perMessageDeflate: { threshold: 0 } },
): CompressionCase {
  return {
    id,
    category,
    title: `client sends ${count} × ${describeBytes(size)} (${answer(agreed)})`,
    rfc: `${RFC}, §7.1`,
    expected: 'RSV1 on the first frame only; inflates with the agreed window and context takeover rules',
    run: () =>
      withDeflateSession(agreed, client, async (d) => {
        // Repeats 300 B and 5,000 B apart: a client using more window than agreed would reach back too far.
        const block = bytesOf(200, 3);
        const data = new Uint8Array(size);
        for (let at = 0; at < size; at += 300) data.set(block.subarray(0, Math.min(200, size - at)), at);
        if (size > 5_200) data.set(bytesOf(200, 5), 5_000);
        for (let i = 0; i < count; i++) {
          d.s.client.transport.send(data, 0);
          const message = await d.readMessage();
          expect(message.compressed, 'compressed (RSV1)').toBe(true);
          expect(Buffer.compare(message.data, Buffer.from(data)), 'inflated byte-exact').toBe(0);
        }
        await d.s.closeCleanly();
        return `${count} compressed messages read with window ${d.agreed.clientMaxWindowBits ?? 15}; clean close`;
      }),
  };
}

/** The server's frames break RFC 7692; the client must fail with `code`. */
function failureCase(
  id: string,
  title: string,
  code: 1002 | 1007 | 1009,
  frames: (d: DeflateSession) => Promise<Buffer[]>,
  expected: string,
  agreed: Agreed = {},
): CompressionCase {
  return {
    id,
    category: 'compression',
    title,
    rfc: RFC,
    expected,
    run: () =>
      withDeflateSession(agreed, {}, async (d) => {
        await d.s.send(...(await frames(d)));
        return d.s.expectFailure(code, { ms: 20_000 });
      }),
  };
}

/** The handshake answer breaks RFC 7692 §5/§7.1: HandshakeError 'extension', TCP destroyed, no Close frame. */
function handshakeCase(id: string, header: string, client: Record<string, unknown> = {}): CompressionCase {
  return {
    id,
    category: 'compression parameters',
    title: `server answers "Sec-WebSocket-Extensions: ${header}"`,
    rfc: 'RFC 7692 §5, §7.1',
    expected: 'HandshakeError (reason "extension") quoting the header; TCP destroyed at once',
    async run() {
      const server = await startRawServer((socket, request) => {
        socket.write(upgradeResponse(request.key, { 'Sec-WebSocket-Extensions': header }));
      });
      const harness = open(server.url, { closeTimeout: 2_000, ...client } as Partial<TransportOptions>);
      try {
        const info = await within(harness.closed, 'the client to report its close');
        expect(info.error).toBeInstanceOf(HandshakeError);
        expect((info.error as HandshakeError).reason).toBe('extension');
        // Quoted the way every foreign value is (src/protocol/format.ts: escaped, cut after 64 characters).
        expect(info.error?.message).toContain(quoteValue(header));
        const peer = await server.nextConnection(STEP_TIMEOUT_MS);
        expect(await peer.allReceived(), 'no frame after a failed handshake').toHaveLength(0);
        return `HandshakeError: ${info.error?.message.slice(0, 60)}…`;
      } finally {
        harness.transport.terminate();
        await server.close();
      }
    },
  };
}

const SIZES = [16, 64, 256, 1 * KiB, 4 * KiB, 16 * KiB, 64 * KiB, 128 * KiB, 1 * MiB];

export const compressionCases: CompressionCase[] = [
  // 12.1 Compressible text of growing size, context takeover both ways (the defaults), 3 messages each.
  ...SIZES.map((size, i) => receiveCase(`12.1.${i + 1}`, 'compression', 'text', size, 3)),
  receiveCase(`12.1.${SIZES.length + 1}`, 'compression', 'text', 16 * MiB, 1),
  // 12.2 Incompressible binary.
  ...[1 * KiB, 64 * KiB, 1 * MiB].map((size, i) => receiveCase(`12.2.${i + 1}`, 'compression', 'binary', size, 2)),
  // 12.3 Fragmented compressed messages: RSV1 on the first fragment only.
  receiveCase('12.3.1', 'compression', 'text', 4 * KiB, 2, {}, 2),
  receiveCase('12.3.2', 'compression', 'binary', 1 * MiB, 2, {}, 16),
  {
    id: '12.3.3',
    category: 'compression',
    title: 'compressed text in 3 fragments with a ping between them',
    rfc: `${RFC}; RFC 6455 §5.4 (control frames in the middle of a fragmented message)`,
    expected: 'pong answered at once, then the message delivered intact',
    run: () =>
      withDeflateSession({}, {}, async (d) => {
        const text = textOfBytes(3000);
        const [a, b, c] = await d.compressedMessage(OP.text, utf8(text), 3);
        await d.s.send(a, f({ opcode: OP.ping, payload: 'mid' }), b);
        await d.s.expectPong(utf8('mid'));
        await d.s.send(c);
        await d.s.expectMessage(text);
        await d.s.closeCleanly();
        return 'pong, then the message; clean close';
      }),
  },
  {
    id: '12.3.4',
    category: 'compression',
    title: 'compressed message, 1 byte per TCP write',
    rfc: RFC,
    expected: 'delivered intact',
    run: () =>
      withDeflateSession({}, {}, async (d) => {
        const text = textOfBytes(600);
        await d.s.sendBytewise(Buffer.concat(await d.compressedMessage(OP.text, utf8(text), 2)));
        await d.s.expectMessage(text);
        await d.s.closeCleanly();
        return 'delivered; clean close';
      }),
  },
  // 12.4 Interleaved compressed and uncompressed messages: the context carries over the uncompressed ones.
  {
    id: '12.4.1',
    category: 'compression',
    title: 'compressed, uncompressed, compressed (same text: the 3rd refers back into the 1st), empty compressed',
    rfc: `${RFC} (RSV1 is per message)`,
    expected: 'all four delivered in order',
    run: () =>
      withDeflateSession({}, {}, async (d) => {
        const text = textOfBytes(2000);
        await d.s.send(...(await d.compressedMessage(OP.text, utf8(text))));
        await d.s.send(f({ opcode: OP.text, payload: 'plain' }));
        await d.s.send(...(await d.compressedMessage(OP.text, utf8(text))));
        await d.s.send(...(await d.compressedMessage(OP.binary, new Uint8Array(0))));
        await d.s.expectMessage(text);
        await d.s.expectMessage('plain');
        await d.s.expectMessage(text);
        await d.s.expectMessage(new Uint8Array(0));
        await d.s.closeCleanly();
        return '4 messages in order; clean close';
      }),
  },
  // 12.5 What the client sends.
  sendCase('12.5.1', 'compression', 4 * KiB, 3),
  sendCase('12.5.2', 'compression', 1 * MiB, 2),
  {
    id: '12.5.3',
    category: 'compression',
    title: 'client sends 100 B and 2 KiB with the default threshold (1 KiB), then a ping',
    rfc: `${RFC}; RFC 7692 §6.1 (control frames are never compressed)`,
    expected: '100 B uncompressed (RSV1 clear), 2 KiB compressed, the ping with RSV1 clear',
    run: () =>
      withDeflateSession({}, {}, async (d) => {
        d.s.client.transport.send(bytesOf(100), 0);
        d.s.client.transport.send(bytesOf(2048, 9).fill(7, 0, 2000), 0);
        d.s.client.transport.ping(utf8('p'));
        const small = await d.readMessage();
        expect(small.compressed).toBe(false);
        const large = await d.readMessage();
        expect(large.compressed).toBe(true);
        expect(large.data).toHaveLength(2048);
        const ping = await d.s.readFrame();
        expect(ping).toMatchObject({ opcode: OP.ping, rsv: 0 });
        await d.s.closeCleanly();
        return 'threshold honoured, ping uncompressed; clean close';
      }),
  },
  {
    id: '12.5.4',
    category: 'compression',
    title: 'client sends an empty message with threshold 0',
    rfc: 'RFC 7692 §7.2.3.6',
    expected: 'one frame, RSV1 set, payload 00',
    run: () =>
      withDeflateSession({}, { perMessageDeflate: { threshold: 0 } }, async (d) => {
        d.s.client.transport.send(new Uint8Array(0), 0);
        const message = await d.readMessage();
        expect(message.compressed).toBe(true);
        expect(message.frames[0].payload.toString('hex')).toBe('00');
        expect(message.data).toHaveLength(0);
        await d.s.closeCleanly();
        return 'payload 00; clean close';
      }),
  },
  // 12.6 Violations.
  failureCase(
    '12.6.1',
    'RSV1 on a continuation frame',
    1002,
    async (d) => {
      const [first, second] = await d.compressedMessage(OP.text, utf8(textOfBytes(500)), 2);
      second[0] |= 0x40;
      return [first, second];
    },
    'fail with close 1002 (RFC 7692 §6: RSV1 only on the first frame)',
  ),
  failureCase(
    '12.6.2',
    'RSV1 on a ping',
    1002,
    async () => [f({ opcode: OP.ping, rsv: RSV1, payload: 'x' })],
    'fail with close 1002 (RFC 7692 §6.1)',
  ),
  failureCase(
    '12.6.3',
    'compressed payload that is not DEFLATE (ff ff ff ff)',
    1007,
    async () => [f({ opcode: OP.binary, rsv: RSV1, payload: Buffer.from('ffffffff', 'hex') })],
    'fail with close 1007',
  ),
  failureCase(
    '12.6.4',
    'a back-reference into an earlier message under server_no_context_takeover',
    1007,
    async () => [
      f({ opcode: OP.text, rsv: RSV1, payload: Buffer.from('f248cdc9c90700', 'hex') }),
      f({ opcode: OP.text, rsv: RSV1, payload: Buffer.from('f200110000', 'hex') }),
    ],
    'first "Hello" fine; the second cannot be read with a reset window: 1007',
    { serverNoContextTakeover: true },
  ),
  {
    id: '12.6.5',
    category: 'compression',
    title: '8 KiB compressed that inflates to 64 MiB, maxPayload 1 MiB',
    rfc: 'RFC 6455 §10.4, §7.4.1; RFC 7692 §8.1 (decompression bombs)',
    expected: 'fail with close 1009 once 1 MiB is inflated, nothing delivered',
    run: () =>
      withDeflateSession({}, { maxPayload: 1 * MiB }, async (d) => {
        const zeros = zlib
          .deflateRawSync(Buffer.alloc(64 * MiB), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH })
          .subarray(0, -4);
        await d.s.send(f({ opcode: OP.binary, rsv: RSV1, payload: zeros }));
        const failure = await d.s.expectFailure(1009);
        expect(d.s.client.messages).toHaveLength(0);
        return failure;
      }),
  },
  failureCase(
    '12.6.6',
    'compressed text that inflates to invalid UTF-8 (ff)',
    1007,
    async (d) => d.compressedMessage(OP.text, Buffer.from([0x61, 0xff, 0x62])),
    'fail with close 1007 (RFC 6455 §8.1)',
  ),
  {
    id: '12.6.7',
    category: 'compression',
    title: 'RSV1 set when the server did not accept permessage-deflate',
    rfc: 'RFC 6455 §5.2',
    expected: 'fail with close 1002',
    async run(ctx: CaseContext) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.text, rsv: RSV1, payload: Buffer.from('f248cdc9c90700', 'hex') }));
      return s.expectFailure(1002);
    },
  },
];

const BITS = [8, 9, 12, 15];

export const compressionParameterCases: CompressionCase[] = [
  // 13.1 server_no_context_takeover: every message compressed from an empty window.
  ...[64, 4 * KiB, 128 * KiB].map((size, i) =>
    receiveCase(`13.1.${i + 1}`, 'compression parameters', 'text', size, 3, { serverNoContextTakeover: true }),
  ),
  // 13.2 client_no_context_takeover asked by the server: each client message read with a fresh inflater.
  ...[4 * KiB, 128 * KiB].map((size, i) =>
    sendCase(`13.2.${i + 1}`, 'compression parameters', size, 3, { clientNoContextTakeover: true }),
  ),
  // 13.3 server_max_window_bits.
  ...BITS.map((bits, i) =>
    receiveCase(`13.3.${i + 1}`, 'compression parameters', 'text', 64 * KiB, 3, { serverMaxWindowBits: bits }),
  ),
  // 13.4 client_max_window_bits lowered by the server: read with exactly that window.
  ...BITS.map((bits, i) => sendCase(`13.4.${i + 1}`, 'compression parameters', 64 * KiB, 3, { clientMaxWindowBits: bits })),
  // 13.5 Everything at its smallest.
  receiveCase('13.5.1', 'compression parameters', 'binary', 1 * MiB, 2, {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 8,
    clientMaxWindowBits: 8,
  }),
  sendCase('13.5.2', 'compression parameters', 1 * MiB, 2, {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 8,
    clientMaxWindowBits: 8,
  }),
  // 13.6 Offers the client makes from its options.
  {
    id: '13.6.1',
    category: 'compression parameters',
    title: 'client options serverNoContextTakeover, serverMaxWindowBits 10, clientMaxWindowBits 11',
    rfc: 'RFC 7692 §7.1',
    expected: 'offer "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11"',
    run: () =>
      withDeflateSession(
        { serverNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 11 },
        { perMessageDeflate: { serverNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 11 } },
        async (d) => {
          expect(d.offer).toBe(
            'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
          );
          await d.s.closeCleanly();
          return `offered ${d.offer}`;
        },
      ),
  },
  // 13.7 Answers the client must refuse (RFC 7692 §5).
  handshakeCase('13.7.1', 'permessage-deflate; server_max_window_bits=16'),
  handshakeCase('13.7.2', 'permessage-deflate; server_max_window_bits'),
  handshakeCase('13.7.3', 'permessage-deflate; server_no_context_takeover=1'),
  handshakeCase('13.7.4', 'permessage-deflate; server_no_context_takeover; server_no_context_takeover'),
  handshakeCase('13.7.5', 'permessage-deflate; foo'),
  handshakeCase('13.7.6', 'permessage-deflate, permessage-deflate'),
  handshakeCase('13.7.7', 'x-webkit-deflate-frame'),
  handshakeCase('13.7.8', 'permessage-deflate; client_max_window_bits=10', { perMessageDeflate: { clientMaxWindowBits: false } }),
];

/** Both categories, in order (not in `allCases` yet: see the top of this file). */
export const allCompressionCases: CompressionCase[] = [...compressionCases, ...compressionParameterCases];
