// The README's demo: an embedded echo server on 127.0.0.1, and sockline's Node client talking to it.
// Run with `npm run demo` (after `npm install`, which builds dist/).
import { WebSocketServer } from 'ws';
import { Socket } from 'sockline';

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  // Compression on: sockline offers permessage-deflate (RFC 7692) by default, as browsers do.
  perMessageDeflate: { threshold: 0 },
  handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false),
});
await new Promise((resolve) => server.once('listening', resolve));

server.on('connection', (peer) => {
  peer.on('message', (data, isBinary) => {
    const text = data.toString();
    if (text === 'fragments please') {
      // The server answers with one message split into 5 frames; the client reassembles it.
      const parts = ['sockline ', 'reassembles ', 'fragmented ', 'messages ', 'byte-exact'];
      parts.forEach((part, i) => peer.send(part, { fin: i === parts.length - 1 }));
      return;
    }
    peer.send(data, { binary: isBinary });
  });
});

const { port } = server.address();
const url = `ws://127.0.0.1:${port}/demo?room=1`;
console.log(`echo server listening on ${url}`);

const socket = new Socket(url, { protocols: ['chat', 'superchat'], reconnect: false });
const line = (label, value) => console.log(`  ${label.padEnd(22)} ${value}`);

socket.on('open', ({ protocol, extensions, handshake }) => {
  console.log('\nopening handshake');
  line('Sec-WebSocket-Key', `${handshake.key} (fresh 16-byte nonce)`);
  line('expected Accept', handshake.expectedAccept);
  line(
    'received Accept',
    `${handshake.receivedAccept} ${handshake.receivedAccept === handshake.expectedAccept ? '(match)' : '(MISMATCH)'}`,
  );
  line('subprotocol', `${protocol} (offered: chat, superchat)`);
  line('extensions', extensions || '(none)');
  if (handshake.perMessageDeflate) {
    const { serverMaxWindowBits, clientMaxWindowBits } = handshake.perMessageDeflate;
    line('compression', `permessage-deflate, windows 2^${serverMaxWindowBits} (server) / 2^${clientMaxWindowBits} (client)`);
  }

  socket.send('hello from sockline', { fragmentSize: 4 });
  socket.send(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
  socket.send('fragments please');
});

let received = 0;
socket.on('message', (data, { binary }) => {
  received++;
  if (received === 1) console.log('\nmessages');
  line(
    binary ? 'binary echo' : 'text echo',
    binary ? `Uint8Array [${[...data].map((b) => b.toString(16)).join(' ')}]` : JSON.stringify(data),
  );
  if (received === 3) socket.close(1000, 'demo done');
});

socket.on('close', ({ code, reason, wasClean, error }) => {
  console.log('\nclose');
  line('code / reason', `${code} ${JSON.stringify(reason)}`);
  line('clean', String(wasClean));
  if (error) line('error', `${error.name}: ${error.message}`);
  server.close();
  process.exitCode = wasClean && received === 3 ? 0 : 1;
});
