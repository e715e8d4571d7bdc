// HTTP/2 flow control both ways: the server's windows, which gb's request bodies are pumped into as DATA, and
// gb's own, handed back to the server in WINDOW_UPDATEs as DATA arrives.

import {
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_WINDOW,
  F_END_STREAM,
  FRAME_HEADER_BYTES,
  MAX_WINDOW,
  T_DATA,
  readUint32,
  windowUpdateFrame,
  writeFrameHeader,
} from './h2-frames.js';
import type { ProtocolErrorSink } from './h2-error-codes.js';
import type { BodyWindows, H2Output } from './h2-output.js';
import { OPEN, type StreamTable } from './h2-stream-table.js';

/** Received DATA is handed back to the server's window in steps this large (bodies are never kept). */
export const WINDOW_STEP = 2 ** 30;
/** The largest frame payload SETTINGS_MAX_FRAME_SIZE may name (§6.5.2). */
const MAX_FRAME_SIZE_LIMIT = 16_777_215;

export class FlowControl implements BodyWindows {
  readonly #table: StreamTable;
  readonly #output: H2Output;
  readonly #errors: ProtocolErrorSink;
  /** The server's windows: the connection's, and the one each new stream starts with (SETTINGS_INITIAL_WINDOW_SIZE). */
  #sendWindow = DEFAULT_WINDOW;
  #initialWindow = DEFAULT_WINDOW;
  /** The largest DATA payload the server takes (SETTINGS_MAX_FRAME_SIZE). */
  #maxFrame = DEFAULT_MAX_FRAME_SIZE;
  /** DATA received on the connection since its window was last handed back. */
  #unacknowledged = 0;

  constructor(table: StreamTable, output: H2Output, errors: ProtocolErrorSink) {
    this.#table = table;
    this.#output = output;
    this.#errors = errors;
  }

  /** The window a stream opened now starts with. */
  get initialWindow(): number {
    return this.#initialWindow;
  }

  /** A new socket: every window as HTTP/2 starts it. */
  reset(): void {
    this.#initialWindow = DEFAULT_WINDOW;
    this.#maxFrame = DEFAULT_MAX_FRAME_SIZE;
    this.#sendWindow = DEFAULT_WINDOW;
    this.#unacknowledged = 0;
  }

  /**
   * SETTINGS_INITIAL_WINDOW_SIZE: the change applies to every open stream's window (§6.9.2), which
   * must stay in range. False after a connection error.
   */
  setInitialWindow(value: number): boolean {
    if (value > MAX_WINDOW) {
      this.#errors.onConnectionError('FLOW_CONTROL_ERROR', `an initial window of ${value}, over 2^31 − 1`);
      return false;
    }
    const table = this.#table;
    const delta = value - this.#initialWindow;
    this.#initialWindow = value;
    for (let i = 0; i < table.size; i++) {
      if (table.state[i] !== OPEN) continue;
      table.streamWindow[i]! += delta;
      if (table.streamWindow[i]! > MAX_WINDOW) {
        this.#errors.onConnectionError('FLOW_CONTROL_ERROR', `an initial window of ${value} takes a stream's window over 2^31 − 1`);
        return false;
      }
    }
    return true;
  }

  /** SETTINGS_MAX_FRAME_SIZE; false after a connection error. */
  setMaxFrame(value: number): boolean {
    if (value < DEFAULT_MAX_FRAME_SIZE || value > MAX_FRAME_SIZE_LIMIT) {
      this.#errors.onConnectionError('PROTOCOL_ERROR', `a maximum frame size of ${value}`);
      return false;
    }
    this.#maxFrame = value;
    return true;
  }

  /** A DATA frame's whole payload (`length`, padding included) counts against the connection's window, whichever stream it was for. */
  onConnectionData(length: number): void {
    this.#unacknowledged += length;
    if (this.#unacknowledged >= WINDOW_STEP) {
      this.#output.write(windowUpdateFrame(0, this.#unacknowledged));
      this.#unacknowledged = 0;
    }
  }

  /** Slot `i`'s stream received `length` more and goes on: its window is handed back once a step has filled. */
  onStreamData(i: number, length: number): void {
    const table = this.#table;
    table.received[i]! += length;
    if (table.received[i]! >= WINDOW_STEP) {
      this.#output.write(windowUpdateFrame(table.streamId[i]!, table.received[i]!));
      table.received[i] = 0;
    }
  }

  /** A WINDOW_UPDATE frame's payload: true when a window grew (bodies may go on); false after an error, or for a stream no longer open. */
  onWindowUpdate(streamId: number, bytes: Uint8Array, start: number, length: number): boolean {
    if (length !== 4) {
      this.#errors.onConnectionError('FRAME_SIZE_ERROR', `a WINDOW_UPDATE frame of ${length} bytes, not 4`);
      return false;
    }
    const increment = readUint32(bytes, start) & 0x7fffffff;
    // §6.9, §6.9.1: an increment of 0, or one past the largest window, ends the connection when it is
    // the connection's window, and only the stream when it is a stream's.
    if (streamId === 0) {
      if (increment === 0) {
        this.#errors.onConnectionError('PROTOCOL_ERROR', 'a WINDOW_UPDATE of 0 for the connection');
        return false;
      }
      if (this.#sendWindow + increment > MAX_WINDOW) {
        this.#errors.onConnectionError('FLOW_CONTROL_ERROR', `a WINDOW_UPDATE of ${increment} takes the connection's window over 2^31 − 1`);
        return false;
      }
      this.#sendWindow += increment;
      return true;
    }
    const table = this.#table;
    const i = table.byStream.get(streamId);
    if (i < 0) return false;
    if (increment === 0) {
      this.#errors.onStreamError(i, 'PROTOCOL_ERROR', 'bad response: a WINDOW_UPDATE of 0 for the stream');
      return false;
    }
    if (table.streamWindow[i]! + increment > MAX_WINDOW) {
      this.#errors.onStreamError(
        i,
        'FLOW_CONTROL_ERROR',
        `bad response: a WINDOW_UPDATE of ${increment} takes the stream's window over 2^31 − 1`,
      );
      return false;
    }
    table.streamWindow[i]! += increment;
    return true;
  }

  /** BodyWindows: slot `i`'s whole body of `length` bytes goes in its HEADERS' write when both windows take it. */
  takeWhole(i: number, length: number): boolean {
    const table = this.#table;
    if (length > this.#sendWindow || length > table.streamWindow[i]!) return false;
    this.#sendWindow -= length;
    table.streamWindow[i]! -= length;
    table.bodySent[i] = length;
    return true;
  }

  /** Sends request bodies as the server's windows allow (the connection's and each stream's); nowMs: the caller's clock reading. */
  pumpBodies(nowMs: number): void {
    const table = this.#table;
    const output = this.#output;
    const requests = table.requests;
    for (let i = 0; i < table.size; i++) {
      const body = requests[i]!.body;
      if (body === null) continue;
      while (table.state[i] === OPEN && table.bodySent[i]! < body.length) {
        const sent = table.bodySent[i]!;
        const n = Math.min(body.length - sent, this.#sendWindow, table.streamWindow[i]!, this.#maxFrame);
        if (n <= 0) break;
        const last = sent + n === body.length;
        const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + n);
        writeFrameHeader(frame, 0, n, T_DATA, last ? F_END_STREAM : 0, table.streamId[i]!);
        frame.set(body.subarray(sent, sent + n), FRAME_HEADER_BYTES);
        table.bodySent[i] = sent + n;
        this.#sendWindow -= n;
        table.streamWindow[i]! -= n;
        // The last frame of a body ends the stream's sending, once the socket has taken it (else at onWritten).
        const taken = output.write(frame);
        if (last && (taken || output.socket?.backlogged !== true)) table.sentEndMs[i] = nowMs;
      }
      if (this.#sendWindow <= 0) return;
    }
  }
}
