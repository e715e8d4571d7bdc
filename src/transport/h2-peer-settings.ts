// The server's SETTINGS frames (RFC 9113 §6.5), each setting checked and applied: its stream limit kept here,
// its initial window and frame size handed to flow control.

import type { ConnectionOwner, LoadConnection } from './exchange.js';
import type { ProtocolErrorSink } from './h2-error-codes.js';
import type { FlowControl } from './h2-flow-control.js';
import { F_ACK, S_ENABLE_PUSH, S_INITIAL_WINDOW_SIZE, S_MAX_CONCURRENT_STREAMS, S_MAX_FRAME_SIZE, readUint32 } from './h2-frames.js';

export class PeerSettings {
  readonly #flow: FlowControl;
  readonly #errors: ProtocolErrorSink;
  readonly #owner: ConnectionOwner<LoadConnection>;
  /** The streams gb would have in flight (--streams): a lower server limit is told to the owner, once. */
  readonly #streams: number;
  #maxStreams = Number.POSITIVE_INFINITY;
  #reportedLimit = false;

  constructor(flow: FlowControl, errors: ProtocolErrorSink, owner: ConnectionOwner<LoadConnection>, streams: number) {
    this.#flow = flow;
    this.#errors = errors;
    this.#owner = owner;
    this.#streams = streams;
  }

  /** Streams this socket may have open: --streams, or the server's SETTINGS_MAX_CONCURRENT_STREAMS once it names a lower one. */
  get streamLimit(): number {
    return Math.min(this.#streams, this.#maxStreams);
  }

  /** A new socket: nothing is known of its server yet. */
  reset(): void {
    this.#maxStreams = Number.POSITIVE_INFINITY;
  }

  /** A SETTINGS frame: true when it carried the server's settings, all applied (gb then acknowledges them); false for an ACK, or after a connection error. */
  onSettings(flags: number, streamId: number, bytes: Uint8Array, start: number, length: number): boolean {
    if (streamId !== 0) {
      this.#errors.onConnectionError('PROTOCOL_ERROR', `a SETTINGS frame on stream ${streamId}`);
      return false;
    }
    const ack = (flags & F_ACK) !== 0;
    if (ack ? length !== 0 : length % 6 !== 0) {
      this.#errors.onConnectionError('FRAME_SIZE_ERROR', `a SETTINGS ${ack ? 'ACK' : 'frame'} of ${length} bytes`);
      return false;
    }
    if (ack) return false;
    for (let p = start; p < start + length; p += 6) {
      if (!this.#apply((bytes[p]! << 8) | bytes[p + 1]!, readUint32(bytes, p + 2))) return false;
    }
    return true;
  }

  /** One setting; false after a connection error. Settings gb does not know are ignored (§6.5.2). */
  #apply(id: number, value: number): boolean {
    if (id === S_ENABLE_PUSH) {
      // Only a client may turn push on (§6.5.2).
      if (value === 0) return true;
      this.#errors.onConnectionError('PROTOCOL_ERROR', `SETTINGS_ENABLE_PUSH ${value} from the server`);
      return false;
    }
    if (id === S_MAX_CONCURRENT_STREAMS) {
      this.#maxStreams = value;
      if (value < this.#streams && !this.#reportedLimit) {
        this.#reportedLimit = true;
        this.#owner.onStreamLimit(value);
      }
      return true;
    }
    if (id === S_INITIAL_WINDOW_SIZE) return this.#flow.setInitialWindow(value);
    if (id === S_MAX_FRAME_SIZE) return this.#flow.setMaxFrame(value);
    return true;
  }
}
