/**
 * Scenarios that must behave the same wherever sockline runs: in Node (the Node build), under
 * happy-dom (the browser build) and in real Chromium (the CDN script and the ESM build).
 *
 * This module is self-contained on purpose (no imports besides types): the Chromium tests serve it,
 * types stripped, to the page, which runs the very same `runScenario` against `window.Sockline`.
 * Each scenario is data; `runScenario` drives a Socket through it and returns a JSON-safe transcript
 * that the test compares with `expected`.
 *
 * Server paths are those of test/helpers/ws-server.ts `startWsServer({ routes: true })`.
 */

/** The part of the public API the scenarios use: what the README example uses. */
export interface SocklineApi {
  Socket: new (url: string, options?: Record<string, unknown>) => ScenarioSocket;
}

interface ScenarioSocket {
  on(event: 'open', listener: (event: { protocol: string; extensions: string }) => void): unknown;
  on(event: 'message', listener: (data: unknown, info: { binary: boolean }) => void): unknown;
  on(event: 'close', listener: (event: { code: number; reason: string; wasClean: boolean; error?: unknown }) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  send(data: unknown): unknown;
  close(code?: number, reason?: string): unknown;
}

/** Something to send; binary payloads are described, then built in the runtime under test. */
export type Payload =
  | { text: string }
  /** A Uint8Array of `length` pattern bytes (byte i = (i * 7 + seed) % 256); `offset` sends a view into a larger buffer. */
  | { bytes: number; seed?: number; offset?: number }
  /** The same bytes as a bare ArrayBuffer. */
  | { arrayBuffer: number; seed?: number }
  /** The same bytes as a DataView over a larger buffer. */
  | { dataView: number; seed?: number }
  /** A Blob of these parts (numbers are bytes, strings are UTF-8 text). */
  | { blob: (number[] | string)[] };

/** A step, run in order once the socket is open. */
export type Step =
  | { send: Payload }
  /** Wait until this many messages have arrived in total. */
  | { waitMessages: number }
  /** Close from the client. */
  | { close: { code?: number; reason?: string } };

/** A received message, summarised so transcripts stay small for large payloads. */
export type ReceivedSummary =
  | { type: 'text'; value: string }
  | { type: 'text'; length: number; hash: number }
  | { type: 'binary'; uint8Array: boolean; length: number; hash: number };

export interface Transcript {
  protocol: string;
  messages: ReceivedSummary[];
  close: { code: number; reason: string; wasClean: boolean; error: string | null };
  /** `error` events, by error name. */
  errors: string[];
}

export interface Scenario {
  name: string;
  /** Runtimes whose API has this feature; all when absent (Blob send is browser-only for now). */
  only?: 'browser';
  path: string;
  protocols?: string[];
  steps: Step[];
  expected: Transcript;
}

/** The pattern of `{ bytes }` payloads. */
export function patternBytes(length: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + seed) % 256;
  return bytes;
}

/** FNV-1a over bytes: a transcript can compare 1 MiB without carrying it. */
export function hashBytes(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
  return hash;
}

/** Texts longer than this are summarised by length and hash. */
const LONG_TEXT = 200;

function summariseText(value: string): ReceivedSummary {
  if (value.length <= LONG_TEXT) return { type: 'text', value };
  return { type: 'text', length: value.length, hash: hashBytes(new TextEncoder().encode(value)) };
}

function binary(bytes: Uint8Array): ReceivedSummary {
  return { type: 'binary', uint8Array: true, length: bytes.length, hash: hashBytes(bytes) };
}

function build(payload: Payload): unknown {
  if ('text' in payload) return payload.text;
  if ('bytes' in payload) {
    const offset = payload.offset ?? 0;
    const backing = new Uint8Array(payload.bytes + offset * 2).fill(0xee);
    backing.set(patternBytes(payload.bytes, payload.seed), offset);
    return backing.subarray(offset, offset + payload.bytes);
  }
  if ('arrayBuffer' in payload) return patternBytes(payload.arrayBuffer, payload.seed).buffer;
  if ('dataView' in payload) {
    const backing = new Uint8Array(payload.dataView + 8).fill(0xee);
    backing.set(patternBytes(payload.dataView, payload.seed), 4);
    return new DataView(backing.buffer, 4, payload.dataView);
  }
  return new Blob(payload.blob.map((part) => (typeof part === 'string' ? part : new Uint8Array(part))));
}

/**
 * Runs one scenario with `api.Socket` against `baseUrl` (`ws://127.0.0.1:port`) and resolves with
 * the transcript once the socket's final `close` arrived, or rejects after `timeoutMs`.
 */
export function runScenario(api: SocklineApi, baseUrl: string, scenario: Scenario, timeoutMs = 15_000): Promise<Transcript> {
  return new Promise<Transcript>((resolve, reject) => {
    const transcript: Transcript = {
      protocol: '',
      messages: [],
      close: { code: 0, reason: '', wasClean: false, error: null },
      errors: [],
    };
    const options: Record<string, unknown> = { reconnect: false };
    if (scenario.protocols) options.protocols = scenario.protocols;
    const socket = new api.Socket(baseUrl + scenario.path, options);
    let received = 0;
    let wake: (() => void) | undefined;
    const timer = setTimeout(
      () => reject(new Error(`scenario "${scenario.name}" timed out; transcript so far: ${JSON.stringify(transcript)}`)),
      timeoutMs,
    );

    socket.on('message', (data, info) => {
      received++;
      if (typeof data === 'string') transcript.messages.push(summariseText(data));
      else if (data instanceof Uint8Array) transcript.messages.push(binary(data));
      else transcript.messages.push({ type: 'binary', uint8Array: false, length: -1, hash: 0 });
      if (info.binary !== (typeof data !== 'string')) transcript.errors.push('info.binary mismatch');
      wake?.();
    });
    socket.on('error', (error) => {
      transcript.errors.push((error as Error)?.name ?? String(error));
    });
    socket.on('close', (event) => {
      clearTimeout(timer);
      transcript.close = {
        code: event.code,
        reason: event.reason,
        wasClean: event.wasClean,
        error: event.error ? ((event.error as Error).name ?? String(event.error)) : null,
      };
      resolve(transcript);
    });
    socket.on('open', async (event) => {
      transcript.protocol = event.protocol;
      try {
        for (const step of scenario.steps) {
          if ('send' in step) socket.send(build(step.send));
          else if ('waitMessages' in step) {
            const count = step.waitMessages;
            while (received < count) await new Promise<void>((resume) => (wake = resume));
          } else socket.close(step.close.code, step.close.reason);
        }
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}

const MiB = 1024 * 1024;
/** test/helpers/ws-server.ts's /fragments pattern: byte i is i % 251. */
const fragmentPattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => i % 251);
const closedByClient = { code: 1000, reason: 'done', wasClean: true, error: null };

/** Every scenario; filter with {@link scenariosFor}. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'text echo (ASCII, UTF-8 beyond the BMP, empty)',
    path: '/echo',
    steps: [
      { send: { text: 'hello' } },
      { send: { text: 'héllo wörld ✓ 🚀' } },
      { send: { text: '' } },
      { waitMessages: 3 },
      { close: { code: 1000, reason: 'done' } },
    ],
    expected: {
      protocol: '',
      messages: [
        { type: 'text', value: 'hello' },
        { type: 'text', value: 'héllo wörld ✓ 🚀' },
        { type: 'text', value: '' },
      ],
      close: closedByClient,
      errors: [],
    },
  },
  {
    name: 'binary echo: Uint8Array (also a view into a larger buffer), ArrayBuffer and DataView in, Uint8Array out',
    path: '/echo',
    steps: [
      { send: { bytes: 256 } },
      { send: { bytes: 10, seed: 3, offset: 5 } },
      { send: { arrayBuffer: 33, seed: 1 } },
      { send: { dataView: 17, seed: 2 } },
      { send: { bytes: 0 } },
      { waitMessages: 5 },
      { close: { code: 1000, reason: 'done' } },
    ],
    expected: {
      protocol: '',
      messages: [
        binary(patternBytes(256)),
        binary(patternBytes(10, 3)),
        binary(patternBytes(33, 1)),
        binary(patternBytes(17, 2)),
        binary(new Uint8Array(0)),
      ],
      close: closedByClient,
      errors: [],
    },
  },
  {
    name: 'Blob send arrives as one binary message, in order with the others',
    only: 'browser',
    path: '/echo',
    steps: [
      { send: { text: 'before' } },
      { send: { blob: [[1, 2, 3], 'abc', [255]] } },
      { send: { text: 'after' } },
      { waitMessages: 3 },
      { close: { code: 1000, reason: 'done' } },
    ],
    expected: {
      protocol: '',
      messages: [
        { type: 'text', value: 'before' },
        binary(new Uint8Array([1, 2, 3, 97, 98, 99, 255])),
        { type: 'text', value: 'after' },
      ],
      close: closedByClient,
      errors: [],
    },
  },
  {
    name: 'subprotocol negotiation picks the server-supported offer',
    path: '/echo',
    protocols: ['chat.unknown', 'sockline.v1'],
    steps: [{ close: { code: 1000, reason: 'done' } }],
    expected: { protocol: 'sockline.v1', messages: [], close: closedByClient, errors: [] },
  },
  {
    name: 'a 1 MiB binary message round-trips intact',
    path: '/echo',
    steps: [{ send: { bytes: MiB, seed: 9 } }, { waitMessages: 1 }, { close: { code: 1000, reason: 'done' } }],
    expected: { protocol: '', messages: [binary(patternBytes(MiB, 9))], close: closedByClient, errors: [] },
  },
  {
    name: 'a message the server sends as 100 fragments arrives as one message (binary, then text)',
    path: '/fragments?count=100&bytes=100000',
    steps: [{ waitMessages: 2 }, { close: { code: 1000, reason: 'done' } }],
    expected: {
      protocol: '',
      messages: [binary(fragmentPattern(100_000)), { type: 'text', value: '0123456789'.repeat(10) }],
      close: closedByClient,
      errors: [],
    },
  },
  {
    name: 'the close code and reason the server sends reach the close event',
    path: `/close?code=4001&reason=${encodeURIComponent('server says bye ✓')}`,
    steps: [],
    expected: {
      protocol: '',
      messages: [],
      close: { code: 4001, reason: 'server says bye ✓', wasClean: true, error: null },
      errors: [],
    },
  },
  {
    name: 'the client close code and reason are echoed by the server',
    path: '/echo',
    steps: [{ close: { code: 4000, reason: 'client leaving' } }],
    expected: {
      protocol: '',
      messages: [],
      close: { code: 4000, reason: 'client leaving', wasClean: true, error: null },
      errors: [],
    },
  },
];

/** The scenarios a runtime's API supports. */
export const scenariosFor = (runtime: 'node' | 'browser'): Scenario[] =>
  SCENARIOS.filter((scenario) => !scenario.only || scenario.only === runtime);
