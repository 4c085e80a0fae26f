/**
 * Pipe mode (stdin or stdout is not a terminal, or `--json`): every input line is sent as a text message, in
 * order. When the input ends, the session waits until everything read was handed to the Socket and the link is
 * open (the queue is flushed before `open`), waits `wait` ms, then closes with 1000; messages that arrive before
 * the server's Close are still printed.
 *
 * Backpressure: at most IN_FLIGHT messages are given to the Socket before they reach the network (well under the
 * queue's 1000-message bound), and reading pauses while more than BACKLOG lines wait here.
 */
import { createInterface } from 'node:readline';
import type { Reporter } from './reporter.js';
import type { Session } from './session.js';

const IN_FLIGHT = 256;
const BACKLOG = 4096;

export function runPipe(session: Session, input: NodeJS.ReadableStream, wait: number, reporter: Reporter): void {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let backlog: string[] = [];
  let next = 0;
  let inFlight = 0;
  let ended = false;
  let finishing = false;

  const finish = async (): Promise<void> => {
    finishing = true;
    if (!(await session.whenOpen())) return;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref());
    if (!session.ending) session.close(1000);
  };

  const pump = (): void => {
    while (next < backlog.length && inFlight < IN_FLIGHT && !session.ending) {
      inFlight++;
      void session.send(backlog[next++]).then(() => {
        inFlight--;
        pump();
      });
    }
    if (next === backlog.length) {
      backlog = [];
      next = 0;
    }
    if (!ended) {
      if (backlog.length - next > BACKLOG) rl.pause();
      else rl.resume();
    }
    if (ended && backlog.length === 0 && !finishing && !session.ending) void finish();
  };

  rl.on('line', (line) => {
    backlog.push(line);
    pump();
  });
  rl.on('close', () => {
    ended = true;
    pump();
  });
  session.beforeClose(() => {
    const left = backlog.length - next;
    if (left > 0) reporter.unsentInput(left);
    rl.close();
  });
}
