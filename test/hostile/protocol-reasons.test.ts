/** Issue 10 item 4: every protocol violation has a stable `reason` code besides its close code. */
import { expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { FrameReader } from '../../src/protocol/frame-reader.js';

const handler = { onMessage() {}, onPing() {}, onPong() {}, onClose() {} };

it.each([
  ['reserved-bits', 1002, [0xa1, 0x00]],
  ['bad-opcode', 1002, [0x83, 0x00]],
  ['bad-opcode', 1002, [0x8b, 0x00]],
  ['fragmented-control', 1002, [0x09, 0x00]],
  ['control-frame-too-long', 1002, [0x89, 0x7e, 0x00, 0x7e]],
  ['unexpected-continuation', 1002, [0x80, 0x00]],
  ['expected-continuation', 1002, [0x01, 0x01, 0x61, 0x81, 0x00]],
  ['masked-frame', 1002, [0x81, 0x80, 0, 0, 0, 0]],
  ['bad-length', 1002, [0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0]],
  ['message-too-big', 1009, [0x82, 0x7e, 0x01, 0x00]],
  ['invalid-utf8', 1007, [0x81, 0x01, 0xff]],
  ['bad-close-code', 1002, [0x88, 0x02, 0x03, 0xec]],
  ['bad-close-payload', 1002, [0x88, 0x01, 0x03]],
  ['invalid-utf8', 1007, [0x88, 0x03, 0x03, 0xe8, 0xff]],
] as const)('%s (close %d)', (reason, closeCode, bytes) => {
  const reader = new FrameReader(handler, { maxPayload: 100 });
  let thrown: unknown;
  try {
    reader.push(new Uint8Array(bytes));
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ProtocolError);
  expect(thrown).toMatchObject({ reason, closeCode });
});
