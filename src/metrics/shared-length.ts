// The run's document length, decided by the run's first response in whichever worker thread it arrives.

/**
 * ab holds every response to the length of the first. With -G each worker reads its own first
 * response, so the cell lives in shared memory: the first worker to offer a length wins, and every
 * worker judges Length failures against that one. Threads touch it once each (they keep the answer).
 */
export class SharedLength {
  readonly buffer: SharedArrayBuffer;
  // length + 1, so that 0 means "not decided yet"; 64 bits, since a body may exceed 2 GiB.
  readonly #cell: BigInt64Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.buffer = buffer;
    this.#cell = new BigInt64Array(buffer);
  }

  /** Offers `length` as the run's document length; returns the run's, which is `length` if it came first. */
  settle(length: number): number {
    const previous = Atomics.compareExchange(this.#cell, 0, 0n, BigInt(length) + 1n);
    return previous === 0n ? length : Number(previous - 1n);
  }
}
