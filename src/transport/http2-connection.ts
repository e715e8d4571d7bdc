// One HTTP/2 connection: streams instead of a pipeline, on gb's own sockets and framing, timed per stream.
// It drives the same engine as the HTTP/1.x Connection (LoadConnection, ConnectionOwner): each stream
// is one request, reported once, whatever the server does with it.

import { unreachable, type FailureCode, type FailureKind, type GbFailureCode } from '../failures.js';
import type { ClientSocket, Endpoint, SocketHandler } from './client-socket.js';
import { Exchange, REAL_IO, type ConnectionIo, type ConnectionOwner, type LoadConnection } from './exchange.js';
import {
  CLIENT_PREFACE, DEFAULT_MAX_FRAME_SIZE, DEFAULT_WINDOW, E_CANCEL, E_COMPRESSION_ERROR, E_FLOW_CONTROL_ERROR, E_FRAME_SIZE_ERROR,
  E_NO_ERROR, E_PROTOCOL_ERROR, E_REFUSED_STREAM, F_ACK, F_END_HEADERS, F_END_STREAM, F_PADDED, F_PRIORITY, FRAME_HEADER_BYTES,
  FrameReader, MAX_WINDOW, S_ENABLE_PUSH, S_INITIAL_WINDOW_SIZE, S_MAX_CONCURRENT_STREAMS, S_MAX_FRAME_SIZE, SETTINGS_ACK,
  T_CONTINUATION, T_DATA, T_GOAWAY, T_HEADERS, T_PING, T_PRIORITY, T_PUSH_PROMISE, T_RST_STREAM, T_SETTINGS, T_WINDOW_UPDATE,
  controlFrame, errorName, goawayFrame, readUint32, rstStreamFrame, settingsFrame, windowUpdateFrame, writeFrameHeader,
  type FrameSink, type FramingErrorCode,
} from './h2-frames.js';
import type { H2Frames } from './h2-request.js';
import { HpackDecoder, type HpackErrorCode } from './hpack-decoder.js';
import { SlotQueue } from './slot-queue.js';
import { discardSocket, releaseSocket } from './socket-drain.js';
import { StreamSlots } from './stream-slots.js';
import { SocketError } from './socket-error.js';

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
}

/**
 * What gb says first on each connection: the preface, its SETTINGS (no push; stream windows as
 * large as HTTP/2 allows, so no response is throttled by gb), and the connection window opened the same.
 */
const OPENING = Buffer.concat([
  CLIENT_PREFACE,
  settingsFrame([[S_ENABLE_PUSH, 0], [S_INITIAL_WINDOW_SIZE, MAX_WINDOW]]),
  windowUpdateFrame(0, MAX_WINDOW - DEFAULT_WINDOW),
]);
/** Received DATA is handed back to the server's window in steps this large (bodies are never kept). */
const WINDOW_STEP = 2 ** 30;
const LAST_STREAM_ID = 2 ** 31 - 1;
const NO_BYTES = Buffer.alloc(0);
const UNANSWERED = 'server closed the connection twice with the stream unanswered';
/** gb's limit on a response's header block, gathered over CONTINUATION frames. */
const MAX_HEADER_BLOCK_BYTES = 1 << 20;

/** Why gb ends a connection (GOAWAY), as it records the failure of the streams that were open. */
type ConnectionErrorCode = Extract<GbFailureCode, 'PROTOCOL_ERROR' | 'FLOW_CONTROL_ERROR' | 'FRAME_SIZE_ERROR'> | HpackErrorCode;
/** Why gb resets one stream whose answer it cannot take (RST_STREAM), as it records that stream's failure. */
type StreamErrorCode = Extract<GbFailureCode, 'PROTOCOL_ERROR' | 'BAD_HEADER' | 'BAD_STATUS_LINE' | 'FLOW_CONTROL_ERROR' | 'FRAME_SIZE_ERROR' | 'TIMEOUT'>;

/** The RFC 9113 error code (§7) gb's GOAWAY or RST_STREAM carries for each cause. */
function wireCode(cause: ConnectionErrorCode | StreamErrorCode): number {
  switch (cause) {
    case 'PROTOCOL_ERROR':
    // A malformed response (§8.1.1): DATA before its headers, headers without :status or with a bad one.
    case 'BAD_HEADER':
    case 'BAD_STATUS_LINE':
      return E_PROTOCOL_ERROR;
    // §6.9.1: a window past 2^31 − 1.
    case 'FLOW_CONTROL_ERROR':
      return E_FLOW_CONTROL_ERROR;
    // §4.2: over the SETTINGS_MAX_FRAME_SIZE gb advertised, or the wrong length for a fixed-size frame.
    case 'FRAME_SIZE_ERROR':
      return E_FRAME_SIZE_ERROR;
    case 'COMPRESSION_ERROR':
    // §4.3 asks for COMPRESSION_ERROR when a field block is not decompressed, which is what gb's
    // limit does to the rest of one: HPACK's table cannot be kept in step past it.
    case 'HEADERS_TOO_LARGE':
      return E_COMPRESSION_ERROR;
    // §8.7: gb no longer wants the answer (its -s passed).
    case 'TIMEOUT':
      return E_CANCEL;
    default:
      return unreachable(cause);
  }
}

// A slot's state.
const FREE = 0;
/** Started, waiting for a socket, its SETTINGS, or a stream the server allows. */
const QUEUED = 1;
/** HEADERS written; the answer is awaited. */
const OPEN = 2;

export class Http2Connection implements SocketHandler, FrameSink, LoadConnection {
  readonly #endpoint: Endpoint;
  readonly #owner: ConnectionOwner<LoadConnection>;
  readonly #settings: Http2Settings;
  readonly #io: ConnectionIo;
  readonly #exchange = new Exchange();
  #reader = new FrameReader(this);
  #decoder = new HpackDecoder();
  #socket: ClientSocket | null = null;
  /** TCP (and TLS) up; the preface is written. */
  #connected = false;
  /** The server's SETTINGS arrived: streams may open. */
  #ready = false;
  /**
   * Bytes read on this socket before its SETTINGS: counted as transferred only once they turn out to
   * be HTTP/2. An HTTP/1.1 server's 400 to the preface answered no request of the run.
   */
  #bytesBeforeReady = 0;
  #connectStartMs = 0;
  /** TLS: when TCP connected and the handshake began; NaN before, and without TLS. */
  #tcpConnectedMs = Number.NaN;
  /** This socket's TCP and TLS parts (TLS -1 without it), for the stream that waited for it. */
  #socketTcpUs = -1;
  #socketTlsUs = -1;
  /** The error that ends this socket, once there is one. */
  readonly #error = new SocketError();
  /** The server sent GOAWAY: no new stream on this socket; streams above #lastStreamId go out again elsewhere. */
  #goingAway = false;
  #nextStreamId = 1;
  #serverMaxStreams = Number.POSITIVE_INFINITY;
  #serverInitialWindow = DEFAULT_WINDOW;
  #serverMaxFrame = DEFAULT_MAX_FRAME_SIZE;
  #sendWindow = DEFAULT_WINDOW;
  #unacknowledgedData = 0;
  /** A header block split over CONTINUATION frames is gathered here. */
  #block: Uint8Array = new Uint8Array(0);
  #blockLength = 0;
  #blockStream = 0;
  #blockEndsStream = false;
  #receiving = false;
  #now = 0;
  /** -v / the first response's Server header: asked of the decoder only while needed. */
  #wantServer = true;

  // Per slot: one request from its start to its end.
  readonly #state: Uint8Array;
  readonly #streamId: Float64Array;
  readonly #startMs: Float64Array;
  readonly #sentMs: Float64Array;
  readonly #writtenMs: Float64Array;
  readonly #firstFrameMs: Float64Array;
  readonly #activityMs: Float64Array;
  readonly #connectUs: Float64Array;
  /** The socket's TCP and TLS parts on the slot that got #connectUs; -1 on the others. */
  readonly #tcpUs: Float64Array;
  readonly #tlsUs: Float64Array;
  /** When the socket had taken the stream's whole request: +Infinity while it holds some, or its body waits for windows. */
  readonly #sentEndMs: Float64Array;
  readonly #bodyBytes: Float64Array;
  readonly #status: Uint16Array;
  readonly #headerBytes: Float64Array;
  readonly #headerDecoded: Float64Array;
  readonly #resent: Uint8Array;
  /** Request body bytes sent so far, and the stream's send window (flow control of the server). */
  readonly #bodySent: Float64Array;
  readonly #streamWindow: Float64Array;
  readonly #received: Float64Array;
  /** With a source: each slot's request and endpoint row. */
  readonly #requests: H2Frames[];
  readonly #rows: Int32Array;
  readonly #free: number[] = [];
  /** Queued slots, oldest first. */
  readonly #queue: SlotQueue;
  /** Open streams' slots by stream id. */
  readonly #byStream: StreamSlots;
  /**
   * HEADERS are copied here and written from here, the same buffer flush after flush while the
   * socket is done with each write when write() returns; one it still holds is left to it.
   */
  #out: Buffer = NO_BYTES;
  /**
   * The socket held the last write (TLS always does: its writes complete a turn later): flushes
   * write buffers of their exact size from Node's pool, as a reused one would have to be dropped
   * each time, until a write is taken at once again.
   */
  #socketHoldsWrites = false;
  /** Views of #out holding `count` copies of the run's one request (no source), made once per buffer. */
  #outViews: (Buffer | undefined)[] = [];
  #inflight = 0;
  #open = 0;
  parked = false;
  #lastStartMs = Number.NEGATIVE_INFINITY;
  #lastEndMs = Number.NEGATIVE_INFINITY;
  #reportedLimit = false;

  constructor(endpoint: Endpoint, owner: ConnectionOwner<LoadConnection>, settings: Http2Settings, io: ConnectionIo = REAL_IO) {
    this.#endpoint = endpoint;
    this.#owner = owner;
    this.#settings = settings;
    this.#io = io;
    const n = settings.streams;
    this.#state = new Uint8Array(n);
    this.#streamId = new Float64Array(n);
    this.#startMs = new Float64Array(n);
    this.#sentMs = new Float64Array(n);
    this.#writtenMs = new Float64Array(n);
    this.#firstFrameMs = new Float64Array(n);
    this.#activityMs = new Float64Array(n);
    this.#connectUs = new Float64Array(n);
    this.#tcpUs = new Float64Array(n);
    this.#tlsUs = new Float64Array(n);
    this.#sentEndMs = new Float64Array(n);
    this.#bodyBytes = new Float64Array(n);
    this.#status = new Uint16Array(n);
    this.#headerBytes = new Float64Array(n);
    this.#headerDecoded = new Float64Array(n);
    this.#resent = new Uint8Array(n);
    this.#bodySent = new Float64Array(n);
    this.#streamWindow = new Float64Array(n);
    this.#received = new Float64Array(n);
    this.#requests = new Array<H2Frames>(n).fill(settings.request);
    this.#rows = new Int32Array(settings.source === null ? 0 : n);
    for (let i = n - 1; i >= 0; i--) this.#free.push(i);
    this.#queue = new SlotQueue(n);
    this.#byStream = new StreamSlots(n);
  }

  get capacity(): number {
    // The server's limit binds once known; requests already queued beyond it wait for a stream.
    const limit = Math.min(this.#settings.streams, this.#serverMaxStreams);
    return Math.max(0, Math.min(this.#free.length, limit - this.#inflight));
  }

  get lastExchangeMs(): number {
    return this.#lastEndMs - this.#lastStartMs;
  }

  get waitingSinceMs(): number {
    return this.#socket !== null && !this.#ready && this.#queue.length > 0 ? this.#connectStartMs : Number.POSITIVE_INFINITY;
  }

  withdraw(max: number): number {
    if (this.#socket === null || this.#ready) return 0;
    const count = Math.min(max, this.#queue.length);
    const source = this.#settings.source;
    // The newest queued streams go; their requests go back to the source in their order, for the taker's draws.
    if (source !== null) {
      for (let j = this.#queue.length - count; j < this.#queue.length; j++) {
        const i = this.#queue.at(j);
        source.giveBackH2(this.#requests[i]!, this.#rows[i]!);
      }
    }
    for (let j = 0; j < count; j++) this.#closeStream(this.#queue.pop()!);
    if (this.#inflight === 0) this.#discardSocket();
    return count;
  }

  send(startMs: number, count: number): void {
    if (count > this.#free.length) throw new RangeError(`${count} requests sent on a connection with ${this.#free.length} free streams`);
    const sentMs = this.#settings.measureUncorrected ? this.#io.now() : startMs;
    const source = this.#settings.source;
    for (let j = 0; j < count; j++) {
      const i = this.#free.pop()!;
      if (source !== null) {
        this.#requests[i] = source.nextH2();
        this.#rows[i] = source.row;
      }
      this.#state[i] = QUEUED;
      this.#startMs[i] = startMs;
      this.#sentMs[i] = sentMs;
      this.#connectUs[i] = 0;
      this.#tcpUs[i] = -1;
      this.#tlsUs[i] = -1;
      this.#resent[i] = 0;
      this.#queue.push(i);
    }
    this.#inflight += count;
    if (this.#socket === null) this.#openSocket();
    else if (this.#ready && !this.#receiving) this.#flush(sentMs);
  }

  checkTimeout(nowMs: number, timeoutMs: number): void {
    if (this.#inflight === 0) return;
    if (!this.#ready) {
      // The SETTINGS exchange is part of connecting: no request has gone out yet.
      if (this.#socket !== null && nowMs - this.#connectStartMs > timeoutMs) {
        this.#failAll('connectTimeout', 'CONNECT_TIMEOUT', this.#connected ? `timeout: no HTTP/2 SETTINGS within ${timeoutMs / 1000} s` : `timeout: no connection within ${timeoutMs / 1000} s`);
      }
      return;
    }
    // Each stream on its own: a stalled one is reset, the others go on.
    const n = this.#settings.streams;
    let expired = 0;
    for (let i = 0; i < n; i++) {
      if (this.#state[i] === OPEN && nowMs - this.#activityMs[i]! > timeoutMs) {
        this.#write(rstStreamFrame(this.#streamId[i]!, wireCode('TIMEOUT')));
        this.#timeFailedRead(i, nowMs);
        this.#failStream(i);
        expired++;
      }
    }
    if (expired > 0) this.#failed('timeout', expired, 'TIMEOUT', `timeout: no answer within ${timeoutMs / 1000} s`, nowMs);
  }

  close(): number {
    const cut = this.#inflight;
    if (this.#open > 0) this.#cancelOpenStreams();
    for (let i = 0; i < this.#settings.streams; i++) if (this.#state[i] !== FREE) this.#closeStream(i);
    this.#queue.clear();
    this.#discardSocket();
    return cut;
  }

  /** A stop abandons the open streams: the server is told (CANCEL, §8.7), in one write, before the socket goes. */
  #cancelOpenStreams(): void {
    const frames: Buffer[] = [];
    for (let i = 0; i < this.#settings.streams; i++) if (this.#state[i] === OPEN) frames.push(rstStreamFrame(this.#streamId[i]!, E_CANCEL));
    this.#write(Buffer.concat(frames));
  }

  #openSocket(): void {
    const now = this.#io.now();
    this.#connectStartMs = now;
    this.#tcpConnectedMs = Number.NaN;
    this.#error.clear();
    this.#connected = false;
    this.#ready = false;
    this.#bytesBeforeReady = 0;
    this.#goingAway = false;
    this.#nextStreamId = 1;
    this.#serverMaxStreams = Number.POSITIVE_INFINITY;
    this.#serverInitialWindow = DEFAULT_WINDOW;
    this.#serverMaxFrame = DEFAULT_MAX_FRAME_SIZE;
    this.#sendWindow = DEFAULT_WINDOW;
    this.#unacknowledgedData = 0;
    this.#blockLength = 0;
    this.#blockStream = 0;
    // A new reader: the old one may be in the middle of the old socket's chunk (a GOAWAY retires a
    // socket from inside its own onData), and must read no further frame into this socket's state.
    this.#reader.halt();
    this.#reader = new FrameReader(this);
    this.#reader.keepData = this.#settings.captureBodyBytes >= 0;
    this.#decoder = new HpackDecoder();
    this.#socket = this.#io.open(this.#endpoint, this);
  }

  onConnect(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    this.#connected = true;
    // Once per socket: its TCP and TLS parts, kept for the stream that gets the whole connect time.
    const now = this.#io.now();
    const tcpEnd = this.#tcpConnectedMs;
    const tls = this.#endpoint.tls !== null && !Number.isNaN(tcpEnd);
    this.#socketTcpUs = Math.round(((tls ? tcpEnd : now) - this.#connectStartMs) * 1000);
    this.#socketTlsUs = tls ? Math.round((now - tcpEnd) * 1000) : -1;
    if (this.#endpoint.tls !== null && socket.alpnProtocol() !== 'h2') {
      const chosen = socket.alpnProtocol();
      this.#failAll('connect', 'NO_H2', `the server does not offer HTTP/2 over TLS (ALPN ${chosen === null ? 'chose no protocol' : `chose ${chosen}`})`);
      return;
    }
    if (this.#owner.wantsTlsInfo) {
      const info = socket.tlsInfo();
      if (info !== null) this.#owner.onTlsInfo(info, this.#endpoint.tls?.servername ?? null);
    }
    this.#owner.onBytesWritten(OPENING.length);
    socket.write(OPENING);
  }

  onTcpConnect(socket: ClientSocket): void {
    if (socket === this.#socket) this.#tcpConnectedMs = this.#io.now();
  }

  /** The socket has handed every held byte to the kernel: streams whose whole request was written are sent. */
  onWritten(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const now = this.#io.now();
    const requests = this.#requests;
    for (let i = 0; i < this.#settings.streams; i++) {
      if (this.#state[i] !== OPEN || this.#sentEndMs[i] !== Number.POSITIVE_INFINITY) continue;
      const body = requests[i]!.body;
      if (body === null || this.#bodySent[i] === body.length) this.#sentEndMs[i] = now;
    }
  }

  onData(socket: ClientSocket, chunk: Uint8Array, end: number): void {
    if (socket !== this.#socket) return;
    const now = this.#io.now();
    this.#now = now;
    if (this.#ready) this.#owner.onBytesRead(now, end);
    else this.#bytesBeforeReady += end;
    if (this.#endpoint.tls !== null) {
      // Node hands over a TLS read one record at a time (nginx sends a record per response), each as
      // its own callback: the streams they end go out again in one write, one TLS record, once this
      // turn of the event loop has read everything, not a write per response.
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        setImmediate(this.#flushQueuedStreams);
      }
      this.#receiving = true;
      this.#reader.feed(chunk, 0, end);
      return;
    }
    this.#receiving = true;
    this.#reader.feed(chunk, 0, end);
    this.#receiving = false;
    if (this.#socket === socket && this.#ready) this.#flush(now);
  }

  #flushQueued = false;
  readonly #flushQueuedStreams = (): void => {
    this.#flushQueued = false;
    this.#receiving = false;
    // Timed now, when the HEADERS go out: Waiting starts at the write.
    if (this.#socket !== null && this.#ready) this.#flush(this.#io.now());
  };

  // FrameSink: what the reader finds in the server's bytes.

  onFramingError(code: FramingErrorCode, message: string): void {
    // Not HTTP/2 at all (an HTTP/1.x answer): nothing to say to it in HTTP/2.
    if (code === 'NOT_HTTP2') this.#failAll('connect', code, message);
    else this.#connectionError(code, message);
  }

  onFrame(type: number, flags: number, streamId: number, bytes: Uint8Array, start: number, length: number): void {
    if (this.#blockStream !== 0 && type !== T_CONTINUATION) {
      this.#connectionError('PROTOCOL_ERROR', 'a header block interrupted by another frame');
      return;
    }
    switch (type) {
      case T_HEADERS:
        this.#onHeaders(flags, streamId, bytes, start, length);
        return;
      case T_CONTINUATION:
        this.#onContinuation(flags, streamId, bytes, start, length);
        return;
      case T_SETTINGS:
        this.#onSettings(flags, streamId, bytes, start, length);
        return;
      case T_WINDOW_UPDATE:
        this.#onWindowUpdate(streamId, bytes, start, length);
        return;
      case T_PING:
        if (streamId !== 0) this.#connectionError('PROTOCOL_ERROR', `a PING frame on stream ${streamId}`);
        else if (length !== 8) this.#connectionError('FRAME_SIZE_ERROR', `a PING frame of ${length} bytes, not 8`);
        else if ((flags & F_ACK) === 0) this.#write(controlFrame(T_PING, F_ACK, 0, bytes.subarray(start, start + 8)));
        return;
      case T_RST_STREAM:
        if (streamId === 0) this.#connectionError('PROTOCOL_ERROR', 'a RST_STREAM frame on stream 0');
        else if (length !== 4) this.#connectionError('FRAME_SIZE_ERROR', `a RST_STREAM frame of ${length} bytes, not 4`);
        else this.#onReset(streamId, readUint32(bytes, start));
        return;
      case T_GOAWAY:
        if (streamId !== 0) this.#connectionError('PROTOCOL_ERROR', `a GOAWAY frame on stream ${streamId}`);
        else if (length < 8) this.#connectionError('FRAME_SIZE_ERROR', `a GOAWAY frame of ${length} bytes, under 8`);
        else this.#onGoaway(readUint32(bytes, start) & 0x7fffffff, readUint32(bytes, start + 4));
        return;
      case T_PUSH_PROMISE:
        this.#connectionError('PROTOCOL_ERROR', 'a PUSH_PROMISE, though gb turned push off');
        return;
      case T_PRIORITY:
        // Its signal is ignored (§5.3.2), not its framing (§6.3).
        if (streamId === 0) {
          this.#connectionError('PROTOCOL_ERROR', 'a PRIORITY frame on stream 0');
        } else if (length !== 5) {
          const i = this.#byStream.get(streamId);
          if (i >= 0) this.#streamError(i, 'FRAME_SIZE_ERROR', `bad response: a PRIORITY frame of ${length} bytes, not 5`);
        }
        return;
      default:
        // Frame types this version does not know are ignored (§4.1, §5.5).
        return;
    }
  }

  onDataFrame(streamId: number, flags: number, length: number, dataLength: number): void {
    if (this.#blockStream !== 0) {
      this.#connectionError('PROTOCOL_ERROR', 'a header block interrupted by another frame');
      return;
    }
    if (streamId === 0) {
      this.#connectionError('PROTOCOL_ERROR', 'a DATA frame on stream 0');
      return;
    }
    // The whole payload counts against the connection's window, whichever stream it was for.
    this.#unacknowledgedData += length;
    if (this.#unacknowledgedData >= WINDOW_STEP) {
      this.#write(windowUpdateFrame(0, this.#unacknowledgedData));
      this.#unacknowledgedData = 0;
    }
    const i = this.#byStream.get(streamId);
    if (i < 0) return; // a stream gb reset: its late frames mean nothing
    const now = this.#now;
    this.#activityMs[i] = now;
    if (this.#firstFrameMs[i] === 0) this.#firstFrameMs[i] = now;
    if (this.#status[i] === 0) {
      this.#streamError(i, 'BAD_HEADER', 'bad response: DATA before the response headers');
      return;
    }
    this.#bodyBytes[i]! += dataLength;
    this.#received[i]! += length;
    if ((flags & F_END_STREAM) !== 0) {
      this.#complete(i);
      return;
    }
    if (this.#received[i]! >= WINDOW_STEP) {
      this.#write(windowUpdateFrame(streamId, this.#received[i]!));
      this.#received[i] = 0;
    }
  }

  #onHeaders(flags: number, streamId: number, bytes: Uint8Array, start: number, length: number): void {
    if (streamId === 0 || streamId % 2 === 0) {
      this.#connectionError('PROTOCOL_ERROR', `HEADERS on stream ${streamId}, which gb did not open`);
      return;
    }
    const padded = (flags & F_PADDED) !== 0;
    const fixed = (padded ? 1 : 0) + ((flags & F_PRIORITY) !== 0 ? 5 : 0);
    if (length < fixed) {
      this.#connectionError('FRAME_SIZE_ERROR', `a HEADERS frame of ${length} bytes, too short for its pad length and priority`);
      return;
    }
    const p = start + fixed;
    const end = start + length - (padded ? bytes[start]! : 0);
    if (end < p) {
      this.#connectionError('PROTOCOL_ERROR', 'a HEADERS frame whose padding is longer than the frame');
      return;
    }
    const endStream = (flags & F_END_STREAM) !== 0;
    if ((flags & F_END_HEADERS) !== 0) {
      this.#headerBlock(streamId, bytes, p, end, endStream);
      return;
    }
    this.#blockStream = streamId;
    this.#blockEndsStream = endStream;
    this.#blockLength = 0;
    this.#appendBlock(bytes, p, end);
  }

  #onContinuation(flags: number, streamId: number, bytes: Uint8Array, start: number, length: number): void {
    if (streamId !== this.#blockStream || streamId === 0) {
      this.#connectionError('PROTOCOL_ERROR', 'a CONTINUATION frame that continues no header block');
      return;
    }
    if (this.#blockLength + length > MAX_HEADER_BLOCK_BYTES) {
      this.#connectionError('HEADERS_TOO_LARGE', 'a header block over 1 MiB');
      return;
    }
    this.#appendBlock(bytes, start, start + length);
    if ((flags & F_END_HEADERS) === 0) return;
    this.#blockStream = 0;
    this.#headerBlock(streamId, this.#block, 0, this.#blockLength, this.#blockEndsStream);
  }

  #appendBlock(bytes: Uint8Array, start: number, end: number): void {
    const need = this.#blockLength + end - start;
    if (this.#block.length < need) {
      const grown = new Uint8Array(Math.max(need, this.#block.length * 2, 4096));
      grown.set(this.#block.subarray(0, this.#blockLength));
      this.#block = grown;
    }
    this.#block.set(bytes.subarray(start, end), this.#blockLength);
    this.#blockLength = need;
  }

  /** A whole header block: decoded even for a stream gb no longer awaits, since HPACK's table depends on every block. */
  #headerBlock(streamId: number, bytes: Uint8Array, start: number, end: number, endStream: boolean): void {
    const i = this.#byStream.get(streamId);
    const decoder = this.#decoder;
    // Asked even for a stream gb no longer awaits: a value it leaves out of the dynamic table could be
    // the one the first response refers to.
    decoder.wantServer = this.#wantServer;
    decoder.wantHead = i >= 0 && this.#settings.captureHead;
    if (!decoder.decode(bytes, start, end)) {
      this.#connectionError(decoder.errorCode, `HPACK: ${decoder.error ?? 'undecodable'}`);
      return;
    }
    if (i < 0) return;
    const now = this.#now;
    this.#activityMs[i] = now;
    if (this.#firstFrameMs[i] === 0) this.#firstFrameMs[i] = now;
    this.#headerBytes[i]! += end - start;
    this.#headerDecoded[i]! += decoder.decodedBytes;
    const status = decoder.status;
    if (this.#status[i] === 0) {
      if (status === 0) {
        this.#streamError(i, 'BAD_STATUS_LINE', 'bad response: response headers without :status');
        return;
      }
      // 1xx answers come before the real one (RFC 9113 §8.1).
      if (status < 200 && !endStream) return;
      this.#status[i] = status;
      if (decoder.server !== null) this.#server = decoder.server;
      if (this.#settings.captureHead) this.#heads[i] = `HTTP/2 ${status}\r\n${decoder.head.filter((line) => !line.startsWith(':')).map((line) => `${line}\r\n`).join('')}`;
    }
    if (endStream) this.#complete(i);
  }

  /** With captureBodyBytes: each slot's body so far, up to the cap (buffers kept across the slot's streams). */
  readonly #bodies: (Uint8Array | undefined)[] = [];
  readonly #bodyKept: number[] = [];

  onDataBytes(streamId: number, bytes: Uint8Array, start: number, end: number): void {
    const i = this.#byStream.get(streamId);
    if (i < 0 || this.#status[i] === 0) return;
    const cap = this.#settings.captureBodyBytes;
    const kept = this.#bodyKept[i]!;
    const n = Math.min(end - start, cap - kept);
    if (n <= 0) return;
    const buf = (this.#bodies[i] ??= new Uint8Array(cap));
    buf.set(bytes.subarray(start, start + n), kept);
    this.#bodyKept[i] = kept + n;
  }

  #server: string | null = null;
  readonly #heads: (string | null)[] = [];

  #onSettings(flags: number, streamId: number, bytes: Uint8Array, start: number, length: number): void {
    if (streamId !== 0) {
      this.#connectionError('PROTOCOL_ERROR', `a SETTINGS frame on stream ${streamId}`);
      return;
    }
    const ack = (flags & F_ACK) !== 0;
    if (ack ? length !== 0 : length % 6 !== 0) {
      this.#connectionError('FRAME_SIZE_ERROR', `a SETTINGS ${ack ? 'ACK' : 'frame'} of ${length} bytes`);
      return;
    }
    if (ack) return;
    for (let p = start; p < start + length; p += 6) {
      const id = (bytes[p]! << 8) | bytes[p + 1]!;
      const value = readUint32(bytes, p + 2);
      if (id === S_ENABLE_PUSH) {
        // Only a client may turn push on (§6.5.2).
        if (value !== 0) {
          this.#connectionError('PROTOCOL_ERROR', `SETTINGS_ENABLE_PUSH ${value} from the server`);
          return;
        }
      } else if (id === S_MAX_CONCURRENT_STREAMS) {
        this.#serverMaxStreams = value;
        if (value < this.#settings.streams && !this.#reportedLimit) {
          this.#reportedLimit = true;
          this.#owner.onStreamLimit(value);
        }
      } else if (id === S_INITIAL_WINDOW_SIZE) {
        if (value > MAX_WINDOW) {
          this.#connectionError('FLOW_CONTROL_ERROR', `an initial window of ${value}, over 2^31 − 1`);
          return;
        }
        // The change applies to every open stream's window (RFC 9113 §6.9.2), which must stay in range.
        const delta = value - this.#serverInitialWindow;
        this.#serverInitialWindow = value;
        for (let i = 0; i < this.#settings.streams; i++) {
          if (this.#state[i] !== OPEN) continue;
          this.#streamWindow[i]! += delta;
          if (this.#streamWindow[i]! > MAX_WINDOW) {
            this.#connectionError('FLOW_CONTROL_ERROR', `an initial window of ${value} takes a stream's window over 2^31 − 1`);
            return;
          }
        }
      } else if (id === S_MAX_FRAME_SIZE) {
        if (value < DEFAULT_MAX_FRAME_SIZE || value > 16_777_215) {
          this.#connectionError('PROTOCOL_ERROR', `a maximum frame size of ${value}`);
          return;
        }
        this.#serverMaxFrame = value;
      }
    }
    this.#write(SETTINGS_ACK);
    if (!this.#ready) {
      this.#ready = true;
      this.#owner.onBytesRead(this.#now, this.#bytesBeforeReady);
      this.#bytesBeforeReady = 0;
      // The connect time (TCP, TLS, the SETTINGS exchange) belongs to the stream that waited for it.
      if (this.#queue.length > 0) {
        const i = this.#queue.at(0);
        this.#connectUs[i] = Math.round((this.#now - this.#connectStartMs) * 1000);
        this.#tcpUs[i] = this.#socketTcpUs;
        this.#tlsUs[i] = this.#socketTlsUs;
      }
    } else if (this.#settings.bodies) {
      this.#pumpBodies(this.#now);
    }
  }

  #onWindowUpdate(streamId: number, bytes: Uint8Array, start: number, length: number): void {
    if (length !== 4) {
      this.#connectionError('FRAME_SIZE_ERROR', `a WINDOW_UPDATE frame of ${length} bytes, not 4`);
      return;
    }
    const increment = readUint32(bytes, start) & 0x7fffffff;
    // §6.9, §6.9.1: an increment of 0, or one past the largest window, ends the connection when it is
    // the connection's window, and only the stream when it is a stream's.
    if (streamId === 0) {
      if (increment === 0) {
        this.#connectionError('PROTOCOL_ERROR', 'a WINDOW_UPDATE of 0 for the connection');
        return;
      }
      if (this.#sendWindow + increment > MAX_WINDOW) {
        this.#connectionError('FLOW_CONTROL_ERROR', `a WINDOW_UPDATE of ${increment} takes the connection's window over 2^31 − 1`);
        return;
      }
      this.#sendWindow += increment;
    } else {
      const i = this.#byStream.get(streamId);
      if (i < 0) return;
      if (increment === 0) {
        this.#streamError(i, 'PROTOCOL_ERROR', 'bad response: a WINDOW_UPDATE of 0 for the stream');
        return;
      }
      if (this.#streamWindow[i]! + increment > MAX_WINDOW) {
        this.#streamError(i, 'FLOW_CONTROL_ERROR', `bad response: a WINDOW_UPDATE of ${increment} takes the stream's window over 2^31 − 1`);
        return;
      }
      this.#streamWindow[i]! += increment;
    }
    if (this.#settings.bodies) this.#pumpBodies(this.#now);
  }

  #onReset(streamId: number, code: number): void {
    const i = this.#byStream.get(streamId);
    if (i < 0) return;
    // REFUSED_STREAM: the server did no work on it (RFC 9113 §8.7), so it may go out again, once.
    if (code === E_REFUSED_STREAM && this.#resent[i] === 0) {
      this.#requeue([i]);
      return;
    }
    this.#endStream(i, 'receive', 'RST_STREAM', `stream reset by the server (${errorName(code)})`);
  }

  #onGoaway(lastStreamId: number, code: number): void {
    this.#goingAway = true;
    // Streams above lastStreamId were not processed: they go out again on a new connection, once.
    const unprocessed: number[] = [];
    for (let i = 0; i < this.#settings.streams; i++) {
      if (this.#state[i] === OPEN && this.#streamId[i]! > lastStreamId) unprocessed.push(i);
    }
    unprocessed.sort((a, b) => this.#streamId[a]! - this.#streamId[b]!);
    this.#requeue(unprocessed);
    if (this.#open === 0) this.#retire();
    else if (code !== E_NO_ERROR) this.#error.message ??= `the server sent GOAWAY (${errorName(code)})`;
  }

  /** Open streams the server did not process go back to the queue's front; those already sent twice fail. */
  #requeue(slots: readonly number[]): void {
    const again: number[] = [];
    let lost = 0;
    const now = this.#now;
    for (const i of slots) {
      if (this.#resent[i] === 1) {
        this.#timeFailedRead(i, now);
        this.#failStream(i);
        lost++;
        continue;
      }
      this.#byStream.delete(this.#streamId[i]!);
      this.#open--;
      this.#state[i] = QUEUED;
      this.#resent[i] = 1;
      this.#connectUs[i] = 0;
      this.#tcpUs[i] = -1;
      this.#tlsUs[i] = -1;
      again.push(i);
    }
    if (again.length > 0) {
      for (let j = again.length - 1; j >= 0; j--) this.#queue.unshift(again[j]!);
      this.#owner.onResent(again.length);
    }
    if (lost > 0) this.#failed('receive', lost, 'UNANSWERED', UNANSWERED, now);
  }

  /** The socket will carry no more streams: let the server close it, and carry on with what is queued on a new one. */
  #retire(): void {
    const s = this.#socket;
    if (s !== null) {
      this.#socket = null;
      this.#connected = false;
      this.#ready = false;
      this.#reader.halt();
      releaseSocket(s, this.#now);
    }
    if (this.#queue.length > 0) this.#openSocket();
  }

  /** Writes HEADERS for queued requests, as many as the server's limit allows, in one write. */
  #flush(now: number): void {
    if (this.#queue.length === 0 || this.#goingAway || this.#socket === null) return;
    const limit = Math.min(this.#settings.streams, this.#serverMaxStreams);
    let count = Math.min(this.#queue.length, limit - this.#open);
    const idsLeft = Math.floor((LAST_STREAM_ID - this.#nextStreamId) / 2) + 1;
    if (count > idsLeft) count = idsLeft;
    if (count <= 0) {
      if (idsLeft <= 0) {
        // Stream ids ran out (2^30 streams): this socket is done, as after a GOAWAY.
        this.#goingAway = true;
        if (this.#open === 0) this.#retire();
      }
      return;
    }
    const window = this.#serverInitialWindow;
    const queue = this.#queue;
    const requests = this.#requests;
    let total = 0;
    for (let j = 0; j < count; j++) total += requests[queue.at(j)]!.bytes.length;
    const held = this.#socketHoldsWrites;
    if (!held && this.#out.length < total) {
      // Grown rarely: to the largest flush so far, and at least twice the last size.
      this.#out = Buffer.allocUnsafeSlow(Math.max(total, 2 * this.#out.length, 4096));
      this.#outViews = [];
    }
    const out = held ? Buffer.allocUnsafe(total) : this.#out;
    let at = 0;
    for (let j = 0; j < count; j++) {
      const i = queue.at(j);
      const id = this.#nextStreamId;
      this.#nextStreamId += 2;
      const request = requests[i]!;
      out.set(request.bytes, at);
      const offsets = request.idOffsets;
      for (let k = 0; k < offsets.length; k++) {
        const q = at + offsets[k]!;
        out[q] = (id >>> 24) & 0x7f;
        out[q + 1] = (id >>> 16) & 0xff;
        out[q + 2] = (id >>> 8) & 0xff;
        out[q + 3] = id & 0xff;
      }
      at += request.bytes.length;
      this.#state[i] = OPEN;
      this.#streamId[i] = id;
      this.#byStream.set(id, i);
      this.#writtenMs[i] = now;
      this.#sentEndMs[i] = request.body === null ? now : Number.POSITIVE_INFINITY;
      this.#activityMs[i] = now;
      this.#firstFrameMs[i] = 0;
      this.#bodyBytes[i] = 0;
      this.#bodyKept[i] = 0;
      this.#status[i] = 0;
      this.#headerBytes[i] = 0;
      this.#headerDecoded[i] = 0;
      this.#bodySent[i] = 0;
      this.#streamWindow[i] = window;
      this.#received[i] = 0;
    }
    this.#open += count;
    const written = held ? out : this.#settings.source === null ? (this.#outViews[count] ??= out.subarray(0, total)) : out.subarray(0, total);
    this.#socketHoldsWrites = !this.#write(written);
    if (this.#socketHoldsWrites) {
      if (!held) {
        // The socket still holds the reused buffer (the kernel took only part of it): it is the socket's now.
        this.#out = NO_BYTES;
        this.#outViews = [];
      }
      // These HEADERS wait for the kernel: the streams are sent once the socket says so (onWritten).
      if (this.#socket?.backlogged === true) for (let j = 0; j < count; j++) this.#sentEndMs[queue.at(j)] = Number.POSITIVE_INFINITY;
    }
    queue.dropFront(count);
    if (this.#settings.bodies) this.#pumpBodies(now);
  }

  /** Sends request bodies as the server's windows allow (the connection's and each stream's); nowMs: the caller's clock reading. */
  #pumpBodies(nowMs: number): void {
    if (this.#socket === null || !this.#ready) return;
    const requests = this.#requests;
    for (let i = 0; i < this.#settings.streams; i++) {
      const body = requests[i]!.body;
      if (body === null) continue;
      while (this.#state[i] === OPEN && this.#bodySent[i]! < body.length) {
        const sent = this.#bodySent[i]!;
        const n = Math.min(body.length - sent, this.#sendWindow, this.#streamWindow[i]!, this.#serverMaxFrame);
        if (n <= 0) break;
        const last = sent + n === body.length;
        const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + n);
        writeFrameHeader(frame, 0, n, T_DATA, last ? F_END_STREAM : 0, this.#streamId[i]!);
        frame.set(body.subarray(sent, sent + n), FRAME_HEADER_BYTES);
        this.#bodySent[i] = sent + n;
        this.#sendWindow -= n;
        this.#streamWindow[i]! -= n;
        // The last frame of a body ends the stream's sending, once the socket has taken it (else at onWritten).
        const taken = this.#write(frame);
        if (last && (taken || this.#socket?.backlogged !== true)) this.#sentEndMs[i] = nowMs;
      }
      if (this.#sendWindow <= 0) return;
    }
  }

  #complete(i: number): void {
    const now = this.#now;
    const e = this.#exchange;
    const start = this.#startMs[i]!;
    this.#lastStartMs = start;
    this.#lastEndMs = now;
    const firstFrameMs = this.#firstFrameMs[i]!;
    const writtenMs = this.#writtenMs[i]!;
    const waitUs = Math.round((firstFrameMs - writtenMs) * 1000);
    // A server may answer before the body is all sent: sending ends at its first frame then.
    const sentEndMs = this.#sentEndMs[i]!;
    const sendUs = Math.round(((sentEndMs < firstFrameMs ? sentEndMs : firstFrameMs) - writtenMs) * 1000);
    e.status = this.#status[i]!;
    e.connectUs = this.#connectUs[i]!;
    e.tcpUs = this.#tcpUs[i]!;
    e.tlsUs = this.#tlsUs[i]!;
    e.waitUs = waitUs < 0 ? 0 : waitUs;
    e.sendUs = sendUs < 0 ? 0 : sendUs;
    e.receiveUs = Math.round((now - firstFrameMs) * 1000);
    e.totalUs = Math.round((now - start) * 1000);
    e.uncorrectedUs = this.#settings.measureUncorrected ? Math.round((now - this.#sentMs[i]!) * 1000) : -1;
    e.bodyBytes = this.#bodyBytes[i]!;
    e.keptAlive = true;
    e.truncated = false;
    e.server = this.#wantServer ? (this.#server ?? '') : null;
    e.head = this.#settings.captureHead ? (this.#heads[i] ?? null) : null;
    e.body = this.#settings.captureBodyBytes >= 0 ? Buffer.from(this.#bodies[i]?.subarray(0, this.#bodyKept[i]) ?? new Uint8Array(0)) : null;
    e.headerBytes = this.#headerBytes[i]!;
    e.headerDecodedBytes = this.#headerDecoded[i]!;
    e.row = this.#settings.source === null ? 0 : this.#rows[i]!;
    this.#wantServer = false;
    this.#closeStream(i);
    if (this.#goingAway && this.#open === 0) this.#retire();
    this.#owner.onResponse(this, now, e);
  }

  /** The server's answer on one stream is malformed: gb resets that stream (saying why) and fails it as a bad response. */
  #streamError(i: number, code: StreamErrorCode, message: string): void {
    this.#write(rstStreamFrame(this.#streamId[i]!, wireCode(code)));
    this.#endStream(i, 'exceptions', code, message);
  }

  /** One stream fails (a reset, a malformed answer); the connection goes on. */
  #endStream(i: number, kind: FailureKind, code: FailureCode, message: string): void {
    const now = this.#now;
    this.#timeFailedRead(i, now);
    this.#failStream(i);
    if (this.#goingAway && this.#open === 0) this.#retire();
    this.#failed(kind, 1, code, message, now);
  }

  /**
   * The server broke the protocol: the connection ends (GOAWAY with the RFC's code for the cause), its
   * open streams fail as bad responses, and requests still queued go out on a new one. Before the
   * SETTINGS exchange finished the server never spoke HTTP/2 well enough: every request fails to connect.
   */
  #connectionError(code: ConnectionErrorCode, message: string): void {
    this.#reader.halt();
    // Last-Stream-ID 0: with push off the server opens no stream that gb could have processed (§6.8).
    this.#write(goawayFrame(0, wireCode(code)));
    if (!this.#ready) {
      this.#failAll('connect', code, message);
      return;
    }
    this.#discardSocket();
    const now = this.#now;
    let lost = 0;
    for (let i = 0; i < this.#settings.streams; i++) {
      if (this.#state[i] !== OPEN) continue;
      this.#timeFailedRead(i, now);
      this.#failStream(i);
      lost++;
    }
    if (lost > 0) this.#failed('exceptions', lost, code, `bad response: ${message}`, now);
    if (this.#queue.length > 0 && this.#socket === null) this.#openSocket();
  }

  onError(socket: ClientSocket, code: FailureCode, inWrite: boolean, message: string): void {
    if (socket === this.#socket) this.#error.note(code, inWrite, message);
  }

  onClose(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const ready = this.#ready;
    this.#socket = null;
    this.#connected = false;
    this.#ready = false;
    this.#reader.halt();
    if (this.#inflight === 0) return;
    const now = this.#io.now();
    this.#now = now;
    if (!ready) {
      // A TLS server that speaks no protocol gb offered may end the handshake with this alert instead of choosing none.
      if (this.#error.code === 'TLS_ALERT_NO_APPLICATION_PROTOCOL') {
        this.#failAll('connect', 'NO_H2', 'the server does not offer HTTP/2 over TLS (it refused ALPN h2)');
        return;
      }
      this.#failAll('connect', this.#error.code ?? 'CLOSED', this.#error.message ?? 'connection closed before the HTTP/2 SETTINGS exchange');
      return;
    }
    // A clean close before any frame of a stream's answer, with no GOAWAY to say what was processed,
    // is like an HTTP/1.1 server ending an idle connection: that stream goes out again, once.
    const unanswered: number[] = [];
    let lost = 0;
    for (let i = 0; i < this.#settings.streams; i++) {
      if (this.#state[i] !== OPEN) continue;
      if (this.#error.code === null && !this.#goingAway && this.#firstFrameMs[i] === 0 && this.#resent[i] === 0) {
        unanswered.push(i);
        continue;
      }
      this.#timeFailedRead(i, now);
      this.#failStream(i);
      lost++;
    }
    unanswered.sort((a, b) => this.#streamId[a]! - this.#streamId[b]!);
    this.#requeue(unanswered);
    if (lost > 0) {
      if (this.#error.inWrite && this.#error.code !== null) this.#owner.onWriteErrors(lost);
      this.#failed('receive', lost, this.#error.code ?? 'CLOSED', this.#error.message ?? 'connection closed before the stream ended', now);
    }
    if (this.#queue.length > 0 && this.#socket === null) this.#openSocket();
  }

  /** Every request on this connection fails with `kind` (a connect that failed, a timeout before SETTINGS). */
  #failAll(kind: FailureKind, code: FailureCode, message: string): void {
    const now = this.#io.now();
    let count = 0;
    for (let i = 0; i < this.#settings.streams; i++) {
      if (this.#state[i] === FREE) continue;
      if (kind === 'timeout' && this.#state[i] === OPEN) this.#timeFailedRead(i, now);
      this.#failStream(i);
      count++;
    }
    this.#queue.clear();
    this.#discardSocket();
    if (count > 0) this.#owner.onFailure(this, now, kind, count, code, message);
  }

  #failed(kind: FailureKind, count: number, code: FailureCode, message: string, now: number): void {
    this.#owner.onFailure(this, now, kind, count, code, message);
  }

  #timeFailedRead(i: number, now: number): void {
    const e = this.#exchange;
    e.connectUs = this.#connectUs[i]!;
    const waitUs = this.#firstFrameMs[i] === 0 ? 0 : Math.round((this.#firstFrameMs[i]! - this.#writtenMs[i]!) * 1000);
    e.waitUs = waitUs < 0 ? 0 : waitUs;
    e.totalUs = Math.round((now - this.#startMs[i]!) * 1000);
    e.row = this.#settings.source === null ? 0 : this.#rows[i]!;
    this.#owner.onFailedRead(now, e);
  }

  /** The slot's request failed: with a source, its endpoint row is told (before the owner's onFailure). */
  #failStream(i: number): void {
    if (this.#settings.source !== null) this.#owner.onRowFailed(this.#rows[i]!);
    this.#closeStream(i);
  }

  /** The slot's request has ended, one way or another: its slot is free again. */
  #closeStream(i: number): void {
    if (this.#state[i] === OPEN) {
      this.#byStream.delete(this.#streamId[i]!);
      this.#open--;
    } else if (this.#state[i] === QUEUED) {
      this.#queue.remove(i);
    }
    this.#state[i] = FREE;
    this.#inflight--;
    this.#free.push(i);
  }

  /** Writes on the current socket; false while the socket still holds `bytes`, which must then stay as they are. */
  #write(bytes: Buffer): boolean {
    const s = this.#socket;
    if (s === null) return true;
    this.#owner.onBytesWritten(bytes.length);
    return s.write(bytes);
  }

  #discardSocket(): void {
    const s = this.#socket;
    if (s === null) return;
    this.#socket = null;
    this.#connected = false;
    this.#ready = false;
    this.#reader.halt();
    discardSocket(s);
  }
}
