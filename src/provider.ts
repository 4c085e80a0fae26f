/** Provider options (a value, or a function called before every attempt) and the errors they may produce. */
import { isSocklineError, NetworkError, type SocklineError } from './errors.js';
import type { Provider } from './options.js';

/** A failure that is not a sockline error yet, as a `NetworkError` saying what failed. */
export const asSockline = (error: unknown, what: string): SocklineError =>
  isSocklineError(error) ? error : new NetworkError(`${what}: ${String(error)}`, error);

/** Call a provider option: a value is used as is, a function is awaited; either is then checked. */
export async function resolveProvider<T>(name: string, option: Provider<unknown>, check: (value: unknown) => T): Promise<T> {
  let value: unknown;
  try {
    value = typeof option === 'function' ? await option() : option;
  } catch (cause) {
    throw asSockline(cause, `The ${name} provider failed`);
  }
  return check(value);
}
