// Tests `gb capacity` against servers of known capacity: K requests served at a time, D ms each, the rest queued.
// Serial: the search's answer rests on measured latency at measured rates.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Summary } from '../../src/metrics/summary.js';
import { runGb } from '../helpers/gb-process.js';
import { ranIn, type Ran } from '../helpers/in-process.js';
import { startRawServer } from '../helpers/raw-server.js';

const gb = (args: readonly string[]): Promise<Ran> => ranIn(args);

/**
 * A FIFO queue in front of K servers of D ms each, kept on a virtual clock: each request starts when
 * the earliest slot frees, so timer lateness delays a response without lowering the capacity K/D.
 */
async function queueServer(k: number, dMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const freeAt = new Array<number>(k).fill(0);
  const server: Server = createServer((_req, res) => {
    const now = performance.now();
    let slot = 0;
    for (let i = 1; i < k; i++) if ((freeAt[i] ?? 0) < (freeAt[slot] ?? 0)) slot = i;
    const done = Math.max(now, freeAt[slot] ?? 0) + dMs;
    freeAt[slot] = done;
    setTimeout(() => res.end('ok'), done - now);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function assertUsageError(r: Ran, pattern: RegExp): void {
  assert.equal(r.code, 2, r.err);
  assert.equal(r.out, '');
  assert.match(r.err, /^gb: [^\n]+\n$/);
  assert.match(r.err, pattern);
}

interface CapacityJson {
  readonly steps: readonly { rate: number; pass: boolean; clientLimit: string | null; summary: Summary }[];
  readonly answer: { kind: string; rate?: number; limit?: string };
}

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gb-capacity-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('gb capacity', () => {
  // -c from 10 to 200: with few connections every one soon waits on the full server, and those
  // late requests are the server's doing; with many, requests leave on time and queue at the server.
  const pairs = [
    { k: 4, d: 20, capacity: 200, start: 10, c: 10 },
    { k: 4, d: 10, capacity: 400, start: 20, c: 100 },
    { k: 8, d: 10, capacity: 800, start: 30, c: 200 },
  ];
  for (const { k, d, capacity, start, c } of pairs) {
    it(`finds a K=${k}, D=${d} ms server's ${capacity} req/s within 10 % with -c ${c}`, async () => {
      const server = await queueServer(k, d);
      try {
        const json = join(dir, `k${k}.json`);
        const html = join(dir, `k${k}.html`);
        const began = performance.now();
        const r = await gb([
          'capacity',
          server.url,
          '--slo',
          'p99<60ms',
          '--slo',
          'errors<1%',
          '--start-rate',
          String(start),
          '--step',
          '1.5s',
          '--warmup',
          '0.5s',
          '-k',
          '-c',
          String(c),
          '--json',
          json,
          '--html',
          html,
        ]);
        const seconds = (performance.now() - began) / 1000;
        process.stdout.write(`K=${k} D=${d} in ${seconds.toFixed(1)} s\n${r.out}`);
        assert.equal(r.code, 0, r.err);
        const match = /^capacity: ([\d ]+) req\/s \(p99 [\d.]+ ms at [\d ]+; p99 [\d.]+ ms at [\d ]+\)\n$/m.exec(r.out);
        assert.ok(match?.[1] !== undefined, r.out);
        const found = Number(match[1].replace(/ /g, ''));
        assert.ok(Math.abs(found - capacity) <= capacity * 0.1, `found ${found}, true capacity ${capacity}`);
        assert.match(r.out, /^step +rate\/s +achieved\/s +p50 ms +p99 ms +errors % +verdict +why\n/);
        assert.match(r.out, /FAIL +p99 [\d.]+ ms \(want p99<60ms\)\n/);
        assert.ok(seconds < 40, `the search took ${seconds.toFixed(1)} s`);
        const saved = JSON.parse(readFileSync(json, 'utf8')) as {
          steps: { rate: number; pass: boolean; summary: { completed: number } }[];
          answer: { kind: string; rate: number };
        };
        assert.deepEqual(saved.answer.kind, 'found');
        assert.equal(saved.answer.rate, found);
        assert.ok(saved.steps.length >= 6 && saved.steps.every((s) => s.summary.completed > 0));
        assert.ok(saved.steps.some((s) => !s.pass));
        // The page charts every step, passed and failed, beside its table.
        const page = readFileSync(html, 'utf8');
        const passed = page.match(/<g class="pass">/g)?.length ?? 0;
        const failed = page.match(/<g class="fail">/g)?.length ?? 0;
        assert.deepEqual([passed, failed], [saved.steps.filter((s) => s.pass).length, saved.steps.filter((s) => !s.pass).length]);
        assert.equal(page.match(/<tr(?: class="fail")?><td>\d+<\/td>/g)?.length, saved.steps.length);
      } finally {
        await server.close();
      }
    });
  }

  it("does not warn of gb's saturation on a plain run against an overloaded server: the requests waited for it", async () => {
    const server = await queueServer(4, 10);
    try {
      // 640/s against a server that carries 400/s: every connection soon waits on its queue.
      const r = await gb(['-q', '-k', '-c', '10', '--rate', '640', '-t', '2', server.url]);
      assert.equal(r.code, 0, r.err);
      const rate =
        /^Rate: +640\.00 \[#\/sec\] target, [\d.]+ sent; (\d+) sent late \(max [\d.]+ ms, mean [\d.]+ ms\): (\d+) waited for a connection \(every one busy on the server\), (\d+) late by gb itself$/m.exec(
          r.out,
        );
      assert.ok(rate !== null, r.out);
      const [late, server_, own] = [Number(rate[1]), Number(rate[2]), Number(rate[3])];
      assert.equal(late, server_ + own);
      assert.ok(server_ > 300 && own < late * 0.05, `${server_} waited, ${own} late by gb`);
      assert.doesNotMatch(r.out, /WARNING/);
    } finally {
      await server.close();
    }
  });

  // gb as a child process, so that the server in this process does not share gb's event loop.
  const capacityOf = async (args: readonly string[]): Promise<{ out: string; err: string; code: number | null; json: CapacityJson }> => {
    const json = join(dir, `limited-${args.length}-${Date.now()}.json`);
    const r = await runGb(['capacity', ...args, '--json', json], { killAfterMs: 90_000 });
    process.stdout.write(r.stdout);
    return { out: r.stdout, err: r.stderr, code: r.code, json: JSON.parse(readFileSync(json, 'utf8')) as CapacityJson };
  };

  it('says gb was the bottleneck when one connection cannot carry the rate a fast server could', async () => {
    const server = await startRawServer({ reply: () => 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' });
    try {
      const r = await capacityOf([
        server.url,
        '-k',
        '-c',
        '1',
        '--max-connections',
        '1',
        '--slo',
        'p99<50ms',
        '--start-rate',
        '200',
        '--max-steps',
        '16',
        '--step',
        '1s',
        '--warmup',
        '0.3s',
      ]);
      assert.equal(r.code, 1, r.err);
      assert.match(
        r.out,
        /^capacity: not claimed: gb itself was the bottleneck at [\d ]+ req\/s: too few connections for the rate \(the last good rate was [\d ]+\); add connections \(-c N\)/m,
      );
      assert.match(r.err, /^gb: capacity: not claimed: gb itself was the bottleneck/m);
      assert.equal(r.json.answer.kind, 'client-limited');
      assert.equal(r.json.answer.limit, 'connections');
      // On a fast machine the first failing step may have only a tail of late requests (too few to
      // say whose), but the lowest failing rate, the one the answer stands on, must be the pool's,
      // and no step may be put on gb's own loop.
      const failed = r.json.steps.filter((s) => !s.pass).sort((a, b) => a.rate - b.rate);
      const causes = JSON.stringify(failed.map((s) => [s.rate, s.clientLimit]));
      assert.ok(failed.length > 0 && failed[0]!.clientLimit === 'connections', causes);
      assert.ok(
        failed.every((s) => s.clientLimit === 'connections' || s.clientLimit === null),
        causes,
      );
      // The one connection was busy, not gb's loop: the late requests waited for it.
      const worst = failed[0]!.summary;
      assert.ok(
        worst.rate !== null && worst.rate.lateServer > worst.rate.lateClient,
        `late: ${worst.rate?.lateServer} waiting, ${worst.rate?.lateClient} by gb`,
      );
    } finally {
      await server.close();
    }
  });

  it('says gb was the bottleneck when a CPU-bound script hook saturates its event loop', async () => {
    const server = await startRawServer({ reply: () => 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' });
    const script = join(dir, 'busy-hook.mjs');
    // Half a millisecond of work per request: gb's one thread cannot build more than about 2 000 a second.
    writeFileSync(
      script,
      "export function request() { const end = performance.now() + 0.5; while (performance.now() < end); return { path: '/' }; }\n",
    );
    try {
      const r = await capacityOf([
        server.url,
        '--script',
        script,
        '-k',
        '-c',
        '20',
        '--slo',
        'p99<50ms',
        '--start-rate',
        '200',
        '--max-steps',
        '12',
        '--step',
        '1s',
        '--warmup',
        '0.3s',
      ]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.out, /^capacity: not claimed: gb itself was the bottleneck at [\d ]+ req\/s: /m);
      assert.equal(r.json.answer.kind, 'client-limited');
      assert.ok(r.json.answer.limit === 'busy' || r.json.answer.limit === 'late', String(r.json.answer.limit));
      assert.ok((r.json.answer.rate ?? 0) <= 2400, `limited at ${r.json.answer.rate}`);
    } finally {
      await server.close();
    }
  });

  it('exits 1 with no capacity when the first rate already breaks an objective', async () => {
    const server = await queueServer(1, 50);
    try {
      const html = join(dir, 'none.html');
      const r = await gb([
        'capacity',
        server.url,
        '--slo',
        'p99<20ms',
        '--start-rate',
        '10',
        '--step',
        '0.5s',
        '--warmup',
        '0',
        '-k',
        '-c',
        '4',
        '--html',
        html,
      ]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.out, /^capacity: none: the objectives broke at the first rate, 10 req\/s \(p99 [\d.]+ ms at 10\)/m);
      const page = readFileSync(html, 'utf8');
      assert.match(page, /<strong>capacity: none: [^<]*<\/strong>/);
      assert.match(page, /<tr class="fail"><td>1<\/td><td>10<\/td>.*<td>p99 [\d.]+ ms \(want p99&lt;20ms\)<\/td><\/tr>/);
    } finally {
      await server.close();
    }
  });

  it('refuses bad input before sending anything: exit 2, one line', async () => {
    const url = 'http://127.0.0.1:9/';
    assertUsageError(await gb(['capacity', url]), /at least one --slo/);
    assertUsageError(await gb(['capacity', url, '--slo', 'p99<50']), /bad --slo objective 'p99<50': p99 needs a time unit/);
    assertUsageError(await gb(['capacity', url, '--slo', 'p99<50ms', '--max-rate', 'lots']), /invalid --max-rate lots/);
    assertUsageError(await gb(['capacity', url, '--slo', 'p99<50ms', '--max-rate', '0']), /invalid --max-rate 0/);
    assertUsageError(
      await gb(['capacity', url, '--slo', 'p99<50ms', '--start-rate', '100', '--max-rate', '50']),
      /--start-rate 100 is above --max-rate 50/,
    );
    assertUsageError(await gb(['capacity', url, '--slo', 'p99<50ms', '--step', 'soon']), /invalid --step soon/);
    assertUsageError(await gb(['capacity', url, '--slo', 'p99<50ms', '--rate', '100']), /drop --rate/);
    assertUsageError(await gb(['capacity', url, '--slo', 'p99<50ms', '-c', 'x']), /^gb: .*concurrency/i);
    assertUsageError(await gb(['capacity', '--slo', 'p99<50ms']), /URL|url/);
    assertUsageError(await gb(['capacity', url, '--slo', 'p99<50ms', '-e', join(dir, 'r.csv')]), /writes only --json and --html/);
    assertUsageError(await gb(['capacity', url, '--slo', 'p99<50ms', '--fail-if', 'p99>1s']), /not --fail-if/);
  });

  it('prints its help with -h', async () => {
    const r = await gb(['capacity', '-h']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^Usage: gb capacity URL --slo RULE/);
  });
});
