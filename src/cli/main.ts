/**
 * `sockline <url> [options]`: the command-line client, built on the public `Socket` (dist/cli.js imports
 * dist/node.js). Parses the arguments, picks the mode (execute, interactive or pipe), and exits with the code
 * of exit-codes.ts.
 */
import { createInterface, clearScreenDown, cursorTo } from 'node:readline';
import { InvalidArgumentError } from '../index.node.js';
import { parseCommandLine, UsageError } from './args.js';
import { colorsEnabled, paint } from './colors.js';
import { runExecute } from './execute-mode.js';
import { ExitCode } from './exit-codes.js';
import { runInteractive } from './interactive-mode.js';
import { runPipe } from './pipe-mode.js';
import { jsonReporter } from './report-json.js';
import { textReporter } from './report-text.js';
import { Session } from './session.js';
import { plainScreen, promptScreen } from './screen.js';
import type { Screen } from './screen.js';
import { socketOptions } from './socket-options.js';
import { HELP, USAGE, version } from './usage.js';

const DEFAULT_EXECUTE_WAIT = 1000;

async function main(): Promise<number> {
  const { stdin, stdout, stderr, env } = process;
  let command;
  let options;
  try {
    command = parseCommandLine(process.argv.slice(2));
    if (command.kind !== 'run') {
      stdout.write(command.kind === 'help' ? HELP : `${version()}\n`);
      return ExitCode.ok;
    }
    options = socketOptions(command.options);
  } catch (error) {
    return usageError(error);
  }
  const cli = command.options;
  const execute = cli.execute.length > 0;
  const rl =
    !cli.json && !execute && stdin.isTTY === true && stdout.isTTY === true
      ? createInterface({ input: stdin, output: stdout, terminal: true, historySize: 1000, removeHistoryDuplicates: true })
      : undefined;

  const screen: Screen & { detach?(): void } = rl ? promptScreen(rl, stdout, stderr) : plainScreen(stdout, stderr);
  const reporter = cli.json
    ? jsonReporter(screen)
    : textReporter(screen, {
        binary: cli.binary,
        prefix: rl !== undefined,
        out: paint(colorsEnabled(stdout, env)),
        err: paint(colorsEnabled(stderr, env)),
      });
  let session: Session;
  try {
    session = new Session(cli.url, options, reporter);
  } catch (error) {
    rl?.close();
    return usageError(error);
  }

  // The reader of stdout or stderr went away (EPIPE: `sockline … | head -1`) or the stream broke: the screen stops
  // writing there (it checks `writable`), and the session closes politely instead of crashing.
  for (const stream of [stdout, stderr]) {
    stream.on('error', () => {
      if (!session.ending) session.close(1000);
    });
  }

  let exitNow: (code: number) => void = () => {};
  const interrupt = new Promise<number>((resolve) => (exitNow = resolve));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signals++ > 0 || session.ending) return exitNow(signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted);
    session.close(1000);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  if (execute) {
    void runExecute(session, cli.execute, cli.wait ?? DEFAULT_EXECUTE_WAIT);
  } else if (rl) {
    runInteractive(session, rl, { slash: cli.slash, note: reporter.note, interrupt: () => exitNow(ExitCode.interrupted) });
  } else {
    runPipe(session, stdin, cli.wait ?? 0, reporter);
  }

  const code = await Promise.race([session.done, interrupt]);
  if (rl) {
    screen.detach?.();
    cursorTo(stdout, 0);
    clearScreenDown(stdout);
    rl.close();
  }
  await screen.flush();
  return code;
}

/** A bad command line or option: one line and the usage on stderr, never a stack trace. */
function usageError(error: unknown): number {
  if (error instanceof UsageError || error instanceof InvalidArgumentError) {
    process.stderr.write(`sockline: ${error.message}\n${USAGE}\n`);
    return ExitCode.usage;
  }
  throw error;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `sockline: internal error: ${error instanceof Error ? error.message : String(error)} (please report it)\n`,
    );
    process.exit(ExitCode.internal);
  },
);
