/**
 * Measuring tools for the load tests: a separate echo-server process, a real `gc()`, and counts of what a leak
 * would leave behind (file descriptors, active handles and timers, process listeners, live objects).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { withTimeout } from '../helpers/test-server.js';

/** `global.gc`, enabled at runtime when the process was not started with --expose-gc. */
export const gc: () => void = (() => {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
})();

/** Full collections with turns of the event loop between them (WeakRefs are only cleared between jobs). */
export async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

/** Open file descriptors of this process. */
export const fdCount = (): number => readdirSync('/proc/self/fd').length;

/** `process.getActiveResourcesInfo()` as counts per kind (TCPSocketWrap, Timeout, …). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Listener counts on `process`, per event. */
export function processListeners(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.eventNames()) counts[String(name)] = process.listenerCount(name);
  return counts;
}

export const MiB = 1024 * 1024;
export const heapUsed = (): number => process.memoryUsage().heapUsed;

export interface EchoServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts test/load/echo-server.mjs (a ws echo server) in a child process. */
export async function startEchoServer(): Promise<EchoServer> {
  const script = fileURLToPath(new URL('./echo-server.mjs', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the echo server exited (${code}) before listening`)));
      createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    }),
    10_000,
    'the echo server to listen',
  );
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await withTimeout(exited, 5_000, 'the echo server to exit').catch(() => child.kill('SIGKILL'));
    },
  };
}

/** Runs `tasks` with at most `concurrency` in flight. */
export async function inBatches<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Kinds of which `after` has more than `before` (what a leak leaves behind), e.g. { Timeout: 1000 }. */
export function increase(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [kind, count] of Object.entries(after)) if (count > (before[kind] ?? 0)) grown[kind] = count - (before[kind] ?? 0);
  return grown;
}
