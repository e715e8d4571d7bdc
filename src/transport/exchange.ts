// What a connection tells its owner: each finished exchange as numbers, each failure as a kind, a code and a message.

import type { FailureKind } from '../failures.js';
import type { TlsInfo } from './client-socket.js';

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
  bodyBytes = 0;
  /** The connection stays open for the next request. */
  keptAlive = false;
  /** A close cut the body short. */
  truncated = false;
  /** The Server header, while the connection captures it (until its first response); else null. */
  server: string | null = null;
  /** -v: the response's status line and headers (CRLF line ends), when the connection copies them; else null. */
  head: string | null = null;
}

/** The engine's side of a connection: it decides what the numbers mean. Calls carry no closures or new objects. */
export interface ConnectionOwner<Conn> {
  /** A response ended on `conn`; the owner may call conn.send() from here. */
  onResponse(conn: Conn, nowMs: number, exchange: Exchange): void;
  /** The oldest `count` requests on `conn` failed; the owner may call conn.send() from here. */
  onFailure(conn: Conn, nowMs: number, kind: FailureKind, count: number, code: string, message: string): void;
  onBytesRead(nowMs: number, bytes: number): void;
  onBytesWritten(bytes: number): void;
  /** `count` requests are about to fail because a write on their socket failed (ab's Write errors). */
  onWriteErrors(count: number): void;
  /** `count` requests go out again on a new socket: the server closed with them unanswered. */
  onResent(count: number): void;
  /** Whether the owner still wants a TLS session's details (it reports the first). */
  readonly wantsTlsInfo: boolean;
  onTlsInfo(info: TlsInfo, serverName: string | null): void;
}
