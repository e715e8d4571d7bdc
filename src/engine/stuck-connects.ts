// The end of a -n run: requests that still wait for a connect move to connections that are free.

import type { LoadConnection } from '../transport/exchange.js';

const NOT_WAITING = Number.POSITIVE_INFINITY;

/**
 * ab counts a request only once it is written, so whichever connection connects first serves it.
 * gb gives each request a connection when it starts; once -n is spent, a free connection takes over
 * requests that have waited for another connection's connect longer than its own last whole exchange
 * took. A connect whose SYN the server dropped (a full accept queue) then serves nothing, instead of
 * holding the run's end until its 1 s, 3 s, 7 s retries.
 */
export class StuckConnects {
  readonly #connections: readonly LoadConnection[];
  /** Built at the first take-over, oldest connect first; later takers append themselves, so the order holds. */
  #waiting: LoadConnection[] | null = null;
  #head = 0;

  constructor(connections: readonly LoadConnection[]) {
    this.#connections = connections;
  }

  /** `conn` has free slots and -n is spent: it takes over what has waited long enough. */
  takeOver(conn: LoadConnection, nowMs: number): void {
    const waiting = (this.#waiting ??= this.#connections
      .filter((c) => c.waitingSinceMs !== NOT_WAITING)
      .sort((a, b) => a.waitingSinceMs - b.waitingSinceMs));
    while (conn.capacity > 0 && this.#head < waiting.length) {
      const other = waiting[this.#head]!;
      const since = other.waitingSinceMs;
      if (since === NOT_WAITING) {
        this.#head++; // connected (its requests are out) or already taken over
        continue;
      }
      // A connect younger than a whole exchange may simply be on its way (NaN: `conn` has had no answer).
      if (!(nowMs - since > conn.lastExchangeMs)) break;
      const count = other.withdraw(conn.capacity);
      if (other.waitingSinceMs === NOT_WAITING) this.#head++;
      conn.send(nowMs, count);
    }
    if (conn.waitingSinceMs !== NOT_WAITING) waiting.push(conn);
  }

  /** The engine's sweep: idle connections look again, for connects that got stuck after they went idle. */
  retry(nowMs: number): void {
    if (this.#waiting === null || this.#head >= this.#waiting.length) return;
    for (const conn of this.#connections) {
      if (conn.capacity > 0 && conn.waitingSinceMs === NOT_WAITING) this.takeOver(conn, nowMs);
    }
  }
}
