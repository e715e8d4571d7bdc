// A targets file that names several origins: each origin gets connections of its own, and counts stay exact.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ranIn } from '../helpers/in-process.js';
import { startTargetServer } from '../../src/server/target.js';
import { shareOut } from '../../src/engine/origins.js';
import type { Summary } from '../../src/metrics/summary.js';
import { withTargetAndDir } from '../helpers/target.js';

test('-c is split between origins: by share of the targets, remainders to the largest fractions, at least one each', () => {
  assert.deepEqual(shareOut(4, [2 / 3, 1 / 3]), [3, 1]);
  assert.deepEqual(shareOut(10, [0.5, 0.25, 0.25]), [5, 3, 2]);
  assert.deepEqual(shareOut(3, [0.25, 0.25, 0.5]), [1, 1, 1]);
  assert.deepEqual(shareOut(3, [0.9, 0.05, 0.05]), [1, 1, 1]);
  for (const c of [3, 7, 50, 101])
    assert.equal(
      shareOut(c, [0.5, 0.3, 0.2]).reduce((a, b) => a + b, 0),
      c,
    );
});

for (const extra of [
  ['-c', '4'],
  ['-c', '6', '-G', '2', '--pipeline', '3'],
  ['-c', '3', '--random', '--seed', '5'],
]) {
  test(
    `two origins in one targets file, ${extra.join(' ')}: each server sees exactly its targets' share, on its own connections`,
    { timeout: 60_000 },
    async () => {
      const a = await startTargetServer();
      const b = await startTargetServer();
      const dir = mkdtempSync(join(tmpdir(), 'gb-origins-'));
      try {
        const file = join(dir, 'targets.txt');
        writeFileSync(file, `GET ${a.url}/\n\nGET ${b.url}/10k.dat\n\nGET ${a.url}/bytes/5\n`);
        const ran = await ranIn(['-q', '-k', '-n', '3001', ...extra, '--targets', file, '--json', '-']);
        assert.equal(ran.code, 0, ran.err);
        const summary = JSON.parse(ran.out) as Summary;
        const rows = Object.fromEntries((summary.endpoints ?? []).map((e) => [e.name, e.requests]));
        assert.deepEqual(a.stats().byPath, { '/': rows['GET /'], '/bytes/5': rows['GET /bytes/5'] });
        assert.deepEqual(b.stats().byPath, { '/10k.dat': rows['GET /10k.dat'] });
        assert.equal(summary.completed, 3001);
        if (!extra.includes('--random')) assert.deepEqual(rows, { 'GET /': 1001, 'GET /10k.dat': 1000, 'GET /bytes/5': 1000 });
        assert.ok(a.stats().connections >= 1 && b.stats().connections >= 1);
        assert.ok(
          a.stats().connections + b.stats().connections <= Number(extra[1]) + 4,
          'connections stay near -c (a few re-opened ones aside)',
        );
      } finally {
        await a.close();
        await b.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}

test('a random order with a seed repeats: the same per-endpoint counts twice', async () => {
  await withTargetAndDir('gb-origins-', async (a, dir) => {
    const file = join(dir, 'targets.txt');
    writeFileSync(file, `GET ${a.url}/a\n\nGET ${a.url}/b\n\nGET ${a.url}/c\n`);
    const counts = async (): Promise<unknown> => {
      const ran = await ranIn(['-q', '-k', '-c', '3', '-n', '999', '--random', '--seed', '11', '--targets', file, '--json', '-']);
      return (JSON.parse(ran.out) as Summary).endpoints?.map((e) => [e.name, e.requests]);
    };
    const first = await counts();
    assert.deepEqual(await counts(), first);
    assert.notDeepEqual(
      first,
      [
        ['GET /a', 333],
        ['GET /b', 333],
        ['GET /c', 333],
      ],
      'random, not round-robin',
    );
  });
});

test('--shard splits the targets sequence too: shards 1/2 and 2/2 of -n 3001 add up to the exact per-target counts', async () => {
  await withTargetAndDir('gb-shards-targets-', async (a, dir) => {
    const file = join(dir, 'targets.txt');
    writeFileSync(file, `GET ${a.url}/a\n\nGET ${a.url}/b\n\nGET ${a.url}/c\n`);
    for (const shard of ['1/2', '2/2']) {
      const ran = await ranIn(['-q', '-k', '-c', '3', '-n', '3001', '--shard', shard, '--targets', file]);
      assert.equal(ran.code, 0, ran.err);
    }
    assert.deepEqual(a.stats().byPath, { '/a': 1001, '/b': 1000, '/c': 1000 });
  });
});

for (const workers of ['1', '2']) {
  test(`another origin that does not resolve, -G ${workers}: the run does not start, one line says why`, { timeout: 60_000 }, async () => {
    await withTargetAndDir('gb-origins-', async (a, dir) => {
      const file = join(dir, 'targets.txt');
      // .invalid never resolves (RFC 6761). With -G 2 the lookup fails inside each worker, whose error
      // crosses to the main thread as a message, not as the thrown error (its class would be lost).
      writeFileSync(file, `GET ${a.url}/a\n\nGET http://nowhere.invalid/b\n`);
      const ran = await ranIn(['-q', '-G', workers, '-c', '4', '-n', '4', '--targets', file]);
      assert.equal(ran.code, 1, ran.err);
      assert.match(ran.err, /^gb: cannot resolve nowhere\.invalid: \S+\n$/);
      assert.equal(a.stats().requests, 0, 'no request was sent');
    });
  });
}
