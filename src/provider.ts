/** Provider options (a value, or a function called before every attempt) and the errors they may produce. */
import { describeThrown, InvalidArgumentError, isSocklineError, NetworkError, type SocklineError } from './errors.js';
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
  // A throwing getter or Proxy trap in what the provider returned (issue 9 item 16).
  return readOptions(() => check(value), name);
}

/** `read()`, with a throwing getter or Proxy trap in the options (or a provider's value) as an `InvalidArgumentError`. */
export function readOptions<T>(read: () => T, name = 'options'): T {
  try {
    return read();
  } catch (error) {
    throw isSocklineError(error) ? error : new InvalidArgumentError(`Invalid ${name}: reading it threw ${describeThrown(error)}`);
  }
}
