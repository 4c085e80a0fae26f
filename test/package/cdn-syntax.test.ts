/**
 * The syntax level of each distribution, checked mechanically by parsing the built files with acorn:
 * the CDN file (pages without a build step, so it must run on older browsers as is) parses as ES2017;
 * the npm builds (bundlers transpile them to the app's own targets) as ES2022.
 */
import { readFileSync } from 'node:fs';
import { parse, type Options } from 'acorn';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, dist } from './helpers.js';

/** The parse error for `code` at `ecmaVersion`, with the code around it; `undefined` when it parses. */
function syntaxError(code: string, ecmaVersion: Options['ecmaVersion'], sourceType: Options['sourceType']): string | undefined {
  try {
    parse(code, { ecmaVersion, sourceType });
    return undefined;
  } catch (error) {
    const { message, pos } = error as SyntaxError & { pos: number };
    return `${message} near ${JSON.stringify(code.slice(Math.max(0, pos - 40), pos + 40))}`;
  }
}

describe('syntax level of the distributions', () => {
  beforeAll(() => assertBuilt());

  it('the check itself: ES2017 rejects what the CDN file must not contain, and accepts async functions', () => {
    for (const newer of [
      'class A { static { this.x = 1; } }', // ES2022 static block
      'class A { #x = 1; }', // ES2022 private field
      'class A { x = 1; }', // ES2022 public field
      'a ??= b;', // ES2021
      'a ?? b;', // ES2020
      'a?.b;', // ES2020
      'const o = { ...a };', // ES2018 object spread
      'try {} catch {}', // ES2019 optional catch binding
      'for await (const x of y) {}', // ES2018
      '/(?<=a)b/;', // ES2018 regex lookbehind
    ]) {
      const wrapped = newer.startsWith('for await') ? `(async () => { ${newer} })();` : newer;
      expect(syntaxError(wrapped, 2017, 'script'), newer).toBeDefined();
      expect(syntaxError(wrapped, 2022, 'script'), newer).toBeUndefined();
    }
    expect(syntaxError('(async () => { await 1; })();', 2017, 'script')).toBeUndefined();
  });

  it('dist/sockline.min.js (CDN) parses as an ES2017 script', () => {
    expect(syntaxError(readFileSync(dist('sockline.min.js'), 'utf8'), 2017, 'script')).toBeUndefined();
  });

  it('the npm builds parse as ES2022 (ESM as modules, CJS as scripts)', () => {
    for (const file of ['node.js', 'browser.js']) {
      expect(syntaxError(readFileSync(dist(file), 'utf8'), 2022, 'module'), file).toBeUndefined();
    }
    for (const file of ['node.cjs', 'browser.cjs']) {
      expect(syntaxError(readFileSync(dist(file), 'utf8'), 2022, 'script'), file).toBeUndefined();
    }
  });
});
