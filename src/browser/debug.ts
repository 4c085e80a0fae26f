/**
 * The browser runtime's `debug` log (issue 11 item 2): the event name and its arguments as they are, for the
 * developer tools to show (objects stay expandable), at the `debug` level ("Verbose" in Chromium's console).
 * Message payloads are left out (they may hold anything); the attempt's URL comes without its query.
 */
import type { DebugHook, Logger } from '../report.js';

export const browserDebug = (enabled: boolean | undefined, logger: Logger | false): DebugHook | undefined =>
  enabled && logger
    ? (event, args) =>
        (logger.debug ?? logger.warn).call(
          logger,
          'sockline: ' + event,
          ...(event === 'message' ? [] : event === 'drop' ? [(args[0] as { error: unknown }).error] : args),
        )
    : undefined;
