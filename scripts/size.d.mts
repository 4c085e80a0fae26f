/** Types for scripts/size.mjs (imported by the package tests and the benchmark report). */
export declare const BUDGET_BYTES: number;
export declare const TARGET_BYTES: number;
export declare const TARGETS: { name: string; package: string; entry: string }[];
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
export declare function bundleForBrowser(entry: string): Promise<BrowserBundle>;
export declare function measure(code: string): Promise<{ min: number; gzip: number; minified: string }>;
export type SizeResult = { name: string; installed: false } | { name: string; installed: true; min: number; gzip: number };
export declare function measureAll(): Promise<SizeResult[]>;
/** Which source file costs how much of sockline's browser bundle (minified bytes via source map; gzip split pro rata). */
export declare function attribute(): Promise<{
  total: { min: number; gzip: number };
  files: { file: string; min: number; gzip: number }[];
}>;
