/** Types for scripts/size.mjs (imported by the package tests and the benchmark report). */
export declare const BUDGET_BYTES: number;
export declare const TARGET_BYTES: number;
export declare const TARGETS: {
  name: string;
  package: string;
  entry?: string;
  file?: string;
  production?: boolean;
  budget?: { rollup: number; esbuild: number };
}[];
/** Issue 16's targets for `import { Socket }` (rollup + terser, min+gzip). */
export declare const TARGETS_16: Record<string, number>;
export interface BrowserBundle {
  /** The bundle before minification. */
  code: string;
  /** Imports left unresolved in the bundle (should be none). */
  imports: string[];
  /** Absolute ids of the modules that went into the bundle. */
  modules: string[];
  /** Rollup warnings, as "CODE: message". */
  warnings: string[];
}
/** `production`: also match the "production" export condition (else "development"). */
export declare function bundleForBrowser(entry: string, production?: boolean): Promise<BrowserBundle>;
export declare function esbuildSize(entry: string, production?: boolean): Promise<{ min: number; gzip: number; code: string }>;
export declare function measure(code: string): Promise<{ min: number; gzip: number; minified: string }>;
export type SizeResult =
  | { name: string; installed: false }
  | {
      name: string;
      installed: true;
      ours: boolean;
      budget?: { rollup: number; esbuild: number };
      rollup: { min: number; gzip: number };
      esbuild: { min: number; gzip: number };
    };
/** Entries over their budget, as messages. */
export declare function overBudget(results: SizeResult[]): string[];
/** The README's Bundle size table. */
export declare function markdownTable(results: SizeResult[]): string;
export declare function measureAll(): Promise<SizeResult[]>;
/** One piece of the bundle: a top-level declaration or class member of one source file. */
export interface AttributedItem {
  /** `src/socket.ts`, `node_modules/eventemitter3/index.js`, or `(generated)` (the bundle's glue). */
  file: string;
  /** `normalize`, `SocketCore#send`, `SocketCore##send` (private), `SocketCore.#Link` (static), `(top level)`. */
  name: string;
  /** Minified bytes (UTF-8); the items' bytes add up to the bundle's. */
  min: number;
  /** The bundle's min+gzip size shared in proportion to `min` (rounded so that the shares add up to it). */
  gzip: number;
  /** Of `min`, the bytes from DEV-only code (`if (DEV)` branches, `DEV ? long : short`); 0 in the production build. */
  dev: number;
}
export interface Attribution {
  /** The entry module bundled (relative to the repository root). */
  entry: string;
  production: boolean;
  total: { min: number; gzip: number };
  /** Bytes from DEV-only code, all items together. */
  dev: number;
  /** Per-file subtotals, largest first (`items`: how many items the file has). */
  files: { file: string; min: number; gzip: number; dev: number; items: number }[];
  /** Every item, largest first. */
  items: AttributedItem[];
}
/** The entry `--why` attributes: `import { Socket } from 'sockline'`, as the browser build's source. */
export declare const WHY_ENTRY: { name: string; entry: string };
/**
 * Where the minified bytes of a bundle from src/ go (default `import { Socket }`), by source file and by declaration or
 * class member; `production`: src/dev.ts's `DEV` false, as rollup.config.mjs builds dist/browser.production.js.
 */
export declare function attribute(options?: { production?: boolean; entry?: string }): Promise<Attribution>;
/** {@link attribute} for the default and the production build of one entry (TypeScript runs once). */
export declare function attributeBuilds(entry?: string): Promise<{ default: Attribution; production: Attribution }>;
/** `--why`'s text output. */
export declare function whyText(builds: { default?: Attribution; production?: Attribution }, top?: number): string;
/** `--features`' text output: per build, the bytes of each feature (scripts/size-features.mjs). */
export declare function featuresText(builds: { default: Attribution; production: Attribution }): string;
/** `--features --markdown`: the README's per-feature table of the production build. */
export declare function featuresMarkdown(builds: { default: Attribution; production: Attribution }): string;
