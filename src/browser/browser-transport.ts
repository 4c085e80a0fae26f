import { brief, DEV } from '../dev.js';
import { InvalidArgumentError, InvalidStateError, NetworkError, type SocklineError } from '../errors.js';
import { redact } from '../options.js';
import { handshakeErrorFromEvent } from './handshake-error-from-event.js';
import type { CloseInfo, OutgoingData, TransportFactory, TransportOptions } from '../transport.js';

/** RFC 6455 §7.1.5: "the connection was closed abnormally", what a browser reports for every failure. */
const ABNORMAL = 1006;

/**
 * One connection attempt over the runtime's native `WebSocket` (browsers, Deno, workers, React Native).
 *
 * - Binary messages always reach the handler as `Uint8Array` (`binaryType = 'arraybuffer'`), never `Blob`.
 * - `send` accepts `string`, `Uint8Array` and `Blob`; it returns false (nothing taken, `done` not called)
 *   unless the native socket is OPEN, and `done` runs as soon as the native `send()` took the data.
 * - No `setReading` (a native socket cannot be paused: `messages()` bounds its buffer and reports overflow instead)
 *   and no `sendFragment` (the browser fragments as it likes: `sendStream()` keeps the chunks and sends on `end()`).
 * - The browser hides ping/pong and failure details: `canPing` is false, and a failure becomes a
 *   `NetworkError` on the `CloseInfo` (code 1006).
 * - Exactly one `onClose` and nothing after it, never from inside a call (see `Transport`). It comes from the
 *   native close event, except after `terminate()`, which reports it on a microtask and ignores whatever the
 *   native socket does later.
 *
 * @throws InvalidStateError when the runtime has no `WebSocket` global.
 * @throws InvalidArgumentError when the native constructor rejects the URL or subprotocols
 *   (`SyntaxError`), or the page may not open it (`SecurityError`, e.g. `ws://` from an `https://` page).
 */
export const connectBrowser: TransportFactory<TransportOptions & { headers?: Record<string, string> }> = (
  url,
  { protocols, headers },
  handler,
) => {
  const Native = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  if (typeof Native !== 'function') {
    // No runtime sniffing here (issue 16): the runtimes without a WebSocket global are the ones the Node build is for.
    throw new InvalidStateError(
      DEV
        ? "WebSocket is not available in this runtime: import sockline's Node build or define globalThis.WebSocket"
        : brief('No WebSocket in this runtime', 'supported-runtimes'),
    );
  }

  let ws: WebSocket;
  try {
    // `headers` only from the React Native runtime (react-native/runtime.ts): its WebSocket takes `{ headers }` third.
    ws = new (Native as new (url: string, protocols?: string[], options?: object) => WebSocket)(
      url.href,
      protocols.length ? protocols : undefined,
      headers && { headers },
    );
  } catch (cause) {
    throw new InvalidArgumentError(`Cannot open a WebSocket to ${redact(url)}: ${String(cause)}`, cause);
  }
  ws.binaryType = 'arraybuffer';

  let opened = false;
  let closeRequested = false;
  /** The native `error` event, when one fired: the browser *failed* the connection (WHATWG), not just lost it. */
  let errored: Event | undefined;
  /** The upgrade's refusal, where the runtime names its status (Deno, workerd); browsers never do. */
  let refused: SocklineError | undefined;
  let finished = false;
  let lastReceivedAt = 0;

  // Detach first, then report: whatever the native socket does afterwards reaches no one.
  const finish = (info: CloseInfo): void => {
    if (finished) return;
    finished = true;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    handler.onClose(info);
  };

  // Browsers only accept 1000 and 3000-4999 (e.g. not 1001): close without a code rather than stay open.
  const close = (code?: number, reason?: string): void => {
    try {
      ws.close(code, reason);
    } catch {
      try {
        ws.close();
      } catch {
        /* already closing */
      }
    }
  };

  ws.onopen = () => {
    opened = true;
    lastReceivedAt = Date.now();
    handler.onOpen({ protocol: ws.protocol || '', extensions: ws.extensions || '' });
  };

  ws.onmessage = ({ data }: MessageEvent) => {
    lastReceivedAt = Date.now();
    // An ArrayBuffer (possibly from another realm, so no instanceof) becomes a view without copying.
    if (typeof data === 'string') handler.onMessage(data, false);
    else handler.onMessage(new Uint8Array(data as ArrayBuffer), true);
  };

  // WHATWG: "error" is always followed by "close", which carries the code; only remember it.
  ws.onerror = (event: Event) => {
    errored = event;
    if (!opened) refused ??= handshakeErrorFromEvent(event);
  };

  ws.onclose = (event: CloseEvent) => {
    const code = event.code || ABNORMAL;
    finish({
      code,
      reason: event.reason || '',
      // 1006 is never clean (RFC 6455 §7.1.5), whatever a polyfill says (happy-dom reports true).
      wasClean: code !== ABNORMAL && !!event.wasClean,
      // Browsers hide why (refused, TLS, HTTP status…) from pages; only their console says. Aborting our own
      // attempt with close() is not a network failure, whatever the browser says.
      error:
        (errored || code === ABNORMAL) && (opened || !closeRequested)
          ? (refused ??
            new NetworkError(
              `${opened ? 'Lost the connection to' : 'Could not connect to'} ${redact(url)} (cause in the browser console)`,
              // The native `error` event as the cause: the standard WebSocket class fires `error` only for a failed connection.
              errored,
            ))
          : undefined,
    });
  };

  return {
    get bufferedAmount() {
      return ws.bufferedAmount || 0;
    },
    get lastReceivedAt() {
      return lastReceivedAt;
    },
    canPing: false,

    send(data: OutgoingData | Blob, _fragmentSize: number, done?: (error?: Error) => void) {
      // The browser fragments as it likes; fragmentSize is a Node transport setting.
      // A native socket that is not OPEN (1) drops sends silently (WHATWG): take nothing instead, nor after close().
      if (finished || closeRequested || ws.readyState !== 1) return false;
      try {
        ws.send(data);
      } catch {
        // WHATWG send() throws only while CONNECTING; a polyfill may throw for a closing socket: not taken either.
        return false;
      }
      done?.();
      return true;
    },

    ping() {
      return false;
    },

    close(code?: number, reason?: string) {
      if (finished) return;
      closeRequested = true;
      close(code, reason);
    },

    terminate(error?: SocklineError) {
      if (finished) return;
      // A page cannot drop a TCP connection; closing and ignoring all later events is the closest thing.
      // Reported on a microtask, never from inside the call (no native event can come first); takes no more sends.
      closeRequested = true;
      close();
      queueMicrotask(() => finish({ code: ABNORMAL, reason: '', wasClean: false, error }));
    },
  };
};
