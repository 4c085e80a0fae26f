// A ws echo server in its own process, for the load tests: the client process then holds only client sockets,
// so its file descriptors and heap measure the client alone, and the server gets its own core.
// Prints {"port": N} on stdout once listening on 127.0.0.1 (port 0); stops on SIGTERM or when stdin closes.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: 2048, perMessageDeflate: false, clientTracking: true });
wss.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on('listening', () => process.stdout.write(`${JSON.stringify({ port: wss.address().port })}\n`));
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
// If the test process dies, stdin closes: do not outlive it.
process.stdin.on('end', stop);
process.stdin.resume();
