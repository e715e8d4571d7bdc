// What an HTTP/2 connection writes on its socket, counted for the owner: each frame as built, and the streams'
// HEADERS copied into one buffer, reused flush after flush while the socket takes each write at once.

import type { ClientSocket } from './client-socket.js';
import type { ConnectionOwner, LoadConnection } from './exchange.js';
import { E_CANCEL, rstStreamFrame } from './h2-frames.js';
import { OPEN, type StreamTable } from './h2-stream-table.js';

const NO_BYTES = Buffer.alloc(0);

export class H2Output {
  /** The connection's current socket; null between sockets, when writes go nowhere. */
  socket: ClientSocket | null = null;
  readonly #owner: ConnectionOwner<LoadConnection>;
  readonly #table: StreamTable;
  /** Every stream sends the run's one request: a flush of n streams is always the same n copies of it. */
  readonly #sameRequest: boolean;
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
  /** Views of #out holding `count` copies of the run's one request (#sameRequest), made once per buffer. */
  #outViews: (Buffer | undefined)[] = [];

  constructor(owner: ConnectionOwner<LoadConnection>, table: StreamTable, sameRequest: boolean) {
    this.#owner = owner;
    this.#table = table;
    this.#sameRequest = sameRequest;
  }

  /** Writes on the current socket; false while the socket still holds `bytes`, which must then stay as they are. */
  write(bytes: Buffer): boolean {
    const s = this.socket;
    if (s === null) return true;
    this.#owner.onBytesWritten(bytes.length);
    return s.write(bytes);
  }

  /**
   * The HEADERS of the `count` slots at the queue's front, each opened (its stream id set) in the
   * table, in one write; false while the socket holds them.
   */
  writeHeaders(count: number): boolean {
    const table = this.#table;
    const queue = table.queue;
    const requests = table.requests;
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
      const id = table.streamId[i]!;
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
    }
    const written = held ? out : this.#sameRequest ? (this.#outViews[count] ??= out.subarray(0, total)) : out.subarray(0, total);
    this.#socketHoldsWrites = !this.write(written);
    if (this.#socketHoldsWrites && !held) {
      // The socket still holds the reused buffer (the kernel took only part of it): it is the socket's now.
      this.#out = NO_BYTES;
      this.#outViews = [];
    }
    return !this.#socketHoldsWrites;
  }

  /** RST_STREAM with CANCEL for every open stream, in one write. */
  cancelOpenStreams(): void {
    const table = this.#table;
    const frames: Buffer[] = [];
    for (let i = 0; i < table.size; i++) if (table.state[i] === OPEN) frames.push(rstStreamFrame(table.streamId[i]!, E_CANCEL));
    this.write(Buffer.concat(frames));
  }
}
