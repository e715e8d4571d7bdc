// One client connection: opens sockets, writes the prebuilt request, feeds the parser, times each exchange.

import { performance } from 'node:perf_hooks';
import { NEED_MORE, PARSE_ERROR, ResponseParser } from './response-parser.js';
import { openSocket, type ClientSocket, type Endpoint, type SocketHandler } from './client-socket.js';
import { C, type FailureKind, type Recorder } from '../metrics/recorder.js';

export type { Endpoint } from './client-socket.js';

/** What a connection takes from the outside world: a clock and sockets. Tests pass fakes of both. */
export interface ConnectionIo {
  /** Milliseconds on a monotonic clock (performance.now()). */
  now(): number;
  open(endpoint: Endpoint, handler: SocketHandler): ClientSocket;
}

export const REAL_IO: ConnectionIo = { now: () => performance.now(), open: openSocket };

/** The engine side of a connection. Calls carry no closures or objects: the hot path stays allocation-free. */
export interface ConnectionOwner {
  readonly recorder: Recorder;
  /** One response completed on `conn` at nowMs; the owner may call conn.send() from here. */
  onResponse(conn: Connection, nowMs: number): void;
  /** The oldest `count` requests on `conn` failed with `kind`; the owner may call conn.send() from here. */
  onFailure(conn: Connection, kind: FailureKind, count: number, message: string): void;
}

export interface ExchangeSettings {
  /** bursts[k] is k requests back to back (k ≤ pipeline): a pipelined burst is one write, no allocation. Shared by every connection. */
  readonly bursts: readonly Buffer[];
  /** Requests in flight per connection. */
  readonly pipeline: number;
  readonly isHead: boolean;
  readonly keepAlive: boolean;
  readonly variableLength: boolean;
  /** Rate mode: also time each exchange from its actual send, besides its intended start. */
  readonly measureUncorrected: boolean;
}

function ignore(): void {}

/** Gets the events of a socket its connection gave up on: there is nothing left to hear. */
const DISCARDED: SocketHandler = { onConnect: ignore, onData: ignore, onError: ignore, onClose: ignore };

// A socket the server is about to close (Connection: close) is left to close itself, so the
// TIME_WAIT state lands on the server as with ab. Each is kept with the time it was released.
const draining = new Map<ClientSocket, number>();
const DRAINING: SocketHandler = {
  onConnect: ignore,
  onData: ignore,
  onError: ignore,
  onClose: (socket) => draining.delete(socket),
};

/**
 * How long a server that announced its close may take to make it. One that never does would
 * otherwise hold a socket per response until the run ends, and a long run would run out of them.
 */
export const DRAIN_TIMEOUT_MS = 1000;

/**
 * Destroys sockets released before `nowMs − DRAIN_TIMEOUT_MS` (all of them with Infinity, when a
 * run ends). The engine's timeout sweep calls it: a timer per socket would cost more than the socket.
 */
export function destroyDrainingSockets(nowMs = Number.POSITIVE_INFINITY): void {
  for (const [socket, releasedMs] of draining) {
    // The Map keeps insertion order, so the first socket still young ends the sweep.
    if (nowMs - releasedMs < DRAIN_TIMEOUT_MS) break;
    socket.handler = DISCARDED;
    socket.destroy();
    draining.delete(socket);
  }
}

export class Connection implements SocketHandler {
  readonly #endpoint: Endpoint;
  readonly #owner: ConnectionOwner;
  readonly #settings: ExchangeSettings;
  readonly #io: ConnectionIo;
  readonly #parser = new ResponseParser();
  #socket: ClientSocket | null = null;
  #connected = false;
  #connectStartMs = 0;
  #lastActivityMs = 0;
  #lastError: string | null = null;
  /** This socket already carried a kept-alive exchange, so a silent close may be the server's idle close. */
  #reused = false;
  // In-flight requests form a ring of `pipeline` slots; #head is the oldest.
  readonly #startMs: Float64Array;
  readonly #sentMs: Float64Array;
  readonly #writtenMs: Float64Array;
  readonly #firstByteMs: Float64Array;
  readonly #connectUs: Float64Array;
  /** 1 for a request already sent again after a server left it unanswered: it gets no third try. */
  readonly #resent: Uint8Array;
  #head = 0;
  #inflight = 0;
  /** The engine's bookkeeping: whether this connection waits in its idle list (rate mode). */
  parked = false;
  #unwritten = 0;
  #lastStartMs = Number.NEGATIVE_INFINITY;
  #lastEndMs = Number.NEGATIVE_INFINITY;
  /** Inside onData: requests started meanwhile are written together when the chunk is done. */
  #receiving = false;

  constructor(endpoint: Endpoint, owner: ConnectionOwner, settings: ExchangeSettings, io: ConnectionIo = REAL_IO) {
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
    this.#resent = new Uint8Array(slots);
    this.#parser.reset(settings.isHead);
    this.#parser.captureServer = true; // until the run's first response has been read
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
    return this.#socket !== null && !this.#connected && this.#unwritten > 0 ? this.#connectStartMs : Number.POSITIVE_INFINITY;
  }

  /**
   * Hands back up to `max` requests that still wait for a connect, so that another connection can
   * send them; returns how many. None of their bytes has left, so to the server they never existed.
   */
  withdraw(max: number): number {
    if (this.#socket === null || this.#connected) return 0;
    const count = Math.min(max, this.#unwritten);
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
    for (let j = 0; j < count; j++) {
      const i = (this.#head + this.#inflight + j) % slots;
      this.#startMs[i] = startMs;
      this.#sentMs[i] = sentMs;
      this.#connectUs[i] = 0;
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
      if (this.#connected) this.#fail('timeout', `timeout: no answer within ${timeoutMs / 1000} s`);
      else this.#fail('connectTimeout', `timeout: no connection within ${timeoutMs / 1000} s`);
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
    this.#connectStartMs = now;
    this.#lastActivityMs = now;
    this.#lastError = null;
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
    const first = this.#owner.recorder.first;
    if (first.tlsProtocol === null) {
      const info = socket.tlsInfo();
      if (info !== null) {
        first.tlsProtocol = info.protocol;
        first.tlsTempKey = info.tempKey;
        first.tlsServerName = this.#endpoint.servername;
      }
    }
    // The connect time belongs to the first request that waited for this socket (ab's Connect).
    if (this.#inflight > 0) this.#connectUs[this.#head] = Math.round((now - this.#connectStartMs) * 1000);
    this.#flush(now);
  }

  /** Writes the requests not yet written; nowMs is the caller's clock reading (one read per request suffices). */
  #flush(now: number): void {
    const count = this.#unwritten;
    if (count === 0 || this.#socket === null) return;
    const slots = this.#settings.pipeline;
    for (let j = this.#inflight - count; j < this.#inflight; j++) this.#writtenMs[(this.#head + j) % slots] = now;
    this.#unwritten = 0;
    this.#lastActivityMs = now;
    const burst = this.#settings.bursts[count]!; // count ≤ pipeline by the send() contract
    this.#owner.recorder.counters[C.bytesSent]! += burst.length;
    this.#socket.write(burst);
  }

  onData(socket: ClientSocket, chunk: Uint8Array, end: number): void {
    if (socket !== this.#socket) return;
    const now = this.#io.now();
    this.#lastActivityMs = now;
    this.#owner.recorder.recordBytes(now, end);
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
        // Bytes nobody asked for: the stream is out of step, so it cannot be trusted further.
        // Requests started meanwhile go out on a new socket.
        this.#discardSocket();
        this.#retryRest(0, 'receive', 'bytes arrived that answer no request');
        return;
      }
      if (!parser.started) this.#firstByteMs[this.#head] = now;
      const r = parser.execute(chunk, pos, end);
      if (r === NEED_MORE) return;
      if (r === PARSE_ERROR) {
        const message = `bad response: ${parser.error ?? 'unparsable'}`;
        this.#discardSocket();
        this.#retryRest(1, 'exceptions', message);
        return;
      }
      pos = r;
      // Bytes after the last awaited response (a body longer than announced) belong to no request:
      // the stream is out of step, so this answer is the socket's last.
      this.#complete(now, false, pos < end && awaited === 1);
      if (this.#socket !== socket) return; // closed (and perhaps reopened) by the completion
    }
  }

  /** truncated: a close cut the body short (a Length failure); outOfStep: more bytes followed than the response framed. */
  #complete(nowMs: number, truncated: boolean, outOfStep: boolean): void {
    const i = this.#head;
    const parser = this.#parser;
    const settings = this.#settings;
    const rec = this.#owner.recorder;
    const keep = settings.keepAlive && parser.keepAlive && !truncated && !outOfStep;
    if (rec.first.serverSoftware === null) rec.first.serverSoftware = parser.serverHeader ?? '';
    parser.captureServer = false;
    this.#lastStartMs = this.#startMs[i]!;
    this.#lastEndMs = nowMs;
    const totalUs = Math.round((nowMs - this.#lastStartMs) * 1000);
    const waitUs = Math.round((this.#firstByteMs[i]! - this.#writtenMs[i]!) * 1000);
    const uncorrectedUs = settings.measureUncorrected ? Math.round((nowMs - this.#sentMs[i]!) * 1000) : -1;
    rec.recordResponse(
      nowMs,
      parser.statusCode,
      this.#connectUs[i]!,
      waitUs < 0 ? 0 : waitUs,
      totalUs,
      uncorrectedUs,
      parser.bodyBytes,
      keep,
      settings.variableLength,
      truncated,
    );
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
      this.#retryRest(0, 'receive', 'server closed the connection twice with the request unanswered');
    }
    this.#owner.onResponse(this, nowMs);
  }

  onError(socket: ClientSocket, code: string): void {
    if (socket === this.#socket) this.#lastError ??= code;
  }

  onClose(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const connected = this.#connected;
    this.#socket = null;
    this.#connected = false;
    if (this.#inflight === 0) return;
    const parser = this.#parser;
    if (this.#lastError === null && parser.started) {
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
    if (!connected) {
      this.#fail('connect', this.#lastError ?? 'connection closed');
      return;
    }
    if (this.#reused && this.#lastError === null && !parser.started) {
      // A clean close before any byte of the answer, on a kept-alive socket, is the server ending an
      // idle connection as our request crossed it: ab sends again on a new connection, and so do we.
      this.#retryRest(0, 'receive', 'server closed the connection twice with the request unanswered');
      return;
    }
    // The request being read fails; any pipelined behind it were not answered and go out again.
    const closed = parser.error ?? 'connection closed before the response ended';
    this.#retryRest(1, 'receive', this.#lastError ?? closed);
  }

  /**
   * The socket is gone with requests on it. The oldest `failing` fail with `kind`; the others were
   * not answered, so each is sent again on a new socket (RFC 9112 §9.3.2), but only once: a request
   * left unanswered a second time fails too. Call with the socket already released or discarded.
   */
  #retryRest(failing: number, kind: FailureKind, message: string): void {
    const slots = this.#settings.pipeline;
    const written = this.#inflight - this.#unwritten;
    // Requests sent again are the oldest on their new socket, so those still unanswered lead the ring.
    let lost = Math.min(failing, this.#inflight);
    while (lost < written && this.#resent[(this.#head + lost) % slots] === 1) lost++;
    for (let j = lost; j < written; j++) {
      const i = (this.#head + j) % slots;
      this.#resent[i] = 1;
      this.#connectUs[i] = 0;
    }
    if (written > lost) this.#owner.recorder.counters[C.resent]! += written - lost;
    this.#head = (this.#head + lost) % slots;
    this.#inflight -= lost;
    this.#unwritten = this.#inflight;
    if (lost > 0) this.#report(kind, lost, message);
    // The owner may have opened a socket already, by starting a request on the freed slots.
    if (this.#inflight > 0 && this.#socket === null) this.#open();
  }

  /** Every request on this connection fails with `kind` (a timeout, a connect that failed). */
  #fail(kind: FailureKind, message: string): void {
    const count = this.#inflight;
    this.#inflight = 0;
    this.#unwritten = 0;
    this.#discardSocket();
    this.#report(kind, count, message);
  }

  #report(kind: FailureKind, count: number, message: string): void {
    const now = this.#io.now();
    for (let j = 0; j < count; j++) this.#owner.recorder.recordFailure(now, kind, message);
    this.#owner.onFailure(this, kind, count, message);
  }

  /** Response done and the server will close: let it, so TIME_WAIT lands on its side. */
  #releaseSocket(): void {
    const s = this.#socket;
    if (s === null) return;
    this.#socket = null;
    this.#connected = false;
    s.handler = DRAINING;
    draining.set(s, this.#io.now());
    this.#parser.reset(this.#settings.isHead);
  }

  #discardSocket(): void {
    const s = this.#socket;
    if (s === null) return;
    this.#socket = null;
    this.#connected = false;
    s.handler = DISCARDED;
    s.destroy();
    this.#parser.reset(this.#settings.isHead);
  }
}
