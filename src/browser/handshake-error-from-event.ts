import { HandshakeError } from '../errors.js';

/**
 * Some runtimes name the HTTP status of a refused upgrade in the native `error` event's message, where browsers
 * (WHATWG: "fail the WebSocket connection") say nothing:
 *   Deno     "NetworkError: failed to connect to WebSocket: Invalid status code: 403"
 *   workerd  "… expected server to reply with HTTP status code 101 (switching protocols), but received 403 instead."
 *   Bun      "WebSocket connection to '…' failed: Expected 101 status code: 403"
 * That status becomes the same HandshakeError (reason 'status') the Node build gives, so the reconnect policy
 * treats a 403 as final and a 503 as worth retrying, instead of retrying a NetworkError forever.
 * The message is not copied: it may contain the URL, and with it a token.
 */
// "status code 101" is what workerd expected, not what it got: skip 101.
const STATUS = /(?:status code:?|received) (?!101)(\d{3})\b/i;

export function handshakeErrorFromEvent(event: Event): HandshakeError | undefined {
  const status = Number(STATUS.exec(String((event as ErrorEvent).message))?.[1]);
  return status ? new HandshakeError(`The server refused the upgrade: HTTP ${status}`, 'status', { status }) : undefined;
}
