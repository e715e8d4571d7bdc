// The data behind the HTML report's charts: the percentile curves, the timeline and a journey run's iterations, as uPlot series.

import { Histogram } from '../metrics/histogram.js';
import type { PhaseStats, Summary, TimelineRow } from '../metrics/summary.js';
import { FINE_ROW_MS, FINE_ROWS, type FineTimelineRow } from '../metrics/timeline.js';
import { usToMs } from './format.js';

/** Points on the percentile curve: x runs over 1/(1−p) from 1 (p0) to 10 000 (p99.99), evenly on a log scale. */
const CURVE_POINTS = 161;
const CURVE_MAX_X = 10_000;

/** A curve series for uPlot; null y where that histogram has no value. */
interface CurveSeries {
  readonly label: string;
  readonly color: string;
  /** Canvas line dash; equal curves (all responses = successful) stay visible when one is dashed. */
  readonly dash: readonly number[] | null;
  readonly valuesMs: readonly (number | null)[];
}

interface TimelineChart {
  /** Start of each row in seconds since the run began. */
  readonly seconds: readonly number[];
  /** Row width: 1, or FINE_ROW_MS / 1000 for a short run. */
  readonly rowSeconds: number;
  /** The x axis runs from 0 to here: the run's length, not whatever the plot library would pick. */
  readonly endSeconds: number;
  /** null for rows without a response: their latency is unknown, not 0. */
  readonly p50Ms: readonly (number | null)[];
  readonly p90Ms: readonly (number | null)[];
  readonly p99Ms: readonly (number | null)[];
  readonly maxMs: readonly (number | null)[];
  /** Per second, whatever the row width. */
  readonly complete: readonly number[];
  readonly non2xx: readonly number[];
  readonly errors: readonly number[];
  /** The schedule's target per second (--rate, --stages) beside the responses; null in the closed loop. */
  readonly scheduled: readonly number[] | null;
}

/** A journey run's iterations and users per second, on the request timeline's seconds. */
interface JourneyChart {
  readonly seconds: readonly number[];
  readonly endSeconds: number;
  readonly complete: readonly number[];
  readonly failed: readonly number[];
  /** The most users busy at once in the second: on its own axis, as users are no rate. */
  readonly activeUsers: readonly number[];
}

export interface ChartData {
  readonly percentiles: { readonly x: readonly number[]; readonly series: readonly CurveSeries[] } | null;
  readonly timeline: TimelineChart | null;
  /** Null for a run without journeys, or one whose journeys recorded no second. */
  readonly journeys: JourneyChart | null;
}

export interface HtmlOptions {
  /** The run's first seconds in 100 ms rows (RunOutcome.fineTimeline): short runs plot from these. */
  readonly fineTimeline?: readonly FineTimelineRow[];
}

/** Below this many seconds the per-second rows give fewer than five points, so fine rows are used. */
const FINE_PLOT_BELOW_SECONDS = (FINE_ROWS * FINE_ROW_MS) / 1000;

function curveX(): number[] {
  const x: number[] = [];
  for (let i = 0; i < CURVE_POINTS; i++) x.push(CURVE_MAX_X ** (i / (CURVE_POINTS - 1)));
  return x;
}

/** Decoded histograms only know bucket edges, so the exact min/max of PhaseStats bound every value. */
function curveValues(stats: PhaseStats | null, x: readonly number[]): (number | null)[] | null {
  if (stats === null || stats.count === 0) return null;
  let histogram: Histogram;
  try {
    histogram = Histogram.decode(stats.histogram);
  } catch {
    return null;
  }
  if (histogram.count === 0) return null;
  return x.map((xi) => {
    const percent = 100 * (1 - 1 / xi);
    const us = xi <= 1 ? stats.minUs : histogram.valueAtPercentile(percent);
    return usToMs(Math.min(Math.max(us, stats.minUs), stats.maxUs));
  });
}

export function chartData(summary: Summary, options: HtmlOptions): ChartData {
  const x = curveX();
  const candidates: { label: string; color: string; dash: readonly number[] | null; stats: PhaseStats | null }[] = [
    { label: 'all responses', color: '#1f6fb4', dash: null, stats: summary.total },
    { label: 'successful (2xx/3xx)', color: '#2a9d3a', dash: [6, 4], stats: summary.successTotal },
  ];
  if (summary.rate !== null) {
    candidates.push({ label: 'uncorrected (from actual send)', color: '#c0392b', dash: [12, 5], stats: summary.rate.uncorrectedTotal });
  }
  const series: CurveSeries[] = [];
  for (const c of candidates) {
    const valuesMs = curveValues(c.stats, x);
    if (valuesMs !== null) series.push({ label: c.label, color: c.color, dash: c.dash, valuesMs });
  }
  return {
    percentiles: series.length > 0 ? { x, series } : null,
    timeline: timelineChart(summary, options.fineTimeline ?? []),
    journeys: journeyChart(summary),
  };
}

/** Per-second rows only: iterations last longer than requests, so 100 ms rows would mostly be empty. */
function journeyChart(summary: Summary): JourneyChart | null {
  const journeys = summary.journeys;
  if (journeys === null || journeys.timeline.rows.length === 0) return null;
  // Seconds of the request timeline, which the other charts' x axes count: a merge may start the two apart.
  const shift = Math.round((journeys.timeline.startEpochMs - summary.timeline.startEpochMs) / 1000);
  const rows = journeys.timeline.rows;
  const seconds = rows.map((r) => r.second + shift);
  return {
    seconds,
    endSeconds: Math.max(summary.elapsedSeconds, seconds[seconds.length - 1] ?? 0),
    complete: rows.map((r) => r.complete),
    failed: rows.map((r) => r.failed),
    activeUsers: rows.map((r) => r.activeUsers),
  };
}

function timelineChart(summary: Summary, fineRows: readonly FineTimelineRow[]): TimelineChart | null {
  const elapsed = summary.elapsedSeconds;
  const fine = elapsed < FINE_PLOT_BELOW_SECONDS && fineRows.length > 0;
  const rowSeconds = fine ? FINE_ROW_MS / 1000 : 1;
  const rows: readonly (Omit<TimelineRow, 'second'> & { readonly start: number })[] = fine
    ? fineRows.map((r) => ({ ...r, start: r.startMs / 1000 }))
    : summary.timeline.rows.map((r) => ({ ...r, start: r.second }));
  if (rows.length === 0) return null;
  // A 100 ms row's count over 0.1 s is a rate per second, on the same axis as a long run's. The last,
  // partial row dips, as the last second of a long run does: scaling it up would turn a few requests
  // in a 1 ms run into thousands a second.
  const perSecond = (count: number): number => count / rowSeconds;
  const latency = (pick: (r: Omit<TimelineRow, 'second'>) => number) => rows.map((r) => (r.complete > 0 ? usToMs(pick(r)) : null));
  const lastStart = rows[rows.length - 1]?.start ?? 0;
  return {
    seconds: rows.map((r) => r.start),
    rowSeconds,
    endSeconds: Math.max(elapsed, lastStart),
    p50Ms: latency((r) => r.p50Us),
    p90Ms: latency((r) => r.p90Us),
    p99Ms: latency((r) => r.p99Us),
    maxMs: latency((r) => r.maxUs),
    complete: rows.map((r) => perSecond(r.complete)),
    non2xx: rows.map((r) => perSecond(r.non2xx)),
    errors: rows.map((r) => perSecond(r.errors)),
    scheduled: rows.some((r) => r.scheduled !== null) ? rows.map((r) => perSecond(r.scheduled ?? 0)) : null,
  };
}
