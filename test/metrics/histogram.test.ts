// Tests for the latency histogram: precision against exact sorted samples, exact merging, snapshots, and HdrHistogram interop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import { Histogram, type HistogramOptions } from '../../src/metrics/histogram.js';

const DEFAULT_HIGHEST_US = 3_600_000_000;
const PERCENTS = [0, 0.01, 1, 10, 25, 50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 99.999, 100];

/** mulberry32: a tiny seeded PRNG so every run sees the same samples. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

interface Dataset {
  readonly name: string;
  readonly options: HistogramOptions;
  /** Raw inputs, fractional and out-of-range ones included. */
  readonly raw: readonly number[];
}

function datasets(): Dataset[] {
  const random = seededRandom(20240611);
  const uniform = Array.from({ length: 20_000 }, () => random() * 100_000);
  uniform.push(0);
  const logNormal = Array.from({ length: 20_000 }, () => Math.exp(Math.log(2_000) + 1.2 * standardNormal(random)));
  const outliers = Array.from({ length: 20_000 }, (_, i) => {
    if (i % 100 === 0) return 1e6 + random() * 1e8;
    if (i % 499 === 0) return 5e9 + random() * 1e9; // beyond one hour: clamped
    if (i % 333 === 0) return 0;
    return 800 + random() * 400;
  });
  const coarse = Array.from({ length: 5_000 }, () => Math.exp(Math.log(50_000) + 2 * standardNormal(random)));
  const huge = Array.from({ length: 5_000 }, (_, i) => (i % 250 === 0 ? 2 ** 46 : 2 ** (44 * random())));
  return [
    { name: 'uniform', options: {}, raw: uniform },
    { name: 'log-normal', options: {}, raw: logNormal },
    { name: 'outliers and clamped values', options: {}, raw: outliers },
    { name: 'two digits, 10 s ceiling', options: { highestTrackableValue: 10_000_000, significantDigits: 2 }, raw: coarse },
    { name: 'values past 2^32', options: { highestTrackableValue: 2 ** 45 }, raw: huge },
  ];
}

/** What the histogram should have stored for each input: rounded, then clamped. */
function expectedValues(d: Dataset): number[] {
  const highest = d.options.highestTrackableValue ?? DEFAULT_HIGHEST_US;
  return d.raw.map((x) => Math.min(Math.round(x), highest));
}

function recordAll(values: readonly number[], options: HistogramOptions = {}): Histogram {
  const h = new Histogram(options);
  for (const v of values) h.record(v);
  return h;
}

/** HdrHistogram's rank for p% of n, computed in integers so no float rounding muddies the reference. */
function exactRank(percent: number, n: number): number {
  const millionths = Math.round(percent * 10_000);
  return Math.max(1, Math.ceil((millionths * n) / 1_000_000));
}

function sampleStdDev(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const squares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

function assertClose(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${what}: ${actual} is not within ${relative} of ${expected}`);
}

function summaryOf(h: Histogram): unknown {
  return {
    count: h.count,
    min: h.min,
    max: h.max,
    sum: h.sum,
    mean: h.mean(),
    percentiles: PERCENTS.map((p) => h.valueAtPercentile(p)),
  };
}

describe('Histogram precision against exact sorted samples', () => {
  for (const d of datasets()) {
    it(`keeps every rank within 10^-digits of the true value (${d.name})`, () => {
      const values = expectedValues(d);
      const sorted = [...values].sort((a, b) => a - b);
      const h = recordAll(d.raw, d.options);
      const tolerance = 10 ** -(d.options.significantDigits ?? 3);
      const n = sorted.length;
      const ranks = new Set([1, 2, n - 1, n]);
      for (let r = 1; r <= n; r += 97) ranks.add(r);
      for (const rank of ranks) {
        const truth = sorted[rank - 1] ?? Number.NaN;
        const got = h.valueAtRank(rank);
        assert.ok(got >= truth && got - truth <= truth * tolerance, `rank ${rank}: got ${got}, true ${truth}`);
      }
      for (const p of PERCENTS) {
        const truth = sorted[exactRank(p, n) - 1] ?? Number.NaN;
        const got = h.valueAtPercentile(p);
        assert.ok(got >= truth && got - truth <= truth * tolerance, `p${p}: got ${got}, true ${truth}`);
      }
    });

    it(`reports exact count, min, max, sum, mean and a matching sample stdDev (${d.name})`, () => {
      const values = expectedValues(d);
      const h = recordAll(d.raw, d.options);
      const sum = values.reduce((a, b) => a + b, 0);
      assert.equal(h.count, values.length);
      assert.equal(h.min, Math.min(...values));
      assert.equal(h.max, Math.max(...values));
      assert.equal(h.sum, sum);
      assert.equal(h.mean(), sum / values.length);
      assertClose(h.stdDev(), sampleStdDev(values), 1e-9, 'stdDev');
      assert.equal(h.valueAtRank(1), h.min);
      assert.equal(h.valueAtRank(h.count), h.max);
    });
  }

  it('rounds fractions, clamps above the ceiling and sends negative or NaN input to 0', () => {
    const h = new Histogram({ highestTrackableValue: 1_000_000 });
    h.record(2.5);
    h.record(7.4);
    h.record(5e12);
    h.record(-3);
    h.record(Number.NaN);
    assert.equal(h.count, 5);
    assert.equal(h.min, 0);
    assert.equal(h.max, 1_000_000);
    assert.equal(h.sum, 3 + 7 + 1_000_000);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((r) => h.valueAtRank(r)),
      [0, 0, 3, 7, 1_000_000],
    );
  });

  it('returns the exact minimum at rank 1 even when its bucket is wider than one µs', () => {
    const h = new Histogram();
    h.record(3_000); // bucket [3000, 3001]
    h.record(5_000);
    assert.equal(h.valueAtRank(1), 3_000);
    assert.equal(h.valueAtPercentile(0), 3_000);
    assert.equal(h.valueAtRank(2), 5_000);
  });

  it('treats 99.9% of 1000 samples as rank 999 although 0.999 · 1000 is 999.0000000000001 in binary', () => {
    const h = new Histogram();
    for (let v = 1; v <= 1_000; v++) h.record(v);
    assert.equal(h.valueAtPercentile(99.9), 999);
    assert.equal(h.valueAtPercentile(50), 500);
    assert.equal(h.valueAtPercentile(100), 1_000);
  });

  it('reports zeros for an empty histogram and after reset', () => {
    const h = new Histogram();
    const zeros = { count: 0, min: 0, max: 0, sum: 0, mean: 0, percentiles: PERCENTS.map(() => 0) };
    assert.deepEqual(summaryOf(h), zeros);
    assert.equal(h.stdDev(), 0);
    h.record(42);
    assert.equal(h.stdDev(), 0, 'one sample has no sample deviation');
    h.record(1_000_000);
    h.reset();
    assert.deepEqual(summaryOf(h), zeros);
    h.record(7);
    h.record(2_000_000);
    assert.equal(h.min, 7, 'the minimum restarts after reset');
    assert.equal(h.valueAtRank(2), 2_000_000, 'no stale bucket counts survive reset');
  });

  it('rejects options HdrHistogram cannot represent', () => {
    assert.throws(() => new Histogram({ significantDigits: 6 }), Error);
    assert.throws(() => new Histogram({ significantDigits: 2.5 }), Error);
    assert.throws(() => new Histogram({ highestTrackableValue: 1 }), Error);
    assert.throws(() => new Histogram({ highestTrackableValue: 2 ** 60 }), Error);
  });
});

describe('Histogram.add', () => {
  for (const d of datasets()) {
    it(`equals one histogram that recorded every sample (${d.name})`, () => {
      const whole = recordAll(d.raw, d.options);
      const left = recordAll(
        d.raw.filter((_, i) => i % 3 === 0),
        d.options,
      );
      const right = recordAll(
        d.raw.filter((_, i) => i % 3 !== 0),
        d.options,
      );
      left.add(right);
      assert.deepEqual(summaryOf(left), summaryOf(whole));
      assert.deepEqual(left.toSnapshot().counts, whole.toSnapshot().counts);
      assertClose(left.stdDev(), whole.stdDev(), 1e-12, 'stdDev');
    });
  }

  it('treats an empty histogram as the identity on either side', () => {
    const filled = recordAll([5, 50, 500]);
    const empty = new Histogram();
    const before = summaryOf(filled);
    filled.add(new Histogram());
    assert.deepEqual(summaryOf(filled), before);
    empty.add(filled);
    assert.deepEqual(summaryOf(empty), before);
  });

  it('throws on histograms with different options', () => {
    const h = new Histogram();
    assert.throws(() => h.add(new Histogram({ significantDigits: 2 })), /different options/);
    assert.throws(() => h.add(new Histogram({ highestTrackableValue: 60_000_000 })), /different options/);
  });
});

describe('Histogram snapshots', () => {
  it('round-trip exactly, including through structuredClone', () => {
    const d = datasets()[2];
    assert.ok(d);
    const h = recordAll(d.raw, d.options);
    const snapshot = h.toSnapshot();
    const copy = Histogram.fromSnapshot(structuredClone(snapshot));
    assert.deepEqual(copy.toSnapshot(), snapshot);
    assert.deepEqual(summaryOf(copy), summaryOf(h));
    assert.equal(copy.stdDev(), h.stdDev());
    copy.record(1);
    h.record(2);
    assert.equal(h.count, d.raw.length + 1, 'the copy does not share counts with the original');
    assert.deepEqual(Histogram.fromSnapshot(snapshot).toSnapshot(), snapshot, 'nor does the snapshot');
  });

  it('round-trip an empty histogram, whose minimum stays open', () => {
    const copy = Histogram.fromSnapshot(new Histogram({ significantDigits: 1 }).toSnapshot());
    assert.equal(copy.count, 0);
    copy.record(9);
    assert.equal(copy.min, 9);
    assert.equal(copy.toSnapshot().significantDigits, 1);
  });

  it('reject counts that disagree with the total', () => {
    const snapshot = recordAll([1, 2, 3]).toSnapshot();
    assert.throws(() => Histogram.fromSnapshot({ ...snapshot, count: 4 }), /add up to 3/);
  });
});

describe('Histogram encoding interoperates with hdr-histogram-js', () => {
  function hdrHistogramOf(values: readonly number[], options: HistogramOptions): hdr.JsHistogram {
    const built = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: options.highestTrackableValue ?? DEFAULT_HIGHEST_US,
      numberOfSignificantValueDigits: options.significantDigits === 2 ? 2 : 3,
      bitBucketSize: 64,
      autoResize: false,
    });
    assert.ok(built instanceof hdr.JsHistogram);
    for (const v of values) built.recordValue(v);
    return built;
  }

  for (const d of datasets()) {
    it(`decodes ours to the same total and the same bucket at every percentile (${d.name})`, () => {
      const ours = recordAll(d.raw, d.options);
      const theirs = hdr.decodeFromCompressedBase64(ours.encode(), 64);
      assert.ok(theirs instanceof hdr.JsHistogram);
      assert.equal(theirs.totalCount, ours.count);
      assert.equal(theirs.numberOfSignificantValueDigits, d.options.significantDigits ?? 3);
      for (const p of PERCENTS) {
        // Ours is clamped to the exact min/max, theirs is a bucket edge: compare buckets.
        const edge: number =
          p === 0 ? theirs.lowestEquivalentValue(ours.valueAtPercentile(p)) : theirs.highestEquivalentValue(ours.valueAtPercentile(p));
        assert.equal(theirs.getValueAtPercentile(p), edge, `p${p}`);
      }
    });

    it(`writes the same V2 payload as hdr-histogram-js apart from two fields it writes loosely (${d.name})`, () => {
      const values = expectedValues(d);
      const ours = payloadOf(recordAll(values, d.options).encode());
      const theirs = payloadOf(hdr.encodeIntoCompressedBase64(hdrHistogramOf(values, d.options)));
      assert.equal(ours.length, theirs.length);
      assert.deepEqual(ours.subarray(0, 8), theirs.subarray(0, 8));
      assert.equal(ours.readInt32BE(8), 0, 'normalizing index offset, as Java writes it');
      assert.deepEqual(ours.subarray(12, 32), theirs.subarray(12, 32));
      assert.equal(ours.readDoubleBE(32), 1, 'integer-to-double ratio is a double in Java and C');
      assert.deepEqual(ours.subarray(40), theirs.subarray(40));
    });

    it(`decodes theirs to the same percentiles and a bucket-midpoint mean (${d.name})`, () => {
      const values = [0, ...expectedValues(d)]; // a 0 makes the lowest bucket one µs wide, so its edges agree
      const theirs = hdrHistogramOf(values, d.options);
      const ours = Histogram.decode(hdr.encodeIntoCompressedBase64(theirs));
      const highest = d.options.highestTrackableValue ?? DEFAULT_HIGHEST_US;
      assert.equal(ours.count, values.length);
      for (const p of PERCENTS) {
        assert.equal(ours.valueAtPercentile(p), Math.min(theirs.getValueAtPercentile(p), highest), `p${p}`);
      }
      // Midpoints are capped at the ceiling, since no recorded value can lie above it.
      const midpointSum = values.reduce((a, v) => a + Math.min(theirs.medianEquivalentValue(v), highest), 0);
      assertClose(ours.mean(), midpointSum / values.length, 1e-12, 'mean from bucket midpoints');
      assert.equal(ours.toSnapshot().highestTrackableValue, highest);
    });
  }

  it('takes min and max of a decoded histogram from the outer edges of its buckets', () => {
    const theirs = hdrHistogramOf([3_001, 5_002], {}); // buckets [3000, 3001] and [5000, 5003]
    const ours = Histogram.decode(hdr.encodeIntoCompressedBase64(theirs));
    assert.equal(ours.min, 3_000);
    assert.equal(ours.max, 5_003);
    assert.equal(ours.valueAtPercentile(0), theirs.getValueAtPercentile(0));
    assert.equal(ours.valueAtPercentile(100), theirs.getValueAtPercentile(100));
  });

  it('round-trips an empty histogram through both encoders', () => {
    const encoded = new Histogram().encode();
    assert.equal(hdr.decodeFromCompressedBase64(encoded, 64).totalCount, 0);
    assert.equal(Histogram.decode(encoded).count, 0);
    const theirs = hdr.encodeIntoCompressedBase64(hdrHistogramOf([], {}));
    assert.deepEqual(summaryOf(Histogram.decode(theirs)), summaryOf(new Histogram()));
  });

  it('throws an Error on input that is not a V2 histogram', () => {
    assert.throws(() => Histogram.decode(Buffer.from('hello world').toString('base64')), /cookie/);
    assert.throws(() => Histogram.decode(''), /too short/);
    const valid = Buffer.from(recordAll([1, 2, 3]).encode(), 'base64');
    assert.throws(() => Histogram.decode(valid.subarray(0, valid.length - 4).toString('base64')), Error);
  });
});

describe('Histogram memory', () => {
  it('allocates a bounded counts array that recording a million values does not grow', () => {
    const before = process.memoryUsage().arrayBuffers;
    const h = new Histogram();
    const allocatedBytes = process.memoryUsage().arrayBuffers - before;
    assert.ok(allocatedBytes < 256 * 1024, `new Histogram() took ${allocatedBytes} bytes`);

    h.record(DEFAULT_HIGHEST_US); // the top bucket: the snapshot now spans the whole counts array
    const fullLength = h.toSnapshot().counts.length;
    assert.ok(fullLength < 30_000, `counts array has ${fullLength} buckets`);

    const random = seededRandom(7);
    const afterCreate = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 1_000_000; i++) h.record(random() * 4e9);
    assert.ok(process.memoryUsage().arrayBuffers <= afterCreate, 'recording allocated array buffers');
    assert.equal(h.toSnapshot().counts.length, fullLength);
    assert.equal(h.count, 1_000_001);
  });
});

function payloadOf(base64: string): Buffer {
  const framed = Buffer.from(base64, 'base64');
  assert.equal(framed.readInt32BE(0), 0x1c849314, 'compressed V2 cookie');
  return inflateSync(framed.subarray(8, 8 + framed.readInt32BE(4)));
}
