// The HTML report's journey section: users, iterations and their durations, the checks table, why iterations failed, and the chart's box.

import { AB_PERCENTS, type CheckResult, type JourneyResults, type PhaseStats, type Summary } from '../metrics/summary.js';
import { formatFixed } from './format.js';
import { escapeHtml } from './html-escape.js';

/** The failure messages listed; the embedded JSON keeps them all. */
const LISTED_FAILURES = 20;

const ms = (us: number): string => `${formatFixed(us / 1000, us < 10_000 ? 3 : 1)} ms`;

function percent(part: number, whole: number): string {
  return whole > 0 ? `${formatFixed((100 * part) / whole, 2)} %` : '–';
}

/** Every cell passes through escapeHtml: check names and failure messages come from the script. */
function table(head: readonly string[], rows: readonly (readonly (string | number)[])[], className: string): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}">\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function figures(j: JourneyResults): string {
  const it = j.iterations;
  const checksMade = j.checks.reduce((sum, c) => sum + c.passed + c.failed, 0);
  const checksPassed = j.checks.reduce((sum, c) => sum + c.passed, 0);
  const rows: [string, string | number][] = [
    ['Users', `${j.users.initial} at the start, ${j.users.peak} at the peak`],
    ['Iterations started', it.started],
    ['Complete', it.complete],
    ['Failed', it.failed],
    ['Interrupted by the end', it.interrupted],
    ['Iterations per second', `${formatFixed(it.perSecond, 2)} (complete and failed)`],
  ];
  if (it.late > 0) rows.push(['Started late (every user busy)', it.late]);
  if (checksMade > 0) rows.push(['Checks passed', `${checksPassed} of ${checksMade} (${percent(checksPassed, checksMade)})`]);
  const body = rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`).join('\n');
  return `<table class="kv journeys">\n${body}\n</table>`;
}

function durationTable(d: PhaseStats | null): string {
  if (d === null) return '<p class="empty">No iteration ended, so there are no iteration durations.</p>';
  const p95 = d.abPercentilesUs[AB_PERCENTS.indexOf(95)] ?? d.maxUs;
  const picks: [string, number][] = [
    ['min', d.minUs],
    ['mean', d.meanUs],
    ['p50', d.p50Us],
    ['p90', d.p90Us],
    ['p95', p95],
    ['p99', d.p99Us],
    ['p99.9', d.p999Us],
    ['max', d.maxUs],
  ];
  return table(
    ['Iteration duration', 'time'],
    picks.map(([name, us]) => [name, ms(us)]),
    'grid iteration-durations',
  );
}

function checksTable(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '<p class="empty">The script made no checks.</p>';
  const rows = checks.map((c) => [c.name, c.passed, c.failed, percent(c.passed, c.passed + c.failed)]);
  return table(['Check', 'Passed', 'Failed', '% passed'], rows, 'grid checks');
}

function failuresTable(j: JourneyResults): string {
  if (j.failures.length === 0) return '<p class="empty">No iteration failed.</p>';
  const listed = j.failures.slice(0, LISTED_FAILURES);
  const rest = j.failures.length > listed.length ? `<p>The ${listed.length} most frequent of ${j.failures.length} messages.</p>\n` : '';
  const ended = j.iterations.complete + j.iterations.failed;
  return (
    rest +
    table(
      ['Why iterations failed', 'Count', 'Share of ended'],
      listed.map((f) => [f.message, f.count, percent(f.count, ended)]),
      'grid errors',
    )
  );
}

/** The section on a line of its own, or '' for a run without journeys (whose page stays as it was). */
export function journeySection(summary: Summary, hasChart: boolean): string {
  const j = summary.journeys;
  if (j === null) return '';
  const chart = `<div class="chart" id="chart-journeys-time">${hasChart ? '' : '<p class="empty">No second of the journeys was recorded.</p>'}</div>`;
  return (
    `\n<section class="journeys"><h2>Journeys</h2>\n` +
    `<div class="side">${figures(j)}\n${durationTable(j.duration)}</div>\n${chart}\n` +
    `<div class="cols"><div><h3>Checks</h3>\n${checksTable(j.checks)}</div><div><h3>Failed iterations</h3>\n${failuresTable(j)}</div></div>\n</section>`
  );
}
