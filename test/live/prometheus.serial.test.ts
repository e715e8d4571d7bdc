// gb's remote write against a real Prometheus 2.42: what PromQL reads back equals gb's own counts, quantiles within 10 %, refusals counted.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createExporter, parseOut, type OutTarget } from '../../src/live/exporters.js';
import type { LiveRunLabels } from '../../src/live/model.js';
import type { DeliveryStats } from '../../src/live/pusher.js';
import { requireTool } from '../helpers/tools.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { syntheticRun } from '../helpers/live.js';

const skip = requireTool('prometheus');

function target(url: string): OutTarget {
  const t = parseOut(`prometheus=${url}`);
  assert.ok(typeof t !== 'string', t as string);
  return t;
}

function within(actual: number, expected: number, share: number, what: string): void {
  const error = Math.abs(actual - expected) / expected;
  assert.ok(error <= share, `${what}: Prometheus says ${actual}, gb ${expected} (${(error * 100).toFixed(2)} % apart)`);
}

/** Delivered, undelivered and retries. */
function pick(stats: DeliveryStats): number[] {
  return [stats.delivered, stats.undelivered, stats.retries];
}

describe('remote write into Prometheus 2.42', { skip }, () => {
  let prometheus: TestPrometheus;
  before(async () => {
    prometheus = await startPrometheus({ nativeHistograms: true });
  });
  after(async () => {
    await prometheus?.stop();
  });

  it("stores every period at its own time; the last push makes the counts equal gb's and p50/p99 within 10 %", async (t) => {
    const run: LiveRunLabels = { runId: `classic-${process.pid}`, shard: { index: 2, count: 3 }, tags: [['env', 'ci']] };
    const exporter = createExporter(target(prometheus.writeUrl), run);
    const synthetic = syntheticRun(3000);
    // Periods 1 s apart ending a few seconds ago, then the last push after the "last response".
    const first = Date.now() - 8000;
    for (let period = 1; period <= 5; period++) exporter.push(synthetic.at(period, first + period * 1000));
    const lastAt = first + 5000 + 420;
    const final = synthetic.at(6, lastAt);
    exporter.push(final);
    const stats = await exporter.close(10_000);
    assert.deepEqual([stats.delivered, stats.undelivered, stats.retries], [6, 0, 0], `${stats.lastError} / ${prometheus.log()}`);

    const sel = `run_id="${run.runId}"`;
    const sum = async (expr: string, atMs: number): Promise<number> => {
      const result = await prometheus.query(expr, atMs);
      assert.equal(result.length, 1, `${expr}: ${JSON.stringify(result)}`);
      return result[0]!.value;
    };
    const queries: string[] = [];
    const q = async (expr: string, atMs = lastAt): Promise<number> => {
      const value = await sum(expr, atMs);
      queries.push(`${expr} = ${value}`);
      return value;
    };

    assert.equal(await q(`sum(gb_requests_total{${sel}})`), synthetic.completed(6));
    assert.equal(await q(`sum(gb_requests_total{${sel}})`, first + 3000), synthetic.completed(3));
    assert.equal(await q(`sum(gb_requests_total{${sel}, status="none"})`), final.failures.receive);
    assert.equal(await q(`sum(gb_request_failures_total{${sel}})`), 3 + final.failures.receive);
    assert.equal(await q(`gb_request_duration_seconds_count{${sel}}`), final.total.count);
    assert.equal(await q(`gb_connections{${sel}, shard="2/3", env="ci"}`), 8);
    const p99 = await q(`histogram_quantile(0.99, sum by (le) (gb_request_duration_seconds_bucket{${sel}}))`);
    const p50 = await q(`histogram_quantile(0.5, sum by (le) (gb_request_duration_seconds_bucket{${sel}}))`);
    within(p99, final.total.valueAtPercentile(99) / 1e6, 0.1, 'p99');
    within(p50, final.total.valueAtPercentile(50) / 1e6, 0.1, 'p50');
    // Over a window: the requests of periods 3–5 only (1 s apart, so the window holds those samples).
    const windowed = await q(
      `histogram_quantile(0.99, sum by (le) (increase(gb_request_duration_seconds_bucket{${sel}}[2500ms])))`,
      first + 5000,
    );
    assert.ok(windowed > 0 && Number.isFinite(windowed));
    const connectP99 = await q(`histogram_quantile(0.99, sum by (le) (gb_request_phase_duration_seconds_bucket{${sel}, phase="connect"}))`);
    within(connectP99, final.phases[0]!.histogram.valueAtPercentile(99) / 1e6, 0.1, 'connect p99');
    // Native histogram (schema 4), read by Prometheus itself: 'auto' (the CLI's choice) finds them taken and keeps sending them.
    const nativeRun = { ...run, runId: `native-${process.pid}` };
    const native = createExporter(target(prometheus.writeUrl), nativeRun, { nativeHistograms: 'auto' });
    native.push(synthetic.at(5, lastAt - 1000));
    native.push(final);
    assert.deepEqual(pick(await native.close(10_000)), [2, 0, 0], prometheus.log());
    assert.equal(await q(`sum(gb_requests_total{run_id="${nativeRun.runId}"})`), synthetic.completed(6));
    const nativeP99 = await q(`histogram_quantile(0.99, gb_request_duration_seconds{run_id="${nativeRun.runId}"})`);
    within(nativeP99, final.total.valueAtPercentile(99) / 1e6, 0.05, 'native p99');
    assert.equal(await q(`histogram_count(gb_request_duration_seconds{run_id="${nativeRun.runId}"})`), final.total.count);
    t.diagnostic(`gb p50 ${final.total.valueAtPercentile(50) / 1e6} s, p99 ${final.total.valueAtPercentile(99) / 1e6} s`);
    for (const line of queries) t.diagnostic(line);
  });

  it('gets a 400 for a sample older than one Prometheus has (another gb with the same labels): refused, never retried', async () => {
    const run: LiveRunLabels = { runId: `conflict-${process.pid}`, shard: { index: 1, count: 1 }, tags: [] };
    const synthetic = syntheticRun(100);
    const now = Date.now() - 2000;
    const a = createExporter(target(prometheus.writeUrl), run);
    a.push(synthetic.at(2, now));
    assert.equal((await a.close(10_000)).delivered, 1);
    const b = createExporter(target(prometheus.writeUrl), run, { initialBackoffMs: 10 });
    b.push(synthetic.at(3, now - 1000));
    const stats = await b.close(10_000);
    assert.deepEqual([stats.delivered, stats.rejected, stats.undelivered, stats.retries], [0, 1, 1, 0]);
    assert.match(stats.lastError ?? '', /^HTTP 400: .*out of (order|bounds)/);
    assert.equal(
      await prometheus.query(`sum(gb_requests_total{run_id="${run.runId}"})`, now).then((r) => r[0]?.value),
      synthetic.completed(2),
    );
  });

  it('a Prometheus without native histograms refuses them with a 500 that no retry changes: counted, not retried', async () => {
    const plain = await startPrometheus();
    try {
      const run: LiveRunLabels = { runId: `no-native-${process.pid}`, shard: { index: 1, count: 1 }, tags: [] };
      const exporter = createExporter(target(plain.writeUrl), run, { nativeHistograms: true, initialBackoffMs: 10 });
      exporter.push(syntheticRun(100).at(1, Date.now() - 1000));
      const stats = await exporter.close(5000);
      assert.deepEqual([stats.rejected, stats.retries], [1, 0]);
      assert.match(stats.lastError ?? '', /^HTTP 500: native histograms are disabled/);

      // 'auto', the CLI's choice: the refused period goes again at once without them, and so does every later one.
      const autoRun: LiveRunLabels = { ...run, runId: `auto-${process.pid}` };
      const auto = createExporter(target(plain.writeUrl), autoRun, { nativeHistograms: 'auto', initialBackoffMs: 10 });
      const synthetic = syntheticRun(300);
      const first = Date.now() - 5000;
      for (let period = 1; period <= 3; period++) auto.push(synthetic.at(period, first + period * 1000));
      assert.deepEqual(pick(await auto.close(5000)), [3, 0, 0], plain.log());
      const sum = await plain.query(`sum(gb_requests_total{run_id="${autoRun.runId}"})`, first + 3000);
      assert.equal(sum[0]?.value, synthetic.completed(3));
      const count = await plain.query(`gb_request_duration_seconds_count{run_id="${autoRun.runId}"}`, first + 3000);
      assert.equal(count[0]?.value, synthetic.at(3, first + 3000).total.count);
    } finally {
      await plain.stop();
    }
  });
});
