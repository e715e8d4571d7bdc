// One WebSocket a journey's user holds (vu.ws): opened once, then any message sent, and every message from the server handed on.

import type { FailureCode } from '../failures.js';
import type { ClientSocket, Endpoint, SocketHandler } from './client-socket.js';
import type { ConnectionIo } from './exchange.js';
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
  OP_BINARY,
  OP_CLOSE,
  OP_PONG,
  OP_TEXT,
} from './ws-frames.js';
import { HandshakeReader, newKey, upgradeRequest, type UpgradeTemplate } from './ws-handshake.js';

/** What the holder of a WsClient hears; every call comes once the socket's event is handled. */
export interface WsClientEvents {
  /** The handshake succeeded: `connectUs` from the socket's opening, `handshakeUs` the upgrade exchange alone. */
  opened(connectUs: number, handshakeUs: number): void;
  message(payload: Buffer, binary: boolean): void;
  pingAnswered(): void;
  /** The socket is gone: `failure` when it never opened or broke (a code and why), else null; `closeCode` as the report counts it. */
  ended(failure: { readonly code: FailureCode; readonly message: string; readonly opened: boolean } | null, closeCode: number): void;
  bytesRead(bytes: number): void;
  bytesWritten(bytes: number): void;
}

export class WsClient implements SocketHandler {
  readonly #decoder = new FrameDecoder();
  readonly #handshake = new HandshakeReader();
  readonly #attempt = new SocketAttempt();
  readonly #mask = new MaskSource((Math.random() * 2 ** 32) >>> 0);
  readonly #io: ConnectionIo;
  readonly #events: WsClientEvents;
  readonly #upgrade: UpgradeTemplate;
  #socket: ClientSocket | null;
  #accept = '';
  #upgradeSentMs = 0;
  #open = false;
  #ended = false;

  constructor(endpoint: Endpoint, io: ConnectionIo, upgrade: UpgradeTemplate, events: WsClientEvents) {
    this.#io = io;
    this.#events = events;
    this.#upgrade = upgrade;
    this.#decoder.keepPayload = true;
    this.#attempt.begin(io.now());
    this.#socket = io.open(endpoint, this);
  }

  get isOpen(): boolean {
    return this.#open && !this.#ended;
  }

  /** When the socket was opened (or its last activity was): a holder times its waits from here. */
  get startMs(): number {
    return this.#attempt.startMs;
  }

  send(payload: Uint8Array, binary: boolean): void {
    if (!this.isOpen || this.#socket === null) return;
    const frame = buildFrame(binary ? OP_BINARY : OP_TEXT, payload, this.#mask.next());
    this.#events.bytesWritten(frame.length);
    this.#socket.write(frame);
  }

  /** Says goodbye with Close 1000 when open, and ends the socket; `ended` follows with no failure. */
  close(): void {
    if (this.#socket !== null && this.isOpen) this.#socket.write(buildFrame(OP_CLOSE, closePayload(1000), this.#mask.next()));
    this.#end(null, 1000);
  }

  /** Ends the socket with a failure (the holder's timeout). */
  fail(code: FailureCode, message: string): void {
    this.#end({ code, message, opened: this.#open }, CLOSE_ABNORMAL);
  }

  onConnect(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    const { key, accept } = newKey();
    this.#accept = accept;
    const request = upgradeRequest(this.#upgrade, key);
    this.#upgradeSentMs = this.#io.now();
    this.#events.bytesWritten(request.length);
    socket.write(request);
  }

  onData(socket: ClientSocket, chunk: Uint8Array, end: number): void {
    if (socket !== this.#socket) return;
    this.#events.bytesRead(end);
    if (this.#open) {
      this.#readFrames(socket, chunk, 0, end);
      return;
    }
    const outcome = this.#handshake.add(chunk, end, this.#accept);
    if (outcome.kind === 'more') return;
    if (outcome.kind === 'refused') {
      this.#end({ code: outcome.code, message: outcome.message, opened: false }, CLOSE_ABNORMAL);
      return;
    }
    this.#open = true;
    const now = this.#io.now();
    this.#events.opened(Math.round((now - this.#attempt.startMs) * 1000), Math.round((now - this.#upgradeSentMs) * 1000));
    this.#readFrames(socket, outcome.chunk, outcome.framesAt, outcome.end);
  }

  #readFrames(socket: ClientSocket, chunk: Uint8Array, from: number, end: number): void {
    const decoder = this.#decoder;
    let pos = from;
    while (pos < end && socket === this.#socket) {
      const r = decoder.execute(chunk, pos, end);
      if (r === FRAME_NEED_MORE) return;
      if (r === FRAME_ERROR) {
        this.#end(
          { code: decoder.errorCode ?? 'WS_PROTOCOL_ERROR', message: `WebSocket: ${decoder.error ?? 'a bad frame'}`, opened: true },
          1002,
        );
        return;
      }
      pos = r;
      if (decoder.event === EVENT_MESSAGE) this.#events.message(decoder.payload(), decoder.messageOpcode === OP_BINARY);
      else if (decoder.event === EVENT_PING) {
        const pong = buildFrame(OP_PONG, decoder.control, this.#mask.next());
        this.#events.bytesWritten(pong.length);
        socket.write(pong);
        this.#events.pingAnswered();
      } else if (decoder.event === EVENT_CLOSE) {
        socket.write(buildFrame(OP_CLOSE, closePayload(1000), this.#mask.next()));
        const code = decoder.closeMalformed ? 1002 : decoder.closeCode;
        this.#end({ code: 'WS_CLOSED', message: `WebSocket closed by the server (code ${code})`, opened: true }, code);
        return;
      }
    }
  }

  onError(socket: ClientSocket, code: FailureCode, inWrite: boolean, message: string): void {
    if (socket === this.#socket) this.#attempt.error.note(code, inWrite, message);
  }

  onClose(socket: ClientSocket): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    const error = this.#attempt.error;
    const why = this.#open ? 'WebSocket closed without a Close frame (code 1006)' : 'connection closed before the WebSocket opened';
    this.#end(
      { code: error.code ?? (this.#open ? 'WS_CLOSED' : 'CLOSED'), message: error.message ?? why, opened: this.#open },
      CLOSE_ABNORMAL,
    );
  }

  #end(failure: { readonly code: FailureCode; readonly message: string; readonly opened: boolean } | null, closeCode: number): void {
    if (this.#ended) return;
    this.#ended = true;
    const s = this.#socket;
    this.#socket = null;
    if (s !== null) discardSocket(s);
    this.#events.ended(failure, closeCode);
  }
}
