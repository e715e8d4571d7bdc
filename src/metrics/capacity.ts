// `gb capacity`: the search for the highest constant rate at which every objective holds, kept free of
// I/O so it can be table-tested with a fake measurement.

import { BUSY_SATURATED_PERCENT, LOOP_DELAY_SATURATED_MS } from './client-health.js';
import { thresholdValue, type Threshold } from './thresholds.js';
import type { Summary } from './summary.js';

export interface CapacityOptions {
  readonly startRate: number;
  readonly maxRate: number;
  readonly maxSteps: number;
  /** Bisection stops when the first bad rate is within this fraction above the last good one. */
  readonly tolerance: number;
}

export const CAPACITY_DEFAULTS: CapacityOptions = { startRate: 10, maxRate: 1_000_000, maxSteps: 12, tolerance: 0.05 };

/** What one measured step says: whether every objective held, and whether gb (not the server) set the limit. */
export interface StepVerdict {
  readonly pass: boolean;
  readonly clientLimited: boolean;
}

export interface CapacityStep<V extends StepVerdict> {
  readonly rate: number;
  readonly verdict: V;
}

export type CapacityAnswer =
  /** `atMaxRate`: the search reached --max-rate without a failure, so the true capacity may be higher. */
  | { readonly kind: 'found'; readonly rate: number; readonly firstBad: number | null; readonly atMaxRate: boolean }
  | { readonly kind: 'none'; readonly firstBad: number }
  /** The failing step's numbers describe gb, so no capacity of the server can be claimed from it. */
  | { readonly kind: 'client-limited'; readonly rate: number; readonly lastGood: number | null };

export interface CapacityResult<V extends StepVerdict> {
  readonly steps: readonly CapacityStep<V>[];
  readonly answer: CapacityAnswer;
  /** The step budget ran out before good and bad were within the tolerance. */
  readonly budgetExhausted: boolean;
}

/**
 * Ramps ×2 from startRate until a step fails (or maxRate passes), then bisects between the last good
 * and first bad rate. Rates are whole requests per second: finer steps are below any run's noise.
 */
export async function searchCapacity<V extends StepVerdict>(options: CapacityOptions, measure: (rate: number) => Promise<V>): Promise<CapacityResult<V>> {
  const steps: CapacityStep<V>[] = [];
  let good: number | null = null;
  let bad: number | null = null;
  const step = async (rate: number): Promise<V> => {
    const verdict = await measure(rate);
    steps.push({ rate, verdict });
    return verdict;
  };
  let rate = Math.min(options.startRate, options.maxRate);
  while (steps.length < options.maxSteps) {
    const verdict = await step(rate);
    if (!verdict.pass) {
      // A failure caused by gb says nothing about the server, and bisecting below it would mislead.
      if (verdict.clientLimited) return { steps, answer: { kind: 'client-limited', rate, lastGood: good }, budgetExhausted: false };
      bad = rate;
      break;
    }
    good = rate;
    if (rate >= options.maxRate) return { steps, answer: { kind: 'found', rate, firstBad: null, atMaxRate: true }, budgetExhausted: false };
    rate = Math.min(rate * 2, options.maxRate);
  }
  if (bad === null) {
    return { steps, answer: good === null ? { kind: 'none', firstBad: rate } : { kind: 'found', rate: good, firstBad: null, atMaxRate: false }, budgetExhausted: true };
  }
  if (good === null) return { steps, answer: { kind: 'none', firstBad: bad }, budgetExhausted: false };
  while (bad - good > good * options.tolerance && bad - good > 1) {
    if (steps.length >= options.maxSteps) return { steps, answer: { kind: 'found', rate: good, firstBad: bad, atMaxRate: false }, budgetExhausted: true };
    const mid = Math.round((good + bad) / 2);
    const verdict = await step(mid);
    if (verdict.pass) good = mid;
    else if (verdict.clientLimited) return { steps, answer: { kind: 'client-limited', rate: mid, lastGood: good }, budgetExhausted: false };
    else bad = mid;
  }
  return { steps, answer: { kind: 'found', rate: good, firstBad: bad, atMaxRate: false }, budgetExhausted: false };
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
    const held = rule.op === '<' ? value < rule.limit : rule.op === '<=' ? value <= rule.limit : rule.op === '>' ? value > rule.limit : value >= rule.limit;
    return { rule, value, held };
  });
}

/** Beyond this share of requests sent late, a rate step measured gb's schedule keeping, not the server. */
export const LATE_LIMITED_FRACTION = 0.5;

/**
 * Whether gb limited a step. Requests sent late because every connection waited on a slow server are
 * the server's doing, so lateness counts only when most requests were late; the client's own
 * saturation (busy or lagging event loop) always counts.
 */
export function clientLimited(s: Summary): boolean {
  const lateShare = s.rate !== null && s.issued > 0 ? s.rate.late / s.issued : 0;
  const ownLoop = s.client.loopUtilizationPercent >= BUSY_SATURATED_PERCENT || s.client.eventLoopDelayP99Ms > LOOP_DELAY_SATURATED_MS;
  return (s.client.saturated && ownLoop) || lateShare > LATE_LIMITED_FRACTION;
}
