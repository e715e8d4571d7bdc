// The pusher against receivers that misbehave (node:http servers on 127.0.0.1): retried, refused, silent, down; the run is never held up.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createExporter, deliveryWarning, parseOut, type ExporterOptions, type LiveExporter } from '../../src/live/exporters.js';
import { decodeRemoteWrite, RUN, syntheticRun } from '../helpers/live.js';
import { freePort } from '../helpers/nginx.js';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  /** The timestamp of the body's samples. */
  readonly timestampMs: number;
}

interface Receiver {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

/** A remote-write receiver whose n-th request (0-based) is answered by `answer`; it decodes each body it gets. */
async function receiver(answer: (n: number, res: ServerResponse) => void): Promise<Receiver> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: req.headers, body, timestampMs: decodeRemoteWrite(body)[0]!.samples[0]!.timestamp });
      answer(received.length - 1, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address !== 'string');
  return {
    url: `http://127.0.0.1:${address.port}/api/v1/write`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function exporter(url: string, options: ExporterOptions = {}): LiveExporter {
  const target = parseOut(`prometheus=${url}`);
  assert.ok(typeof target !== 'string');
  return createExporter(target, RUN, { initialBackoffMs: 20, maxBackoffMs: 100, ...options });
}

describe('pusher', () => {
  const receivers: Receiver[] = [];
  after(async () => {
    for (const r of receivers) await r.close();
  });

  it("sends remote write's headers, and retries a 500 with the same body until the 204", async () => {
    const r = await receiver((n, res) => res.writeHead(n < 2 ? 500 : 204).end(n < 2 ? 'try later' : ''));
    receivers.push(r);
    const e = exporter(r.url);
    e.push(syntheticRun(50).at(1, 1_750_000_000_000));
    const stats = await e.close(5000);
    assert.deepEqual([stats.delivered, stats.undelivered, stats.retries], [1, 0, 2]);
    assert.equal(r.received.length, 3);
    assert.ok(r.received.every((x) => x.body.equals(r.received[0]!.body)));
    const h = r.received[0]!.headers;
    assert.deepEqual(
      [h['content-type'], h['content-encoding'], h['x-prometheus-remote-write-version'], h['user-agent']?.startsWith('gb/')],
      ['application/x-protobuf', 'snappy', '0.1.0', true],
    );
    assert.equal(deliveryWarning(e.target, stats), null);
  });

  it("with native histograms on 'auto', sends them while they are taken; refused once, it sends that period again at once and the rest without", async () => {
    const natives = (body: Buffer): number => decodeRemoteWrite(body).filter((x) => x.histograms.length > 0).length;
    const refusing = await receiver((n, res) => {
      const hasNative = natives(refusing.received[n]!.body) > 0;
      res.writeHead(hasNative ? 500 : 204).end(hasNative ? 'native histograms are disabled' : '');
    });
    const taking = await receiver((_, res) => res.writeHead(204).end());
    receivers.push(refusing, taking);
    const run = syntheticRun(50);
    for (const r of [refusing, taking]) {
      const e = exporter(r.url, { nativeHistograms: 'auto' });
      for (let period = 1; period <= 3; period++) e.push(run.at(period, 1_750_000_000_000 + period * 1000));
      const stats = await e.close(5000);
      assert.deepEqual([stats.delivered, stats.undelivered, stats.retries], [3, 0, 0]);
    }
    assert.deepEqual(
      refusing.received.map((x) => [x.timestampMs % 10_000, natives(x.body)]),
      [
        [1000, 2],
        [1000, 0],
        [2000, 0],
        [3000, 0],
      ],
    );
    assert.deepEqual(
      taking.received.map((x) => natives(x.body)),
      [2, 2, 2],
    );
  });

  it('retries a 429 and network resets, but never a 400: refused once, counted, and named in the warning', async () => {
    const r = await receiver((n, res) => {
      if (n === 0) res.writeHead(429).end();
      else if (n === 1) res.socket?.destroy();
      else if (n === 2) res.writeHead(204).end();
      else res.writeHead(400).end('out of order sample\nsecond line');
    });
    receivers.push(r);
    const e = exporter(r.url);
    const run = syntheticRun(50);
    e.push(run.at(1, 1_750_000_000_000));
    e.push(run.at(2, 1_750_000_001_000));
    const stats = await e.close(5000);
    assert.deepEqual([stats.delivered, stats.rejected, stats.undelivered, stats.retries], [1, 1, 1, 2]);
    assert.equal(r.received.length, 4, 'the 400 was not sent again');
    assert.equal(
      deliveryWarning(e.target, stats),
      `WARNING: 1 of 2 pushes to --out prometheus=${r.url} were not delivered (last error: HTTP 400: out of order sample)`,
    );
  });

  it('keeps samples in time order and never resends one that was accepted, against a receiver that fails every other request', async () => {
    const r = await receiver((n, res) => res.writeHead(n % 2 === 0 ? 503 : 204).end());
    receivers.push(r);
    const e = exporter(r.url, { queueLimit: 100 });
    const run = syntheticRun(20);
    const base = 1_750_000_000_000;
    for (let period = 1; period <= 10; period++) e.push(run.at(period, base + period * 1000));
    // A clock stepped back: the push still goes out after the previous one.
    e.push(run.at(11, base + 5000));
    const stats = await e.close(10_000);
    assert.deepEqual([stats.delivered, stats.undelivered], [11, 0]);
    const accepted = r.received.filter((_, n) => n % 2 === 1).map((x) => x.timestampMs);
    assert.deepEqual(accepted, [...Array.from({ length: 10 }, (_, i) => base + (i + 1) * 1000), base + 10_001]);
    const sent = r.received.map((x) => x.timestampMs);
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i]! >= sent[i - 1]!, 'sent in time order');
  });

  it('never holds up the caller when the receiver never answers: pushes return at once, the queue stays bounded, close() keeps its deadline', async () => {
    const r = await receiver(() => {
      // Never answers.
    });
    receivers.push(r);
    const e = exporter(r.url, { timeoutMs: 200, queueLimit: 4 });
    const run = syntheticRun(100);
    const snapshots = Array.from({ length: 40 }, (_, i) => run.at(i + 1, 1_750_000_000_000 + i * 1000));
    let slowest = 0;
    for (const s of snapshots) {
      const start = performance.now();
      e.push(s);
      slowest = Math.max(slowest, performance.now() - start);
      assert.ok(e.stats().pending <= 4);
    }
    // Encoding a snapshot is the whole cost of push(): about a millisecond, never a round trip.
    assert.ok(slowest < 100, `slowest push took ${slowest} ms`);
    const start = performance.now();
    const stats = await e.close(600);
    const waited = performance.now() - start;
    assert.ok(waited >= 550 && waited < 2000, `close() waited ${waited} ms`);
    assert.equal(stats.delivered, 0);
    assert.equal(stats.undelivered, 40);
    assert.ok(stats.dropped >= 36 - 1, `dropped ${stats.dropped}`);
    assert.match(stats.lastError ?? '', /no answer within 200 ms/);
    assert.ok(r.received.length >= 2, 'timed out requests were tried again');
  });

  it('counts every push as undelivered when nothing listens', async () => {
    const port = await freePort();
    const e = exporter(`http://127.0.0.1:${port}/api/v1/write`);
    const run = syntheticRun(10);
    for (let i = 1; i <= 3; i++) e.push(run.at(i, 1_750_000_000_000 + i * 1000));
    const stats = await e.close(500);
    assert.deepEqual([stats.pushed, stats.delivered, stats.undelivered], [3, 0, 3]);
    assert.equal(stats.lastError, 'ECONNREFUSED');
    assert.match(
      deliveryWarning(e.target, stats) ?? '',
      /^WARNING: 3 of 3 pushes to --out prometheus=http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write were not delivered \(last error: ECONNREFUSED\)$/,
    );
  });

  it('delivers the last push of a run through a slow receiver: older pushes give way when the queue is full', async () => {
    const r = await receiver((_n, res) => setTimeout(() => res.writeHead(204).end(), 150));
    receivers.push(r);
    const e = exporter(r.url, { queueLimit: 3 });
    const run = syntheticRun(10);
    const base = 1_750_000_000_000;
    for (let i = 1; i <= 12; i++) e.push(run.at(i, base + i * 1000));
    const stats = await e.close(5000);
    assert.equal(stats.delivered + stats.dropped, 12);
    assert.ok(stats.dropped > 0);
    assert.equal(r.received.at(-1)!.timestampMs, base + 12_000);
    assert.equal(
      decodeRemoteWrite(r.received.at(-1)!.body).find((s) => s.labels['__name__'] === 'gb_request_duration_seconds_count')!.samples[0]!
        .value,
      120,
    );
  });
});

describe('--out', () => {
  it("takes prometheus=URL and otlp=URL, giving a bare URL the receiver's usual path", () => {
    const p = parseOut('prometheus=http://127.0.0.1:9090');
    const o = parseOut('otlp=https://127.0.0.1:4318/');
    const custom = parseOut('prometheus=http://127.0.0.1:9009/api/v1/push');
    assert.ok(typeof p !== 'string' && typeof o !== 'string' && typeof custom !== 'string');
    assert.deepEqual([p.kind, p.url.href], ['prometheus', 'http://127.0.0.1:9090/api/v1/write']);
    assert.deepEqual([o.kind, o.url.href], ['otlp', 'https://127.0.0.1:4318/v1/metrics']);
    assert.equal(custom.url.pathname, '/api/v1/push');
    assert.match(parseOut('influx=http://x') as string, /expected prometheus=URL or otlp=URL/);
    assert.match(parseOut('otlp=nope') as string, /not a URL/);
    assert.match(parseOut('otlp=ftp://x/') as string, /http/);
  });
});
