// A response's header block as HTTP/2 frames carry it: a HEADERS frame's padding and priority taken off, the
// CONTINUATION frames after it gathered, within gb's limit, with the RFC 9113 error for each way it goes wrong.

import { F_END_HEADERS, F_END_STREAM, F_PADDED, F_PRIORITY, T_CONTINUATION } from './h2-frames.js';
import type { ProtocolErrorSink } from './h2-error-codes.js';

/** gb's limit on a response's header block, gathered over CONTINUATION frames. */
export const MAX_HEADER_BLOCK_BYTES = 1 << 20;

/** Where whole header blocks go, and the errors that end the connection (every one here does, §4.3, §6.10). */
export interface HeaderBlockSink extends Pick<ProtocolErrorSink, 'onConnectionError'> {
  /** A whole block, bytes[start, end), valid only during the call; endStream: its HEADERS frame ended the stream. */
  onHeaderBlock(streamId: number, bytes: Uint8Array, start: number, end: number, endStream: boolean): void;
}

export class HeaderBlockAssembler {
  readonly #sink: HeaderBlockSink;
  /** A block split over CONTINUATION frames is gathered here, a buffer kept for the connection's life. */
  #block: Uint8Array = new Uint8Array(0);
  #blockLength = 0;
  /** The stream whose block is open; 0 for none. */
  #blockStream = 0;
  #blockEndsStream = false;

  constructor(sink: HeaderBlockSink) {
    this.#sink = sink;
  }

  /** A new socket: no block is open. */
  reset(): void {
    this.#blockLength = 0;
    this.#blockStream = 0;
  }

  /**
   * An open block must be continued by the very next frame (§6.10): true, after telling the sink,
   * when a frame of `type` breaks into one.
   */
  interrupts(type: number): boolean {
    if (this.#blockStream === 0 || type === T_CONTINUATION) return false;
    this.#sink.onConnectionError('PROTOCOL_ERROR', 'a header block interrupted by another frame');
    return true;
  }

  onHeaders(flags: number, streamId: number, bytes: Uint8Array, start: number, length: number): void {
    if (streamId === 0 || streamId % 2 === 0) {
      this.#sink.onConnectionError('PROTOCOL_ERROR', `HEADERS on stream ${streamId}, which gb did not open`);
      return;
    }
    const padded = (flags & F_PADDED) !== 0;
    const fixed = (padded ? 1 : 0) + ((flags & F_PRIORITY) !== 0 ? 5 : 0);
    if (length < fixed) {
      this.#sink.onConnectionError('FRAME_SIZE_ERROR', `a HEADERS frame of ${length} bytes, too short for its pad length and priority`);
      return;
    }
    const p = start + fixed;
    const end = start + length - (padded ? bytes[start]! : 0);
    if (end < p) {
      this.#sink.onConnectionError('PROTOCOL_ERROR', 'a HEADERS frame whose padding is longer than the frame');
      return;
    }
    const endStream = (flags & F_END_STREAM) !== 0;
    if ((flags & F_END_HEADERS) !== 0) {
      // The common case: the whole block in one frame, handed on where it lies.
      this.#sink.onHeaderBlock(streamId, bytes, p, end, endStream);
      return;
    }
    this.#blockStream = streamId;
    this.#blockEndsStream = endStream;
    this.#blockLength = 0;
    this.#append(bytes, p, end);
  }

  onContinuation(flags: number, streamId: number, bytes: Uint8Array, start: number, length: number): void {
    if (streamId !== this.#blockStream || streamId === 0) {
      this.#sink.onConnectionError('PROTOCOL_ERROR', 'a CONTINUATION frame that continues no header block');
      return;
    }
    if (this.#blockLength + length > MAX_HEADER_BLOCK_BYTES) {
      this.#sink.onConnectionError('HEADERS_TOO_LARGE', 'a header block over 1 MiB');
      return;
    }
    this.#append(bytes, start, start + length);
    if ((flags & F_END_HEADERS) === 0) return;
    this.#blockStream = 0;
    this.#sink.onHeaderBlock(streamId, this.#block, 0, this.#blockLength, this.#blockEndsStream);
  }

  #append(bytes: Uint8Array, start: number, end: number): void {
    const need = this.#blockLength + end - start;
    if (this.#block.length < need) {
      const grown = new Uint8Array(Math.max(need, this.#block.length * 2, 4096));
      grown.set(this.#block.subarray(0, this.#blockLength));
      this.#block = grown;
    }
    this.#block.set(bytes.subarray(start, end), this.#blockLength);
    this.#blockLength = need;
  }
}
