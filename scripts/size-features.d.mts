/** Types for scripts/size-features.mjs (imported by test/package/size-attribution.test.ts). */
import type { AttributedItem, Attribution } from './size.mjs';

export declare const FEATURES: { feature: string; why: string; rules: { file: string; names: string[] }[] }[];
/** The feature an item belongs to, or undefined when no rule claims it. */
export declare function featureOf(item: Pick<AttributedItem, 'file' | 'name'>): string | undefined;
/** One build's attribution grouped by feature, in FEATURES order; `unassigned`: items no rule claims. */
export declare function byFeature(build: Attribution): {
  features: { feature: string; why: string; min: number; gzip: number; items: number }[];
  unassigned: AttributedItem[];
};
