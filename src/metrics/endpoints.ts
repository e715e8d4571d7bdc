// Results per endpoint (--targets, a script): counts and a Total histogram per row, bounded to a fixed number of rows.

import { Histogram, type HistogramSnapshot } from './histogram.js';

/** The name of the row that collects every endpoint past --max-endpoints. */
export const OTHER_ENDPOINT = 'other';

/** Per-row counters, E.requests + row * E_SLOTS: one typed array, so recording allocates nothing. */
const E = { requests: 0, failures: 1, non2xx: 2 } as const;
const E_SLOTS = 3;

export interface EndpointSnapshot {
  readonly maxRows: number;
  readonly names: readonly string[];
  readonly counts: Float64Array;
  readonly totals: readonly HistogramSnapshot[];
}

/**
 * Rows are fixed when the run starts (a targets file's names) or named as they come (a script),
 * up to `maxRows`; after that every new name lands on the "other" row. Histograms are preallocated
 * typed arrays, so a request costs a few array writes whatever its row.
 */
export class EndpointStats {
  readonly names: string[] = [];
  readonly #rowOf = new Map<string, number>();
  readonly #maxRows: number;
  #counts: Float64Array;
  readonly totals: Histogram[] = [];

  constructor(maxRows: number, names: readonly string[] = []) {
    this.#maxRows = maxRows;
    this.#counts = new Float64Array(E_SLOTS * Math.min(maxRows + 1, Math.max(names.length, 1)));
    for (const name of names) this.rowOf(name);
  }

  /** The row of `name`, opened when there is room, else the "other" row (names past the limit are not kept). */
  rowOf(name: string): number {
    const known = this.#rowOf.get(name);
    if (known !== undefined) return known;
    if (this.names.length < this.#maxRows) return this.#open(name);
    return this.#rowOf.get(OTHER_ENDPOINT) ?? this.#open(OTHER_ENDPOINT);
  }

  #open(name: string): number {
    const row = this.names.length;
    this.names.push(name);
    this.#rowOf.set(name, row);
    this.totals.push(new Histogram());
    if (this.#counts.length < E_SLOTS * (row + 1)) {
      const grown = new Float64Array(E_SLOTS * Math.min(this.#maxRows + 1, 2 * (row + 1)));
      grown.set(this.#counts);
      this.#counts = grown;
    }
    return row;
  }

  get counts(): Float64Array {
    return this.#counts;
  }

  /** A response read to the end; `failed`: a Length failure. */
  recordResponse(row: number, status: number, totalUs: number, failed: boolean): void {
    const c = this.#counts;
    const at = row * E_SLOTS;
    c[at + E.requests]! += 1;
    if (failed) c[at + E.failures]! += 1;
    if (status < 200 || status >= 300) c[at + E.non2xx]! += 1;
    this.totals[row]!.record(totalUs);
  }

  /** A read that failed: timed to its end, as ab times it; its failure follows through recordFailure. */
  recordFailedRead(row: number, totalUs: number): void {
    this.totals[row]!.record(totalUs);
  }

  /** A request that failed in any class but Length (a connect, a read, a script's verdict). */
  recordFailure(row: number): void {
    const at = row * E_SLOTS;
    this.#counts[at + E.requests]! += 1;
    this.#counts[at + E.failures]! += 1;
  }

  requests(row: number): number {
    return this.#counts[row * E_SLOTS + E.requests] ?? 0;
  }

  failures(row: number): number {
    return this.#counts[row * E_SLOTS + E.failures] ?? 0;
  }

  non2xx(row: number): number {
    return this.#counts[row * E_SLOTS + E.non2xx] ?? 0;
  }

  snapshot(): EndpointSnapshot {
    return {
      maxRows: this.#maxRows,
      names: [...this.names],
      counts: this.#counts.slice(0, this.names.length * E_SLOTS),
      totals: this.totals.map((h) => h.toSnapshot()),
    };
  }

  /** Adds another thread's rows by name (workers may have opened rows in different orders). */
  merge(s: EndpointSnapshot): void {
    s.names.forEach((name, i) => {
      const row = this.rowOf(name);
      const at = row * E_SLOTS;
      for (let k = 0; k < E_SLOTS; k++) this.#counts[at + k]! += s.counts[i * E_SLOTS + k] ?? 0;
      this.totals[row]!.add(Histogram.fromSnapshot(s.totals[i]!));
    });
  }
}
