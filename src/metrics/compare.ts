// Compares two gb results metric by metric, judges each change against the runs' own noise (second to second, or request to request in short runs), and checks --fail-if rules.

import {
  REQUEST_PHASES,
  type EndpointResult,
  type JourneyTimelineRow,
  type PhaseStats,
  type RequestPhase,
  type Summary,
  type TimelineRow,
} from './summary.js';
import { err, ok, type Result } from '../result.js';
import { bootstrapChange, bootstrapPercentileChange, BOOTSTRAP_DEFAULTS, requestsAbove, type BootstrapOptions } from './bootstrap.js';
import { Histogram } from './histogram.js';

export type MetricName =
  | 'rps'
  | 'p50'
  | 'p90'
  | 'p99'
  | 'p999'
  | 'max'
  | 'ttfb-p50'
  | 'ttfb-p99'
  | `${RequestPhase}-p50`
  | `${RequestPhase}-p99`
  | 'iteration-rate'
  | 'iteration-p50'
  | 'iteration-p99';

interface MetricSpec {
  readonly name: MetricName;
  readonly label: string;
  /** The whole-run figure: requests per second, or microseconds. */
  readonly value: (s: Summary) => number | null;
  /** The per-second figure whose mean the bootstrap compares; null when the timeline has none. */
  readonly perSecond: ((row: TimelineRow) => number) | null;
  /** Why there is no per-second figure, shown instead of a verdict. */
  readonly noPerSecond?: string;
  /** A request phase's row: left out of the table when neither result had the phase (TLS over http). */
  readonly phase?: RequestPhase;
  /** The phase histogram and percentile a run too short for the per-second bootstrap is judged on instead. */
  readonly requestLevel: { readonly phase: (s: Summary) => PhaseStats | null; readonly percent: number } | null;
  /**
   * A journey run's row, whose seconds are the journey timeline's (`perSecond` then the figure the
   * bootstrap compares, null when it keeps none): shown only when both results are journey runs.
   */
  readonly journey?: { readonly perSecond: ((row: JourneyTimelineRow) => number) | null };
}

const TOTAL = (s: Summary): PhaseStats | null => s.total;
const WAITING = (s: Summary): PhaseStats | null => s.waiting;
const ITERATIONS = (s: Summary): PhaseStats | null => s.journeys?.duration ?? null;
const ended = (row: JourneyTimelineRow): number => row.complete + row.failed;

const latency =
  (phase: (s: Summary) => PhaseStats | null, pick: (p: PhaseStats) => number) =>
  (s: Summary): number | null => {
    const p = phase(s);
    return p === null ? null : pick(p);
  };

/** Short names of the phases in compare's rows (its rule metrics are the keys: tls-p99). */
const PHASE_LABELS: Readonly<Record<RequestPhase, string>> = {
  dns: 'DNS',
  tcp: 'TCP',
  tls: 'TLS',
  blocked: 'Blocked',
  sending: 'Sending',
  waiting: 'Waiting',
  receiving: 'Receiving',
};

/**
 * A percentile of Total (`stat` of its PhaseStats): judged per second (`second`, the timeline row's
 * figure) where runs are long enough, else on the requests.
 */
function totalPercentile(
  name: MetricName,
  label: string,
  percent: number,
  stat: 'p50Us' | 'p90Us' | 'p99Us' | 'p999Us',
  second: 'p50Us' | 'p90Us' | 'p99Us' | 'maxUs',
): MetricSpec {
  return { name, label, value: latency(TOTAL, (p) => p[stat]), perSecond: (r) => r[second], requestLevel: { phase: TOTAL, percent } };
}

/** A percentile the timeline keeps no per-second figure of (`why`): judged on the requests of short runs only. */
function unsampledPercentile(
  name: MetricName,
  label: string,
  stats: (s: Summary) => PhaseStats | null,
  percent: 50 | 99,
  why: string,
): MetricSpec {
  const pick = percent === 50 ? (p: PhaseStats): number => p.p50Us : (p: PhaseStats): number => p.p99Us;
  return { name, label, value: latency(stats, pick), perSecond: null, noPerSecond: why, requestLevel: { phase: stats, percent } };
}

/*
 * Rows keep p50, p90, p99 and max of each second. The timeline has no per-second p99.9, so p99.9 is
 * judged on the per-second maxima (the nearest tail figure it keeps), and no per-second waiting time,
 * so the TTFB lines get no verdict from seconds (only from requests, in runs too short for seconds).
 */
const METRICS: readonly MetricSpec[] = [
  // Responses per second, the figure the per-second rows also count; ab's Requests per second adds failed reads.
  {
    name: 'rps',
    label: 'Requests/s',
    value: (s) => (s.elapsedSeconds > 0 ? s.responses / s.elapsedSeconds : null),
    perSecond: (r) => r.complete,
    requestLevel: null,
  },
  totalPercentile('p50', 'p50 [ms]', 50, 'p50Us', 'p50Us'),
  totalPercentile('p90', 'p90 [ms]', 90, 'p90Us', 'p90Us'),
  totalPercentile('p99', 'p99 [ms]', 99, 'p99Us', 'p99Us'),
  totalPercentile('p999', 'p99.9 [ms]', 99.9, 'p999Us', 'maxUs'),
  // No request lies above the maximum, so a resampled maximum only repeats the top few requests: no request-level interval.
  { name: 'max', label: 'max [ms]', value: latency(TOTAL, (p) => p.maxUs), perSecond: (r) => r.maxUs, requestLevel: null },
  unsampledPercentile('ttfb-p50', 'TTFB p50 [ms]', WAITING, 50, 'no per-second TTFB'),
  unsampledPercentile('ttfb-p99', 'TTFB p99 [ms]', WAITING, 99, 'no per-second TTFB'),
  ...REQUEST_PHASES.flatMap((phase): MetricSpec[] => {
    const stats = (s: Summary): PhaseStats | null => s.phases?.[phase] ?? null;
    return [
      { ...unsampledPercentile(`${phase}-p50`, `${PHASE_LABELS[phase]} p50 [ms]`, stats, 50, 'no per-second phases'), phase },
      { ...unsampledPercentile(`${phase}-p99`, `${PHASE_LABELS[phase]} p99 [ms]`, stats, 99, 'no per-second phases'), phase },
    ];
  }),
  // Last, so that the rows before keep their seeds. Iterations that ended (complete or failed) per second, as iterations.perSecond counts them.
  {
    name: 'iteration-rate',
    label: 'Iterations/s',
    value: (s) => s.journeys?.iterations.perSecond ?? null,
    perSecond: null,
    requestLevel: null,
    journey: { perSecond: ended },
  },
  {
    ...unsampledPercentile('iteration-p50', 'Iteration p50 [ms]', ITERATIONS, 50, 'no per-second iteration times'),
    journey: { perSecond: null },
  },
  {
    ...unsampledPercentile('iteration-p99', 'Iteration p99 [ms]', ITERATIONS, 99, 'no per-second iteration times'),
    journey: { perSecond: null },
  },
];

export const METRIC_NAMES: readonly MetricName[] = METRICS.map((m) => m.name);

export type NoiseVerdict =
  | {
      readonly kind: 'beyond-noise' | 'within-noise';
      /**
       * What was resampled: 'seconds', the per-second figures in blocks (the interval is of the change
       * in their mean); 'requests', each run's requests from its histogram, as independent draws (the
       * interval is of the change in the percentile itself), where a run is too short for seconds.
       */
      readonly basis: 'seconds' | 'requests';
      /** Interval of the change, in percent of A's. */
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
  /** (b − a) / a in percent; 0 when both are 0; null when either is missing or only a is 0. */
  readonly changePercent: number | null;
  readonly noise: NoiseVerdict;
}

export interface NoiseOptions extends BootstrapOptions {
  /** With fewer usable seconds than this in either run, latency is judged on requests, and throughput not at all ("n/a (too few seconds)"). */
  readonly minSeconds?: number;
  /** The request-level bootstrap needs at least this many requests above the percentile in each run. */
  readonly minRequestsAbove?: number;
}

export const COMPARE_DEFAULTS = { ...BOOTSTRAP_DEFAULTS, minSeconds: 5, minRequestsAbove: 10 } as const;
/** The bootstrap interval's confidence. */
export const CONFIDENCE_PERCENT = 95;

/**
 * Only whole seconds count: the last, cut-short second has fewer responses (a throughput dip that
 * is not the server's) and percentiles from a handful of them. Latency also skips seconds without
 * responses, whose percentiles are 0 by convention, not measurements.
 */
function perSecondSamples(s: Summary, spec: MetricSpec, pick: (row: TimelineRow) => number): number[] {
  const whole = s.timeline.rows.filter((r) => r.second + 1 <= s.elapsedSeconds + 1e-3);
  return (spec.name === 'rps' ? whole : whole.filter((r) => r.complete > 0)).map(pick);
}

/** The seconds a metric is judged on: the journey timeline's for a journey row (iteration times skip seconds in which none ended), else the requests'. */
function samplesOf(s: Summary, spec: MetricSpec): number[] {
  const journey = spec.journey;
  // TTFB has no per-second figure; its seconds are those the latency figures would use.
  if (journey === undefined) return perSecondSamples(s, spec, spec.perSecond ?? ((r: TimelineRow): number => r.p50Us));
  const whole = (s.journeys?.timeline.rows ?? []).filter((r) => r.second + 1 <= s.elapsedSeconds + 1e-3);
  return journey.perSecond === null ? whole.filter((r) => ended(r) > 0).map(ended) : whole.map(journey.perSecond);
}

export function compareSummaries(a: Summary, b: Summary, options: NoiseOptions = {}): readonly MetricComparison[] {
  const minSeconds = options.minSeconds ?? COMPARE_DEFAULTS.minSeconds;
  const histograms = new HistogramCache();
  const rows = METRICS.map((spec, index): MetricComparison => {
    const valueA = spec.value(a);
    const valueB = spec.value(b);
    const changePercent =
      valueA === null || valueB === null ? null : valueA === 0 ? (valueB === 0 ? 0 : null) : 100 * (valueB / valueA - 1);
    // One seed per metric, so a metric's interval does not depend on which metrics came before it.
    const seeded = { ...options, seed: (options.seed ?? COMPARE_DEFAULTS.seed) + index };
    const samplesA = samplesOf(a, spec);
    const samplesB = samplesOf(b, spec);
    const perSecond = spec.journey === undefined ? spec.perSecond : spec.journey.perSecond;
    let noise: NoiseVerdict;
    if (samplesA.length < minSeconds || samplesB.length < minSeconds) noise = requestLevelVerdict(spec, a, b, histograms, seeded);
    else if (perSecond === null) noise = { kind: 'n/a', reason: spec.noPerSecond ?? 'no per-second data' };
    else noise = verdictOf('seconds', bootstrapChange(samplesA, samplesB, seeded));
    return { metric: spec.name, label: spec.label, a: valueA, b: valueB, changePercent, noise };
  });
  // A phase neither run had (TLS over http) gets no row, nor do iterations unless both runs had journeys; a rule on them still finds them missing and breaks.
  const bothJourneys = a.journeys !== null && b.journeys !== null;
  return rows.filter((row, index) => {
    const spec = METRICS[index];
    if (spec?.journey !== undefined) return bothJourneys;
    return spec?.phase === undefined || row.a !== null || row.b !== null;
  });
}

function verdictOf(
  basis: 'seconds' | 'requests',
  interval: { readonly lowPercent: number; readonly highPercent: number } | null,
): NoiseVerdict {
  if (interval === null) return { kind: 'n/a', reason: 'A is 0' };
  const beyond = interval.lowPercent > 0 || interval.highPercent < 0;
  return { kind: beyond ? 'beyond-noise' : 'within-noise', basis, ...interval };
}

/** A run too short for the per-second bootstrap: resample its requests from the phase's histogram, where that can say something. */
function requestLevelVerdict(spec: MetricSpec, a: Summary, b: Summary, histograms: HistogramCache, options: NoiseOptions): NoiseVerdict {
  const level = spec.requestLevel;
  if (level === null)
    return { kind: 'n/a', reason: spec.name === 'max' ? 'too few seconds, and no request lies above a max' : 'too few seconds' };
  const ha = histograms.of(level.phase(a));
  const hb = histograms.of(level.phase(b));
  // A result without a readable histogram (an edited or hand-made file) has no requests to resample.
  if (ha === null || hb === null) return { kind: 'n/a', reason: 'too few seconds' };
  const minAbove = options.minRequestsAbove ?? COMPARE_DEFAULTS.minRequestsAbove;
  if (requestsAbove(ha, level.percent) < minAbove || requestsAbove(hb, level.percent) < minAbove) {
    return { kind: 'n/a', reason: `too few seconds, and under ${minAbove} requests above p${level.percent}` };
  }
  return verdictOf('requests', bootstrapPercentileChange(ha, hb, level.percent, options));
}

/** Each phase's histogram decoded once, though several metrics read it. */
class HistogramCache {
  readonly #decoded = new Map<string, Histogram | null>();

  of(phase: PhaseStats | null): Histogram | null {
    if (phase === null || phase.histogram === '') return null;
    let h = this.#decoded.get(phase.histogram);
    if (h === undefined) {
      try {
        h = Histogram.decode(phase.histogram);
      } catch {
        h = null;
      }
      this.#decoded.set(phase.histogram, h);
    }
    return h;
  }
}

export interface FailRule {
  readonly text: string;
  readonly metric: MetricName;
  /** '>': fails when the metric rose by more than `percent`; '<': when it changed by less (fell by more). */
  readonly op: '>' | '<';
  readonly percent: number;
}

const RULE_PATTERN = /^\s*([a-z0-9._-]+)\s*([<>])\s*([+-]?)(\d+(?:\.\d+)?)\s*%\s*$/i;

/** 'p99>+10%', 'rps<-5%'; an unsigned number takes the operator's direction ('rps<5%' = 'rps<-5%'). */
export function parseFailRule(text: string): Result<FailRule, string> {
  const wanted = `expected METRIC>+N% or METRIC<-N% with METRIC one of ${METRIC_NAMES.join(', ')}`;
  const match = RULE_PATTERN.exec(text);
  if (match === null) return err(`bad --fail-if rule '${text}': ${wanted}`);
  const [, rawName = '', op = '', sign = '', digits = ''] = match;
  // iteration_p99 as --fail-if on a run spells it means iteration-p99 here.
  const name = rawName.toLowerCase() === 'p99.9' ? 'p999' : rawName.toLowerCase().replace(/_/g, '-');
  const metric = METRIC_NAMES.find((m) => m === name);
  if (metric === undefined) return err(`bad --fail-if rule '${text}': unknown metric '${rawName}'; ${wanted}`);
  if (op !== '<' && op !== '>') return err(`bad --fail-if rule '${text}': ${wanted}`);
  const magnitude = Number(digits);
  const negative = sign === '-' || (sign === '' && op === '<');
  return ok({ text, metric, op, percent: negative ? -magnitude : magnitude });
}

/** Why a rule held or broke, for the report to word. */
export type RuleVerdict =
  /** The metric is missing in one of the results (no responses): a CI gate does not pass on missing data. */
  | { readonly kind: 'missing' }
  /** The change is past the limit but noise could not be judged (decided by `strict`), or A's figure is 0. */
  | { readonly kind: 'unjudged'; readonly reason: string; readonly pastLimit: boolean }
  /**
   * 'reaches-limit' (request-level only): past the limit and beyond noise, but the interval reaches
   * back inside the limit, which such a rule needs it not to.
   */
  | {
      readonly kind: 'judged';
      readonly pastLimit: boolean;
      readonly noise: 'beyond' | 'within' | 'other-way' | 'reaches-limit';
      readonly basis: 'seconds' | 'requests';
      /** The change's interval, in percent of A's. */
      readonly lowPercent: number;
      readonly highPercent: number;
    };

export interface RuleOutcome {
  readonly rule: FailRule;
  readonly violated: boolean;
  /** (B − A) / A in percent; null when it cannot be computed. */
  readonly changePercent: number | null;
  readonly verdict: RuleVerdict;
  /** The rule was decided under --strict. */
  readonly strict: boolean;
}

export interface RuleOptions {
  /** Break a rule whose change is past its limit when noise cannot be judged; by default such a rule passes with a note. */
  readonly strict?: boolean;
}

/**
 * A rule breaks only when the change is past its limit and beyond noise in the same direction: two runs of
 * the same server differ by more than 10 % at p99 often enough that a bare threshold fails CI on noise.
 * Judged on requests (runs too short for seconds), the whole interval must lie past the limit.
 * Where noise cannot be judged (rps and max in runs too short for seconds, a percentile with too few
 * requests above it, TTFB in longer runs, A at 0) the rule passes with a note,
 * or breaks under `strict`. A metric missing from a result (no responses) always breaks: a CI gate
 * should not pass on missing data.
 */
export function checkRules(
  rows: readonly MetricComparison[],
  rules: readonly FailRule[],
  options: RuleOptions = {},
): readonly RuleOutcome[] {
  const strict = options.strict === true;
  return rules.map((rule): RuleOutcome => {
    const row = rows.find((r) => r.metric === rule.metric);
    if (row === undefined || row.a === null || row.b === null) {
      return { rule, violated: true, changePercent: null, verdict: { kind: 'missing' }, strict };
    }
    const change = row.changePercent;
    if (change === null) {
      return {
        rule,
        violated: strict,
        changePercent: null,
        verdict: { kind: 'unjudged', reason: `A's ${rule.metric} is 0`, pastLimit: true },
        strict,
      };
    }
    const pastLimit = rule.op === '>' ? change > rule.percent : change < rule.percent;
    const noise = row.noise;
    if (noise.kind === 'n/a') {
      return {
        rule,
        violated: pastLimit && strict,
        changePercent: change,
        verdict: { kind: 'unjudged', reason: noise.reason, pastLimit },
        strict,
      };
    }
    // The interval is of per-second means, so in a lopsided run it can exclude 0 on the other side of the whole-run change.
    const real = noise.kind === 'beyond-noise' && ((change > 0 && noise.lowPercent > 0) || (change < 0 && noise.highPercent < 0));
    const interval = { lowPercent: noise.lowPercent, highPercent: noise.highPercent };
    if (noise.basis === 'requests') {
      // Requests resampled as independent leave out the drift by which two runs of one server differ
      // (their intervals exclude 0 for a few per cent at p50), so such a rule breaks only when the
      // whole interval lies past the limit: a change past it by more than its own sampling noise.
      const clears = rule.op === '>' ? noise.lowPercent > rule.percent : noise.highPercent < rule.percent;
      const verdict = real ? (pastLimit && !clears ? 'reaches-limit' : 'beyond') : noise.kind === 'beyond-noise' ? 'other-way' : 'within';
      return {
        rule,
        violated: pastLimit && real && clears,
        changePercent: change,
        verdict: { kind: 'judged', pastLimit, noise: verdict, basis: 'requests', ...interval },
        strict,
      };
    }
    const verdict = real ? 'beyond' : noise.kind === 'beyond-noise' ? 'other-way' : 'within';
    return {
      rule,
      violated: pastLimit && real,
      changePercent: change,
      verdict: { kind: 'judged', pastLimit, noise: verdict, basis: 'seconds', ...interval },
      strict,
    };
  });
}

/** One endpoint in both runs, matched by name; a side is null when that run had no such row. */
export interface EndpointComparison {
  readonly name: string;
  readonly a: EndpointResult | null;
  readonly b: EndpointResult | null;
}

/** Rows of A in A's order, then rows only B has; empty when neither run has per-endpoint rows. */
export function compareEndpoints(a: Summary, b: Summary): EndpointComparison[] {
  const inB = new Map((b.endpoints ?? []).map((e) => [e.name, e]));
  const rows: EndpointComparison[] = (a.endpoints ?? []).map((e) => ({ name: e.name, a: e, b: inB.get(e.name) ?? null }));
  const inA = new Set(rows.map((r) => r.name));
  for (const e of b.endpoints ?? []) if (!inA.has(e.name)) rows.push({ name: e.name, a: null, b: e });
  return rows;
}
