/**
 * What the protocol core needs injected on Node: SHA-1 for the accept key, a CSPRNG for the nonce and the
 * masks, and a fast strict UTF-8 decoder. node:crypto rather than globalThis.crypto, which Node 18 only has
 * behind a flag. One function of each for every connection (no closures per connection).
 */
import { Buffer, isUtf8 } from 'node:buffer';
import * as crypto from 'node:crypto';

/** One-shot `crypto.hash` (Node >= 20.12) skips the Hash object a handshake otherwise builds and throws away. */
const hashOnce = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

/** SHA-1 of a string's UTF-8 bytes. */
export const sha1 = hashOnce
  ? (input: string): Uint8Array => hashOnce('sha1', input, 'buffer')
  : (input: string): Uint8Array => crypto.createHash('sha1').update(input).digest();

/** Requests up to this size (a 16-byte handshake nonce) are served from `randomPool`. */
const SMALL_RANDOM = 64;
const RANDOM_POOL_SIZE = 4096;
let randomPool: Buffer | undefined;
let randomOffset = RANDOM_POOL_SIZE;

/**
 * Fill `bytes` from the CSPRNG. Small requests are cut from a 4 KiB pool, each byte handed out once, so a
 * connection's nonce costs no `randomFillSync` call of its own (Node's `randomUUID` caches random bytes the same way).
 */
export function fillRandom(bytes: Uint8Array): void {
  const length = bytes.byteLength;
  if (length > SMALL_RANDOM) {
    crypto.randomFillSync(bytes);
    return;
  }
  if (randomPool === undefined || randomOffset + length > RANDOM_POOL_SIZE) {
    randomPool = crypto.randomFillSync(Buffer.allocUnsafeSlow(RANDOM_POOL_SIZE));
    randomOffset = 0;
  }
  bytes.set(randomPool.subarray(randomOffset, randomOffset + length));
  // Never hand the same bytes out twice.
  randomPool.fill(0, randomOffset, randomOffset + length);
  randomOffset += length;
}

/** Buffer's decoder is several times faster than TextDecoder for short strings; `isUtf8` keeps it strict. */
export function decodeText(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) throw new TypeError('invalid UTF-8');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
