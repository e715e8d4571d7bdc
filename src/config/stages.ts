// --stages '30s:100,60s:1000,30s:0': k6's ramping-arrival-rate shape, read into rate stages.

import type { RateStage } from './config.js';
import type { Parse } from './option-spec.js';
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

export interface Staged {
  readonly stages: readonly RateStage[];
  readonly durationMs: number;
  readonly meanPerSecond: number;
}

/** The stages and the run's length; the flags they cannot go with are refused by validate.ts. */
export const parseStages: Parse<string, Staged> = (text, c) => {
  const stages: RateStage[] = [];
  for (const part of text.split(',')) {
    const [duration = '', rate = '', ...extra] = part.trim().split(':');
    const durationMs = parseDurationMs(duration);
    if (durationMs === null || !RATE.test(rate) || extra.length > 0) {
      c.problems.push(`invalid stage ${shown(part)} in ${c.flag} ${shown(text)} (expected DURATION:RATE, e.g. 30s:100,60s:1000,30s:0)`);
      return null;
    }
    stages.push({ durationMs, requestsPerSecond: Number(rate) });
  }
  const total = stagesTotal(stages);
  if (total.durationMs <= 0 || total.meanPerSecond <= 0) {
    c.problems.push(`${c.flag} ${shown(text)} sends nothing (the stages need some time at a rate above 0)`);
    return null;
  }
  return { stages, ...total };
};
