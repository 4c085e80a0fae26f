/**
 * permessage-deflate (RFC 7692), client side, sans-I/O: the `perMessageDeflate` option, the offer we send, the
 * strict check of the server's answer, and a small per-connection object that applies the agreed parameters to
 * an injected zlib codec (src/protocol/deflate-codec.ts; Node's is src/node/zlib-codec.ts).
 *
 * Pure and synchronous; no `node:*`.
 */
import { HandshakeError, InvalidArgumentError } from '../errors.js';
import type { DeflateCodec, MessageDeflater, MessageInflater } from './deflate-codec.js';
import { formatExtension, parseExtensionHeader } from './extension-header.js';
import type { ExtensionParam } from './extension-header.js';
import { quoteValue } from './http-response-parser.js';

/** RFC 7692 §7: 'The registered extension name for this extension is "permessage-deflate".' */
export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/**
 * The `perMessageDeflate` option (Node). Names and meanings follow `ws`, so code moving from `ws` keeps its
 * settings. Every field is optional.
 */
export interface PerMessageDeflateOptions {
  /** Ask the server to reset its compression context after every message (`server_no_context_takeover`). @default false */
  serverNoContextTakeover?: boolean;
  /** Reset our compression context after every message, and tell the server so (`client_no_context_takeover`). @default false */
  clientNoContextTakeover?: boolean;
  /** Ask the server to compress with a window of at most 2^N bytes, 8–15 (`server_max_window_bits=N`). @default not asked */
  serverMaxWindowBits?: number;
  /**
   * `true`: offer `client_max_window_bits` so the server may lower our window; a number 8–15: also promise to use at
   * most 2^N bytes; `false`: do not offer it. @default true
   */
  clientMaxWindowBits?: number | boolean;
  /** Messages smaller than this many bytes are sent uncompressed. @default 1024 */
  threshold?: number;
  /** zlib compression level, -1 (zlib's default, which is 6) to 9. @default -1 */
  level?: number;
  /** zlib memLevel, 1 (least memory, slowest) to 9. @default 8 */
  memLevel?: number;
  /**
   * Most compression jobs running at once (as in `ws`). sockline compresses synchronously, one message at a time
   * and in order, so at most one job ever runs and any limit ≥ 1 is met. @default 10
   */
  concurrencyLimit?: number;
}

/** `perMessageDeflate` after validation, every default filled in. */
export interface DeflateSettings {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** `undefined`: not offered. */
  serverMaxWindowBits: number | undefined;
  /** `true`: offered without a value; `false`: not offered; a number: offered with that value. */
  clientMaxWindowBits: number | boolean;
  threshold: number;
  level: number;
  memLevel: number;
  concurrencyLimit: number;
}

/** What the opening handshake settled on (every field decided, defaults filled in). */
export interface DeflateParams {
  /** The server resets its context after every message: we may reset our inflater after each one. */
  serverNoContextTakeover: boolean;
  /** We reset our deflater after every message (the server asked, or we promised). */
  clientNoContextTakeover: boolean;
  /** The server's LZ77 window, 8–15: our inflater's window. */
  serverMaxWindowBits: number;
  /** Our LZ77 window, 8–15. */
  clientMaxWindowBits: number;
}

/** RFC 7692 §7.1.2: window bits are "between 8 to 15, inclusive"; 15 is DEFLATE's maximum (RFC 1951 §2: 32K). */
const MIN_WINDOW_BITS = 8;
const MAX_WINDOW_BITS = 15;
/** RFC 7692 §7.1.2.1: `1*DIGIT`, "a decimal integer value without leading zeroes". */
const WINDOW_BITS_VALUE = /^[1-9][0-9]*$/;
const DEFAULT_THRESHOLD = 1024;
/** zlib's Z_DEFAULT_COMPRESSION (level 6), ws's default. */
const DEFAULT_LEVEL = -1;
/** zlib's default memLevel (8), ws's default. */
const DEFAULT_MEM_LEVEL = 8;
/** ws's default concurrencyLimit. */
const DEFAULT_CONCURRENCY = 10;

const SERVER_NO_CONTEXT_TAKEOVER = 'server_no_context_takeover';
const CLIENT_NO_CONTEXT_TAKEOVER = 'client_no_context_takeover';
const SERVER_MAX_WINDOW_BITS = 'server_max_window_bits';
const CLIENT_MAX_WINDOW_BITS = 'client_max_window_bits';

const OPTION_NAMES: readonly (keyof PerMessageDeflateOptions)[] = [
  'serverNoContextTakeover',
  'clientNoContextTakeover',
  'serverMaxWindowBits',
  'clientMaxWindowBits',
  'threshold',
  'level',
  'memLevel',
  'concurrencyLimit',
];

/**
 * Validates the `perMessageDeflate` option.
 *
 * @param value - `true` or `undefined` (offer with the defaults), `false` (offer nothing), or an object of
 *   `PerMessageDeflateOptions`.
 * @param name - The option's name in error messages.
 * @returns The settings, or `null` when compression is off.
 * @throws InvalidArgumentError naming the option (and the field), the value received and what is allowed.
 */
export function resolvePerMessageDeflate(value: unknown, name = 'perMessageDeflate'): DeflateSettings | null {
  if (value === false) return null;
  const settings: DeflateSettings = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: undefined,
    clientMaxWindowBits: true,
    threshold: DEFAULT_THRESHOLD,
    level: DEFAULT_LEVEL,
    memLevel: DEFAULT_MEM_LEVEL,
    concurrencyLimit: DEFAULT_CONCURRENCY,
  };
  if (value === true || value === undefined) return settings;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(
      `Invalid ${name} ${describe(value)}: expected true, false or an object of { ${OPTION_NAMES.join(', ')} }`,
    );
  }
  const options = value as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(`Unknown option ${name}.${key}: expected only ${OPTION_NAMES.join(', ')}`);
    }
  }
  const field = (key: keyof PerMessageDeflateOptions): string => `${name}.${key}`;
  const bool = (key: 'serverNoContextTakeover' | 'clientNoContextTakeover'): boolean => {
    const v = options[key];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') throw new InvalidArgumentError(`Invalid ${field(key)} ${describe(v)}: expected true or false`);
    return v;
  };
  const integer = (key: keyof PerMessageDeflateOptions, min: number, max: number, what: string): number | undefined => {
    const v = options[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      const range = max === Infinity ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
      throw new InvalidArgumentError(`Invalid ${field(key)} ${describe(v)}: expected ${range} (${what})`);
    }
    return v;
  };
  const windowWhat = 'the base-2 logarithm of the LZ77 window, RFC 7692 §7.1.2';
  settings.serverNoContextTakeover = bool('serverNoContextTakeover');
  settings.clientNoContextTakeover = bool('clientNoContextTakeover');
  settings.serverMaxWindowBits = integer('serverMaxWindowBits', MIN_WINDOW_BITS, MAX_WINDOW_BITS, windowWhat);
  const client = options.clientMaxWindowBits;
  settings.clientMaxWindowBits =
    typeof client === 'boolean'
      ? client
      : (integer('clientMaxWindowBits', MIN_WINDOW_BITS, MAX_WINDOW_BITS, `${windowWhat}, or true/false`) ?? true);
  const threshold = options.threshold;
  if (threshold !== undefined) {
    if (typeof threshold !== 'number' || !(threshold >= 0)) {
      throw new InvalidArgumentError(
        `Invalid ${field('threshold')} ${describe(threshold)}: expected a number of bytes ≥ 0 (Infinity never compresses)`,
      );
    }
    settings.threshold = threshold;
  }
  settings.level = integer('level', -1, 9, "zlib's compression level; -1 is zlib's default") ?? DEFAULT_LEVEL;
  settings.memLevel = integer('memLevel', 1, 9, "zlib's memLevel") ?? DEFAULT_MEM_LEVEL;
  settings.concurrencyLimit = integer('concurrencyLimit', 1, Infinity, 'compression jobs at once') ?? DEFAULT_CONCURRENCY;
  return settings;
}

/**
 * The `Sec-WebSocket-Extensions` offer for `settings` (RFC 7692 §5: one "extension negotiation offer"), e.g.
 * `permessage-deflate; client_max_window_bits`, the offer browsers and `ws` send by default.
 */
export function deflateOffer(settings: DeflateSettings): string {
  const params: ExtensionParam[] = [];
  if (settings.serverNoContextTakeover) params.push([SERVER_NO_CONTEXT_TAKEOVER, true]);
  if (settings.clientNoContextTakeover) params.push([CLIENT_NO_CONTEXT_TAKEOVER, true]);
  if (settings.serverMaxWindowBits !== undefined) params.push([SERVER_MAX_WINDOW_BITS, String(settings.serverMaxWindowBits)]);
  // RFC 7692 §7.1.2.2: "This parameter has no value or a decimal integer value without leading zeroes between 8
  // to 15 inclusive indicating the base-2 logarithm of the LZ77 sliding window size" — offered so that a server
  // short of memory may lower our window.
  if (settings.clientMaxWindowBits === true) params.push([CLIENT_MAX_WINDOW_BITS, true]);
  else if (typeof settings.clientMaxWindowBits === 'number')
    params.push([CLIENT_MAX_WINDOW_BITS, String(settings.clientMaxWindowBits)]);
  return formatExtension({ name: PERMESSAGE_DEFLATE, params });
}

/** Status and headers of the response, attached to the HandshakeError like the other handshake checks do. */
export interface ResponseDetails {
  status?: number;
  headers?: Record<string, string>;
}

/**
 * Checks the server's `Sec-WebSocket-Extensions` answer to `deflateOffer(settings)` (RFC 6455 §4.1 step 5,
 * RFC 7692 §5 and §7.1) and returns what was agreed.
 *
 * RFC 7692 §5: "A client MUST _Fail the WebSocket Connection_ if the peer server accepted an extension negotiation
 * offer for this extension with an extension negotiation response meeting any of the following conditions:
 *  1. The negotiation response contains an extension parameter not defined for use in a response.
 *  2. The negotiation response contains an extension parameter with an invalid value.
 *  3. The negotiation response contains multiple extension parameters with the same name.
 *  4. The client does not support the configuration that the response represents."
 *
 * @param value - The header value (`undefined` when absent; repeated headers joined with ", ").
 * @param settings - What we offered; `null` when we offered nothing.
 * @returns The agreed parameters, or `null` when the server did not accept permessage-deflate (no header, or an
 *   empty list): the connection then runs uncompressed, which RFC 7692 allows.
 * @throws HandshakeError with reason `'extension'`, quoting the header, for every rule above and for an extension
 *   we did not offer or permessage-deflate accepted twice.
 */
export function acceptDeflateResponse(
  value: string | undefined,
  settings: DeflateSettings | null,
  details: ResponseDetails = {},
): DeflateParams | null {
  if (value === undefined) return null;
  const header = quoteValue(value);
  const fail = (problem: string): never => {
    throw new HandshakeError(`Server sent Sec-WebSocket-Extensions: ${header}: ${problem}`, 'extension', details);
  };
  const elements = parseExtensionHeader(value);
  if (typeof elements === 'string') return fail(`malformed header (${elements}; RFC 6455 §9.1)`);
  if (elements.length === 0) return null;
  let accepted: ExtensionParam[] | undefined;
  for (const { name, params } of elements) {
    // RFC 6455 §4.1 (5): "If the response includes a |Sec-WebSocket-Extensions| header field and this header field
    // indicates the use of an extension that was not present in the client's handshake (the server has indicated
    // an extension not requested by the client), the client MUST _Fail the WebSocket Connection_."
    if (name !== PERMESSAGE_DEFLATE || settings === null) {
      const offered = settings === null ? 'no extension was offered' : `only ${quoteValue(PERMESSAGE_DEFLATE)} was offered`;
      return fail(`extension ${quoteValue(name)} was not offered (${offered}; RFC 6455 §4.1)`);
    }
    // One offer, so at most one acceptance: a second element would claim RSV1 twice (RFC 7692 §5: the server
    // "accepts" an offer by returning one element for it).
    if (accepted !== undefined) return fail(`permessage-deflate accepted twice (we sent one offer; RFC 7692 §5)`);
    accepted = params;
  }
  return checkDeflateParams(accepted as ExtensionParam[], settings as DeflateSettings, fail);
}

function checkDeflateParams(
  params: ExtensionParam[],
  settings: DeflateSettings,
  fail: (problem: string) => never,
): DeflateParams {
  const seen = new Set<string>();
  let serverNoContextTakeover = false;
  let clientNoContextTakeover = false;
  let serverMaxWindowBits: number | undefined;
  let clientMaxWindowBits: number | undefined;
  for (const [name, value] of params) {
    // RFC 7692 §5 (3): "multiple extension parameters with the same name".
    if (seen.has(name)) return fail(`parameter ${quoteValue(name)} appears twice (RFC 7692 §5)`);
    seen.add(name);
    switch (name) {
      case SERVER_NO_CONTEXT_TAKEOVER:
      case CLIENT_NO_CONTEXT_TAKEOVER:
        // RFC 7692 §7.1.1.1 / §7.1.1.2: "This parameter has no value."
        if (value !== true)
          return fail(`parameter ${quoteValue(name)} must have no value, got ${quoteValue(value)} (RFC 7692 §7.1.1)`);
        if (name === SERVER_NO_CONTEXT_TAKEOVER) serverNoContextTakeover = true;
        else clientNoContextTakeover = true;
        break;
      case SERVER_MAX_WINDOW_BITS: {
        // RFC 7692 §7.1.2.1: "A server accepts an extension negotiation offer with this parameter by including the
        // "server_max_window_bits" extension parameter in the extension negotiation response to send back to the
        // client with the same or smaller value as the offer." It "MAY include the "server_max_window_bits"
        // extension parameter in an extension negotiation response even if the extension negotiation offer being
        // accepted by the response didn't include" it — but always with a value 8–15.
        const bits = windowBits(name, value, fail);
        if (settings.serverMaxWindowBits !== undefined && bits > settings.serverMaxWindowBits) {
          return fail(
            `${SERVER_MAX_WINDOW_BITS}=${bits} is above the ${settings.serverMaxWindowBits} we offered (RFC 7692 §7.1.2.1)`,
          );
        }
        serverMaxWindowBits = bits;
        break;
      }
      case CLIENT_MAX_WINDOW_BITS: {
        // RFC 7692 §7.1.2.2: "If a received extension negotiation offer doesn't have the "client_max_window_bits"
        // extension parameter, the corresponding extension negotiation response to the offer MUST NOT include the
        // "client_max_window_bits" extension parameter."
        if (settings.clientMaxWindowBits === false) {
          return fail(`${quoteValue(CLIENT_MAX_WINDOW_BITS)} was not offered (RFC 7692 §7.1.2.2)`);
        }
        // In a response the parameter tells us our window, so it needs one (a value-less form exists only in offers).
        const bits = windowBits(name, value, fail);
        // "... with a value smaller than or equal to the value in the offer."
        if (typeof settings.clientMaxWindowBits === 'number' && bits > settings.clientMaxWindowBits) {
          return fail(
            `${CLIENT_MAX_WINDOW_BITS}=${bits} is above the ${settings.clientMaxWindowBits} we offered (RFC 7692 §7.1.2.2)`,
          );
        }
        clientMaxWindowBits = bits;
        break;
      }
      default:
        // RFC 7692 §5 (1): "an extension parameter not defined for use in a response".
        return fail(
          `unknown parameter ${quoteValue(name)} (RFC 7692 §5: only ${SERVER_NO_CONTEXT_TAKEOVER}, ${CLIENT_NO_CONTEXT_TAKEOVER}, ${SERVER_MAX_WINDOW_BITS} and ${CLIENT_MAX_WINDOW_BITS})`,
        );
    }
  }
  // RFC 7692 §7.1.1.1: "A server accepts an extension negotiation offer that includes the
  // "server_no_context_takeover" extension parameter by including the "server_no_context_takeover" extension
  // parameter in the corresponding extension negotiation response": without it, the answer is not to our offer.
  if (settings.serverNoContextTakeover && !serverNoContextTakeover) {
    return fail(`${SERVER_NO_CONTEXT_TAKEOVER} was offered but not accepted (RFC 7692 §7.1.1.1)`);
  }
  // RFC 7692 §7.1.2.1, same rule for server_max_window_bits.
  if (settings.serverMaxWindowBits !== undefined && serverMaxWindowBits === undefined) {
    return fail(`${SERVER_MAX_WINDOW_BITS}=${settings.serverMaxWindowBits} was offered but not accepted (RFC 7692 §7.1.2.1)`);
  }
  return {
    serverNoContextTakeover,
    // RFC 7692 §7.1.1.2: by offering it, "a client informs the peer server of a hint that even if the server
    // doesn't include the "client_no_context_takeover" extension parameter in the corresponding extension
    // negotiation response to the offer, the client is going to not use context takeover."
    clientNoContextTakeover: clientNoContextTakeover || settings.clientNoContextTakeover,
    serverMaxWindowBits: serverMaxWindowBits ?? MAX_WINDOW_BITS,
    // A value we offered is a promise to use no more, whatever the server answered.
    clientMaxWindowBits:
      clientMaxWindowBits ?? (typeof settings.clientMaxWindowBits === 'number' ? settings.clientMaxWindowBits : MAX_WINDOW_BITS),
  };
}

/** RFC 7692 §7.1.2: `1*DIGIT`, "without leading zeroes between 8 to 15, inclusive". */
function windowBits(name: string, value: string | true, fail: (problem: string) => never): number {
  if (value === true) return fail(`parameter ${quoteValue(name)} needs a value from 8 to 15 (RFC 7692 §7.1.2)`);
  const bits = WINDOW_BITS_VALUE.test(value) ? Number(value) : NaN;
  if (!(bits >= MIN_WINDOW_BITS && bits <= MAX_WINDOW_BITS)) {
    return fail(
      `parameter ${quoteValue(name)} has value ${quoteValue(value)} (expected 8 to 15 without leading zeroes; RFC 7692 §7.1.2)`,
    );
  }
  return bits;
}

/**
 * The permessage-deflate state of one open connection: the agreed parameters applied to the injected codec.
 * Holds no zlib context until the first compressed message in each direction; `close()` frees both.
 */
export class PerMessageDeflate {
  readonly params: DeflateParams;
  readonly #settings: DeflateSettings;
  readonly #codec: DeflateCodec;
  #inflater: MessageInflater | undefined;
  #deflater: MessageDeflater | undefined;

  constructor(params: DeflateParams, settings: DeflateSettings, codec: DeflateCodec) {
    this.params = params;
    this.#settings = settings;
    this.#codec = codec;
  }

  /** True once a zlib context may exist in either direction (for tests and memory accounting). */
  get allocated(): boolean {
    return this.#inflater !== undefined || this.#deflater !== undefined;
  }

  /**
   * Inflates a piece of a message received with RSV1 set (see `MessageInflater.inflate`): call it with each
   * frame's payload and `fin` on the last, or once with the whole payload.
   */
  inflate(piece: Uint8Array, fin: boolean, limit: number): Uint8Array {
    this.#inflater ??= this.#codec.createInflater({
      windowBits: this.params.serverMaxWindowBits,
      noContextTakeover: this.params.serverNoContextTakeover,
    });
    return this.#inflater.inflate(piece, fin, limit);
  }

  /**
   * The payload to send for a data message: its compressed form (send it with RSV1 on the first frame), or `null`
   * when the message is under `threshold` bytes and goes out as it is (RSV1 clear). A compressed payload may be a
   * view of a reused buffer: frame it before compressing the next message.
   */
  compress(message: Uint8Array): Uint8Array | null {
    if (message.length < this.#settings.threshold) return null;
    this.#deflater ??= this.#codec.createDeflater({
      windowBits: this.params.clientMaxWindowBits,
      noContextTakeover: this.params.clientNoContextTakeover,
      level: this.#settings.level,
      memLevel: this.#settings.memLevel,
    });
    return this.#deflater.deflate(message);
  }

  /** Frees both zlib contexts (at close, or when the connection fails). Idempotent. */
  close(): void {
    this.#inflater?.close();
    this.#deflater?.close();
    this.#inflater = this.#deflater = undefined;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return quoteValue(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}
