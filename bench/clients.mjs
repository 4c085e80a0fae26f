// One thin adapter per client under test, all with the same shape, so every scenario runs the same code:
//
//   open(url, { onOpen(), onMessage(data), onClose(), onError(error) }) → { send(bytes), bufferedAmount, close() }
//
// `data` is whatever the client hands its users for a binary message (Buffer, ArrayBuffer, Uint8Array);
// scenarios only read `data.byteLength`. The ceiling is not a WebSocket client: it writes the prepared wire bytes
// and reports raw chunks through onData(chunk) instead of onMessage.
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLIENT_CLOSE, upgradeRequest } from './frames.mjs';

export const SOCKLINE_DIST = fileURLToPath(new URL('../dist/node.js', import.meta.url));

export const CLIENTS = {
  sockline: {
    label: 'sockline',
    async load() {
      const { Socket } = await import(pathToFileURL(SOCKLINE_DIST).href);
      return (url, h) => {
        // Defaults: permessage-deflate is offered in every row (the plain peer declines it, the deflate peer accepts).
        const socket = new Socket(url, { reconnect: false });
        socket.on('open', h.onOpen);
        socket.on('message', h.onMessage);
        socket.on('close', h.onClose);
        socket.on('error', h.onError);
        return {
          send: (data) => socket.send(data),
          get bufferedAmount() {
            return socket.bufferedAmount;
          },
          close: () => socket.close(),
        };
      };
    },
  },
  ws: {
    label: 'ws',
    env: { WS_NO_BUFFER_UTIL: '1' },
    async load() {
      return wsAdapter(await import('ws'));
    },
  },
  'ws+bufferutil': {
    label: 'ws + bufferutil',
    async load() {
      // Fail loudly rather than measure plain ws under the wrong name.
      await import('bufferutil');
      return wsAdapter(await import('ws'));
    },
  },
  undici: {
    label: 'undici',
    async load() {
      const { WebSocket } = await import('undici');
      return (url, h) => {
        const socket = new WebSocket(url);
        // The default 'blob' would make every message an async read; arraybuffer is what a fast app picks.
        socket.binaryType = 'arraybuffer';
        socket.onopen = h.onOpen;
        socket.onmessage = (event) => h.onMessage(event.data);
        socket.onclose = h.onClose;
        socket.onerror = (event) => h.onError(event.error ?? new Error('undici WebSocket error'));
        return {
          send: (data) => socket.send(data),
          get bufferedAmount() {
            return socket.bufferedAmount;
          },
          close: () => socket.close(),
        };
      };
    },
  },
  ceiling: {
    label: 'TCP ceiling',
    raw: true,
    async load() {
      return rawOpen;
    },
  },
};

// Extra adapters for development (e.g. the bare transport, to split facade from transport cost):
// SOCKLINE_BENCH_EXTRA=path/to/module.mjs exporting CLIENTS, then --clients=<name>.
if (process.env.SOCKLINE_BENCH_EXTRA) {
  const extra = await import(pathToFileURL(process.env.SOCKLINE_BENCH_EXTRA).href);
  Object.assign(CLIENTS, extra.CLIENTS);
}

function wsAdapter({ WebSocket }) {
  return (url, h, scenario) => {
    // No permessage-deflate offer against the plain peer: it never accepts it, and the offer alone costs ws memory
    // and time. The compressed rows (peer 'deflate') offer ws's default.
    const socket = new WebSocket(url, { perMessageDeflate: scenario?.peer === 'deflate' });
    socket.on('open', h.onOpen);
    socket.on('message', h.onMessage);
    socket.on('close', h.onClose);
    socket.on('error', h.onError);
    return {
      send: (data) => socket.send(data),
      get bufferedAmount() {
        return socket.bufferedAmount;
      },
      close: () => socket.close(),
    };
  };
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** The raw-TCP ceiling: the same request bytes, the 101 skipped, then nothing but bytes. */
function rawOpen(url, h) {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port), noDelay: true });
  let head = null;
  socket.on('connect', () => socket.write(upgradeRequest(hostname, port)));
  socket.on('data', function onHead(chunk) {
    head = head ? Buffer.concat([head, chunk]) : chunk;
    const end = head.indexOf(HEAD_END);
    if (end === -1) return;
    socket.off('data', onHead);
    socket.on('data', h.onData);
    h.onOpen();
    const rest = head.subarray(end + 4);
    head = null;
    if (rest.length > 0) h.onData(rest);
  });
  socket.on('close', () => h.onClose());
  socket.on('error', h.onError);
  return {
    send: (bytes) => socket.write(bytes),
    get bufferedAmount() {
      return socket.writableLength;
    },
    close: () => socket.write(CLIENT_CLOSE),
  };
}
