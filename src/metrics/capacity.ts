// `gb capacity`: the search for the highest constant rate at which every objective holds, kept free of
// I/O so it can be table-tested with a fake measurement.

import { BUSY_SATURATED_PERCENT, LOOP_DELAY_SATURATED_MS } from './client-health.js';
import { ruleHolds, thresholdValue, type Threshold } from './thresholds.js';
import type { Summary } from './summary.js';

export interface CapacityOptions {
  readonly startRate: number;
  readonly maxRate: number;
  readonly maxSteps: number;
  /** Bisection stops when the first bad rate is within this fraction above the last good one. */
  readonly tolerance: number;
}

export const CAPACITY_DEFAULTS: CapacityOptions = { startRate: 10, maxRate: 1_000_000, maxSteps: 12, tolerance: 0.05 };

/**
 * How gb, not the server, limited a step: its event loop was busy or lagging ('busy'); most requests
 * left late beside a free connection ('late'); or most waited for a connection, and the step's
 * connections could not have carried the rate even at the server's unloaded latency ('connections').
 */
export type ClientLimit = 'busy' | 'late' | 'connections';

/** What one measured step says: whether every objective held, and whether gb (not the server) set the limit. */
export interface StepVerdict {
  readonly pass: boolean;
  /** Null when the server's numbers decided the step. */
  readonly clientLimit: ClientLimit | null;
}

export interface CapacityStep<V extends StepVerdict> {
  readonly rate: number;
  readonly verdict: V;
}

export type CapacityAnswer =
  /** `atMaxRate`: the search reached --max-rate without a failure, so the true capacity may be higher. */
  | { readonly kind: 'found'; readonly rate: number; readonly firstBad: number | null; readonly atMaxRate: boolean }
  | { readonly kind: 'none'; readonly firstBad: number }
  /** The lowest failing rate failed because of gb, so no capacity of the server can be claimed from it. */
  | { readonly kind: 'client-limited'; readonly rate: number; readonly lastGood: number | null; readonly limit: ClientLimit };

export interface CapacityResult<V extends StepVerdict> {
  readonly steps: readonly CapacityStep<V>[];
  readonly answer: CapacityAnswer;
  /** The step budget ran out before good and bad were within the tolerance. */
  readonly budgetExhausted: boolean;
}

interface Bad {
  readonly rate: number;
  readonly limit: ClientLimit | null;
}

/** The answer once `bad` is the lowest failing rate: the server's capacity, unless gb made that step fail. */
function answerAt(good: number | null, bad: Bad): CapacityAnswer {
  if (bad.limit !== null) return { kind: 'client-limited', rate: bad.rate, lastGood: good, limit: bad.limit };
  return good === null ? { kind: 'none', firstBad: bad.rate } : { kind: 'found', rate: good, firstBad: bad.rate, atMaxRate: false };
}

/**
 * Ramps ×2 from startRate until a step fails (or maxRate passes), then bisects between the last good
 * and first bad rate. Rates are whole requests per second: finer steps are below any run's noise.
 * A step gb limited is bad too (the rate was not carried), so the search goes on below it; only
 * when such a step ends up the lowest failing rate is no capacity claimed.
 */
export async function searchCapacity<V extends StepVerdict>(
  options: CapacityOptions,
  measure: (rate: number) => Promise<V>,
): Promise<CapacityResult<V>> {
  const steps: CapacityStep<V>[] = [];
  let good: number | null = null;
  let bad: Bad | null = null;
  const step = async (rate: number): Promise<V> => {
    const verdict = await measure(rate);
    steps.push({ rate, verdict });
    return verdict;
  };
  let rate = Math.min(options.startRate, options.maxRate);
  while (steps.length < options.maxSteps) {
    const verdict = await step(rate);
    if (!verdict.pass) {
      bad = { rate, limit: verdict.clientLimit };
      break;
    }
    good = rate;
    if (rate >= options.maxRate) return { steps, answer: { kind: 'found', rate, firstBad: null, atMaxRate: true }, budgetExhausted: false };
    rate = Math.min(rate * 2, options.maxRate);
  }
  if (bad === null) {
    return {
      steps,
      answer: good === null ? { kind: 'none', firstBad: rate } : { kind: 'found', rate: good, firstBad: null, atMaxRate: false },
      budgetExhausted: true,
    };
  }
  if (good === null) return { steps, answer: answerAt(good, bad), budgetExhausted: false };
  while (bad.rate - good > good * options.tolerance && bad.rate - good > 1) {
    if (steps.length >= options.maxSteps) return { steps, answer: answerAt(good, bad), budgetExhausted: true };
    const mid = Math.round((good + bad.rate) / 2);
    const verdict = await step(mid);
    if (verdict.pass) good = mid;
    else bad = { rate: mid, limit: verdict.clientLimit };
  }
  return { steps, answer: answerAt(good, bad), budgetExhausted: false };
}

export interface ObjectiveOutcome {
  readonly rule: Threshold;
  readonly value: number | null;
  readonly held: boolean;
}

/** An objective holds when `value op limit` does; with no figure (nothing completed) it does not. */
export function checkObjectives(s: Summary, rules: readonly Threshold[]): readonly ObjectiveOutcome[] {
  return rules.map((rule) => {
    const value = thresholdValue(s, rule);
    if (value === null) return { rule, value, held: false };
    return { rule, value, held: ruleHolds(rule, value) };
  });
}

/** Beyond this share of a step's requests sent late for one cause, that cause set the step's numbers. */
export const LATE_LIMITED_FRACTION = 0.5;

/**
 * Requests a second a step's connections could carry if each request held its connection as long as
 * the baseline's median (uncorrected) request did, by Little's law; null without a latency to go on.
 * Slots are connections at their largest (--max-connections) times the requests each carries at once.
 */
export function poolCeilingPerSecond(s: Summary, baseline: Summary): number | null {
  const latencyUs = baseline.rate?.uncorrectedTotal?.p50Us ?? baseline.total?.p50Us ?? 0;
  if (latencyUs <= 0) return null;
  const perConnection = Math.min(s.settings.pipeline, s.http2?.streamLimit ?? Infinity);
  const slots = (s.connections?.peak ?? s.settings.concurrency) * perConnection;
  return (slots * 1e6) / latencyUs;
}

/**
 * Whether gb limited a step, and how. `baseline` is the search's lowest-rate step, whose latency is
 * the server's when unhurried. Requests that waited for a connection are the server's doing when the
 * server slowed under the load (its queue held every connection); they are gb's when even the
 * unhurried server could not have answered the rate on so few connections (add -c).
 */
export function clientLimit(s: Summary, baseline: Summary): ClientLimit | null {
  const ownLoop = s.client.loopUtilizationPercent >= BUSY_SATURATED_PERCENT || s.client.eventLoopDelayP99Ms > LOOP_DELAY_SATURATED_MS;
  if (s.client.saturated && ownLoop) return 'busy';
  if (s.rate === null || s.issued === 0) return null;
  if (s.rate.lateClient / s.issued > LATE_LIMITED_FRACTION) return 'late';
  if (s.rate.lateServer / s.issued > LATE_LIMITED_FRACTION) {
    const ceiling = poolCeilingPerSecond(s, baseline);
    if (ceiling !== null && ceiling < s.rate.targetPerSecond) return 'connections';
  }
  return null;
}
