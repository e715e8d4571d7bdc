// What an HTTP/2 connection writes on its socket, counted for the owner: each frame as built, and the streams'
// HEADERS copied into one buffer, reused flush after flush while the socket takes each write at once.

import type { ClientSocket } from './client-socket.js';
import type { ConnectionOwner, LoadConnection } from './exchange.js';
import { E_CANCEL, rstStreamFrame } from './h2-frames.js';
import { OPEN, type StreamTable } from './h2-stream-table.js';

const NO_BYTES = Buffer.alloc(0);

/** The server's windows, as far as a stream's whole body in its HEADERS' write needs them (FlowControl). */
export interface BodyWindows {
  /** Whether slot `i`'s body of `length` bytes fits the windows now; if so they are spent on it and its body counts as sent. */
  takeWhole(i: number, length: number): boolean;
}

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
   * table, in one write, each with its whole body when it has one that fits a frame and the windows
   * take it (a DATA write per stream would cost a packet each); false while the socket holds them.
   */
  writeHeaders(count: number, windows: BodyWindows): boolean {
    const table = this.#table;
    const queue = table.queue;
    const requests = table.requests;
    let total = 0;
    for (let j = 0; j < count; j++) {
      const i = queue.at(j);
      const request = requests[i]!;
      const whole = request.whole;
      if (whole !== null && windows.takeWhole(i, request.body!.length)) {
        table.sentEndMs[i] = table.writtenMs[i]!;
        total += whole.bytes.length;
      } else total += request.bytes.length;
    }
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
      at = this.#copyStream(out, at, i);
    }
    let written = out;
    if (!held) {
      // With bodies, the same count of streams may differ in length (a window ran out): a view is kept only while it fits.
      const view = this.#sameRequest ? this.#outViews[count] : undefined;
      written = view?.length === total ? view : out.subarray(0, total);
      if (this.#sameRequest) this.#outViews[count] = written;
    }
    this.#socketHoldsWrites = !this.write(written);
    if (this.#socketHoldsWrites && !held) {
      // The socket still holds the reused buffer (the kernel took only part of it): it is the socket's now.
      this.#out = NO_BYTES;
      this.#outViews = [];
    }
    return !this.#socketHoldsWrites;
  }

  /** Slot `i`'s frames copied into `out` at `at`, its stream id written in: HEADERS, with the DATA when its body went whole. */
  #copyStream(out: Buffer, at: number, i: number): number {
    const table = this.#table;
    const id = table.streamId[i]!;
    const request = table.requests[i]!;
    const whole = request.whole !== null && request.body!.length === table.bodySent[i] ? request.whole : request;
    out.set(whole.bytes, at);
    const offsets = whole.idOffsets;
    for (let k = 0; k < offsets.length; k++) {
      const q = at + offsets[k]!;
      out[q] = (id >>> 24) & 0x7f;
      out[q + 1] = (id >>> 16) & 0xff;
      out[q + 2] = (id >>> 8) & 0xff;
      out[q + 3] = id & 0xff;
    }
    return at + whole.bytes.length;
  }

  /** RST_STREAM with CANCEL for every open stream, in one write. */
  cancelOpenStreams(): void {
    const table = this.#table;
    const frames: Buffer[] = [];
    for (let i = 0; i < table.size; i++) if (table.state[i] === OPEN) frames.push(rstStreamFrame(table.streamId[i]!, E_CANCEL));
    this.write(Buffer.concat(frames));
  }
}
