// The few things a connection needs from a socket, whichever implementation carries it.

import type { TlsOptions } from '../config/config.js';
import type { FailureCode } from '../failures.js';
import { RawTcpSocket, rawTcpAvailable } from './raw-tcp.js';
import { StreamSocket } from './stream-socket.js';
import type { Tunnel } from './proxy-tunnel.js';

/** Events of one socket, delivered to whoever owns it now; every call names the socket it is about. */
export interface SocketHandler {
  onConnect(socket: ClientSocket): void;
  /** bytes[0, length) arrived; the array is reused after the call returns. */
  onData(socket: ClientSocket, bytes: Uint8Array, length: number): void;
  /**
   * A socket error: its failure code (ECONNREFUSED, TLS_ALERT_HANDSHAKE_FAILURE, PROXY_REFUSED, …)
   * and what to report for it: the socket layer's own code (ECONNREFUSED, ERR_SSL_…), or more when
   * the code alone does not say enough (a proxy's refusal names its status). onClose follows.
   * inWrite: a write failed (ab counts those apart, as Write errors).
   */
  onError(socket: ClientSocket, code: FailureCode, inWrite: boolean, message: string): void;
  /** The socket is closed; no event follows. */
  onClose(socket: ClientSocket): void;
  /**
   * TLS only: the TCP connection (through a proxy, the tunnel) is up and the handshake begins;
   * onConnect follows when it is done. Handlers that time nothing leave it out.
   */
  onTcpConnect?(socket: ClientSocket): void;
  /** The socket was backlogged (see ClientSocket.backlogged) and has now handed all of it to the kernel. */
  onWritten?(socket: ClientSocket): void;
}

export interface TlsInfo {
  /** e.g. "TLSv1.2,ECDHE-RSA-AES128-GCM-SHA256,2048,128", as ab prints it. */
  readonly protocol: string;
  /** The key exchange's ephemeral key, e.g. "X25519 253 bits" (ab's Server Temp Key), or null. */
  readonly tempKey: string | null;
}

export interface ClientSocket {
  /** Who gets this socket's events; a connection hands a socket it gives up to a drainer. */
  handler: SocketHandler;
  /**
   * Writes `bytes`. True when the socket is done with them on return (the kernel took them all), so
   * the caller may fill the same buffer again; false while a write still holds them.
   */
  write(bytes: Buffer): boolean;
  /**
   * After a write: bytes are still waiting for the kernel beyond what the socket takes at once (a
   * large body, a full send buffer), and the handler hears onWritten when they are gone. Node's
   * stream buffer below its high-water mark counts as taken, so TLS, which completes every write a
   * turn later, is not backlogged by a request. Absent means never backlogged.
   */
  readonly backlogged?: boolean;
  /** Closes at once. onClose still follows, unless the handler was changed before. */
  destroy(): void;
  /** TLS details, once connected over TLS; null for plain TCP. */
  tlsInfo(): TlsInfo | null;
  /** The protocol ALPN settled on ('h2', 'http/1.1'), or null: plain TCP, or the server chose none. */
  alpnProtocol(): string | null;
}

/** Where and how to connect; resolved once per run so no request pays for a DNS lookup. */
export interface Endpoint {
  readonly address: string;
  /** Whether `address` is an IPv6 address (decided once, not per connection). */
  readonly ipv6: boolean;
  readonly port: number;
  /** null for plain HTTP. One object per run: the run's one TLS context is built from it. */
  readonly tls: TlsSettings | null;
  readonly localAddress: string | null;
  /** A unix domain socket to connect to instead of address and port (which then only name the target). */
  readonly unixPath: string | null;
  /**
   * HTTPS through a proxy: `address` and `port` are the proxy's, and this is the CONNECT that opens
   * the tunnel to the origin. null otherwise (plain HTTP through a proxy just connects to it).
   */
  readonly tunnel: Tunnel | null;
}

export interface TlsSettings extends TlsOptions {
  /** SNI name, or null for an IP literal (TLS forbids IPs there). */
  readonly servername: string | null;
  readonly verify: boolean;
  /** The protocols offered by ALPN, most wanted first (['h2'] with --http2); null offers none. */
  readonly alpn: readonly string[] | null;
}

/**
 * The socket layers gb drives: libuv's TCP handle directly, net.Socket, tls.TLSSocket, or a unix
 * domain socket (net.Socket on a path, with TLS over it for https).
 */
export type SocketLayer = 'raw-tcp' | 'net' | 'tls' | 'unix';

/** The socket layer openSocket picks in this thread: the raw TCP handle for plain HTTP where Node has it, else net/tls. */
export function transportFor(tls: boolean, unix: boolean): SocketLayer {
  if (unix) return 'unix';
  if (tls) return 'tls';
  return rawTcpAvailable ? 'raw-tcp' : 'net';
}

export function openSocket(ep: Endpoint, handler: SocketHandler): ClientSocket {
  // A unix socket takes net.Socket: the raw handle is tcp_wrap, which cannot connect to a path.
  // A tunnel through a proxy (a WebSocket's, over plain TCP) needs the stream socket's CONNECT.
  if (ep.unixPath === null && ep.tunnel === null && transportFor(ep.tls !== null, false) === 'raw-tcp')
    return new RawTcpSocket(ep.address, ep.port, ep.ipv6, ep.localAddress, handler);
  return new StreamSocket(ep, handler);
}
