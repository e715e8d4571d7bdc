// Owns the statistics behind gb compare's noise verdicts: a seeded PRNG, data-driven block lengths, the circular block-bootstrap interval of a change in means, and the request-level bootstrap interval of a change in a percentile.

import { percentileRank, type Histogram } from './histogram.js';

export interface BootstrapOptions {
  readonly resamples?: number;
  readonly seed?: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 2000, seed: 0x6b62 } as const;

/** The standard normal's 97.5 % quantile: the two-sided 95 % point. */
const Z_975 = 1.959963984540054;

/** Weyl sequence through murmur3's 32-bit finalizer: small, seedable, and good enough to pick resample indices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** Standard normal CDF, Abramowitz & Stegun 26.2.17 (absolute error below 7.5e-8). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const upper = (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * poly;
  return x >= 0 ? 1 - upper : upper;
}

/** Student's t 97.5 % quantile by the Cornish–Fisher expansion around z (within 0.3 % from 4 degrees of freedom). */
function t975(degreesOfFreedom: number): number {
  const z = Z_975;
  const v = Math.max(degreesOfFreedom, 1);
  return (
    z +
    (z ** 3 + z) / (4 * v) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * v ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * v ** 3)
  );
}

/** Autocovariances R(0..maxLag) around the sample mean, divided by n as the spectral estimators expect. */
function autocovariances(x: readonly number[], maxLag: number): number[] {
  const n = x.length;
  const mean = x.reduce((sum, v) => sum + v, 0) / n;
  const centred = x.map((v) => v - mean);
  const r: number[] = [];
  for (let k = 0; k <= maxLag; k++) {
    let sum = 0;
    for (let i = k; i < n; i++) sum += (centred[i] ?? 0) * (centred[i - k] ?? 0);
    r.push(sum / n);
  }
  return r;
}

/**
 * Block length for the circular block bootstrap, chosen from the data as in Politis & White (2004)
 * with the correction of Patton, Politis & White (2009). Neighbouring seconds are correlated
 * (warm-up, GC, a slow minute on the server); resampling single seconds would treat them as
 * independent and make the interval too narrow, so correlated series get blocks as long as their
 * correlation lasts, and independent ones get 1.
 */
export function blockLength(x: readonly number[]): number {
  const n = x.length;
  if (n < 4) return 1;
  const lagsChecked = Math.max(5, Math.ceil(Math.sqrt(Math.log10(n))));
  const maxLag = Math.min(n - 1, Math.ceil(Math.sqrt(n)) + lagsChecked);
  const r = autocovariances(x, maxLag);
  const r0 = r[0] ?? 0;
  if (r0 <= 0) return 1;
  // m̂: the first lag after which `lagsChecked` autocorrelations in a row are insignificant.
  const significant = 2 * Math.sqrt(Math.log10(n) / n);
  const insignificantFrom = (m: number): boolean => {
    for (let k = 1; k <= lagsChecked; k++) if (Math.abs((r[m + k] ?? 0) / r0) >= significant) return false;
    return true;
  };
  let m = 0;
  while (m + lagsChecked < maxLag && !insignificantFrom(m)) m++;
  const bandwidth = Math.min(2 * m, maxLag);
  // Flat-top lag window: full weight to half the bandwidth, then linearly down to 0.
  const weight = (k: number): number => {
    if (bandwidth === 0) return k === 0 ? 1 : 0;
    const t = k / bandwidth;
    return t <= 0.5 ? 1 : t <= 1 ? 2 * (1 - t) : 0;
  };
  let g = r0;
  let G = 0;
  for (let k = 1; k <= bandwidth; k++) {
    const rk = r[k] ?? 0;
    g += 2 * weight(k) * rk;
    G += 2 * weight(k) * k * rk;
  }
  const d = (4 / 3) * g * g;
  if (d <= 0) return 1;
  const best = Math.cbrt((2 * G * G) / d) * Math.cbrt(n);
  const longest = Math.ceil(Math.min(3 * Math.sqrt(n), n / 3));
  return Math.max(1, Math.min(longest, Math.round(best)));
}

/** Mean of one circular block-bootstrap resample: blocks of consecutive seconds, wrapping at the end. */
function resampledMean(samples: readonly number[], blockLength: number, random: () => number): number {
  const n = samples.length;
  let sum = 0;
  let taken = 0;
  while (taken < n) {
    const start = Math.floor(random() * n);
    for (let k = 0; k < blockLength && taken < n; k++, taken++) sum += samples[(start + k) % n] ?? 0;
  }
  return sum / n;
}

/**
 * 95 % bootstrap interval of the relative change in the mean, 100·(mean(B)/mean(A) − 1), resampling
 * each run's per-second figures on their own. A plain percentile interval from a few dozen points
 * is too narrow (it misses about 9 % of the time at 30 seconds, not 5 %), so the tail levels are
 * widened as in Hesterberg's expanded percentile interval: Φ(−√(n/(n−1))·t(n−1)) instead of 2.5 %,
 * with n the shorter run's count. Null when A's figures are all 0 (a relative change is undefined).
 */
export function bootstrapChange(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): { readonly lowPercent: number; readonly highPercent: number } | null {
  const resamples = options.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  if (a.length === 0 || b.length === 0 || a.every((x) => x === 0)) return null;
  const random = seededRandom(options.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const blockA = blockLength(a);
  const blockB = blockLength(b);
  const changes = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) {
    const meanA = resampledMean(a, blockA, random);
    const meanB = resampledMean(b, blockB, random);
    // A resample of only zero seconds has no relative change; count it as an unbounded one either way.
    changes[i] = meanA === 0 ? (meanB === 0 ? 0 : Infinity) : 100 * (meanB / meanA - 1);
  }
  return interval(changes, Math.min(a.length, b.length));
}

/** The expanded percentile interval of sorted-in-place resampled changes, n the smaller sample. */
function interval(changes: Float64Array, n: number): { readonly lowPercent: number; readonly highPercent: number } {
  changes.sort();
  const resamples = changes.length;
  const tail = n < 2 ? 0 : normalCdf(-Math.sqrt(n / (n - 1)) * t975(n - 1));
  const at = (q: number): number => changes[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))] ?? 0;
  return { lowPercent: at(tail), highPercent: at(1 - tail) };
}

/** A standard normal deviate by Box–Muller (one of the pair; the other is not worth keeping here). */
function normalSample(random: () => number): number {
  const u = 1 - random(); // in (0, 1], so the logarithm is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) for shape ≥ 1, by Marsaglia & Tsang's squeeze method (2000). */
function gammaSample(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normalSample(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) for a, b ≥ 1, as X / (X + Y) of two Gamma deviates. */
function betaSample(a: number, b: number, random: () => number): number {
  const x = gammaSample(a, random);
  return x / (x + gammaSample(b, random));
}

/** Draws what a bootstrap resample of one histogram's samples would report as its rank-k value. */
function resampledRankValue(h: Histogram, percent: number): (random: () => number) => number {
  const n = h.count;
  const k = percentileRank(percent, n);
  const { atOrBelow, values } = h.rankTable();
  return (random) => {
    // A resample is F⁻¹ of n uniforms, and F⁻¹ keeps order, so its k-th smallest is F⁻¹ of the
    // uniforms' k-th smallest, which is Beta(k, n − k + 1): one draw instead of n.
    const rank = Math.ceil(betaSample(k, n - k + 1, random) * n);
    if (rank <= 1) return h.min;
    let lo = 0;
    let hi = atOrBelow.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((atOrBelow[mid] ?? 0) >= rank) hi = mid;
      else lo = mid + 1;
    }
    return values[lo] ?? h.max;
  };
}

/** Samples above the percentile: with fewer, a resampled percentile only hops between a few values. */
export function requestsAbove(h: Histogram, percent: number): number {
  return h.count - percentileRank(percent, h.count);
}

/**
 * 95 % bootstrap interval of the relative change in a latency percentile, 100·(pB/pA − 1), from the
 * requests themselves: each resample draws each run's requests again, with replacement, from its
 * histogram. Requests are taken as independent, so the interval holds their sampling noise but not
 * a drift within a run or between runs (which the per-second bootstrap sees once there are enough
 * seconds). Null when either histogram is empty or A's percentile is 0.
 */
export function bootstrapPercentileChange(
  a: Histogram,
  b: Histogram,
  percent: number,
  options: BootstrapOptions = {},
): { readonly lowPercent: number; readonly highPercent: number } | null {
  if (a.count === 0 || b.count === 0 || a.valueAtPercentile(percent) === 0) return null;
  const resamples = options.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const random = seededRandom(options.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const drawA = resampledRankValue(a, percent);
  const drawB = resampledRankValue(b, percent);
  const changes = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) {
    const pA = drawA(random);
    const pB = drawB(random);
    changes[i] = pA === 0 ? (pB === 0 ? 0 : Infinity) : 100 * (pB / pA - 1);
  }
  return interval(changes, Math.min(a.count, b.count));
}
