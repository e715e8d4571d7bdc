// Whole gb runs with live outputs on: a real Prometheus fed by --out prometheus while the run runs,
// OTLP bodies decoded with the official definitions, a receiver that goes away mid-run, and the
// dashboard read in Chromium. gb runs as a child process; its targets run in this one.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';

import type { Summary } from '../../src/metrics/summary.js';
import { runGb, spawnGb } from '../helpers/gb-process.js';
import { otlpRoot } from '../helpers/live.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { withScratchDir, withTarget } from '../helpers/target.js';
import { requireTool } from '../helpers/tools.js';
import { launchChromium } from '../helpers/chromium.js';

const skipPrometheus = requireTool('prometheus');
const skipChromium = requireTool('chromium');

const completeOf = (stdout: string): number => Number(/^Complete requests:\s+(\d+)$/m.exec(stdout)?.[1] ?? NaN);

/** The PromQL of every panel of deploy/grafana/gb.json. */
function grafanaQueries(): { panel: string; expr: string }[] {
  const file = new URL('../../../deploy/grafana/gb.json', import.meta.url);
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
  return dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
}

/** Polls `read` every 250 ms until `done` settles; the values it saw, with when. */
async function watch<T>(done: Promise<unknown>, read: () => Promise<T>): Promise<{ atMs: number; value: T }[]> {
  const seen: { atMs: number; value: T }[] = [];
  let over = false;
  void done.finally(() => (over = true));
  while (!over) {
    const value = await read().catch(() => null);
    if (value !== null) seen.push({ atMs: Date.now(), value });
    await sleep(250);
  }
  return seen;
}

describe('--out prometheus against a real Prometheus', { skip: skipPrometheus }, () => {
  let prometheus: TestPrometheus;
  before(async () => {
    prometheus = await startPrometheus();
  });
  after(async () => prometheus?.stop());

  const sum = async (expr: string): Promise<number | null> => (await prometheus.query(expr, Date.now()))[0]?.value ?? null;

  it('the summed counter rises every second of the run, ends equal to Complete requests, and its histogram gives the p99 within 10 %', async () => {
    await withScratchDir('gb-live-', async (dir) => {
      await withTarget(async (target) => {
        const json = join(dir, 'demo.json');
        const gb = spawnGb(
          [
            '-k',
            '-c',
            '10',
            '--rate',
            '500',
            '-t',
            '6s',
            '--out',
            `prometheus=${prometheus.writeUrl}`,
            '--out-period',
            '1s',
            '--run-id',
            'demo',
            '--tag',
            'team=perf',
            '--json',
            json,
            target.url,
          ],
          { killAfterMs: 30_000 },
        );
        const seen = await watch(gb.done, () => sum('sum(gb_requests_total{run_id="demo"})'));
        const exit = await gb.done;
        assert.equal(exit.code, 0, exit.stderr);
        assert.doesNotMatch(exit.stderr, /WARNING/);
        const complete = completeOf(exit.stdout);
        // -t cuts off what is in flight at 6 s, so a request or two of the 3 000 may not complete.
        assert.ok(complete > 2900 && complete <= 3000, `${complete} complete`);

        // During the run: each rise comes within 1.5 s of the one before (pushes are 1 s apart).
        const rises = seen.filter((s, i) => s.value !== null && i > 0 && s.value > (seen[i - 1]!.value ?? 0));
        assert.ok(rises.length >= 4, `rises: ${JSON.stringify(seen)}`);
        for (let i = 1; i < rises.length; i++) {
          assert.ok(
            rises[i]!.atMs - rises[i - 1]!.atMs <= 1600,
            `a gap of ${rises[i]!.atMs - rises[i - 1]!.atMs} ms: ${JSON.stringify(seen)}`,
          );
        }
        assert.ok(
          seen.every((s, i) => i === 0 || (s.value ?? 0) >= (seen[i - 1]!.value ?? 0)),
          'a counter never falls',
        );

        // After it: the last push carried the report's own numbers.
        assert.equal(await sum('sum(gb_requests_total{run_id="demo"})'), complete);
        assert.equal(await sum('sum(gb_requests_total{run_id="demo",shard="1/1",team="perf"})'), complete);
        const summary = JSON.parse(readFileSync(json, 'utf8')) as Summary;
        assert.equal(await sum('sum(gb_request_duration_seconds_count{run_id="demo"})'), summary.total!.count);
        const p99 = await sum('histogram_quantile(0.99, sum by (le) (gb_request_duration_seconds_bucket{run_id="demo"}))');
        const reported = summary.total!.p99Us / 1e6;
        assert.ok(p99 !== null && Math.abs(p99 - reported) <= reported * 0.1, `p99 ${p99} s from Prometheus, ${reported} s in the report`);
        assert.equal(await sum('sum(gb_request_failures_total{run_id="demo"})'), summary.failed);
        assert.equal(await sum('max(gb_target_rate{run_id="demo"})'), 500);
        const busy = await sum('max(gb_client_busy_ratio{run_id="demo"})');
        assert.ok(busy !== null && busy > 0 && busy < 1, `busy ratio ${busy}`);

        // Every query of the shipped Grafana dashboard returns data for this run.
        const queries = grafanaQueries();
        assert.ok(queries.length >= 10, `${queries.length} queries in deploy/grafana/gb.json`);
        for (const { panel, expr } of queries) {
          const vector = await prometheus.query(expr.replaceAll('$run_id', 'demo').replaceAll('$__rate_interval', '10s'), Date.now());
          assert.ok(
            vector.some((v) => Number.isFinite(v.value)),
            `panel '${panel}': ${expr} gave ${JSON.stringify(vector)}`,
          );
        }
      });
    });
  });

  it('with -G 2 the workers add up: the last push equals Complete requests, the failures theirs', async () => {
    await withTarget(async (target) => {
      const exit = await runGb(
        ['-k', '-c', '4', '-G', '2', '-n', '2000', '--out', `prometheus=${prometheus.writeUrl}`, '--run-id', 'workers', target.url],
        { killAfterMs: 30_000 },
      );
      assert.equal(exit.code, 0, exit.stderr);
      assert.equal(await sum('sum(gb_requests_total{run_id="workers"})'), completeOf(exit.stdout));
      assert.equal(await sum('sum(gb_requests_total{run_id="workers",status="2xx",result="ok"})'), 2000);
      assert.equal(await sum('sum(gb_request_failures_total{run_id="workers"})'), 0);
    });
  });
});

/** A receiver that keeps every body it is sent, answering `status(n)` to the n-th (1-based). */
async function receiver(status: (n: number) => number): Promise<{ url: string; bodies: Buffer[]; server: Server }> {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(status(bodies.length), { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, server };
}

describe('--out otlp', () => {
  it('sends bodies the official definitions decode, the last one carrying the report’s totals', async () => {
    const r = await receiver(() => 200);
    try {
      await withTarget(async (target) => {
        const exit = await runGb(
          [
            '-k',
            '-c',
            '4',
            '-n',
            '1500',
            '--rate',
            '1000',
            '--out',
            `otlp=${r.url}`,
            '--out-period',
            '1s',
            '--run-id',
            'otlp-demo',
            target.url,
          ],
          { killAfterMs: 30_000 },
        );
        assert.equal(exit.code, 0, exit.stderr);
        assert.ok(r.bodies.length >= 2, `${r.bodies.length} pushes`);
        const Request = otlpRoot().lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
        const decode = (body: Buffer): OtlpRequest => {
          assert.equal(Request.verify(Request.decode(body)), null);
          return Request.toObject(Request.decode(body), { longs: String, defaults: true }) as OtlpRequest;
        };
        const totals = r.bodies.map((body) => requestsIn(decode(body)));
        assert.ok(
          totals.every((t, i) => i === 0 || t >= totals[i - 1]!),
          `cumulative: ${totals.join(', ')}`,
        );
        assert.equal(totals.at(-1), completeOf(exit.stdout));
        const last = decode(r.bodies.at(-1)!);
        const resource = Object.fromEntries(last.resource_metrics[0]!.resource.attributes.map((a) => [a.key, a.value.string_value]));
        assert.equal(resource['gb.run_id'], 'otlp-demo');
        assert.equal(resource['gb.shard'], '1/1');
      });
    } finally {
      r.server.close();
    }
  });

  it('a receiver that goes away mid-run does not hold the run up: the report comes, then one WARNING line', async () => {
    const r = await receiver(() => 200);
    try {
      await withTarget(async (target) => {
        const gb = spawnGb(['-k', '-c', '4', '-t', '4s', '--rate', '300', '--out', `otlp=${r.url}`, '--out-period', '1s', target.url], {
          killAfterMs: 40_000,
        });
        // Gone after its second push: refused connections from then on.
        while (r.bodies.length < 2) await sleep(50);
        r.server.close();
        r.server.closeAllConnections();
        const exit = await gb.done;
        assert.equal(exit.code, 0, exit.stderr);
        assert.ok(completeOf(exit.stdout) > 1150, exit.stdout);
        assert.match(exit.stderr, /^WARNING: \d+ of \d+ pushes to --out otlp=\S+ were not delivered \(last error: [^)]+\)$/m);
        assert.ok(exit.wallMs < 4000 + 5000 + 3000, `gb took ${exit.wallMs} ms`);
      });
    } finally {
      r.server.close();
    }
  });
});

interface OtlpRequest {
  resource_metrics: {
    resource: { attributes: { key: string; value: { string_value?: string } }[] };
    scope_metrics: { metrics: { name: string; sum?: { data_points: { as_int?: string }[] } }[] }[];
  }[];
}

function requestsIn(request: OtlpRequest): number {
  const metrics = request.resource_metrics.flatMap((r) => r.scope_metrics.flatMap((s) => s.metrics));
  const requests = metrics.find((m) => m.name === 'gb.requests');
  return (requests?.sum?.data_points ?? []).reduce((a, p) => a + Number(p.as_int ?? 0), 0);
}

describe('--dashboard in Chromium', { skip: skipChromium }, () => {
  let browser: Browser | null = null;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  it('shows a rising count while the run runs and the report’s figures at the end; a target named <script> is text', async () => {
    await withScratchDir('gb-dash-', async (dir) => {
      await withTarget(async (target) => {
        const targets = join(dir, 'targets.jsonl');
        const evil = '<script>window.__pwned = 1</script>';
        writeFileSync(targets, `${JSON.stringify({ url: target.url, name: evil })}\n`);
        const gb = spawnGb(
          ['-k', '-c', '4', '--rate', '200', '-t', '4s', '--targets', targets, '--dashboard', '0', '--dashboard-linger', '30s'],
          { killAfterMs: 60_000 },
        );
        let [stdout, stderr] = ['', ''];
        gb.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
        gb.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
        while (!/dashboard at (\S+)/.test(stderr)) await sleep(20);
        const url = /dashboard at (\S+)/.exec(stderr)![1]!;
        const tab = await browser!.newPage();
        const problems: string[] = [];
        tab.on('pageerror', (e) => problems.push(e.message));
        await tab.goto(url);
        const completed = async (): Promise<number> => Number(await tab.locator('[data-metric="completed"]').innerText());
        const readings: number[] = [];
        while (readings.length < 3) {
          const n = await completed().catch(() => NaN);
          if (Number.isFinite(n) && n > 0 && n !== readings.at(-1)) readings.push(n);
          await sleep(300);
        }
        assert.ok(readings[0]! < readings[1]! && readings[1]! < readings[2]!, `readings ${readings.join(', ')}`);
        await tab
          .locator('#status')
          .filter({ hasText: /^finished/ })
          .waitFor({ timeout: 20_000 });
        // The run's report is on stdout by now; the page holds its figures.
        while (!/Complete requests/.test(stdout)) await sleep(50);
        const reported = completeOf(stdout);
        assert.ok(reported > 750, stdout);
        assert.equal(await completed(), reported);
        assert.equal(await tab.locator('#endpoints tbody td').first().innerText(), evil);
        assert.equal(await tab.evaluate('window.__pwned'), undefined);
        const saved = await fetch(new URL('report.html', url));
        assert.equal(saved.status, 200);
        assert.match(await saved.text(), /^<!DOCTYPE html>/i);
        assert.deepEqual(problems, []);
        // Ctrl-C ends the linger: gb leaves with the run's own status.
        gb.child.kill('SIGINT');
        const exit = await gb.done;
        assert.equal(exit.code, 0, exit.stderr);
        assert.equal(completeOf(exit.stdout), reported);
      });
    });
  });
});
