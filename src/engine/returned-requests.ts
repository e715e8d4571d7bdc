// Requests a connection drew and then handed back unsent: the next draws hand them out again first.

/**
 * A take-over at the end of a -n run (stuck-connects.ts) moves requests that waited for a connect
 * to a free connection. Each keeps its place in the run: the withdrawing connection returns its
 * requests here, and the taking connection's draws get exactly these back before anything new, so a
 * targets file's per-target counts stay exact and a script's request is sent as built. A take-over
 * moves at most one connection's slots and the taker draws them at once, so `pipeline` slots,
 * allocated once, always suffice.
 */
export class ReturnedRequests<T> {
  readonly #requests: (T | null)[];
  readonly #rows: Int32Array;
  readonly #heads: Uint8Array;
  #first = 0;
  #count = 0;
  /** Row and HEAD-ness of the request take() returned last. */
  row = 0;
  isHead = false;

  constructor(slots: number) {
    this.#requests = new Array<T | null>(slots).fill(null);
    this.#rows = new Int32Array(slots);
    this.#heads = new Uint8Array(slots);
  }

  get empty(): boolean {
    return this.#count === 0;
  }

  /** Returned requests come out in the order they were put back. */
  put(request: T, row: number, isHead: boolean): void {
    const slots = this.#requests.length;
    if (this.#count === slots) throw new RangeError(`more than ${slots} requests given back before any was drawn again`);
    const i = (this.#first + this.#count) % slots;
    this.#requests[i] = request;
    this.#rows[i] = row;
    this.#heads[i] = isHead ? 1 : 0;
    this.#count++;
  }

  /** The oldest returned request (call only when not empty), with `row` and `isHead` set for it. */
  take(): T {
    const i = this.#first;
    const request = this.#requests[i]!;
    this.#requests[i] = null;
    this.row = this.#rows[i]!;
    this.isHead = this.#heads[i] === 1;
    this.#first = (i + 1) % this.#requests.length;
    this.#count--;
    return request;
  }

  clear(): void {
    this.#requests.fill(null);
    this.#first = 0;
    this.#count = 0;
  }
}
