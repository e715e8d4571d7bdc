// WebSocket runs end to end against a real peer (the `ws` package's server): exact counts on both sides, echo and rate,
// binary files, pings, server closes, wss://, -G, and the JSON (schema, merge, compare, --fail-if) of a run.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Summary } from '../../src/metrics/summary.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeCertificate } from '../helpers/certificate.js';
import { otlpRoot } from '../helpers/live.js';
import { runGb } from '../helpers/gb-process.js';
import { requireTool } from '../helpers/tools.js';
import { startWsServer, type TestWsServer } from '../helpers/ws-server.js';

const schema: unknown = JSON.parse(readFileSync(new URL('../../../schema/gb-result.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema as object);
const T = { timeout: 60_000 };
const dir = mkdtempSync(join(tmpdir(), 'gb-websocket-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const read = (file: string): Summary => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Summary;

/** Waits until the server has heard every client's close (the report is printed before the server sees the last). */
async function closesHeard(server: TestWsServer, count: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (Object.values(server.closeCodes()).reduce((a, b) => a + b, 0) >= count) return;
    await sleep(20);
  }
}

describe('gb ws:// against the ws package', () => {
  let server: TestWsServer;
  before(async () => {
    server = await startWsServer();
  });
  after(async () => {
    await server?.close();
  });

  it('-c 50 -n 100000 --echo: 100000 round trips complete, the server saw exactly 100000 messages', T, async () => {
    const before = server.messages();
    const run = await runGb(['-q', '-c', '50', '-n', '100000', '--echo', '--json', join(dir, 'echo.json'), `${server.url}/`], {
      killAfterMs: 30_000,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(server.messages() - before, 100_000);
    const s = read('echo.json');
    assert.equal(validate(s), true, JSON.stringify(validate.errors));
    assert.equal(s.completed, 100_000);
    assert.equal(s.failed, 0);
    assert.equal(s.non2xx, 0);
    assert.deepEqual(s.statusCodes, {});
    assert.equal(s.failures.length, 0);
    const ws = s.websocket;
    assert.ok(ws !== null);
    assert.deepEqual(ws.connections, { opened: 50, failed: 0 });
    assert.deepEqual(ws.messages, { sent: 100_000, received: 100_000 });
    const payload = Buffer.byteLength('hello from gb');
    assert.deepEqual(ws.bytes, { sent: 100_000 * payload, received: 100_000 * payload });
    assert.equal(ws.handshake?.count, 50);
    assert.deepEqual(ws.closeCodes, { 1000: 50 });
    assert.equal(s.connect?.count, 100_000);
    await closesHeard(server, 50);
    assert.equal(server.closeCodes()['1000'], 50, JSON.stringify(server.closeCodes()));
  });

  it('prints the ab report with messages as requests, and a WebSocket block', T, async () => {
    const run = await runGb(['-c', '4', '-n', '400', '--message', 'abc', `${server.url}/chat`]);
    assert.equal(run.code, 0, run.stderr);
    const out = run.stdout;
    assert.match(out, /^Concurrency Level: +4$/m);
    assert.match(out, /^Complete requests: +400$/m);
    assert.match(out, /^Failed requests: +0$/m);
    assert.doesNotMatch(out, /Non-2xx/);
    assert.match(out, /^Requests per second: +[\d.]+ \[#\/sec\] \(mean\)$/m);
    assert.match(out, /^Connection Times \(ms\)$/m);
    assert.match(out, /^\s+99%\s+\d+$/m);
    assert.match(out, /^WebSocket$/m);
    assert.match(out, /^Connections: +4 opened, 0 failed to open$/m);
    assert.match(out, /^Messages: +400 sent, 400 received$/m);
    assert.match(out, /^Payload bytes: +1200 sent, 1200 received$/m);
    assert.match(out, /^Close codes: +1000 ×4$/m);
    assert.match(out, /^ {2}Handshake: +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+$/m);
  });

  it('--rate sends on a schedule, several in flight per connection: -n messages, timed from the intended send', T, async () => {
    const before = server.messages();
    const run = await runGb(['-q', '-c', '2', '--rate', '2000', '-n', '1000', '--json', join(dir, 'rate.json'), `${server.url}/`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(server.messages() - before, 1000);
    const s = read('rate.json');
    assert.equal(validate(s), true, JSON.stringify(validate.errors));
    assert.equal(s.completed, 1000);
    assert.equal(s.failed, 0);
    assert.ok(s.rate !== null);
    assert.ok(s.elapsedSeconds >= 0.45, `1000 messages at 2000/s take half a second, not ${s.elapsedSeconds}`);
    assert.equal(s.websocket?.messages.received, 1000);
  });

  it('-G 2 --rate splits the schedule between two workers: -n messages in all, none failed', T, async () => {
    const before = server.messages();
    const run = await runGb(['-q', '-G', '2', '-c', '4', '--rate', '1000', '-n', '500', '--json', '-', server.url]);
    assert.equal(run.code, 0, run.stderr);
    const s = JSON.parse(run.stdout) as Summary;
    assert.equal(s.completed, 500);
    assert.equal(s.failed, 0);
    assert.equal(server.messages() - before, 500);
    assert.deepEqual(s.websocket?.messages, { sent: 500, received: 500 });
  });

  it('--binary --message @FILE sends the file as binary messages; -G 2 splits the run exactly', T, async () => {
    const file = join(dir, 'payload.bin');
    const payload = Buffer.alloc(70_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    writeFileSync(file, payload);
    const binary = await startWsServer();
    try {
      const run = await runGb([
        '-q',
        '-G',
        '2',
        '-c',
        '4',
        '-n',
        '200',
        '--binary',
        '--message',
        `@${file}`,
        '--json',
        join(dir, 'bin.json'),
        binary.url,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(binary.messages(), 200);
      assert.equal(binary.bytes(), 200 * payload.length);
      assert.equal(binary.allBinary(), true);
      const s = read('bin.json');
      assert.equal(s.completed, 200);
      assert.deepEqual(s.websocket?.bytes, { sent: 200 * payload.length, received: 200 * payload.length });
      assert.deepEqual(s.websocket?.connections, { opened: 4, failed: 0 });
    } finally {
      await binary.close();
    }
  });

  it('answers server pings with pongs, and counts a server close as a failure of the message in flight', T, async () => {
    const closing = await startWsServer({ pingsOnOpen: 3, closeAfter: { messages: 10, code: 4000 } });
    try {
      const run = await runGb(['-q', '-r', '-c', '2', '-n', '100', '--json', join(dir, 'close.json'), closing.url]);
      assert.equal(run.code, 0, run.stderr);
      const s = read('close.json');
      assert.equal(validate(s), true, JSON.stringify(validate.errors));
      const ws = s.websocket;
      assert.ok(ws !== null);
      // Each connection's 10th message is answered by a close, not an echo: after 10 echoes the next fails.
      // Every connection ends with the server's 4000, but those still open when -n ran out, which gb closes with 1000.
      assert.equal((ws.closeCodes['4000'] ?? 0) + (ws.closeCodes['1000'] ?? 0), ws.connections.opened);
      assert.ok((ws.closeCodes['1000'] ?? 0) <= 2);
      assert.equal(s.completed + s.failures.connect, 100);
      assert.equal(s.errorCodes.WS_CLOSED ?? 0, s.failures.receive);
      assert.ok(s.failures.receive > 0);
      assert.equal(ws.pingsAnswered, 3 * ws.connections.opened);
      await sleep(100);
      assert.equal(closing.pongs(), ws.pingsAnswered);
    } finally {
      await closing.close();
    }
  });

  it('gb merge adds two runs exactly, gb compare and --fail-if take a WebSocket result', T, async () => {
    for (const name of ['m1', 'm2']) {
      const run = await runGb(['-q', '-c', '3', '-n', '300', '--json', join(dir, `${name}.json`), server.url]);
      assert.equal(run.code, 0, run.stderr);
    }
    const merged = await runGb(['merge', join(dir, 'm1.json'), join(dir, 'm2.json')]);
    assert.equal(merged.code, 0, merged.stderr);
    const m = JSON.parse(merged.stdout) as Summary;
    assert.equal(validate(m), true, JSON.stringify(validate.errors));
    assert.equal(m.completed, 600);
    assert.deepEqual(m.websocket?.messages, { sent: 600, received: 600 });
    assert.deepEqual(m.websocket?.connections, { opened: 6, failed: 0 });
    assert.equal(m.websocket?.handshake?.count, 6);
    const compared = await runGb(['compare', join(dir, 'm1.json'), join(dir, 'm2.json')]);
    assert.ok(compared.code === 0 || compared.code === 1, compared.stderr);
    assert.match(compared.stdout, /p99/);
    const broken = await runGb(['-q', '-c', '2', '-n', '50', '--fail-if', 'rps<100000000', server.url]);
    assert.equal(broken.code, 1, broken.stderr);
    assert.match(broken.stderr, /rps/);
  });
});

describe('gb ws:// with -t, --warmup, --shard, --html and --out', () => {
  let server: TestWsServer;
  before(async () => {
    server = await startWsServer();
  });
  after(async () => {
    await server?.close();
  });

  it('--shard 1/2 sends its half of -n exactly', T, async () => {
    const before = server.messages();
    const run = await runGb(['-q', '--shard', '1/2', '-c', '4', '-n', '401', '--json', '-', server.url]);
    assert.equal(run.code, 0, run.stderr);
    const s = JSON.parse(run.stdout) as Summary;
    assert.equal(s.completed, 201);
    assert.equal(server.messages() - before, 201);
  });

  it(
    '-t 1s --warmup 300ms: the warm-up is left out, the live OTLP total ends at Complete requests, the HTML has its section',
    T,
    async () => {
      const bodies: Buffer[] = [];
      const receiver = createServer((req, res) => {
        const parts: Buffer[] = [];
        req.on('data', (c: Buffer) => parts.push(c));
        req.on('end', () => {
          bodies.push(Buffer.concat(parts));
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const { port } = receiver.address() as AddressInfo;
      try {
        const before = server.messages();
        const html = join(dir, 'ws.html');
        const args = ['-c', '4', '-t', '1s', '--warmup', '300ms', '--out', `otlp=http://127.0.0.1:${port}`, '--out-period', '1s'];
        const run = await runGb(['-q', ...args, '--html', html, '--json', join(dir, 'timed.json'), server.url], { killAfterMs: 20_000 });
        assert.equal(run.code, 0, run.stderr);
        const s = read('timed.json');
        assert.equal(s.stopReason, 'duration');
        assert.ok(s.completed > 0);
        assert.ok(server.messages() - before > s.completed, 'the warm-up sent messages the report leaves out');
        assert.equal(s.failed, 0);
        const Request = otlpRoot().lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
        const last = Request.toObject(Request.decode(bodies.at(-1)!), { longs: String, defaults: true }) as {
          resource_metrics: { scope_metrics: { metrics: { name: string; sum?: { data_points: { as_int?: string }[] } }[] }[] }[];
        };
        const metrics = last.resource_metrics.flatMap((r) => r.scope_metrics.flatMap((m) => m.metrics));
        const requests = metrics.find((m) => m.name === 'gb.requests')?.sum?.data_points ?? [];
        assert.equal(
          requests.reduce((a, p) => a + Number(p.as_int ?? 0), 0),
          s.completed,
        );
        const page = readFileSync(html, 'utf8');
        assert.match(page, /<h2>WebSocket<\/h2>/);
        // The connections opened in the warm-up, which the measured run then uses: none opened while measuring.
        assert.match(page, /<th>Connections<\/th><td>0 opened, 0 failed to open<\/td>/);
        assert.equal(s.websocket?.messages.sent, s.completed + s.cutOff);
      } finally {
        receiver.close();
      }
    },
  );
});

describe('gb wss:// against the ws package over TLS', () => {
  const certificate = makeCertificate();
  const skip = requireTool('openssl', typeof certificate === 'string' ? certificate : null);

  it('opens each connection with TLS and the upgrade, and echoes every message', { ...T, skip }, async () => {
    assert.ok(typeof certificate !== 'string');
    const secure = await startWsServer({ tls: certificate });
    try {
      const run = await runGb(['-q', '-c', '5', '-n', '500', '--json', join(dir, 'wss.json'), `${secure.url}/`]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(secure.messages(), 500);
      const s = read('wss.json');
      assert.equal(s.completed, 500);
      assert.equal(s.target.tls, true);
      assert.ok(s.tlsProtocol !== null);
      assert.equal(s.phases?.tls?.count, 5);
      assert.deepEqual(s.websocket?.connections, { opened: 5, failed: 0 });
    } finally {
      await secure.close();
    }
  });
});
