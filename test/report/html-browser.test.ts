// Opens the HTML report in headless Chromium: no console or page errors, uPlot charts drawn, and a screenshot for people.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';

import { runConfig } from '../../src/index.js';
import { parseCommandLine } from '../../src/cli/flags.js';
import { startTargetServer } from '../../src/server/target.js';
import type { Summary, TimelineRow } from '../../src/metrics/summary.js';
import { renderHtml, type HtmlOptions } from '../../src/report/html.js';
import { PHASE_COLORS } from '../../src/report/html-phases.js';
import { countColor, decodePng } from '../helpers/png.js';
import { clientFixture, phaseOf, runSummary, settingsFixture, summaryFixture } from '../helpers/summaries.js';
import { requireTool } from '../helpers/tools.js';
import { launchChromium } from '../helpers/chromium.js';
import { journeyResultsOf } from '../helpers/journeys.js';

// Debian's package; playwright's own browser download is not used.
const OUTPUT_DIR = resolve('test-output');
const skip = requireTool('chromium');

let browser: Browser | null = null;

before(async () => {
  if (skip !== false) return;
  mkdirSync(OUTPUT_DIR, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** A hand-built run with a 20-second timeline, rate mode, failures and a saturated client. */
function syntheticSummary(): Summary {
  const totals = Array.from({ length: 5000 }, (_, i) => 900 + ((i * 7919) % 12_000) + (i % 700 === 0 ? 180_000 : 0));
  const rows: TimelineRow[] = Array.from({ length: 20 }, (_, s) => ({
    second: s,
    scheduled: 250,
    complete: 240 + Math.round(20 * Math.sin(s)),
    errors: s === 7 ? 4 : 0,
    non2xx: s > 14 ? 12 : 0,
    bytesReceived: 30_000,
    p50Us: 5000 + 150 * s,
    p90Us: 9000 + 300 * s,
    p99Us: 14_000 + 900 * s,
    maxUs: s === 11 ? 180_000 : 30_000,
  }));
  return summaryFixture({
    tool: { name: 'gb', version: '0.0.0-test' },
    target: { url: 'http://127.0.0.1:8080/api/<items>?q=1', host: '127.0.0.1', port: 8080, path: '/api/<items>?q=1', tls: false },
    settings: settingsFixture({ concurrency: 16, durationMs: 20_000, requestsPerSecond: 250 }),
    serverSoftware: 'synthetic/1.0',
    documentLength: 128,
    elapsedSeconds: 20,
    startedAt: '2026-01-02T03:04:05.000Z',
    issued: 5004,
    responses: 5000,
    completed: 5004,
    succeeded: 5000,
    failed: 4,
    failures: { connect: 0, receive: 4, length: 0, exceptions: 0, script: 0, grpc: 0 },
    timeouts: 4,
    non2xx: 60,
    keepAliveRequests: 5000,
    statusCodes: { '200': 4940, '503': 60 },
    errors: { 'timeout after 30000 ms </script>': 4 },
    bytes: { received: 1_200_000, body: 640_000, sent: 450_000 },
    connect: phaseOf(totals.map(() => 50)),
    processing: phaseOf(totals.map((t) => t - 50)),
    waiting: phaseOf(totals.map((t) => t - 120)),
    total: phaseOf(totals),
    successTotal: phaseOf(totals.slice(60)),
    successWaiting: phaseOf(totals.slice(60).map((t) => t - 120)),
    stopReason: 'duration',
    timeline: { startEpochMs: Date.parse('2026-01-02T03:04:05.000Z'), rows },
    rate: {
      targetPerSecond: 250,
      stages: null,
      achievedPerSecond: 249.8,
      late: 31,
      lateServer: 20,
      lateClient: 11,
      maxLateUs: 60_000,
      meanLateUs: 3000,
      uncorrectedTotal: phaseOf(totals.map((t) => Math.max(1, Math.round(t * 0.6)))),
    },
    client: clientFixture({
      cpuUserSeconds: 17,
      cpuSystemSeconds: 2,
      cpuPercent: 96,
      cores: 1,
      loopUtilizationPercent: 98,
      eventLoopDelayP99Ms: 45,
      eventLoopDelayMaxMs: 110,
      gcPauseTotalMs: 80,
      gcPauseMaxMs: 12,
      heapUsedMaxBytes: 60_000_000,
      rssMaxBytes: 120_000_000,
      saturated: true,
      warnings: ['gb used 96% of one core: latency includes time gb spent waiting for its own CPU; add workers (-G) or lower -c.'],
    }),
  });
}

/** A real run of 3 s against a server that answers after 5 ms: a timeline of a few rows, every chart with data. */
function realRunSummary(): Promise<Summary> {
  return runSummary(['-t', '3', '-c', '4'], '/delay/5');
}

interface PageCheck {
  readonly problems: string[];
  /** Width and height of every uPlot canvas. */
  readonly canvases: { width: number; height: number }[];
}

async function openReport(name: string, summary: Summary, options: HtmlOptions = {}): Promise<PageCheck> {
  assert.ok(browser !== null);
  const file = join(OUTPUT_DIR, `${name}.html`);
  writeFileSync(file, renderHtml(summary, options));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) problems.push(`network request: ${request.url()}`);
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  // The callback runs in the page; its elements are DOM nodes, which this project's types (no DOM lib) only describe.
  const canvases = await page.$$eval(
    '.uplot canvas',
    (elements: readonly { getBoundingClientRect(): { width: number; height: number } }[]) =>
      elements.map((e) => ({ width: e.getBoundingClientRect().width, height: e.getBoundingClientRect().height })),
  );
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
  await page.close();
  return { problems, canvases };
}

test('a real 3-second run renders in Chromium without errors, with every chart drawn', { skip, timeout: 20_000 }, async () => {
  const summary = await realRunSummary();
  assert.ok(summary.responses > 0);
  const { problems, canvases } = await openReport('html-report', summary);
  assert.deepEqual(problems, []);
  // The percentile chart always; both timeline charts once the run recorded per-second rows.
  const expected = summary.timeline.rows.length > 0 ? 3 : 1;
  assert.equal(canvases.length, expected);
  for (const c of canvases) assert.ok(c.width > 300 && c.height > 100, `canvas drawn at ${c.width}x${c.height}`);
});

test('a synthetic run with rate mode, failures and a 20-second timeline draws all three charts', { skip, timeout: 20_000 }, async () => {
  const { problems, canvases } = await openReport('html-report-synthetic', syntheticSummary());
  assert.deepEqual(problems, []);
  assert.equal(canvases.length, 3);
  for (const c of canvases) assert.ok(c.width > 300 && c.height > 100, `canvas drawn at ${c.width}x${c.height}`);
});

test('a half-second run (100 ms rows) and a run where every request failed render without errors', { skip, timeout: 20_000 }, async () => {
  const server = await startTargetServer();
  const url = `${server.url}/`;
  try {
    const parsed = parseCommandLine(['-k', '-c', '4', '--rate', '1000', '-n', '500', url]);
    assert.ok(parsed.ok && parsed.value.kind === 'run');
    const outcome = await runConfig(parsed.value.options.config);
    assert.ok(outcome.ok);
    const short = await openReport('html-report-short', outcome.value.summary, { fineTimeline: outcome.value.fineTimeline });
    assert.deepEqual(short.problems, []);
    assert.equal(short.canvases.length, 3);
  } finally {
    await server.close();
  }
  const parsed = parseCommandLine(['-r', '-n', '10', url]);
  assert.ok(parsed.ok && parsed.value.kind === 'run');
  const failed = await runConfig(parsed.value.options.config);
  assert.ok(failed.ok && failed.value.summary.responses === 0);
  const page = await openReport('html-report-all-failed', failed.value.summary, { fineTimeline: failed.value.fineTimeline });
  assert.deepEqual(page.problems, []);
  // Only the throughput-and-errors chart: no latency distribution, no latency over time.
  assert.equal(page.canvases.length, 1);
});

/** The synthetic run over https: 5000 responses on 50 connections, each phase wide enough to see. */
function phasedSummary(): Summary {
  const base = syntheticSummary();
  const n = 5000;
  const each = (us: number, count = n): ReturnType<typeof phaseOf> => phaseOf(Array.from({ length: count }, (_, i) => us + (i % 10)));
  return {
    ...base,
    target: { ...base.target, url: 'https://127.0.0.1:8443/', tls: true },
    phases: {
      dns: each(900, 1),
      tcp: each(20_000, 50),
      tls: each(60_000, 50),
      blocked: each(300),
      sending: each(200),
      waiting: each(4000),
      receiving: each(1500),
    },
  };
}

test(
  'the phase chart: a stacked bar in Chromium, each phase in its colour, with its legend and data a test can read',
  { skip, timeout: 20_000 },
  async () => {
    assert.ok(browser !== null);
    const file = join(OUTPUT_DIR, 'html-report-phases.html');
    writeFileSync(file, renderHtml(phasedSummary()));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    try {
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // Runs in the page; its nodes are DOM elements, which this project's types (no DOM lib) only describe.
      type Node = { getAttribute(name: string): string | null; getBoundingClientRect(): { width: number }; textContent: string | null };
      const seen = await page.$eval('svg.phases', (svg: Node & { querySelectorAll(s: string): ArrayLike<Node> }) => ({
        responses: svg.getAttribute('data-responses'),
        meanTotalUs: svg.getAttribute('data-mean-total-us'),
        segments: Array.from(svg.querySelectorAll('rect[data-phase]')).map((r) => ({
          phase: r.getAttribute('data-phase'),
          meanUs: r.getAttribute('data-mean-us'),
          width: r.getBoundingClientRect().width,
        })),
        legend: Array.from(svg.querySelectorAll('text.legend')).map((t) => t.textContent ?? ''),
      }));
      const rows = await page.$$eval('table.phases tr[data-phase]', (trs: readonly Node[]) =>
        trs.map((tr) => tr.getAttribute('data-phase')),
      );
      assert.deepEqual(problems, []);
      assert.equal(seen.responses, '5000');
      assert.deepEqual(
        seen.segments.map((x) => x.phase),
        ['blocked', 'tcp', 'tls', 'sending', 'waiting', 'receiving'],
      );
      // 50 connects of 20 ms over 5000 responses: 200 µs a response.
      assert.equal(seen.segments.find((x) => x.phase === 'tcp')?.meanUs, '200');
      const sum = seen.segments.reduce((total, x) => total + Number(x.meanUs), 0);
      assert.ok(Math.abs(sum - Number(seen.meanTotalUs)) <= seen.segments.length, `${sum} vs ${seen.meanTotalUs}`);
      for (const x of seen.segments) assert.ok(x.width > 5, `${x.phase} drawn ${x.width} px wide`);
      for (const label of ['Blocked', 'TCP connect', 'TLS handshake', 'Sending', 'Waiting', 'Receiving']) {
        assert.ok(
          seen.legend.some((text) => text.startsWith(`${label} `)),
          `legend ${label}: ${seen.legend.join(' | ')}`,
        );
      }
      assert.deepEqual(rows, ['dns', 'tcp', 'tls', 'blocked', 'sending', 'waiting', 'receiving'], 'the table has DNS too');
      const shot = await (await page.$('svg.phases'))!.screenshot({ path: join(OUTPUT_DIR, 'html-report-phases.png') });
      const pixels = decodePng(shot);
      let inked = 0;
      for (let i = 0; i < pixels.rgba.length; i += 4)
        if (pixels.rgba[i]! < 240 || pixels.rgba[i + 1]! < 240 || pixels.rgba[i + 2]! < 240) inked++;
      assert.ok(inked > 2000, `${inked} non-blank pixels`);
      for (const x of seen.segments) {
        const phase = x.phase as keyof typeof PHASE_COLORS;
        // Each segment is 30 px tall: at least a few columns of it in its colour, plus its legend swatch.
        assert.ok(countColor(pixels, PHASE_COLORS[phase]) >= 5 * 30, `${phase} in ${PHASE_COLORS[phase]}`);
      }
    } finally {
      await page.close();
    }
  },
);

test("a real run's report draws the phase bar too", { skip, timeout: 20_000 }, async () => {
  assert.ok(browser !== null);
  const summary = await realRunSummary();
  const file = join(OUTPUT_DIR, 'html-report-real-phases.html');
  writeFileSync(file, renderHtml(summary));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const shot = await (await page.$('svg.phases'))!.screenshot();
    // The server waits 5 ms a request: waiting is most of the bar.
    assert.ok(countColor(decodePng(shot), PHASE_COLORS.waiting) > 300 * 30);
  } finally {
    await page.close();
  }
});

test('a journey run also draws its chart of iterations per second and active users', { skip, timeout: 20_000 }, async () => {
  const base = syntheticSummary();
  const journeys = journeyResultsOf({
    complete: 1900,
    failed: 100,
    durationsUs: [40_000, 90_000, 150_000, 600_000],
    seconds: 20,
    startEpochMs: base.timeline.startEpochMs,
    users: 12,
    checks: { 'status is 200': [1990, 10] },
  });
  const { problems, canvases } = await openReport('html-report-journeys', { ...base, journeys });
  assert.deepEqual(problems, []);
  // The three request charts and the journeys' one.
  assert.equal(canvases.length, 4);
  for (const c of canvases) assert.ok(c.width > 300 && c.height > 100, `canvas drawn at ${c.width}x${c.height}`);
});
