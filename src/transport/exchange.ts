// The contract between a connection and its owner: what the owner sets up (settings, clock, sockets),
// and what the connection reports back: each finished exchange as numbers, each failure as a kind, a code and a message.

import { performance } from 'node:perf_hooks';
import type { FailureCode, FailureKind } from '../failures.js';
import { openSocket, type ClientSocket, type Endpoint, type SocketHandler, type TlsInfo } from './client-socket.js';
import type { H2Frames } from './h2-request.js';

/** What a connection takes from the outside world: a clock and sockets. Tests pass fakes of both. */
export interface ConnectionIo {
  /** Milliseconds on a monotonic clock (performance.now()). */
  now(): number;
  open(endpoint: Endpoint, handler: SocketHandler): ClientSocket;
}

export const REAL_IO: ConnectionIo = { now: () => performance.now(), open: openSocket };

/** A connected socket's TLS details go to the owner while it wants them (it reports the first). */
export function reportTlsInfo(owner: ConnectionOwner<unknown>, socket: ClientSocket, endpoint: Endpoint): void {
  if (!owner.wantsTlsInfo) return;
  const info = socket.tlsInfo();
  if (info !== null) owner.onTlsInfo(info, endpoint.tls?.servername ?? null);
}

/**
 * Where a connection's requests come from when they differ (--targets, a script). Each pick hands
 * back bytes built earlier (a static target's are built once per run) and sets `row` and `isHead`
 * for it; the connection keeps them per slot, so a request sent again is the same request.
 */
export interface RequestSource {
  next(): Buffer;
  /** The endpoint row of the request `next()` returned last. */
  readonly row: number;
  readonly isHead: boolean;
  /**
   * A request drawn earlier and never written (its connect was given up in a take-over): the next
   * draws hand it back first, so it keeps its place in the run and is sent as the same request.
   */
  giveBack(request: Buffer, row: number, isHead: boolean): void;
}

export interface ExchangeSettings {
  /** Requests that differ: picked per request from here; null when every request is `bursts[1]`. */
  readonly source: RequestSource | null;
  /** bursts[k] is k requests back to back (k ≤ pipeline): a pipelined burst is one write, no allocation. Shared by every connection. */
  readonly bursts: readonly Buffer[];
  /** Requests in flight per connection. */
  readonly pipeline: number;
  readonly isHead: boolean;
  readonly keepAlive: boolean;
  /** Rate mode: also time each exchange from its actual send, besides its intended start. */
  readonly measureUncorrected: boolean;
  /** Hand each response's status line and headers to the owner (ab's -v 2 and up, a script's response()); off, it costs one test per chunk. */
  readonly captureHead: boolean;
  /** With captureHead: also keep up to this many body bytes (a script's response() asked for bodies); -1 for none. */
  readonly captureBodyBytes: number;
}

/**
 * Where each stream's request comes from when requests differ (--targets, a script): like the
 * HTTP/1.x RequestSource, each pick hands back frames built earlier and sets `row` for it; the
 * slot keeps them, so a stream sent again (GOAWAY, REFUSED_STREAM) is the same request.
 */
export interface H2RequestSource {
  nextH2(): H2Frames;
  /** The endpoint row of the request `nextH2()` returned last. */
  readonly row: number;
  /** A stream's request drawn earlier and never sent (a take-over): the next draws hand it back first (see RequestSource.giveBack). */
  giveBackH2(frames: H2Frames, row: number): void;
}

export interface Http2Settings {
  /** Every stream's HEADERS frames and body when requests do not differ (built once per run). */
  readonly request: H2Frames;
  /** Requests that differ: picked per stream from here; null when every stream sends `request`. */
  readonly source: H2RequestSource | null;
  /** Some request may have a body: DATA is pumped as windows open. */
  readonly bodies: boolean;
  /** Streams in flight per connection (--streams, the same setting as --pipeline). */
  readonly streams: number;
  readonly isHead: boolean;
  readonly measureUncorrected: boolean;
  readonly captureHead: boolean;
  /** With captureHead: also keep up to this many body bytes per stream (a script's response() asked for bodies); -1 for none. */
  readonly captureBodyBytes: number;
  /** gb grpc: read each call's grpc-status and grpc-message, and count the length-prefixed messages of its body. */
  readonly grpc?: boolean;
}

/**
 * One finished exchange. Each connection fills its own and lends it for the length of the call,
 * so reporting a response allocates nothing.
 */
export class Exchange {
  status = 0;
  connectUs = 0;
  /** From the request's write to the response's first byte. */
  waitUs = 0;
  /** From the request's start: its send, or its intended send in rate mode. */
  totalUs = 0;
  /** Rate mode: Total from the actual send; -1 otherwise. */
  uncorrectedUs = -1;
  /**
   * The connection's own phases, on the exchange that waited for it to open (as connectUs): TCP
   * (opening to connected; through a proxy's tunnel, until the tunnel is open) and the TLS handshake
   * after it; -1 on other exchanges, and TLS -1 without TLS. Over HTTP/2 connectUs also holds the
   * SETTINGS exchange, which neither counts.
   */
  tcpUs = -1;
  tlsUs = -1;
  /** From the request's write to the socket having taken all of it (0 when the write call did), capped at waitUs. */
  sendUs = 0;
  /** From the response's first byte to its last. */
  receiveUs = 0;
  bodyBytes = 0;
  /** The connection stays open for the next request. */
  keptAlive = false;
  /** A close cut the body short. */
  truncated = false;
  /** The Server header, while the connection captures it (until its first response); else null. */
  server: string | null = null;
  /** -v: the response's status line and headers (CRLF line ends), when the connection copies them; else null. */
  head: string | null = null;
  /** HTTP/2: the response's header block as sent (HPACK) and as decoded (names and values); 0 for HTTP/1.x. */
  headerBytes = 0;
  headerDecodedBytes = 0;
  /** The endpoint row of the request (its RequestSource's row); 0 when requests do not differ. */
  row = 0;
  /** With captureBodyBytes: the start of the body (de-chunked); else null. */
  body: Buffer | null = null;
  /** gb grpc: the call's grpc-status (-1 without one), its grpc-message (null without one), and the messages its body held. */
  grpcStatus = -1;
  grpcMessage: string | null = null;
  grpcMessages = 0;
  /** Set by the owner, not the connection: a script's response() rejected the response. */
  rejected = false;
}

/** What the engine drives, whichever protocol carries it: HTTP/1.x (Connection) or HTTP/2 (Http2Connection). */
export interface LoadConnection {
  /** Free request slots (pipelined requests, or streams). */
  readonly capacity: number;
  /** How long the request last answered took; NaN before the first. */
  readonly lastExchangeMs: number;
  /** When requests began waiting for a connect; +Infinity when none wait for one. */
  readonly waitingSinceMs: number;
  /** The engine's bookkeeping: whether this connection waits in its idle list (rate mode). */
  parked: boolean;
  /**
   * Up to `max` requests that wait for a connect leave this connection (the count is returned); with a
   * source their requests go back to it, so the taker's send() of that count sends these same requests.
   */
  withdraw(max: number): number;
  send(startMs: number, count: number): void;
  checkTimeout(nowMs: number, timeoutMs: number): void;
  close(): number;
}

/** The engine's side of a connection: it decides what the numbers mean. Calls carry no closures or new objects. */
export interface ConnectionOwner<Conn> {
  /** A response ended on `conn`; the owner may call conn.send() from here. */
  onResponse(conn: Conn, nowMs: number, exchange: Exchange): void;
  /**
   * A request whose read failed after its connection opened (a reset, a timeout, a bad response):
   * ab counts it complete and times it to its end. Only the timing fields are set. onFailure follows.
   */
  onFailedRead(nowMs: number, exchange: Exchange): void;
  /** The oldest `count` requests on `conn` failed; the owner may call conn.send() from here. */
  onFailure(conn: Conn, nowMs: number, kind: FailureKind, count: number, code: FailureCode, message: string): void;
  onBytesRead(nowMs: number, bytes: number): void;
  onBytesWritten(bytes: number): void;
  /** `count` requests are about to fail because a write on their socket failed (ab's Write errors). */
  onWriteErrors(count: number): void;
  /** With a RequestSource: the request of endpoint `row` failed (called once per request, before onFailure). */
  onRowFailed(row: number): void;
  /** `count` requests go out again on a new socket: the server closed with them unanswered. */
  onResent(count: number): void;
  /** Whether the owner still wants a TLS session's details (it reports the first). */
  readonly wantsTlsInfo: boolean;
  onTlsInfo(info: TlsInfo, serverName: string | null): void;
  /** HTTP/2: the server allows fewer concurrent streams than --streams asked for. */
  onStreamLimit(limit: number): void;
}
