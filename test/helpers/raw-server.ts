// A bare TCP server on 127.0.0.1 that answers each HTTP request head with exact bytes, for responses node:http will not produce.

import { listenLoopback } from './loopback.js';

/** The bytes to answer request number `index` (0-based, counted across all connections in arrival order). */
export type RawReply = (index: number) => Buffer | string;

export interface RawServerOptions {
  readonly reply: RawReply;
  /** End the connection after writing this reply (close-delimited bodies, `Connection: close`). */
  readonly closeAfterReply?: boolean;
  /**
   * With closeAfterReply: wait this long before ending, ignoring whatever arrives meanwhile, as a server
   * whose keep-alive idle timeout races the client's next request would. Default 0: end at once.
   */
  readonly closeDelayMs?: number;
}

export interface RawServer {
  readonly url: string;
  readonly port: number;
  /** Requests answered so far: request heads (ending at CRLF CRLF; a Content-Length body is skipped) not ignored by closeDelayMs. */
  readonly requests: () => number;
  /** TCP connections accepted so far. */
  readonly connections: () => number;
  /** Destroys every open connection and resolves once the listener is closed. */
  close(): Promise<void>;
}

const HEAD_END = Buffer.from('\r\n\r\n');

function contentLengthOf(head: string): number {
  const match = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  return match === null ? 0 : Number(match[1]);
}

export async function startRawServer(options: RawServerOptions): Promise<RawServer> {
  let requestCount = 0;
  let connectionCount = 0;
  const closeTimers = new Set<NodeJS.Timeout>();

  const server = await listenLoopback((socket) => {
    connectionCount++;
    let pending: Buffer = Buffer.alloc(0);
    let bodyBytesLeft = 0;
    let ended = false;
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // Several requests may arrive in one chunk (pipelining), so loop until no complete head is left.
      while (!ended) {
        if (bodyBytesLeft > 0) {
          const skipped = Math.min(bodyBytesLeft, pending.length);
          bodyBytesLeft -= skipped;
          pending = pending.subarray(skipped);
          if (bodyBytesLeft > 0) return;
        }
        const end = pending.indexOf(HEAD_END);
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        pending = pending.subarray(end + HEAD_END.length);
        bodyBytesLeft = contentLengthOf(head);
        const index = requestCount++;
        socket.write(options.reply(index));
        if (options.closeAfterReply === true) {
          ended = true;
          const delayMs = options.closeDelayMs ?? 0;
          if (delayMs <= 0) socket.end();
          else {
            const timer = setTimeout(() => {
              closeTimers.delete(timer);
              socket.end();
            }, delayMs);
            closeTimers.add(timer);
          }
        }
      }
    });
  });

  return {
    url: server.url,
    port: server.port,
    requests: () => requestCount,
    connections: () => connectionCount,
    close: () => {
      for (const timer of closeTimers) clearTimeout(timer);
      closeTimers.clear();
      return server.close();
    },
  };
}
