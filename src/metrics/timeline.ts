// Per-second activity of a run — completions, errors, bytes and coarse latency — in bounded typed arrays.

import type { TimelineRow } from './summary.js';

/**
 * Latency per second is kept in log buckets, 4 per power of two (±12.5 %): enough to plot
 * percentiles over time at 496 bytes a second, where a full histogram would take ~190 KB.
 */
const SUB_BUCKETS = 4;
const OCTAVES = 31;
const LATENCY_BUCKETS = OCTAVES * SUB_BUCKETS;
const MAX_BUCKETED_US = 2 ** OCTAVES - 1;
/** At most a day of rows; later seconds fold into the last row rather than grow memory. */
export const MAX_TIMELINE_ROWS = 86_400;
const ROW_BLOCK = 64;

const F_COMPLETE = 0;
const F_ERRORS = 1;
const F_NON2XX = 2;
const F_BYTES = 3;
const FIELDS = 4;

export interface TimelineSnapshot {
  readonly startEpochMs: number;
  readonly rows: number;
  readonly fields: Float64Array;
  readonly latency: Uint32Array;
  readonly maxUs: Float64Array;
}

function bucketOf(us: number): number {
  const v = us < 1 ? 1 : us > MAX_BUCKETED_US ? MAX_BUCKETED_US : us | 0;
  const octave = 31 - Math.clz32(v);
  const sub = octave < 2 ? (v << (2 - octave)) & 3 : (v >>> (octave - 2)) & 3;
  return octave * SUB_BUCKETS + sub;
}

/** The middle of a bucket's range: within ±12.5 % of any value the bucket holds. */
function bucketMidUs(index: number): number {
  const octave = Math.floor(index / SUB_BUCKETS);
  const sub = index % SUB_BUCKETS;
  return Math.max(1, Math.round(((SUB_BUCKETS + sub + 0.5) * 2 ** octave) / SUB_BUCKETS));
}
const LAST_BUCKET = bucketOf(MAX_BUCKETED_US);

export class Timeline {
  /** Wall-clock start shared by every worker of a run, so their rows line up when merged. */
  readonly startEpochMs: number;
  /** performance.now() at startEpochMs in this thread. */
  readonly #originMs: number;
  #capacity = 0;
  #rows = 0;
  #fields = new Float64Array(0);
  #latency = new Uint32Array(0);
  #maxUs = new Float64Array(0);

  constructor(startEpochMs: number, originMs: number) {
    this.startEpochMs = startEpochMs;
    this.#originMs = originMs;
  }

  #row(nowMs: number): number {
    return this.#useRow(Math.floor((nowMs - this.#originMs) / 1000));
  }

  #useRow(row: number): number {
    let r = row;
    if (r < 0) r = 0;
    else if (r >= MAX_TIMELINE_ROWS) r = MAX_TIMELINE_ROWS - 1;
    if (r >= this.#capacity) this.#grow(r + 1);
    if (r >= this.#rows) this.#rows = r + 1;
    return r;
  }

  #grow(rows: number): void {
    const capacity = Math.min(MAX_TIMELINE_ROWS, Math.ceil(rows / ROW_BLOCK) * ROW_BLOCK);
    const fields = new Float64Array(capacity * FIELDS);
    fields.set(this.#fields);
    const latency = new Uint32Array(capacity * LATENCY_BUCKETS);
    latency.set(this.#latency);
    const maxUs = new Float64Array(capacity);
    maxUs.set(this.#maxUs);
    this.#fields = fields;
    this.#latency = latency;
    this.#maxUs = maxUs;
    this.#capacity = capacity;
  }

  recordResponse(nowMs: number, totalUs: number, non2xx: boolean): void {
    const r = this.#row(nowMs);
    const f = r * FIELDS;
    this.#fields[f + F_COMPLETE]! += 1;
    if (non2xx) this.#fields[f + F_NON2XX]! += 1;
    this.#latency[r * LATENCY_BUCKETS + bucketOf(totalUs)]! += 1;
    if (totalUs > this.#maxUs[r]!) this.#maxUs[r] = totalUs;
  }

  // The row first, on its own: #row may replace #fields, and `this.#fields[#row()] +=` would
  // read the old array before growing it and add into the discarded copy.
  recordErrors(nowMs: number, count: number): void {
    const r = this.#row(nowMs);
    this.#fields[r * FIELDS + F_ERRORS]! += count;
  }

  recordBytes(nowMs: number, bytes: number): void {
    const r = this.#row(nowMs);
    this.#fields[r * FIELDS + F_BYTES]! += bytes;
  }

  snapshot(): TimelineSnapshot {
    return {
      startEpochMs: this.startEpochMs,
      rows: this.#rows,
      fields: this.#fields.slice(0, this.#rows * FIELDS),
      latency: this.#latency.slice(0, this.#rows * LATENCY_BUCKETS),
      maxUs: this.#maxUs.slice(0, this.#rows),
    };
  }

  /** Adds a worker's rows, aligned by wall clock. */
  merge(s: TimelineSnapshot): void {
    const shift = Math.round((s.startEpochMs - this.startEpochMs) / 1000);
    const lastRow = Math.min(MAX_TIMELINE_ROWS, shift + s.rows);
    if (lastRow > this.#capacity) this.#grow(lastRow); // once, not a block at a time
    for (let i = 0; i < s.rows; i++) {
      const r = this.#useRow(i + shift);
      for (let k = 0; k < FIELDS; k++) this.#fields[r * FIELDS + k]! += s.fields[i * FIELDS + k]!;
      for (let b = 0; b < LATENCY_BUCKETS; b++) this.#latency[r * LATENCY_BUCKETS + b]! += s.latency[i * LATENCY_BUCKETS + b]!;
      if (s.maxUs[i]! > this.#maxUs[r]!) this.#maxUs[r] = s.maxUs[i]!;
    }
  }

  rows(): TimelineRow[] {
    const out: TimelineRow[] = [];
    for (let r = 0; r < this.#rows; r++) {
      const f = r * FIELDS;
      const complete = this.#fields[f + F_COMPLETE]!;
      out.push({
        second: r,
        complete,
        errors: this.#fields[f + F_ERRORS]!,
        non2xx: this.#fields[f + F_NON2XX]!,
        bytesReceived: this.#fields[f + F_BYTES]!,
        p50Us: this.#percentile(r, complete, 50),
        p90Us: this.#percentile(r, complete, 90),
        p99Us: this.#percentile(r, complete, 99),
        maxUs: this.#maxUs[r]!,
      });
    }
    return out;
  }

  #percentile(row: number, count: number, percent: number): number {
    if (count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * count));
    let seen = 0;
    const base = row * LATENCY_BUCKETS;
    for (let b = 0; b < LATENCY_BUCKETS; b++) {
      seen += this.#latency[base + b]!;
      // The last bucket also holds every clamped value: only the row's max is honest there.
      if (seen >= rank) return b === LAST_BUCKET ? this.#maxUs[row]! : Math.min(bucketMidUs(b), this.#maxUs[row]!);
    }
    return this.#maxUs[row]!;
  }
}
