// One client connection: opens sockets, writes the prebuilt request, feeds the parser, times each exchange.

import { NEED_MORE, PARSE_ERROR, ResponseParser } from './response-parser.js';
import { isTlsAlert, type FailureCode, type FailureKind } from '../failures.js';
import type { ClientSocket, Endpoint, SocketHandler } from './client-socket.js';
import { Exchange, REAL_IO, reportTlsInfo, type ConnectionIo, type ConnectionOwner, type ExchangeSettings } from './exchange.js';
import { discardSocket, releaseSocket } from './socket-drain.js';
import { HeadCopy } from './head-copy.js';
import { onlyStray } from './header-block.js';
import { SocketAttempt } from './socket-attempt.js';

export type { Endpoint } from './client-socket.js';
export { REAL_IO, type ConnectionIo, type ExchangeSettings } from './exchange.js';

const UNANSWERED = 'server closed the connection twice with the request unanswered';

export class Connection implements SocketHandler {
  readonly #endpoint: Endpoint;
  readonly #owner: ConnectionOwner<Connection>;
  readonly #settings: ExchangeSettings;
  readonly #io: ConnectionIo;
  readonly #parser = new ResponseParser();
  readonly #exchange = new Exchange();
  #socket: ClientSocket | null = null;
  #connected = false;
  /** The socket's connect clock and the error that ends it. */
  readonly #attempt = new SocketAttempt();
  #lastActivityMs = 0;
  /** This socket already carried a kept-alive exchange, so a silent close may be the server's idle close. */
  #reused = false;
  // In-flight requests form a ring of `pipeline` slots; #head is the oldest.
  readonly #startMs: Float64Array;
  readonly #sentMs: Float64Array;
  readonly #writtenMs: Float64Array;
  readonly #firstByteMs: Float64Array;
  readonly #connectUs: Float64Array;
  /** The TCP part of #connectUs on the slot that got it (the rest is TLS); -1 on the others. */
  readonly #tcpUs: Float64Array;
  /** When the socket had taken the whole request: its write time, or +Infinity while the socket still holds some of it. */
  readonly #sentEndMs: Float64Array;
  /** 1 for a request already sent again after a server left it unanswered: it gets no third try. */
  readonly #resent: Uint8Array;
  /** With a RequestSource: each slot's request bytes, endpoint row and whether it is HEAD. */
  readonly #requests: (Buffer | null)[];
  readonly #rows: Int32Array;
  readonly #heads: Uint8Array;
  #head = 0;
  #inflight = 0;
  /** The engine's bookkeeping: whether this connection waits in its idle list (rate mode). */
  parked = false;
  #unwritten = 0;
  #lastStartMs = Number.NEGATIVE_INFINITY;
  #lastEndMs = Number.NEGATIVE_INFINITY;
  /** Inside onData: requests started meanwhile are written together when the chunk is done. */
  #receiving = false;
  /** -v: the current response's bytes up to the end of its headers (plus a little body), while captureHead. */
  /** -v 2 and up: the response's status line and headers, as they arrive. */
  readonly #headCopy: HeadCopy;

  constructor(endpoint: Endpoint, owner: ConnectionOwner<Connection>, settings: ExchangeSettings, io: ConnectionIo = REAL_IO) {
    this.#endpoint = endpoint;
    this.#owner = owner;
    this.#settings = settings;
    this.#io = io;
    const slots = settings.pipeline;
    this.#startMs = new Float64Array(slots);
    this.#sentMs = new Float64Array(slots);
    this.#writtenMs = new Float64Array(slots);
    this.#firstByteMs = new Float64Array(slots);
    this.#connectUs = new Float64Array(slots);
    this.#tcpUs = new Float64Array(slots);
    this.#sentEndMs = new Float64Array(slots);
    this.#resent = new Uint8Array(slots);
    this.#headCopy = new HeadCopy(settings.captureBodyBytes);
    const varied = settings.source !== null;
    this.#requests = new Array<Buffer | null>(varied ? slots : 0).fill(null);
    this.#rows = new Int32Array(varied ? slots : 0);
    this.#heads = new Uint8Array(varied ? slots : 0);
    this.#parser.reset(settings.isHead);
    this.#parser.captureServer = true; // until this connection's first response has been read
  }

  /** Free request slots on this connection. */
  get capacity(): number {
    return this.#settings.pipeline - this.#inflight;
  }

  /** How long the request last answered on this connection took; NaN before the first. */
  get lastExchangeMs(): number {
    return this.#lastEndMs - this.#lastStartMs;
  }

  /** When this connection's requests began waiting for its socket to connect; +Infinity when none wait for one. */
  get waitingSinceMs(): number {
    return this.#socket !== null && !this.#connected && this.#unwritten > 0 ? this.#attempt.startMs : Number.POSITIVE_INFINITY;
  }

  /**
   * Hands back up to `max` requests that still wait for a connect, so that another connection can
   * send them; returns how many. None of their bytes has left, so to the server they never existed.
   * With a RequestSource they go back to it, and the taker's send() draws these same requests.
   */
  withdraw(max: number): number {
    if (this.#socket === null || this.#connected) return 0;
    const count = Math.min(max, this.#unwritten);
    const source = this.#settings.source;
    if (source !== null) {
      // Each keeps its place in the run: the taker's next draws get these requests back, oldest first.
      const slots = this.#settings.pipeline;
      for (let j = this.#inflight - count; j < this.#inflight; j++) {
        const i = (this.#head + j) % slots;
        source.giveBack(this.#requests[i]!, this.#rows[i]!, this.#heads[i] === 1);
        this.#requests[i] = null;
      }
    }
    // Unwritten requests are the newest in the ring: taking them from its tail leaves the rest in order.
    this.#inflight -= count;
    this.#unwritten -= count;
    // A connect left with nothing to send is abandoned: closing a socket still in SYN_SENT sends no packet.
    if (this.#inflight === 0) this.#discardSocket();
    return count;
  }

  /** Starts `count` requests (≤ capacity). startMs is when each counts as begun: now, or its intended time in rate mode. */
  send(startMs: number, count: number): void {
    // More would wrap the ring onto requests still in flight and overwrite their start times.
    if (count > this.capacity) throw new RangeError(`${count} requests sent on a connection with ${this.capacity} free slots`);
    const slots = this.#settings.pipeline;
    const sentMs = this.#settings.measureUncorrected ? this.#io.now() : startMs;
    const source = this.#settings.source;
    for (let j = 0; j < count; j++) {
      const i = (this.#head + this.#inflight + j) % slots;
      if (source !== null) {
        this.#requests[i] = source.next();
        this.#rows[i] = source.row;
        this.#heads[i] = source.isHead ? 1 : 0;
      }
      this.#startMs[i] = startMs;
      this.#sentMs[i] = sentMs;
      this.#connectUs[i] = 0;
      this.#tcpUs[i] = -1;
      this.#resent[i] = 0;
    }
    this.#inflight += count;
    this.#unwritten += count;
    if (this.#socket === null) this.#open();
    else if (this.#connected && !this.#receiving) this.#flush(sentMs);
  }

  /** Fails in-flight requests whose socket has been silent longer than timeoutMs (ab's -s). */
  checkTimeout(nowMs: number, timeoutMs: number): void {
    if (this.#inflight > 0 && nowMs - this.#lastActivityMs > timeoutMs) {
      if (this.#connected) this.#fail('timeout', 'TIMEOUT', `timeout: no answer within ${timeoutMs / 1000} s`);
      else this.#fail('connectTimeout', 'CONNECT_TIMEOUT', `timeout: no connection within ${timeoutMs / 1000} s`);
    }
  }

  /** Ends the connection; returns how many requests were cut off in flight. */
  close(): number {
    const cut = this.#inflight;
    this.#inflight = 0;
    this.#unwritten = 0;
    this.#discardSocket();
    return cut;
  }

  #open(): void {
    const now = this.#io.now();
    this.#attempt.begin(now);
    this.#lastActivityMs = now;
    this.#headCopy.clear();
    this.#connected = false;
    this.#reused = false;
    this.#parser.reset(this.#settings.isHead);
    this.#socket = this.#io.open(this.#endpoint, this);
  }

  onConnect(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const now = this.#io.now();
    this.#connected = true;
    this.#lastActivityMs = now;
    reportTlsInfo(this.#owner, socket, this.#endpoint);
    // The connect time belongs to the first request that waited for this socket (ab's Connect).
    if (this.#inflight > 0) {
      const head = this.#head;
      const connectUs = Math.round((now - this.#attempt.startMs) * 1000);
      this.#connectUs[head] = connectUs;
      // Without TLS (no reading in between) connecting was all TCP; with it, TLS is the rest.
      const tcpEnd = this.#attempt.tcpConnectedMs;
      this.#tcpUs[head] = Number.isNaN(tcpEnd) ? connectUs : Math.round((tcpEnd - this.#attempt.startMs) * 1000);
    }
    this.#flush(now);
  }

  onTcpConnect(socket: ClientSocket): void {
    if (socket === this.#socket) this.#attempt.tcpConnectedMs = this.#io.now();
  }

  /** The socket has handed every held byte to the kernel: the requests written so far are sent. */
  onWritten(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const now = this.#io.now();
    const slots = this.#settings.pipeline;
    const written = this.#inflight - this.#unwritten;
    for (let j = 0; j < written; j++) {
      const i = (this.#head + j) % slots;
      if (this.#sentEndMs[i] === Number.POSITIVE_INFINITY) this.#sentEndMs[i] = now;
    }
  }

  /** Writes the requests not yet written; nowMs is the caller's clock reading (one read per request suffices). */
  #flush(now: number): void {
    const count = this.#unwritten;
    if (count === 0 || this.#socket === null) return;
    const slots = this.#settings.pipeline;
    for (let j = this.#inflight - count; j < this.#inflight; j++) {
      const i = (this.#head + j) % slots;
      this.#writtenMs[i] = now;
      this.#sentEndMs[i] = now;
    }
    this.#unwritten = 0;
    this.#lastActivityMs = now;
    const burst = this.#settings.source === null ? this.#settings.bursts[count]! : this.#variedBurst(count); // count ≤ pipeline by the send() contract
    this.#owner.onBytesWritten(burst.length);
    const socket = this.#socket;
    if (socket.write(burst) || socket.backlogged !== true) return;
    // The socket keeps some of the bytes (a large body, a full send buffer): sent once it says so (onWritten).
    for (let j = this.#inflight - count; j < this.#inflight; j++) this.#sentEndMs[(this.#head + j) % slots] = Number.POSITIVE_INFINITY;
  }

  /** The last `count` slots' own requests: one write, as a static burst is (one request needs no copy). */
  #variedBurst(count: number): Buffer {
    const slots = this.#settings.pipeline;
    const first = this.#inflight - count;
    if (count === 1) return this.#requests[(this.#head + first) % slots]!;
    const parts: Buffer[] = [];
    for (let j = first; j < this.#inflight; j++) parts.push(this.#requests[(this.#head + j) % slots]!);
    return Buffer.concat(parts);
  }

  onData(socket: ClientSocket, chunk: Uint8Array, end: number): void {
    if (socket !== this.#socket) return;
    const now = this.#io.now();
    this.#lastActivityMs = now;
    this.#owner.onBytesRead(now, end);
    // With pipelining one chunk often completes several responses: their successors go out in one write.
    this.#receiving = true;
    this.#parseChunk(socket, chunk, end, now);
    this.#receiving = false;
    if (this.#unwritten > 0 && this.#socket === socket && this.#connected) this.#flush(now);
  }

  #parseChunk(socket: ClientSocket, chunk: Uint8Array, end: number, now: number): void {
    const parser = this.#parser;
    let pos = 0;
    while (pos < end) {
      // Requests started during this chunk are not written yet: no byte here can answer them.
      const awaited = this.#inflight - this.#unwritten;
      if (awaited === 0) {
        // A stray CRLF after the last response (some servers send one) answers nothing and harms
        // nothing: the parser skips it, within its bound, before the next status line.
        pos = parser.skipStray(chunk, pos, end);
        if (pos === end) return;
        // Bytes nobody asked for: the stream is out of step, so it cannot be trusted further.
        // Requests started meanwhile go out on a new socket.
        this.#discardSocket();
        this.#retryRest(0, 'receive', 'UNEXPECTED_BYTES', 'bytes arrived that answer no request');
        return;
      }
      if (!parser.started) {
        this.#firstByteMs[this.#head] = now;
        if (this.#settings.source !== null) parser.expectHead(this.#heads[this.#head] === 1);
      }
      const inHead = this.#settings.captureHead && (!parser.headersComplete || this.#settings.captureBodyBytes > 0);
      const r = parser.execute(chunk, pos, end);
      if (inHead) this.#headCopy.add(chunk, pos, r >= 0 ? r : end);
      if (r === NEED_MORE) return;
      if (r === PARSE_ERROR) {
        const message = `bad response: ${parser.error ?? 'unparsable'}`;
        const code: FailureCode = parser.errorCode ?? 'INTERNAL';
        this.#discardSocket();
        this.#retryRest(1, 'exceptions', code, message);
        return;
      }
      pos = r;
      // Bytes after the last awaited response (a body longer than announced) belong to no request:
      // the stream is out of step, so this answer is the socket's last. Stray line ends are not.
      this.#complete(now, false, pos < end && awaited === 1 && !onlyStray(chunk, pos, end));
      if (this.#socket !== socket) return; // closed (and perhaps reopened) by the completion
    }
  }

  /** truncated: a close cut the body short (a Length failure); outOfStep: more bytes followed than the response framed. */
  #complete(nowMs: number, truncated: boolean, outOfStep: boolean): void {
    const i = this.#head;
    const parser = this.#parser;
    const settings = this.#settings;
    const keep = settings.keepAlive && parser.keepAlive && !truncated && !outOfStep;
    this.#lastStartMs = this.#startMs[i]!;
    this.#lastEndMs = nowMs;
    const firstByteMs = this.#firstByteMs[i]!;
    const writtenMs = this.#writtenMs[i]!;
    const waitUs = Math.round((firstByteMs - writtenMs) * 1000);
    // An answer can begin before the request is all sent (a server refusing a large body): sending ends there.
    const sentEndMs = this.#sentEndMs[i]!;
    const sendUs = Math.round(((sentEndMs < firstByteMs ? sentEndMs : firstByteMs) - writtenMs) * 1000);
    const e = this.#exchange;
    e.status = parser.statusCode;
    const connectUs = this.#connectUs[i]!;
    e.connectUs = connectUs;
    const tcpUs = this.#tcpUs[i]!;
    e.tcpUs = tcpUs;
    e.tlsUs = tcpUs < 0 || this.#endpoint.tls === null ? -1 : connectUs - tcpUs;
    e.waitUs = waitUs < 0 ? 0 : waitUs;
    e.sendUs = sendUs < 0 ? 0 : sendUs;
    e.receiveUs = Math.round((nowMs - firstByteMs) * 1000);
    e.totalUs = Math.round((nowMs - this.#lastStartMs) * 1000);
    e.uncorrectedUs = settings.measureUncorrected ? Math.round((nowMs - this.#sentMs[i]!) * 1000) : -1;
    e.bodyBytes = parser.bodyBytes;
    e.keptAlive = keep;
    e.truncated = truncated;
    e.server = parser.captureServer ? (parser.serverHeader ?? '') : null;
    e.head = settings.captureHead ? this.#headCopy.take() : null;
    e.body = settings.captureHead ? this.#headCopy.body : null;
    e.rejected = false;
    e.row = settings.source === null ? 0 : this.#rows[i]!;
    parser.captureServer = false;
    const serverCloses = !parser.keepAlive;
    parser.reset(settings.isHead);
    this.#head = (i + 1) % settings.pipeline;
    this.#inflight--;
    if (keep) {
      this.#reused = true;
    } else {
      if (serverCloses) this.#releaseSocket();
      else this.#discardSocket(); // the server would keep it open: close it ourselves
      // Pipelined requests behind a closing response will never be answered on this socket.
      this.#retryRest(0, 'receive', 'UNANSWERED', UNANSWERED);
    }
    this.#owner.onResponse(this, nowMs, e);
  }

  onError(socket: ClientSocket, code: FailureCode, inWrite: boolean, message: string): void {
    if (socket === this.#socket) this.#attempt.error.note(code, inWrite, message);
  }

  onClose(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const connected = this.#connected;
    this.#socket = null;
    this.#connected = false;
    if (this.#inflight === 0) return;
    const parser = this.#parser;
    const error = this.#attempt.error;
    if (error.code === null && parser.started) {
      // Either way the response ends here. #complete sends any requests pipelined behind it again
      // on a new socket, and may already have started the next request there: leave that alone.
      if (parser.finishOnClose()) {
        this.#complete(this.#io.now(), false, false);
        return;
      }
      if (parser.headersComplete) {
        // Headers arrived, then a close cut the body short (sized or chunked): ab's Length class.
        this.#complete(this.#io.now(), true, false);
        return;
      }
    }
    if (!connected || (!this.#reused && !parser.started && rejectedHandshake(error.code))) {
      this.#fail('connect', error.code ?? 'CLOSED', error.message ?? 'connection closed');
      return;
    }
    if (this.#reused && error.code === null && !parser.started) {
      // A clean close before any byte of the answer, on a kept-alive socket, is the server ending an
      // idle connection as our request crossed it: ab sends again on a new connection, and so do we.
      this.#retryRest(0, 'receive', 'UNANSWERED', UNANSWERED);
      return;
    }
    // The request being read fails; any pipelined behind it were not answered and go out again.
    if (error.code !== null) this.#retryRest(1, 'receive', error.code, error.message ?? error.code, error.inWrite);
    else this.#retryRest(1, 'receive', 'CLOSED', parser.error ?? 'connection closed before the response ended');
  }

  /**
   * The socket is gone with requests on it. The oldest `failing` fail with `kind`; the others were
   * not answered, so each is sent again on a new socket (RFC 9112 §9.3.2), but only once: a request
   * left unanswered a second time fails too. Call with the socket already released or discarded.
   */
  #retryRest(failing: number, kind: FailureKind, code: FailureCode, message: string, writeFailed = false): void {
    const slots = this.#settings.pipeline;
    const written = this.#inflight - this.#unwritten;
    // Requests sent again are the oldest on their new socket, so those still unanswered lead the ring.
    let lost = Math.min(failing, this.#inflight);
    while (lost < written && this.#resent[(this.#head + lost) % slots] === 1) lost++;
    for (let j = lost; j < written; j++) {
      const i = (this.#head + j) % slots;
      this.#resent[i] = 1;
      this.#connectUs[i] = 0;
      this.#tcpUs[i] = -1;
    }
    if (written > lost) this.#owner.onResent(written - lost);
    const now = this.#io.now();
    this.#timeFailedReads(lost, now);
    this.#head = (this.#head + lost) % slots;
    this.#inflight -= lost;
    this.#unwritten = this.#inflight;
    if (lost > 0) {
      this.#reportRows(this.#head - lost, lost);
      if (writeFailed) this.#owner.onWriteErrors(lost);
      this.#owner.onFailure(this, now, kind, lost, code, message);
    }
    // The owner may have opened a socket already, by starting a request on the freed slots.
    if (this.#inflight > 0 && this.#socket === null) this.#open();
  }

  /** Every request on this connection fails with `kind` (a timeout, a connect that failed). */
  #fail(kind: FailureKind, code: FailureCode, message: string): void {
    const count = this.#inflight;
    const now = this.#io.now();
    if (kind === 'timeout') this.#timeFailedReads(count, now);
    this.#reportRows(this.#head, count);
    this.#inflight = 0;
    this.#unwritten = 0;
    this.#discardSocket();
    this.#owner.onFailure(this, now, kind, count, code, message);
  }

  /** With a RequestSource, each failing request's endpoint row: `count` slots from `from` (may be below 0: the ring wraps). */
  #reportRows(from: number, count: number): void {
    if (this.#settings.source === null) return;
    const slots = this.#settings.pipeline;
    for (let j = 0; j < count; j++) this.#owner.onRowFailed(this.#rows[(((from + j) % slots) + slots) % slots]!);
  }

  /** The oldest `count` requests, sent on an open connection, failed in their read: each is timed to now (ab's done). */
  #timeFailedReads(count: number, nowMs: number): void {
    const slots = this.#settings.pipeline;
    const e = this.#exchange;
    for (let j = 0; j < count; j++) {
      const i = (this.#head + j) % slots;
      e.connectUs = this.#connectUs[i]!;
      // Only the request being read can have had a byte of its answer.
      const waitUs = j === 0 && this.#parser.started ? Math.round((this.#firstByteMs[i]! - this.#writtenMs[i]!) * 1000) : 0;
      e.waitUs = waitUs < 0 ? 0 : waitUs;
      e.totalUs = Math.round((nowMs - this.#startMs[i]!) * 1000);
      e.row = this.#settings.source === null ? 0 : this.#rows[i]!;
      this.#owner.onFailedRead(nowMs, e);
    }
  }

  /** Response done and the server will close: let it, so TIME_WAIT lands on its side. */
  #releaseSocket(): void {
    const s = this.#socket;
    if (s === null) return;
    this.#socket = null;
    this.#connected = false;
    releaseSocket(s, this.#io.now());
    this.#parser.reset(this.#settings.isHead);
  }

  #discardSocket(): void {
    const s = this.#socket;
    if (s === null) return;
    this.#socket = null;
    this.#connected = false;
    discardSocket(s);
    // The parser keeps its state until the next socket opens: a failed read is timed from it.
  }
}

/**
 * A TLS alert from the server before any byte of the first answer on a socket. Under TLS 1.3 the
 * client's side of the handshake ends before the server has judged the client's certificate, so a
 * server that refuses it (certificate_required, bad_certificate, unknown_ca, ...) says so only
 * after 'secureConnect': the connection never became usable, which is a Connect failure.
 */
function rejectedHandshake(code: FailureCode | null): boolean {
  return code !== null && isTlsAlert(code);
}
