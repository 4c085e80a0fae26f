/**
 * Where the CLI writes: lines on stdout (messages) and stderr (events). The prompt screen keeps the line being
 * typed intact: before a write it erases the prompt and the typed text, writes, then redraws both with the
 * cursor where it was.
 */
import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import type { Interface } from 'node:readline';

export interface Screen {
  /** One line on stdout (the newline is added). */
  out(line: string): void;
  /** Bytes on stdout as they are (`--binary raw`). */
  outBytes(bytes: Uint8Array): void;
  /** One line on stderr. */
  err(line: string): void;
  /** Resolves once everything written so far was handed to the OS. */
  flush(): Promise<void>;
}

type Writable = NodeJS.WritableStream;

const flushed = (stream: Writable): Promise<void> =>
  new Promise((resolve) => {
    if (!stream.writable) return resolve();
    stream.write('', () => resolve());
  });

/** A write that is dropped once the stream is gone (the reader of a pipe exited: `sockline … | head -1`). */
const write = (stream: Writable, data: string | Uint8Array): void => {
  if (stream.writable) stream.write(data);
};

export function plainScreen(stdout: Writable, stderr: Writable): Screen {
  return {
    out: (line) => write(stdout, `${line}\n`),
    outBytes: (bytes) => write(stdout, bytes),
    err: (line) => write(stderr, `${line}\n`),
    flush: async () => {
      await flushed(stdout);
      await flushed(stderr);
    },
  };
}

/** A screen for readline's terminal mode; `rl.output` must be `stdout`. */
export function promptScreen(rl: Interface, stdout: Writable, stderr: Writable): Screen & { detach(): void } {
  let attached = true;
  const around = (write: () => void): void => {
    if (!attached) return write();
    // Erase from the first row of the prompt: the typed text may wrap over several rows.
    const { rows } = rl.getCursorPos();
    if (rows > 0) moveCursor(stdout, 0, -rows);
    cursorTo(stdout, 0);
    clearScreenDown(stdout);
    write();
    // readline moves up by the cursor row it drew last before redrawing; the cursor is now on a fresh row.
    (rl as unknown as { prevRows: number }).prevRows = 0;
    rl.prompt(true);
  };
  const plain = plainScreen(stdout, stderr);
  return {
    out: (line) => around(() => plain.out(line)),
    outBytes: (bytes) => around(() => plain.outBytes(bytes)),
    err: (line) => around(() => plain.err(line)),
    flush: plain.flush,
    detach: () => {
      attached = false;
    },
  };
}
