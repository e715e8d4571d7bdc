// The words for --fail-if limits on one result: the list after gb's extra lines and the stderr line of each broken rule.

import type { Threshold, ThresholdOutcome } from '../metrics/thresholds.js';
import { formatFixed, padLabel } from './format.js';

/** A figure in the rule's unit, as a person reads it: '312.4 ms', '812.3/s', '2.35 %', '47'. */
export function thresholdFigure(rule: Threshold, value: number): string {
  switch (rule.unit) {
    case 'us': {
      const ms = value / 1000;
      // Sub-millisecond services need the microseconds; above 10 ms they are noise.
      return `${formatFixed(ms, ms >= 10 ? 1 : 3)} ms`;
    }
    case 'per-second':
      return `${formatFixed(value, 1)}/s`;
    case 'percent':
      return `${formatFixed(value, 2)} %`;
    case 'count':
      return String(value);
  }
}

function valueText(o: ThresholdOutcome): string {
  if (o.value !== null) return `${o.rule.metric} was ${thresholdFigure(o.rule, o.value)}`;
  return `no ${o.rule.metric} to check (${o.noValue ?? 'nothing completed'})`;
}

/** 'gb: --fail-if p99>250ms broken: p99 was 312.4 ms', for stderr. */
export function brokenThresholdLine(o: ThresholdOutcome): string {
  return `gb: --fail-if ${o.rule.text} broken: ${valueText(o)}\n`;
}

/** Every rule with its verdict, so a CI log shows the margins of the rules that held too. */
export function renderThresholds(outcomes: readonly ThresholdOutcome[]): string {
  if (outcomes.length === 0) return '';
  const lines = outcomes.map(
    (o, i) => `${padLabel(i === 0 ? 'Fail-if rules:' : '')}${o.rule.text}: ${o.broken ? 'FAILED' : 'ok'} (${valueText(o)})\n`,
  );
  return `\n${lines.join('')}`;
}
