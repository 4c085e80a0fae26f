/**
 * Interactive mode (stdin and stdout are terminals): a readline prompt with history; each line is sent as a text
 * message, lines starting with `/` are commands (unless `--no-slash`). Ctrl+D or Ctrl+C close with 1000; a second
 * Ctrl+C quits at once. Output goes through the prompt screen, so arriving messages never break the typed line.
 */
import type { Interface } from 'node:readline';
import { runCommand } from './commands.js';
import type { Session } from './session.js';

export interface InteractiveOptions {
  slash: boolean;
  note: (line: string) => void;
  /** Quit at once (a second Ctrl+C). */
  interrupt: () => void;
}

export function runInteractive(session: Session, rl: Interface, options: InteractiveOptions): void {
  const { note } = options;
  rl.setPrompt('> ');
  rl.prompt();
  rl.on('line', (line) => {
    if (session.socket.state === 'closed') return;
    if (options.slash && line.startsWith('/') && !line.startsWith('//')) {
      runCommand(line, session, note);
    } else if (line.length > 0) {
      const text = options.slash && line.startsWith('//') ? line.slice(1) : line;
      if (session.ending) note('not sent: the socket is closing');
      else {
        if (session.socket.state !== 'open') note(`queued until the socket is open (now ${session.socket.state})`);
        void session.send(text);
      }
    }
    rl.prompt();
  });
  let interrupted = false;
  rl.on('SIGINT', () => {
    if (interrupted || session.ending) return options.interrupt();
    interrupted = true;
    note('closing with 1000 (Ctrl+C again to quit at once)');
    session.close(1000);
  });
  // Ctrl+D, or the terminal went away.
  rl.on('close', () => {
    if (!session.ending) session.close(1000);
  });
}
