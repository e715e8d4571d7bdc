// Tests ab's -e percentile CSV, -g gnuplot TSV and -w HTML table renderers, against hand-computed values and, when installed, ab's own files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { runConfig } from '../../src/index.js';
import { parseCommandLine } from '../../src/cli/flags.js';
import type { Summary } from '../../src/metrics/summary.js';
import { PERCENTILE_CSV_HEADER, renderPercentileCsv } from '../../src/report/ab-csv.js';
import { renderAbHtml, renderAbHtmlBanner } from '../../src/report/ab-html.js';
import { GNUPLOT_HEADER, GnuplotWriter, aprCtime, planPasses } from '../../src/report/gnuplot.js';
import { phaseOf, settingsFixture, summaryFixture, ZERO_CLIENT } from '../helpers/summaries.js';
import { findTool, requireTool } from '../helpers/tools.js';

const run = promisify(execFile);
const AB = findTool('ab') ?? 'ab';
const noAb = requireTool('ab');

function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'gb-ab-files-test-'));
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

async function gbRun(args: readonly string[], url: string): Promise<Summary> {
  const parsed = parseCommandLine([...args, url]);
  assert.ok(parsed.ok && parsed.value.kind === 'run');
  const outcome = await runConfig(parsed.value.options.config);
  assert.ok(outcome.ok);
  return outcome.value.summary;
}

/** Replaces every number with N, so two outputs of different runs can be compared line for line. */
function shape(text: string): string[] {
  return text.split('\n').map((line) => line.replace(/ *\d+(?:\.\d+)?/g, ' N'));
}

// ---------------------------------------------------------------- -e

test('-e: 102 lines, ab header, row i from element floor(0.5 + n·i/100), 0 = min and 100 = max', () => {
  // 200 distinct samples under 2048 µs, where the histogram is exact, shuffled.
  const sortedUs = Array.from({ length: 200 }, (_, i) => 10 * (i + 1) + (i % 3));
  const shuffled = [...sortedUs].sort((a, b) => ((a * 7919) % 211) - ((b * 7919) % 211));
  const csv = renderPercentileCsv(phaseOf(shuffled));
  const lines = csv.split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.equal(lines.length, 102);
  assert.equal(lines[0], PERCENTILE_CSV_HEADER);
  assert.equal(lines[1], `0,${(sortedUs[0]! / 1000).toFixed(3)}`);
  assert.equal(lines[101], `100,${(sortedUs[199]! / 1000).toFixed(3)}`);
  for (let i = 1; i <= 99; i++) {
    const index = Math.min(Math.floor(0.5 + (200 * i) / 100), 199);
    assert.equal(lines[i + 1], `${i},${(sortedUs[index]! / 1000).toFixed(3)}`, `row ${i}`);
  }
});

test('-e: with three samples the index past the end is clamped to the last one', () => {
  const lines = renderPercentileCsv(phaseOf([1000, 3000, 2000]))
    .trimEnd()
    .split('\n');
  assert.equal(lines[1], '0,1.000');
  assert.equal(lines[17], '16,1.000'); // floor(0.5 + 0.48) = 0
  assert.equal(lines[18], '17,2.000'); // floor(0.5 + 0.51) = 1
  assert.equal(lines[100], '99,3.000'); // floor(0.5 + 2.97) = 3, clamped to 2
  assert.equal(lines[101], '100,3.000');
});

test('-e: a run with no completed response still writes 102 well-formed lines', () => {
  const lines = renderPercentileCsv(null).trimEnd().split('\n');
  assert.equal(lines.length, 102);
  assert.ok(lines.slice(1).every((line, i) => line === `${i},0.000`));
});

// ---------------------------------------------------------------- -g

test('aprCtime writes local time as "Ddd Mmm DD hh:mm:ss YYYY" with the day zero-padded', () => {
  assert.equal(aprCtime(new Date(2024, 5, 5, 12, 34, 56, 789).getTime()), 'Wed Jun 05 12:34:56 2024');
  assert.equal(aprCtime(new Date(1999, 11, 31, 23, 5, 9).getTime()), 'Fri Dec 31 23:05:09 1999');
});

test('planPasses groups keys into passes of at most passRows rows, and gives an oversized key a pass of its own', () => {
  const counts = new Float64Array([2, 0, 3, 10, 1, 1, 0, 2]);
  assert.deepEqual(planPasses(counts, 7, 5), [
    [0, 2],
    [3, 3],
    [4, 7],
  ]);
  assert.deepEqual(planPasses(counts, 7, 100), [[0, 7]]);
  assert.deepEqual(planPasses(new Float64Array(4), 3, 5), []);
});

interface Recorded {
  readonly startMs: number;
  readonly c: number;
  readonly d: number;
  readonly t: number;
  readonly w: number;
}

/** 6000 rows (more than two 64 KiB spill chunks), many sharing a Total time, some over a second. */
function sampleRows(): Recorded[] {
  const base = new Date(2024, 5, 5, 12, 34, 56).getTime();
  return Array.from({ length: 6000 }, (_, i) => {
    const c = (i * 37) % 900;
    const totalUs = 300 + ((i * 7919) % 40_000) + (i % 1000 === 0 ? 1_250_000 : 0);
    return { startMs: base + i * 0.7, c, d: totalUs - c, t: totalUs, w: Math.max(0, totalUs - c - 200) };
  });
}

async function writeRows(path: string, rows: readonly Recorded[], passRows?: number): Promise<string> {
  const writer = new GnuplotWriter(path, { spillParent: dirname(path), ...(passRows === undefined ? {} : { passRows }) });
  assert.equal(readFileSync(path, 'utf8'), GNUPLOT_HEADER, 'header written at construction');
  for (const r of rows) writer.record(r.startMs, r.c, r.d, r.t, r.w);
  assert.equal(writer.rows, rows.length);
  await writer.close();
  return readFileSync(path, 'utf8');
}

const roundMs = (us: number): number => Math.trunc((us + 500) / 1000);

test('-g: ab header, six TAB-separated columns, ms rounded as (µs+500)/1000, rows by ascending ttime, ties in completion order', async () => {
  const dir = scratchDir();
  try {
    const rows = sampleRows();
    const text = await writeRows(join(dir, 'g.tsv'), rows);
    const lines = text.split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(`${lines[0]}\n`, GNUPLOT_HEADER);
    assert.equal(lines.length, rows.length + 1);
    // The expected file: a stable sort by rounded Total time of the rows as recorded.
    const expected = rows
      .map((r, i) => ({ r, i, t: roundMs(r.t) }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map(({ r }) =>
        [
          aprCtime(Math.floor(r.startMs / 1000) * 1000),
          Math.floor(r.startMs / 1000),
          roundMs(r.c),
          roundMs(r.d),
          roundMs(r.t),
          roundMs(r.w),
        ].join('\t'),
      );
    assert.deepEqual(lines.slice(1), expected);
    for (const line of lines.slice(1, 20)) assert.equal(line.split('\t').length, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-g: sorting in many small passes writes the same file as one pass, and the spill file is removed', async () => {
  const dir = scratchDir();
  try {
    const rows = sampleRows();
    const onePass = await writeRows(join(dir, 'one.tsv'), rows);
    const smallPasses = await writeRows(join(dir, 'small.tsv'), rows, 7);
    const singleRowPasses = await writeRows(join(dir, 'single.tsv'), rows, 1);
    assert.equal(smallPasses, onePass);
    assert.equal(singleRowPasses, onePass);
    assert.deepEqual(readdirSync(dir).sort(), ['one.tsv', 'single.tsv', 'small.tsv'], 'no spill folder left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-g: rounding of each column follows ab: (µs + 500) / 1000, truncated', async () => {
  const dir = scratchDir();
  try {
    const path = join(dir, 'r.tsv');
    const writer = new GnuplotWriter(path);
    writer.record(new Date(2024, 0, 2, 3, 4, 5, 999).getTime(), 1499, 500, 1999, 1500);
    await writer.close();
    await writer.close(); // a second close is harmless
    writer.record(Date.now(), 1, 1, 1, 1); // ignored after close
    assert.equal(
      readFileSync(path, 'utf8'),
      `${GNUPLOT_HEADER}Tue Jan 02 03:04:05 2024\t${Math.floor(new Date(2024, 0, 2, 3, 4, 5).getTime() / 1000)}\t1\t1\t2\t2\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-g: an unwritable path fails at construction, before any request is sent', () => {
  assert.throws(() => new GnuplotWriter(join(tmpdir(), 'gb-no-such-dir', 'x', 'g.tsv')), /ENOENT/);
});

// ---------------------------------------------------------------- -w

function htmlSummary(): Summary {
  const total = phaseOf([1400, 2600, 9900]);
  return summaryFixture({
    tool: { name: 'gb', version: '0.0.0-test' },
    target: { url: 'http://h/a<b>?x=1&y=2', host: 'h', port: 8080, path: '/a<b>?x=1&y=2', tls: false },
    settings: settingsFixture({ method: 'POST', concurrency: 2, requests: 3, hasBody: true }),
    serverSoftware: 'srv<1>',
    documentLength: 11,
    elapsedSeconds: 0.5,
    startedAt: '2026-01-01T00:00:00.000Z',
    issued: 4,
    responses: 3,
    completed: 3,
    succeeded: 2,
    failed: 2,
    failures: { connect: 1, receive: 0, length: 1, exceptions: 0, script: 0, grpc: 0 },
    non2xx: 1,
    keepAliveRequests: 3,
    statusCodes: { '200': 2, '500': 1 },
    bytes: { received: 2048, body: 33, sent: 1024 },
    connect: phaseOf([400, 600, 1600]),
    processing: phaseOf([1000, 2000, 8300]),
    waiting: phaseOf([900, 1900, 8000]),
    total,
    successTotal: total,
    successWaiting: phaseOf([900, 1900]),
    client: ZERO_CLIENT,
  });
}

test("-w: one table in ab 2.4 layout, optional rows present, user text escaped, ab's avg and Processing arithmetic", () => {
  const html = renderAbHtml(htmlSummary());
  const lines = html.split('\n');
  assert.equal(lines[0], '');
  assert.equal(lines[1], '');
  assert.equal(lines[2], '<table >');
  assert.equal(lines.at(-2), '</table>');
  const td = 'bgcolor=white';
  const row = (label: string, value: string): string => `<tr ><th colspan=2 ${td}>${label}</th><td colspan=2 ${td}>${value}</td></tr>`;
  assert.ok(lines.includes(row('Server Software:', 'srv&lt;1&gt;')));
  assert.ok(lines.includes(row('Document Path:', '/a&lt;b&gt;?x=1&amp;y=2')));
  assert.ok(lines.includes(`<tr ><td colspan=4 ${td} >   (Connect: 1, Length: 1, Exceptions: 0)</td></tr>`));
  assert.ok(lines.includes(row('Non-2xx responses:', '1')));
  assert.ok(lines.includes(row('Keep-Alive requests:', '3')));
  assert.ok(lines.includes(row('Total body sent:', '1024')));
  assert.ok(lines.includes(row('Requests per second:', '6.00')));
  assert.ok(lines.includes(row('Transfer rate:', '4.00 kb/s received')));
  assert.ok(lines.includes(`<tr ><td colspan=2 ${td}>&nbsp;</td><td colspan=2 ${td}>2.00 kb/s sent</td></tr>`));
  assert.ok(lines.includes(`<tr ><td colspan=2 ${td}>&nbsp;</td><td colspan=2 ${td}>6.00 kb/s total</td></tr>`));
  const cell = (v: number): string => `<td ${td}>${String(v).padStart(5)}</td>`;
  // Connect: min 0 (400 µs), sum 2600 µs → 3 ms / 3 = 1, max 2. Total: min 1, sum 13900 µs → 14 / 3 = 4, max 10.
  assert.ok(lines.includes(`<tr ><th ${td}>Connect:</th>${cell(0)}${cell(1)}${cell(2)}</tr>`));
  assert.ok(lines.includes(`<tr ><th ${td}>Processing:</th>${cell(1)}${cell(3)}${cell(8)}</tr>`));
  assert.ok(lines.includes(`<tr ><th ${td}>Total:</th>${cell(1)}${cell(4)}${cell(10)}</tr>`));
  assert.equal(lines.length, 2 + 1 + 24 + 1 + 1);
});

test("-w banner is ab's paragraph form", () => {
  const banner = renderAbHtmlBanner('1.2.3<x>');
  assert.match(banner, /^<p>\n This is gb, Version 1\.2\.3&lt;x&gt;, .*<br>\n.*<br>\n.*<br>\n<\/p>\n<p>\n$/);
});

// ---------------------------------------------------------------- against ab itself

test("ab -e, -g and -w files have the same shape as gb's", { skip: noAb, timeout: 20_000 }, async () => {
  const body = 'hello world';
  const { server, url } = await listen((_req, res) => {
    res.setHeader('Server', 'shape-test');
    res.end(body);
  });
  const dir = scratchDir();
  try {
    const csvPath = join(dir, 'ab.csv');
    const tsvPath = join(dir, 'ab.tsv');
    await run(AB, ['-q', '-n', '200', '-c', '2', '-e', csvPath, '-g', tsvPath, url]);
    const abHtml = (await run(AB, ['-q', '-w', '-n', '200', '-c', '2', url])).stdout;
    const summary = await gbRun(['-n', '200', '-c', '2'], url);
    assert.equal(summary.responses, 200);

    // -e: same header, same line count, same "i,ms.mmm" shape on every line.
    const abCsv = readFileSync(csvPath, 'utf8');
    const gbCsv = renderPercentileCsv(summary.total);
    assert.deepEqual(shape(gbCsv), shape(abCsv));
    assert.equal(gbCsv.split('\n').length, 103);

    // -g: same header and columns; the date column has ab's exact layout.
    const abTsv = readFileSync(tsvPath, 'utf8').split('\n');
    const gbPath = join(dir, 'gb.tsv');
    const writer = new GnuplotWriter(gbPath);
    const now = Date.now();
    for (let i = 0; i < 200; i++) writer.record(now + i, 100 + i, 900, 1000 + i, 700);
    await writer.close();
    const gbTsv = readFileSync(gbPath, 'utf8').split('\n');
    assert.equal(gbTsv[0], abTsv[0]);
    assert.equal(gbTsv.length, abTsv.length);
    const columns = (line: string): string[] => line.split('\t');
    assert.equal(columns(gbTsv[1] ?? '').length, columns(abTsv[1] ?? '').length);
    const dateShape = (line: string): string => (columns(line)[0] ?? '').replace(/[A-Z][a-z]{2}/g, 'W').replace(/\d/g, 'N');
    assert.equal(dateShape(gbTsv[1] ?? ''), dateShape(abTsv[1] ?? ''));

    // -w: the table from gb's run has ab's lines, tag for tag (only the numbers differ).
    const abTable = abHtml.slice(abHtml.indexOf('\n\n<table'));
    assert.deepEqual(shape(renderAbHtml(summary)), shape(abTable));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  }
});
