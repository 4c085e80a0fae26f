/**
 * One CLI session: the public `Socket`, its events wired to a reporter, and how it ends (the exit code).
 *
 * Policy on top of the library's defaults: if the very first attempt fails, the session ends with that error
 * (like curl: a typo in the URL should not retry forever); once a link was open, a lost link is retried with
 * the library's backoff (unless `--no-reconnect`).
 */
import { Socket } from '../index.node.js';
import type { SocklineError } from '../index.node.js';
import { exitCodeFor } from './exit-codes.js';
import type { Reporter } from './reporter.js';

type SocketOptions = NonNullable<ConstructorParameters<typeof Socket>[1]>;

export class Session {
  readonly socket: Socket;
  /** The exit code, once the Socket is finally closed. */
  readonly done: Promise<number>;
  readonly #offered: readonly string[];
  #opened = false;
  #closedByUs = false;
  #gaveUp = false;
  #lastError: SocklineError | undefined;
  readonly #beforeClose: (() => void)[] = [];

  /** @throws InvalidArgumentError (from the Socket) for a bad URL or option: a usage error. */
  constructor(url: string, options: SocketOptions, reporter: Reporter) {
    const socket = (this.socket = new Socket(url, options));
    this.#offered = Array.isArray(options.protocols) ? options.protocols : [];
    socket.on('state', (state) => {
      if (state === 'connecting') reporter.connecting(socket.url || url, socket.stats.attempts - 1);
    });
    socket.on('open', (event) => {
      this.#opened = true;
      reporter.open(event, socket.url, this.#offered);
    });
    socket.on('message', (data) => reporter.message(data));
    socket.on('ping', (data) => reporter.ping(data));
    socket.on('pong', (data) => reporter.pong(data));
    socket.on('disconnect', (info) => reporter.disconnect(info));
    socket.on('reconnecting', (event) => reporter.reconnecting(event));
    socket.on('drop', (event) => reporter.drop(event));
    socket.on('error', (error) => {
      this.#lastError = error;
      reporter.error(error);
      // The first attempt failed: end now rather than retry (see the file comment).
      // `reconnecting`: the state is in place before `error` is emitted (issue 11 item 9).
      if (!this.#opened && !this.#closedByUs && socket.state === 'reconnecting') {
        this.#gaveUp = true;
        socket.close();
      }
    });
    // The first attempt's `connecting` state was emitted inside the constructor, before our listener.
    reporter.connecting(socket.url || url, 0);
    this.done = new Promise((resolve) => {
      socket.once('close', (event) => {
        const error = event.error ?? (this.#gaveUp ? this.#lastError : undefined);
        const code = exitCodeFor({ ...event, error, closedByUs: this.#closedByUs, lastError: this.#lastError });
        for (const callback of this.#beforeClose) callback();
        reporter.close(event, code);
        resolve(code);
      });
    });
  }

  /** Runs `callback` when the Socket is finally closed, before the final close is reported (the last word). */
  beforeClose(callback: () => void): void {
    this.#beforeClose.push(callback);
  }

  /** Whether the Socket is finally closed or closing on our request. */
  get ending(): boolean {
    return this.#closedByUs || this.socket.state === 'closed';
  }

  /** Send a text message (queued while not open). Failures are reported by the `drop` event. */
  send(text: string): Promise<void> {
    return this.socket.sendAsync(text).catch(() => {});
  }

  /**
   * Close with `code`/`reason` (the closing handshake; the exit follows the server's Close).
   * @throws InvalidArgumentError for a code or reason the library refuses.
   */
  close(code = 1000, reason = ''): void {
    if (this.socket.state === 'closed') return;
    // Set first: without an open link the Socket emits its final `close` synchronously, inside close().
    const before = this.#closedByUs;
    this.#closedByUs = true;
    try {
      this.socket.close(code, reason);
    } catch (error) {
      this.#closedByUs = before; // a code or reason the library refused: nothing was closed
      throw error;
    }
  }

  /** Resolves true when the Socket is open (now or at its next open), false if it closes first. */
  whenOpen(): Promise<boolean> {
    const socket = this.socket;
    if (socket.state === 'open') return Promise.resolve(true);
    if (socket.state === 'closed' || socket.state === 'closing') return Promise.resolve(false);
    return new Promise((resolve) => {
      const onOpen = (): void => {
        socket.off('close', onClose);
        resolve(true);
      };
      const onClose = (): void => {
        socket.off('open', onOpen);
        resolve(false);
      };
      socket.once('open', onOpen);
      socket.once('close', onClose);
    });
  }
}
