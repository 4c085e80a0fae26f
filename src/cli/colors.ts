/**
 * Colours for a terminal: on only when the stream is a TTY (and TERM is not "dumb"), off with `NO_COLOR`
 * (https://no-color.org), forced either way by `FORCE_COLOR` ("0"/"false" off, anything else on), which takes
 * precedence over `NO_COLOR` as in Node itself.
 */

export interface Paint {
  readonly enabled: boolean;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
}

export function colorsEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string): string => text;

export function paint(enabled: boolean): Paint {
  if (!enabled) return { enabled, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain, bold: plain };
  return {
    enabled,
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
    bold: sgr(1, 22),
  };
}
