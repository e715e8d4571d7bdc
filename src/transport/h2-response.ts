// Each HTTP/2 stream's answer as its frames bring it: header blocks decoded (HPACK: :status past any 1xx, the
// Server header while it is wanted, -v's head), DATA counted and, when asked, its body kept up to a cap.

import type { Http2Settings } from './exchange.js';
import { F_END_STREAM } from './h2-frames.js';
import type { ProtocolErrorSink } from './h2-error-codes.js';
import type { StreamTable } from './h2-stream-table.js';
import { HpackDecoder } from './hpack-decoder.js';
import { countGrpcMessages, grpcCutShort } from './grpc-messages.js';

/** Why a gRPC call that ended is no answer: it stopped inside a message, or without a grpc-status. */
export type GrpcProblem = 'GRPC_CUT_SHORT' | 'GRPC_NO_STATUS';
export const GRPC_PROBLEM_TEXT: Readonly<Record<GrpcProblem, string>> = {
  GRPC_CUT_SHORT: 'bad gRPC response: the stream ended inside a message (its length prefix promised more bytes)',
  GRPC_NO_STATUS: 'bad gRPC response: the stream ended without a grpc-status (no trailers)',
};

/** Where a stream's answer goes once it is whole, and what is wrong with one that is not (the connection). */
export interface ResponseSink extends ProtocolErrorSink {
  /** Slot `i`'s response is whole (its stream ended). */
  onStreamEnd(i: number): void;
}

export class ResponseReader {
  readonly #table: StreamTable;
  readonly #sink: ResponseSink;
  readonly #settings: Http2Settings;
  /** The connection's clock reading for the chunk being read (element 0). */
  readonly #clock: Float64Array;
  /** Per socket: HPACK's dynamic table is the connection's. */
  #decoder = new HpackDecoder();
  /** -v / the first response's Server header: asked of the decoder only while needed. */
  #wantServer = true;
  #server: string | null = null;

  constructor(table: StreamTable, sink: ResponseSink, settings: Http2Settings, clock: Float64Array) {
    this.#table = table;
    this.#sink = sink;
    this.#settings = settings;
    this.#clock = clock;
  }

  /** A new socket: a new HPACK context. */
  reset(): void {
    this.#decoder = new HpackDecoder();
  }

  /** For the response being reported: the Server header ('' when absent) for the first one, null after. */
  takeServer(): string | null {
    const server = this.#wantServer ? (this.#server ?? '') : null;
    this.#wantServer = false;
    return server;
  }

  /**
   * A whole header block for stream `i`'s slot (-1: a stream gb no longer awaits). It is decoded
   * either way, since HPACK's table depends on every block.
   */
  onHeaderBlock(i: number, bytes: Uint8Array, start: number, end: number, endStream: boolean): void {
    const table = this.#table;
    const decoder = this.#decoder;
    // Asked even for a stream gb no longer awaits: a value it leaves out of the dynamic table could be
    // the one the first response refers to.
    decoder.wantServer = this.#wantServer;
    decoder.wantHead = i >= 0 && this.#settings.captureHead;
    decoder.wantGrpc = this.#settings.grpc === true;
    if (!decoder.decode(bytes, start, end)) {
      this.#sink.onConnectionError(decoder.errorCode, `HPACK: ${decoder.error ?? 'undecodable'}`);
      return;
    }
    if (i < 0) return;
    const nowMs = this.#clock[0]!;
    table.activityMs[i] = nowMs;
    if (table.firstFrameMs[i] === 0) table.firstFrameMs[i] = nowMs;
    table.headerBytes[i]! += end - start;
    table.headerDecoded[i]! += decoder.decodedBytes;
    if (decoder.grpcStatus >= 0) {
      table.grpcStatus[i] = decoder.grpcStatus;
      table.grpcMessage[i] = decoder.grpcMessage;
    }
    const status = decoder.status;
    if (table.status[i] === 0) {
      if (status === 0) {
        this.#sink.onStreamError(i, 'BAD_STATUS_LINE', 'bad response: response headers without :status');
        return;
      }
      // 1xx answers come before the real one (RFC 9113 §8.1).
      if (status < 200 && !endStream) return;
      table.status[i] = status;
      if (decoder.server !== null) this.#server = decoder.server;
      if (this.#settings.captureHead)
        table.heads[i] = `HTTP/2 ${status}\r\n${decoder.head
          .filter((line) => !line.startsWith(':'))
          .map((line) => `${line}\r\n`)
          .join('')}`;
    }
    if (endStream) this.#sink.onStreamEnd(i);
  }

  /** A DATA frame of `dataLength` body bytes on slot `i`'s stream; true while the stream goes on. */
  onData(i: number, flags: number, dataLength: number): boolean {
    const table = this.#table;
    const nowMs = this.#clock[0]!;
    table.activityMs[i] = nowMs;
    if (table.firstFrameMs[i] === 0) table.firstFrameMs[i] = nowMs;
    if (table.status[i] === 0) {
      this.#sink.onStreamError(i, 'BAD_HEADER', 'bad response: DATA before the response headers');
      return false;
    }
    table.bodyBytes[i]! += dataLength;
    if ((flags & F_END_STREAM) === 0) return true;
    this.#sink.onStreamEnd(i);
    return false;
  }

  /**
   * A gRPC call that ended with HTTP 200 but is no whole answer; null for one that is (or for any
   * other status, which counts as non-2xx as over HTTP).
   */
  grpcProblem(i: number): GrpcProblem | null {
    const table = this.#table;
    if (this.#settings.grpc !== true || table.status[i] !== 200) return null;
    if (grpcCutShort(table, i)) return 'GRPC_CUT_SHORT';
    return table.grpcStatus[i]! < 0 ? 'GRPC_NO_STATUS' : null;
  }

  /** Body bytes[start, end) of slot `i`'s stream as they come (FrameReader.keepData): gRPC's messages counted, and kept up to captureBodyBytes. */
  onBodyBytes(i: number, bytes: Uint8Array, start: number, end: number): void {
    const table = this.#table;
    if (table.status[i] === 0) return;
    if (this.#settings.grpc === true) countGrpcMessages(table, i, bytes, start, end);
    if (this.#settings.captureBodyBytes < 0) return;
    const cap = this.#settings.captureBodyBytes;
    const kept = table.bodyKept[i]!;
    const n = Math.min(end - start, cap - kept);
    if (n <= 0) return;
    const buf = (table.bodies[i] ??= new Uint8Array(cap));
    buf.set(bytes.subarray(start, start + n), kept);
    table.bodyKept[i] = kept + n;
  }
}
