// Per-endpoint rows: bounded by --max-endpoints, merged by name across threads and across results, compared by name.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EndpointStats, OTHER_ENDPOINT } from '../../src/metrics/endpoints.js';
import { endpointResults } from '../../src/engine/summarize.js';
import { mergeSummaries } from '../../src/metrics/merge.js';
import { compareEndpoints } from '../../src/metrics/compare.js';
import type { Summary } from '../../src/metrics/summary.js';
import { runArgs } from '../helpers/summaries.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTarget, withTargetAndDir } from '../helpers/target.js';

describe('EndpointStats', () => {
  it('opens at most maxRows named rows; every further name lands on one "other" row', () => {
    const e = new EndpointStats(3);
    const rows = Array.from({ length: 50 }, (_, i) => e.rowOf(`GET /item/${i}`));
    assert.deepEqual(rows.slice(0, 4), [0, 1, 2, 3]);
    assert.ok(rows.slice(3).every((r) => r === 3));
    assert.deepEqual(e.names, ['GET /item/0', 'GET /item/1', 'GET /item/2', OTHER_ENDPOINT]);
    for (const row of rows) e.recordResponse(row, 200, 1000, false);
    e.recordFailure(rows[49]!);
    assert.deepEqual([e.requests(0), e.requests(3), e.failures(3)], [1, 48, 1]);
  });

  it("counts non-2xx and Length failures per row, and merges another thread's rows by name", () => {
    const a = new EndpointStats(10, ['GET /a', 'GET /b']);
    const b = new EndpointStats(10, ['GET /b', 'GET /c']);
    a.recordResponse(0, 200, 500, false);
    a.recordResponse(1, 404, 700, true);
    b.recordResponse(0, 200, 900, false);
    b.recordResponse(1, 500, 100, false);
    a.merge(b.snapshot());
    const rows = endpointResults(a, 1000).map((r) => [r.name, r.requests, r.failures, r.non2xx, r.requestsPerSecond, r.maxUs]);
    assert.deepEqual(rows, [
      ['GET /a', 1, 0, 0, 1, 500],
      ['GET /b', 2, 1, 1, 2, 900],
      ['GET /c', 1, 0, 1, 1, 100],
    ]);
  });
});

describe('gb merge and gb compare', () => {
  it('merge adds rows of the same name (histograms too); compare matches them by name', async () => {
    await withTarget(async (server) => {
      const dir = mkdtempSync(join(tmpdir(), 'gb-endpoints-'));
      const one = join(dir, 'one.txt');
      const two = join(dir, 'two.txt');
      writeFileSync(one, `GET ${server.url}/\n\nGET ${server.url}/10k.dat\n`);
      writeFileSync(two, `GET ${server.url}/10k.dat\n\nGET ${server.url}/bytes/3\n`);
      const a: Summary = await runArgs(['-q', '-k', '-n', '20', '--targets', one]);
      const b: Summary = await runArgs(['-q', '-k', '-n', '30', '--targets', two]);
      rmSync(dir, { recursive: true, force: true });
      const merged = mergeSummaries([{ ...a, target: b.target }, b]);
      assert.ok(merged.ok, merged.ok ? '' : merged.error);
      const rows = merged.value.endpoints?.map((e) => [e.name, e.requests]);
      assert.deepEqual(rows, [
        ['GET /', 10],
        ['GET /10k.dat', 25],
        ['GET /bytes/3', 15],
      ]);
      const tenK = merged.value.endpoints?.find((e) => e.name === 'GET /10k.dat');
      assert.ok(tenK !== undefined && tenK.histogram !== '');
      const matched = compareEndpoints(a, b).map((r) => [r.name, r.a?.requests ?? null, r.b?.requests ?? null]);
      assert.deepEqual(matched, [
        ['GET /', 10, null],
        ['GET /10k.dat', 10, 15],
        ['GET /bytes/3', null, 15],
      ]);
    });
  });
});

describe('the files a run writes', () => {
  it('-e gets an Endpoint column, -g an endpoint column, the HTML page a per-endpoint section with names escaped', async () => {
    await withTargetAndDir('gb-endpoint-files-', async (server, dir) => {
      const targets = join(dir, 't.jsonl');
      writeFileSync(targets, `{"url":"${server.url}/","name":"<home>"}\n{"url":"${server.url}/10k.dat","name":"ten, k"}\n`);
      const csv = join(dir, 'p.csv');
      const tsv = join(dir, 'g.tsv');
      const html = join(dir, 'r.html');
      const { ranIn } = await import('../helpers/in-process.js');
      const ran = await ranIn(['-q', '-k', '-n', '10', '--targets', targets, '-e', csv, '-g', tsv, '--html', html]);
      assert.equal(ran.code, 0, ran.err);
      const { readFileSync } = await import('node:fs');
      const csvLines = readFileSync(csv, 'utf8').trimEnd().split('\n');
      assert.equal(csvLines[0], 'Percentage served,Time in ms,Endpoint');
      assert.equal(csvLines.length, 1 + 3 * 101);
      assert.match(csvLines[1]!, /^0,\d+\.\d{3},all$/);
      assert.match(csvLines[1 + 101]!, /^0,\d+\.\d{3},<home>$/);
      assert.match(csvLines[1 + 202]!, /^0,\d+\.\d{3},"ten, k"$/);
      const tsvLines = readFileSync(tsv, 'utf8').trimEnd().split('\n');
      assert.equal(tsvLines[0], 'starttime\tseconds\tctime\tdtime\tttime\twait\tendpoint');
      assert.equal(tsvLines.length, 11);
      assert.deepEqual(new Set(tsvLines.slice(1).map((l) => l.split('\t')[6])), new Set(['<home>', 'ten, k']));
      const page = readFileSync(html, 'utf8');
      assert.match(page, /<h2>Per endpoint<\/h2>/);
      assert.match(page, /<td>&lt;home&gt;<\/td>/);
      assert.doesNotMatch(page, /<td><home><\/td>/);
    });
  });
});
