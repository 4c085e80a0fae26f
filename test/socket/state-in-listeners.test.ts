/**
 * Issue 11 item 9: every event is emitted once the state it reports is in place, and `state` events reach every
 * listener in order. For each event, a listener reads `socket.state` (and, for `disconnect`, sends).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidStateError, NetworkError } from '../../src/errors.js';
import type { SocketState } from '../../src/events.js';
import { createSocket, settle } from './helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const refused = () => new NetworkError('Could not connect to ws://example.test/socket: ECONNREFUSED');

describe('the state seen from a listener', () => {
  it('open, message, ping, pong and drain: open', async () => {
    const { socket, s } = createSocket({ writeBuffer: { highWaterMark: 10, lowWaterMark: 5 } });
    const seen: string[] = [];
    for (const name of ['open', 'message', 'ping', 'pong', 'drain'] as const)
      socket.on(name, () => seen.push(`${name}:${socket.state}`));
    await settle();
    s.last.open();
    s.last.receive('hi');
    s.last.serverPing();
    s.last.pong();
    s.last.bufferedAmount = 100;
    socket.send('x');
    s.last.bufferedAmount = 0;
    await vi.advanceTimersByTimeAsync(50);
    expect(seen).toEqual(['open:open', 'message:open', 'ping:open', 'pong:open', 'drain:open']);
  });

  it('disconnect and error of a lost link that will be retried: reconnecting, and a send() there is queued', async () => {
    const { socket, s } = createSocket();
    const seen: string[] = [];
    socket.on('error', () => seen.push(`error:${socket.state}`));
    socket.on('disconnect', () => {
      seen.push(`disconnect:${socket.state}`);
      socket.send('from disconnect');
    });
    socket.on('reconnecting', () => seen.push(`reconnecting:${socket.state}`));
    await settle();
    s.last.open();
    s.last.fail(refused());
    expect(seen).toEqual(['error:reconnecting', 'disconnect:reconnecting', 'reconnecting:reconnecting']);
    expect(socket.stats.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    s.last.open();
    expect(s.last.data).toEqual(['from disconnect']);
  });

  it('error of a failed attempt: reconnecting', async () => {
    const { socket, s } = createSocket();
    const seen: SocketState[] = [];
    socket.on('error', () => seen.push(socket.state));
    await settle();
    s.last.fail(refused());
    expect(seen).toEqual(['reconnecting']);
  });

  it('error, disconnect, drop and close of a final end: closed, and send() there throws as after close()', async () => {
    const { socket, s } = createSocket({ reconnect: false });
    const seen: string[] = [];
    let thrown: unknown;
    socket.on('error', () => seen.push(`error:${socket.state}`));
    socket.on('disconnect', () => {
      seen.push(`disconnect:${socket.state}`);
      try {
        socket.send('too late');
      } catch (error) {
        thrown = error;
      }
    });
    socket.on('drop', () => seen.push(`drop:${socket.state}`));
    socket.on('close', () => seen.push(`close:${socket.state}`));
    await settle();
    s.last.open();
    s.last.refuse = true; // the link is closing: this send is queued, then unsent at the final close
    socket.send('queued');
    s.last.fail(refused());
    expect(seen).toEqual(['error:closed', 'disconnect:closed', 'drop:closed', 'close:closed']);
    expect(thrown).toBeInstanceOf(InvalidStateError);
  });

  it('disconnect after close(): closed', async () => {
    const { socket, s } = createSocket();
    const seen: SocketState[] = [];
    socket.on('disconnect', () => seen.push(socket.state));
    await settle();
    s.last.open();
    socket.close();
    s.last.end({ code: 1000, wasClean: true });
    expect(seen).toEqual(['closed']);
  });

  it('disconnect after reconnect(): reconnecting', async () => {
    const { socket, s } = createSocket();
    const seen: SocketState[] = [];
    socket.on('disconnect', () => seen.push(socket.state));
    await settle();
    s.last.open();
    socket.reconnect();
    expect(seen).toEqual(['reconnecting']);
  });

  it('drop of a full queue: the state the Socket is in (connecting)', async () => {
    const { socket } = createSocket({ queue: { maxMessages: 1 } });
    const seen: SocketState[] = [];
    socket.on('drop', () => seen.push(socket.state));
    socket.send('a');
    expect(() => socket.send('b')).toThrow();
    expect(seen).toEqual(['connecting']);
  });

  it('state: the state reported is the one in place', async () => {
    const { socket, s } = createSocket();
    const seen: boolean[] = [];
    socket.on('state', (state) => seen.push(state === socket.state));
    await settle();
    s.last.open();
    s.last.fail(refused());
    await vi.advanceTimersByTimeAsync(1000);
    socket.close();
    expect(seen).toEqual([true, true, true, true]); // open, reconnecting, connecting, closed
  });

  it('state events reach every listener in order when a state listener changes the state', async () => {
    const { socket, s } = createSocket();
    const first: string[] = [];
    const second: string[] = [];
    socket.on('state', (state, previous) => {
      first.push(`${previous}>${state}`);
      if (state === 'reconnecting') socket.close();
    });
    socket.on('state', (state, previous) => second.push(`${previous}>${state}`));
    await settle();
    s.last.open();
    s.last.fail(refused());
    expect(first).toEqual(['connecting>open', 'open>reconnecting', 'reconnecting>closed']);
    expect(second).toEqual(first);
    expect(socket.state).toBe('closed');
  });
});
