// The few things a connection needs from a socket, whichever implementation carries it.

import { RawTcpSocket, rawTcpAvailable } from './raw-tcp.js';
import { StreamSocket } from './stream-socket.js';

/** Events of one socket, delivered to whoever owns it now; every call names the socket it is about. */
export interface SocketHandler {
  onConnect(socket: ClientSocket): void;
  /** bytes[0, length) arrived; the array is reused after the call returns. */
  onData(socket: ClientSocket, bytes: Uint8Array, length: number): void;
  /**
   * A socket error, as an errno-style code (ECONNREFUSED, ECONNRESET, …). onClose follows.
   * inWrite: a write failed (ab counts those apart, as Write errors).
   */
  onError(socket: ClientSocket, code: string, inWrite: boolean): void;
  /** The socket is closed; no event follows. */
  onClose(socket: ClientSocket): void;
}

export interface TlsInfo {
  /** e.g. "TLSv1.3,TLS_AES_256_GCM_SHA384,2048,256", as ab prints it. */
  readonly protocol: string;
  /** The key exchange's ephemeral key, e.g. "X25519 253 bits" (ab's Server Temp Key), or null. */
  readonly tempKey: string | null;
}

export interface ClientSocket {
  /** Who gets this socket's events; a connection hands a socket it gives up to a drainer. */
  handler: SocketHandler;
  write(bytes: Buffer): void;
  /** Closes at once. onClose still follows, unless the handler was changed before. */
  destroy(): void;
  /** TLS details, once connected over TLS; null for plain TCP. */
  tlsInfo(): TlsInfo | null;
}

/** Where and how to connect; resolved once per run so no request pays for a DNS lookup. */
export interface Endpoint {
  readonly address: string;
  /** Whether `address` is an IPv6 address (decided once, not per connection). */
  readonly ipv6: boolean;
  readonly port: number;
  readonly tls: boolean;
  /** SNI name, or null for an IP literal (TLS forbids IPs there). */
  readonly servername: string | null;
  readonly verifyTls: boolean;
  readonly localAddress: string | null;
}

/** The socket layers gb drives: libuv's TCP handle directly, net.Socket, or tls.TLSSocket. */
export type SocketLayer = 'raw-tcp' | 'net' | 'tls';

/** The socket layer openSocket picks in this thread: the raw TCP handle for plain HTTP where Node has it, else net/tls. */
export function transportFor(tls: boolean): SocketLayer {
  if (tls) return 'tls';
  return rawTcpAvailable ? 'raw-tcp' : 'net';
}

export function openSocket(ep: Endpoint, handler: SocketHandler): ClientSocket {
  if (transportFor(ep.tls) === 'raw-tcp') return new RawTcpSocket(ep.address, ep.port, ep.ipv6, ep.localAddress, handler);
  return new StreamSocket(
    {
      address: ep.address,
      port: ep.port,
      localAddress: ep.localAddress,
      tls: ep.tls ? { servername: ep.servername, verify: ep.verifyTls } : null,
    },
    handler,
  );
}
