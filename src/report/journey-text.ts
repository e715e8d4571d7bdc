// The "Journeys" block of gb's text report: users, iterations, their durations, checks and why iterations failed.

import { AB_PERCENTS, type CheckResult, type JourneyResults, type PhaseStats } from '../metrics/summary.js';
import { formatFixed, formatFixedWidth, padLabel, padLeft } from './format.js';

/** The failure messages shown; the JSON keeps them all. */
const TOP_FAILURES = 5;

const DURATION_COLUMNS = ['p50', 'p90', 'p95', 'p99', 'max'] as const;

/** p95 from ab's table, as the duration keeps no HDR p95; the others as the request latency table has them. */
function durationRow(d: PhaseStats): string {
  const p95 = d.abPercentilesUs[AB_PERCENTS.indexOf(95)] ?? d.maxUs;
  const values = [d.p50Us, d.p90Us, p95, d.p99Us, d.maxUs];
  return `  ${'Iteration:'.padEnd(20)}${values.map((us) => ` ${formatFixedWidth(us / 1000, 3, 8)}`).join('')}\n`;
}

function percentPassed(c: CheckResult): string {
  const made = c.passed + c.failed;
  return made === 0 ? '-' : formatFixed((100 * c.passed) / made, 2);
}

function checkLines(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '';
  const nameWidth = Math.max(20, ...checks.map((c) => c.name.length + 2));
  const heading = ['passed', 'failed', '% passed'].map((h) => padLeft(h, 10)).join('');
  let out = `\nChecks\n  ${' '.repeat(nameWidth)}${heading}\n`;
  for (const c of checks) {
    out += `  ${c.name.padEnd(nameWidth)}${padLeft(String(c.passed), 10)}${padLeft(String(c.failed), 10)}${padLeft(percentPassed(c), 10)}\n`;
  }
  return out;
}

function failureLines(j: JourneyResults): string {
  if (j.failures.length === 0) return '';
  const shown = j.failures.slice(0, TOP_FAILURES);
  const rest = j.failures.length - shown.length;
  let out = `\nFailed iterations${rest > 0 ? ` (the ${TOP_FAILURES} most frequent of ${j.failures.length} messages)` : ''}\n`;
  for (const f of shown) out += `  ${padLeft(`×${f.count}`, 8)}  ${f.message.replace(/\s*\n\s*/g, ' ')}\n`;
  return out;
}

/** The block, with a blank line before it as gb's other tables have. */
export function renderJourneys(j: JourneyResults): string {
  const it = j.iterations;
  let out = '\nJourneys\n';
  out += `${padLabel('Users:')}${j.users.initial} at the start, ${j.users.peak} at the peak\n`;
  out += `${padLabel('Iterations:')}${it.complete} complete, ${it.failed} failed, ${it.interrupted} interrupted (${it.started} started)\n`;
  out += `${padLabel('Iterations per second:')}${formatFixed(it.perSecond, 2)} [#/sec] (complete and failed)\n`;
  if (it.late > 0) out += `${padLabel('Started late:')}${it.late} (due while every user was busy at --max-users)\n`;
  if (j.duration !== null) {
    out += `\nIteration duration (ms)\n${' '.repeat(22)}${DURATION_COLUMNS.map((c) => padLeft(c, 9)).join('')}\n`;
    out += durationRow(j.duration);
  }
  return out + checkLines(j.checks) + failureLines(j);
}
