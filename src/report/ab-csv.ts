// Renders ab's -e file: the share of requests served within each Total time, for every whole percent 0..100.

import { Histogram } from '../metrics/histogram.js';
import type { EndpointResult, PhaseStats } from '../metrics/summary.js';
import { formatFixed, usToMs } from './format.js';

export const PERCENTILE_CSV_HEADER = 'Percentage served,Time in ms';

/**
 * ab writes row i (1..99) from element floor(0.5 + n·i/100) of the Total-sorted samples; for small n that
 * index can reach n, one past ab's array, so it is clamped to n − 1. Rows 0 and 100 are the exact min and max.
 * Times are µs / 1000 with three decimals, not rounded to whole ms as in the text report.
 */
export function renderPercentileCsv(total: PhaseStats | null): string {
  return [PERCENTILE_CSV_HEADER, ...percentileRows(total)].join('\n') + '\n';
}

/**
 * -e with per-endpoint rows (--targets, a script): ab's two columns and a third naming the rows'
 * endpoint, first the whole run's 101 rows (endpoint "all"), then 101 for each endpoint.
 */
export function renderEndpointPercentileCsv(total: PhaseStats | null, endpoints: readonly EndpointResult[]): string {
  const lines = [`${PERCENTILE_CSV_HEADER},Endpoint`, ...percentileRows(total).map((row) => `${row},all`)];
  for (const e of endpoints) {
    const h = Histogram.decode(e.histogram);
    const stats = h.count === 0 ? null : { count: h.count, minUs: h.min, maxUs: e.maxUs, histogram: e.histogram };
    const name = csvField(e.name);
    for (const row of percentileRows(stats)) lines.push(`${row},${name}`);
  }
  return lines.join('\n') + '\n';
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function percentileRows(total: Pick<PhaseStats, 'count' | 'minUs' | 'maxUs' | 'histogram'> | null): string[] {
  const lines: string[] = [];
  const n = total?.count ?? 0;
  if (total === null || n === 0) {
    // ab with no completed request would read garbage; gb writes a well-formed file of zeros instead.
    for (let i = 0; i <= 100; i++) lines.push(`${i},${formatFixed(0, 3)}`);
    return lines;
  }
  const histogram = Histogram.decode(total.histogram);
  for (let i = 0; i <= 100; i++) {
    let us: number;
    if (i === 0) us = total.minUs;
    else if (i === 100) us = total.maxUs;
    else {
      const index = Math.min(Math.floor(0.5 + (n * i) / 100), n - 1);
      // A decoded histogram knows bucket edges only; the exact extremes keep each row inside the real range.
      us = Math.min(Math.max(histogram.valueAtRank(index + 1), total.minUs), total.maxUs);
    }
    lines.push(`${i},${formatFixed(usToMs(us), 3)}`);
  }
  return lines;
}
