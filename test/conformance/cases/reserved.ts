/**
 * 3 Reserved bits and 4 reserved opcodes (Autobahn 3.x, 4.x). Each case sends a valid text message, the bad
 * frame, then a ping, in one write (or one byte per write): the first message must be delivered, the client must
 * fail with 1002 at the bad frame, and it must not answer the ping that follows (it stopped reading).
 */
import { f, OP, utf8, type ConformanceCase } from '../harness.js';

const RSV_NAMES = ['', 'RSV3', 'RSV2', 'RSV2+RSV3', 'RSV1', 'RSV1+RSV3', 'RSV1+RSV2', 'RSV1+RSV2+RSV3'];
const OPCODE_NAMES: Record<number, string> = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

function failsAfterValidMessage(
  id: string,
  category: 'reserved bits' | 'opcodes',
  title: string,
  rfc: string,
  bad: Buffer[],
  bytewise = false,
): ConformanceCase {
  return {
    id,
    category,
    title,
    rfc,
    expected: 'message before it delivered; fail with close 1002; the ping after it not answered',
    async run(ctx) {
      const s = await ctx.session();
      const stream = Buffer.concat([
        f({ opcode: OP.text, payload: 'valid first' }),
        ...bad,
        f({ opcode: OP.ping, payload: 'not answered' }),
      ]);
      if (bytewise) await s.sendBytewise(stream);
      else await s.send(stream);
      await s.expectMessage('valid first');
      const failure = await s.expectFailure(1002);
      return `delivered the first message; ${failure}; no pong`;
    },
  };
}

const rsvCase = (
  id: string,
  opcode: number,
  rsv: number,
  bytewise = false,
  payload: string | Uint8Array = 'reserved',
): ConformanceCase =>
  failsAfterValidMessage(
    id,
    'reserved bits',
    `${OPCODE_NAMES[opcode]} frame with ${RSV_NAMES[rsv]} set${bytewise ? ', 1 byte per TCP write' : ''}`,
    '§5.2',
    opcode === OP.cont
      ? [f({ opcode: OP.text, fin: false, payload: 'frag' }), f({ opcode: OP.cont, rsv, payload })]
      : [f({ opcode, rsv, payload })],
    bytewise,
  );

export const reservedBitsCases: ConformanceCase[] = [
  rsvCase('3.1', OP.text, 1),
  rsvCase('3.2', OP.text, 2),
  rsvCase('3.3', OP.text, 3, true),
  rsvCase('3.4', OP.binary, 4),
  rsvCase('3.5', OP.binary, 5, true),
  rsvCase('3.6', OP.ping, 6),
  rsvCase('3.7', OP.close, 7, false, Buffer.from([0x03, 0xe8])),
  rsvCase('3.8', OP.pong, 2),
  rsvCase('3.9', OP.cont, 4),
  rsvCase('3.10', OP.text, 4, false, ''),
];

const reservedOpcodes = [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf];

export const opcodeCases: ConformanceCase[] = reservedOpcodes.map((opcode, i) => {
  const control = opcode >= 8;
  // Alternate empty and non-empty payloads, and one byte per write for every third case.
  const payload = i % 2 === 0 ? utf8('reserved opcode payload') : new Uint8Array(0);
  const bytewise = i % 3 === 2;
  return failsAfterValidMessage(
    `4.${i + 1}`,
    'opcodes',
    `reserved ${control ? 'control' : 'non-control'} opcode 0x${opcode.toString(16).toUpperCase()}` +
      `${payload.length ? ' with payload' : ', empty'}${bytewise ? ', 1 byte per TCP write' : ''}`,
    '§5.2',
    [f({ opcode, payload })],
    bytewise,
  );
});
