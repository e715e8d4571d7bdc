// TCP servers on 127.0.0.1 for tests that speak the protocol by hand: a free port, and a close that ends every connection still open.

import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Destroys every connection still open, then resolves once the listener has closed. */
  close(): Promise<void>;
}

/**
 * Listens on a free port of 127.0.0.1 and hands each connection to `onSocket`. A connection's errors
 * are ignored: a client may reset it at the end of a run, which is no failure of the server's.
 */
export function listenLoopback(onSocket: (socket: net.Socket) => void): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
