/** 2 Ping/pong (Autobahn 2.x): RFC 6455 §5.5.2 "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response". */
import { expect } from 'vitest';
import { bytesOf, closeBody, f, OP, utf8, within, type ConformanceCase } from '../harness.js';

const PING_RFC = '§5.5.2';
const PONG_RFC = '§5.5.3';

function pingCase(id: string, title: string, payload: Uint8Array, bytewise = false): ConformanceCase {
  return {
    id,
    category: 'ping/pong',
    title,
    rfc: PING_RFC,
    expected: 'one masked pong with the identical payload; ping reported',
    async run(ctx) {
      const s = await ctx.session();
      const ping = f({ opcode: OP.ping, payload });
      if (bytewise) await s.sendBytewise(ping);
      else await s.send(ping);
      await s.expectPong(payload);
      await s.closeCleanly();
      return `pong with the same ${payload.length} B; clean close`;
    },
  };
}

/** An unsolicited pong must be accepted and ignored: no reply, no failure; the next message still arrives. */
function unsolicitedPongCase(id: string, payload: Uint8Array): ConformanceCase {
  return {
    id,
    category: 'ping/pong',
    title: `unsolicited pong with ${payload.length} B payload, then a text message`,
    rfc: PONG_RFC,
    expected: 'pong ignored (no reply, no failure); the message after it delivered',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.pong, payload }), f({ opcode: OP.text, payload: 'after the pong' }));
      await s.expectMessage('after the pong');
      await s.closeCleanly();
      // closeCleanly checked that the client sent nothing but its close echo.
      return 'no reply to the pong; message delivered; clean close';
    },
  };
}

const burst = Array.from({ length: 10 }, (_, i) => utf8(`ping ${i} ${'.'.repeat(i * 12)}`));

export const pingPongCases: ConformanceCase[] = [
  pingCase('2.1', 'ping without payload', new Uint8Array(0)),
  pingCase('2.2', 'ping with 125 B text payload', utf8('p'.repeat(125))),
  pingCase('2.3', 'ping with 125 B binary payload', bytesOf(125, 3)),
  pingCase('2.4', 'ping with 125 B payload, 1 byte per TCP write', bytesOf(125, 4), true),
  unsolicitedPongCase('2.5', new Uint8Array(0)),
  unsolicitedPongCase('2.6', utf8('unsolicited pong payload')),
  {
    id: '2.7',
    category: 'ping/pong',
    title: 'ping with 126 B payload (over the control-frame limit)',
    rfc: '§5.5',
    expected: 'fail with close 1002; no pong',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.ping, payload: bytesOf(126) }));
      return s.expectFailure(1002);
    },
  },
  {
    id: '2.8',
    category: 'ping/pong',
    title: 'ping with 126 B payload, 1 byte per TCP write',
    rfc: '§5.5',
    expected: 'fail with close 1002 at the length byte; no pong',
    async run(ctx) {
      const s = await ctx.session();
      await s.sendBytewise(f({ opcode: OP.ping, payload: bytesOf(126) }));
      return s.expectFailure(1002);
    },
  },
  {
    id: '2.9',
    category: 'ping/pong',
    title: '10 pings with distinct payloads in one TCP write',
    rfc: PING_RFC,
    expected: '10 pongs, in order, each with its ping payload',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(...burst.map((payload) => f({ opcode: OP.ping, payload })));
      for (const payload of burst) await s.expectPong(payload);
      await s.closeCleanly();
      return '10 pongs in order; clean close';
    },
  },
  {
    id: '2.10',
    category: 'ping/pong',
    title: '10 pings with distinct payloads, 1 byte per TCP write',
    rfc: PING_RFC,
    expected: '10 pongs, in order, each with its ping payload',
    async run(ctx) {
      const s = await ctx.session();
      await s.sendBytewise(Buffer.concat(burst.map((payload) => f({ opcode: OP.ping, payload }))));
      for (const payload of burst) await s.expectPong(payload);
      await s.closeCleanly();
      return '10 pongs in order; clean close';
    },
  },
  {
    id: '2.11',
    category: 'ping/pong',
    title: 'ping frame with the FIN bit clear',
    rfc: '§5.4, §5.5',
    expected: 'fail with close 1002 (control frames MUST NOT be fragmented); no pong',
    async run(ctx) {
      const s = await ctx.session();
      await s.send(f({ opcode: OP.ping, fin: false, payload: 'half' }));
      return s.expectFailure(1002);
    },
  },
  {
    id: '2.12',
    category: 'ping/pong',
    title: 'ping after the client started closing, before the server answered its close',
    rfc: '§5.5.2, §5.5.1',
    expected: 'pong with the ping payload (a pong is only excused once a Close was received); then a clean close',
    async run(ctx) {
      const s = await ctx.session();
      s.client.transport.close(1000, 'client bye');
      expect((await s.readFrame()).opcode, 'the client close').toBe(OP.close);
      await s.send(f({ opcode: OP.ping, payload: 'still there?' }));
      await s.expectPong(utf8('still there?'));
      await s.send(f({ opcode: OP.close, payload: closeBody(1000) }));
      s.peer.socket.end();
      const info = await within(s.client.closed, 'the close');
      expect(info).toMatchObject({ code: 1000, wasClean: true });
      expect(await s.remainingFrames()).toEqual([]);
      return 'pong while closing; clean close';
    },
  },
];
