// Load models as pure arithmetic: when requests are due under a constant-rate schedule.
// The closed loop needs no arithmetic — a request starts whenever a connection is free.

import type { RateStage, ScheduleConfig } from '../config/config.js';

/** Intended start of request `index` (0-based), in ms after the schedule's origin. */
export function intendedOffsetMs(index: number, requestsPerSecond: number): number {
  return (index * 1000) / requestsPerSecond;
}

/** How many requests are due once `elapsedMs` have passed: request i is due at intendedOffsetMs(i). */
export function dueCount(elapsedMs: number, requestsPerSecond: number): number {
  if (elapsedMs < 0) return 0;
  // Relative tolerance, so request i is due exactly at its own intended time despite float rounding.
  const exact = (elapsedMs * requestsPerSecond) / 1000;
  return Math.floor(exact * (1 + 1e-12) + 1e-9) + 1;
}

interface Segment {
  readonly startMs: number;
  readonly durationMs: number;
  readonly fromPerSecond: number;
  readonly toPerSecond: number;
  /** Requests due before the segment starts: the area under the rate curve so far. */
  readonly countBefore: number;
  readonly count: number;
}

/** When each request of a rate that is piecewise linear in time is due: a flat --rate R is the case of one stage. */
export interface RateSchedule {
  /** Intended start of request `index` (0-based) in ms after the origin; Infinity past the last stage. */
  intendedOffsetMs(index: number): number;
  /** How many requests are due once `elapsedMs` have passed (request i is due at intendedOffsetMs(i)). */
  dueCount(elapsedMs: number): number;
  /** The target rate at `elapsedMs`, in requests per second (0 past the last stage): what the live view shows. */
  rateAt(elapsedMs: number): number;
}

/** A constant rate forever: the same arithmetic as intendedOffsetMs and dueCount above. */
export function flatSchedule(requestsPerSecond: number): RateSchedule {
  return {
    intendedOffsetMs: (i) => intendedOffsetMs(i, requestsPerSecond),
    dueCount: (t) => dueCount(t, requestsPerSecond),
    rateAt: () => requestsPerSecond,
  };
}

/** Area under a segment's rate line over its first `ms`, in requests. */
function areaWithin(s: Segment, ms: number): number {
  const slope = s.durationMs > 0 ? (s.toPerSecond - s.fromPerSecond) / s.durationMs : 0;
  return (s.fromPerSecond * ms + (slope * ms * ms) / 2) / 1000;
}

/** The ms into a segment at which its area reaches `count` (≤ its whole area): the root of a quadratic. */
function timeWithin(s: Segment, count: number): number {
  if (count <= 0) return 0;
  if (s.fromPerSecond === s.toPerSecond) return (count * 1000) / s.fromPerSecond;
  const halfSlope = (s.toPerSecond - s.fromPerSecond) / s.durationMs / 2;
  // 2c / (a + √(a² + 4kc)) rather than the textbook (−a + √…) / 2k: no cancellation when k is tiny.
  // The max(0, …): at the very end of a ramp down, rounding can take the discriminant a hair below 0.
  const ms = (2 * count * 1000) / (s.fromPerSecond + Math.sqrt(Math.max(0, s.fromPerSecond ** 2 + 4 * halfSlope * count * 1000)));
  return Math.min(ms, s.durationMs);
}

/**
 * k6's ramping shape: each stage moves the rate linearly from the previous stage's rate (0 before the
 * first, unless the first lasts 0 ms and so sets the starting rate) to its own. The count due by time t
 * is the area under that line, so request i is due where the area reaches i: request 0 at the origin,
 * as with a flat rate.
 */
export function stagedSchedule(stages: readonly RateStage[]): RateSchedule {
  const segments: Segment[] = [];
  let startMs = 0;
  let from = 0;
  let countBefore = 0;
  for (const stage of stages) {
    const s: Segment = {
      startMs,
      durationMs: stage.durationMs,
      fromPerSecond: from,
      toPerSecond: stage.requestsPerSecond,
      countBefore,
      count: 0,
    };
    const count = areaWithin(s, stage.durationMs);
    segments.push({ ...s, count });
    startMs += stage.durationMs;
    countBefore += count;
    from = stage.requestsPerSecond;
  }
  const totalMs = startMs;
  const totalCount = countBefore;
  // Float sums of areas can land a hair under an exact total (a 1 s stage at 100/s as 99.99999999): the same tolerance as dueCount.
  const fuzz = (x: number): number => x * (1 + 1e-12) + 1e-9;
  return {
    intendedOffsetMs(index: number): number {
      if (index > fuzz(totalCount)) return Infinity;
      for (const s of segments) {
        if (s.count > 0 && index <= fuzz(s.countBefore + s.count)) return s.startMs + timeWithin(s, index - s.countBefore);
      }
      // Only the zero request of a schedule that never sends (all rates 0) gets here.
      return index === 0 ? 0 : Infinity;
    },
    dueCount(elapsedMs: number): number {
      if (elapsedMs < 0) return 0;
      const t = Math.min(elapsedMs, totalMs);
      let area = 0;
      for (const s of segments) {
        if (t < s.startMs) break;
        area = s.countBefore + areaWithin(s, Math.min(t - s.startMs, s.durationMs));
      }
      return Math.floor(fuzz(area)) + 1;
    },
    rateAt(elapsedMs: number): number {
      const s = segments.find((seg) => elapsedMs >= seg.startMs && elapsedMs < seg.startMs + seg.durationMs);
      if (s === undefined) return 0;
      return s.fromPerSecond + ((s.toPerSecond - s.fromPerSecond) * (elapsedMs - s.startMs)) / s.durationMs;
    },
  };
}

/** The schedule of a validated config: null in the closed loop. */
export function scheduleOf(schedule: ScheduleConfig): RateSchedule | null {
  if (schedule.kind !== 'rate') return null;
  return schedule.stages === undefined ? flatSchedule(schedule.requestsPerSecond) : stagedSchedule(schedule.stages);
}

/**
 * Requests the schedule had due in each of `rows` rows of `rowMs`, for a run that issued at most
 * `maxRequests` (null: no -n) and ran `limitMs`: the target to set beside each row's achieved count.
 */
export function scheduledPerRow(
  schedule: RateSchedule,
  rowMs: number,
  rows: number,
  limitMs: number,
  maxRequests: number | null,
): number[] {
  // Due strictly before t: a request due exactly on a row boundary belongs to the row it opens.
  const dueBefore = (t: number): number => {
    const due = schedule.dueCount(Math.min(t, limitMs) - 1e-6);
    return maxRequests === null ? due : Math.min(due, maxRequests);
  };
  const out: number[] = [];
  for (let row = 0; row < rows; row++) out.push(dueBefore((row + 1) * rowMs) - dueBefore(row * rowMs));
  return out;
}
