// Opens the HTML report in headless Chromium: no console or page errors, uPlot charts drawn, and a screenshot for people.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

import { runConfig } from '../../src/index.js';
import { parseCommandLine } from '../../src/cli/flags.js';
import { startTargetServer } from '../../src/server/target.js';
import type { Summary, TimelineRow } from '../../src/metrics/summary.js';
import { renderHtml, type HtmlOptions } from '../../src/report/html.js';
import { phaseOf } from '../helpers/summaries.js';
import { findTool, requireTool } from '../helpers/tools.js';

// Debian's package; playwright's own browser download is not used.
const CHROMIUM = findTool('chromium') ?? '/usr/bin/chromium';
const OUTPUT_DIR = resolve('test-output');
const skip = requireTool('chromium');

let browser: Browser | null = null;

before(async () => {
  if (skip !== false) return;
  mkdirSync(OUTPUT_DIR, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
});


/** A hand-built run with a 20-second timeline, rate mode, failures and a saturated client. */
function syntheticSummary(): Summary {
  const totals = Array.from({ length: 5000 }, (_, i) => 900 + ((i * 7919) % 12_000) + (i % 700 === 0 ? 180_000 : 0));
  const rows: TimelineRow[] = Array.from({ length: 20 }, (_, s) => ({
    second: s, scheduled: 250, complete: 240 + Math.round(20 * Math.sin(s)), errors: s === 7 ? 4 : 0, non2xx: s > 14 ? 12 : 0, bytesReceived: 30_000,
    p50Us: 5000 + 150 * s, p90Us: 9000 + 300 * s, p99Us: 14_000 + 900 * s, maxUs: s === 11 ? 180_000 : 30_000,
  }));
  return {
    schemaVersion: 2,
    tool: { name: 'gb', version: '0.0.0-test' },
    target: { url: 'http://127.0.0.1:8080/api/<items>?q=1', host: '127.0.0.1', port: 8080, path: '/api/<items>?q=1', tls: false },
    settings: {
      method: 'GET', concurrency: 16, requests: null, durationMs: 20_000, keepAlive: true, variableLength: false,
      hasBody: false, pipeline: 1, workers: 1, requestsPerSecond: 250,
    },
    serverSoftware: 'synthetic/1.0',
    tlsProtocol: null,
    tlsTempKey: null,
    tlsServerName: null,
    transport: 'raw-tcp', protocol: 'HTTP/1.1', http2: null,
    documentLength: 128, documentLengthConflict: null,
    elapsedSeconds: 20,
    startedAt: '2026-01-02T03:04:05.000Z',
    issued: 5004,
    responses: 5000,
    completed: 5004,
    succeeded: 5000,
    failed: 4,
    failures: { connect: 0, receive: 4, length: 0, exceptions: 0, script: 0 },
    timeouts: 4,
    cutOff: 0, resent: 0, writeErrors: 0, endpoints: null,
    non2xx: 60,
    keepAliveRequests: 5000,
    statusCodes: { '200': 4940, '503': 60 },
    errors: { 'timeout after 30000 ms </script>': 4 }, errorCodes: {},
    bytes: { received: 1_200_000, body: 640_000, sent: 450_000 },
    connect: phaseOf(totals.map(() => 50)),
    processing: phaseOf(totals.map((t) => t - 50)),
    waiting: phaseOf(totals.map((t) => t - 120)),
    total: phaseOf(totals),
    successTotal: phaseOf(totals.slice(60)),
    successWaiting: phaseOf(totals.slice(60).map((t) => t - 120)),
    connections: null,
    shards: null,
    stopReason: 'duration',
    timeline: { startEpochMs: Date.parse('2026-01-02T03:04:05.000Z'), rows },
    rate: {
      targetPerSecond: 250, stages: null, achievedPerSecond: 249.8, late: 31, lateServer: 20, lateClient: 11, maxLateUs: 60_000, meanLateUs: 3000,
      uncorrectedTotal: phaseOf(totals.map((t) => Math.max(1, Math.round(t * 0.6)))),
    },
    client: {
      cpuUserSeconds: 17, cpuSystemSeconds: 2, cpuPercent: 96, cores: 1, loopUtilizationPercent: 98, eventLoopDelayP99Ms: 45, eventLoopDelayMaxMs: 110,
      gcPauseTotalMs: 80, gcPauseMaxMs: 12, heapUsedMaxBytes: 60_000_000, rssMaxBytes: 120_000_000, saturated: true,
      warnings: ['gb used 96% of one core: latency includes time gb spent waiting for its own CPU; add workers (-G) or lower -c.'],
    },
  };
}

async function realRunSummary(): Promise<Summary> {
  const server = await startTargetServer();
  try {
    const parsed = parseCommandLine(['-t', '3', '-c', '4', `${server.url}/delay/5`]);
    assert.ok(parsed.ok && parsed.value.kind === 'run');
    const outcome = await runConfig(parsed.value.options.config);
    assert.ok(outcome.ok);
    return outcome.value.summary;
  } finally {
    await server.close();
  }
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
  const canvases = await page.$$eval('.uplot canvas', (elements: readonly { getBoundingClientRect(): { width: number; height: number } }[]) =>
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
