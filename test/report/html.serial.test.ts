// Tests the self-contained HTML report: escaping of hostile text, no external assets, chart containers and embedded data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import type { Summary, TimelineRow } from '../../src/metrics/summary.js';
import { escapeHtml, jsonForScript, renderHtml } from '../../src/report/html.js';
import { runConfig } from '../../src/run-config.js';
import { startTargetServer } from '../../src/server/target.js';
import { clientFixture, optionsOf, phaseOf, runSummary, settingsFixture, summaryFixture } from '../helpers/summaries.js';

const HOSTILE_PATH = '/<script>alert(1)</script>';
const HOSTILE_ERROR = 'read failed </script><img src=x onerror=alert(3)>';
const HOSTILE_SERVER = '"><script>alert(2)</script>';

/** A hand-built run with every optional part present: hostile strings, a timeline, rate mode and client warnings. */
function syntheticSummary(timeline: readonly TimelineRow[]): Summary {
  const totals = Array.from({ length: 2000 }, (_, i) => 800 + ((i * 7919) % 9000) + (i % 500 === 0 ? 250_000 : 0));
  const total = phaseOf(totals);
  return summaryFixture({
    tool: { name: 'gb', version: '0.0.0-test' },
    target: { url: `http://evil.test:8080${HOSTILE_PATH}`, host: 'evil.test<b>', port: 8080, path: HOSTILE_PATH, tls: false },
    settings: settingsFixture({ concurrency: 8, requests: 2000, requestsPerSecond: 500 }),
    serverSoftware: HOSTILE_SERVER,
    documentLength: 13,
    elapsedSeconds: 4.2,
    startedAt: '2026-01-02T03:04:05.000Z',
    issued: 2003,
    responses: 2000,
    completed: 2002,
    succeeded: 2000,
    failed: 3,
    failures: { connect: 1, receive: 2, length: 0, exceptions: 0, script: 0, grpc: 0 },
    timeouts: 1,
    non2xx: 40,
    keepAliveRequests: 2000,
    statusCodes: { '200': 1960, '503': 40 },
    errors: { [HOSTILE_ERROR]: 2, ECONNREFUSED: 1 },
    bytes: { received: 250_000, body: 26_000, sent: 90_000 },
    connect: phaseOf(totals.map(() => 100)),
    processing: phaseOf(totals.map((t) => t - 100)),
    waiting: phaseOf(totals.map((t) => t - 200)),
    total,
    successTotal: phaseOf(totals.slice(40)),
    successWaiting: phaseOf(totals.slice(40).map((t) => t - 200)),
    timeline: { startEpochMs: Date.parse('2026-01-02T03:04:05.000Z'), rows: timeline },
    rate: {
      targetPerSecond: 500,
      stages: null,
      achievedPerSecond: 476.19,
      late: 12,
      lateServer: 0,
      lateClient: 12,
      maxLateUs: 40_000,
      meanLateUs: 2500,
      uncorrectedTotal: phaseOf(totals.map((t) => Math.max(1, t - 300))),
    },
    client: clientFixture({
      cpuUserSeconds: 3.1,
      cpuSystemSeconds: 0.9,
      cpuPercent: 95.2,
      cores: 1,
      loopUtilizationPercent: 97.5,
      eventLoopDelayP99Ms: 48.5,
      eventLoopDelayMaxMs: 120,
      gcPauseTotalMs: 30,
      gcPauseMaxMs: 8,
      heapUsedMaxBytes: 40_000_000,
      rssMaxBytes: 90_000_000,
      saturated: true,
      warnings: ['gb used 95% of its CPU <core>: add workers (-G) or lower -c.'],
    }),
  });
}

function syntheticTimeline(seconds: number): TimelineRow[] {
  return Array.from({ length: seconds }, (_, s) => ({
    second: s,
    scheduled: null,
    complete: 450 + 10 * s,
    errors: s === 2 ? 3 : 0,
    non2xx: 10,
    bytesReceived: 50_000,
    p50Us: 4000 + 100 * s,
    p90Us: 8000 + 200 * s,
    p99Us: 12_000 + 500 * s,
    maxUs: 250_000,
  }));
}

interface TimelineChart {
  seconds: number[];
  rowSeconds: number;
  endSeconds: number;
  p50Ms: (number | null)[];
  p99Ms: (number | null)[];
  maxMs: (number | null)[];
  complete: number[];
  errors: number[];
  scheduled: number[] | null;
}

function embeddedData(html: string): {
  summary: Summary;
  charts: { percentiles: { x: number[]; series: { label: string; valuesMs: (number | null)[] }[] } | null; timeline: TimelineChart | null };
} {
  const match = /<script type="application\/json" id="gb-data">([^<]*)<\/script>/.exec(html);
  assert.ok(match?.[1] !== undefined, 'the data block is present and contains no raw "<"');
  return JSON.parse(match[1]) as ReturnType<typeof embeddedData>;
}

function assertNoExternalAssets(html: string): void {
  assert.doesNotMatch(html, /\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//i, 'no src/href to another origin');
  assert.doesNotMatch(html, /url\(\s*["']?\s*(?:https?:)?\/\//i, 'no CSS url() to another origin');
  assert.doesNotMatch(html, /@import/i, 'no CSS imports');
  assert.doesNotMatch(html, /<link\b/i, 'no <link> elements');
}

/** Only gb's own three script elements may exist: the JSON block, uPlot and the page script. */
function assertOnlyOwnScripts(html: string): void {
  assert.equal(html.match(/<script\b/gi)?.length, 3);
  assert.equal(html.match(/<\/script/gi)?.length, 3);
}

test('escapeHtml turns every markup character into an entity', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(escapeHtml('plain /path?q=1'), 'plain /path?q=1');
});

test('jsonForScript leaves no "<" that could close the script element, and parses back to the same value', () => {
  const value = { s: '</script><!-- \u2028', n: [1, 2.5] };
  const json = jsonForScript(value);
  assert.ok(!json.includes('<'));
  assert.deepEqual(JSON.parse(json), value);
});

test('a real run against a hostile URL renders a page where that URL appears only escaped', async () => {
  const summary = await runSummary(['-n', '200', '-c', '4'], HOSTILE_PATH);
  assert.equal(summary.responses, 200);
  const html = renderHtml(summary);
  assert.ok(!html.includes('<script>alert(1)'), 'no raw hostile markup');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the URL is shown escaped');
  assertOnlyOwnScripts(html);
  assertNoExternalAssets(html);
  for (const id of ['chart-percentiles', 'chart-latency-time', 'chart-throughput-time']) {
    assert.ok(html.includes(`id="${id}"`), `chart container ${id}`);
  }
  const data = embeddedData(html);
  assert.deepEqual(data.summary, JSON.parse(JSON.stringify(summary)), 'the whole Summary is embedded');
  assert.ok(html.includes('404'), 'the status code table lists the 404s');
});

test('hostile server software, host and error messages appear only escaped', () => {
  const html = renderHtml(syntheticSummary(syntheticTimeline(5)));
  assertOnlyOwnScripts(html);
  assertNoExternalAssets(html);
  assert.ok(!html.includes('<img'), 'the error message did not become an element');
  assert.ok(!html.includes('evil.test<b>'));
  assert.ok(html.includes(escapeHtml(HOSTILE_ERROR)));
  assert.ok(html.includes(escapeHtml(HOSTILE_SERVER)));
  assert.ok(html.includes('&lt;core&gt;'), 'client warnings are escaped too');
  assert.match(html, /class="warning"/, 'a saturated client is highlighted');
  assert.match(html, /Constant-rate schedule/);
  // The embedded JSON carries the same strings, with "<" written as \u003c.
  const data = embeddedData(html);
  assert.equal(data.summary.errors[HOSTILE_ERROR], 2);
});

test('every inline script is allowed by the page CSP hash, and nothing may be fetched', () => {
  const html = renderHtml(syntheticSummary(syntheticTimeline(3)));
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
  assert.ok(csp !== undefined);
  assert.match(csp, /default-src 'none'/);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
  assert.equal(scripts.length, 2);
  for (const body of scripts) {
    const hash = createHash('sha256').update(body, 'utf8').digest('base64');
    assert.ok(csp.includes(`'sha256-${hash}'`), 'script hash listed');
  }
});

test('the percentile curve runs from the minimum to at most the maximum, never decreasing', () => {
  const summary = syntheticSummary([]);
  const curve = embeddedData(renderHtml(summary)).charts.percentiles;
  assert.ok(curve !== null);
  assert.equal(curve.x[0], 1);
  assert.equal(curve.x.at(-1), 10_000);
  assert.deepEqual(
    curve.series.map((s) => s.label),
    ['all responses', 'successful (2xx/3xx)', 'uncorrected (from actual send)'],
  );
  const all = curve.series[0]?.valuesMs ?? [];
  assert.equal(all[0], (summary.total?.minUs ?? 0) / 1000);
  for (let i = 1; i < all.length; i++) assert.ok((all[i] ?? 0) >= (all[i - 1] ?? 0), `non-decreasing at ${i}`);
  assert.ok((all.at(-1) ?? 0) <= (summary.total?.maxUs ?? 0) / 1000);
  // p99.99 of 2000 samples with 4 at 250 ms is in the slow tail.
  assert.ok((all.at(-1) ?? 0) > 200);
});

test('an empty timeline and a run with no responses render explanations instead of charts', () => {
  const base = syntheticSummary([]);
  const empty: Summary = {
    ...base,
    responses: 0,
    completed: 0,
    succeeded: 0,
    connect: null,
    processing: null,
    waiting: null,
    total: null,
    successTotal: null,
    successWaiting: null,
    rate: null,
    statusCodes: {},
  };
  const html = renderHtml(empty);
  assert.match(html, /No per-second timeline was recorded/);
  assert.match(html, /no latency distribution/);
  assert.equal(embeddedData(html).charts.percentiles, null);
  assert.equal(embeddedData(html).charts.timeline, null);
});

test("a half-second run plots 100 ms rows on an axis from 0 to the run's length", async () => {
  const server = await startTargetServer();
  let html: string;
  let perSecondOnly: string;
  let elapsed: number;
  try {
    // A rate keeps the run at about half a second whatever the machine's speed.
    const outcome = await runConfig(optionsOf(['-k', '-c', '4', '--rate', '1000', '-n', '500', `${server.url}/`]).config);
    assert.ok(outcome.ok);
    const { summary, fineTimeline } = outcome.value;
    elapsed = summary.elapsedSeconds;
    assert.ok(elapsed > 0.4 && elapsed < 1, `elapsed ${elapsed}`);
    assert.equal(summary.timeline.rows.length, 1, 'the per-second timeline alone has one point');
    html = renderHtml(summary, { fineTimeline });
    perSecondOnly = renderHtml(summary);
  } finally {
    await server.close();
  }
  const t = embeddedData(html).charts.timeline ?? assert.fail('no timeline chart');
  assert.equal(t.rowSeconds, 0.1);
  assert.ok(t.seconds.length >= 4, `${t.seconds.length} points`);
  t.seconds.forEach((x, i) => assert.ok(Math.abs(x - i / 10) < 1e-9 && x <= t.endSeconds, `point ${i} at ${x}`));
  // The x range ends where the run did (or at its last row, which a response just at the end can start).
  assert.equal(t.endSeconds, Math.max(elapsed, t.seconds.at(-1) ?? 0));
  assert.ok(t.endSeconds < 1);
  // Rates per second: the rows of the steady middle of the run show the 1000/s schedule.
  for (const rate of t.complete.slice(1, -1)) assert.ok(rate > 500 && rate < 1500, `middle rows: ${t.complete.join(', ')}`);
  assert.ok(
    t.p99Ms.every((v) => v !== null && v > 0),
    'every row had responses, so every row has a latency',
  );
  // The schedule's target beside them: 100 due in each 100 ms row is 1000/s, and the rows add up to -n.
  const scheduled = t.scheduled ?? assert.fail('no target series under --rate');
  assert.deepEqual(scheduled.slice(0, 4), [1000, 1000, 1000, 1000]);
  assert.equal(Math.round(scheduled.reduce((a, b) => a + b, 0) * t.rowSeconds), 500);
  // Without the fine rows the one per-second point still sits on the run's own axis, not a default 0–100.
  const coarse = embeddedData(perSecondOnly).charts.timeline ?? assert.fail();
  assert.deepEqual([coarse.seconds, coarse.rowSeconds, coarse.endSeconds], [[0], 1, elapsed]);
});

test('a run in which every request failed plots no latency and says why', async () => {
  // A port that was just free: every connect is refused.
  const server = await startTargetServer();
  const url = `${server.url}/`;
  await server.close();
  const outcome = await runConfig(optionsOf(['-r', '-n', '20', url]).config);
  assert.ok(outcome.ok);
  const { summary, fineTimeline } = outcome.value;
  assert.equal(summary.responses, 0);
  assert.equal(summary.failed, 20);
  const html = renderHtml(summary, { fineTimeline });
  const t = embeddedData(html).charts.timeline ?? assert.fail('the errors still have a timeline');
  assert.ok(t.p50Ms.length > 0 && t.p50Ms.every((v) => v === null), `latency ${JSON.stringify(t.p50Ms)}`);
  assert.ok(t.maxMs.every((v) => v === null));
  assert.ok(
    t.errors.some((v) => v > 0),
    'the failures are plotted',
  );
  assert.match(
    html,
    /<div class="chart" id="chart-latency-time"><p class="empty">No response was received \(every request failed\), so there is no latency to plot\.<\/p><\/div>/,
  );
  assert.match(html, /<div class="chart" id="chart-throughput-time"><\/div>/);
});

test('the phase section: a stacked bar whose segments add up to the mean response, data attributes to read, left out without phases', async () => {
  const summary = await runSummary(['-k', '-c', '2', '-n', '300'], '/');
  const html = renderHtml(summary);
  const svg = /<svg class="phases"[^>]*data-responses="(\d+)" data-mean-total-us="(\d+)"[^>]*>(.*?)<\/svg>/s.exec(html);
  assert.ok(svg !== null, 'the phase chart is on the page');
  assert.equal(svg[1], '300');
  const segments = [...(svg[3] ?? '').matchAll(/<rect data-phase="(\w+)" data-mean-us="(\d+)"/g)].map((m) => [m[1], Number(m[2])] as const);
  // Over http to an IP: no TLS and no DNS in the bar; TCP once per connection, spread over the responses.
  assert.deepEqual(
    segments.map(([phase]) => phase),
    ['blocked', 'tcp', 'sending', 'waiting', 'receiving'],
  );
  const sum = segments.reduce((total, [, us]) => total + us, 0);
  assert.ok(Math.abs(sum - Number(svg[2])) <= segments.length, `${sum} vs ${svg[2]}`);
  const meanTotalUs = summary.total?.meanUs ?? 0;
  assert.ok(Math.abs(Number(svg[2]) - meanTotalUs) <= 7, `the bar is the mean Total: ${svg[2]} vs ${meanTotalUs} µs`);
  assert.match(html, /<tr data-phase="tcp"><td>TCP connect<\/td><td>2<\/td>/);
  assert.doesNotMatch(html, /data-phase="tls"/);
  assert.doesNotMatch(renderHtml({ ...summary, phases: null }), /class="phases"/);
});
