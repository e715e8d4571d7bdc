// A ClientSocket on net.Socket or tls.TLSSocket: for TLS, and where the raw TCP handle is not there.

import net from 'node:net';
import type tls from 'node:tls';
import { socketFailureCode } from '../failures.js';
import type { ClientSocket, Endpoint, SocketHandler, TlsInfo, TlsSettings } from './client-socket.js';
import { openTunnel } from './proxy-tunnel.js';

/** Plain sockets read into one shared buffer through `onread`, skipping a Buffer per read. */
const RECEIVE_BUFFER = Buffer.allocUnsafe(64 * 1024);
const owners = new WeakMap<net.Socket, StreamSocket>();
/** TLS sockets read into this one: each read is handled before the next. */
const TLS_RECEIVE_BUFFER = Buffer.allocUnsafe(64 * 1024);
function onRead(this: net.Socket, length: number, bytes: Uint8Array): boolean {
  const socket = owners.get(this);
  socket?.handler.onData(socket, bytes, length);
  return true; // false would pause the socket
}

/**
 * One TLS context per run, built from its settings (the Endpoint's, one object per run): tls.connect()
 * would otherwise build a fresh one per connection (a new OpenSSL SSL_CTX and its certificate
 * store), which roughly doubled the cost of a connection per request over HTTPS.
 */
const contexts = new WeakMap<TlsSettings, tls.SecureContext>();

function contextFor(settings: TlsSettings): tls.SecureContext {
  let context = contexts.get(settings);
  if (context === undefined) {
    const { minVersion, maxVersion, ciphers, clientPem, caPem } = settings;
    context = process.getBuiltinModule('node:tls').createSecureContext({
      ...(minVersion === null ? {} : { minVersion }),
      ...(maxVersion === null ? {} : { maxVersion }),
      ...(ciphers === null ? {} : { ciphers }),
      // OpenSSL picks the certificates and the key out of the one file, as ab's -E has it.
      ...(clientPem === null ? {} : { cert: clientPem, key: clientPem }),
      ...(caPem === null ? {} : { ca: caPem }),
    });
    contexts.set(settings, context);
  }
  return context;
}

export class StreamSocket implements ClientSocket {
  handler: SocketHandler;
  /** The socket the connection's bytes flow on: through a tunnel, the TCP one until TLS takes it over. */
  #socket: net.Socket;
  /** Through a tunnel, the TCP socket under the TLS one; both may report the close, the handler hears it once. */
  #closed = false;
  readonly #tls: boolean;
  /** One callback per socket, not per write: a failed write reports here before the 'error' event. */
  readonly #afterWrite = (e: Error | null | undefined): void => {
    if (e) this.#reportError(e, true);
  };
  readonly #onDrain = (): void => this.handler.onWritten?.(this);

  constructor(options: Endpoint, handler: SocketHandler) {
    this.handler = handler;
    const local = options.localAddress === null ? {} : { localAddress: options.localAddress };
    const where = options.unixPath === null ? { host: options.address, port: options.port } : { path: options.unixPath };
    const t = options.tls;
    this.#tls = t !== null;
    if (t !== null && options.tunnel === null) {
      this.#socket = this.#startTls(t, { ...where, ...local });
      return;
    }
    const s = net.connect({
      ...where,
      noDelay: true,
      // TLS reads through its own buffers, so the shared one is only for plain sockets.
      // A tunnel's CONNECT answer is read as 'data' events (proxy-tunnel.ts), so a plain one goes without it too.
      ...(t === null && options.tunnel === null ? { onread: { buffer: RECEIVE_BUFFER, callback: onRead } } : {}),
      ...local,
    });
    this.#socket = s;
    s.on('drain', this.#onDrain);
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (this.#socket === s) this.#reportError(e, s.writableLength > 0);
    });
    s.on('close', () => {
      // Once TLS runs over it, the TLS socket reports the close, after any error of its own.
      if (this.#socket === s) this.#onClose();
    });
    const tunnel = options.tunnel;
    if (tunnel === null) {
      owners.set(s, this);
      s.on('connect', () => this.handler.onConnect(this));
      return;
    }
    if (t === null) {
      // A plain tunnel (a WebSocket through -X): the origin's bytes flow once the proxy agreed.
      s.on('connect', () =>
        openTunnel(s, tunnel, (failure) => {
          if (this.#closed) return;
          if (failure !== null) {
            this.handler.onError(this, failure.code, false, failure.message);
            s.destroy();
            return;
          }
          s.on('data', (chunk: Buffer) => this.handler.onData(this, chunk, chunk.length));
          this.handler.onConnect(this);
        }),
      );
      return;
    }
    s.on('connect', () =>
      openTunnel(s, tunnel, (failure) => {
        if (this.#closed) return;
        if (failure === null) {
          // The tunnel is this connection's TCP part: TLS starts now.
          this.handler.onTcpConnect?.(this);
          this.#socket = this.#startTls(t, { socket: s });
          return;
        }
        this.handler.onError(this, failure.code, false, failure.message);
        s.destroy();
      }),
    );
  }

  #startTls(
    t: TlsSettings,
    where: { host: string; port: number; localAddress?: string } | { path: string; localAddress?: string } | { socket: net.Socket },
  ): tls.TLSSocket {
    const node = process.getBuiltinModule('node:tls');
    // onread is net.Socket's option; TLSSocket takes it too (not over an existing socket, a tunnel),
    // though @types/node does not list it for tls.connect.
    const options: tls.ConnectionOptions & Pick<net.NetConnectOpts, 'onread'> = {
      secureContext: contextFor(t),
      rejectUnauthorized: t.verify,
      ...(t.servername === null ? {} : { servername: t.servername }),
      ...(t.alpn === null ? {} : { ALPNProtocols: [...t.alpn] }),
      // Decrypted bytes straight into one buffer, as for plain sockets: TLS hands each record over on
      // its own, and a Buffer and a trip through the stream's machinery per record cost more than gb's
      // work on it (a response per record from nginx over HTTP/2).
      onread: { buffer: TLS_RECEIVE_BUFFER, callback: (length, bytes) => this.#onTlsRead(length, bytes) },
      ...where,
    };
    const s = node.connect(options);
    // Where a Node version would not take onread for TLS, the bytes come as 'data' events instead.
    s.on('data', (chunk: Buffer) => this.handler.onData(this, chunk, chunk.length));
    // Over a socket of its own TLS hears TCP connect first; over a tunnel's, that was the tunnel opening.
    if (!('socket' in where)) s.on('connect', () => this.handler.onTcpConnect?.(this));
    s.on('drain', this.#onDrain);
    s.on('secureConnect', () => {
      s.setNoDelay(true);
      this.handler.onConnect(this);
    });
    // Bytes still queued when the socket fails (often seen as a read error first) are a failed write.
    s.on('error', (e: NodeJS.ErrnoException) => this.#reportError(e, s.writableLength > 0));
    s.on('close', () => this.#onClose());
    return s;
  }

  /** Node's code (an errno name, OpenSSL's, a certificate's) is reported as it is, beside the failure code it maps to. */
  #reportError(e: NodeJS.ErrnoException, inWrite: boolean): void {
    const libraryCode = e.code ?? null;
    this.handler.onError(this, socketFailureCode(libraryCode), inWrite, libraryCode ?? e.message);
  }

  #onTlsRead(length: number, bytes: Uint8Array): boolean {
    this.handler.onData(this, bytes, length);
    return true;
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.handler.onClose(this);
  }

  write(bytes: Buffer): boolean {
    this.#socket.write(bytes, this.#afterWrite);
    // Nothing left in the stream's queue: the handle wrote it all synchronously (TLS encrypts at once
    // into its own buffers), and nothing refers to `bytes` any more.
    return this.#socket.writableLength === 0;
  }

  get backlogged(): boolean {
    // Past the high-water mark the stream emits 'drain' once it is empty again (onWritten).
    return this.#socket.writableNeedDrain;
  }

  destroy(): void {
    this.#socket.destroy();
  }

  alpnProtocol(): string | null {
    if (!this.#tls) return null;
    const chosen = (this.#socket as tls.TLSSocket).alpnProtocol;
    return typeof chosen === 'string' ? chosen : null;
  }

  tlsInfo(): TlsInfo | null {
    if (!this.#tls) return null;
    const s = this.#socket as tls.TLSSocket;
    const cipher = s.getCipher();
    const keyBits = s.getPeerCertificate().bits ?? 0;
    const tempKey = describeTempKey(s.getEphemeralKeyInfo());
    return { protocol: `${s.getProtocol() ?? 'unknown'},${cipher.name},${keyBits},${cipherSecretBits(cipher.name)}`, tempKey };
  }
}

/**
 * The cipher's secret bits, the last number of ab's SSL/TLS line (OpenSSL's SSL_CIPHER_get_bits,
 * which Node does not expose), read from OpenSSL's name of the suite: "ECDHE-RSA-AES128-GCM-SHA256",
 * "TLS_AES_256_GCM_SHA384", "DHE-RSA-CHACHA20-POLY1305". The name's digest part ("SHA256") says
 * nothing about the cipher, so only the cipher's own token counts. 3DES is OpenSSL's 112 (its
 * strength, not its 168-bit key), as ab prints it.
 */
export function cipherSecretBits(name: string): number {
  // "AES_128" (TLS 1.3 names) and "AES128" (OpenSSL's TLS 1.2 names) become one word.
  const words = name
    .toUpperCase()
    .replace(/[-_](\d)/g, '$1')
    .split(/[-_]/);
  // Before DES: triple DES is named DES-CBC3 by OpenSSL.
  if (words.some((word) => word === 'CBC3' || word === '3DES' || word === 'EDE3')) return 112;
  for (const word of words) {
    const sized = /^(?:AES|CAMELLIA|ARIA)(128|256)$/.exec(word);
    if (sized !== null) return Number(sized[1]);
    if (word === 'CHACHA20' || word === 'GOST89' || word === 'MAGMA' || word === 'KUZNYECHIK') return 256;
    if (word === 'RC4' || word === 'SEED' || word === 'IDEA' || word === 'RC2') return 128;
    if (word === 'DES') return 56;
  }
  return 0; // NULL ciphers, and any suite this table does not know
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
