// One timing phase's histogram as the statistics ab prints (mean, sd, median, its percentile table) and gb's HDR percentiles.

import type { Histogram } from './histogram.js';
import { AB_PERCENTS, type PhaseStats } from './summary.js';

/** ab's median: element n/2 (0-based) for an even count; for an odd count the mean of n/2 and n/2 + 1. */
function abMedian(h: Histogram): number {
  const n = h.count;
  const k = Math.floor(n / 2);
  if (n % 2 === 0) return h.valueAtRank(Math.min(n, k + 1));
  return Math.floor((h.valueAtRank(k + 1) + h.valueAtRank(Math.min(n, k + 2))) / 2);
}

export function phaseStats(h: Histogram): PhaseStats | null {
  const n = h.count;
  if (n === 0) return null;
  const stats: PhaseStats = {
    count: n,
    minUs: h.min,
    // ab divides integer µs totals, so its mean is truncated before rounding to ms.
    meanUs: Math.trunc(h.mean()),
    sdUs: h.stdDev(),
    medianUs: abMedian(h),
    maxUs: h.max,
    abPercentilesUs: AB_PERCENTS.map((p) => h.valueAtRank(Math.min(n, Math.floor((n * p) / 100) + 1))),
    p50Us: h.valueAtPercentile(50),
    p90Us: h.valueAtPercentile(90),
    p99Us: h.valueAtPercentile(99),
    p999Us: h.valueAtPercentile(99.9),
    p9999Us: h.valueAtPercentile(99.99),
    histogram: '',
  };
  // The encoding costs zlib (loaded for it) and a few ms a phase; only JSON, HTML and merge read it,
  // so it is made on first read, and JSON.stringify reads it like any field.
  let encoded: string | null = null;
  Object.defineProperty(stats, 'histogram', { enumerable: true, get: () => (encoded ??= h.encode()) });
  return stats;
}
