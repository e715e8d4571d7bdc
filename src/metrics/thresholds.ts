// Absolute limits on one result (`gb URL --fail-if 'p99>250ms'`, `gb check`): k6's thresholds in gb's words.

import { err, ok, type Result } from '../result.js';
import { AB_PERCENTS, type JourneyResults, type PhaseStats, type Summary } from './summary.js';

export const THRESHOLD_METRICS = ['p50', 'p90', 'p99', 'p999', 'max', 'rps', 'errors', 'non2xx'] as const;
/**
 * A journey run's limits: iteration durations (with a unit), complete iterations (a count), failed
 * iterations (a percent of those that ended, or a count) and checks (the percent that passed). A run
 * without journeys has no figure for them, so such a rule breaks, saying why.
 */
export const JOURNEY_THRESHOLD_METRICS = [
  'iteration_p50',
  'iteration_p90',
  'iteration_p95',
  'iteration_p99',
  'iteration_p999',
  'iteration_max',
  'iteration_mean',
  'iterations',
  'iterations_failed',
  'checks',
] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number] | (typeof JOURNEY_THRESHOLD_METRICS)[number];
type JourneyMetric = (typeof JOURNEY_THRESHOLD_METRICS)[number];
const ALL_METRICS: readonly ThresholdMetric[] = [...THRESHOLD_METRICS, ...JOURNEY_THRESHOLD_METRICS];
export type ThresholdOp = '<' | '<=' | '>' | '>=';

/** What the limit is measured in; a percent or a count only for errors, non2xx, iterations_failed and checks (a percent only). */
export type ThresholdUnit = 'us' | 'per-second' | 'percent' | 'count';

export interface Threshold {
  readonly text: string;
  readonly metric: ThresholdMetric;
  /** The rule is broken when `value op limit` holds: `p99>250ms` is broken by a p99 above 250 ms. */
  readonly op: ThresholdOp;
  readonly unit: ThresholdUnit;
  readonly limit: number;
}

export interface ThresholdOutcome {
  readonly rule: Threshold;
  /** The result's figure in the rule's unit; null when the result has none (no responses, no time). */
  readonly value: number | null;
  readonly broken: boolean;
  /** A journey metric without a figure: why (not a journey run, no iteration ended, no check made); absent otherwise. */
  readonly noValue?: string;
}

const LATENCY_UNIT_US: Readonly<Record<string, number>> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };
const RULE_PATTERN = /^\s*([a-z0-9._]+)\s*(<=|>=|<|>)\s*([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*(%|us|µs|ms|s|\/s)?\s*$/i;
const WANTED = `expected METRIC<LIMIT or METRIC>LIMIT (also <=, >=) with METRIC one of ${THRESHOLD_METRICS.join(', ')} (journeys: ${JOURNEY_THRESHOLD_METRICS.join(', ')}), e.g. p99>250ms, errors>1%, rps<1000`;

const isJourney = (m: ThresholdMetric): m is JourneyMetric => (JOURNEY_THRESHOLD_METRICS as readonly string[]).includes(m);
const isLatency = (m: ThresholdMetric): boolean =>
  isJourney(m) ? m.startsWith('iteration_') : m !== 'rps' && m !== 'errors' && m !== 'non2xx';

/** 'p99>250ms', 'p99>0.25s', 'errors>1%', 'errors>10', 'rps<1000'; a sign with % is gb compare's relative rule and is refused with that said. */
export function parseThreshold(text: string): Result<Threshold, string> {
  const bad = (why: string): Result<never, string> => err(`bad --fail-if rule '${text}': ${why}`);
  const match = RULE_PATTERN.exec(text);
  if (match === null) return bad(WANTED);
  const [, rawName = '', op = '', sign = '', digits = '', rawUnit = ''] = match;
  const unit = rawUnit.toLowerCase();
  if (sign !== '') {
    // The one shape a user can mean either way: say which command takes it.
    return unit === '%'
      ? bad("a signed percent is a relative change, a rule for 'gb compare A.json B.json'; one run takes absolute limits such as p99>250ms")
      : bad(`a limit has no sign; ${WANTED}`);
  }
  const name = rawName.toLowerCase().replace(/p99\.9$/, 'p999');
  const metric = ALL_METRICS.find((m) => m === name);
  if (metric === undefined) return bad(`unknown metric '${rawName}'; ${WANTED}`);
  const number = Number(digits);
  const checkedOp = op === '<' || op === '<=' || op === '>' || op === '>=' ? op : null;
  if (checkedOp === null) return bad(WANTED);
  const rule = (u: ThresholdUnit, limit: number): Result<Threshold, string> => ok({ text, metric, op: checkedOp, unit: u, limit });
  if (isLatency(metric)) {
    const scale = LATENCY_UNIT_US[unit];
    if (scale === undefined) return bad(`${metric} needs a time unit: us, ms or s (e.g. ${metric}${op}250ms)`);
    return rule('us', number * scale);
  }
  if (metric === 'rps') {
    if (unit !== '' && unit !== '/s') return bad('rps takes requests per second, a plain number (e.g. rps<1000)');
    return rule('per-second', number);
  }
  if (metric === 'iterations') {
    if (unit !== '') return bad('iterations takes a count of complete iterations, a plain number (e.g. iterations<1000)');
    return rule('count', number);
  }
  if (metric === 'checks' && unit !== '%') return bad('checks takes the percent of checks that passed (e.g. checks<99%)');
  if (unit === '%') return number > 100 ? bad(`${metric} is at most 100 %`) : rule('percent', number);
  const of = metric === 'iterations_failed' ? 'iterations that ended' : 'complete requests';
  if (unit !== '') return bad(`${metric} takes a percent of the ${of} (${metric}>1%) or a count (${metric}>10)`);
  return rule('count', number);
}

function latencyUs(total: PhaseStats | null, metric: ThresholdMetric): number | null {
  if (total === null) return null;
  switch (metric) {
    case 'p50':
      return total.p50Us;
    case 'p90':
      return total.p90Us;
    case 'p99':
      return total.p99Us;
    case 'p999':
      return total.p999Us;
    default:
      return total.maxUs;
  }
}

/** An iteration duration in µs: p95 is ab's table entry, as the duration keeps no HDR p95; the mean is the exact one. */
function iterationUs(duration: PhaseStats | null, metric: JourneyMetric): number | null {
  if (duration === null) return null;
  if (metric === 'iteration_p95') return duration.abPercentilesUs[AB_PERCENTS.indexOf(95)] ?? null;
  if (metric === 'iteration_mean') return duration.meanUs;
  const requestMetric = metric.slice('iteration_'.length);
  return latencyUs(duration, THRESHOLD_METRICS.find((m) => m === requestMetric) ?? 'max');
}

function journeyValue(j: JourneyResults, rule: Threshold & { readonly metric: JourneyMetric }): number | null {
  const { metric } = rule;
  if (metric === 'iterations') return j.iterations.complete;
  if (metric === 'iterations_failed') {
    const ended = j.iterations.complete + j.iterations.failed;
    if (rule.unit === 'count') return j.iterations.failed;
    return ended > 0 ? (100 * j.iterations.failed) / ended : null;
  }
  if (metric === 'checks') {
    const passed = j.checks.reduce((sum, c) => sum + c.passed, 0);
    const made = j.checks.reduce((sum, c) => sum + c.passed + c.failed, 0);
    return made > 0 ? (100 * passed) / made : null;
  }
  return iterationUs(j.duration, metric);
}

/** Why a journey rule has no figure to judge, in the words of the rule list. */
function journeyNoValue(s: Summary, metric: JourneyMetric): string {
  if (s.journeys === null) return 'not a journey run: the script has no iteration()';
  return metric === 'checks' ? 'the script made no check' : 'no iteration ended';
}

/** The result's figure for a rule, in the rule's unit. */
export function thresholdValue(s: Summary, rule: Threshold): number | null {
  const { metric } = rule;
  if (isJourney(metric)) return s.journeys === null ? null : journeyValue(s.journeys, { ...rule, metric });
  if (isLatency(rule.metric)) return latencyUs(s.total, rule.metric);
  if (rule.metric === 'rps') return s.elapsedSeconds > 0 ? s.completed / s.elapsedSeconds : null;
  const count = rule.metric === 'errors' ? s.failed : s.non2xx;
  if (rule.unit === 'count') return count;
  return s.completed > 0 ? (100 * count) / s.completed : null;
}

/** Whether `value op limit` is true: a --fail-if rule is broken when it holds, a --slo objective met. */
export function ruleHolds(rule: Threshold, value: number): boolean {
  switch (rule.op) {
    case '<':
      return value < rule.limit;
    case '<=':
      return value <= rule.limit;
    case '>':
      return value > rule.limit;
    case '>=':
      return value >= rule.limit;
  }
}

/** A rule without a figure to judge is broken: a CI gate must not pass on a run that measured nothing. */
export function checkThresholds(s: Summary, rules: readonly Threshold[]): readonly ThresholdOutcome[] {
  return rules.map((rule): ThresholdOutcome => {
    const value = thresholdValue(s, rule);
    if (value === null)
      return isJourney(rule.metric)
        ? { rule, value, broken: true, noValue: journeyNoValue(s, rule.metric) }
        : { rule, value, broken: true };
    return { rule, value, broken: ruleHolds(rule, value) };
  });
}
