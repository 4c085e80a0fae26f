/**
 * End to end over loopback TCP: a raw server answers the handshake, writes a valid, mutated or random stream in
 * random TCP writes, then closes its side. The Node transport must always reach `onClose` (never hang), report
 * exactly the reference model's messages, and end as the model says: its failure code in its close frame and in a
 * ProtocolError, the server's close code echoed, or 1006 with a NetworkError when the bytes just stopped.
 */
import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError, ProtocolError } from '../../src/errors.js';
import { decodeFrames } from '../helpers/frames.js';
import { startRawServer, upgradeResponse, type RawServer } from '../helpers/raw-server.js';
import { withTimeout } from '../helpers/test-server.js';
import { open } from '../node/transport-harness.js';
import { model, toHex, type ModelEvent } from './model.js';
import { check, runs, testTimeout } from './settings.js';
import { chunk, chunkingArb, serverBytesArb } from './streams.js';

/** What the next accepted connection writes. */
let script: { chunks: Uint8Array[] } = { chunks: [] };
let server: RawServer;

beforeAll(async () => {
  server = await startRawServer(async (socket, request) => {
    const { chunks } = script;
    socket.setNoDelay(true);
    socket.write(upgradeResponse(request.key));
    for (const piece of chunks) {
      if (socket.destroyed || !socket.writable) return;
      socket.write(piece);
      await nextLoopTurn();
    }
    socket.end();
  });
});
afterAll(() => server.close());

const messagesOf = (events: ModelEvent[]) => events.filter((e) => e.type === 'text' || e.type === 'binary');

describe('Node transport under fuzzed servers', () => {
  it(
    'always closes, with the messages and the ending the model predicts',
    async () => {
      const outcomes = new Set<string>();
      await check(
        'transport: end to end',
        fc.asyncProperty(
          fc.oneof({ weight: 4, arbitrary: serverBytesArb }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }) }),
          fc.constantFrom(16, 1024, 100 * 1024 * 1024),
          chunkingArb(),
          async (bytes, maxPayload, chunking) => {
            const expected = model(bytes, maxPayload);
            // Byte-per-write is slow over TCP: keep it for short streams.
            script = {
              chunks: chunk(
                bytes,
                chunking.mode === 'bytes' && bytes.length > 200 ? { mode: 'random', cuts: [0.3, 0.6] } : chunking,
              ),
            };
            const client = open(server.url, { maxPayload, closeTimeout: 1_000 });
            try {
              const info = await withTimeout(client.closed, 5_000, 'the client to close (a hang)');
              const connection = await server.nextConnection(1_000);
              await withTimeout(connection.closed, 2_000, 'the server side to close');
              const sent = decodeFrames(connection.received(), { partial: 'stop' });
              expect(
                client.log.filter((e) => e === 'close' || e === 'close-again'),
                'exactly one close',
              ).toEqual(['close']);
              expect(
                client.messages.map((m) =>
                  m.binary ? { type: 'binary', hex: toHex(m.data as Uint8Array) } : { type: 'text', data: m.data },
                ),
              ).toEqual(messagesOf(expected.events));
              const closes = sent.filter((f) => f.opcode === 0x8);
              if (expected.failure !== null) {
                outcomes.add(`fail ${expected.failure}`);
                expect(info.error).toBeInstanceOf(ProtocolError);
                expect((info.error as ProtocolError).closeCode).toBe(expected.failure);
                expect(info.code).toBe(1006);
                expect(closes).toHaveLength(1);
                expect(closes[0].payload.readUInt16BE(0)).toBe(expected.failure);
              } else if (expected.closed) {
                outcomes.add('close');
                const close = expected.events[expected.events.length - 1] as Extract<ModelEvent, { type: 'close' }>;
                expect(info).toMatchObject({ code: close.code, reason: close.reason });
                expect(closes).toHaveLength(1);
              } else {
                outcomes.add('eof');
                expect(info.code).toBe(1006);
                expect(info.error).toBeInstanceOf(NetworkError);
                expect(closes).toHaveLength(0);
              }
            } finally {
              client.transport.terminate();
            }
          },
        ),
        runs(25, 0.1),
      );
      expect(outcomes.size, `outcomes seen: ${[...outcomes].join(', ')}`).toBeGreaterThanOrEqual(3);
    },
    testTimeout(60_000),
  );
});
