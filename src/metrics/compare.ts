// Compares two gb results metric by metric, judges each change against the runs' own second-to-second noise, and checks --fail-if rules.

import { REQUEST_PHASES, type EndpointResult, type PhaseStats, type RequestPhase, type Summary, type TimelineRow } from './summary.js';
import { err, ok, type Result } from '../result.js';
import { bootstrapChange, BOOTSTRAP_DEFAULTS, type BootstrapOptions } from './bootstrap.js';

export type MetricName = 'rps' | 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'ttfb-p50' | 'ttfb-p99' | `${RequestPhase}-p50` | `${RequestPhase}-p99`;

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
}

const latency = (phase: (s: Summary) => PhaseStats | null, pick: (p: PhaseStats) => number) => (s: Summary): number | null => {
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

/*
 * Rows keep p50, p90, p99 and max of each second. The timeline has no per-second p99.9, so p99.9 is
 * judged on the per-second maxima (the nearest tail figure it keeps), and no per-second waiting time,
 * so the TTFB lines get no verdict.
 */
const METRICS: readonly MetricSpec[] = [
  // Responses per second, the figure the per-second rows also count; ab's Requests per second adds failed reads.
  { name: 'rps', label: 'Requests/s', value: (s) => (s.elapsedSeconds > 0 ? s.responses / s.elapsedSeconds : null), perSecond: (r) => r.complete },
  { name: 'p50', label: 'p50 [ms]', value: latency((s) => s.total, (p) => p.p50Us), perSecond: (r) => r.p50Us },
  { name: 'p90', label: 'p90 [ms]', value: latency((s) => s.total, (p) => p.p90Us), perSecond: (r) => r.p90Us },
  { name: 'p99', label: 'p99 [ms]', value: latency((s) => s.total, (p) => p.p99Us), perSecond: (r) => r.p99Us },
  { name: 'p999', label: 'p99.9 [ms]', value: latency((s) => s.total, (p) => p.p999Us), perSecond: (r) => r.maxUs },
  { name: 'max', label: 'max [ms]', value: latency((s) => s.total, (p) => p.maxUs), perSecond: (r) => r.maxUs },
  { name: 'ttfb-p50', label: 'TTFB p50 [ms]', value: latency((s) => s.waiting, (p) => p.p50Us), perSecond: null, noPerSecond: 'no per-second TTFB' },
  { name: 'ttfb-p99', label: 'TTFB p99 [ms]', value: latency((s) => s.waiting, (p) => p.p99Us), perSecond: null, noPerSecond: 'no per-second TTFB' },
  ...REQUEST_PHASES.flatMap((phase): MetricSpec[] => {
    const stats = (s: Summary): PhaseStats | null => s.phases?.[phase] ?? null;
    const spec = { perSecond: null, noPerSecond: 'no per-second phases', phase } as const;
    return [
      { name: `${phase}-p50`, label: `${PHASE_LABELS[phase]} p50 [ms]`, value: latency(stats, (p) => p.p50Us), ...spec },
      { name: `${phase}-p99`, label: `${PHASE_LABELS[phase]} p99 [ms]`, value: latency(stats, (p) => p.p99Us), ...spec },
    ];
  }),
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
  /** (b − a) / a in percent; 0 when both are 0; null when either is missing or only a is 0. */
  readonly changePercent: number | null;
  readonly noise: NoiseVerdict;
}

export interface NoiseOptions extends BootstrapOptions {
  /** Fewer usable seconds than this in either run gives "n/a (too few seconds)". */
  readonly minSeconds?: number;
}

export const COMPARE_DEFAULTS = { ...BOOTSTRAP_DEFAULTS, minSeconds: 5 } as const;
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

export function compareSummaries(a: Summary, b: Summary, options: NoiseOptions = {}): readonly MetricComparison[] {
  const minSeconds = options.minSeconds ?? COMPARE_DEFAULTS.minSeconds;
  const rows = METRICS.map((spec, index): MetricComparison => {
    const valueA = spec.value(a);
    const valueB = spec.value(b);
    const changePercent = valueA === null || valueB === null ? null : valueA === 0 ? (valueB === 0 ? 0 : null) : 100 * (valueB / valueA - 1);
    let noise: NoiseVerdict;
    if (spec.perSecond === null) {
      noise = { kind: 'n/a', reason: spec.noPerSecond ?? 'no per-second data' };
    } else {
      const samplesA = perSecondSamples(a, spec, spec.perSecond);
      const samplesB = perSecondSamples(b, spec, spec.perSecond);
      // One seed per metric, so a metric's interval does not depend on which metrics came before it.
      const seed = (options.seed ?? COMPARE_DEFAULTS.seed) + index;
      const tooFew = samplesA.length < minSeconds || samplesB.length < minSeconds;
      const interval = tooFew ? null : bootstrapChange(samplesA, samplesB, { ...options, seed });
      if (tooFew) noise = { kind: 'n/a', reason: 'too few seconds' };
      else if (interval === null) noise = { kind: 'n/a', reason: 'A is 0' };
      else {
        const beyond = interval.lowPercent > 0 || interval.highPercent < 0;
        noise = { kind: beyond ? 'beyond-noise' : 'within-noise', ...interval };
      }
    }
    return { metric: spec.name, label: spec.label, a: valueA, b: valueB, changePercent, noise };
  });
  // A phase neither run had (TLS over http) gets no row; a rule on it still finds it missing and breaks.
  return rows.filter((row, index) => METRICS[index]?.phase === undefined || row.a !== null || row.b !== null);
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

/** Why a rule held or broke, for the report to word. */
export type RuleVerdict =
  /** The metric is missing in one of the results (no responses): a CI gate does not pass on missing data. */
  | { readonly kind: 'missing' }
  /** The change is past the limit but noise could not be judged (decided by `strict`), or A's figure is 0. */
  | { readonly kind: 'unjudged'; readonly reason: string; readonly pastLimit: boolean }
  | { readonly kind: 'judged'; readonly pastLimit: boolean; readonly noise: 'beyond' | 'within' | 'other-way' };

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
 * Where noise cannot be judged (too few seconds, no per-second TTFB, A at 0) the rule passes with a note,
 * or breaks under `strict`. A metric missing from a result (no responses) always breaks: a CI gate
 * should not pass on missing data.
 */
export function checkRules(rows: readonly MetricComparison[], rules: readonly FailRule[], options: RuleOptions = {}): readonly RuleOutcome[] {
  const strict = options.strict === true;
  return rules.map((rule): RuleOutcome => {
    const row = rows.find((r) => r.metric === rule.metric);
    if (row === undefined || row.a === null || row.b === null) {
      return { rule, violated: true, changePercent: null, verdict: { kind: 'missing' }, strict };
    }
    const change = row.changePercent;
    if (change === null) {
      return { rule, violated: strict, changePercent: null, verdict: { kind: 'unjudged', reason: `A's ${rule.metric} is 0`, pastLimit: true }, strict };
    }
    const pastLimit = rule.op === '>' ? change > rule.percent : change < rule.percent;
    const noise = row.noise;
    if (noise.kind === 'n/a') {
      return { rule, violated: pastLimit && strict, changePercent: change, verdict: { kind: 'unjudged', reason: noise.reason, pastLimit }, strict };
    }
    // The interval is of per-second means, so in a lopsided run it can exclude 0 on the other side of the whole-run change.
    const real = noise.kind === 'beyond-noise' && ((change > 0 && noise.lowPercent > 0) || (change < 0 && noise.highPercent < 0));
    const verdict = real ? 'beyond' : noise.kind === 'beyond-noise' ? 'other-way' : 'within';
    return { rule, violated: pastLimit && real, changePercent: change, verdict: { kind: 'judged', pastLimit, noise: verdict }, strict };
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
