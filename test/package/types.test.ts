/**
 * The published types, from an app's point of view: test/package/types/*.ts import `sockline` (resolved, like in
 * an app, through the package's `exports` to the BUILT dist/index.d.ts) and assert with `expectTypeOf` and
 * `@ts-expect-error`. This compiles them and fails on any diagnostic, so a type that stops being exported, or a
 * payload that loses precision, fails here.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, dist, root } from './helpers.js';

const dir = join(root, 'test', 'package', 'types');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
};

const format = (d: ts.Diagnostic): string => {
  const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
  const file = d.file ? d.file.fileName.slice(root.length + 1) : '';
  return `${file}${where ? `:${where.line + 1}` : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
};

describe('published types (dist/index.d.ts) seen from an app', () => {
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
  let program: ts.Program;

  beforeAll(() => {
    assertBuilt();
    program = ts.createProgram(fixtures, OPTIONS);
  });

  it('should compile every type assertion with no diagnostic, against the built types', () => {
    expect(fixtures.map((f) => f.slice(dir.length + 1))).toContain('public-types.ts');
    expect(ts.getPreEmitDiagnostics(program).map(format)).toEqual([]);
    // `sockline` resolved to the built declarations, not to src/.
    const files = program.getSourceFiles().map((f) => f.fileName);
    expect(files).toContain(dist('index.d.ts'));
    expect(files.some((f) => f.startsWith(join(root, 'src')))).toBe(false);
  });

  it('the check itself: the same fixture with one assertion made wrong does not compile', () => {
    const probe = join(dir, 'public-types.ts');
    const host = ts.createCompilerHost(OPTIONS);
    const original = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) => {
      const file = original(name, version, ...rest);
      if (name !== probe || !file) return file;
      return ts.createSourceFile(
        name,
        file.text.replace('toEqualTypeOf<HandshakeError>()', 'toEqualTypeOf<NetworkError>()'),
        version,
      );
    };
    // Reuses the unchanged files of the first program.
    const changed = ts.createProgram(fixtures, OPTIONS, host, program);
    expect(ts.getPreEmitDiagnostics(changed).map(format).join('\n')).toMatch(/public-types\.ts:\d+ /);
  });
});
