// The exported bucket layouts against gb's HDR histogram: counts kept exactly, and the quantile error of the classic ladder measured.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram } from '../../src/metrics/histogram.js';
import { CLASSIC_BOUNDS_SECONDS, CLASSIC_LE_LABELS, classicBuckets, exponentialBuckets, exponentialIndex } from '../../src/live/buckets.js';
import { logNormalHistogram, random } from '../helpers/live.js';

/** Prometheus 2.42's histogram_quantile over classic buckets (promql/quantile.go, bucketQuantile), for upper bounds and cumulative counts. */
export function prometheusQuantile(q: number, bounds: readonly number[], cumulative: ArrayLike<number>): number {
  const upper = [...bounds, Infinity];
  const observations = cumulative[upper.length - 1]!;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = 0;
  while (b < upper.length - 1 && cumulative[b]! < rank) b++;
  if (b === upper.length - 1) return upper[upper.length - 2]!;
  if (b === 0 && upper[0]! <= 0) return upper[0]!;
  let start = 0;
  let count = cumulative[b]!;
  if (b > 0) {
    start = upper[b - 1]!;
    count -= cumulative[b - 1]!;
    rank -= cumulative[b - 1]!;
  }
  return start + (upper[b]! - start) * (rank / count);
}

function distributions(): [string, Histogram][] {
  const next = random(11);
  const uniform = new Histogram();
  const bimodal = new Histogram();
  const constant = new Histogram();
  const longTail = new Histogram();
  for (let i = 0; i < 100_000; i++) {
    uniform.record(1000 + next() * 49_000);
    bimodal.record(next() < 0.95 ? 800 + next() * 400 : 150_000 + next() * 100_000);
    constant.record(12_345);
    longTail.record(200 / Math.pow(1 - next(), 1.5)); // Pareto: p99.9 far out
  }
  return [
    ['log-normal 2 ms σ 0.5', logNormalHistogram(100_000, 2000, 0.5, 1)],
    ['log-normal 40 ms σ 1.2', logNormalHistogram(100_000, 40_000, 1.2, 2)],
    ['log-normal 150 µs σ 0.3', logNormalHistogram(100_000, 150, 0.3, 3)],
    ['uniform 1–50 ms', uniform],
    ['bimodal 1 ms / 200 ms', bimodal],
    ['constant 12.345 ms', constant],
    ['Pareto from 200 µs', longTail],
  ];
}

describe('classic le ladder', () => {
  it('runs from 9.9 µs to 64 s in steps of at most ×1.092, with labels that parse back to the bounds', () => {
    assert.equal(CLASSIC_BOUNDS_SECONDS.length, 182);
    assert.ok(CLASSIC_BOUNDS_SECONDS[0]! <= 10e-6 && CLASSIC_BOUNDS_SECONDS.at(-1)! >= 60);
    let widest = 0;
    for (let i = 1; i < CLASSIC_BOUNDS_SECONDS.length; i++)
      widest = Math.max(widest, CLASSIC_BOUNDS_SECONDS[i]! / CLASSIC_BOUNDS_SECONDS[i - 1]!);
    assert.ok(widest < 1.092, `widest step ×${widest}`);
    assert.deepEqual(CLASSIC_LE_LABELS.slice(0, -1).map(Number), CLASSIC_BOUNDS_SECONDS);
    assert.equal(CLASSIC_LE_LABELS.at(-1), '+Inf');
  });

  it('keeps count and sum, and each bucket holds exactly the samples gb reports at or below its bound', () => {
    const h = logNormalHistogram(20_000, 3000, 0.8, 5);
    const { cumulative, count, sumSeconds } = classicBuckets(h);
    assert.equal(count, 20_000);
    assert.equal(cumulative.at(-1), 20_000);
    assert.equal(sumSeconds, h.sum / 1e6);
    const { atOrBelow, values } = h.rankTable();
    CLASSIC_BOUNDS_SECONDS.forEach((bound, i) => {
      let expected = 0;
      values.forEach((v, k) => {
        if (v / 1e6 <= bound) expected = atOrBelow[k]!;
      });
      assert.equal(cumulative[i], expected, `le=${bound}`);
    });
  });

  it("gives histogram_quantile within 10 % of gb's own p50, p90, p99 and p99.9 on varied distributions (the measured error is printed)", (t) => {
    let worst = 0;
    for (const [name, h] of distributions()) {
      const { cumulative } = classicBuckets(h);
      for (const q of [0.5, 0.9, 0.99, 0.999]) {
        const gb = h.valueAtPercentile(q * 100) / 1e6;
        const prometheus = prometheusQuantile(q, CLASSIC_BOUNDS_SECONDS, cumulative);
        const error = Math.abs(prometheus - gb) / gb;
        worst = Math.max(worst, error);
        assert.ok(error < 0.1, `${name} p${q * 100}: gb ${gb}, histogram_quantile ${prometheus} (${(error * 100).toFixed(2)} %)`);
      }
    }
    t.diagnostic(`worst relative error of histogram_quantile against gb: ${(worst * 100).toFixed(2)} %`);
  });

  it('puts an empty histogram at 0 everywhere, and 0 µs samples in the first bucket', () => {
    assert.ok(classicBuckets(new Histogram()).cumulative.every((c) => c === 0));
    const zeros = new Histogram();
    zeros.record(0);
    zeros.record(0);
    assert.equal(classicBuckets(zeros).cumulative[0], 2);
  });
});

describe('exponential buckets', () => {
  it('puts exact powers of the base at the top of their bucket, as OTLP and Prometheus define it', () => {
    assert.equal(exponentialIndex(1, 4), -1); // (2^(-1/16), 1]
    assert.equal(exponentialIndex(1.0000001, 4), 0);
    assert.equal(exponentialIndex(0.5, 4), -17);
    assert.equal(exponentialIndex(2, 0), 0);
  });

  it('keeps the count, zeros apart, each sample inside its bucket, and quantiles read from them within 4.4 %', () => {
    const h = logNormalHistogram(50_000, 5000, 1, 9);
    h.record(0);
    const b = exponentialBuckets(h, 4);
    assert.equal(b.zeroCount, 1);
    assert.equal(b.zeroCount + b.counts.reduce((a, c) => a + c, 0), h.count);
    const base = 2 ** (1 / 16);
    // The p99 sample's bucket, from the exported counts, holds gb's p99.
    let seen = b.zeroCount;
    const rank = Math.ceil(0.99 * h.count);
    let i = 0;
    while (seen + b.counts[i]! < rank) seen += b.counts[i++]!;
    const lower = base ** (b.offset + i);
    const upper = base ** (b.offset + i + 1);
    const gb = h.valueAtPercentile(99) / 1e6;
    assert.ok(gb > lower * (1 - 1e-12) && gb <= upper * (1 + 1e-12), `${gb} in (${lower}, ${upper}]`);
    assert.ok(upper / lower < 1.0444);
  });
});
