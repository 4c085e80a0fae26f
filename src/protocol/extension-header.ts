/**
 * The `Sec-WebSocket-Extensions` header grammar (RFC 6455 §9.1), both ways: parse a server's answer into
 * elements and parameters, and format an offer. Pure; knows nothing about any particular extension.
 *
 * ```
 * Sec-WebSocket-Extensions = extension-list
 * extension-list = 1#extension
 * extension = extension-token *( ";" extension-param )
 * extension-token = registered-token
 * registered-token = token
 * extension-param = token [ "=" (token | quoted-string) ]
 *     ; When using the quoted-string syntax variant, the value
 *     ; after quoted-string unescaping MUST conform to the
 *     ; 'token' ABNF.
 * ```
 * RFC 6455 uses RFC 2616's implied linear white space, so OWS (SP / HTAB) is accepted around `,`, `;` and `=`.
 */
import { TOKEN } from './http-grammar.js';

/** One parameter: its name and its value, `true` when it has none (quoted values are unquoted). */
export type ExtensionParam = readonly [name: string, value: string | true];

/** One element of the list: an extension name and its parameters in the order received. */
export interface ExtensionElement {
  name: string;
  params: ExtensionParam[];
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses a `Sec-WebSocket-Extensions` value. Empty list elements are skipped (RFC 7230 §7: a recipient "MUST
 * parse and ignore a reasonable number of empty list elements"), so `''` and `', ,'` give `[]`.
 *
 * @returns The elements in order, or a string saying where the value breaks the grammar (for an error message).
 */
export function parseExtensionHeader(value: string): ExtensionElement[] | string {
  const elements: ExtensionElement[] = [];
  const n = value.length;
  let i = 0;
  const skipOws = (): void => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && TCHAR.test(value[i])) i++;
    return value.slice(start, i);
  };
  // Names in these messages are tokens; the character found is shown printable-ASCII-only (it may be anything).
  const at = (): string => {
    if (i === n) return 'the end of the value';
    const code = value.charCodeAt(i);
    const shown = code > 0x20 && code < 0x7f ? JSON.stringify(value[i]) : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return `${shown} at offset ${i}`;
  };

  for (;;) {
    skipOws();
    if (i === n) return elements;
    if (value[i] === ',') {
      i++;
      continue;
    }
    const name = token();
    if (name === '') return `expected an extension name, found ${at()}`;
    const params: ExtensionParam[] = [];
    skipOws();
    while (i < n && value[i] === ';') {
      i++;
      skipOws();
      const param = token();
      if (param === '') return `expected a parameter name after ";", found ${at()}`;
      skipOws();
      let paramValue: string | true = true;
      if (value[i] === '=') {
        i++;
        skipOws();
        if (value[i] === '"') {
          // RFC 7230 §3.2.6: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ).
          i++;
          let unquoted = '';
          while (i < n && value[i] !== '"') {
            if (value[i] === '\\') i++;
            if (i === n) break;
            unquoted += value[i++];
          }
          if (i === n) return `unterminated quoted value of parameter ${JSON.stringify(param)}`;
          i++;
          // RFC 6455 §9.1: "the value after quoted-string unescaping MUST conform to the 'token' ABNF."
          if (!TOKEN.test(unquoted)) return `quoted value of parameter ${JSON.stringify(param)} is not a token after unquoting`;
          paramValue = unquoted;
        } else {
          paramValue = token();
          if (paramValue === '') return `expected a value for parameter ${JSON.stringify(param)}, found ${at()}`;
        }
        skipOws();
      }
      params.push([param, paramValue]);
    }
    if (i < n && value[i] !== ',') return `expected ";" or "," after ${JSON.stringify(name)}, found ${at()}`;
    elements.push({ name, params });
  }
}

/** Formats one offer element: `name; a; b=1`. Names and values must already be tokens. */
export function formatExtension(element: ExtensionElement): string {
  let out = element.name;
  for (const [name, value] of element.params) out += value === true ? `; ${name}` : `; ${name}=${value}`;
  return out;
}
