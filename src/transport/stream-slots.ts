// Which slot carries an open stream, by stream id, in fixed typed arrays: a Map set and deleted per
// stream made garbage per request (docs/performance.md, HTTP/2 garbage per flush and per stream).
//
// An open-addressed table with linear probing, at most half full. A client's stream ids are odd and
// rise by 2, so (id - 1) / 2 spreads them over consecutive cells and a probe rarely goes past the
// first; a stream left open while thousands of later ones come and go only shares its cell, it is
// never overwritten.

export class StreamSlots {
  /** Stream id per cell; 0 is an empty cell (stream 0 is the connection, never a stream here). */
  readonly #ids: Int32Array;
  readonly #slots: Int32Array;
  readonly #mask: number;

  /** For up to `capacity` streams open at once. */
  constructor(capacity: number) {
    let size = 2;
    while (size < capacity * 2) size *= 2;
    this.#ids = new Int32Array(size);
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
  }

  /** The slot of stream `id`, or -1 when no open stream has that id. */
  get(id: number): number {
    const ids = this.#ids;
    const mask = this.#mask;
    for (let c = ((id - 1) >>> 1) & mask; ; c = (c + 1) & mask) {
      const at = ids[c]!;
      if (at === id) return this.#slots[c]!;
      if (at === 0) return -1;
    }
  }

  /** Records stream `id` (not already recorded) as carried by `slot`. */
  set(id: number, slot: number): void {
    const ids = this.#ids;
    const mask = this.#mask;
    let c = ((id - 1) >>> 1) & mask;
    while (ids[c] !== 0) c = (c + 1) & mask;
    ids[c] = id;
    this.#slots[c] = slot;
  }

  delete(id: number): void {
    const ids = this.#ids;
    const mask = this.#mask;
    let c = ((id - 1) >>> 1) & mask;
    for (;;) {
      const at = ids[c]!;
      if (at === 0) return;
      if (at === id) break;
      c = (c + 1) & mask;
    }
    // Backward-shift deletion: later entries of the same probe run move up, so no lookup stops early at the hole.
    let hole = c;
    for (let next = (hole + 1) & mask; ids[next] !== 0; next = (next + 1) & mask) {
      const home = ((ids[next]! - 1) >>> 1) & mask;
      // An entry may fill the hole when its home cell is not in (hole, next] (cyclically).
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (stays) continue;
      ids[hole] = ids[next]!;
      this.#slots[hole] = this.#slots[next]!;
      hole = next;
    }
    ids[hole] = 0;
  }
}
