// --stages '30s:100,60s:1000,30s:0': k6's ramping-arrival-rate shape, read into rate stages and checked against the flags it replaces.

import type { RateStage } from './config.js';
import { shown } from './target.js';
import { parseDurationMs } from './units.js';

/** The total of the stages' durations, and their mean rate (what the report calls the target). */
export function stagesTotal(stages: readonly RateStage[]): { readonly durationMs: number; readonly meanPerSecond: number } {
  let durationMs = 0;
  let from = 0;
  let requests = 0;
  for (const s of stages) {
    requests += ((from + s.requestsPerSecond) / 2) * (s.durationMs / 1000);
    durationMs += s.durationMs;
    from = s.requestsPerSecond;
  }
  return { durationMs, meanPerSecond: durationMs > 0 ? (requests * 1000) / durationMs : 0 };
}

const RATE = /^(\d+(?:\.\d+)?|\.\d+)$/;

export interface StagesOptions {
  readonly stages: string;
  readonly rate?: string | undefined;
  readonly timeLimit?: string | undefined;
  readonly requests?: string | undefined;
}

/** The stages and the run's length, or null after saying what is wrong. */
export function stagesFrom(raw: StagesOptions, problems: string[]): { readonly stages: readonly RateStage[]; readonly durationMs: number; readonly meanPerSecond: number } | null {
  // Each of these would be a second, conflicting answer to "how fast" or "how long".
  if (raw.rate !== undefined) problems.push(`--stages and --rate ${shown(raw.rate)} cannot be used together: the stages set the rate`);
  if (raw.timeLimit !== undefined) problems.push(`--stages and -t ${shown(raw.timeLimit)} cannot be used together: the run lasts as long as the stages`);
  if (raw.requests !== undefined) problems.push(`--stages and -n ${shown(raw.requests)} cannot be used together: the stages decide how many requests are sent`);
  const stages: RateStage[] = [];
  for (const part of raw.stages.split(',')) {
    const [duration = '', rate = '', ...extra] = part.trim().split(':');
    const durationMs = parseDurationMs(duration);
    if (durationMs === null || !RATE.test(rate) || extra.length > 0) {
      problems.push(`invalid stage ${shown(part)} in --stages ${shown(raw.stages)} (expected DURATION:RATE, e.g. 30s:100,60s:1000,30s:0)`);
      return null;
    }
    stages.push({ durationMs, requestsPerSecond: Number(rate) });
  }
  const total = stagesTotal(stages);
  if (total.durationMs <= 0 || total.meanPerSecond <= 0) {
    problems.push(`--stages ${shown(raw.stages)} sends nothing (the stages need some time at a rate above 0)`);
    return null;
  }
  return { stages, ...total };
}
