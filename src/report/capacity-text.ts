// The words of `gb capacity`: one table row per measured step, then the answer in one line.

import type { CapacityAnswer, CapacityStep, ClientLimit, ObjectiveOutcome, StepVerdict } from '../metrics/capacity.js';
import type { Summary } from '../metrics/summary.js';
import { formatFixed } from './format.js';
import { thresholdFigure } from './threshold-text.js';

export interface MeasuredVerdict extends StepVerdict {
  readonly summary: Summary;
  readonly outcomes: readonly ObjectiveOutcome[];
}

/** 4800 → '4 800': a capacity is read at a glance, and a space groups digits in every locale. */
export function groupDigits(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

function ms(us: number | undefined): string {
  return us === undefined ? '-' : formatFixed(us / 1000, us >= 10_000 ? 1 : 3);
}

function outcomeText(o: ObjectiveOutcome): string {
  return o.value === null ? `no ${o.rule.metric}` : `${o.rule.metric} ${thresholdFigure(o.rule, o.value)}`;
}

const LIMIT_WORDS: Readonly<Record<ClientLimit, string>> = {
  busy: 'its event loop was saturated',
  late: 'most requests left late beside a free connection',
  connections: 'too few connections for the rate',
};

const LIMIT_FIXES: Readonly<Record<ClientLimit, string>> = {
  busy: 'add workers (-G N)',
  late: 'add workers (-G N)',
  connections: 'add connections (-c N) or let the pool grow (--max-connections N)',
};

function why(v: MeasuredVerdict): string {
  const broken = v.outcomes.filter((o) => !o.held).map((o) => `${outcomeText(o)} (want ${o.rule.text})`);
  if (v.clientLimit !== null) broken.push(`gb was the bottleneck (${LIMIT_WORDS[v.clientLimit]})`);
  return broken.join('; ');
}

export const CAPACITY_COLUMNS = ['step', 'rate/s', 'achieved/s', 'p50 ms', 'p99 ms', 'errors %', 'verdict', 'why'] as const;

/** The cells of each step's row, in CAPACITY_COLUMNS' order, shared by the text and HTML tables. */
export function capacityRows(steps: readonly CapacityStep<MeasuredVerdict>[]): string[][] {
  return steps.map((st, i) => {
    const s = st.verdict.summary;
    // A journey's rate is of iterations, not of their requests.
    const achieved =
      s.journeys?.iterations.perSecond ?? s.rate?.achievedPerSecond ?? (s.elapsedSeconds > 0 ? s.completed / s.elapsedSeconds : 0);
    const errors = s.completed > 0 ? (100 * s.failed) / s.completed : 0;
    return [
      String(i + 1),
      groupDigits(st.rate),
      formatFixed(achieved, 1),
      ms(s.total?.p50Us),
      ms(s.total?.p99Us),
      formatFixed(errors, 2),
      st.verdict.pass ? 'pass' : 'FAIL',
      why(st.verdict),
    ];
  });
}

export function renderCapacitySteps(steps: readonly CapacityStep<MeasuredVerdict>[]): string {
  const rows = capacityRows(steps);
  const numeric = CAPACITY_COLUMNS.length - 1;
  const widths = CAPACITY_COLUMNS.slice(0, numeric).map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => {
    const reason = cells[numeric] ?? '';
    return `${cells
      .slice(0, numeric)
      .map((cell, c) => cell.padStart(widths[c] ?? 0))
      .join('  ')}${reason === '' ? '' : `  ${reason}`}\n`;
  };
  return line(CAPACITY_COLUMNS) + rows.map(line).join('');
}

/** The first objective's figure at a step, or the first broken one's: what decided it. */
function decisive(steps: readonly CapacityStep<MeasuredVerdict>[], rate: number): string | null {
  const st = steps.find((x) => x.rate === rate);
  if (st === undefined) return null;
  const o = st.verdict.outcomes.find((x) => !x.held) ?? st.verdict.outcomes[0];
  return o === undefined ? null : `${outcomeText(o)} at ${groupDigits(rate)}`;
}

/** 'capacity: 4 800 req/s (p99 38.0 ms at 4 800; p99 71.0 ms at 5 050)', or why there is none. */
export function renderCapacityAnswer(
  answer: CapacityAnswer,
  steps: readonly CapacityStep<MeasuredVerdict>[],
  budgetExhausted: boolean,
): string {
  const unit = steps[0]?.verdict.summary.journeys != null ? 'iterations/s' : 'req/s';
  const budget = budgetExhausted ? ' (the step budget ran out before the search narrowed to 5 %; raise --max-steps)' : '';
  switch (answer.kind) {
    case 'found': {
      const at = [decisive(steps, answer.rate), answer.firstBad === null ? null : decisive(steps, answer.firstBad)].filter(
        (x) => x !== null,
      );
      const more = answer.atMaxRate ? ', the --max-rate: it may hold more' : '';
      return `capacity: ${groupDigits(answer.rate)} ${unit}${at.length > 0 ? ` (${at.join('; ')})` : ''}${more}${budget}\n`;
    }
    case 'none':
      return `capacity: none: the objectives broke at the first rate, ${groupDigits(answer.firstBad)} ${unit} (${decisive(steps, answer.firstBad) ?? ''}); try a lower --start-rate\n`;
    case 'client-limited': {
      const lastGood = answer.lastGood === null ? '' : ` (the last good rate was ${groupDigits(answer.lastGood)})`;
      return `capacity: not claimed: gb itself was the bottleneck at ${groupDigits(answer.rate)} ${unit}: ${LIMIT_WORDS[answer.limit]}${lastGood}; ${LIMIT_FIXES[answer.limit]}${budget}\n`;
    }
  }
}
