// Journeys with WebSockets (vu.ws): a user's HTTP steps and its socket's messages against one server that speaks both,
// every message counted on both sides, the handshake counted as a request, a refused upgrade failing its iteration.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Summary } from '../../src/metrics/summary.js';
import { runGb } from '../helpers/gb-process.js';
import { startWsServer, type TestWsServer } from '../helpers/ws-server.js';

const T = { timeout: 60_000 };
const dir = mkdtempSync(join(tmpdir(), 'gb-ws-journey-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const chat = join(dir, 'chat.mjs');
writeFileSync(
  chat,
  `export default {
  async iteration(vu) {
    const page = await vu.get('/');
    vu.check('page', page.status === 200);
    const ws = await vu.ws('/chat');
    for (let i = 0; i < 3; i++) {
      ws.send(JSON.stringify({ user: vu.id, i }));
      const reply = await ws.next();
      vu.check('echo', reply.json().i === i && !reply.binary);
    }
    ws.send(new Uint8Array([1, 2, 3]));
    vu.check('binary', (await ws.next()).binary);
    await ws.close();
  },
};
`,
);
const refused = join(dir, 'refused.mjs');
writeFileSync(refused, `export async function iteration(vu) { await vu.ws('/elsewhere'); }\n`);

describe('journeys with vu.ws(path)', () => {
  let server: TestWsServer;
  before(async () => {
    server = await startWsServer({ path: '/chat' });
  });
  after(async () => {
    await server?.close();
  });

  it('--users 3 --iterations 12: each iteration a page, a handshake and four echoed messages, counted on both sides', T, async () => {
    const url = `http://127.0.0.1:${server.port}/`;
    const run = await runGb(['-q', '--users', '3', '--iterations', '12', '--script', chat, '--json', '-', url], { killAfterMs: 30_000 });
    assert.equal(run.code, 0, run.stderr);
    const s = JSON.parse(run.stdout) as Summary;
    assert.equal(s.journeys?.iterations.complete, 12, JSON.stringify(s.journeys?.failures));
    assert.deepEqual(
      s.journeys?.checks.map((c) => [c.name, c.passed, c.failed]),
      [
        ['binary', 12, 0],
        ['echo', 36, 0],
        ['page', 12, 0],
      ],
    );
    assert.equal(s.completed, 24, '12 pages and 12 handshakes');
    assert.equal(s.failed, 0);
    assert.deepEqual(
      s.endpoints?.map((e) => [e.name, e.requests]),
      [
        ['GET /', 12],
        ['WS /chat', 12],
      ],
    );
    assert.deepEqual(s.websocket?.connections, { opened: 12, failed: 0 });
    assert.deepEqual(s.websocket?.messages, { sent: 48, received: 48 });
    assert.deepEqual(s.websocket?.closeCodes, { 1000: 12 });
    assert.equal(server.messages(), 48);
    assert.equal(server.connections(), 12);
  });

  it('with --http2 vu.ws rejects before anything is sent: the iteration fails, no request is counted', T, async () => {
    const run = await runGb([
      '-q',
      '-r',
      '--http2',
      '--users',
      '1',
      '--iterations',
      '1',
      '--script',
      refused,
      '--json',
      '-',
      `http://127.0.0.1:${server.port}/`,
    ]);
    const s = JSON.parse(run.stdout) as Summary;
    assert.equal(s.journeys?.iterations.failed, 1);
    assert.match(s.journeys?.failures[0]?.message ?? '', /vu\.ws\(\) needs HTTP\/1\.1/);
    assert.equal(s.issued, 0);
  });

  it('a refused upgrade rejects vu.ws: the iteration fails and the handshake is a Connect failure', T, async () => {
    const run = await runGb([
      '-q',
      '-r',
      '--users',
      '1',
      '--iterations',
      '2',
      '--script',
      refused,
      '--json',
      '-',
      `http://127.0.0.1:${server.port}/`,
    ]);
    const s = JSON.parse(run.stdout) as Summary;
    assert.equal(s.journeys?.iterations.failed, 2);
    assert.match(s.journeys?.failures[0]?.message ?? '', /WebSocket handshake answered 400/);
    assert.deepEqual(s.errorCodes, { WS_HANDSHAKE_STATUS: 2 });
    assert.deepEqual(s.websocket?.connections, { opened: 0, failed: 2 });
  });
});
