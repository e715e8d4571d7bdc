// The streams of one HTTP/2 connection: every per-stream field, one typed array each indexed by slot, and each
// slot's life (free, queued, open), so that a new field is declared, sized and reset here and nowhere else.

import type { H2RequestSource } from './exchange.js';
import type { H2Frames } from './h2-request.js';
import { SlotQueue } from './slot-queue.js';
import { StreamSlots } from './stream-slots.js';

const LAST_STREAM_ID = 2 ** 31 - 1;

// A slot's state.
export const FREE = 0;
/** Started, waiting for a socket, its SETTINGS, or a stream the server allows. */
export const QUEUED = 1;
/** HEADERS written; the answer is awaited. */
export const OPEN = 2;

/**
 * Arrays rather than an object per stream: a stream then costs no allocation, and the connection's
 * per-frame code reads one stable shape. Each field is reset in one of two places: start() for the
 * request's (kept when it goes out again on another stream), open() for the stream's;
 * test/transport/h2-stream-table.test.ts fails for a field that neither resets.
 */
export class StreamTable {
  readonly size: number;
  readonly state: Uint8Array;

  // The request, from start() to its end.
  /** Each slot's request, and its endpoint row (0 when requests do not differ). */
  readonly requests: H2Frames[];
  readonly rows: Int32Array;
  readonly startMs: Float64Array;
  readonly sentMs: Float64Array;
  /** The connect time on the slot that waited for the socket (0 on the others), with the socket's TCP and TLS parts (-1 on the others). */
  readonly connectUs: Float64Array;
  readonly tcpUs: Float64Array;
  readonly tlsUs: Float64Array;
  /** 1 once the request went out again (GOAWAY, REFUSED_STREAM, an unanswered close): it gets no third try. */
  readonly resent: Uint8Array;

  // The stream, from open() (its HEADERS written) to its end.
  readonly streamId: Float64Array;
  readonly writtenMs: Float64Array;
  /** When the socket had taken the stream's whole request: +Infinity while it holds some, or its body waits for windows. */
  readonly sentEndMs: Float64Array;
  /** The stream's last frame in (its -s clock) and its first (0 before it). */
  readonly activityMs: Float64Array;
  readonly firstFrameMs: Float64Array;
  /** The response's status once its final headers came (0 before). */
  readonly status: Uint16Array;
  readonly headerBytes: Float64Array;
  readonly headerDecoded: Float64Array;
  readonly bodyBytes: Float64Array;
  /** Request body bytes sent so far, and the stream's send window (flow control of the server). */
  readonly bodySent: Float64Array;
  readonly streamWindow: Float64Array;
  /** DATA received on the stream since its window was last handed back. */
  readonly received: Float64Array;
  /** With captureHead: the response's status line and headers. */
  readonly heads: (string | null)[];
  /** With captureBodyBytes: how much of the body is kept so far, in the slot's buffer. */
  readonly bodyKept: Float64Array;
  /** A buffer, not a field: allocated once per slot, on its first body, and kept across the slot's streams. */
  readonly bodies: (Uint8Array | undefined)[];
  /** gRPC: the call's grpc-status (-1 before one came) and grpc-message (null without one). */
  readonly grpcStatus: Int16Array;
  readonly grpcMessage: (string | null)[];
  /** gRPC: length-prefixed messages read whole, and the one being read (see GrpcMessages). */
  readonly grpcMessages: Float64Array;
  readonly grpcPrefixGot: Uint8Array;
  readonly grpcLength: Float64Array;
  readonly grpcRemaining: Float64Array;

  /** Queued slots, oldest first. */
  readonly queue: SlotQueue;
  /** Open streams' slots by stream id. */
  readonly byStream: StreamSlots;
  readonly #free: number[] = [];
  #inflight = 0;
  #open = 0;
  /** The id of the next stream opened on this socket: a client's are odd, from 1 (§5.1.1). */
  #nextStreamId = 1;

  /** `size` slots, each starting with `request` (the run's one, when requests do not differ). */
  constructor(size: number, request: H2Frames) {
    this.size = size;
    this.state = new Uint8Array(size);
    this.requests = new Array<H2Frames>(size).fill(request);
    this.rows = new Int32Array(size);
    this.startMs = new Float64Array(size);
    this.sentMs = new Float64Array(size);
    this.connectUs = new Float64Array(size);
    this.tcpUs = new Float64Array(size);
    this.tlsUs = new Float64Array(size);
    this.resent = new Uint8Array(size);
    this.streamId = new Float64Array(size);
    this.writtenMs = new Float64Array(size);
    this.sentEndMs = new Float64Array(size);
    this.activityMs = new Float64Array(size);
    this.firstFrameMs = new Float64Array(size);
    this.status = new Uint16Array(size);
    this.headerBytes = new Float64Array(size);
    this.headerDecoded = new Float64Array(size);
    this.bodyBytes = new Float64Array(size);
    this.bodySent = new Float64Array(size);
    this.streamWindow = new Float64Array(size);
    this.received = new Float64Array(size);
    this.heads = new Array<string | null>(size).fill(null);
    this.bodyKept = new Float64Array(size);
    this.bodies = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.grpcStatus = new Int16Array(size);
    this.grpcMessage = new Array<string | null>(size).fill(null);
    this.grpcMessages = new Float64Array(size);
    this.grpcPrefixGot = new Uint8Array(size);
    this.grpcLength = new Float64Array(size);
    this.grpcRemaining = new Float64Array(size);
    for (let i = size - 1; i >= 0; i--) this.#free.push(i);
    this.queue = new SlotQueue(size);
    this.byStream = new StreamSlots(size);
  }

  /** Slots no request holds. */
  get free(): number {
    return this.#free.length;
  }

  /** Slots a request holds, queued or open. */
  get inflight(): number {
    return this.#inflight;
  }

  /** Slots whose HEADERS are written. */
  get openStreams(): number {
    return this.#open;
  }

  /** Stream ids this socket has left (2^30 in all). */
  get idsLeft(): number {
    return Math.floor((LAST_STREAM_ID - this.#nextStreamId) / 2) + 1;
  }

  /** A new socket: its stream ids start again. */
  newSocket(): void {
    this.#nextStreamId = 1;
  }

  /** A request starts in a free slot (there must be one) and waits at the queue's back; returns the slot. */
  start(startMs: number, sentMs: number, request: H2Frames, row: number): number {
    const i = this.#free.pop()!;
    this.state[i] = QUEUED;
    this.requests[i] = request;
    this.rows[i] = row;
    this.startMs[i] = startMs;
    this.sentMs[i] = sentMs;
    this.connectUs[i] = 0;
    this.tcpUs[i] = -1;
    this.tlsUs[i] = -1;
    this.resent[i] = 0;
    this.queue.push(i);
    this.#inflight++;
    return i;
  }

  /** Slot `i`'s HEADERS go out as stream `id` at `nowMs` (the caller takes it off the queue): every field of a stream starts over. */
  open(i: number, id: number, nowMs: number, window: number): void {
    this.state[i] = OPEN;
    this.streamId[i] = id;
    this.byStream.set(id, i);
    this.writtenMs[i] = nowMs;
    this.sentEndMs[i] = this.requests[i]!.body === null ? nowMs : Number.POSITIVE_INFINITY;
    this.activityMs[i] = nowMs;
    this.firstFrameMs[i] = 0;
    this.status[i] = 0;
    this.headerBytes[i] = 0;
    this.headerDecoded[i] = 0;
    this.bodyBytes[i] = 0;
    this.bodySent[i] = 0;
    this.streamWindow[i] = window;
    this.received[i] = 0;
    this.heads[i] = null;
    this.bodyKept[i] = 0;
    this.grpcStatus[i] = -1;
    this.grpcMessage[i] = null;
    this.grpcMessages[i] = 0;
    this.grpcPrefixGot[i] = 0;
    this.grpcLength[i] = 0;
    this.grpcRemaining[i] = 0;
    this.#open++;
  }

  /** The `count` slots at the queue's front open as this socket's next streams, their HEADERS written at `nowMs` (the caller then drops them from the queue). */
  openQueued(count: number, nowMs: number, window: number): void {
    for (let j = 0; j < count; j++) {
      this.open(this.queue.at(j), this.#nextStreamId, nowMs, window);
      this.#nextStreamId += 2;
    }
  }

  /**
   * The newest `count` queued requests leave this connection (a take-over); with a source they go
   * back to it in their order, for the taker's draws.
   */
  withdraw(count: number, source: H2RequestSource | null): void {
    const queue = this.queue;
    if (source !== null) {
      for (let j = queue.length - count; j < queue.length; j++) {
        const i = queue.at(j);
        source.giveBackH2(this.requests[i]!, this.rows[i]!);
      }
    }
    for (let j = 0; j < count; j++) this.close(queue.pop()!);
  }

  /** Open slot `i` is queued again, for its one more try (the caller puts it in the queue, where it belongs). */
  requeue(i: number): void {
    this.byStream.delete(this.streamId[i]!);
    this.#open--;
    this.state[i] = QUEUED;
    this.resent[i] = 1;
    this.connectUs[i] = 0;
    this.tcpUs[i] = -1;
    this.tlsUs[i] = -1;
  }

  /** The socket has taken every byte written at `nowMs`: streams whose whole request is written are sent. */
  sent(nowMs: number): void {
    for (let i = 0; i < this.size; i++) {
      if (this.state[i] !== OPEN || this.sentEndMs[i] !== Number.POSITIVE_INFINITY) continue;
      const body = this.requests[i]!.body;
      if (body === null || this.bodySent[i] === body.length) this.sentEndMs[i] = nowMs;
    }
  }

  /** Every slot is free again (the connection is closed). */
  closeAll(): void {
    for (let i = 0; i < this.size; i++) if (this.state[i] !== FREE) this.close(i);
    this.queue.clear();
  }

  /** The slot's request has ended, one way or another: its slot is free again. */
  close(i: number): void {
    if (this.state[i] === OPEN) {
      this.byStream.delete(this.streamId[i]!);
      this.#open--;
    } else if (this.state[i] === QUEUED) {
      this.queue.remove(i);
    }
    this.state[i] = FREE;
    this.#inflight--;
    this.#free.push(i);
  }
}
