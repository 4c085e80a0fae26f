/** `-x`: send the messages (queued until open), print what arrives for `wait` ms after the open, close with 1000. */
import type { Session } from './session.js';

export async function runExecute(session: Session, messages: readonly string[], wait: number): Promise<void> {
  for (const message of messages) void session.send(message);
  if (!(await session.whenOpen())) return;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref());
  if (!session.ending) session.close(1000);
}
