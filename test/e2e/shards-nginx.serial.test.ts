// The "done when": three shards of `-k -c 30 -n 30000` against nginx, started with one
// --start-at, leave exactly 30 000 lines in nginx's access log, and gb merge reports 30 000 complete
// with percentiles equal to those of the union of the shards' histograms.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Summary } from '../../src/metrics/summary.js';
import { runGb } from '../helpers/gb-process.js';
import { startNginx, type TestNginx } from '../helpers/nginx.js';
import { requireTool } from '../helpers/tools.js';
import { hdrUnionOfTotals } from '../helpers/summaries.js';

const skip = requireTool('nginx');

describe('three shards against nginx', { skip }, () => {
  let nginx: TestNginx;
  let dir = '';
  before(async () => {
    nginx = await startNginx('location / { return 200 "hello world\\n"; }');
    dir = mkdtempSync(join(tmpdir(), 'gb-shards-nginx-'));
  });
  after(async () => {
    await nginx.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('-k -c 30 -n 30000 in three shards: 30 000 log lines, 30 000 complete, percentiles of the union', async (t) => {
    const startAt = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000).toISOString();
    const files = [1, 2, 3].map((i) => join(dir, `shard${i}.json`));
    const exits = await Promise.all(
      files.map((file, i) =>
        runGb(['-k', '-q', '-c', '30', '-n', '30000', '--shard', `${i + 1}/3`, '--start-at', startAt, '--json', file, `${nginx.url}/`], {
          killAfterMs: 120_000,
        }),
      ),
    );
    for (const exit of exits) assert.equal(exit.code, 0, exit.stderr);
    assert.equal(await nginx.loggedRequests(), 30_000, "nginx's access log");

    const merged = await runGb(['merge', ...files, '--report', '--json', join(dir, 'merged.json')]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /^Complete requests: +30000$/m);
    assert.match(merged.stdout, /^Failed requests: +0$/m);
    t.diagnostic(merged.stdout.slice(merged.stdout.indexOf('Shards:')).split('\n').slice(0, 5).join(' | '));

    const shards = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Summary);
    const whole = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as Summary;
    assert.deepEqual(
      shards.map((s) => s.completed),
      [10_000, 10_000, 10_000],
    );
    assert.equal(whole.completed, 30_000);
    const union = hdrUnionOfTotals(shards);
    const total = whole.total;
    assert.ok(total !== null);
    assert.equal(union.totalCount, 30_000);
    for (const [p, value] of [
      [50, total.p50Us],
      [90, total.p90Us],
      [99, total.p99Us],
      [99.9, total.p999Us],
      [99.99, total.p9999Us],
    ] as const) {
      assert.equal(union.highestEquivalentValue(value), union.getValueAtPercentile(p), `p${p}`);
    }
  });
});
