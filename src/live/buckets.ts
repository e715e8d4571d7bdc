// Bucket layouts of the exported latency histograms, each derived from gb's HDR histogram: the classic `le` ladder and exponential buckets.

import type { Histogram } from '../metrics/histogram.js';

/**
 * Classic-histogram `le` bounds in seconds: 2^(k/8) for k = -133…48 (9.9 µs … 64 s), rounded to
 * four significant digits so the labels read as numbers people recognise. Neighbours are ×1.0905
 * apart (at most ×1.0912 after rounding), so histogram_quantile, which interpolates inside the
 * bucket a quantile falls in, is within 9.12 % of gb's own figure however the samples lie in it
 * (for quantiles between 9.9 µs and 64 s; below, it interpolates from 0; above, it says 64 s),
 * while 182 buckets (183 series with +Inf) keep a histogram's series bounded. The bounds are the
 * same as Prometheus's native schema 3, rounded.
 */
export const CLASSIC_BOUNDS_SECONDS: readonly number[] = Array.from({ length: 48 + 133 + 1 }, (_, i) =>
  Number((2 ** ((i - 133) / 8)).toPrecision(4)),
);

/** The `le` label of each bound: JavaScript's shortest round-trip form, which Prometheus parses back to the same double. */
export const CLASSIC_LE_LABELS: readonly string[] = [...CLASSIC_BOUNDS_SECONDS.map((b) => String(b)), '+Inf'];

export interface ClassicHistogram {
  /** Cumulative counts per bound of CLASSIC_BOUNDS_SECONDS, then +Inf (= count). */
  readonly cumulative: Float64Array;
  readonly count: number;
  readonly sumSeconds: number;
}

/**
 * gb's histogram as classic buckets. Each HDR bucket (0.1 % wide) goes whole into the first `le`
 * at or above the value gb reports for it (its upper edge, or the maximum), so the bucket a
 * quantile falls in here holds gb's own figure for that quantile.
 */
export function classicBuckets(h: Histogram): ClassicHistogram {
  const bounds = CLASSIC_BOUNDS_SECONDS;
  const cumulative = new Float64Array(bounds.length + 1);
  const { atOrBelow, values } = h.rankTable();
  let before = 0;
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const seconds = values[i]! / 1e6; // i < length; division rounds correctly, so x ≤ bound is exact
    while (j < bounds.length && seconds > bounds[j]!) j++; // values ascend, so j only moves up
    cumulative[j]! += atOrBelow[i]! - before;
    before = atOrBelow[i]!;
  }
  for (let k = 1; k < cumulative.length; k++) cumulative[k]! += cumulative[k - 1]!;
  return { cumulative, count: h.count, sumSeconds: h.sum / 1e6 };
}

/**
 * The exponential scale of OTLP's ExponentialHistogram and Prometheus's native histograms: base
 * 2^(2^-4) = 1.044, 16 buckets per doubling, so a quantile read from them is within 4.4 %. HDR's
 * 0.1 % buckets are far finer, and 9.9 µs … 64 s take about 360 buckets, of which only the range
 * the run touched is sent.
 */
export const EXPONENTIAL_SCALE = 4;

/** OTLP's bucket index of a positive value at `scale`: bucket i holds (base^i, base^(i+1)], so exact powers of the base close a bucket. */
export function exponentialIndex(value: number, scale: number): number {
  // log2 of an exact power of two is exact, so those land on the right side of their boundary.
  return Math.ceil(Math.log2(value) * 2 ** scale) - 1;
}

export interface ExponentialBuckets {
  readonly scale: number;
  /** Samples of 0 µs (values gb records as nothing at all). */
  readonly zeroCount: number;
  /** OTLP index of counts[0]. */
  readonly offset: number;
  /** Non-cumulative counts of consecutive buckets from offset on; empty when every sample is 0. */
  readonly counts: readonly number[];
  readonly count: number;
  readonly sumSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

/** gb's histogram (µs) as exponential buckets over seconds, each HDR bucket placed by the value gb reports for it, as classicBuckets does. */
export function exponentialBuckets(h: Histogram, scale = EXPONENTIAL_SCALE): ExponentialBuckets {
  const { atOrBelow, values } = h.rankTable();
  let zeroCount = 0;
  let offset = 0;
  const counts: number[] = [];
  let before = 0;
  for (let i = 0; i < values.length; i++) {
    const n = atOrBelow[i]! - before; // i < length
    before = atOrBelow[i]!;
    const us = values[i]!;
    if (us <= 0) {
      zeroCount += n;
      continue;
    }
    const index = exponentialIndex(us / 1e6, scale);
    if (counts.length === 0) offset = index;
    while (offset + counts.length <= index) counts.push(0);
    counts[index - offset]! += n;
  }
  return { scale, zeroCount, offset, counts, count: h.count, sumSeconds: h.sum / 1e6, minSeconds: h.min / 1e6, maxSeconds: h.max / 1e6 };
}
