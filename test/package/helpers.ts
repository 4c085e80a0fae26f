/** Shared by the package tests: where the built files are, and a guard that they were built. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const dist = (file: string): string => join(root, 'dist', file);

export const DIST_FILES = [
  'node.js',
  'node.cjs',
  'browser.js',
  'browser.cjs',
  'sockline.min.js',
  'sockline.min.js.map',
  'index.d.ts',
  'index.d.cts',
  'cli.js',
];

/** The package tests check the build; fail with the fix instead of a confusing ENOENT. */
export function assertBuilt(): void {
  const missing = DIST_FILES.filter((file) => !existsSync(dist(file)));
  if (missing.length) {
    throw new Error(`dist/ is not built (missing ${missing.join(', ')}): run \`npm run build\` (npm test does it)`);
  }
}
