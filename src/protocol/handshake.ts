/**
 * The opening handshake, kept as one import for code written before the split: the request side is in
 * `handshake-request.ts`, the response side in `handshake-response.ts`. New code imports those.
 */
export { acceptKey, buildRequest, createNonce, validateHeaders, type RequestOptions } from './handshake-request.js';
export {
  parseExtensions,
  validateResponse,
  type ExpectedHandshake,
  type ExtensionOffer,
  type NegotiatedHandshake,
} from './handshake-response.js';
