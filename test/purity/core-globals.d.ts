/**
 * The only runtime globals the protocol core (src/protocol/) may use, declared by hand for
 * `tsconfig.protocol.json`, which compiles the core with no DOM library and no Node types (`"types": []`):
 * a `Buffer`, `process`, `setTimeout`, `node:*` import or any other global there fails `npm run typecheck`.
 * Adding a global here is a design decision: say why in the commit.
 */

/** WHATWG Encoding: UTF-8 in and out (text frames, close reasons, Basic credentials). */
interface TextEncoder {
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: { new (): TextEncoder };
interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare var TextDecoder: { new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder };

/** WebCrypto's CSPRNG: the default nonce and mask source (the Node transport injects node:crypto instead). */
declare var crypto: { getRandomValues<T extends ArrayBufferView>(array: T): T };

/** The WASM SIMD masking kernel (mask.ts), optional: the core falls back to the word loop without it. */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module);
    readonly exports: Record<string, unknown>;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
}

/** A WHATWG URL as a value handed in (the core reads it, never parses one: no `URL` constructor). */
interface URL {
  readonly href: string;
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
}
