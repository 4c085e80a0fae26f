/**
 * ClientConnection (the sans-I/O client) fed a handshake response and then valid, mutated or random server bytes
 * in any chunking, optionally followed by EOF. Whatever arrives:
 *  - `receiveData()` / `receiveEof()` never throw;
 *  - the messages, pings and pongs reported are the reference model's (test/fuzz/model.ts);
 *  - every failure is a typed ProtocolError whose code (1002/1007/1009, the model's) is in exactly one masked
 *    Close frame, the last frame the client writes, after which TCP is ended (never left hanging);
 *  - a valid Close is echoed with its code; every ping before the end is answered with its payload, in order;
 *  - a broken handshake is a HandshakeError that destroys TCP with no frame written.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HandshakeError, NetworkError, ProtocolError, SocklineError } from '../../src/errors.js';
import { ClientConnection } from '../../src/protocol/connection.js';
import { decodeFrames } from '../helpers/frames.js';
import { accept } from '../helpers/raw-server.js';
import { model, toHex, type ModelEvent } from './model.js';
import { check, runs, testTimeout } from './settings.js';
import { chunk, chunkingArb, maxPayloadArb, serverBytesArb } from './streams.js';

const sha1 = (input: string): Uint8Array => createHash('sha1').update(input).digest();

interface Harness {
  connection: ClientConnection;
  /** Everything written after the request head. */
  written: Buffer[];
  request: string;
  ends: boolean[];
  events: ModelEvent[];
  opened: number;
}

function connect(maxPayload: number): Harness {
  const written: Buffer[] = [];
  const ends: boolean[] = [];
  const events: ModelEvent[] = [];
  const harness = { written, ends, events, opened: 0 } as unknown as Harness;
  harness.connection = new ClientConnection(
    { url: new URL('ws://fuzz.test/x'), protocols: [], headers: {}, origin: undefined, maxPayload, sha1 },
    {
      write: (bytes) => written.push(Buffer.from(bytes)),
      end: (abort) => ends.push(abort),
    },
    {
      onOpen: () => harness.opened++,
      onMessage: (data, binary) =>
        events.push(binary ? { type: 'binary', hex: toHex(data as Uint8Array) } : { type: 'text', data: data as string }),
      onPing: (payload) => events.push({ type: 'ping', hex: toHex(payload) }),
      onPong: (payload) => events.push({ type: 'pong', hex: toHex(payload) }),
    },
  );
  harness.connection.start();
  harness.request = (written.shift() as Buffer).toString('latin1');
  return harness;
}

const responseHead = (key: string): string =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(key)}\r\n\r\n`;

/** Feeds `chunks`, checking that nothing escapes. */
function feed(connection: ClientConnection, chunks: Uint8Array[], eof: boolean): void {
  try {
    for (const piece of chunks) connection.receiveData(Uint8Array.from(piece));
    if (eof) connection.receiveEof();
  } catch (error) {
    expect.fail(`the connection threw into the transport: ${String(error)}`);
  }
}

/** Checks the whole exchange after an open against the model. */
function checkAgainstModel(h: Harness, frames: Uint8Array, maxPayload: number, eof: boolean): string {
  const expected = model(frames, maxPayload);
  const { connection } = h;
  const sent = decodeFrames(Buffer.concat(h.written));
  for (const f of sent)
    expect(f, 'every client frame is masked, final, without RSV').toMatchObject({ masked: true, fin: true, rsv: 0 });

  const closeEvent = expected.events.find((e) => e.type === 'close');
  expect(h.events, 'messages, pings and pongs as the model says').toEqual(expected.events.filter((e) => e.type !== 'close'));

  // Every ping is answered with its payload, in order, before any close frame.
  const pings = expected.events.filter((e): e is Extract<ModelEvent, { type: 'ping' }> => e.type === 'ping').map((e) => e.hex);
  const pongs = sent.filter((f) => f.opcode === 0xa).map((f) => toHex(f.payload));
  expect(pongs).toEqual(pings);
  const closes = sent.filter((f) => f.opcode === 0x8);
  expect(
    sent.filter((f) => f.opcode !== 0x8 && f.opcode !== 0xa),
    'no data frames',
  ).toEqual([]);
  expect(closes.length, 'at most one close frame').toBeLessThanOrEqual(1);
  if (closes.length === 1) expect(sent[sent.length - 1].opcode, 'the close frame is the last').toBe(0x8);

  const info = connection.closeInfo();
  if (expected.failure !== null) {
    expect(connection.error, 'a typed ProtocolError').toBeInstanceOf(ProtocolError);
    expect((connection.error as ProtocolError).closeCode).toBe(expected.failure);
    expect(closes).toHaveLength(1);
    expect(closes[0].payload.readUInt16BE(0), 'the close frame carries the failure code').toBe(expected.failure);
    expect(h.ends, 'TCP ended gracefully after the close frame').toContain(false);
    expect(info).toMatchObject({ code: 1006, wasClean: false });
    expect(info.error).toBe(connection.error);
    return `fail ${expected.failure}`;
  }
  if (closeEvent && closeEvent.type === 'close') {
    expect(connection.error).toBeUndefined();
    expect(closes, 'the close is echoed').toHaveLength(1);
    if (closeEvent.code === 1005) expect(closes[0].payload.length).toBe(0);
    else expect(closes[0].payload.readUInt16BE(0)).toBe(closeEvent.code);
    expect(h.ends).toContain(false);
    expect(connection.closeReceived).toEqual({ code: closeEvent.code, reason: closeEvent.reason });
    expect(info).toMatchObject({ code: closeEvent.code, reason: closeEvent.reason });
    return 'close';
  }
  // Valid so far: nothing closed; after EOF the connection is closed (abnormally), never left waiting.
  expect(closes).toEqual([]);
  expect(h.ends).toEqual([]);
  if (eof) {
    expect(connection.state).toBe('closed');
    expect(info).toMatchObject({ code: 1006, wasClean: false });
    // One end-of-TCP input (receiveEof) decides: a FIN inside a frame or message, or one without a closing handshake.
    expect(info.error).toBeInstanceOf(NetworkError);
    if (expected.incomplete) expect(info.error?.message, 'EOF inside a frame or message').toMatch(/middle of a frame/);
    else expect(info.error?.message).toBe('Connection closed without a closing handshake');
  } else {
    expect(connection.state).toBe('open');
  }
  return 'open';
}

describe('ClientConnection under fuzzed server input', () => {
  it(
    'valid and mutated streams, any chunking, with or without EOF: never throws, fails only as the model says',
    async () => {
      const outcomes = new Set<string>();
      await check(
        'connection: streams',
        fc.property(
          serverBytesArb,
          maxPayloadArb,
          chunkingArb(),
          fc.boolean(),
          fc.boolean(),
          (frames, maxPayload, chunking, eof, together) => {
            const h = connect(maxPayload);
            const head = Buffer.from(responseHead(h.connection.key), 'latin1');
            // The head and the first frames in one chunk (as a server usually sends them), or the head alone first.
            const stream = together ? Buffer.concat([head, frames]) : frames;
            if (!together) feed(h.connection, chunk(head, chunking), false);
            feed(h.connection, chunk(stream, chunking), eof);
            expect(h.opened).toBe(1);
            outcomes.add(checkAgainstModel(h, frames, maxPayload, eof));
          },
        ),
        runs(400),
      );
      expect([...outcomes].sort()).toEqual(['close', 'fail 1002', 'fail 1007', 'fail 1009', 'open']);
    },
    testTimeout(30_000),
  );

  it(
    'a mutated handshake response: open and then as the model says, or a HandshakeError that destroys TCP',
    async () => {
      const outcomes = new Set<string>();
      await check(
        'connection: handshake',
        fc.property(
          fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 3 }),
          fc.option(fc.nat(), { nil: undefined }),
          serverBytesArb,
          chunkingArb(),
          (changes, cutAt, frames, chunking) => {
            const h = connect(1024);
            let head = Buffer.from(responseHead(h.connection.key), 'latin1');
            for (const { at, value } of changes) head[at % head.length] = value;
            if (cutAt !== undefined) head = head.subarray(0, cutAt % head.length);
            feed(h.connection, chunk(Buffer.concat([head, frames]), chunking), true);
            if (h.opened === 1) {
              outcomes.add('open');
              // When the blank line that ends the head survived, what follows it is read as frames.
              if (head.indexOf('\r\n\r\n') === head.length - 4) checkAgainstModel(h, frames, 1024, true);
              return;
            }
            outcomes.add('handshake error');
            expect(h.connection.error, 'a typed handshake failure').toBeInstanceOf(SocklineError);
            expect(h.connection.error).toBeInstanceOf(HandshakeError);
            expect(h.written, 'no frame written').toEqual([]);
            expect(h.events).toEqual([]);
            expect(h.connection.state).toBe('closed');
            // A rejected response destroys TCP (end(true)); a truncated one just sees EOF.
            if (h.ends.length > 0) expect(h.ends).toEqual([true]);
          },
        ),
        runs(300),
      );
      expect([...outcomes].sort()).toEqual(['handshake error', 'open']);
    },
    testTimeout(30_000),
  );

  it(
    'random bytes after a valid handshake: never throws, fails only as the model says',
    async () => {
      await check(
        'connection: random bytes',
        fc.property(
          fc.uint8Array({ maxLength: 80 }),
          maxPayloadArb,
          chunkingArb(),
          fc.boolean(),
          (frames, maxPayload, chunking, eof) => {
            const h = connect(maxPayload);
            feed(
              h.connection,
              chunk(Buffer.concat([Buffer.from(responseHead(h.connection.key), 'latin1'), frames]), chunking),
              eof,
            );
            checkAgainstModel(h, frames, maxPayload, eof);
          },
        ),
        runs(300),
      );
    },
    testTimeout(30_000),
  );
});
