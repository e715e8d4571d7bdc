// What an HTTP/2 connection tells its owner about each stream's end: the response's Exchange, timed from the
// stream table's clock readings, or its failure (timed when its read had begun), each request once.

import type { FailureCode, FailureKind } from '../failures.js';
import { Exchange, type ConnectionOwner, type Http2Settings, type LoadConnection } from './exchange.js';
import { FREE, OPEN, type StreamTable } from './h2-stream-table.js';

export class StreamReport {
  readonly #conn: LoadConnection;
  readonly #owner: ConnectionOwner<LoadConnection>;
  readonly #table: StreamTable;
  readonly #settings: Http2Settings;
  /** The connection's clock reading for the chunk being read (element 0): when a response ends. */
  readonly #clock: Float64Array;
  /** Lent to the owner for the length of each call, so reporting allocates nothing. */
  readonly #exchange = new Exchange();
  #lastStartMs = Number.NEGATIVE_INFINITY;
  #lastEndMs = Number.NEGATIVE_INFINITY;

  constructor(
    conn: LoadConnection,
    owner: ConnectionOwner<LoadConnection>,
    table: StreamTable,
    settings: Http2Settings,
    clock: Float64Array,
  ) {
    this.#conn = conn;
    this.#owner = owner;
    this.#table = table;
    this.#settings = settings;
    this.#clock = clock;
  }

  /** How long the response reported last took; NaN before the first. */
  get lastExchangeMs(): number {
    return this.#lastEndMs - this.#lastStartMs;
  }

  /** Slot `i`'s response ended with the chunk being read: its numbers, for the owner (server: the Server header while it is wanted, else null). */
  response(i: number, server: string | null): Exchange {
    const nowMs = this.#clock[0]!;
    const table = this.#table;
    const settings = this.#settings;
    const e = this.#exchange;
    const start = table.startMs[i]!;
    this.#lastStartMs = start;
    this.#lastEndMs = nowMs;
    const firstFrameMs = table.firstFrameMs[i]!;
    const writtenMs = table.writtenMs[i]!;
    const waitUs = Math.round((firstFrameMs - writtenMs) * 1000);
    // A server may answer before the body is all sent: sending ends at its first frame then.
    const sentEndMs = table.sentEndMs[i]!;
    const sendUs = Math.round(((sentEndMs < firstFrameMs ? sentEndMs : firstFrameMs) - writtenMs) * 1000);
    e.status = table.status[i]!;
    e.connectUs = table.connectUs[i]!;
    e.tcpUs = table.tcpUs[i]!;
    e.tlsUs = table.tlsUs[i]!;
    e.waitUs = waitUs < 0 ? 0 : waitUs;
    e.sendUs = sendUs < 0 ? 0 : sendUs;
    e.receiveUs = Math.round((nowMs - firstFrameMs) * 1000);
    e.totalUs = Math.round((nowMs - start) * 1000);
    e.uncorrectedUs = settings.measureUncorrected ? Math.round((nowMs - table.sentMs[i]!) * 1000) : -1;
    e.bodyBytes = table.bodyBytes[i]!;
    e.keptAlive = true;
    e.truncated = false;
    e.server = server;
    e.head = settings.captureHead ? (table.heads[i] ?? null) : null;
    e.body = settings.captureBodyBytes >= 0 ? Buffer.from(table.bodies[i]?.subarray(0, table.bodyKept[i]) ?? new Uint8Array(0)) : null;
    e.headerBytes = table.headerBytes[i]!;
    e.headerDecodedBytes = table.headerDecoded[i]!;
    e.row = table.rows[i]!;
    e.grpcStatus = table.grpcStatus[i]!;
    e.grpcMessage = table.grpcMessage[i]!;
    e.grpcMessages = table.grpcMessages[i]!;
    return e;
  }

  /** Slot `i`'s stream failed in its read at `nowMs` (a reset, a timeout, a bad answer, a close): timed to then, as ab's done. */
  failedRead(i: number, nowMs: number): void {
    const table = this.#table;
    const e = this.#exchange;
    e.connectUs = table.connectUs[i]!;
    const waitUs = table.firstFrameMs[i] === 0 ? 0 : Math.round((table.firstFrameMs[i]! - table.writtenMs[i]!) * 1000);
    e.waitUs = waitUs < 0 ? 0 : waitUs;
    e.totalUs = Math.round((nowMs - table.startMs[i]!) * 1000);
    e.row = table.rows[i]!;
    this.#owner.onFailedRead(nowMs, e);
  }

  /** Slot `i`'s request failed: with a source, its endpoint row is told (before the owner's onFailure), and the slot is free again. */
  lose(i: number): void {
    if (this.#settings.source !== null) this.#owner.onRowFailed(this.#table.rows[i]!);
    this.#table.close(i);
  }

  /** Slot `i`'s open stream failed at `nowMs`: timed, told and freed; the caller reports the failures together. */
  loseRead(i: number, nowMs: number): void {
    this.failedRead(i, nowMs);
    this.lose(i);
  }

  /** Every open stream failed at `nowMs` (the connection broke): each timed, told and freed; returns how many. */
  loseOpen(nowMs: number): number {
    const table = this.#table;
    let lost = 0;
    for (let i = 0; i < table.size; i++) {
      if (table.state[i] !== OPEN) continue;
      this.loseRead(i, nowMs);
      lost++;
    }
    return lost;
  }

  /** Every request of the connection failed, queued or open (timed: the open ones as failed reads); returns how many. */
  loseAll(nowMs: number, timed: boolean): number {
    const table = this.#table;
    let lost = 0;
    for (let i = 0; i < table.size; i++) {
      if (table.state[i] === FREE) continue;
      if (timed && table.state[i] === OPEN) this.failedRead(i, nowMs);
      this.lose(i);
      lost++;
    }
    table.queue.clear();
    return lost;
  }

  /** `count` requests go out again on a new stream (the server did not process them). */
  resent(count: number): void {
    this.#owner.onResent(count);
  }

  /** `count` requests of this connection failed; the owner may start others from here. */
  failed(kind: FailureKind, count: number, code: FailureCode, message: string, nowMs: number): void {
    this.#owner.onFailure(this.#conn, nowMs, kind, count, code, message);
  }
}
