/** Slash commands of the interactive mode. Each returns nothing; what it has to say goes to `note`. */
import type { Session } from './session.js';

export const COMMAND_HELP = [
  '/ping [text]            send a ping (the pong is shown)',
  '/close [code] [reason]  close with code (default 1000) and reason, then exit',
  '/reconnect              drop the link and connect again now',
  "/stats                  the Socket's counters",
  '/quit                   same as /close 1000',
  '/help                   this list (//text sends "/text")',
];

export function runCommand(line: string, session: Session, note: (line: string) => void): void {
  const [name, ...args] = line.slice(1).split(' ');
  const socket = session.socket;
  try {
    switch (name) {
      case 'ping':
        socket.ping(args.length ? args.join(' ') : undefined);
        return;
      case 'close': {
        const code = args.length ? Number(args[0]) : 1000;
        if (!/^\d+$/.test(args[0] ?? '1000')) return note(`/close expects a numeric code, got ${JSON.stringify(args[0])}`);
        session.close(code, args.slice(1).join(' '));
        return note(`closing with ${code}…`);
      }
      case 'quit':
      case 'exit':
        session.close(1000);
        return;
      case 'reconnect':
        socket.reconnect();
        return;
      case 'stats': {
        const stats = socket.stats;
        const counters = Object.entries(stats)
          .map(([key, value]) => `${key} ${value}`)
          .join(', ');
        return note(`state ${socket.state}, ${counters}, bufferedAmount ${socket.bufferedAmount}`);
      }
      case 'help':
        for (const help of COMMAND_HELP) note(help);
        return;
      default:
        return note(`unknown command /${name}; /help lists the commands, //text sends "/text"`);
    }
  } catch (error) {
    note(`/${name}: ${(error as Error).message}`);
  }
}
