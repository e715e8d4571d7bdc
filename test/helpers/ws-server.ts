// A real WebSocket peer for tests: the `ws` package's server on a free loopback port (plain or TLS), counting what it saw.

import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface WsServerOptions {
  /** Answer each message with the same bytes (default true). */
  readonly echo?: boolean;
  /** Ping each connection as soon as it opens, this many times. */
  readonly pingsOnOpen?: number;
  /** Close each connection with this code after this many messages on it. */
  readonly closeAfter?: { readonly messages: number; readonly code: number };
  /** Upgrade only this path (others are refused with 400); default every path. */
  readonly path?: string;
  /** Serve wss:// with this key and certificate. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
}

export interface TestWsServer {
  readonly port: number;
  /** ws://127.0.0.1:PORT (wss:// with tls). */
  readonly url: string;
  /** Messages received, over every connection. */
  messages(): number;
  /** Payload bytes received. */
  bytes(): number;
  /** Connections that completed the handshake. */
  connections(): number;
  /** Pongs received. */
  pongs(): number;
  /** Close codes the server heard from clients, by code. */
  closeCodes(): Readonly<Record<string, number>>;
  /** Whether every message received was binary (false when any was text). */
  allBinary(): boolean;
  close(): Promise<void>;
}

export async function startWsServer(options: WsServerOptions = {}): Promise<TestWsServer> {
  const server: Server = options.tls === undefined ? createHttpServer() : createHttpsServer(options.tls);
  // A plain request (a journey's HTTP steps) gets a short 200.
  server.on('request', (_req, res) => res.end('ok'));
  const wss = new WebSocketServer(options.path === undefined ? { server } : { server, path: options.path });
  let messages = 0;
  let bytes = 0;
  let connections = 0;
  let pongs = 0;
  let binaryOnly = true;
  const codes: Record<string, number> = {};
  const open = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    connections++;
    open.add(ws);
    let mine = 0;
    ws.on('error', () => {});
    ws.on('pong', () => pongs++);
    ws.on('close', (code) => {
      open.delete(ws);
      codes[String(code)] = (codes[String(code)] ?? 0) + 1;
    });
    for (let i = 0; i < (options.pingsOnOpen ?? 0); i++) ws.ping(`p${i}`);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      messages++;
      mine++;
      bytes += data.length;
      if (!isBinary) binaryOnly = false;
      if (options.echo !== false) ws.send(data, { binary: isBinary });
      const closeAfter = options.closeAfter;
      if (closeAfter !== undefined && mine === closeAfter.messages) ws.close(closeAfter.code, 'enough');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `${options.tls === undefined ? 'ws' : 'wss'}://127.0.0.1:${port}`,
    messages: () => messages,
    bytes: () => bytes,
    connections: () => connections,
    pongs: () => pongs,
    closeCodes: () => ({ ...codes }),
    allBinary: () => binaryOnly,
    close: async () => {
      for (const ws of open) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
