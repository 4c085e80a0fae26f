/**
 * Reconnection as a user sees it, the same in Node and in the browser: the server drops the first
 * connection without a close frame; messages sent while the link is down are queued and delivered,
 * in order and before anything sent from the next `open` listener, once the Socket has reconnected.
 *
 * Self-contained (types only): the Chromium tests serve it to the page, which runs the same code.
 * Server path: `/flaky` of test/helpers/ws-server.ts `startWsServer({ routes: true })`.
 */
import type { SocklineApi } from './echo-scenarios.js';

export interface ReconnectTranscript {
  opens: { reconnected: boolean }[];
  disconnects: number[];
  reconnecting: number;
  messages: string[];
  stats: { queued: number; dropped: number; reconnects: number };
  close: { code: number; wasClean: boolean; unsent: number };
}

interface ReconnectingSocket {
  on(event: string, listener: (...args: any[]) => void): unknown;
  send(data: string): unknown;
  close(code?: number, reason?: string): unknown;
  readonly stats: { queued: number; dropped: number; reconnects: number };
}

export function reconnectScenario(Sockline: SocklineApi, url: string, timeoutMs: number): Promise<ReconnectTranscript> {
  const socket = new Sockline.Socket(url, {
    reconnect: { minDelay: 50, maxDelay: 200 },
    heartbeat: false,
  }) as unknown as ReconnectingSocket;
  const transcript: ReconnectTranscript = {
    opens: [],
    disconnects: [],
    reconnecting: 0,
    messages: [],
    stats: { queued: 0, dropped: 0, reconnects: 0 },
    close: { code: 0, wasClean: false, unsent: -1 },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`reconnect scenario timed out: ${JSON.stringify(transcript)}`));
    }, timeoutMs);
    socket.on('open', ({ reconnected }: { reconnected: boolean }) => {
      transcript.opens.push({ reconnected });
      if (reconnected) socket.send('sent from open');
    });
    socket.on('disconnect', ({ code }: { code: number }) => {
      transcript.disconnects.push(code);
      // The first link was dropped by the server: these are queued, not lost.
      if (transcript.disconnects.length === 1) for (const text of ['queued 1', 'queued 2', 'queued 3']) socket.send(text);
    });
    socket.on('reconnecting', () => transcript.reconnecting++);
    socket.on('message', (data: unknown) => {
      transcript.messages.push(String(data));
      if (transcript.messages.length === 4) socket.close(1000, 'done');
    });
    socket.on('close', ({ code, wasClean, unsent }: { code: number; wasClean: boolean; unsent: unknown[] }) => {
      clearTimeout(timer);
      const { queued, dropped, reconnects } = socket.stats;
      transcript.stats = { queued, dropped, reconnects };
      transcript.close = { code, wasClean, unsent: unsent.length };
      resolve(transcript);
    });
  });
}

export const RECONNECT_EXPECTED: ReconnectTranscript = {
  opens: [{ reconnected: false }, { reconnected: true }],
  disconnects: [1006, 1000],
  reconnecting: 1,
  messages: ['queued 1', 'queued 2', 'queued 3', 'sent from open'],
  stats: { queued: 3, dropped: 0, reconnects: 1 },
  close: { code: 1000, wasClean: true, unsent: 0 },
};
