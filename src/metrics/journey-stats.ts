// What a journey run counts beside its requests: iterations (complete, failed, cut off by the end), their durations, checks, and users over time.

import { Histogram, type HistogramSnapshot } from './histogram.js';
import { MAX_TIMELINE_ROWS } from './timeline.js';

/** Check names past this many are counted under OTHER_CHECK, so a name built from data cannot grow memory. */
export const MAX_CHECK_NAMES = 1000;
export const OTHER_CHECK = '(other)';
/** Distinct messages of failed iterations kept; the rest count under their first. */
const MAX_FAILURE_MESSAGES = 100;

const R_STARTED = 0;
const R_COMPLETE = 1;
const R_FAILED = 2;
/** The most users busy at once in the second. */
const R_ACTIVE_MAX = 3;
const ROW_FIELDS = 4;

export interface CheckCounts {
  readonly passed: number;
  readonly failed: number;
}

export interface JourneySnapshot {
  readonly startEpochMs: number;
  readonly started: number;
  readonly complete: number;
  readonly failed: number;
  /** Iterations the run's end (or Ctrl-C) cut off: neither complete nor failed. */
  readonly interrupted: number;
  /** Due iterations that had to wait because every user was busy and the pool was at --max-users (open model). */
  readonly late: number;
  /** Users the pool held at the start and at its largest (open model: --max-users), summed over threads. */
  readonly usersInitial: number;
  readonly usersPeak: number;
  /** Durations of complete and failed iterations, µs: from the scheduled start (open model) or the start, to the end. */
  readonly duration: HistogramSnapshot;
  readonly checks: Readonly<Record<string, CheckCounts>>;
  /** Failed iterations by message (the error a step threw, with the script's file:line). */
  readonly failures: Readonly<Record<string, number>>;
  /** Per second from startEpochMs: ROW_FIELDS numbers a row (started, complete, failed, most users active). */
  readonly rows: Float64Array;
}

/** One second of a journey run, for --timeline, the HTML report and the JSON. */
export interface JourneyRow {
  readonly second: number;
  readonly started: number;
  readonly complete: number;
  readonly failed: number;
  readonly activeUsers: number;
}

export class JourneyStats {
  readonly duration = new Histogram();
  started = 0;
  complete = 0;
  failed = 0;
  interrupted = 0;
  late = 0;
  usersInitial = 0;
  usersPeak = 0;
  readonly checks = new Map<string, [passed: number, failed: number]>();
  readonly failures = new Map<string, number>();
  /** Wall-clock start shared by every thread, so their rows line up when merged. */
  readonly startEpochMs: number;
  /** performance.now() at startEpochMs in this thread. */
  readonly #originMs: number;
  #rows = new Float64Array(64 * ROW_FIELDS);
  #rowCount = 0;
  /** Users busy now (this thread). */
  #active = 0;

  constructor(startEpochMs: number, originMs: number) {
    this.startEpochMs = startEpochMs;
    this.#originMs = originMs;
  }

  recordStart(nowMs: number): void {
    this.started += 1;
    this.#active += 1;
    const r = this.#row(nowMs);
    this.#rows[r + R_STARTED]! += 1;
    if (this.#active > this.#rows[r + R_ACTIVE_MAX]!) this.#rows[r + R_ACTIVE_MAX] = this.#active;
  }

  /** An iteration ended: `message` null for a complete one, else why it failed. */
  recordEnd(nowMs: number, durationUs: number, message: string | null): void {
    this.#active -= 1;
    this.duration.record(durationUs);
    const r = this.#row(nowMs);
    if (message === null) {
      this.complete += 1;
      this.#rows[r + R_COMPLETE]! += 1;
      return;
    }
    this.failed += 1;
    this.#rows[r + R_FAILED]! += 1;
    const key = this.failures.has(message) || this.failures.size < MAX_FAILURE_MESSAGES ? message : this.failures.keys().next().value!;
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  /** An iteration the end cut off: its user is no longer busy, and it is neither complete nor failed. */
  recordInterrupted(): void {
    this.#active -= 1;
    this.interrupted += 1;
  }

  recordCheck(name: string, passed: boolean): void {
    let counts = this.checks.get(name);
    if (counts === undefined) {
      const key = this.checks.size < MAX_CHECK_NAMES ? name : OTHER_CHECK;
      counts = this.checks.get(key) ?? [0, 0];
      this.checks.set(key, counts);
    }
    counts[passed ? 0 : 1] += 1;
  }

  /** The row's offset in #rows for a moment of this thread's clock; seconds past a day fold into the last. */
  #row(nowMs: number): number {
    const second = Math.min(MAX_TIMELINE_ROWS - 1, Math.max(0, Math.floor((nowMs - this.#originMs) / 1000)));
    this.#ensure(second + 1);
    return second * ROW_FIELDS;
  }

  #ensure(rows: number): void {
    if (rows > this.#rowCount) this.#rowCount = rows;
    if (rows * ROW_FIELDS <= this.#rows.length) return;
    const grown = new Float64Array(Math.max(rows, (this.#rows.length / ROW_FIELDS) * 2) * ROW_FIELDS);
    grown.set(this.#rows);
    this.#rows = grown;
  }

  snapshot(): JourneySnapshot {
    return {
      startEpochMs: this.startEpochMs,
      started: this.started,
      complete: this.complete,
      failed: this.failed,
      interrupted: this.interrupted,
      late: this.late,
      usersInitial: this.usersInitial,
      usersPeak: this.usersPeak,
      duration: this.duration.toSnapshot(),
      checks: Object.fromEntries([...this.checks].map(([name, [passed, failed]]) => [name, { passed, failed }])),
      failures: Object.fromEntries(this.failures),
      rows: this.#rows.slice(0, this.#rowCount * ROW_FIELDS),
    };
  }

  /** Adds another thread's (or shard's) counts: exact, by addition; rows line up by wall clock, and the most active users add up. */
  merge(s: JourneySnapshot): void {
    this.started += s.started;
    this.complete += s.complete;
    this.failed += s.failed;
    this.interrupted += s.interrupted;
    this.late += s.late;
    this.usersInitial += s.usersInitial;
    this.usersPeak += s.usersPeak;
    this.duration.add(Histogram.fromSnapshot(s.duration));
    for (const [name, c] of Object.entries(s.checks)) {
      const mine = this.checks.get(name);
      if (mine === undefined) this.checks.set(name, [c.passed, c.failed]);
      else {
        mine[0] += c.passed;
        mine[1] += c.failed;
      }
    }
    for (const [message, n] of Object.entries(s.failures)) this.failures.set(message, (this.failures.get(message) ?? 0) + n);
    const shift = Math.round((s.startEpochMs - this.startEpochMs) / 1000);
    const rows = s.rows.length / ROW_FIELDS;
    for (let i = 0; i < rows; i++) {
      const second = Math.min(MAX_TIMELINE_ROWS - 1, Math.max(0, i + shift));
      this.#ensure(second + 1);
      for (let k = 0; k < ROW_FIELDS; k++) this.#rows[second * ROW_FIELDS + k]! += s.rows[i * ROW_FIELDS + k]!;
    }
  }

  /** The per-second rows, for the timeline and the reports. */
  timeline(): JourneyRow[] {
    const out: JourneyRow[] = [];
    for (let i = 0; i < this.#rowCount; i++) {
      const f = i * ROW_FIELDS;
      out.push({
        second: i,
        started: this.#rows[f + R_STARTED]!,
        complete: this.#rows[f + R_COMPLETE]!,
        failed: this.#rows[f + R_FAILED]!,
        activeUsers: this.#rows[f + R_ACTIVE_MAX]!,
      });
    }
    return out;
  }

  static fromSnapshot(s: JourneySnapshot, originMs = 0): JourneyStats {
    const stats = new JourneyStats(s.startEpochMs, originMs);
    stats.merge(s);
    return stats;
  }
}
