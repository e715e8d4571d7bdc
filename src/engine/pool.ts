// One engine's connections: -c of them from the start; in the open model (--max-connections) the
// pool grows when a scheduled request is due and every connection is busy, so the schedule is kept
// against a slow server instead of requests going out late on connections that free up too slowly.

import { C } from '../metrics/recorder.js';
import type { LoadConnection } from '../transport/exchange.js';

export class Pool {
  /** Every connection ever opened; new ones are appended, so holders of this array see them too. */
  readonly all: LoadConnection[] = [];
  readonly #initial: number;
  readonly #max: number;
  readonly #open: () => LoadConnection;
  #grewAtMs: number | null = null;

  /** `max` equal to `initial` is the fixed pool of the closed loop and of --rate without --max-connections. */
  constructor(initial: number, max: number, open: () => LoadConnection) {
    this.#initial = initial;
    this.#max = Math.max(initial, max);
    this.#open = open;
    for (let i = 0; i < initial; i++) this.all.push(open());
  }

  /** Whether grow() would open another connection. */
  get canGrow(): boolean {
    return this.all.length < this.#max;
  }

  /** A new connection when the limit allows, else undefined (the request then waits for a free one and is late). */
  grow(nowMs: number): LoadConnection | undefined {
    if (!this.canGrow) return undefined;
    const conn = this.#open();
    this.all.push(conn);
    this.#grewAtMs ??= nowMs;
    return conn;
  }

  /** Writes the pool's size and first growth into the measured run's counters (see C.poolGrewAtUs). */
  record(counters: Float64Array, startMs: number): void {
    counters[C.poolInitial] = this.#initial;
    counters[C.poolPeak] = this.all.length;
    // Growth in the warm-up already happened when measuring began: it counts as at the start.
    if (this.#grewAtMs !== null) counters[C.poolGrewAtUs] = Math.max(0, Math.round((this.#grewAtMs - startMs) * 1000)) + 1;
  }
}
