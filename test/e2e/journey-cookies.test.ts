// Each virtual user's cookie jar against node:http and node:http2 (h2c) servers: its own cookies only, by RFC 6265's path and expiry rules, across iterations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createH2cServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Summary } from '../../src/metrics/summary.js';
import { ranIn } from '../helpers/in-process.js';

test(
  'each user keeps its own cookies: sent back by path, forgotten at Max-Age=0, kept across iterations',
  { timeout: 30_000 },
  async () => {
    const seen: { path: string; cookie: string; user: string }[] = [];
    let next = 0;
    const server = createServer((req, res) => {
      const user = String(req.headers['x-user']);
      seen.push({ path: req.url ?? '', cookie: req.headers.cookie ?? '', user });
      const headers: Record<string, string | string[]> = {};
      if (req.url === '/start') headers['set-cookie'] = [`sid=s${next++}; Path=/`, 'scoped=yes; Path=/area', 'gone=1; Path=/'];
      if (req.url === '/area/page') headers['set-cookie'] = 'gone=; Max-Age=0; Path=/';
      res.writeHead(200, headers);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const dir = mkdtempSync(join(tmpdir(), 'gb-cookies-'));
    const script = join(dir, 'cookies.mjs');
    writeFileSync(
      script,
      `export async function iteration(vu) {
      const headers = { 'x-user': String(vu.id) };
      if (vu.iteration === 0) await vu.get('/start', { headers });
      await vu.get('/other', { headers });
      await vu.get('/area/page', { headers });
      await vu.get('/after', { headers });
    }\n`,
    );
    try {
      const ran = await ranIn(['-q', '--users', '3', '--iterations', '6', '--script', script, `http://127.0.0.1:${port}/`]);
      assert.equal(ran.code, 0, ran.err);
      // Which sid each user was given, from its first request after /start.
      const sidOf = new Map<string, string>();
      for (const s of seen) {
        const sid = /sid=(s\d+)/.exec(s.cookie)?.[1];
        if (sid === undefined) continue;
        const mine = sidOf.get(s.user) ?? sid;
        sidOf.set(s.user, mine);
        assert.equal(sid, mine, `user ${s.user} sent only its own session, always`);
      }
      assert.equal(new Set(sidOf.values()).size, 3, 'three users, three sessions');
      for (const s of seen) {
        if (s.path === '/start') assert.equal(s.cookie, '', 'nothing before the first Set-Cookie');
        if (s.path === '/other') assert.doesNotMatch(s.cookie, /scoped=/, 'Path=/area is not sent to /other');
        if (s.path === '/area/page') assert.match(s.cookie, /scoped=yes/);
        if (s.path === '/after') assert.doesNotMatch(s.cookie, /gone=/, 'Max-Age=0 removed it');
      }
      assert.equal(seen.filter((s) => s.path === '/start').length, 3);
      assert.equal(seen.filter((s) => s.path === '/after').length, 6);
    } finally {
      server.closeAllConnections();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('--http2: each user on its own h2c connection, its session cookie sent back on every stream', { timeout: 30_000 }, async () => {
  const sessions = new Map<string, string>();
  const problems: string[] = [];
  let served = 0;
  const server = createH2cServer((req, res) => {
    served++;
    const user = String(req.headers['x-user']);
    if (req.url === '/start') {
      const sid = `s${sessions.size}`;
      sessions.set(user, sid);
      res.writeHead(200, { 'set-cookie': `sid=${sid}; Path=/` });
    } else if (req.headers.cookie !== `sid=${sessions.get(user)}`) {
      problems.push(`${req.url} of user ${user} with ${req.headers.cookie}`);
      res.writeHead(401);
    } else res.writeHead(200);
    res.end(JSON.stringify({ protocol: req.httpVersion }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = mkdtempSync(join(tmpdir(), 'gb-cookies-h2-'));
  const script = join(dir, 'h2.mjs');
  writeFileSync(
    script,
    `export async function iteration(vu) {
      const headers = { 'x-user': String(vu.id) };
      if (vu.iteration === 0) await vu.get('/start', { headers });
      const me = await vu.get('/me', { headers });
      vu.check('h2', me.json().protocol === '2.0' && me.status === 200);
    }\n`,
  );
  try {
    const ran = await ranIn([
      '-q',
      '--http2',
      '--users',
      '4',
      '--iterations',
      '12',
      '--script',
      script,
      '--json',
      '-',
      `http://127.0.0.1:${port}/`,
    ]);
    assert.equal(ran.code, 0, ran.err);
    assert.deepEqual(problems, []);
    assert.equal(sessions.size, 4);
    assert.equal(served, 16);
    const summary = JSON.parse(ran.out) as Summary;
    assert.equal(summary.protocol, 'h2c');
    assert.deepEqual(summary.journeys!.checks, [{ name: 'h2', passed: 12, failed: 0 }]);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
