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
/** Which source file costs how much of sockline's browser bundle (minified bytes via source map; gzip split pro rata). */
export declare function attribute(): Promise<{
  total: { min: number; gzip: number };
  files: { file: string; min: number; gzip: number }[];
}>;
