// ab's Complete requests counted by endpoint row × status class × result: kept beside a recorder for the live outputs, added up across threads.

/**
 * Status classes of a complete request: 0 is a request ab counts complete although no status
 * arrived (a read that failed on an open connection), 1–9 the first digit of the status (the
 * parser takes 100–999).
 */
export const STATUS_CLASSES = ['none', '1xx', '2xx', '3xx', '4xx', '5xx', '6xx', '7xx', '8xx', '9xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
const CLASS_COUNT = STATUS_CLASSES.length;

/** The class slot of a status code; anything outside 100–999 (or no status: -1) is 'none'. */
export function statusClassIndex(status: number): number {
  return status >= 100 && status <= 999 ? Math.floor(status / 100) : 0;
}

/** The slot of one (endpoint row, status class, result) cell in RequestCounts.counts. */
export function requestSlot(row: number, classIndex: number, failed: boolean): number {
  return (row * CLASS_COUNT + classIndex) * 2 + (failed ? 1 : 0);
}

/**
 * ab's Complete requests by endpoint × status class × result, as one flat array of cumulative
 * counts (requestSlot gives the index): a copy of it is the whole per-period cost, and worker
 * threads add theirs slot by slot. Their sum is the report's Complete requests.
 */
export interface RequestCounts {
  /** Endpoint rows (already capped at --max-endpoints with "other"); [''] for a run of one URL, which then has no endpoint label. */
  readonly endpoints: readonly string[];
  /** Length endpoints.length × STATUS_CLASSES.length × 2 (ok, failed). */
  readonly counts: Float64Array;
}

/**
 * Cumulative request counts for the engine to keep beside its recorder: record() is a few array
 * writes, snapshot() one copy, add() merges a worker's copy. Rows are the recorder's endpoint rows.
 */
export class RequestTable {
  #counts: Float64Array;
  readonly #endpoints: string[];

  constructor(endpoints: readonly string[] = ['']) {
    this.#endpoints = [...endpoints];
    this.#counts = new Float64Array(Math.max(1, this.#endpoints.length) * CLASS_COUNT * 2);
  }

  /** A complete request of endpoint `row` with `status` (-1 when the read failed before one arrived); `failed` as ab counts it. */
  record(row: number, status: number, failed: boolean): void {
    if (row >= this.#endpoints.length) this.#grow(row);
    this.#counts[requestSlot(row, statusClassIndex(status), failed)]! += 1;
  }

  /** `count` more complete requests of one cell at once. */
  addCount(row: number, status: number, failed: boolean, count: number): void {
    if (row >= this.#endpoints.length) this.#grow(row);
    this.#counts[requestSlot(row, statusClassIndex(status), failed)]! += count;
  }

  /** Names a row that a script opened after the run began. */
  name(row: number, endpoint: string): void {
    if (row >= this.#endpoints.length) this.#grow(row);
    this.#endpoints[row] = endpoint;
  }

  snapshot(): RequestCounts {
    return { endpoints: [...this.#endpoints], counts: this.#counts.slice() };
  }

  /** Adds another table's snapshot, matching rows by name. */
  add(other: RequestCounts): void {
    other.endpoints.forEach((endpoint, otherRow) => {
      let row = this.#endpoints.indexOf(endpoint);
      if (row < 0) {
        row = this.#endpoints.length;
        this.#grow(row);
        this.#endpoints[row] = endpoint;
      }
      const from = requestSlot(otherRow, 0, false);
      const to = requestSlot(row, 0, false);
      for (let k = 0; k < CLASS_COUNT * 2; k++) this.#counts[to + k]! += other.counts[from + k] ?? 0;
    });
  }

  #grow(row: number): void {
    while (this.#endpoints.length <= row) this.#endpoints.push('');
    const grown = new Float64Array(this.#endpoints.length * CLASS_COUNT * 2);
    grown.set(this.#counts);
    this.#counts = grown;
  }
}

/** The sum of every cell: the report's Complete requests. */
export function completedRequests(requests: RequestCounts): number {
  let sum = 0;
  for (const c of requests.counts) sum += c;
  return sum;
}

/** The endpoint label of rows past the limit (the name gb's per-endpoint table uses). */
export const OTHER_ENDPOINT = 'other';
/** --max-endpoints' default. */
export const DEFAULT_MAX_ENDPOINTS = 100;

/**
 * The same counts with at most `maxEndpoints` named rows: the first ones keep their names, every
 * later row (and a row already named "other") adds up into one "other" row, last. Keeps the series
 * bounded even if the engine's own cap is higher.
 */
export function capEndpoints(requests: RequestCounts, maxEndpoints: number): RequestCounts {
  const { endpoints, counts } = requests;
  const names: string[] = [];
  const rowOf = endpoints.map((name) => (name === OTHER_ENDPOINT || names.length >= maxEndpoints ? -1 : names.push(name) - 1));
  if (rowOf.includes(-1)) names.push(OTHER_ENDPOINT);
  const capped = new Float64Array(names.length * CLASS_COUNT * 2);
  rowOf.forEach((to, from) => {
    const into = requestSlot(to < 0 ? names.length - 1 : to, 0, false);
    const at = requestSlot(from, 0, false);
    for (let k = 0; k < CLASS_COUNT * 2; k++) capped[into + k]! += counts[at + k] ?? 0;
  });
  return { endpoints: names, counts: capped };
}
