/**
 * What the Socket facade asks of the runtime it runs on. Each entry point passes one `Runtime` value
 * (`node/runtime.ts`, `browser/runtime.ts`); the facade never tests which runtime it is on, it asks this.
 */
import type { HeartbeatModule } from './heartbeat-module.js';
import type { DEFAULTS, SocketOptions } from './options.js';
import type { DebugHook, Logger } from './report.js';
import type { CloseInfo } from './protocol/events.js';
import type { FragmentWriterFactory } from './send-stream.js';
import type { Transport, TransportHandler, TransportOptions } from './transport.js';

/**
 * One runtime's capabilities and option rules.
 *
 * @typeParam S - The runtime's own settings, as `options()` validated them (kept beside the shared options).
 * @typeParam O - The transport options `connect()` takes for one attempt.
 */
export interface Runtime<S extends object = object, O extends TransportOptions = TransportOptions> {
  /** The URL rule: what `url` (static or from a provider) may be, as a URL to connect to. */
  url(input: unknown): URL;
  /** Open one connection attempt (see {@link Transport}). */
  connect(url: URL, options: O, handler: TransportHandler): Transport;
  /** `send()` also takes a `Blob` (the native WebSocket sends one as it is). */
  readonly acceptsBlob: boolean;
  /** Protocol pings exist: the heartbeat is on by default and needs no `message`. */
  readonly canPing: boolean;
  /**
   * The heartbeat built into this runtime's entry (Node: src/heartbeat.ts, protocol pings on by default); absent in
   * the browser build, where the app passes `heartbeat()` from 'sockline/heartbeat' (issue 16: bytes only when used).
   */
  readonly heartbeat?: HeartbeatModule;
  /**
   * The shared options' defaults: `DEFAULTS` itself in the native-WebSocket runtimes, whose default `shouldReconnect`
   * leaves out the Node-only errors (issue 16); Node's are the same with `defaultShouldReconnect`.
   */
  readonly defaults: typeof DEFAULTS;
  /** The options only this runtime knows about (accepted, or refused by `options()` with a reason). */
  readonly optionNames: readonly string[];
  /**
   * Validate this runtime's own options once, at construction, and return its settings.
   * @throws InvalidArgumentError naming the option, the value and what is allowed (or why it is refused here).
   */
  options(options: SocketOptions): S;
  /**
   * The transport options of one attempt, but the subprotocols: called before every attempt, alongside the URL and
   * protocols providers (a headers provider is called here). Rejects with a `SocklineError` when a provider fails.
   */
  attempt(settings: S): Omit<O, 'protocols'> | Promise<Omit<O, 'protocols'>>;
  /**
   * `sendStream()` as fragments on an open link whose transport has `sendFragment` (Node); without it the chunks are
   * kept and sent as one message on `end()` (browsers).
   */
  readonly fragmentWriter?: FragmentWriterFactory;
  /** Ms the failure `info` asked to wait before the next attempt (HTTP `Retry-After`), where the runtime can see it. */
  retryAfter(info: CloseInfo): number | undefined;
  /**
   * facade (issue 11 item 2): the `debug` log for the `debug` option (`undefined`: the runtime decides, e.g. Node
   * from `DEBUG`/`NODE_DEBUG`), writing to `logger`; `undefined` for none. Node formats lines, browsers pass objects.
   */
  debug(enabled: boolean | undefined, logger: Logger | false): DebugHook | undefined;
  /**
   * facade (issue 11 item 6): the runtime hides why an attempt failed (the browser's WebSocket: refused, DNS, TLS,
   * a 403 and a wrong subprotocol are all the same `NetworkError`), so the default policy gives up on a Socket whose
   * first open fails that way many times in a row (`ReconnectContext.causeHidden`).
   */
  readonly hidesCauses?: boolean;
}
