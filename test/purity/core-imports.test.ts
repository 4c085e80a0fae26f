/**
 * The core-purity guard, import half (the globals half is `npm run typecheck`, which compiles src/protocol/ with
 * tsconfig.protocol.json: no DOM, no Node types). The sans-I/O core may import only its own modules and
 * ../errors.js: never the transports, the facade, `node:*` or a package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '../../src/protocol');
const ALLOWED_OUTSIDE = new Set(['../errors.js']);

/** Every module specifier of a TypeScript source: static imports and re-exports, dynamic imports, require calls. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]);
  return found;
}

const files = readdirSync(CORE).filter((name) => name.endsWith('.ts'));

describe('src/protocol/ imports nothing outside itself but ../errors.js', () => {
  it('finds the core files and their imports (the guard itself works)', () => {
    expect(files).toContain('connection.ts');
    expect(
      specifiers(
        "import type { A } from './a.js';\nexport { b } from '../b.js';\nimport 'node:fs';\nconst c = await import('x');",
      ),
    ).toEqual(['./a.js', '../b.js', 'node:fs', 'x']);
  });

  it.each(files)('%s', (file) => {
    const outside = specifiers(readFileSync(join(CORE, file), 'utf8')).filter(
      (specifier) => !(specifier.startsWith('./') && !specifier.slice(2).includes('/')) && !ALLOWED_OUTSIDE.has(specifier),
    );
    expect(outside, `${file} may import only ./*.js and ../errors.js`).toEqual([]);
  });
});
