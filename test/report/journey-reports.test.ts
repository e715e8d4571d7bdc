// Tests where a journey run's results are shown: gb's text report (ab's own untouched), --timeline's columns and the HTML report's section and chart data.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { renderAbReport } from '../../src/report/ab-text.js';
import { renderGbExtras } from '../../src/report/gb-extras.js';
import { chartData } from '../../src/report/html-charts.js';
import { renderHtml } from '../../src/report/html.js';
import { renderTimelineText } from '../../src/report/timeline-text.js';
import { BOOM, journeyResultsOf, journeySummary, T0_MS } from '../helpers/journeys.js';

const MANY_FAILURES = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`Error: step ${i} (journey.js:${i + 1})`, 7 - i]));

/** 3 s, 5 users; 60 complete and 28 failed iterations of 10..40 ms; two checks, one named with markup; seven failure messages. */
const journeys = journeyResultsOf({
  complete: 60,
  failed: 28,
  durationsUs: [10_000, 20_000, 30_000, 40_000],
  seconds: 3,
  users: 5,
  checks: { 'status is 200': [58, 2], '<b>cart</b> & total': [30, 0] },
  failures: MANY_FAILURES,
});
const withJourneys = journeySummary(journeys, 3);
const plain = journeySummary(null, 3);

describe('the text report', () => {
  const text = renderGbExtras(withJourneys);

  it('adds a Journeys block after the per-endpoint table: users, iterations and their rate', () => {
    assert.match(text, /\nJourneys\nUsers: +5 at the start, 5 at the peak\n/);
    assert.match(text, /Iterations: +60 complete, 28 failed, 0 interrupted \(88 started\)\n/);
    assert.match(text, /Iterations per second: +29\.33 \[#\/sec\] \(complete and failed\)\n/);
    const withEndpoints = renderGbExtras({
      ...withJourneys,
      endpoints: [
        { name: 'GET /', requests: 1, failures: 0, non2xx: 0, requestsPerSecond: 1, p50Us: 1, p90Us: 1, p99Us: 1, maxUs: 1, histogram: '' },
      ],
    });
    assert.ok(withEndpoints.indexOf('Per endpoint') < withEndpoints.indexOf('\nJourneys\n'));
  });

  it('prints the iteration durations in ms: p50, p90, p95, p99, max', () => {
    assert.match(
      text,
      /Iteration duration \(ms\)\n +p50 +p90 +p95 +p99 +max\n {2}Iteration: +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d{3} +40\.\d{3}\n/,
    );
  });

  it('prints the checks by name with their pass rate', () => {
    assert.match(text, /Checks\n +passed +failed +% passed\n/);
    assert.match(text, / {2}<b>cart<\/b> & total +30 +0 +100\.00\n/);
    assert.match(text, / {2}status is 200 +58 +2 +96\.67\n/);
  });

  it('prints the five most frequent failure messages of seven', () => {
    assert.match(text, /Failed iterations \(the 5 most frequent of 7 messages\)\n +×7 {2}Error: step 0 \(journey\.js:1\)\n/);
    assert.match(text, /×3 {2}Error: step 4/);
    assert.doesNotMatch(text, /step 5/);
  });

  it("leaves ab's own report as it is, and a run without journeys without the block", () => {
    assert.equal(renderAbReport(withJourneys), renderAbReport(plain));
    assert.doesNotMatch(renderGbExtras(plain), /Journeys|Iteration/);
  });

  it('shows interrupted and late iterations', () => {
    const cut = { ...journeys, iterations: { ...journeys.iterations, interrupted: 3, late: 2 } };
    const out = renderGbExtras(journeySummary(cut, 3));
    assert.match(out, /28 failed, 3 interrupted/);
    assert.match(out, /Started late: +2 \(due while every user was busy at --max-users\)/);
    assert.doesNotMatch(text, /Started late/);
    const oneFailure = renderGbExtras(journeySummary({ ...journeys, failures: [{ message: BOOM, count: 1 }] }, 3));
    assert.match(oneFailure, /\nFailed iterations\n +×1 {2}Error: boom/);
  });
});

describe('--timeline', () => {
  it('adds iterations, failed iterations and active users to each second of a journey run', () => {
    const lines = renderTimelineText(withJourneys.timeline, journeys.timeline).trim().split('\n');
    assert.match(lines[1] ?? '', /^second .* p99 ms +iterations +failed iter\. +active users$/);
    const cells = lines.slice(2).map((l) => l.trim().split(/\s+/));
    assert.equal(cells.length, 3);
    const sum = (col: number): number => cells.reduce((s, c) => s + Number(c[col]), 0);
    assert.equal(sum(7), 60);
    assert.equal(sum(8), 28);
    assert.deepEqual(
      cells.map((c) => c[9]),
      journeys.timeline.rows.map((r) => String(r.activeUsers)),
    );
  });

  it('lines journey rows up with request rows by wall clock, giving seconds only journeys have a row', () => {
    const later = journeyResultsOf({ complete: 4, failed: 1, durationsUs: [5000], seconds: 2, startEpochMs: T0_MS + 2000 });
    const lines = renderTimelineText(plain.timeline, later.timeline).trim().split('\n').slice(2);
    // Requests in seconds 0..2; the journeys' seconds 0 and 1 are the run's 2 and 3.
    assert.deepEqual(
      lines.map((l) => l.trim().split(/\s+/)[0]),
      ['0', '1', '2', '3'],
    );
    assert.deepEqual(lines[0]?.trim().split(/\s+/).slice(7), ['0', '0', '0']);
    assert.deepEqual(lines[3]?.trim().split(/\s+/).slice(1, 3), ['-', '0']);
  });

  it('is unchanged without journeys', () => {
    assert.equal(renderTimelineText(plain.timeline, null), renderTimelineText(plain.timeline));
    assert.doesNotMatch(renderTimelineText(plain.timeline), /iterations/);
  });
});

describe('the HTML report', () => {
  const html = renderHtml(withJourneys);

  it('has a Journeys section with the figures, the durations, the checks and the failures, every name escaped', () => {
    assert.match(html, /<section class="journeys"><h2>Journeys<\/h2>/);
    assert.match(html, /<tr><th>Users<\/th><td>5 at the start, 5 at the peak<\/td><\/tr>/);
    assert.match(html, /<tr><th>Failed<\/th><td>28<\/td><\/tr>/);
    assert.match(html, /<tr><th>Checks passed<\/th><td>88 of 90 \(97\.78 %\)<\/td><\/tr>/);
    assert.match(html, /<tr><td>max<\/td><td>40\.0 ms<\/td><\/tr>/);
    assert.match(html, /<tr><td>&lt;b&gt;cart&lt;\/b&gt; &amp; total<\/td><td>30<\/td><td>0<\/td><td>100\.00 %<\/td><\/tr>/);
    assert.doesNotMatch(html.slice(0, html.indexOf('id="gb-data"')), /<b>cart/);
    assert.match(html, /<tr><td>Error: step 0 \(journey\.js:1\)<\/td><td>7<\/td>/);
    assert.match(html, /<div class="chart" id="chart-journeys-time"><\/div>/);
  });

  it('charts iterations per second and active users on the seconds of the run', () => {
    const charts = chartData(withJourneys, {});
    assert.ok(charts.journeys !== null);
    assert.deepEqual(charts.journeys.seconds, [0, 1, 2]);
    assert.deepEqual(
      charts.journeys.complete,
      journeys.timeline.rows.map((r) => r.complete),
    );
    assert.deepEqual(
      charts.journeys.failed,
      journeys.timeline.rows.map((r) => r.failed),
    );
    assert.deepEqual(
      charts.journeys.activeUsers,
      journeys.timeline.rows.map((r) => r.activeUsers),
    );
    assert.equal(charts.journeys.endSeconds, 3);
    assert.match(html, /draw\('chart-journeys-time'/);
  });

  it('has no section and no journey chart for a run without journeys', () => {
    const page = renderHtml(plain);
    assert.doesNotMatch(page, /class="journeys"|id="chart-journeys-time"/);
    assert.equal(chartData(plain, {}).journeys, null);
  });
});
