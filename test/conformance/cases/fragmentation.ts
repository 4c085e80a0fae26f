/** 5 Fragmentation (Autobahn 5.x): RFC 6455 §5.4. */
import { expect } from 'vitest';
import { bytesOf, closeBody, f, OP, textOfBytes, utf8, type ConformanceCase } from '../harness.js';

const RFC = '§5.4';

/** Cuts `payload` into `count` fragments (the first carries `opcode`, the rest are continuations). */
function fragments(opcode: number, payload: Uint8Array, count: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((payload.length * i) / count);
    const end = Math.floor((payload.length * (i + 1)) / count);
    out.push(f({ opcode: i === 0 ? opcode : OP.cont, fin: i === count - 1, payload: payload.subarray(start, end) }));
  }
  return out;
}

function fragmentedMessage(id: string, kind: 'text' | 'binary', count: number, bytewise = false): ConformanceCase {
  // Odd sizes so that fragment edges fall inside multi-byte characters.
  const text = textOfBytes(101 * count + 7);
  const payload = kind === 'text' ? utf8(text) : bytesOf(101 * count + 7);
  return {
    id,
    category: 'fragmentation',
    title: `${kind} message in ${count} fragments${bytewise ? ', 1 byte per TCP write' : ''}`,
    rfc: RFC,
    expected: 'delivered once, reassembled intact',
    async run(ctx) {
      const s = await ctx.session();
      const stream = Buffer.concat(fragments(kind === 'text' ? OP.text : OP.binary, payload, count));
      if (bytewise) await s.sendBytewise(stream);
      else await s.send(stream);
      await s.expectMessage(kind === 'text' ? text : payload);
      await s.closeCleanly();
      return `one ${payload.length} B ${kind} message from ${count} fragments; clean close`;
    },
  };
}

function protocolError(
  id: string,
  title: string,
  frames: Buffer[],
  expected = 'fail with close 1002',
  delivered?: string,
  bytewise = false,
): ConformanceCase {
  return {
    id,
    category: 'fragmentation',
    title: `${title}${bytewise ? ', 1 byte per TCP write' : ''}`,
    rfc: RFC,
    expected: delivered === undefined ? expected : `"${delivered}" delivered, then ${expected}`,
    async run(ctx) {
      const s = await ctx.session();
      const stream = Buffer.concat([...frames, f({ opcode: OP.ping, payload: 'not answered' })]);
      if (bytewise) await s.sendBytewise(stream);
      else await s.send(stream);
      if (delivered !== undefined) await s.expectMessage(delivered);
      const failure = await s.expectFailure(1002);
      expect(s.client.messages.length, 'no other message delivered').toBe(delivered === undefined ? 0 : 1);
      return `${delivered === undefined ? '' : 'first message delivered; '}${failure}`;
    },
  };
}

export const fragmentationCases: ConformanceCase[] = [
  fragmentedMessage('5.1', 'text', 2),
  fragmentedMessage('5.2', 'text', 3),
  fragmentedMessage('5.3', 'text', 16),
  fragmentedMessage('5.4', 'text', 100),
  fragmentedMessage('5.5', 'binary', 2),
  fragmentedMessage('5.6', 'binary', 100),
  fragmentedMessage('5.7', 'text', 2, true),
  fragmentedMessage('5.8', 'binary', 3, true),
  {
    id: '5.9',
    category: 'fragmentation',
    title: 'text in 2 fragments with a ping between them',
    rfc: '§5.4, §5.5.2',
    expected: 'pong, then the message delivered intact',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(
        f({ opcode: OP.text, fin: false, payload: 'frag-1 ' }),
        f({ opcode: OP.ping, payload: 'between' }),
        f({ opcode: OP.cont, payload: 'frag-2' }),
      );
      await s.expectPong(utf8('between'));
      await s.expectMessage('frag-1 frag-2');
      expect(s.client.log.slice(1, 3)).toEqual(['ping', 'message']);
      await s.closeCleanly();
      return 'pong, then "frag-1 frag-2"; clean close';
    },
  },
  {
    id: '5.10',
    category: 'fragmentation',
    title: 'text in 2 fragments with a ping between them, 1 byte per TCP write',
    rfc: '§5.4, §5.5.2',
    expected: 'pong, then the message delivered intact',
    async run(ctx) {
      const s = await ctx.session();
      await s.sendBytewise(
        Buffer.concat([
          f({ opcode: OP.text, fin: false, payload: 'frag-1 ' }),
          f({ opcode: OP.ping, payload: 'between' }),
          f({ opcode: OP.cont, payload: 'frag-2' }),
        ]),
      );
      await s.expectPong(utf8('between'));
      await s.expectMessage('frag-1 frag-2');
      await s.closeCleanly();
      return 'pong, then "frag-1 frag-2"; clean close';
    },
  },
  {
    id: '5.11',
    category: 'fragmentation',
    title: '10 text fragments, each followed by a ping; the server waits for each pong before the next fragment',
    rfc: '§5.4, §5.5.2',
    expected: 'each pong sent while the message is incomplete; message delivered once complete',
    async run(ctx) {
      const s = await ctx.session();
      const parts = Array.from({ length: 10 }, (_, i) => `part ${i} € `);
      for (let i = 0; i < parts.length; i++) {
        await s.send(
          f({ opcode: i === 0 ? OP.text : OP.cont, fin: i === parts.length - 1, payload: parts[i] }),
          f({ opcode: OP.ping, payload: `ping ${i}` }),
        );
        await s.expectPong(utf8(`ping ${i}`));
        if (i < parts.length - 1) expect(s.client.messages, 'no message before the last fragment').toHaveLength(0);
      }
      await s.expectMessage(parts.join(''));
      await s.closeCleanly();
      return '10 pongs mid-message, then the message; clean close';
    },
  },
  {
    id: '5.12',
    category: 'fragmentation',
    title: 'unsolicited pongs between fragments',
    rfc: '§5.4, §5.5.3',
    expected: 'pongs ignored; message delivered intact',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(
        f({ opcode: OP.binary, fin: false, payload: 'ab' }),
        f({ opcode: OP.pong }),
        f({ opcode: OP.cont, fin: false, payload: 'cd' }),
        f({ opcode: OP.pong, payload: 'x' }),
        f({ opcode: OP.cont, payload: 'ef' }),
      );
      await s.expectMessage(utf8('abcdef'));
      await s.closeCleanly();
      return 'message delivered; nothing sent for the pongs; clean close';
    },
  },
  {
    id: '5.13',
    category: 'fragmentation',
    title: 'empty first and last fragments around a non-empty one',
    rfc: RFC,
    expected: 'delivered intact',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(
        f({ opcode: OP.text, fin: false }),
        f({ opcode: OP.cont, fin: false, payload: 'middle' }),
        f({ opcode: OP.cont }),
      );
      await s.expectMessage('middle');
      await s.closeCleanly();
      return '"middle" delivered; clean close';
    },
  },
  {
    id: '5.14',
    category: 'fragmentation',
    title: 'text message made of 3 empty fragments',
    rfc: RFC,
    expected: 'one empty text message delivered',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.text, fin: false }), f({ opcode: OP.cont, fin: false }), f({ opcode: OP.cont }));
      await s.expectMessage('');
      await s.closeCleanly();
      return 'empty text delivered; clean close';
    },
  },
  {
    id: '5.15',
    category: 'fragmentation',
    title: 'binary message made of 2 empty fragments',
    rfc: RFC,
    expected: 'one empty binary message delivered',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.binary, fin: false }), f({ opcode: OP.cont }));
      await s.expectMessage(new Uint8Array(0));
      await s.closeCleanly();
      return 'empty binary delivered; clean close';
    },
  },
  {
    id: '5.16',
    category: 'fragmentation',
    title: 'close frame between two fragments of a message',
    rfc: '§5.4, §5.5.1',
    expected: 'close echoed and reported clean; the unfinished message not delivered',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.text, fin: false, payload: 'never finished' }));
      const info = await s.closeCleanly(1001, 'going away');
      expect(s.client.messages).toHaveLength(0);
      return `close ${info.code} echoed, clean; no message`;
    },
  },
  protocolError('5.17', 'continuation frame (FIN set) with no message started', [f({ opcode: OP.cont, payload: 'orphan' })]),
  protocolError('5.18', 'continuation frame (FIN clear) with no message started', [
    f({ opcode: OP.cont, fin: false, payload: 'orphan' }),
  ]),
  protocolError(
    '5.19',
    'continuation frame with no message started',
    [f({ opcode: OP.cont, payload: 'orphan' })],
    undefined,
    undefined,
    true,
  ),
  protocolError(
    '5.20',
    'continuation frame right after a complete message',
    [f({ opcode: OP.text, payload: 'complete' }), f({ opcode: OP.cont, payload: 'orphan' })],
    undefined,
    'complete',
  ),
  protocolError(
    '5.21',
    'fragmented message completed, then a continuation starting nothing, then a text frame',
    [
      f({ opcode: OP.text, fin: false, payload: 'one ' }),
      f({ opcode: OP.cont, payload: 'two' }),
      f({ opcode: OP.cont, fin: false, payload: 'three' }),
      f({ opcode: OP.text, payload: 'four' }),
    ],
    undefined,
    'one two',
  ),
  protocolError('5.22', 'new text frame (FIN set) inside a fragmented text message', [
    f({ opcode: OP.text, fin: false, payload: 'a' }),
    f({ opcode: OP.text, payload: 'b' }),
  ]),
  protocolError('5.23', 'new text frame (FIN clear) inside a fragmented text message', [
    f({ opcode: OP.text, fin: false, payload: 'a' }),
    f({ opcode: OP.text, fin: false, payload: 'b' }),
  ]),
  protocolError('5.24', 'new binary frame inside a fragmented text message', [
    f({ opcode: OP.text, fin: false, payload: 'a' }),
    f({ opcode: OP.binary, payload: 'b' }),
  ]),
  protocolError(
    '5.25',
    'new text frame inside a fragmented binary message',
    [f({ opcode: OP.binary, fin: false, payload: 'a' }), f({ opcode: OP.text, payload: 'b' })],
    undefined,
    undefined,
    true,
  ),
  protocolError(
    '5.26',
    'ping split into two fragments',
    [f({ opcode: OP.ping, fin: false, payload: 'pi' }), f({ opcode: OP.cont, payload: 'ng' })],
    'fail with close 1002; no pong',
  ),
  protocolError('5.27', 'pong split into two fragments', [
    f({ opcode: OP.pong, fin: false, payload: 'po' }),
    f({ opcode: OP.cont, payload: 'ng' }),
  ]),
  protocolError('5.28', 'close split into two fragments', [
    f({ opcode: OP.close, fin: false, payload: closeBody(1000).subarray(0, 1) }),
    f({ opcode: OP.cont, payload: closeBody(1000).subarray(1) }),
  ]),
  protocolError('5.29', 'fragmented ping inside a fragmented text message', [
    f({ opcode: OP.text, fin: false, payload: 'a' }),
    f({ opcode: OP.ping, fin: false, payload: 'p' }),
    f({ opcode: OP.cont, payload: 'b' }),
  ]),
];
