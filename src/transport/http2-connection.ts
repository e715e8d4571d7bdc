// One HTTP/2 connection: streams instead of a pipeline, on gb's own sockets and framing, timed per stream.
// It drives the same engine as the HTTP/1.x Connection (LoadConnection, ConnectionOwner): each stream
// is one request, reported once, whatever the server does with it. Here: the socket's life, the
// SETTINGS handshake and frame dispatch; the streams' fields and the other jobs are in the h2-*.ts files.

import type { FailureCode, FailureKind } from '../failures.js';
import type { ClientSocket, Endpoint, SocketHandler } from './client-socket.js';
import { REAL_IO, reportTlsInfo, type ConnectionIo, type ConnectionOwner, type Http2Settings, type LoadConnection } from './exchange.js';
import { wireCode, type ConnectionErrorCode, type StreamErrorCode } from './h2-error-codes.js';
import { FlowControl } from './h2-flow-control.js';
import { FrameReader, type FrameSink, type FramingErrorCode } from './h2-frames.js';
// Frame types, flags and error codes.
import { T_CONTINUATION, T_DATA, T_GOAWAY, T_HEADERS, T_PING, T_PRIORITY, T_PUSH_PROMISE } from './h2-frames.js';
import { T_RST_STREAM, T_SETTINGS, T_WINDOW_UPDATE, F_ACK, E_NO_ERROR, E_REFUSED_STREAM, errorName } from './h2-frames.js';
// The frames this connection writes, and reading a frame's fields.
import { CLIENT_OPENING, SETTINGS_ACK, controlFrame, goawayFrame, rstStreamFrame, readUint32 } from './h2-frames.js';
import { HeaderBlockAssembler, type HeaderBlockSink } from './h2-header-assembly.js';
import { H2Output } from './h2-output.js';
import { PeerSettings } from './h2-peer-settings.js';
import { requeue, requeueAbove, requeueUnanswered } from './h2-requeue.js';
import { GRPC_PROBLEM_TEXT, ResponseReader, type ResponseSink } from './h2-response.js';
import { StreamReport } from './h2-stream-report.js';
import { OPEN, StreamTable } from './h2-stream-table.js';
import { discardSocket, releaseSocket } from './socket-drain.js';
import { SocketAttempt } from './socket-attempt.js';

export type { H2RequestSource, Http2Settings } from './exchange.js';

export class Http2Connection implements SocketHandler, FrameSink, HeaderBlockSink, ResponseSink, LoadConnection {
  readonly #endpoint: Endpoint;
  readonly #owner: ConnectionOwner<LoadConnection>;
  readonly #settings: Http2Settings;
  readonly #io: ConnectionIo;
  readonly #table: StreamTable;
  readonly #output: H2Output;
  readonly #flow: FlowControl;
  readonly #peer: PeerSettings;
  readonly #headers = new HeaderBlockAssembler(this);
  readonly #answers: ResponseReader;
  readonly #report: StreamReport;
  #reader = new FrameReader(this);
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
  /** The socket's connect clock and the error that ends it. */
  readonly #attempt = new SocketAttempt();
  /** This socket's TCP and TLS parts (TLS -1 without it), for the stream that waited for it. */
  #socketTcpUs = -1;
  #socketTlsUs = -1;
  /** The server sent GOAWAY: no new stream on this socket; streams above its last stream id go out again elsewhere. */
  #goingAway = false;
  /** Inside a read: streams that end meanwhile are followed by new ones in one write, once it is done. */
  #receiving = false;
  /** TLS: that write waits for the end of this turn of the event loop (setImmediate). */
  #flushQueued = false;
  /**
   * The clock read once per chunk, for every frame in it: a typed array shared with the parts that
   * time frames, which read it themselves. Handed to them as an argument it was boxed, per frame.
   */
  readonly #clock = new Float64Array(1);
  parked = false;

  constructor(endpoint: Endpoint, owner: ConnectionOwner<LoadConnection>, settings: Http2Settings, io: ConnectionIo = REAL_IO) {
    this.#endpoint = endpoint;
    this.#owner = owner;
    this.#settings = settings;
    this.#io = io;
    this.#table = new StreamTable(settings.streams, settings.request);
    this.#output = new H2Output(owner, this.#table, settings.source === null);
    this.#flow = new FlowControl(this.#table, this.#output, this);
    this.#peer = new PeerSettings(this.#flow, this, owner, settings.streams);
    this.#answers = new ResponseReader(this.#table, this, settings, this.#clock);
    this.#report = new StreamReport(this, owner, this.#table, settings, this.#clock);
  }

  get capacity(): number {
    // The server's limit binds once known; requests already queued beyond it wait for a stream.
    return Math.max(0, Math.min(this.#table.free, this.#peer.streamLimit - this.#table.inflight));
  }

  get lastExchangeMs(): number {
    return this.#report.lastExchangeMs;
  }

  get waitingSinceMs(): number {
    return this.#socket !== null && !this.#ready && this.#table.queue.length > 0 ? this.#attempt.startMs : Number.POSITIVE_INFINITY;
  }

  withdraw(max: number): number {
    if (this.#socket === null || this.#ready) return 0;
    const table = this.#table;
    const count = Math.min(max, table.queue.length);
    table.withdraw(count, this.#settings.source);
    if (table.inflight === 0) this.#discardSocket();
    return count;
  }

  send(startMs: number, count: number): void {
    const table = this.#table;
    if (count > table.free) throw new RangeError(`${count} requests sent on a connection with ${table.free} free streams`);
    const sentMs = this.#settings.measureUncorrected ? this.#io.now() : startMs;
    const source = this.#settings.source;
    for (let j = 0; j < count; j++) {
      if (source === null) table.start(startMs, sentMs, this.#settings.request, 0);
      else table.start(startMs, sentMs, source.nextH2(), source.row);
    }
    if (this.#socket === null) this.#openSocket();
    else if (this.#ready && !this.#receiving) this.#flush(sentMs);
  }

  checkTimeout(nowMs: number, timeoutMs: number): void {
    const table = this.#table;
    if (table.inflight === 0) return;
    if (!this.#ready) {
      // The SETTINGS exchange is part of connecting: no request has gone out yet.
      if (this.#socket !== null && nowMs - this.#attempt.startMs > timeoutMs) {
        this.#failAll(
          'connectTimeout',
          'CONNECT_TIMEOUT',
          this.#connected
            ? `timeout: no HTTP/2 SETTINGS within ${timeoutMs / 1000} s`
            : `timeout: no connection within ${timeoutMs / 1000} s`,
        );
      }
      return;
    }
    // Each stream on its own: a stalled one is reset, the others go on.
    let expired = 0;
    for (let i = 0; i < table.size; i++) {
      if (table.state[i] === OPEN && nowMs - table.activityMs[i]! > timeoutMs) {
        this.#output.write(rstStreamFrame(table.streamId[i]!, wireCode('TIMEOUT')));
        this.#report.loseRead(i, nowMs);
        expired++;
      }
    }
    if (expired > 0) this.#report.failed('timeout', expired, 'TIMEOUT', `timeout: no answer within ${timeoutMs / 1000} s`, nowMs);
  }

  close(): number {
    const table = this.#table;
    const cut = table.inflight;
    // A stop abandons the open streams: the server is told (CANCEL, §8.7), in one write, before the socket goes.
    if (table.openStreams > 0) this.#output.cancelOpenStreams();
    table.closeAll();
    this.#discardSocket();
    return cut;
  }

  #openSocket(): void {
    this.#attempt.begin(this.#io.now());
    this.#connected = false;
    this.#ready = false;
    this.#bytesBeforeReady = 0;
    this.#goingAway = false;
    this.#table.newSocket();
    this.#peer.reset();
    this.#flow.reset();
    this.#headers.reset();
    this.#answers.reset();
    // A new reader: the old one may be in the middle of the old socket's chunk (a GOAWAY retires a
    // socket from inside its own onData), and must read no further frame into this socket's state.
    this.#reader.halt();
    this.#reader = new FrameReader(this);
    this.#reader.keepData = this.#settings.captureBodyBytes >= 0 || this.#settings.grpc === true;
    const socket = this.#io.open(this.#endpoint, this);
    this.#socket = socket;
    this.#output.socket = socket;
  }

  onConnect(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    this.#connected = true;
    // Once per socket: its TCP and TLS parts, kept for the stream that gets the whole connect time.
    const now = this.#io.now();
    const tcpEnd = this.#attempt.tcpConnectedMs;
    const tls = this.#endpoint.tls !== null && !Number.isNaN(tcpEnd);
    this.#socketTcpUs = Math.round(((tls ? tcpEnd : now) - this.#attempt.startMs) * 1000);
    this.#socketTlsUs = tls ? Math.round((now - tcpEnd) * 1000) : -1;
    if (this.#endpoint.tls !== null && socket.alpnProtocol() !== 'h2') {
      const chosen = socket.alpnProtocol();
      this.#failAll(
        'connect',
        'NO_H2',
        `the server does not offer HTTP/2 over TLS (ALPN ${chosen === null ? 'chose no protocol' : `chose ${chosen}`})`,
      );
      return;
    }
    reportTlsInfo(this.#owner, socket, this.#endpoint);
    this.#output.write(CLIENT_OPENING);
  }

  onTcpConnect(socket: ClientSocket): void {
    if (socket === this.#socket) this.#attempt.tcpConnectedMs = this.#io.now();
  }

  /** The socket has handed every held byte to the kernel: streams whose whole request was written are sent. */
  onWritten(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    this.#table.sent(this.#io.now());
  }

  onData(socket: ClientSocket, chunk: Uint8Array, end: number): void {
    if (socket !== this.#socket) return;
    const now = this.#io.now();
    this.#clock[0] = now;
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

  get #now(): number {
    return this.#clock[0]!;
  }

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
    else this.onConnectionError(code, message);
  }

  onFrame(type: number, flags: number, streamId: number, bytes: Uint8Array, start: number, length: number): void {
    if (this.#headers.interrupts(type)) return;
    switch (type) {
      case T_HEADERS:
        this.#headers.onHeaders(flags, streamId, bytes, start, length);
        return;
      case T_CONTINUATION:
        this.#headers.onContinuation(flags, streamId, bytes, start, length);
        return;
      case T_SETTINGS:
        if (!this.#peer.onSettings(flags, streamId, bytes, start, length)) return;
        this.#output.write(SETTINGS_ACK);
        if (!this.#ready) this.#becomeReady();
        else if (this.#settings.bodies) this.#pumpBodies(this.#now);
        return;
      case T_WINDOW_UPDATE:
        if (this.#flow.onWindowUpdate(streamId, bytes, start, length) && this.#settings.bodies) this.#pumpBodies(this.#now);
        return;
      case T_PING:
        if (streamId !== 0) this.onConnectionError('PROTOCOL_ERROR', `a PING frame on stream ${streamId}`);
        else if (length !== 8) this.onConnectionError('FRAME_SIZE_ERROR', `a PING frame of ${length} bytes, not 8`);
        else if ((flags & F_ACK) === 0) this.#output.write(controlFrame(T_PING, F_ACK, 0, bytes.subarray(start, start + 8)));
        return;
      case T_RST_STREAM:
        if (streamId === 0) this.onConnectionError('PROTOCOL_ERROR', 'a RST_STREAM frame on stream 0');
        else if (length !== 4) this.onConnectionError('FRAME_SIZE_ERROR', `a RST_STREAM frame of ${length} bytes, not 4`);
        else this.#onReset(streamId, readUint32(bytes, start));
        return;
      case T_GOAWAY:
        if (streamId !== 0) this.onConnectionError('PROTOCOL_ERROR', `a GOAWAY frame on stream ${streamId}`);
        else if (length < 8) this.onConnectionError('FRAME_SIZE_ERROR', `a GOAWAY frame of ${length} bytes, under 8`);
        else this.#onGoaway(readUint32(bytes, start) & 0x7fffffff, readUint32(bytes, start + 4));
        return;
      case T_PUSH_PROMISE:
        this.onConnectionError('PROTOCOL_ERROR', 'a PUSH_PROMISE, though gb turned push off');
        return;
      case T_PRIORITY:
        // Its signal is ignored (§5.3.2), not its framing (§6.3).
        if (streamId === 0) {
          this.onConnectionError('PROTOCOL_ERROR', 'a PRIORITY frame on stream 0');
        } else if (length !== 5) {
          const i = this.#table.byStream.get(streamId);
          if (i >= 0) this.onStreamError(i, 'FRAME_SIZE_ERROR', `bad response: a PRIORITY frame of ${length} bytes, not 5`);
        }
        return;
      default:
        // Frame types this version does not know are ignored (§4.1, §5.5).
        return;
    }
  }

  onDataFrame(streamId: number, flags: number, length: number, dataLength: number): void {
    if (this.#headers.interrupts(T_DATA)) return;
    if (streamId === 0) {
      this.onConnectionError('PROTOCOL_ERROR', 'a DATA frame on stream 0');
      return;
    }
    this.#flow.onConnectionData(length);
    const i = this.#table.byStream.get(streamId);
    if (i < 0) return; // a stream gb reset: its late frames mean nothing
    if (this.#answers.onData(i, flags, dataLength)) this.#flow.onStreamData(i, length);
  }

  onDataBytes(streamId: number, bytes: Uint8Array, start: number, end: number): void {
    const i = this.#table.byStream.get(streamId);
    if (i >= 0) this.#answers.onBodyBytes(i, bytes, start, end);
  }

  /** HeaderBlockSink: a whole block, for the stream's answer. */
  onHeaderBlock(streamId: number, bytes: Uint8Array, start: number, end: number, endStream: boolean): void {
    this.#answers.onHeaderBlock(this.#table.byStream.get(streamId), bytes, start, end, endStream);
  }

  /** The server's first SETTINGS: the connection is up, and what it read so far was HTTP/2. */
  #becomeReady(): void {
    this.#ready = true;
    this.#owner.onBytesRead(this.#now, this.#bytesBeforeReady);
    this.#bytesBeforeReady = 0;
    // The connect time (TCP, TLS, the SETTINGS exchange) belongs to the stream that waited for it.
    const table = this.#table;
    if (table.queue.length > 0) {
      const i = table.queue.at(0);
      table.connectUs[i] = Math.round((this.#now - this.#attempt.startMs) * 1000);
      table.tcpUs[i] = this.#socketTcpUs;
      table.tlsUs[i] = this.#socketTlsUs;
    }
  }

  #onReset(streamId: number, code: number): void {
    const i = this.#table.byStream.get(streamId);
    if (i < 0) return;
    // REFUSED_STREAM: the server did no work on it (RFC 9113 §8.7), so it may go out again, once.
    if (code === E_REFUSED_STREAM && this.#table.resent[i] === 0) {
      requeue(this.#table, this.#report, [i], this.#now);
      return;
    }
    this.#endStream(i, 'receive', 'RST_STREAM', `stream reset by the server (${errorName(code)})`);
  }

  #onGoaway(lastStreamId: number, code: number): void {
    this.#goingAway = true;
    // Streams above lastStreamId were not processed: they go out again on a new connection, once.
    requeueAbove(this.#table, this.#report, lastStreamId, this.#now);
    if (this.#table.openStreams === 0) this.#retire();
    else if (code !== E_NO_ERROR) this.#attempt.error.message ??= `the server sent GOAWAY (${errorName(code)})`;
  }

  /** Writes HEADERS for queued requests, as many as the server's limit allows, in one write. */
  #flush(now: number): void {
    const table = this.#table;
    const queue = table.queue;
    if (queue.length === 0 || this.#goingAway || this.#socket === null) return;
    const idsLeft = table.idsLeft;
    const count = Math.min(queue.length, this.#peer.streamLimit - table.openStreams, idsLeft);
    if (count <= 0) {
      if (idsLeft <= 0) {
        // Stream ids ran out (2^30 streams): this socket is done, as after a GOAWAY.
        this.#goingAway = true;
        if (table.openStreams === 0) this.#retire();
      }
      return;
    }
    table.openQueued(count, now, this.#flow.initialWindow);
    // HEADERS the socket holds wait for the kernel: the streams are sent once the socket says so (onWritten).
    if (!this.#output.writeHeaders(count, this.#flow) && this.#socket?.backlogged === true) {
      for (let j = 0; j < count; j++) table.sentEndMs[queue.at(j)] = Number.POSITIVE_INFINITY;
    }
    queue.dropFront(count);
    if (this.#settings.bodies) this.#pumpBodies(now);
  }

  #pumpBodies(nowMs: number): void {
    if (this.#socket !== null && this.#ready) this.#flow.pumpBodies(nowMs);
  }

  /** ResponseSink: slot `i`'s response is whole. */
  onStreamEnd(i: number): void {
    const problem = this.#answers.grpcProblem(i);
    if (problem !== null) return this.#endStream(i, 'exceptions', problem, GRPC_PROBLEM_TEXT[problem]);
    const e = this.#report.response(i, this.#answers.takeServer());
    this.#table.close(i);
    if (this.#goingAway && this.#table.openStreams === 0) this.#retire();
    this.#owner.onResponse(this, this.#now, e);
  }

  // ProtocolErrorSink: what the connection's parts find wrong, and the frame dispatch's own finds.

  /** The server's answer on one stream is malformed: gb resets that stream (saying why) and fails it as a bad response. */
  onStreamError(i: number, code: StreamErrorCode, message: string): void {
    this.#output.write(rstStreamFrame(this.#table.streamId[i]!, wireCode(code)));
    this.#endStream(i, 'exceptions', code, message);
  }

  /**
   * The server broke the protocol: the connection ends (GOAWAY with the RFC's code for the cause), its
   * open streams fail as bad responses, and requests still queued go out on a new one. Before the
   * SETTINGS exchange finished the server never spoke HTTP/2 well enough: every request fails to connect.
   */
  onConnectionError(code: ConnectionErrorCode, message: string): void {
    this.#reader.halt();
    // Last-Stream-ID 0: with push off the server opens no stream that gb could have processed (§6.8).
    this.#output.write(goawayFrame(0, wireCode(code)));
    if (!this.#ready) {
      this.#failAll('connect', code, message);
      return;
    }
    this.#discardSocket();
    const now = this.#now;
    const lost = this.#report.loseOpen(now);
    if (lost > 0) this.#report.failed('exceptions', lost, code, `bad response: ${message}`, now);
    if (this.#table.queue.length > 0 && this.#socket === null) this.#openSocket();
  }

  /** One stream fails (a reset, a malformed answer); the connection goes on. */
  #endStream(i: number, kind: FailureKind, code: FailureCode, message: string): void {
    const now = this.#now;
    this.#report.loseRead(i, now);
    if (this.#goingAway && this.#table.openStreams === 0) this.#retire();
    this.#report.failed(kind, 1, code, message, now);
  }

  onError(socket: ClientSocket, code: FailureCode, inWrite: boolean, message: string): void {
    if (socket === this.#socket) this.#attempt.error.note(code, inWrite, message);
  }

  onClose(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const ready = this.#ready;
    this.#detach();
    const table = this.#table;
    if (table.inflight === 0) return;
    const now = this.#io.now();
    this.#clock[0] = now;
    const error = this.#attempt.error;
    if (!ready) {
      // A TLS server that speaks no protocol gb offered may end the handshake with this alert instead of choosing none.
      if (error.code === 'TLS_ALERT_NO_APPLICATION_PROTOCOL') {
        this.#failAll('connect', 'NO_H2', 'the server does not offer HTTP/2 over TLS (it refused ALPN h2)');
        return;
      }
      this.#failAll('connect', error.code ?? 'CLOSED', error.message ?? 'connection closed before the HTTP/2 SETTINGS exchange');
      return;
    }
    const lost = requeueUnanswered(table, this.#report, error.code === null && !this.#goingAway, now);
    if (lost > 0) {
      if (error.inWrite && error.code !== null) this.#owner.onWriteErrors(lost);
      this.#report.failed('receive', lost, error.code ?? 'CLOSED', error.message ?? 'connection closed before the stream ended', now);
    }
    if (table.queue.length > 0 && this.#socket === null) this.#openSocket();
  }

  /** Every request on this connection fails with `kind` (a connect that failed, a timeout before SETTINGS). */
  #failAll(kind: FailureKind, code: FailureCode, message: string): void {
    const now = this.#io.now();
    const count = this.#report.loseAll(now, kind === 'timeout');
    this.#discardSocket();
    if (count > 0) this.#report.failed(kind, count, code, message, now);
  }

  /** The socket will carry no more streams: let the server close it, and carry on with what is queued on a new one. */
  #retire(): void {
    const s = this.#socket;
    if (s !== null) {
      this.#detach();
      releaseSocket(s, this.#now);
    }
    if (this.#table.queue.length > 0) this.#openSocket();
  }

  #discardSocket(): void {
    const s = this.#socket;
    if (s === null) return;
    this.#detach();
    discardSocket(s);
  }

  /** The connection stops using its socket: nothing more is written on it or read from it. */
  #detach(): void {
    this.#socket = null;
    this.#output.socket = null;
    this.#connected = false;
    this.#ready = false;
    this.#reader.halt();
  }
}
