// --targets against a real nginx: nginx's own access log proves how many requests each path got.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginx } from '../helpers/nginx.js';
import { requireTool } from '../helpers/tools.js';
import { ranIn } from '../helpers/in-process.js';
import type { Summary } from '../../src/metrics/summary.js';

const skip = requireTool('nginx');
const SERVER = 'location / { return 200 "ok\\n"; }';

async function withTargets(url: string, run: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gb-targets-'));
  try {
    const file = join(dir, 'targets.txt');
    writeFileSync(file, `# three paths\nGET ${url}/a\n\nGET ${url}/b\nX-Test: 1\n\nGET ${url}/c?q=1\n`);
    await run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: readonly { readonly name: string; readonly args: readonly string[]; readonly n: number }[] = [
  { name: '-n 30000 -c 8 -k', args: ['-k', '-c', '8'], n: 30_000 },
  { name: '-n 3001 -c 6 -k --pipeline 4 -G 2', args: ['-k', '-c', '6', '--pipeline', '4', '-G', '2'], n: 3001 },
  { name: '-n 301 -c 5 (a connection per request)', args: ['-c', '5'], n: 301 },
];

for (const c of cases) {
  test(
    `--targets with 3 paths, ${c.name}: nginx logs each path's exact share, and gb's per-endpoint rows say the same`,
    { skip, timeout: 120_000 },
    async () => {
      const nginx = await startNginx(SERVER);
      try {
        await withTargets(nginx.url, async (file) => {
          const ran = await ranIn(['-q', '-n', String(c.n), ...c.args, '--targets', file, '--json', '-']);
          assert.equal(ran.code, 0, ran.err);
          const summary = JSON.parse(ran.out) as Summary;
          const share = (i: number): number => Math.floor(c.n / 3) + (i < c.n % 3 ? 1 : 0);
          const logged = await nginx.loggedByRequest();
          assert.deepEqual(Object.fromEntries(logged), { 'GET /a': share(0), 'GET /b': share(1), 'GET /c?q=1': share(2) });
          assert.deepEqual(
            summary.endpoints?.map((e) => [e.name, e.requests, e.failures]),
            [
              ['GET /a', share(0), 0],
              ['GET /b', share(1), 0],
              ['GET /c?q=1', share(2), 0],
            ],
          );
        });
      } finally {
        await nginx.stop();
      }
    },
  );
}

test('the ab report of a --targets run ends with a per-endpoint table', { skip, timeout: 60_000 }, async () => {
  const nginx = await startNginx(SERVER);
  try {
    await withTargets(nginx.url, async (file) => {
      const ran = await ranIn(['-q', '-k', '-c', '3', '-n', '30', '--targets', file]);
      assert.equal(ran.code, 0, ran.err);
      assert.match(ran.out, /Per endpoint \(latency of Total, ms\)\n\s+requests\s+failures\s+non-2xx\s+req\/s\s+p50\s+p90\s+p99\s+max\n/);
      assert.match(ran.out, /\n {2}GET \/a +10 +0 +0 /);
      assert.match(ran.out, /\n {2}GET \/c\?q=1 +10 +0 +0 /);
      // ab's own lines are untouched: Complete requests is the whole run.
      assert.match(ran.out, /Complete requests: +30\n/);
    });
  } finally {
    await nginx.stop();
  }
});
