// A FIFO of slot indices in a fixed ring: queuing and dequeuing streams makes no garbage, where an
// array sliced per flush made a new one each time (docs/performance.md, HTTP/2 garbage per flush and per stream).

export class SlotQueue {
  readonly #ring: Int32Array;
  #head = 0;
  #length = 0;

  /** Holds up to `capacity` indices: each slot is queued at most once, so the slot count suffices. */
  constructor(capacity: number) {
    this.#ring = new Int32Array(Math.max(1, capacity));
  }

  get length(): number {
    return this.#length;
  }

  /** The index `j` places from the front (0: the oldest). */
  at(j: number): number {
    return this.#ring[(this.#head + j) % this.#ring.length]!;
  }

  /** Adds at the back. */
  push(slot: number): void {
    if (this.#length === this.#ring.length) throw new RangeError('slot queue full');
    this.#ring[(this.#head + this.#length) % this.#ring.length] = slot;
    this.#length++;
  }

  /** Adds at the front (a stream going out again before those queued after it). */
  unshift(slot: number): void {
    if (this.#length === this.#ring.length) throw new RangeError('slot queue full');
    this.#head = (this.#head + this.#ring.length - 1) % this.#ring.length;
    this.#ring[this.#head] = slot;
    this.#length++;
  }

  /** Takes from the back, the newest; undefined when empty (as Array's pop). */
  pop(): number | undefined {
    if (this.#length === 0) return undefined;
    this.#length--;
    return this.#ring[(this.#head + this.#length) % this.#ring.length]!;
  }

  /** Drops the `count` oldest. */
  dropFront(count: number): void {
    const n = Math.min(count, this.#length);
    this.#head = (this.#head + n) % this.#ring.length;
    this.#length -= n;
  }

  /** Takes `slot` out wherever it is, keeping the others' order; false when it is not queued. */
  remove(slot: number): boolean {
    const size = this.#ring.length;
    for (let j = 0; j < this.#length; j++) {
      if (this.#ring[(this.#head + j) % size] !== slot) continue;
      for (let k = j; k < this.#length - 1; k++) this.#ring[(this.#head + k) % size] = this.#ring[(this.#head + k + 1) % size]!;
      this.#length--;
      return true;
    }
    return false;
  }

  clear(): void {
    this.#head = 0;
    this.#length = 0;
  }
}
