// A ClientSocket on net.Socket or tls.TLSSocket: for TLS, and where the raw TCP handle is not there.

import net from 'node:net';
import type tls from 'node:tls';
import type { ClientSocket, SocketHandler, TlsInfo } from './client-socket.js';

/** Plain sockets read into one shared buffer through `onread`, skipping a Buffer per read. */
const RECEIVE_BUFFER = Buffer.allocUnsafe(64 * 1024);
const owners = new WeakMap<net.Socket, StreamSocket>();
function onRead(this: net.Socket, length: number, bytes: Uint8Array): boolean {
  const socket = owners.get(this);
  socket?.handler.onData(socket, bytes, length);
  return true; // false would pause the socket
}

/**
 * One TLS context for every connection: tls.connect() would otherwise build a fresh one per
 * connection (a new OpenSSL SSL_CTX and its certificate store), which roughly doubled the cost of a
 * connection per request over HTTPS.
 */
let sharedContext: tls.SecureContext | null = null;

export interface StreamSocketOptions {
  readonly address: string;
  readonly port: number;
  readonly localAddress: string | null;
  /** null for plain TCP. */
  readonly tls: { readonly servername: string | null; readonly verify: boolean } | null;
}

export class StreamSocket implements ClientSocket {
  handler: SocketHandler;
  readonly #socket: net.Socket;
  readonly #tls: boolean;
  /** One callback per socket, not per write: a failed write reports here before the 'error' event. */
  readonly #afterWrite = (e: Error | null | undefined): void => {
    if (e) this.handler.onError(this, (e as NodeJS.ErrnoException).code ?? e.message, true);
  };

  constructor(options: StreamSocketOptions, handler: SocketHandler) {
    this.handler = handler;
    const local = options.localAddress === null ? {} : { localAddress: options.localAddress };
    const t = options.tls;
    this.#tls = t !== null;
    const s =
      t !== null
        ? process.getBuiltinModule('node:tls').connect({
            secureContext: (sharedContext ??= process.getBuiltinModule('node:tls').createSecureContext()),
            host: options.address,
            port: options.port,
            rejectUnauthorized: t.verify,
            ...(t.servername === null ? {} : { servername: t.servername }),
            ...local,
          })
        : net.connect({
            host: options.address,
            port: options.port,
            noDelay: true,
            onread: { buffer: RECEIVE_BUFFER, callback: onRead },
            ...local,
          });
    this.#socket = s;
    if (t !== null) s.on('data', (chunk: Buffer) => this.handler.onData(this, chunk, chunk.length));
    else owners.set(s, this);
    s.on(t !== null ? 'secureConnect' : 'connect', () => {
      s.setNoDelay(true);
      this.handler.onConnect(this);
    });
    // Bytes still queued when the socket fails (often seen as a read error first) are a failed write.
    s.on('error', (e: NodeJS.ErrnoException) => this.handler.onError(this, e.code ?? e.message, s.writableLength > 0));
    s.on('close', () => this.handler.onClose(this));
  }

  write(bytes: Buffer): void {
    this.#socket.write(bytes, this.#afterWrite);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  tlsInfo(): TlsInfo | null {
    if (!this.#tls) return null;
    const s = this.#socket as tls.TLSSocket;
    const cipher = s.getCipher();
    const keyBits = s.getPeerCertificate().bits ?? 0;
    const cipherBits = /256/.test(cipher.name) ? 256 : /128/.test(cipher.name) ? 128 : 0;
    const tempKey = describeTempKey(s.getEphemeralKeyInfo());
    return { protocol: `${s.getProtocol() ?? 'unknown'},${cipher.standardName || cipher.name},${keyBits},${cipherBits}`, tempKey };
  }
}

/**
 * ab's Server Temp Key text, e.g. "X25519 253 bits". Node 24 on (OpenSSL 3.5) names a hybrid
 * post-quantum group such as X25519MLKEM768 without a size, so the name alone is printed; Node 22
 * on the same OpenSSL tells nothing about such a group (an empty object), so there is no line.
 */
export function describeTempKey(key: object | null): string | null {
  if (key === null) return null;
  const { name, type, size } = key as { name?: unknown; type?: unknown; size?: unknown };
  const label = typeof name === 'string' ? name : typeof type === 'string' ? type : null;
  if (typeof size === 'number') return `${label ?? 'unknown'} ${size} bits`;
  return label;
}
