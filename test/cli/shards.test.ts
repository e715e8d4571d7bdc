// Tests shards end to end in-process: three --shard runs merge to the exact whole; gb merge refuses
// missing, duplicated and foreign shards and other protocols in one line each; --fail-if on the merge.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Summary } from '../../src/metrics/summary.js';
import { startTargetServer, type TargetServer } from '../../src/server/target.js';
import { ranIn, type Ran } from '../helpers/in-process.js';
import { hdrUnionOfTotals } from '../helpers/summaries.js';

let dir = '';
let server: TargetServer;
const shardFiles: string[] = [];
const read = (path: string): Summary => JSON.parse(readFileSync(path, 'utf8')) as Summary;
const write = (name: string, summary: Summary): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(summary));
  return path;
};

function assertOneErrorLine(result: Ran, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, result.err);
  assert.match(result.err, /^gb: [^\n]+\n$/);
  assert.match(result.err, pattern);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gb-shards-'));
  server = await startTargetServer();
  for (const i of [1, 2, 3]) {
    const path = join(dir, `shard${i}.json`);
    const result = await ranIn([
      '-k',
      '-q',
      '-c',
      '7',
      '-n',
      '301',
      '--shard',
      `${i}/3`,
      '--run-id',
      'test-run',
      '--json',
      path,
      `${server.url}/`,
    ]);
    assert.equal(result.code, 0, result.err);
    shardFiles.push(path);
  }
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('three shards of one run', () => {
  it('each ran its exact share and recorded the run, its shard and the unsplit settings', () => {
    const shards = shardFiles.map(read);
    assert.deepEqual(
      shards.map((s) => s.completed),
      [101, 100, 100],
    );
    assert.deepEqual(
      shards.map((s) => s.settings.concurrency),
      [3, 2, 2],
    );
    for (const [i, s] of shards.entries()) {
      assert.equal(s.shards?.runId, 'test-run');
      assert.equal(s.shards?.count, 3);
      assert.deepEqual(s.shards?.whole, { requests: 301, concurrency: 7, requestsPerSecond: null, maxConnections: null });
      assert.equal(s.shards?.members.length, 1);
      assert.equal(s.shards?.members[0]?.index, i + 1);
      assert.equal(s.shards?.members[0]?.startOffsetMs, null, 'no --start-at, no offset');
    }
    assert.equal(server.stats().requests, 301);
  });

  it('merge into the sum of the shards, with percentiles equal to those of the union of their histograms', async () => {
    const result = await ranIn(['merge', ...shardFiles]);
    assert.equal(result.code, 0, result.err);
    const merged = JSON.parse(result.out) as Summary;
    const shards = shardFiles.map(read);
    const sum = (pick: (s: Summary) => number): number => shards.reduce((a, s) => a + pick(s), 0);
    assert.equal(merged.completed, 301);
    for (const pick of [
      (s: Summary) => s.issued,
      (s: Summary) => s.succeeded,
      (s: Summary) => s.bytes.received,
      (s: Summary) => s.bytes.sent,
      (s: Summary) => s.total?.count ?? 0,
    ]) {
      assert.equal(pick(merged), sum(pick));
    }
    assert.equal(merged.settings.concurrency, 7);
    assert.equal(merged.settings.requests, 301);
    assert.deepEqual(
      merged.shards?.members.map((m) => m.index),
      [1, 2, 3],
    );
    assert.equal(
      merged.timeline.rows.reduce((a, r) => a + r.complete, 0),
      301,
      'per-second rows add up too',
    );

    const union = hdrUnionOfTotals(shards);
    const total = merged.total;
    assert.ok(total !== null);
    assert.equal(union.totalCount, total.count);
    const ours: readonly (readonly [number, number])[] = [
      [50, total.p50Us],
      [90, total.p90Us],
      [99, total.p99Us],
      [99.9, total.p999Us],
    ];
    for (const [p, value] of ours) {
      assert.equal(union.highestEquivalentValue(value), union.getValueAtPercentile(p), `p${p}`);
    }
  });

  it("--report prints the merged report with each shard; --fail-if judges the merged result with a run's exit status", async () => {
    const report = await ranIn(['merge', ...shardFiles, '--report', '--fail-if', 'p99>60s']);
    assert.equal(report.code, 0, report.err);
    assert.match(report.out, /^Complete requests: +301$/m);
    assert.match(report.out, /^Shards: +3 of 3 of run test-run \(whole run -c 7 -n 301\)$/m);
    assert.match(report.out, /^ {2}shard 2\/3: +no --start-at, 100 complete(;| *$)/m);
    assert.match(report.out, /p99>60s: ok/);
    const broken = await ranIn(['merge', ...shardFiles, '--fail-if', 'p99<60s']);
    assert.equal(broken.code, 1);
    assert.match(broken.err, /^gb: --fail-if p99<60s broken: p99 was [\d.]+ ms$/m);
    assert.equal((JSON.parse(broken.out) as Summary).completed, 301, 'the JSON still goes to stdout');
  });

  it('names a saturated shard in the merged report and on stderr', async () => {
    const warning = "gb's busiest thread was 97% busy: the client may be the bottleneck";
    // Shard 2 saturated, 1 and 3 not (on a busy test machine they may really have been).
    const files = shardFiles.map((path, i) => {
      const s = read(path);
      const member = s.shards!.members[0]!;
      const client =
        i === 1 ? { ...member.client, saturated: true, warnings: [warning] } : { ...member.client, saturated: false, warnings: [] };
      return write(`health${i + 1}.json`, { ...s, shards: { ...s.shards!, members: [{ ...member, client }] } });
    });
    const report = await ranIn(['merge', ...files, '--report']);
    assert.match(report.out, /^ {2}shard 2\/3: .*; CLIENT SATURATED: gb's busiest thread was 97% busy/m);
    assert.doesNotMatch(report.out, /shard [13]\/3: .*SATURATED/);
    const json = await ranIn(['merge', ...files]);
    assert.match(json.err, /^gb: shard 2\/3's client was saturated: gb's busiest thread was 97% busy/m);
  });
});

describe('gb merge refuses what is not one whole run, in one line each', () => {
  it('a missing shard (and merges the rest with --partial, saying which are missing)', async () => {
    assertOneErrorLine(
      await ranIn(['merge', shardFiles[0]!, shardFiles[1]!]),
      2,
      /run test-run has 3 shards but shard 3 is missing; add its result, or merge anyway with --partial/,
    );
    const partial = await ranIn(['merge', shardFiles[0]!, shardFiles[1]!, '--partial', '--report']);
    assert.equal(partial.code, 0, partial.err);
    assert.match(partial.out, /^Complete requests: +201$/m);
    assert.match(partial.out, /^Missing shards: +3 \(merged with --partial/m);
  });

  it('a duplicated shard, even with --partial', async () => {
    const twice = [shardFiles[0]!, shardFiles[1]!, shardFiles[1]!, shardFiles[2]!];
    assertOneErrorLine(
      await ranIn(['merge', ...twice]),
      2,
      /shard 2\/3 of run test-run appears twice \(.*shard2\.json and .*shard2\.json\)/,
    );
    assertOneErrorLine(await ranIn(['merge', ...twice, '--partial']), 2, /appears twice/);
  });

  it('a shard of another run, and a plain run among shards', async () => {
    const third = read(shardFiles[2]!);
    const other = write('other-run.json', { ...third, shards: { ...third.shards!, runId: 'another-run' } });
    assertOneErrorLine(
      await ranIn(['merge', shardFiles[0]!, shardFiles[1]!, other]),
      2,
      /cannot merge shards of different runs: .* \(run ids test-run and another-run\); give every shard the same --start-at or --run-id/,
    );
    const plain = write('plain.json', { ...third, shards: null });
    assertOneErrorLine(await ranIn(['merge', shardFiles[0]!, plain]), 2, /plain\.json, a run without --shard, with shards of run test-run/);
  });

  it('results of different schemes and different protocols', async () => {
    const third = read(shardFiles[2]!);
    const https = write('https.json', {
      ...third,
      target: { ...third.target, tls: true, url: third.target.url.replace('http:', 'https:') },
    });
    assertOneErrorLine(
      await ranIn(['merge', shardFiles[0]!, https]),
      2,
      /cannot merge results of different schemes: .*shard1\.json is HTTP, .*https\.json is HTTPS/,
    );
    const h2c = write('h2c.json', { ...third, protocol: 'h2c' });
    assertOneErrorLine(
      await ranIn(['merge', shardFiles[0]!, h2c]),
      2,
      /cannot merge results of different protocols: .*shard1\.json used HTTP\/1\.1, .*h2c\.json used h2c \(gb merge --mixed-protocols adds them anyway\)/,
    );
  });
});

describe('bad --shard and --start-at on the command line', () => {
  for (const [args, pattern] of [
    [['--shard', '0/3'], /invalid shard: --shard '?0\/3'? \(shards are numbered 1 to 3\)/],
    [['--shard', '4/3'], /invalid shard: --shard '?4\/3'? \(shards are numbered 1 to 3\)/],
    [['--shard', '1/0'], /invalid shard: --shard '?1\/0'? \(a run has at least 1 shard\)/],
    [['-c', '2', '-n', '10', '--shard', '3/3'], /shard 3\/3 would get no connection: -c 2 spreads over 2 shards at most/],
    [['--start-at', '+25h'], /--start-at '?\+25h'? is 25\.0 h ahead; gb waits at most 24 h/],
    [['--start-at', 'tomorrow'], /invalid start time: --start-at '?tomorrow'?/],
  ] as const) {
    it(`${args.join(' ')}: exit 2, one line, nothing sent`, async () => {
      server.resetStats();
      assertOneErrorLine(await ranIn([...args, `${server.url}/`]), 2, pattern);
      assert.equal(server.stats().requests, 0);
    });
  }

  it('gb capacity refuses --shard: a search per machine would not add up', async () => {
    assertOneErrorLine(
      await ranIn(['capacity', `${server.url}/`, '--slo', 'p99<50ms', '--shard', '1/2']),
      2,
      /capacity searches from one machine: --shard, --start-at and --run-id do not apply/,
    );
  });

  it('a --start-at in the past starts now, says so, and records how late', async () => {
    const path = join(dir, 'late.json');
    const past = new Date(Date.now() - 5_000).toISOString();
    const result = await ranIn(['-q', '-n', '5', '--start-at', past, '--json', path, `${server.url}/`]);
    assert.equal(result.code, 0, result.err);
    assert.match(result.err, /^gb: --start-at \S+ is [\d.]+ s in the past: starting now \(the result records how late\)$/m);
    const offset = read(path).shards?.members[0]?.startOffsetMs ?? 0;
    assert.ok(offset >= 5_000 && offset < 60_000, `offset ${offset} ms`);
  });
});
