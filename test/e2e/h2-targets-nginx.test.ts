// --targets over --http2 against a real nginx (h2c): nginx's own access log proves how many HTTP/2 requests each path got.

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

const cases: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: '-c 4 --streams 10', args: ['-c', '4', '--streams', '10'] },
  { name: '-c 4 --streams 10 -G 2', args: ['-c', '4', '--streams', '10', '-G', '2'] },
];

for (const c of cases) {
  test(
    `--http2 --targets with 3 paths, -n 30000 ${c.name}: nginx logs 10 000 HTTP/2 requests per path, and gb's rows say the same`,
    { skip, timeout: 120_000 },
    async () => {
      const nginx = await startNginx(SERVER, '', { http2: true });
      const dir = mkdtempSync(join(tmpdir(), 'gb-h2-targets-'));
      try {
        const file = join(dir, 'targets.txt');
        writeFileSync(file, `GET ${nginx.url}/a\n\nGET ${nginx.url}/b\nX-Test: 1\n\nGET ${nginx.url}/c?q=1\n`);
        const ran = await ranIn(['-q', '--http2', '-n', '30000', ...c.args, '--targets', file, '--json', '-']);
        assert.equal(ran.code, 0, ran.err);
        const summary = JSON.parse(ran.out) as Summary;
        assert.equal(summary.completed, 30_000);
        const logged = await nginx.loggedByRequest('HTTP/2.0');
        assert.deepEqual(Object.fromEntries(logged), { 'GET /a': 10_000, 'GET /b': 10_000, 'GET /c?q=1': 10_000 });
        assert.deepEqual(
          summary.endpoints?.map((e) => [e.name, e.requests, e.failures]),
          [
            ['GET /a', 10_000, 0],
            ['GET /b', 10_000, 0],
            ['GET /c?q=1', 10_000, 0],
          ],
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await nginx.stop();
      }
    },
  );
}

test(
  "--http2 --targets on two origins (two nginx, h2c): an engine per origin, each nginx logs its targets' exact share",
  { skip, timeout: 120_000 },
  async () => {
    const one = await startNginx(SERVER, '', { http2: true });
    const two = await startNginx(SERVER, '', { http2: true });
    const dir = mkdtempSync(join(tmpdir(), 'gb-h2-origins-'));
    try {
      const file = join(dir, 'targets.txt');
      writeFileSync(file, `GET ${one.url}/a\n\nGET ${two.url}/b\n\nGET ${one.url}/c\n`);
      const ran = await ranIn(['-q', '--http2', '-n', '3001', '-c', '4', '--streams', '5', '--targets', file, '--json', '-']);
      assert.equal(ran.code, 0, ran.err);
      const summary = JSON.parse(ran.out) as Summary;
      assert.deepEqual(Object.fromEntries(await one.loggedByRequest('HTTP/2.0')), { 'GET /a': 1001, 'GET /c': 1000 });
      assert.deepEqual(Object.fromEntries(await two.loggedByRequest('HTTP/2.0')), { 'GET /b': 1000 });
      assert.deepEqual(
        summary.endpoints?.map((e) => [e.name, e.requests, e.failures]),
        [
          ['GET /a', 1001, 0],
          ['GET /b', 1000, 0],
          ['GET /c', 1000, 0],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await one.stop();
      await two.stop();
    }
  },
);
