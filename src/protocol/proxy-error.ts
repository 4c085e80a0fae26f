/**
 * A proxy's refusal as a `HandshakeError` (`reason: 'proxy'`) with its `proxyFailure` code. Built here rather than
 * in the error's constructor so that the code costs browser bundles nothing (browsers never see a proxy).
 */
import { HandshakeError, type ProxyFailure } from '../errors.js';

export function proxyError(
  failure: ProxyFailure,
  message: string,
  details: { status?: number; headers?: Record<string, string>; cause?: unknown } = {},
): HandshakeError {
  return Object.assign(new HandshakeError(message, 'proxy', details), { proxyFailure: failure });
}
