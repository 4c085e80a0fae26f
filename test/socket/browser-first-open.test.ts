/**
 * Issue 11 item 6: the browser hides why an attempt failed (a wrong subprotocol, a 403, a refused port are the same
 * NetworkError), so the default policy gives up after BLIND_FIRST_OPEN_LIMIT such failures in a row before the
 * first open there; on Node (causes known) and after a first open it keeps retrying.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BLIND_FIRST_OPEN_LIMIT, defaultShouldReconnect } from '../../src/backoff.js';
import { NetworkError, TimeoutError, type SocklineError } from '../../src/errors.js';
import { createSocket, settle } from './helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const hidden = () => new NetworkError('Could not connect to ws://example.test/socket (cause in the browser console)');
const lastClose = (error: SocklineError) => ({ code: 1006, reason: '', wasClean: false, error });

describe('a failure before the first open whose cause the runtime hides', () => {
  it('the default policy: final from the 10th failure in a row, only where the cause is hidden and before any open', () => {
    expect(BLIND_FIRST_OPEN_LIMIT).toBe(10);
    const context = { lastClose: lastClose(hidden()), wasOpen: false, everOpened: false, causeHidden: true };
    expect(defaultShouldReconnect({ ...context, attempt: 9 })).toBe(true);
    expect(defaultShouldReconnect({ ...context, attempt: 10 })).toBe(false);
    expect(defaultShouldReconnect({ ...context, attempt: 10, causeHidden: false })).toBe(true);
    expect(defaultShouldReconnect({ ...context, attempt: 10, everOpened: true })).toBe(true);
    expect(defaultShouldReconnect({ ...context, attempt: 50, lastClose: lastClose(new TimeoutError('t', 'connect', 1)) })).toBe(
      true,
    );
    // A context built without the new fields (user code, older callers) keeps the old answer.
    expect(defaultShouldReconnect({ lastClose: lastClose(hidden()), attempt: 50, wasOpen: false })).toBe(true);
  });

  it('browser runtime: the Socket closes for good after 10 failed attempts, with the last error', async () => {
    const { socket, s, events } = createSocket({ reconnect: { maxDelay: 1000 } }, { runtime: 'browser' });
    await settle();
    for (let i = 0; i < 10; i++) {
      s.last.fail(hidden());
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(s.transports).toHaveLength(10);
    expect(events.of('reconnecting')).toHaveLength(9);
    expect(socket.state).toBe('closed');
    expect(events.of('close')[0][0].error).toBeInstanceOf(NetworkError);
  });

  it('Node runtime: the same failures keep being retried', async () => {
    const { socket, s } = createSocket({ reconnect: { maxDelay: 1000 } }, { runtime: 'node' });
    await settle();
    for (let i = 0; i < 12; i++) {
      s.last.fail(hidden());
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(s.transports).toHaveLength(13);
    expect(socket.state).toBe('connecting');
    socket.close();
  });

  it('browser runtime, after a first open: the same failures keep being retried', async () => {
    const { socket, s } = createSocket({ reconnect: { maxDelay: 1000 } }, { runtime: 'browser' });
    await settle();
    s.last.open();
    s.last.end();
    for (let i = 0; i < 12; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      s.last.fail(hidden());
    }
    expect(socket.state).toBe('reconnecting');
    socket.close();
  });
});
