// One WebSocket client connection as the engine drives it: the upgrade handshake as its connect, then each message's round trip as one exchange.

import type { FailureCode, FailureKind } from '../failures.js';
import type { ClientSocket, Endpoint, SocketHandler } from './client-socket.js';
import { Exchange, REAL_IO, reportTlsInfo, type ConnectionIo, type ConnectionOwner, type LoadConnection } from './exchange.js';
import { discardSocket } from './socket-drain.js';
import { SocketAttempt } from './socket-attempt.js';
import {
  buildFrame,
  CLOSE_ABNORMAL,
  closePayload,
  EVENT_CLOSE,
  EVENT_MESSAGE,
  EVENT_PING,
  FRAME_ERROR,
  FRAME_NEED_MORE,
  FrameDecoder,
  MaskSource,
  maskedHeaderLength,
  maskInto,
  OP_BINARY,
  OP_CLOSE,
  OP_PONG,
  OP_TEXT,
  writeHeader,
} from './ws-frames.js';
import { HandshakeReader, newKey, upgradeRequest, type UpgradeTemplate } from './ws-handshake.js';

/** What a WebSocket run counts beyond exchanges (metrics' WsStats has this shape; transport does not import it). */
export interface WsObserver {
  /** A handshake succeeded; `handshakeUs` from the upgrade request's write to the 101's end. */
  opened(handshakeUs: number): void;
  /** A connection never opened: refused, timed out, or its handshake was rejected. */
  openFailed(): void;
  sent(messages: number, payloadBytes: number): void;
  received(payloadBytes: number): void;
  /** A connection ended with this close code (1006: without a Close frame). */
  closed(code: number): void;
  pingAnswered(): void;
}

export interface WsSettings {
  readonly upgrade: UpgradeTemplate;
  readonly message: Uint8Array;
  readonly binary: boolean;
  /** Messages in flight per connection: 1 for --echo, more with --rate. */
  readonly slots: number;
  readonly measureUncorrected: boolean;
  /** Where the counts go now: the engine swaps its recorder when measuring begins. */
  readonly observer: () => WsObserver;
}

/** Normal closure, what gb says when the run is over. */
const CLOSE_NORMAL = 1000;

// Where the connection is: no socket, TCP (and TLS) connecting, upgrade sent, open.
const IDLE = 0,
  CONNECTING = 1,
  UPGRADING = 2,
  OPEN = 3;

export class WsConnection implements LoadConnection, SocketHandler {
  readonly #endpoint: Endpoint;
  readonly #owner: ConnectionOwner<WsConnection>;
  readonly #settings: WsSettings;
  readonly #io: ConnectionIo;
  readonly #exchange = new Exchange();
  readonly #decoder = new FrameDecoder();
  readonly #handshake = new HandshakeReader();
  readonly #attempt = new SocketAttempt();
  readonly #mask = new MaskSource((Math.random() * 2 ** 32) >>> 0);
  #socket: ClientSocket | null = null;
  #state = IDLE;
  #accept = '';
  #upgradeSentMs = 0;
  #lastActivityMs = 0;
  /** The 101's Server header, for the next message's exchange to carry (ab reports the first response's). */
  #server: string | null = null;
  /** A Close frame came on this socket: its end is not an abnormal closure. */
  #closeSeen = false;
  // The message frame: its header written once, the masked payload rewritten per send.
  #frame: Buffer;
  readonly #keyAt: number;
  /** The socket still holds #frame from a write: the next message gets a buffer of its own. */
  #frameHeld = false;
  // In-flight messages form a ring of `slots`; #head is the oldest.
  readonly #startMs: Float64Array;
  readonly #sentMs: Float64Array;
  readonly #writtenMs: Float64Array;
  readonly #connectUs: Float64Array;
  readonly #tcpUs: Float64Array;
  readonly #tlsUs: Float64Array;
  #head = 0;
  #inflight = 0;
  #unwritten = 0;
  #firstByteMs = 0;
  #receiving = false;
  #lastStartMs = Number.NEGATIVE_INFINITY;
  #lastEndMs = Number.NEGATIVE_INFINITY;
  parked = false;

  constructor(endpoint: Endpoint, owner: ConnectionOwner<WsConnection>, settings: WsSettings, io: ConnectionIo = REAL_IO) {
    this.#endpoint = endpoint;
    this.#owner = owner;
    this.#settings = settings;
    this.#io = io;
    const length = settings.message.length;
    this.#frame = Buffer.allocUnsafe(maskedHeaderLength(length) + length);
    this.#keyAt = writeHeader(this.#frame, settings.binary ? OP_BINARY : OP_TEXT, length);
    const slots = settings.slots;
    this.#startMs = new Float64Array(slots);
    this.#sentMs = new Float64Array(slots);
    this.#writtenMs = new Float64Array(slots);
    this.#connectUs = new Float64Array(slots);
    this.#tcpUs = new Float64Array(slots);
    this.#tlsUs = new Float64Array(slots);
  }

  get capacity(): number {
    return this.#settings.slots - this.#inflight;
  }

  get lastExchangeMs(): number {
    return this.#lastEndMs - this.#lastStartMs;
  }

  get waitingSinceMs(): number {
    return this.#socket !== null && this.#state !== OPEN && this.#unwritten > 0 ? this.#attempt.startMs : Number.POSITIVE_INFINITY;
  }

  /** Messages that still wait for the handshake may go to another connection: none of their bytes has left. */
  withdraw(max: number): number {
    if (this.#socket === null || this.#state === OPEN) return 0;
    const count = Math.min(max, this.#unwritten);
    this.#inflight -= count;
    this.#unwritten -= count;
    if (this.#inflight === 0) this.#discardSocket();
    return count;
  }

  send(startMs: number, count: number): void {
    if (count > this.capacity) throw new RangeError(`${count} messages sent on a connection with ${this.capacity} free slots`);
    const slots = this.#settings.slots;
    const sentMs = this.#settings.measureUncorrected ? this.#io.now() : startMs;
    for (let j = 0; j < count; j++) {
      const i = (this.#head + this.#inflight + j) % slots;
      this.#startMs[i] = startMs;
      this.#sentMs[i] = sentMs;
      this.#connectUs[i] = 0;
      this.#tcpUs[i] = -1;
      this.#tlsUs[i] = -1;
    }
    this.#inflight += count;
    this.#unwritten += count;
    if (this.#socket === null) this.#open();
    else if (this.#state === OPEN && !this.#receiving) this.#flush(sentMs);
  }

  checkTimeout(nowMs: number, timeoutMs: number): void {
    if (this.#inflight === 0 || nowMs - this.#lastActivityMs <= timeoutMs) return;
    if (this.#state === OPEN) this.#fail('timeout', 'TIMEOUT', `timeout: no reply within ${timeoutMs / 1000} s`);
    else {
      this.#settings.observer().openFailed();
      this.#fail('connectTimeout', 'CONNECT_TIMEOUT', `timeout: no WebSocket opened within ${timeoutMs / 1000} s`);
    }
  }

  /** Ends the connection, saying so with a Close frame when it is open; returns the messages cut off in flight. */
  close(): number {
    const cut = this.#inflight;
    this.#inflight = 0;
    this.#unwritten = 0;
    const socket = this.#socket;
    if (socket !== null && this.#state === OPEN) {
      socket.write(buildFrame(OP_CLOSE, closePayload(CLOSE_NORMAL), this.#mask.next()));
      this.#settings.observer().closed(CLOSE_NORMAL);
    }
    this.#discardSocket();
    return cut;
  }

  #open(): void {
    const now = this.#io.now();
    this.#attempt.begin(now);
    this.#lastActivityMs = now;
    this.#state = CONNECTING;
    this.#closeSeen = false;
    this.#decoder.reset();
    this.#handshake.reset();
    this.#socket = this.#io.open(this.#endpoint, this);
  }

  onTcpConnect(socket: ClientSocket): void {
    if (socket === this.#socket) this.#attempt.tcpConnectedMs = this.#io.now();
  }

  onConnect(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const now = this.#io.now();
    this.#lastActivityMs = now;
    this.#state = UPGRADING;
    reportTlsInfo(this.#owner, socket, this.#endpoint);
    const start = this.#attempt.startMs;
    const tcpEnd = this.#attempt.tcpConnectedMs;
    // Without TLS connecting was all TCP; with it, TLS is the rest. The upgrade is Connect's last part.
    const tcpUs = Math.round(((Number.isNaN(tcpEnd) ? now : tcpEnd) - start) * 1000);
    this.#tcpUs[this.#head] = tcpUs;
    this.#tlsUs[this.#head] = this.#endpoint.tls === null ? -1 : Math.round((now - start) * 1000) - tcpUs;
    const { key, accept } = newKey();
    this.#accept = accept;
    const request = upgradeRequest(this.#settings.upgrade, key);
    this.#upgradeSentMs = now;
    this.#owner.onBytesWritten(request.length);
    socket.write(request);
  }

  onWritten(socket: ClientSocket): void {
    if (socket === this.#socket) this.#frameHeld = false;
  }

  onData(socket: ClientSocket, chunk: Uint8Array, end: number): void {
    if (socket !== this.#socket) return;
    const now = this.#io.now();
    this.#lastActivityMs = now;
    this.#owner.onBytesRead(now, end);
    this.#receiving = true;
    if (this.#state === UPGRADING) this.#readUpgrade(socket, chunk, end, now);
    else this.#readFrames(socket, chunk, 0, end, now);
    this.#receiving = false;
    if (this.#unwritten > 0 && this.#socket === socket && this.#state === OPEN) this.#flush(now);
  }

  #readUpgrade(socket: ClientSocket, chunk: Uint8Array, end: number, now: number): void {
    const outcome = this.#handshake.add(chunk, end, this.#accept);
    if (outcome.kind === 'more') return;
    if (outcome.kind === 'refused') {
      this.#settings.observer().openFailed();
      this.#fail('connect', outcome.code, outcome.message);
      return;
    }
    this.#state = OPEN;
    this.#server = outcome.server ?? '';
    this.#settings.observer().opened(Math.round((now - this.#upgradeSentMs) * 1000));
    // The connect time belongs to the first message that waited for this socket (ab's Connect).
    if (this.#inflight > 0) this.#connectUs[this.#head] = Math.round((now - this.#attempt.startMs) * 1000);
    this.#flush(now);
    this.#readFrames(socket, outcome.chunk, outcome.framesAt, outcome.end, now);
  }

  /** Writes the messages not yet written, each with a mask of its own. */
  #flush(now: number): void {
    const count = this.#unwritten;
    const socket = this.#socket;
    if (count === 0 || socket === null) return;
    const slots = this.#settings.slots;
    const message = this.#settings.message;
    for (let j = this.#inflight - count; j < this.#inflight; j++) {
      this.#writtenMs[(this.#head + j) % slots] = now;
      if (this.#frameHeld) {
        const fresh = Buffer.allocUnsafe(this.#frame.length);
        this.#frame.copy(fresh, 0, 0, this.#keyAt);
        this.#frame = fresh;
      }
      maskInto(this.#frame, this.#keyAt, this.#mask.next(), message);
      if (!socket.write(this.#frame)) this.#frameHeld = true;
    }
    this.#unwritten = 0;
    this.#lastActivityMs = now;
    this.#owner.onBytesWritten(count * this.#frame.length);
    this.#settings.observer().sent(count, count * message.length);
  }

  #readFrames(socket: ClientSocket, chunk: Uint8Array, from: number, end: number, now: number): void {
    const decoder = this.#decoder;
    let pos = from;
    while (pos < end) {
      if (!decoder.started) this.#firstByteMs = now;
      const r = decoder.execute(chunk, pos, end);
      if (r === FRAME_NEED_MORE) return;
      if (r === FRAME_ERROR) {
        this.#fail('receive', decoder.errorCode ?? 'WS_PROTOCOL_ERROR', `WebSocket: ${decoder.error ?? 'a bad frame'}`);
        return;
      }
      pos = r;
      if (decoder.event === EVENT_MESSAGE) {
        this.#settings.observer().received(decoder.messageBytes);
        // A message nobody waits for (a server that pushes) is counted, and answers nothing.
        if (this.#inflight - this.#unwritten > 0) this.#complete(now);
      } else if (decoder.event === EVENT_PING) {
        const pong = buildFrame(OP_PONG, decoder.control, this.#mask.next());
        this.#owner.onBytesWritten(pong.length);
        socket.write(pong);
        this.#settings.observer().pingAnswered();
      } else if (decoder.event === EVENT_CLOSE) {
        this.#serverClosed(socket, decoder.closeMalformed ? 1002 : decoder.closeCode);
        return;
      }
      if (this.#socket !== socket) return;
    }
  }

  /** The server sent Close: gb answers it (§5.5.1), the socket ends, and messages still unanswered fail. */
  #serverClosed(socket: ClientSocket, code: number): void {
    this.#closeSeen = true;
    this.#settings.observer().closed(code);
    socket.write(buildFrame(OP_CLOSE, closePayload(sendable(code) ? code : CLOSE_NORMAL), this.#mask.next()));
    if (this.#inflight > 0) this.#fail('receive', 'WS_CLOSED', `WebSocket closed by the server (code ${code}) with a message unanswered`);
    else this.#discardSocket();
  }

  #complete(nowMs: number): void {
    const i = this.#head;
    const e = this.#exchange;
    const startMs = this.#startMs[i]!;
    this.#lastStartMs = startMs;
    this.#lastEndMs = nowMs;
    const firstByteMs = this.#firstByteMs;
    const waitUs = Math.round((firstByteMs - this.#writtenMs[i]!) * 1000);
    // Messages are not HTTP responses: no status, so neither non-2xx nor a status count.
    e.status = -1;
    e.connectUs = this.#connectUs[i]!;
    e.tcpUs = this.#tcpUs[i]!;
    e.tlsUs = this.#tlsUs[i]!;
    e.waitUs = waitUs < 0 ? 0 : waitUs;
    e.sendUs = 0;
    e.receiveUs = Math.round((nowMs - (firstByteMs > nowMs ? nowMs : firstByteMs)) * 1000);
    e.totalUs = Math.round((nowMs - startMs) * 1000);
    e.uncorrectedUs = this.#settings.measureUncorrected ? Math.round((nowMs - this.#sentMs[i]!) * 1000) : -1;
    e.bodyBytes = this.#decoder.messageBytes;
    e.keptAlive = true;
    e.truncated = false;
    e.server = this.#server;
    this.#server = null;
    e.head = null;
    e.body = null;
    e.row = 0;
    e.rejected = false;
    this.#head = (i + 1) % this.#settings.slots;
    this.#inflight--;
    this.#owner.onResponse(this, nowMs, e);
  }

  onError(socket: ClientSocket, code: FailureCode, inWrite: boolean, message: string): void {
    if (socket === this.#socket) this.#attempt.error.note(code, inWrite, message);
  }

  onClose(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const state = this.#state;
    this.#socket = null;
    this.#state = IDLE;
    const error = this.#attempt.error;
    if (state === OPEN && !this.#closeSeen) this.#settings.observer().closed(CLOSE_ABNORMAL);
    if (state !== OPEN) {
      this.#settings.observer().openFailed();
      if (this.#inflight > 0)
        this.#fail('connect', error.code ?? 'CLOSED', error.message ?? 'connection closed before the WebSocket opened');
      return;
    }
    if (this.#inflight === 0) return;
    const midMessage = this.#decoder.started ? ' in the middle of a message' : '';
    if (error.code !== null) this.#fail('receive', error.code, error.message ?? error.code, error.inWrite);
    else this.#fail('receive', 'WS_CLOSED', `WebSocket closed without a Close frame${midMessage} (code 1006)`);
  }

  /** Every message on this connection fails with `kind`; the socket goes. */
  #fail(kind: FailureKind, code: FailureCode, message: string, inWrite = false): void {
    const count = this.#inflight;
    const now = this.#io.now();
    const wasOpen = this.#state === OPEN;
    if (wasOpen && (kind === 'receive' || kind === 'timeout')) this.#timeFailedReads(count - this.#unwritten, now);
    this.#inflight = 0;
    this.#unwritten = 0;
    this.#discardSocket();
    if (count === 0) return;
    if (inWrite) this.#owner.onWriteErrors(count);
    this.#owner.onFailure(this, now, kind, count, code, message);
  }

  /** Messages sent on an open connection whose reply will not come: each is timed to now, as ab times a failed read. */
  #timeFailedReads(count: number, nowMs: number): void {
    const slots = this.#settings.slots;
    const e = this.#exchange;
    for (let j = 0; j < count; j++) {
      const i = (this.#head + j) % slots;
      e.connectUs = this.#connectUs[i]!;
      e.waitUs = 0;
      e.totalUs = Math.round((nowMs - this.#startMs[i]!) * 1000);
      e.row = 0;
      this.#owner.onFailedRead(nowMs, e);
    }
  }

  #discardSocket(): void {
    const s = this.#socket;
    this.#state = IDLE;
    if (s === null) return;
    this.#socket = null;
    this.#frameHeld = false;
    discardSocket(s);
  }
}

/** Whether a close code may go on the wire in a Close frame (RFC 6455 §7.4): 1005, 1006 and 1015 only report, and 1002 answers nothing. */
function sendable(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1002 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999)
  );
}
