// --script and --targets over --http2 against servers that see every request: gb's built-in target
// (HTTP/2 over TLS, which also answers setup()'s HTTP/1.1 fetch) and a node:http2 server made here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { spawnGb } from '../helpers/gb-process.js';
import { ranIn } from '../helpers/in-process.js';
import { selfSignedCertificate } from '../../src/server/self-signed.js';
import type { Summary } from '../../src/metrics/summary.js';
import { withTarget } from '../helpers/target.js';

const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

test(
  'examples/login-then-api.ts over --http2 (h2, -c 4 --streams 8): every request the server sees carries the token',
  { timeout: 60_000 },
  async () => {
    const tls = selfSignedCertificate();
    if (typeof tls === 'string') assert.fail(tls);
    await withTarget(
      async (server) => {
        // setup()'s fetch() checks certificates; the built-in target's is self-signed.
        const gb = spawnGb(
          [
            '-q',
            '--http2',
            '-n',
            '600',
            '-c',
            '4',
            '--streams',
            '8',
            '--script',
            join(examples, 'login-then-api.ts'),
            '--json',
            '-',
            `${server.url}/`,
          ],
          { env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } },
        );
        const ran = await gb.done;
        assert.equal(ran.code, 0, ran.stderr);
        const summary = JSON.parse(ran.stdout) as Summary;
        const api = server.stats().api;
        assert.equal(api.unauthorized, 0, 'no request lacked the token');
        assert.equal(api.authorized, 600);
        assert.equal(api.logins, 1);
        assert.equal(summary.protocol, 'h2');
        assert.deepEqual(
          summary.endpoints?.map((e) => [e.name, e.requests, e.non2xx]),
          [['GET /api/items/:id', 600, 0]],
        );
      },
      { http2: 'h2', tls },
    );
  },
);

test(
  'a script over --http2 h2c: request() varies path and header per request; response() sees status, headers and the body',
  { timeout: 60_000 },
  async () => {
    const seen = new Map<string, number>();
    const server = http2.createServer((req, res) => {
      const key = `${req.headers[':path']} ${req.headers['x-n'] === undefined ? 'no-header' : 'header'}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      res.setHeader('x-served', String(req.headers[':path']));
      res.end(`body of ${req.headers[':path']}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'gb-h2-script-'));
    try {
      const file = join(dir, 'vary.mjs');
      writeFileSync(
        file,
        `let n = 0;
export const options = { responseBody: true };
export function request() { n++; return { path: '/item/' + (n % 3), headers: { 'X-N': String(n) }, name: 'GET /item/:id' }; }
export function response(ctx, res) { return res.status === 200 && res.headers['x-served'] !== undefined && res.text() === 'body of ' + res.headers['x-served']; }
`,
      );
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const ran = await ranIn(['-q', '--http2', '-n', '300', '-c', '2', '--streams', '5', '--script', file, '--json', '-', url]);
      assert.equal(ran.code, 0, ran.err);
      const summary = JSON.parse(ran.out) as Summary;
      assert.equal(summary.failures.script, 0, 'response() accepted every response: it saw the status, the header and the body');
      assert.deepEqual(Object.fromEntries(seen), { '/item/0 header': 100, '/item/1 header': 100, '/item/2 header': 100 });
      assert.deepEqual(
        summary.endpoints?.map((e) => [e.name, e.requests, e.failures]),
        [['GET /item/:id', 300, 0]],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  },
);

test(
  'a targets file with a POST body over --http2: the server receives each body whole, under its own path',
  { timeout: 60_000 },
  async () => {
    const bodies = new Map<string, string[]>();
    const server = http2.createServer({ settings: { initialWindowSize: 1000 } }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const key = `${req.method} ${req.headers[':path']}`;
        bodies.set(key, [...(bodies.get(key) ?? []), Buffer.concat(chunks).toString()]);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'gb-h2-targets-body-'));
    try {
      const big = 'x'.repeat(5000); // over the server's 1000-byte stream window: DATA waits for WINDOW_UPDATE
      writeFileSync(join(dir, 'big.txt'), big);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const file = join(dir, 'targets.jsonl');
      writeFileSync(
        file,
        [
          JSON.stringify({ method: 'POST', url: `${url}/small`, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' }),
          JSON.stringify({ method: 'GET', url: `${url}/get` }),
          JSON.stringify({ method: 'PUT', url: `${url}/big`, body: big }),
        ].join('\n') + '\n',
      );
      const ran = await ranIn(['-q', '--http2', '-n', '90', '-c', '2', '--streams', '4', '--targets', file, '--json', '-']);
      assert.equal(ran.code, 0, ran.err);
      const summary = JSON.parse(ran.out) as Summary;
      assert.equal(summary.failed, 0);
      assert.deepEqual([...bodies.keys()].sort(), ['GET /get', 'POST /small', 'PUT /big']);
      assert.deepEqual(bodies.get('POST /small'), new Array(30).fill('{"a":1}'));
      assert.deepEqual(bodies.get('GET /get'), new Array(30).fill(''));
      assert.deepEqual(bodies.get('PUT /big'), new Array(30).fill(big));
      assert.deepEqual(
        summary.endpoints?.map((e) => [e.name, e.requests]),
        [
          ['POST /small', 30],
          ['GET /get', 30],
          ['PUT /big', 30],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  },
);
