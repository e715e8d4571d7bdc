// Tests the ab-layout report and its number formatting against hand-written goldens and, when installed, real ab.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PhaseStats, Summary } from '../../src/metrics/summary.js';
import {
  heartbeatStep,
  renderAbReport,
  renderBanner,
  renderBenchmarking,
  renderFinished,
  renderHeartbeat,
} from '../../src/report/ab-text.js';
import { formatFixed, formatFixedWidth, formatInt, padLabel, roundUsToMs, usToMs } from '../../src/report/format.js';
import { renderGbExtras } from '../../src/report/gb-extras.js';
import { allAnswered, settingsFixture, summaryFixture, ZERO_CLIENT } from '../helpers/summaries.js';
import { findTool, requireTool } from '../helpers/tools.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface PhaseInput {
  readonly minUs: number;
  readonly meanUs: number;
  readonly sdUs: number;
  readonly medianUs: number;
  readonly maxUs: number;
  readonly percentilesUs?: readonly number[];
}

function phase(input: PhaseInput, count = 1000): PhaseStats {
  return {
    count,
    minUs: input.minUs,
    meanUs: input.meanUs,
    sdUs: input.sdUs,
    medianUs: input.medianUs,
    maxUs: input.maxUs,
    abPercentilesUs: input.percentilesUs ?? [0, 0, 0, 0, 0, 0, 0, 0],
    p50Us: input.medianUs,
    p90Us: input.maxUs,
    p99Us: input.maxUs,
    p999Us: input.maxUs,
    p9999Us: input.maxUs,
    histogram: '',
  };
}

/** ab -k -n 1000 -c 10 against a plain http server, nothing failing. */
function keepAliveSummary(): Summary {
  const total = phase({
    minUs: 1500,
    meanUs: 11920,
    sdUs: 3570,
    medianUs: 11600,
    maxUs: 1234600,
    percentilesUs: [11600, 12900, 13800, 14499, 17000, 20500, 26000, 31000],
  });
  return summaryFixture({
    tool: { name: 'gb', version: '0.0.0-test' },
    target: { url: 'http://localhost:8080/index.html', host: 'localhost', port: 8080, path: '/index.html', tls: false },
    settings: settingsFixture({ requests: 1000 }),
    serverSoftware: 'nginx/1.25.3',
    documentLength: 612,
    elapsedSeconds: 1.234567,
    startedAt: '2026-01-01T00:00:00.000Z',
    ...allAnswered(1000),
    keepAliveRequests: 990,
    bytes: { received: 853000, body: 612000, sent: 61000 },
    connect: phase({ minUs: 0, meanUs: 120, sdUs: 45.3, medianUs: 100, maxUs: 2600 }),
    processing: phase({ minUs: 1400, meanUs: 11800, sdUs: 3560, medianUs: 11500, maxUs: 1234000 }),
    waiting: phase({ minUs: 1300, meanUs: 11200, sdUs: 3490, medianUs: 10900, maxUs: 44000 }),
    total,
    successTotal: total,
    client: ZERO_CLIENT,
  });
}

/** ab -l -p body.json -c 4 -n 200 over https, with failures and non-2xx. */
function failingPostSummary(): Summary {
  const base = keepAliveSummary();
  return {
    ...base,
    target: {
      url: 'https://example.test/api/v1/items?id=7',
      host: 'example.test',
      port: 443,
      path: '/api/v1/items?id=7',
      tls: true,
    },
    settings: {
      ...base.settings,
      method: 'POST',
      concurrency: 4,
      requests: 202,
      keepAlive: false,
      variableLength: true,
      hasBody: true,
    },
    serverSoftware: 'Apache/2.4.58',
    tlsProtocol: 'TLSv1.3,TLS_AES_256_GCM_SHA384,256,256',
    tlsTempKey: 'X25519 253 bits',
    tlsServerName: 'example.test',
    transport: 'tls',
    documentLength: 1532,
    elapsedSeconds: 2.5,
    issued: 202,
    responses: 197,
    completed: 200,
    succeeded: 197,
    failed: 5,
    failures: { connect: 2, receive: 1, length: 0, exceptions: 2, script: 0, grpc: 0 },
    non2xx: 12,
    keepAliveRequests: 0,
    bytes: { received: 354321, body: 301776, sent: 98500 },
    connect: phase({ minUs: 10000, meanUs: 52000, sdUs: 9000, medianUs: 30000, maxUs: 1002000 }),
    processing: phase({ minUs: 2000, meanUs: 20000, sdUs: 10000, medianUs: 19000, maxUs: 150000 }),
    waiting: phase({ minUs: 1800, meanUs: 18000, sdUs: 4000, medianUs: 12500, maxUs: 140000 }),
    total: phase({
      minUs: 12000,
      meanUs: 72000,
      sdUs: 100000,
      medianUs: 50000,
      maxUs: 1152000,
      percentilesUs: [50000, 61000, 70500, 80400, 120000, 250000, 1000000, 1100000],
    }),
  };
}

function golden(name: string): string {
  // tsc does not copy the goldens, so reach back from build/test/report/ to the sources.
  return readFileSync(new URL(`../../../test/report/golden/${name}`, import.meta.url), 'utf8');
}

function withoutPercentiles(report: string): string {
  const at = report.indexOf('\nPercentage of the requests');
  assert.ok(at > 0);
  return report.slice(0, at);
}

test('golden: keep-alive run without failures', () => {
  assert.equal(renderAbReport(keepAliveSummary()), golden('keepalive.txt'));
});

test('golden: failures, non-2xx, POST body, TLS lines, -l and sanity warnings', () => {
  assert.equal(renderAbReport(failingPostSummary()), golden('failures-post-tls.txt'));
});

test('-d drops only the percentile table', () => {
  assert.equal(renderAbReport(keepAliveSummary(), { noPercentiles: true }), withoutPercentiles(golden('keepalive.txt')));
  assert.equal(renderAbReport(failingPostSummary(), { noPercentiles: true }), withoutPercentiles(golden('failures-post-tls.txt')));
});

test("-S prints min/avg/max with ab's missing space and no sanity warnings", () => {
  const expectedTable =
    '\nConnection Times (ms)\n' +
    '              min   avg   max\n' +
    'Connect:       10    52 1002\n' +
    'Processing:     2    20  150\n' +
    'Waiting:        2    18  140\n' +
    'Total:         12    72 1152\n';
  const full = golden('failures-post-tls.txt');
  const head = full.slice(0, full.indexOf('\nConnection Times (ms)\n'));
  const percentiles = full.slice(full.indexOf('\nPercentage of the requests'));
  assert.equal(renderAbReport(failingPostSummary(), { noSd: true }), head + expectedTable + percentiles);
  assert.equal(renderAbReport(failingPostSummary(), { noSd: true, noPercentiles: true }), head + expectedTable);
});

test("optional blocks follow ab's conditions", () => {
  const base = keepAliveSummary();

  const noTime = renderAbReport({ ...base, elapsedSeconds: 0 });
  assert.ok(noTime.includes('Time taken for tests:   0.000 seconds\n'));
  assert.ok(!noTime.includes('Requests per second'));
  assert.ok(!noTime.includes('Transfer rate'));

  const nothingDone = renderAbReport({
    ...base,
    responses: 0,
    completed: 0,
    succeeded: 0,
    serverSoftware: '',
    documentLength: null,
    connect: null,
    processing: null,
    waiting: null,
    total: null,
  });
  assert.ok(nothingDone.includes('\nServer Software:        \n'), 'ab keeps the padding before an empty value');
  assert.ok(nothingDone.includes('\nDocument Length:        0 bytes\n'));
  assert.ok(!nothingDone.includes('Requests per second'));
  assert.ok(!nothingDone.includes('Connection Times'));
  assert.ok(nothingDone.endsWith('HTML transferred:       612000 bytes\n'));

  const single = renderAbReport({ ...base, responses: 1, completed: 1, succeeded: 1 });
  assert.ok(single.includes('Connection Times (ms)'));
  assert.ok(!single.includes('Percentage of the requests'), 'ab needs more than one request for percentiles');

  const noKeepAlive = renderAbReport({ ...base, settings: { ...base.settings, keepAlive: false } });
  assert.ok(!noKeepAlive.includes('Keep-Alive requests'));

  const failedOnlyNon2xx = renderAbReport({ ...base, non2xx: 7 });
  assert.ok(failedOnlyNon2xx.includes('\nFailed requests:        0\nNon-2xx responses:      7\n'));
  assert.ok(!failedOnlyNon2xx.includes('(Connect:'));
});

test('gb-only facts (timeouts, cut-off, errors, status codes) stay out of the ab report', () => {
  const base = failingPostSummary();
  const report = renderAbReport({
    ...base,
    issued: base.issued + 3,
    timeouts: 1,
    cutOff: 3,
    statusCodes: { '200': 185, '503': 12 },
    errors: { ETIMEDOUT: 1, ECONNREFUSED: 2, 'socket hang up': 2 },
    stopReason: 'interrupted',
  });
  assert.equal(report, golden('failures-post-tls.txt'));
  for (const word of ['imeout', 'ETIMEDOUT', 'ECONNREFUSED', 'hang up', '503', 'nterrupt']) {
    assert.ok(!report.includes(word), word);
  }
});

const WHATS = [
  ['connect', 'the initial connection time'],
  ['processing', 'the processing time'],
  ['waiting', 'the waiting time'],
  ['total', 'the total time'],
] as const;

test('sanity warnings: thresholds on the rounded mean and median against the sd', () => {
  const neutral = phase({ minUs: 0, meanUs: 5000, sdUs: 1000, medianUs: 5000, maxUs: 9000 });
  const cases: ReadonlyArray<readonly [number, number, number, 'ERROR' | 'WARNING' | null]> = [
    // meanUs, medianUs, sdUs, expected
    [5000, 5000, 0, null],
    [6000, 5000, 0, 'ERROR'],
    [7000, 5000, 1000, 'WARNING'], // 2 > 1 but not > 2
    [7000, 5000, 999, 'ERROR'], // 2 > 1.998
    [6000, 5000, 1000, null], // 1 is not > 1
    [8000, 5000, 1500, 'WARNING'],
    [8000, 5000, 1499, 'ERROR'],
    [5000, 7000, 1000, 'WARNING'], // distance is absolute
    [5499, 4500, 0, null], // 999 µs apart, both round to 5 ms
    [5500, 5499, 0, 'ERROR'], // 1 µs apart, rounds to 6 vs 5 ms
  ];
  for (const [meanUs, medianUs, sdUs, expected] of cases) {
    for (const [key, what] of WHATS) {
      const summary: Mutable<Summary> = {
        ...keepAliveSummary(),
        connect: neutral,
        processing: neutral,
        waiting: neutral,
        total: neutral,
      };
      summary[key] = phase({ minUs: 0, meanUs, sdUs, medianUs, maxUs: 9000 });
      const report = renderAbReport(summary);
      const label = `${meanUs}/${medianUs}/${sdUs} in ${key}`;
      const error =
        `ERROR: The median and mean for ${what} are more than twice the standard\n` +
        '       deviation apart. These results are NOT reliable.\n';
      const warning =
        `WARNING: The median and mean for ${what} are not within a normal deviation\n` +
        '        These results are probably not that reliable.\n';
      assert.equal(report.includes(error), expected === 'ERROR', label);
      assert.equal(report.includes(warning), expected === 'WARNING', label);
      const others = report.split('\n').filter((line) => /^(ERROR|WARNING):/.test(line));
      assert.equal(others.length, expected === null ? 0 : 1, label);
      // The warnings sit between the table and the percentiles.
      if (expected !== null) {
        assert.ok(report.indexOf('\nTotal:  ') < report.indexOf(expected + ':'), label);
        assert.ok(report.indexOf(expected + ':') < report.indexOf('\nPercentage'), label);
      }
      const short = renderAbReport(summary, { noSd: true });
      assert.ok(!/ERROR|WARNING/.test(short), `-S prints no warnings: ${label}`);
    }
  }
});

test("µs → ms rounding is ab's (us + 500) / 1000", () => {
  const cases: ReadonlyArray<readonly [number, number]> = [
    [0, 0],
    [499, 0],
    [500, 1],
    [1499, 1],
    [1500, 2],
    [999_499, 999],
    [999_500, 1000],
  ];
  for (const [us, ms] of cases) assert.equal(roundUsToMs(us), ms, `${us} µs`);
  assert.equal(usToMs(1234), 1.234);

  // Same rounding end to end: min 499 → 0, mean 500 → 1, median 1499 → 1, max 1500 → 2.
  const rounding = phase({
    minUs: 499,
    meanUs: 500,
    sdUs: 449.9,
    medianUs: 1499,
    maxUs: 1500,
    percentilesUs: [499, 500, 1499, 1500, 1500, 1500, 1500, 1500],
  });
  const report = renderAbReport({
    ...keepAliveSummary(),
    connect: rounding,
    processing: rounding,
    waiting: rounding,
    total: rounding,
  });
  assert.ok(report.includes('\nTotal:          0    1   0.4      1       2\n'));
  assert.ok(report.includes('\n  50%      0\n  66%      1\n  75%      1\n  80%      2\n'));
  assert.ok(report.includes('\n 100%      2 (longest request)\n'));
});

test('heartbeatStep follows ab', () => {
  const cases: ReadonlyArray<readonly [number | null, number]> = [
    [1, 0],
    [100, 0],
    [150, 0],
    [151, 100],
    [1000, 100],
    [1999, 199],
    [20000, 2000],
    [null, 5000],
  ];
  for (const [requests, step] of cases) assert.equal(heartbeatStep(requests), step, String(requests));
});

test('banner and progress lines', () => {
  assert.equal(
    renderBanner('1.2.3'),
    'This is gb, Version 1.2.3, an ApacheBench-compatible HTTP benchmark\n' +
      'Copyright 2026 the gb authors; report layout after ApacheBench, Version 2.3\n' +
      'Licensed under the MIT license\n\n',
  );
  assert.equal(renderBenchmarking('example.test', true), 'Benchmarking example.test (be patient)\n');
  assert.equal(renderBenchmarking('example.test', false), 'Benchmarking example.test (be patient)...');
  assert.equal(renderHeartbeat(100), 'Completed 100 requests\n');
  assert.equal(renderFinished(1000), 'Finished 1000 requests\n');
});

test('formatFixed matches C printf, ties to even on the exact binary value', () => {
  const cases: ReadonlyArray<readonly [number, number, string]> = [
    [0.125, 2, '0.12'], // exact tie: toFixed would say 0.13
    [0.375, 2, '0.38'],
    [0.25, 1, '0.2'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [-1.5, 0, '-2'],
    [1.005, 2, '1.00'], // really 1.00499999999999989…
    [2.0005, 3, '2.001'], // really 2.00050000000000016…
    [810.0005896, 2, '810.00'],
    [0, 3, '0.000'],
    [-0, 2, '-0.00'],
    [-0.001, 2, '-0.00'],
    [5e-324, 3, '0.000'],
    [1e21, 2, '1000000000000000000000.00'],
    [123456.789, 0, '123457'],
    [Number.NaN, 2, 'nan'],
    [Number.POSITIVE_INFINITY, 2, 'inf'],
    [Number.NEGATIVE_INFINITY, 1, '-inf'],
  ];
  for (const [value, decimals, text] of cases) assert.equal(formatFixed(value, decimals), text, `${value} %.${decimals}f`);
  // Away from exact ties, printf and toFixed agree; sweep values that are never dyadic ties.
  for (let i = 1; i < 5000; i += 1) {
    const value = (i * 1000.0) / 7 + i / 3;
    for (const decimals of [0, 1, 2, 3]) assert.equal(formatFixed(value, decimals), value.toFixed(decimals));
  }
  assert.throws(() => formatFixed(1, 1.5), RangeError);
  assert.throws(() => formatFixed(1, -1), RangeError);
});

test('column helpers: right-aligned ints, %N.Nf and the 24-column label', () => {
  assert.equal(formatInt(12, 5), '   12');
  assert.equal(formatInt(1234567, 5), '1234567');
  assert.equal(formatInt(-3, 4), '  -3');
  assert.equal(formatInt(7), '7');
  assert.equal(formatFixedWidth(3.56, 1, 5), '  3.6');
  assert.equal(formatFixedWidth(1234.5678, 1, 5), '1234.6');
  assert.equal(padLabel('Server Port:'), 'Server Port:            ');
  assert.equal(padLabel('Server Port:').length, 24);
  assert.equal(padLabel('A label longer than the column:'), 'A label longer than the column:');
});

// ---------------------------------------------------------------------------------------------
// Real ab, when installed: our report for ab's own numbers must have ab's lines in ab's order.

const AB = findTool('ab') ?? 'ab';
const noAb = requireTool('ab');

function runAb(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(AB, args, { timeout: 8000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`ab failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function valueOf(lines: readonly string[], label: string): string {
  const line = lines.find((candidate) => candidate.startsWith(padLabel(label)));
  assert.ok(line !== undefined, `ab printed no ${label} line`);
  return line.slice(24);
}

function intOf(lines: readonly string[], label: string): number {
  return Number.parseInt(valueOf(lines, label), 10);
}

function abPhase(lines: readonly string[], rowLabel: string, percentilesUs?: readonly number[]): PhaseStats {
  const row = lines.find((line) => line.startsWith(rowLabel));
  assert.ok(row !== undefined, `ab printed no ${rowLabel} row`);
  const [min, mean, sd, median, max] = row.slice(12).trim().split(/\s+/).map(Number);
  assert.ok(min !== undefined && mean !== undefined && sd !== undefined && median !== undefined && max !== undefined);
  return phase({
    minUs: min * 1000,
    meanUs: mean * 1000,
    sdUs: sd * 1000,
    medianUs: median * 1000,
    maxUs: max * 1000,
    ...(percentilesUs === undefined ? {} : { percentilesUs }),
  });
}

/** Rebuilds a Summary from ab's printed report, so only the layout can differ. */
function summaryFromAb(report: string, keepAlive: boolean, hasBody: boolean): Summary {
  const lines = report.split('\n');
  const percentilesUs = lines.filter((line) => /^ {2}\d\d% /.test(line)).map((line) => Number.parseInt(line.slice(6), 10) * 1000);
  const failedBreakdown = /\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)/.exec(report);
  const base = keepAliveSummary();
  const total = abPhase(lines, 'Total:      ', percentilesUs);
  const completed = intOf(lines, 'Complete requests:');
  return {
    ...base,
    target: {
      ...base.target,
      host: valueOf(lines, 'Server Hostname:'),
      port: intOf(lines, 'Server Port:'),
      path: valueOf(lines, 'Document Path:'),
    },
    settings: { ...base.settings, concurrency: intOf(lines, 'Concurrency Level:'), requests: 200, keepAlive, hasBody },
    serverSoftware: valueOf(lines, 'Server Software:'),
    documentLength: intOf(lines, 'Document Length:'),
    elapsedSeconds: Number.parseFloat(valueOf(lines, 'Time taken for tests:')),
    // ab's report gives only its done; the two runs it is compared with had no failed reads.
    responses: completed,
    completed,
    succeeded: completed,
    failed: intOf(lines, 'Failed requests:'),
    failures: {
      connect: Number(failedBreakdown?.[1] ?? 0),
      receive: Number(failedBreakdown?.[2] ?? 0),
      length: Number(failedBreakdown?.[3] ?? 0),
      exceptions: Number(failedBreakdown?.[4] ?? 0),
      script: 0,
      grpc: 0,
    },
    non2xx: report.includes('Non-2xx responses:') ? intOf(lines, 'Non-2xx responses:') : 0,
    keepAliveRequests: keepAlive ? intOf(lines, 'Keep-Alive requests:') : 0,
    bytes: {
      received: intOf(lines, 'Total transferred:'),
      body: intOf(lines, 'HTML transferred:'),
      sent: hasBody ? intOf(lines, 'Total body sent:') : 0,
    },
    connect: abPhase(lines, 'Connect:    '),
    processing: abPhase(lines, 'Processing: '),
    waiting: abPhase(lines, 'Waiting:    '),
    total,
  };
}

/** Drops the sanity warnings: ab decides them on its unrounded sd, which the printout no longer holds. */
function withoutWarnings(report: string): string[] {
  const lines = report.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (/^(ERROR|WARNING): /.test(line)) i += 1;
    else kept.push(line);
  }
  return kept;
}

const RATE_LABEL = /^(Requests per second:|Time per request:|Transfer rate:| {24}\d)/;

test('real ab: same lines in the same order for the same numbers', { skip: noAb }, async () => {
  const bodyDir = mkdtempSync(join(tmpdir(), 'gb-ab-text-'));
  const bodyFile = join(bodyDir, 'body.txt');
  writeFileSync(bodyFile, 'x'.repeat(100));
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.setHeader('Server', 'gb-test/1');
      response.end('hello from the ab comparison\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/ab?compare=1`;
    const variants = [
      { args: ['-n', '200', '-c', '2', url], keepAlive: false, hasBody: false },
      { args: ['-n', '200', '-c', '2', '-k', '-p', bodyFile, '-T', 'text/plain', url], keepAlive: true, hasBody: true },
    ];
    for (const { args, keepAlive, hasBody } of variants) {
      const stdout = await runAb(args);
      const marker = '(be patient)\n';
      const abReport = stdout.slice(stdout.indexOf(marker) + marker.length);
      assert.ok(abReport.startsWith('\n\nServer Software:'), abReport);
      const ours = renderAbReport(summaryFromAb(abReport, keepAlive, hasBody));

      const abLines = withoutWarnings(abReport);
      const ourLines = withoutWarnings(ours);
      const labels = (lines: readonly string[]): string[] =>
        lines.filter((line) => /^[A-Z][^:]*: *$/.test(line.slice(0, 24)) && line.length > 24).map((line) => line.slice(0, 24));
      assert.ok(labels(abLines).length >= 12);
      assert.deepEqual(labels(ourLines), labels(abLines), args.join(' '));

      // Beyond the labels, every line whose numbers survived ab's printout must match byte for byte;
      // the rate lines are recomputed from a 3-decimal elapsed time, so only their labels compare.
      assert.equal(ourLines.length, abLines.length, `${args.join(' ')}\n${ours}\n---\n${abReport}`);
      abLines.forEach((abLine, index) => {
        const ourLine = ourLines[index] ?? '';
        if (RATE_LABEL.test(abLine)) assert.equal(ourLine.slice(0, 24), abLine.slice(0, 24));
        else assert.equal(ourLine, abLine, `line ${index} for ${args.join(' ')}`);
      });
    }
  } finally {
    server.close();
    rmSync(bodyDir, { recursive: true, force: true });
  }
});

test('times of 10 s and more keep a space between columns: -S avg/max and the latency table', () => {
  const big = phase({ minUs: 10_400_000, meanUs: 10_512_597, sdUs: 40_000, medianUs: 10_510_000, maxUs: 10_515_045 });
  const summary: Summary = {
    ...keepAliveSummary(),
    connect: big,
    processing: big,
    waiting: big,
    total: big,
    successTotal: big,
    successWaiting: big,
  };
  const short = renderAbReport(summary, { noSd: true, noPercentiles: true });
  // ab's "%5d %5d%5d" would print "10400 1051310515"; the numbers must stay apart.
  assert.match(short, /\nTotal:      10400 10513 10515\n/);
  // Where they fit, ab's widths (and its missing space) stay as they are.
  assert.match(renderAbReport(keepAliveSummary(), { noSd: true, noPercentiles: true }), /\nTotal:          2    12 1235\n/);
  const full = renderAbReport(summary, { noPercentiles: true });
  assert.match(full, /\nTotal:      10400 10513  40\.0  10510   10515\n/);
  const extras = renderGbExtras(summary);
  const row = extras.split('\n').find((line) => line.startsWith('  Total:')) ?? '';
  const values = row.slice(22).trim().split(/ +/);
  assert.deepEqual(values, ['10510.000', '10515.045', '10515.045', '10515.045', '10515.045', '10515.045']);
  // Small values keep the 9-column layout the header line is aligned to.
  const smallRow =
    renderGbExtras(keepAliveSummary())
      .split('\n')
      .find((line) => line.startsWith('  Total:')) ?? '';
  assert.equal(smallRow.slice(22, 31), '   11.600');
});

test('Write errors: printed after the failure breakdown only when some write failed, as ab', () => {
  const none = renderAbReport(failingPostSummary(), { noPercentiles: true });
  assert.ok(!none.includes('Write errors:'), none);
  const some = renderAbReport({ ...failingPostSummary(), writeErrors: 2 }, { noPercentiles: true });
  assert.match(some, /\n {3}\(Connect: \d+, Receive: \d+, Length: \d+, Exceptions: \d+\)\nWrite errors: {11}2\n/);
});

test("request phases: a block after the latency table, in its columns with a count, phases the run never had left out, ab's report untouched", () => {
  const base = keepAliveSummary();
  const p = (p50Us: number, p99Us: number, maxUs: number, count: number): PhaseStats => ({
    ...phase({ minUs: 0, meanUs: p50Us, sdUs: 0, medianUs: p50Us, maxUs }, count),
    p99Us,
  });
  const summary: Summary = {
    ...base,
    successTotal: base.total,
    successWaiting: base.waiting,
    phases: {
      dns: null,
      tcp: p(71, 139, 139, 10),
      tls: null,
      blocked: p(0, 0, 2054, 1000),
      sending: p(0, 3, 12_345_678, 1000),
      waiting: p(666, 4455, 18_343, 1000),
      receiving: p(0, 1, 50, 1000),
    },
  };
  const extras = renderGbExtras(summary);
  const lines = extras.split('\n');
  const heading = lines.indexOf('Phases of the responses (ms): DNS once per lookup, TCP and TLS once per connection');
  assert.ok(heading > lines.findIndex((l) => l.startsWith('  Waiting (TTFB):')), 'after the latency table');
  assert.deepEqual(lines.slice(heading + 1, heading + 7), [
    '                          count      p50      p99      max',
    '  TCP connect:               10    0.071    0.139    0.139',
    '  Blocked:                 1000    0.000    0.000    2.054',
    '  Sending:                 1000    0.000    0.003 12345.678',
    '  Waiting:                 1000    0.666    4.455   18.343',
    '  Receiving:               1000    0.000    0.001    0.050',
  ]);
  // The columns are the latency table's: each value ends where its heading does.
  const latencyHeader = lines.find((l) => l.includes('p50      p90')) ?? '';
  assert.equal(lines[heading + 1]?.indexOf('p50'), latencyHeader.indexOf('p50') + 9);
  assert.ok(!extras.includes('TLS handshake') && !extras.includes('DNS lookup:'), 'a phase the run never had has no row');
  assert.equal(renderAbReport(summary), renderAbReport(base));
  assert.ok(!renderGbExtras(base).includes('Phases of the responses'), 'a result without phases has no block');
  const none = renderGbExtras({
    ...summary,
    phases: { dns: null, tcp: null, tls: null, blocked: null, sending: null, waiting: null, receiving: null },
  });
  assert.ok(!none.includes('Phases of the responses'), 'nor one whose phases are all absent');
});
