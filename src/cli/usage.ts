/** `--help`, the short usage printed after a usage error, and `--version`. */
import { readFileSync } from 'node:fs';
import { EXIT_CODE_TABLE } from './exit-codes.js';

export const USAGE = 'usage: sockline <url> [options]   (sockline --help for the options and examples)';

export const HELP = `sockline: a WebSocket client for the terminal, built on the sockline library.

usage: sockline <url> [options]

  <url> is ws://, wss://, http:// or https:// (a URL without a scheme means ws://).
  On a terminal: an interactive prompt (history, slash commands). Otherwise (pipes): every stdin
  line is sent as a text message and every message received is printed on stdout, one per line;
  at the end of input the queue is flushed, the closing handshake runs with 1000 and the replies
  that arrive before the server's Close are printed. Handshake details and events go to stderr.

connection:
  -H, --header 'Name: value'  add a request header (repeatable)
  -s, --subprotocol <name>    offer a subprotocol (repeatable); the server must select one
  -o, --origin <origin>       the Origin header
      --proxy <url>           proxy to connect through (http://[user:pass@]host:port)
      --ca <file>             trust this CA certificate (PEM) for wss://
      --cert <file>           client certificate (PEM)
      --key <file>            client private key (PEM)
  -k, --insecure              do not verify the server's TLS certificate
      --max-payload <bytes>   largest message accepted (a bigger one closes with 1009)
      --no-deflate            do not offer permessage-deflate compression
      --no-reconnect          exit when the link is lost instead of reconnecting
      --reconnect-max-delay <ms>  longest backoff delay between attempts (default 30000)
      --ping-interval <ms>    heartbeat ping interval (default 30000; 0 disables the heartbeat)

input and output:
  -x, --execute <message>     send this message (repeatable), print the replies for --wait ms, exit
  -w, --wait <ms>             how long to wait for replies before closing (with -x: default 1000;
                              at the end of piped input: default 0, replies before the server's Close
                              are printed anyway)
      --json                  one JSON object per event on stdout, for scripts: connecting, open,
                              message, ping, pong, disconnect, reconnecting, error, drop,
                              unsent-input, close (with exitCode)
      --binary hex|raw        binary messages as "<binary N bytes> hex" (default), or the raw bytes
      --no-slash              interactive mode: send lines starting with / as they are
  -h, --help                  this help
  -V, --version               the version

interactive commands (//text sends a message starting with /):
  /ping [text]                send a ping (the pong is shown)
  /close [code] [reason]      close (default 1000) and exit, e.g. /close 1000 bye
  /reconnect                  drop the link and connect again now
  /stats                      the Socket's counters
  /quit                       same as /close 1000
  /help                       list the commands

examples:
  sockline ws://127.0.0.1:8080                      talk to a server interactively
  printf 'a\\nb\\n' | sockline ws://127.0.0.1:8080     send two messages, print the echoes, exit
  sockline wss://api.example.com/ws -H "Authorization: Bearer $TOKEN" -s v1.json
  sockline ws://localhost:8080 -x '{"op":"ping"}' -w 2000
  sockline ws://localhost:8080 --json | jq -c 'select(.event == "message")'
  sockline wss://self-signed.local --ca ./ca.pem    or -k to skip verification

exit codes:
${EXIT_CODE_TABLE.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join('\n')}
`;

/** The version of the installed package (dist/cli.js sits next to ../package.json). */
export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
