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

/** The first seconds of a run are also kept in 100 ms rows, so a run of a second or two still plots as a curve. */
export const FINE_ROW_MS = 100;
/** 5 s of fine rows (27 KB, allocated once): past that the per-second rows already make a useful plot. */
export const FINE_ROWS = 50;

interface GridSnapshot {
  readonly rows: number;
  readonly fields: Float64Array;
  readonly latency: Uint32Array;
  readonly maxUs: Float64Array;
}

export interface TimelineSnapshot extends GridSnapshot {
  readonly startEpochMs: number;
  readonly fine: GridSnapshot;
}

/** A timeline row of FINE_ROW_MS: the same figures, from `startMs` after the run's start. */
export interface FineTimelineRow extends Omit<TimelineRow, 'second'> {
  readonly startMs: number;
}

/** What a grid row holds: the schedule's target is not recorded but computed from the config (engine/summarize.ts). */
type RecordedRow = Omit<TimelineRow, 'second' | 'scheduled'>;

const EMPTY_ROW: RecordedRow = { complete: 0, errors: 0, non2xx: 0, bytesReceived: 0, p50Us: 0, p90Us: 0, p99Us: 0, maxUs: 0 };

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

/** Rows of `rowMs` each; records past `maxRows` fold into the last row or, for `dropPastEnd`, are left out. */
class Grid {
  readonly #rowMs: number;
  readonly #maxRows: number;
  readonly #dropPastEnd: boolean;
  #capacity = 0;
  #rows = 0;
  #fields = new Float64Array(0);
  #latency = new Uint32Array(0);
  #maxUs = new Float64Array(0);

  constructor(rowMs: number, maxRows: number, dropPastEnd: boolean) {
    this.#rowMs = rowMs;
    this.#maxRows = maxRows;
    this.#dropPastEnd = dropPastEnd;
  }

  /** The row for a time since the origin, or -1 when it is past the end of a grid that drops. */
  rowAt(elapsedMs: number): number {
    return this.#useRow(Math.floor(elapsedMs / this.#rowMs));
  }

  #useRow(row: number): number {
    let r = row;
    if (r < 0) r = 0;
    else if (r >= this.#maxRows) {
      if (this.#dropPastEnd) return -1;
      r = this.#maxRows - 1;
    }
    if (r >= this.#capacity) this.#grow(r + 1);
    if (r >= this.#rows) this.#rows = r + 1;
    return r;
  }

  #grow(rows: number): void {
    const capacity = Math.min(this.#maxRows, Math.ceil(rows / ROW_BLOCK) * ROW_BLOCK);
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

  // The row first, on its own: rowAt may replace #fields, and `this.#fields[rowAt()] +=` would
  // read the old array before growing it and add into the discarded copy.
  recordResponse(r: number, totalUs: number, non2xx: boolean): void {
    const f = r * FIELDS;
    this.#fields[f + F_COMPLETE]! += 1;
    if (non2xx) this.#fields[f + F_NON2XX]! += 1;
    this.#latency[r * LATENCY_BUCKETS + bucketOf(totalUs)]! += 1;
    if (totalUs > this.#maxUs[r]!) this.#maxUs[r] = totalUs;
  }

  add(r: number, field: number, amount: number): void {
    this.#fields[r * FIELDS + field]! += amount;
  }

  snapshot(): GridSnapshot {
    return {
      rows: this.#rows,
      fields: this.#fields.slice(0, this.#rows * FIELDS),
      latency: this.#latency.slice(0, this.#rows * LATENCY_BUCKETS),
      maxUs: this.#maxUs.slice(0, this.#rows),
    };
  }

  merge(s: GridSnapshot, shift: number): void {
    const lastRow = Math.min(this.#maxRows, shift + s.rows);
    if (lastRow > this.#capacity) this.#grow(lastRow); // once, not a block at a time
    for (let i = 0; i < s.rows; i++) {
      const r = this.#useRow(i + shift);
      if (r < 0) break;
      for (let k = 0; k < FIELDS; k++) this.#fields[r * FIELDS + k]! += s.fields[i * FIELDS + k]!;
      for (let b = 0; b < LATENCY_BUCKETS; b++) this.#latency[r * LATENCY_BUCKETS + b]! += s.latency[i * LATENCY_BUCKETS + b]!;
      if (s.maxUs[i]! > this.#maxUs[r]!) this.#maxUs[r] = s.maxUs[i]!;
    }
  }

  rows(): RecordedRow[] {
    const out: RecordedRow[] = [];
    for (let r = 0; r < this.#rows; r++) {
      const f = r * FIELDS;
      const complete = this.#fields[f + F_COMPLETE]!;
      out.push({
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

/** Per-second rows for the whole run, and FINE_ROW_MS rows for its first seconds; recording is O(1) and allocates only when a 64-row block is first reached. */
export class Timeline {
  /** Wall-clock start shared by every worker of a run, so their rows line up when merged. */
  readonly startEpochMs: number;
  /** performance.now() at startEpochMs in this thread. */
  readonly #originMs: number;
  readonly #seconds = new Grid(1000, MAX_TIMELINE_ROWS, false);
  readonly #fine = new Grid(FINE_ROW_MS, FINE_ROWS, true);

  constructor(startEpochMs: number, originMs: number) {
    this.startEpochMs = startEpochMs;
    this.#originMs = originMs;
  }

  recordResponse(nowMs: number, totalUs: number, non2xx: boolean): void {
    const elapsedMs = nowMs - this.#originMs;
    this.#seconds.recordResponse(this.#seconds.rowAt(elapsedMs), totalUs, non2xx);
    const fine = this.#fine.rowAt(elapsedMs);
    if (fine >= 0) this.#fine.recordResponse(fine, totalUs, non2xx);
  }

  recordErrors(nowMs: number, count: number): void {
    this.#add(nowMs, F_ERRORS, count);
  }

  recordBytes(nowMs: number, bytes: number): void {
    this.#add(nowMs, F_BYTES, bytes);
  }

  #add(nowMs: number, field: number, amount: number): void {
    const elapsedMs = nowMs - this.#originMs;
    this.#seconds.add(this.#seconds.rowAt(elapsedMs), field, amount);
    const fine = this.#fine.rowAt(elapsedMs);
    if (fine >= 0) this.#fine.add(fine, field, amount);
  }

  snapshot(): TimelineSnapshot {
    return { startEpochMs: this.startEpochMs, ...this.#seconds.snapshot(), fine: this.#fine.snapshot() };
  }

  /** Adds a worker's rows, aligned by wall clock. */
  merge(s: TimelineSnapshot): void {
    this.#seconds.merge(s, Math.round((s.startEpochMs - this.startEpochMs) / 1000));
    this.#fine.merge(s.fine, Math.round((s.startEpochMs - this.startEpochMs) / FINE_ROW_MS));
  }

  /**
   * One row per second; with `scheduled` (the schedule's target per second), as many rows as it has,
   * so seconds in which nothing ended still show what was due.
   */
  rows(scheduled: readonly number[] | null = null): TimelineRow[] {
    return withTargets(this.#seconds.rows(), scheduled).map((row, second) => ({ second, ...row }));
  }

  /** The first FINE_ROWS rows of FINE_ROW_MS (fewer in a shorter run), with the schedule's target per row as for rows(). */
  fineRows(scheduled: readonly number[] | null = null): FineTimelineRow[] {
    return withTargets(this.#fine.rows(), scheduled).map((row, i) => ({ startMs: i * FINE_ROW_MS, ...row }));
  }
}

function withTargets(rows: readonly RecordedRow[], scheduled: readonly number[] | null): Omit<TimelineRow, 'second'>[] {
  if (scheduled === null) return rows.map((row) => ({ ...row, scheduled: null }));
  const count = Math.max(rows.length, scheduled.length);
  const out: Omit<TimelineRow, 'second'>[] = [];
  for (let i = 0; i < count; i++) out.push({ ...(rows[i] ?? EMPTY_ROW), scheduled: scheduled[i] ?? 0 });
  return out;
}
