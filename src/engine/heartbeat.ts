// ab's heartbeat: a call each time another `every` requests of the measured run have ended.

export class Heartbeat {
  readonly #every: number;
  readonly #onProgress: ((settled: number) => void) | undefined;
  #settled = 0;
  #next = Number.POSITIVE_INFINITY;

  /** `every` 0 for none. */
  constructor(every: number, onProgress: ((settled: number) => void) | undefined) {
    this.#every = every;
    this.#onProgress = onProgress;
  }

  /** Measuring begins: the count starts again from 0. */
  restart(): void {
    this.#settled = 0;
    this.#next = this.#every > 0 ? this.#every : Number.POSITIVE_INFINITY;
  }

  /** `count` more requests have ended; a beat when the count passes the next step (one call for several steps at once). */
  add(count: number): void {
    this.#settled += count;
    if (this.#settled < this.#next) return;
    while (this.#next <= this.#settled) this.#next += this.#every;
    this.#onProgress?.(this.#settled);
  }
}
