/**
 * Running the built CLI (dist/cli.js) as a real process. Every process started here is tracked and killed by
 * `killAll()` (call it in afterEach), and each has a hard deadline after which it is killed (the test then fails
 * on its exit code/signal instead of hanging).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { dist } from '../package/helpers.js';

export const CLI = dist('cli.js');

/** The CLI tests run the build; fail with the fix instead of an ENOENT. */
export function assertCliBuilt(): void {
  if (!existsSync(CLI) || !existsSync(dist('node.js'))) {
    throw new Error('dist/cli.js is not built: run `npm run build` (npm test does it)');
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout as bytes (for `--binary raw`). */
  stdoutBytes: Buffer;
  stderr: string;
  /** Ms from spawn to exit. */
  ms: number;
}

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited. */
  exited: Promise<CliResult>;
  /** Resolves once `pattern` appears on the stream; rejects after `timeoutMs` or when the process exits first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<void>;
}

const live = new Set<ChildProcessWithoutNullStreams>();

/** No colours, whatever the environment of the test run says. */
const BASE_ENV: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined };

export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; deadlineMs?: number } = {}): CliProcess {
  const env: NodeJS.ProcessEnv = { ...BASE_ENV, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: 'pipe' });
  live.add(child);
  let stdout = '';
  let stderr = '';
  const stdoutChunks: Buffer[] = [];
  const decoder = new StringDecoder('utf8');
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutChunks.push(chunk);
    stdout += decoder.write(chunk);
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    notify();
  });
  child.stdin.on('error', () => {}); // EPIPE when the CLI exits before reading everything
  const deadline = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs ?? 15_000);
  let done = false;
  const exited = new Promise<CliResult>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(deadline);
      live.delete(child);
      done = true;
      notify();
      stdout += decoder.end();
      resolve({ code, signal, stdout, stdoutBytes: Buffer.concat(stdoutChunks), stderr, ms: Date.now() - started });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(stream, pattern, timeoutMs = 5000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          const text = stream === 'stdout' ? stdout : stderr;
          if (pattern.test(text)) finish();
          else if (done) finish(new Error(`The CLI exited before ${pattern} appeared on ${stream}:\n${stdout}\n---\n${stderr}`));
        };
        const timer = setTimeout(
          () =>
            finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern} on ${stream}:\n${stdout}\n---\n${stderr}`)),
          timeoutMs,
        );
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs the CLI to completion with `input` on stdin (ended at once; none: stdin is ended empty). */
export function runCli(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; deadlineMs?: number } = {},
): Promise<CliResult> {
  const cli = startCli(args, options);
  cli.child.stdin.end(options.input ?? '');
  return cli.exited;
}

/** Kills every CLI process still running (afterEach). */
export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The NDJSON events on stdout, parsed (every line must be JSON). */
export function events(stdout: string): { event: string; [field: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as { event: string });
}
