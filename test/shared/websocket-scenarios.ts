/**
 * The WHATWG WebSockets standard's behaviours, one scenario per rule, written once and run with the same
 * expectations against:
 * - sockline's `WebSocket`, Node build (test/websocket/standard.test.ts),
 * - sockline's `WebSocket`, browser build, in real Chromium, and
 * - Chromium's own native `WebSocket`, which proves the expectations are the standard's, not ours
 *   (test/websocket/chromium.test.ts).
 *
 * Self-contained on purpose (no imports besides types): the Chromium test serves this file, types stripped, to the
 * page. Server paths are those of test/websocket/server.ts. Each `run` returns a JSON-safe transcript.
 */

/** What the scenarios need of a WebSocket class (sockline's or the browser's). */
export type WebSocketClass = {
  new (url: string, protocols?: string | string[]): WebSocketLike;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly CLOSING: number;
  readonly CLOSED: number;
};

export interface WebSocketLike extends EventTarget {
  readonly url: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  readonly extensions: string;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly CLOSING: number;
  readonly CLOSED: number;
  binaryType: string;
  onopen: ((event: Event) => unknown) | null;
  onmessage: ((event: MessageEvent) => unknown) | null;
  onerror: ((event: Event) => unknown) | null;
  onclose: ((event: CloseEvent) => unknown) | null;
  send(data: unknown): void;
  close(code?: number, reason?: string): void;
}

export interface StandardScenario {
  name: string;
  /** The step of the standard this checks, quoted. */
  standard: string;
  /** `base` is `ws://127.0.0.1:<port>` of test/websocket/server.ts. */
  run(WS: WebSocketClass, base: string): Promise<unknown>;
  expected: unknown;
}

const EVENTS = ['open', 'message', 'error', 'close'] as const;

/** `type@readyState` plus what matters of the event: the message's data, the close's code/reason/wasClean. */
function summarise(event: Event, ws: WebSocketLike): string {
  let line = `${event.type}@${ws.readyState}`;
  if (event.type === 'message') {
    const data = (event as MessageEvent).data as unknown;
    line += ` ${typeof data === 'string' ? JSON.stringify(data) : Object.prototype.toString.call(data)}`;
  }
  if (event.type === 'close') {
    const close = event as CloseEvent;
    line += ` ${close.code} ${JSON.stringify(close.reason)} ${close.wasClean}`;
  }
  return line;
}

/** Records every standard event as a line, and resolves `closed` on `close`. */
function record(ws: WebSocketLike): { log: string[]; closed: Promise<void> } {
  const log: string[] = [];
  let done!: () => void;
  const closed = new Promise<void>((resolve) => (done = resolve));
  for (const type of EVENTS) {
    ws.addEventListener(type, (event) => {
      log.push(summarise(event, ws));
      if (type === 'close') done();
    });
  }
  return { log, closed };
}

const once = (ws: WebSocketLike, type: string): Promise<Event> =>
  new Promise((resolve) => ws.addEventListener(type, resolve, { once: true }));

const nextTask = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The name of what `run` threw, or 'none'. */
function thrown(run: () => unknown): string {
  try {
    run();
    return 'none';
  } catch (error) {
    const e = error as Error;
    return `${e.name}${typeof DOMException === 'function' && e instanceof DOMException ? ' (DOMException)' : ''}`;
  }
}

async function bytesOf(data: unknown): Promise<number[]> {
  if (typeof Blob === 'function' && data instanceof Blob) return [...new Uint8Array(await data.arrayBuffer())];
  return [...new Uint8Array(data as ArrayBuffer)];
}

export const STANDARD_SCENARIOS: StandardScenario[] = [
  {
    name: 'constants, initial attributes and the serialized url',
    standard:
      'const unsigned short CONNECTING = 0 … CLOSED = 3; "When the object is created its readyState must be set to CONNECTING (0)"; ' +
      'extensions and protocol "must initially return the empty string"; binaryType "must be set to the string blob"; ' +
      'url: "If urlRecord\'s scheme is http, then set urlRecord\'s scheme to ws"',
    async run(WS, base) {
      const ws = new WS(base.replace(/^ws:/, 'http:') + '/echo?x=1');
      const result = {
        statics: [WS.CONNECTING, WS.OPEN, WS.CLOSING, WS.CLOSED],
        instance: [ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED],
        readyState: ws.readyState,
        protocol: ws.protocol,
        extensions: ws.extensions,
        binaryType: ws.binaryType,
        bufferedAmount: ws.bufferedAmount,
        url: ws.url === `${base}/echo?x=1`,
      };
      ws.close();
      await once(ws, 'close');
      return result;
    },
    expected: {
      statics: [0, 1, 2, 3],
      instance: [0, 1, 2, 3],
      readyState: 0,
      protocol: '',
      extensions: '',
      binaryType: 'blob',
      bufferedAmount: 0,
      url: true,
    },
  },
  {
    name: 'constructor errors are SyntaxError DOMExceptions',
    standard:
      '"If urlRecord is failure, then throw a SyntaxError DOMException"; scheme not ws/wss: SyntaxError; "If urlRecord\'s fragment is ' +
      'non-null, then throw a SyntaxError"; protocols that "occur more than once or otherwise fail to match the requirements … throw a SyntaxError"',
    async run(WS, base) {
      return {
        unparsable: thrown(() => new WS('ws://[::1')),
        scheme: thrown(() => new WS('ftp://127.0.0.1/')),
        fragment: thrown(() => new WS(`${base}/echo#frag`)),
        duplicate: thrown(() => new WS(`${base}/echo`, ['chat', 'chat'])),
        token: thrown(() => new WS(`${base}/echo`, 'not a token')),
      };
    },
    expected: {
      unparsable: 'SyntaxError (DOMException)',
      scheme: 'SyntaxError (DOMException)',
      fragment: 'SyntaxError (DOMException)',
      duplicate: 'SyntaxError (DOMException)',
      token: 'SyntaxError (DOMException)',
    },
  },
  {
    name: 'readyState and event order of a normal session: open, messages, close',
    standard:
      'Established: "Change the readyState to OPEN … Fire an event named open"; message: "If readyState is not OPEN, then return … ' +
      'Fire an event named message … using MessageEvent"; closed: "Change the readyState to CLOSED … Fire an event named close … using CloseEvent"',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`, ['unknown.v9', 'sockline.v1']);
      const { log, closed } = record(ws);
      const states: number[] = [ws.readyState];
      ws.onopen = () => {
        states.push(ws.readyState);
        ws.send('one');
        ws.send('two');
      };
      let received = 0;
      let origin = '';
      ws.onmessage = (event) => {
        origin = event.origin;
        if (++received === 2) {
          ws.close(1000, 'done');
          states.push(ws.readyState);
        }
      };
      await closed;
      states.push(ws.readyState);
      return { log, states, protocol: ws.protocol, origin: origin === base };
    },
    expected: {
      log: ['open@1', 'message@1 "one"', 'message@1 "two"', 'close@3 1000 "done" true'],
      states: [0, 1, 2, 3],
      protocol: 'sockline.v1',
      origin: true,
    },
  },
  {
    name: 'send() while CONNECTING throws InvalidStateError',
    standard: '"If this\'s ready state is CONNECTING, then throw an InvalidStateError DOMException"',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`);
      const result = { error: thrown(() => ws.send('early')), readyState: ws.readyState, bufferedAmount: ws.bufferedAmount };
      await once(ws, 'open');
      ws.close();
      await once(ws, 'close');
      return result;
    },
    expected: { error: 'InvalidStateError (DOMException)', readyState: 0, bufferedAmount: 0 },
  },
  {
    name: 'bufferedAmount counts UTF-8 bytes, keeps growing after close() and never resets',
    standard:
      '"Any invocation of this method with a string argument that does not throw an exception must increase the bufferedAmount attribute ' +
      'by the number of bytes needed to express the argument as UTF-8"; "If the WebSocket connection is closed, this attribute\'s value ' +
      'will only increase with each call to the send() method (the number does not reset to zero once the connection closes)"',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`);
      await once(ws, 'open');
      ws.send('héllo'); // 6 UTF-8 bytes, handed over by a later task
      const whileOpen = ws.bufferedAmount;
      ws.close();
      ws.send('€'); // CLOSING: discarded, counted (3 bytes)
      ws.send(new Uint8Array(4));
      await once(ws, 'close');
      await nextTask(50);
      const afterClose = ws.bufferedAmount;
      ws.send('ab');
      return { whileOpen, afterClose, afterMore: ws.bufferedAmount, threw: false };
    },
    expected: { whileOpen: 6, afterClose: 7, afterMore: 9, threw: false },
  },
  {
    name: 'binaryType: Blob by default, ArrayBuffer when set, other values ignored',
    standard:
      '"binaryType is blob: a new Blob object … that represents data as its raw data; arraybuffer: a new ArrayBuffer object … whose ' +
      'contents are data"; binaryType is a WebIDL enum, so assigning another value is ignored',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`);
      await once(ws, 'open');
      const kinds: string[] = [];
      const bytes: number[][] = [];
      ws.send(new Uint8Array([1, 2, 3]));
      let event = (await once(ws, 'message')) as MessageEvent;
      kinds.push(Object.prototype.toString.call(event.data));
      bytes.push(await bytesOf(event.data));
      ws.binaryType = 'arraybuffer';
      ws.send(new Uint8Array([4, 5]).buffer);
      event = (await once(ws, 'message')) as MessageEvent;
      kinds.push(Object.prototype.toString.call(event.data));
      bytes.push(await bytesOf(event.data));
      ws.binaryType = 'nodebuffer';
      const afterInvalid = ws.binaryType;
      ws.send(new DataView(new Uint8Array([9, 6, 7, 8]).buffer, 1, 2));
      event = (await once(ws, 'message')) as MessageEvent;
      kinds.push(Object.prototype.toString.call(event.data));
      bytes.push(await bytesOf(event.data));
      ws.binaryType = 'blob';
      ws.send(new Blob(['hi', new Uint8Array([0])]));
      event = (await once(ws, 'message')) as MessageEvent;
      kinds.push(Object.prototype.toString.call(event.data));
      bytes.push(await bytesOf(event.data));
      ws.close();
      await once(ws, 'close');
      return { kinds, bytes, afterInvalid };
    },
    expected: {
      kinds: ['[object Blob]', '[object ArrayBuffer]', '[object ArrayBuffer]', '[object Blob]'],
      bytes: [
        [1, 2, 3],
        [4, 5],
        [6, 7],
        [104, 105, 0],
      ],
      afterInvalid: 'arraybuffer',
    },
  },
  {
    name: 'close() while CONNECTING fails the connection: error, then close 1006',
    standard:
      'close(): "If the WebSocket connection is not yet established: Fail the WebSocket connection and set this\'s ready state to CLOSING"; ' +
      'closed: "If the user agent was required to fail the WebSocket connection … fire an event named error"',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`);
      const { log, closed } = record(ws);
      ws.close();
      const afterClose = ws.readyState;
      await closed;
      return { afterClose, log };
    },
    expected: { afterClose: 2, log: ['error@3', 'close@3 1006 "" false'] },
  },
  {
    name: 'close() while OPEN starts the closing handshake: CLOSING, then a clean close with our code',
    standard:
      'close(): "If the WebSocket closing handshake has not yet been started: Start the WebSocket closing handshake and set this\'s ready ' +
      'state to CLOSING … If code is present, then the status code to use in the WebSocket Close message must be the integer given by code"',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`);
      const { log, closed } = record(ws);
      await once(ws, 'open');
      ws.close(4000, 'bye');
      const afterClose = ws.readyState;
      await closed;
      return { afterClose, log };
    },
    expected: { afterClose: 2, log: ['open@1', 'close@3 4000 "bye" true'] },
  },
  {
    name: 'close() without arguments sends an empty Close frame (the server echoes it: 1005)',
    standard: '"If neither code nor reason is present, the WebSocket Close message must not have a body"',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`);
      const { log, closed } = record(ws);
      await once(ws, 'open');
      ws.close();
      await closed;
      return log;
    },
    expected: ['open@1', 'close@3 1005 "" true'],
  },
  {
    name: 'close() while CLOSING or CLOSED does nothing',
    standard: 'close(): "If this\'s ready state is CLOSING (2) or CLOSED (3): Do nothing"',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`);
      const { log, closed } = record(ws);
      await once(ws, 'open');
      ws.close(1000);
      ws.close(4001, 'again');
      const closing = ws.readyState;
      await closed;
      ws.close(4002);
      await nextTask(50);
      return { closing, log, closed: ws.readyState };
    },
    expected: { closing: 2, log: ['open@1', 'close@3 1000 "" true'], closed: 3 },
  },
  {
    name: 'close() validates its code and reason first, in every state',
    standard:
      '"If code is present, but is neither an integer equal to 1000 nor an integer in the range 3000 to 4999, inclusive, throw an ' +
      'InvalidAccessError DOMException"; "If reasonBytes is longer than 123 bytes, then throw a SyntaxError DOMException"',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`);
      await once(ws, 'open');
      const result = {
        code1001: thrown(() => ws.close(1001)),
        code2999: thrown(() => ws.close(2999)),
        code5000: thrown(() => ws.close(5000)),
        reason124: thrown(() => ws.close(1000, 'x'.repeat(124))),
        reason62x2: thrown(() => ws.close(1000, 'é'.repeat(62))),
        stillOpen: ws.readyState,
      };
      const { log, closed } = record(ws);
      ws.close(4999, 'é'.repeat(61) + 'x');
      await closed;
      return { ...result, log };
    },
    expected: {
      code1001: 'InvalidAccessError (DOMException)',
      code2999: 'InvalidAccessError (DOMException)',
      code5000: 'InvalidAccessError (DOMException)',
      reason124: 'SyntaxError (DOMException)',
      reason62x2: 'SyntaxError (DOMException)',
      stillOpen: 1,
      log: [`close@3 4999 "${'é'.repeat(61)}x" true`],
    },
  },
  {
    name: 'messages received after close() are not delivered',
    standard: 'When a WebSocket message has been received: "If this\'s ready state is not OPEN, then return"',
    async run(WS, base) {
      const ws = new WS(`${base}/burst`);
      const { log, closed } = record(ws);
      await once(ws, 'open');
      ws.send('burst'); // the server answers with three messages before it reads our Close frame
      ws.close(1000);
      await closed;
      return log;
    },
    expected: ['open@1', 'close@3 1000 "" true'],
  },
  {
    name: 'the server closes: close with its code and reason, clean, no error',
    standard:
      'close event: "code attribute initialized to the WebSocket connection close code … reason … wasClean … true if the connection closed cleanly"',
    async run(WS, base) {
      const ws = new WS(`${base}/close?code=4321&reason=server%20done`);
      const { log, closed } = record(ws);
      await closed;
      return log;
    },
    expected: ['open@1', 'close@3 4321 "server done" true'],
  },
  {
    name: 'an open link lost without a Close frame: close 1006, not clean, and no error event',
    standard:
      'error fires only "If the user agent was required to fail the WebSocket connection"; a TCP connection that merely ends is ' +
      '"The WebSocket Connection is Closed" with no Close frame received: code 1006 (RFC 6455 §7.1.5), not cleanly',
    async run(WS, base) {
      const ws = new WS(`${base}/drop`);
      const { log, closed } = record(ws);
      await closed;
      return log;
    },
    expected: ['open@1', 'close@3 1006 "" false'],
  },
  {
    name: 'a rejected handshake fails the connection: error, then close 1006, never open',
    standard:
      'Establish a WebSocket connection: "If response is a network error or its status is not 101, fail the WebSocket connection"; then ' +
      '"fire an event named error", then close with code 1006',
    async run(WS, base) {
      const ws = new WS(`${base}/reject`);
      const { log, closed } = record(ws);
      await closed;
      return log;
    },
    expected: ['error@3', 'close@3 1006 "" false'],
  },
  {
    name: 'a protocol violation fails the connection: error, then close 1006',
    standard: 'RFC 6455 §5.2: a reserved opcode "MUST Fail the WebSocket Connection"; the standard then fires error before close',
    async run(WS, base) {
      const ws = new WS(`${base}/violate`);
      const { log, closed } = record(ws);
      await closed;
      return log;
    },
    expected: ['open@1', 'error@3', 'close@3 1006 "" false'],
  },
  {
    name: 'event handler attributes: one listener, placed where first set, replaced in place, re-added at the end',
    standard:
      'HTML event handlers: setting a non-null value "if eventTarget\'s event handler is null, activate an event handler" (adds its ' +
      'listener now); a new value replaces the callback in place; null "deactivates" it (removes the listener)',
    async run(WS, base) {
      const ws = new WS(`${base}/echo`);
      const order: string[] = [];
      const wait = (n: number) =>
        new Promise<void>((resolve) => {
          const check = () => (order.filter((o) => o === 'end').length === n ? resolve() : setTimeout(check, 5));
          check();
        });
      ws.addEventListener('message', () => order.push('A'));
      ws.onmessage = function (this: unknown, event) {
        order.push(this === ws && event.target === ws ? 'H1' : 'H1 with wrong this');
      };
      ws.addEventListener('message', () => order.push('B'));
      ws.addEventListener('message', () => order.push('end'));
      await once(ws, 'open');
      ws.send('1');
      await wait(1);
      ws.onmessage = () => order.push('H2'); // same place
      ws.send('2');
      await wait(2);
      ws.onmessage = null;
      const cleared = ws.onmessage;
      ws.onmessage = () => order.push('H3'); // added again: last
      ws.send('3');
      await wait(3);
      await nextTask(50);
      (ws as unknown as { onopen: unknown }).onopen = 'not a function';
      const nonObject = ws.onopen;
      ws.close();
      await once(ws, 'close');
      return { order, cleared, nonObject };
    },
    expected: { order: ['A', 'H1', 'B', 'end', 'A', 'H2', 'B', 'end', 'A', 'B', 'end', 'H3'], cleared: null, nonObject: null },
  },
];
