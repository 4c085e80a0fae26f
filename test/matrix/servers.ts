/** The matrix's local servers: test/helpers/ws-server.ts (`routes: true`), and a raw TCP server that refuses every upgrade with 403. */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';

export interface MatrixServers {
  ws: WsServer;
  rejectUrl: string;
  close(): Promise<void>;
}

export async function startMatrixServers(): Promise<MatrixServers> {
  const ws = await startWsServer({ routes: true });
  const sockets = new Set<Socket>();
  const reject = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // Answer once the request head is in; every runtime sees a 403 to its upgrade.
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n'))
        socket.end(
          'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nForbidden',
        );
    });
  });
  await new Promise<void>((resolve, reject_) => {
    reject.once('error', reject_);
    reject.listen(0, '127.0.0.1', resolve);
  });
  const { port } = reject.address() as AddressInfo;
  return {
    ws,
    rejectUrl: `ws://127.0.0.1:${port}/refused`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => reject.close(() => resolve()));
      await ws.close();
    },
  };
}
