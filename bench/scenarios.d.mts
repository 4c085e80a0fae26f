// Types for bench/scenarios.mjs (imported by test/bench/harness.test.ts).
export interface Metric {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  digits: number;
}
export interface Target {
  text: string;
  against: string;
  metric: string;
  ratio: number;
}
export interface Scenario {
  id: string;
  title: string;
  kind: 'receive' | 'send' | 'echo' | 'connect' | 'memory';
  size?: number;
  fragment?: number;
  count: number;
  quick: number;
  metrics: Metric[];
  target: Target | Target[];
  bufferutil?: boolean;
}
export declare const SCENARIOS: Scenario[];
export declare const CLIENT_ORDER: string[];
export declare function clientsFor(scenario: Scenario, available: string[]): string[];
export declare function countFor(scenario: Scenario, options: { quick: boolean; scale?: number }): number;
export declare function deadlineFor(scenario: Scenario, options: { quick: boolean }): number;
export declare function titleFor(scenario: Scenario, count: number): string;
