// A bounded-memory latency histogram in integer microseconds with HdrHistogram's bucket layout and V2 encoding.

import type * as Zlib from 'node:zlib';

/** zlib only for the encoding: a run that writes no JSON never loads it (loading costs start-up time). */
const zlib = (): typeof Zlib => process.getBuiltinModule('node:zlib');

export interface HistogramOptions {
  /** Values above this are clamped to it; default one hour in µs. */
  readonly highestTrackableValue?: number;
  /** Decimal digits of precision kept at every magnitude, 0–5; default 3. */
  readonly significantDigits?: number;
}

/** Structured-clone-friendly state for worker_threads; counts may be shorter than the full array (trailing zeros cut). */
export interface HistogramSnapshot {
  readonly highestTrackableValue: number;
  readonly significantDigits: number;
  readonly counts: Float64Array;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly sumOfSquares: number;
  readonly count: number;
}

const DEFAULT_HIGHEST_TRACKABLE_US = 3_600_000_000;
const DEFAULT_SIGNIFICANT_DIGITS = 3;
const TWO_POW_32 = 4294967296;

// HdrHistogram's V2 cookies carry the word size (9 bytes, for LEB128-64b9B) in bits 4–7; readers mask those bits off.
const V2_COOKIE_BASE = 0x1c849303;
const V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
const WORD_SIZE_BITS = 0x10;
const COOKIE_BASE_MASK = ~0xf0;
const V2_HEADER_BYTES = 40;
const MAX_LEB128_BYTES = 9;

export class Histogram {
  readonly #highestTrackableValue: number;
  readonly #significantDigits: number;
  /** log2 of half the sub-buckets: buckets above 0 only use their upper half, so this is the per-bucket index stride. */
  readonly #halfCountMagnitude: number;
  readonly #subBucketCount: number;
  readonly #subBucketMask: number;
  /** 2^-b for bucket b: scaling by an exact power of two replaces a 64-bit shift, which JS lacks. */
  readonly #bucketScales: Float64Array;
  readonly #counts: Float64Array;
  #count = 0;
  #min = Infinity;
  #max = 0;
  #sum = 0;
  #sumOfSquares = 0;

  constructor(options: HistogramOptions = {}) {
    const highest = options.highestTrackableValue ?? DEFAULT_HIGHEST_TRACKABLE_US;
    const digits = options.significantDigits ?? DEFAULT_SIGNIFICANT_DIGITS;
    if (!Number.isSafeInteger(highest) || highest < 2) {
      throw new Error(`highestTrackableValue must be an integer in [2, 2^53), got ${highest}`);
    }
    if (!Number.isInteger(digits) || digits < 0 || digits > 5) {
      throw new Error(`significantDigits must be an integer in [0, 5], got ${digits}`);
    }
    this.#highestTrackableValue = highest;
    this.#significantDigits = digits;

    // Bucket 0 must hold every value up to 2·10^digits at unit resolution; round that up to a power of two.
    const singleUnitLimit = 2 * 10 ** digits;
    let countMagnitude = 0;
    while (2 ** countMagnitude < singleUnitLimit) countMagnitude++;
    this.#halfCountMagnitude = Math.max(countMagnitude, 1) - 1;
    this.#subBucketCount = 2 ** (this.#halfCountMagnitude + 1);
    this.#subBucketMask = this.#subBucketCount - 1;

    let bucketCount = 1;
    for (let untrackable = this.#subBucketCount; untrackable <= highest; untrackable *= 2) bucketCount++;
    this.#bucketScales = new Float64Array(bucketCount);
    for (let b = 0; b < bucketCount; b++) this.#bucketScales[b] = 2 ** -b;
    this.#counts = new Float64Array((bucketCount + 1) * (this.#subBucketCount / 2));
  }

  record(value: number): void {
    let v = Math.round(value);
    // Most phases of a kept-alive request are 0 µs (blocked, sending): bucket 0, and no sum changes.
    // `> 0` is false for NaN too, so garbage lands in bucket 0 instead of poisoning the sums.
    if (!(v > 0)) {
      this.#counts[0]! += 1;
      this.#count += 1;
      this.#min = 0;
      return;
    }
    if (v > this.#highestTrackableValue) v = this.#highestTrackableValue;
    const index = this.#indexOf(v);
    this.#counts[index]! += 1; // index < counts.length because v <= highestTrackableValue
    this.#count += 1;
    this.#min = Math.min(this.#min, v);
    this.#max = Math.max(this.#max, v);
    this.#sum += v;
    this.#sumOfSquares += v * v;
  }

  get count(): number {
    return this.#count;
  }

  get min(): number {
    return this.#count === 0 ? 0 : this.#min;
  }

  get max(): number {
    return this.#max;
  }

  get sum(): number {
    return this.#sum;
  }

  mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  stdDev(): number {
    const n = this.#count;
    if (n < 2) return 0;
    const variance = (this.#sumOfSquares - (this.#sum * this.#sum) / n) / (n - 1);
    // Rounding can push a zero variance slightly negative.
    return variance > 0 ? Math.sqrt(variance) : 0;
  }

  /** Ranks outside [1, count] are clamped into it; 0 when empty. */
  valueAtRank(rank: number): number {
    if (this.#count === 0) return 0;
    // The smallest sample is known exactly; its bucket's upper edge could overshoot it.
    if (rank <= 1) return this.#min;
    const target = Math.min(Math.ceil(rank), this.#count);
    const last = this.#indexOf(this.#max);
    let seen = 0;
    for (let i = this.#indexOf(this.#min); i <= last; i++) {
      seen += this.#counts[i]!; // i <= last < counts.length
      if (seen >= target) return Math.min(this.#highestEquivalentAt(i), this.#max);
    }
    return this.#max;
  }

  valueAtPercentile(percent: number): number {
    if (this.#count === 0) return 0;
    return this.valueAtRank(percentileRank(percent, this.#count));
  }

  /**
   * The non-empty buckets in order: how many samples lie at or below each, and the value
   * valueAtRank reports for a rank that falls in it. Lets a caller that asks for many ranks (a
   * bootstrap) find each by binary search instead of a scan over every bucket.
   */
  rankTable(): { readonly atOrBelow: Float64Array; readonly values: Float64Array } {
    const atOrBelow: number[] = [];
    const values: number[] = [];
    if (this.#count > 0) {
      const last = this.#indexOf(this.#max);
      let seen = 0;
      for (let i = this.#indexOf(this.#min); i <= last; i++) {
        const c = this.#counts[i]!; // i <= last < counts.length
        if (c === 0) continue;
        seen += c;
        atOrBelow.push(seen);
        values.push(Math.min(this.#highestEquivalentAt(i), this.#max));
      }
    }
    return { atOrBelow: Float64Array.from(atOrBelow), values: Float64Array.from(values) };
  }

  add(other: Histogram): void {
    if (other.#highestTrackableValue !== this.#highestTrackableValue || other.#significantDigits !== this.#significantDigits) {
      throw new Error(
        `cannot add histograms with different options (${other.#highestTrackableValue}/${other.#significantDigits} into ${this.#highestTrackableValue}/${this.#significantDigits})`,
      );
    }
    if (other.#count === 0) return;
    const counts = this.#counts;
    const otherCounts = other.#counts;
    const last = other.#indexOf(other.#max);
    for (let i = other.#indexOf(other.#min); i <= last; i++) counts[i]! += otherCounts[i]!; // same layout, i < length
    this.#count += other.#count;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
    this.#sum += other.#sum;
    this.#sumOfSquares += other.#sumOfSquares;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#min = Infinity;
    this.#max = 0;
    this.#sum = 0;
    this.#sumOfSquares = 0;
  }

  encode(): string {
    const counts = this.#counts;
    const limit = this.#indexOf(this.#max) + 1;
    const payload = Buffer.alloc(V2_HEADER_BYTES + MAX_LEB128_BYTES * limit);
    payload.writeInt32BE(V2_COOKIE_BASE | WORD_SIZE_BITS, 0);
    payload.writeInt32BE(0, 8); // normalizing index offset: we never shift the array
    payload.writeInt32BE(this.#significantDigits, 12);
    payload.writeBigInt64BE(1n, 16); // lowest discernible value
    payload.writeBigInt64BE(BigInt(this.#highestTrackableValue), 24);
    // Java and C write the integer-to-double ratio as an IEEE double (hdr-histogram-js writes int64 1 but never reads it).
    payload.writeDoubleBE(1, 32);
    let offset = V2_HEADER_BYTES;
    for (let i = 0; i < limit;) {
      const c = counts[i++]!; // i < limit <= counts.length
      if (c !== 0) {
        offset = writeZigZag(payload, offset, c);
        continue;
      }
      // A run of two or more empty buckets is written as its negated length.
      let zeros = 1;
      while (i < limit && counts[i] === 0) {
        zeros++;
        i++;
      }
      offset = writeZigZag(payload, offset, zeros > 1 ? -zeros : 0);
    }
    payload.writeInt32BE(offset - V2_HEADER_BYTES, 4);
    const compressed = zlib().deflateSync(payload.subarray(0, offset));
    const framed = Buffer.alloc(8 + compressed.length);
    framed.writeInt32BE(V2_COMPRESSED_COOKIE_BASE | WORD_SIZE_BITS, 0);
    framed.writeInt32BE(compressed.length, 4);
    compressed.copy(framed, 8);
    return framed.toString('base64');
  }

  /**
   * Reads V2 (compressed or not) base64 with lowest discernible value 1. Only bucket counts travel in
   * that format, so min/max become bucket edges and sum/sumOfSquares use bucket midpoints: approximate.
   * Throws an Error on malformed or unsupported input.
   */
  static decode(base64: string): Histogram {
    const framed = Buffer.from(base64.trim(), 'base64');
    if (framed.length < 8) throw new Error('not an HdrHistogram encoding: too short');
    const cookieBase = framed.readInt32BE(0) & COOKIE_BASE_MASK;
    let payload: Buffer;
    if (cookieBase === V2_COMPRESSED_COOKIE_BASE) {
      const compressedBytes = framed.readInt32BE(4);
      if (compressedBytes < 0 || 8 + compressedBytes > framed.length) {
        throw new Error('truncated HdrHistogram encoding');
      }
      payload = zlib().inflateSync(framed.subarray(8, 8 + compressedBytes));
    } else if (cookieBase === V2_COOKIE_BASE) {
      payload = framed;
    } else {
      throw new Error('not an HdrHistogram V2 encoding (unknown cookie)');
    }
    return Histogram.#fromPayload(payload);
  }

  toSnapshot(): HistogramSnapshot {
    const used = this.#count === 0 ? 0 : this.#indexOf(this.#max) + 1;
    return {
      highestTrackableValue: this.#highestTrackableValue,
      significantDigits: this.#significantDigits,
      counts: this.#counts.slice(0, used),
      min: this.min,
      max: this.#max,
      sum: this.#sum,
      sumOfSquares: this.#sumOfSquares,
      count: this.#count,
    };
  }

  static fromSnapshot(s: HistogramSnapshot): Histogram {
    const h = new Histogram({ highestTrackableValue: s.highestTrackableValue, significantDigits: s.significantDigits });
    if (s.counts.length > h.#counts.length) throw new Error('snapshot has more buckets than its options allow');
    let total = 0;
    for (let i = 0; i < s.counts.length; i++) total += s.counts[i]!; // i < length
    if (total !== s.count) throw new Error(`snapshot counts add up to ${total}, not ${s.count}`);
    h.#counts.set(s.counts);
    h.#count = s.count;
    h.#min = s.count === 0 ? Infinity : s.min;
    h.#max = s.max;
    h.#sum = s.sum;
    h.#sumOfSquares = s.sumOfSquares;
    return h;
  }

  static #fromPayload(payload: Buffer): Histogram {
    if (payload.length < V2_HEADER_BYTES || (payload.readInt32BE(0) & COOKIE_BASE_MASK) !== V2_COOKIE_BASE) {
      throw new Error('not an HdrHistogram V2 payload');
    }
    const payloadBytes = payload.readInt32BE(4);
    // Offset 8, the normalizing index offset, is only non-zero for Java's auto-ranging DoubleHistogram internals,
    // and hdr-histogram-js writes 1 there; like it and HdrHistogram_c, we ignore the field.
    const digits = payload.readInt32BE(12);
    if (payload.readBigInt64BE(16) !== 1n) throw new Error('unsupported: lowest discernible value other than 1');
    // Java's "unbounded" histograms say Long.MAX_VALUE; anything actually recorded past 2^53 fails below.
    const highest = Math.min(Number(payload.readBigInt64BE(24)), Number.MAX_SAFE_INTEGER);
    const end = V2_HEADER_BYTES + payloadBytes;
    if (payloadBytes < 0 || end > payload.length) throw new Error('truncated HdrHistogram payload');

    const h = new Histogram({ highestTrackableValue: highest, significantDigits: digits });
    const counts = h.#counts;
    const cursor = { offset: V2_HEADER_BYTES };
    let index = 0;
    while (cursor.offset < end) {
      const n = readZigZag(payload, cursor, end);
      if (n < 0) {
        index -= n;
        continue;
      }
      if (index >= counts.length) throw new Error('encoded counts exceed the histogram range');
      counts[index++] = n;
    }
    h.#deriveStatsFromCounts();
    return h;
  }

  /** For decoded histograms: bucket edges stand in for min/max, bucket midpoints for the samples. */
  #deriveStatsFromCounts(): void {
    const counts = this.#counts;
    let first = -1;
    let last = -1;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0) continue;
      if (first < 0) first = i;
      last = i;
    }
    if (first < 0) return;
    this.#min = this.#lowestEquivalentAt(first);
    this.#max = Math.min(this.#highestEquivalentAt(last), this.#highestTrackableValue);
    for (let i = first; i <= last; i++) {
      const c = counts[i]!; // first <= i <= last < length
      if (c === 0) continue;
      const midpoint = Math.min(this.#lowestEquivalentAt(i) + Math.floor(this.#widthAt(i) / 2), this.#max);
      this.#count += c;
      this.#sum += midpoint * c;
      this.#sumOfSquares += midpoint * midpoint * c;
    }
  }

  /**
   * Log-linear index, branch-free: bucket b = position of the top bit above the sub-bucket range,
   * computed as a 64-bit count of leading zeros from two clz32 calls (values reach 2^53).
   */
  #indexOf(v: number): number {
    const highZeros = Math.clz32((v / TWO_POW_32) | 0);
    // Only when the high word is empty (highZeros = 32, so highZeros >>> 5 = 1) do the low word's zeros count.
    const leadingZeros = highZeros + (highZeros >>> 5) * Math.clz32((v >>> 0) | this.#subBucketMask);
    const bucket = 63 - this.#halfCountMagnitude - leadingZeros;
    const subBucket = (v * this.#bucketScales[bucket]!) | 0; // bucket < bucketCount for v <= highest
    return (bucket << this.#halfCountMagnitude) + subBucket;
  }

  #bucketAt(index: number): number {
    return index < this.#subBucketCount ? 0 : (index >> this.#halfCountMagnitude) - 1;
  }

  #widthAt(index: number): number {
    return 2 ** this.#bucketAt(index);
  }

  #lowestEquivalentAt(index: number): number {
    const bucket = this.#bucketAt(index);
    return (index - (bucket << this.#halfCountMagnitude)) * 2 ** bucket;
  }

  #highestEquivalentAt(index: number): number {
    return this.#lowestEquivalentAt(index) + this.#widthAt(index) - 1;
  }
}

/** The rank (1-based) HdrHistogram reports as a percentile of `count` samples. */
export function percentileRank(percent: number, count: number): number {
  const fraction = Math.min(Math.max(percent, 0), 100) / 100;
  const exactRank = fraction * count;
  // As HdrHistogram does: drop one ulp before rounding up, so 99.9% of 1000 (999.0000000000001 in binary) is rank 999.
  const rank = exactRank > 0 ? Math.ceil(exactRank - ulp(exactRank)) : 1;
  return Math.max(rank, 1);
}

function ulp(x: number): number {
  return 2 ** (Math.floor(Math.log2(x)) - 52);
}

/** ZigZag then LEB128-64b9B: seven bits a byte, except a ninth byte, which carries eight. */
function writeZigZag(out: Buffer, offset: number, n: number): number {
  // Doubles instead of shifts: counts may pass 2^31.
  let rest = n >= 0 ? n * 2 : -n * 2 - 1;
  let at = offset;
  for (let i = 0; i < 8; i++) {
    if (rest < 0x80) {
      out[at++] = rest;
      return at;
    }
    out[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[at++] = rest;
  return at;
}

function readZigZag(bytes: Buffer, cursor: { offset: number }, end: number): number {
  let zigZag = 0;
  let scale = 1;
  for (let i = 0; i < MAX_LEB128_BYTES; i++) {
    if (cursor.offset >= end) throw new Error('truncated HdrHistogram counts');
    const byte = bytes[cursor.offset++]!; // offset < end <= length
    if (i === 8) {
      zigZag += byte * scale;
      break;
    }
    zigZag += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
    scale *= 0x80;
  }
  if (!Number.isSafeInteger(zigZag)) throw new Error('HdrHistogram count beyond 2^53');
  return zigZag % 2 === 0 ? zigZag / 2 : -(zigZag + 1) / 2;
}
