// Compares two gb results metric by metric, judges each change against the runs' own second-to-second noise, and checks --fail-if rules.

import type { PhaseStats, Summary, TimelineRow } from '../metrics/summary.js';
import { err, ok, type Result } from '../result.js';
import { formatFixed, padLeft } from './format.js';

export type MetricName = 'rps' | 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'ttfb-p50' | 'ttfb-p99';

interface MetricSpec {
  readonly name: MetricName;
  readonly label: string;
  /** The whole-run figure: requests per second, or microseconds. */
  readonly value: (s: Summary) => number | null;
  /** The per-second figure whose mean the bootstrap compares; null when the timeline has none. */
  readonly perSecond: ((row: TimelineRow) => number) | null;
  /** Why there is no per-second figure, shown instead of a verdict. */
  readonly noPerSecond?: string;
}

const latency = (phase: (s: Summary) => PhaseStats | null, pick: (p: PhaseStats) => number) => (s: Summary): number | null => {
  const p = phase(s);
  return p === null ? null : pick(p);
};

/*
 * Rows keep p50, p90, p99 and max of each second. The timeline has no per-second p99.9, so p99.9 is
 * judged on the per-second maxima (the nearest tail figure it keeps), and no per-second waiting time,
 * so the TTFB lines get no verdict.
 */
const METRICS: readonly MetricSpec[] = [
  { name: 'rps', label: 'Requests/s', value: (s) => (s.elapsedSeconds > 0 ? s.complete / s.elapsedSeconds : null), perSecond: (r) => r.complete },
  { name: 'p50', label: 'p50 [ms]', value: latency((s) => s.total, (p) => p.p50Us), perSecond: (r) => r.p50Us },
  { name: 'p90', label: 'p90 [ms]', value: latency((s) => s.total, (p) => p.p90Us), perSecond: (r) => r.p90Us },
  { name: 'p99', label: 'p99 [ms]', value: latency((s) => s.total, (p) => p.p99Us), perSecond: (r) => r.p99Us },
  { name: 'p999', label: 'p99.9 [ms]', value: latency((s) => s.total, (p) => p.p999Us), perSecond: (r) => r.maxUs },
  { name: 'max', label: 'max [ms]', value: latency((s) => s.total, (p) => p.maxUs), perSecond: (r) => r.maxUs },
  { name: 'ttfb-p50', label: 'TTFB p50 [ms]', value: latency((s) => s.waiting, (p) => p.p50Us), perSecond: null, noPerSecond: 'no per-second TTFB' },
  { name: 'ttfb-p99', label: 'TTFB p99 [ms]', value: latency((s) => s.waiting, (p) => p.p99Us), perSecond: null, noPerSecond: 'no per-second TTFB' },
];

export const METRIC_NAMES: readonly MetricName[] = METRICS.map((m) => m.name);

export type NoiseVerdict =
  | {
      readonly kind: 'beyond-noise' | 'within-noise';
      /** Interval of the change in the mean per-second figure, in percent of A's. */
      readonly lowPercent: number;
      readonly highPercent: number;
    }
  | { readonly kind: 'n/a'; readonly reason: string };

export interface MetricComparison {
  readonly metric: MetricName;
  readonly label: string;
  /** Requests per second for rps, microseconds for the others; null when the run has no such figure. */
  readonly a: number | null;
  readonly b: number | null;
  /** (b − a) / a in percent; null when either is missing or a is 0. */
  readonly changePercent: number | null;
  readonly noise: NoiseVerdict;
}

export interface NoiseOptions {
  readonly resamples?: number;
  readonly seed?: number;
  /** Two-sided confidence level in percent. */
  readonly confidencePercent?: number;
  /** Fewer usable seconds than this in either run gives "n/a (too few seconds)". */
  readonly minSeconds?: number;
}

const DEFAULTS = { resamples: 2000, seed: 0x6b62, confidencePercent: 95, minSeconds: 5 } as const;

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

/**
 * Mean of one circular block-bootstrap resample. Neighbouring seconds are correlated (warm-up,
 * GC, a slow minute on the server), and resampling single seconds would treat them as independent
 * and make the interval too narrow; blocks of about n^(1/3) seconds keep short-range correlation.
 */
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
 * Bootstrap interval of the relative change in the mean, 100·(mean(B)/mean(A) − 1), resampling
 * each run's per-second figures on their own. The change is "beyond noise" when the interval
 * excludes 0. Null when A's figures are all 0 (a relative change is undefined).
 */
export function bootstrapChange(
  a: readonly number[],
  b: readonly number[],
  options: NoiseOptions = {},
): { readonly lowPercent: number; readonly highPercent: number } | null {
  const resamples = options.resamples ?? DEFAULTS.resamples;
  const confidence = options.confidencePercent ?? DEFAULTS.confidencePercent;
  if (a.length === 0 || b.length === 0 || a.every((x) => x === 0)) return null;
  const random = seededRandom(options.seed ?? DEFAULTS.seed);
  const blockA = Math.max(1, Math.round(Math.cbrt(a.length)));
  const blockB = Math.max(1, Math.round(Math.cbrt(b.length)));
  const changes = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) {
    const meanA = resampledMean(a, blockA, random);
    const meanB = resampledMean(b, blockB, random);
    // A resample of only zero seconds has no relative change; count it as an unbounded one either way.
    changes[i] = meanA === 0 ? (meanB === 0 ? 0 : Infinity) : 100 * (meanB / meanA - 1);
  }
  changes.sort();
  const tail = (100 - confidence) / 200;
  const at = (q: number): number => changes[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))] ?? 0;
  return { lowPercent: at(tail), highPercent: at(1 - tail) };
}

/** Seconds that tell something: throughput only from whole seconds, latency only from seconds with responses. */
function perSecondSamples(s: Summary, spec: MetricSpec, pick: (row: TimelineRow) => number): number[] {
  const rows =
    spec.name === 'rps'
      ? s.timeline.rows.filter((r) => r.second + 1 <= s.elapsedSeconds + 1e-3)
      : s.timeline.rows.filter((r) => r.complete > 0);
  return rows.map(pick);
}

export function compareSummaries(a: Summary, b: Summary, options: NoiseOptions = {}): readonly MetricComparison[] {
  const minSeconds = options.minSeconds ?? DEFAULTS.minSeconds;
  return METRICS.map((spec, index): MetricComparison => {
    const valueA = spec.value(a);
    const valueB = spec.value(b);
    const changePercent = valueA === null || valueB === null || valueA === 0 ? null : 100 * (valueB / valueA - 1);
    let noise: NoiseVerdict;
    if (spec.perSecond === null) {
      noise = { kind: 'n/a', reason: spec.noPerSecond ?? 'no per-second data' };
    } else {
      const samplesA = perSecondSamples(a, spec, spec.perSecond);
      const samplesB = perSecondSamples(b, spec, spec.perSecond);
      const seed = (options.seed ?? DEFAULTS.seed) + index;
      const interval =
        samplesA.length < minSeconds || samplesB.length < minSeconds
          ? null
          : bootstrapChange(samplesA, samplesB, { ...options, seed });
      if (samplesA.length < minSeconds || samplesB.length < minSeconds) noise = { kind: 'n/a', reason: 'too few seconds' };
      else if (interval === null) noise = { kind: 'n/a', reason: 'A is 0' };
      else {
        const beyond = interval.lowPercent > 0 || interval.highPercent < 0;
        noise = { kind: beyond ? 'beyond-noise' : 'within-noise', ...interval };
      }
    }
    return { metric: spec.name, label: spec.label, a: valueA, b: valueB, changePercent, noise };
  });
}

export interface FailRule {
  readonly text: string;
  readonly metric: MetricName;
  /** '>': fails when the metric rose by more than `percent`; '<': when it changed by less (fell by more). */
  readonly op: '>' | '<';
  readonly percent: number;
}

const RULE_PATTERN = /^\s*([a-z0-9.-]+)\s*([<>])\s*([+-]?)(\d+(?:\.\d+)?)\s*%\s*$/i;

/** 'p99>+10%', 'rps<-5%'; an unsigned number takes the operator's direction ('rps<5%' = 'rps<-5%'). */
export function parseFailRule(text: string): Result<FailRule, string> {
  const wanted = `expected METRIC>+N% or METRIC<-N% with METRIC one of ${METRIC_NAMES.join(', ')}`;
  const match = RULE_PATTERN.exec(text);
  if (match === null) return err(`bad --fail-if rule '${text}': ${wanted}`);
  const [, rawName = '', op = '', sign = '', digits = ''] = match;
  const name = rawName.toLowerCase() === 'p99.9' ? 'p999' : rawName.toLowerCase();
  const metric = METRIC_NAMES.find((m) => m === name);
  if (metric === undefined) return err(`bad --fail-if rule '${text}': unknown metric '${rawName}'; ${wanted}`);
  if (op !== '<' && op !== '>') return err(`bad --fail-if rule '${text}': ${wanted}`);
  const magnitude = Number(digits);
  const negative = sign === '-' || (sign === '' && op === '<');
  return ok({ text, metric, op, percent: negative ? -magnitude : magnitude });
}

export interface RuleOutcome {
  readonly rule: FailRule;
  readonly violated: boolean;
  readonly message: string;
}

/** A rule whose metric cannot be computed (no responses in one run) counts as violated: a CI gate should not pass on missing data. */
export function checkRules(rows: readonly MetricComparison[], rules: readonly FailRule[]): readonly RuleOutcome[] {
  return rules.map((rule): RuleOutcome => {
    const row = rows.find((r) => r.metric === rule.metric);
    if (row === undefined || row.changePercent === null) {
      return { rule, violated: true, message: `${rule.text}: cannot check, ${rule.metric} is missing in one of the results` };
    }
    const change = row.changePercent;
    const violated = rule.op === '>' ? change > rule.percent : change < rule.percent;
    const verdict = row.noise.kind === 'n/a' ? `noise ${row.noise.reason}` : row.noise.kind.replace('-', ' ');
    return {
      rule,
      violated,
      message: `${rule.text}: ${violated ? 'FAILED' : 'ok'} (${rule.metric} ${formatPercent(change)}, ${verdict})`,
    };
  });
}

function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return percent > 0 ? '+inf %' : '-inf %';
  const text = formatFixed(percent, 1);
  return `${percent >= 0 && !text.startsWith('-') ? '+' : ''}${text} %`;
}

function formatValue(metric: MetricName, value: number | null): string {
  if (value === null) return '-';
  return metric === 'rps' ? formatFixed(value, 2) : formatFixed(value / 1000, 3);
}

function verdictText(noise: NoiseVerdict): string {
  return noise.kind === 'n/a' ? `n/a (${noise.reason})` : noise.kind === 'beyond-noise' ? 'beyond noise' : 'within noise';
}

function intervalText(noise: NoiseVerdict): string {
  if (noise.kind === 'n/a') return '';
  return `[${formatPercent(noise.lowPercent).replace(' %', '')}, ${formatPercent(noise.highPercent)}]`;
}

function describeRun(name: string, source: string, s: Summary): string {
  return `${name}: ${source}  ${s.target.url}  ${s.startedAt}  ${formatFixed(s.elapsedSeconds, 2)} s  ${s.complete} responses  -c ${s.settings.concurrency}`;
}

/** Settings whose difference changes what the numbers mean, and client trouble that makes them suspect. */
function notes(a: Summary, b: Summary): string[] {
  const lines: string[] = [];
  const differs = (what: string, va: unknown, vb: unknown): void => {
    if (va !== vb) lines.push(`note: ${what} differs: A ${String(va)}, B ${String(vb)}`);
  };
  differs('URL', a.target.url, b.target.url);
  differs('method', a.settings.method, b.settings.method);
  differs('concurrency', a.settings.concurrency, b.settings.concurrency);
  differs('keep-alive', a.settings.keepAlive, b.settings.keepAlive);
  differs('rate', a.settings.requestsPerSecond ?? 'closed loop', b.settings.requestsPerSecond ?? 'closed loop');
  for (const [name, s] of [['A', a], ['B', b]] as const) {
    if (s.client.saturated) lines.push(`note: ${name}'s load generator was saturated, so its numbers may describe gb rather than the server`);
  }
  return lines;
}

/** The comparison table, then notes; sources name the two results (file names). */
export function renderComparison(
  a: Summary,
  b: Summary,
  rows: readonly MetricComparison[],
  sources: { readonly a: string; readonly b: string },
  options: NoiseOptions = {},
): string {
  const header = ['', 'A', 'B', 'Change', `${options.confidencePercent ?? DEFAULTS.confidencePercent} % interval`, 'Verdict'];
  const cells = rows.map((r) => [
    r.label,
    formatValue(r.metric, r.a),
    formatValue(r.metric, r.b),
    r.changePercent === null ? '-' : formatPercent(r.changePercent),
    intervalText(r.noise),
    verdictText(r.noise),
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...cells.map((c) => (c[col] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c
      .map((text, col) => {
        const width = widths[col] ?? 0;
        // Labels and verdicts read left to right; numbers line up on the right.
        return col === 0 || col === 5 ? text.padEnd(width) : padLeft(text, width);
      })
      .join('  ')
      .trimEnd();
  const resamples = options.resamples ?? DEFAULTS.resamples;
  return [
    describeRun('A', sources.a, a),
    describeRun('B', sources.b, b),
    '',
    line(header),
    ...cells.map(line),
    '',
    `Change is (B - A) / A. The interval is a ${resamples}-resample block bootstrap of the change in the mean per-second`,
    'figure (p99.9 and max: per-second maxima); a change is beyond noise when its interval excludes 0.',
    ...notes(a, b),
    '',
  ].join('\n');
}
