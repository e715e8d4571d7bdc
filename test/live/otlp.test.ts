// What gb sends over OTLP, decoded with the official opentelemetry-proto definitions: resource, cumulative sums, gauges, exponential histograms.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { encodeOtlpMetrics } from '../../src/live/otlp.js';
import { createExporter, parseOut } from '../../src/live/exporters.js';
import { EXPONENTIAL_SCALE } from '../../src/live/buckets.js';
import { VERSION } from '../../src/version.js';
import { otlpRoot, RUN, syntheticRun } from '../helpers/live.js';

const NOW = 1_750_000_000_000;

interface KeyValue {
  key: string;
  value: { string_value?: string };
}
interface NumberPoint {
  attributes: KeyValue[];
  start_time_unix_nano: string;
  time_unix_nano: string;
  as_int?: string;
  as_double?: number;
}
interface ExpPoint {
  attributes: KeyValue[];
  start_time_unix_nano: string;
  time_unix_nano: string;
  count: string;
  sum: number;
  scale: number;
  zero_count: string;
  positive: { offset: number; bucket_counts: string[] };
  min: number;
  max: number;
}
interface Metric {
  name: string;
  unit: string;
  data: string;
  sum?: { data_points: NumberPoint[]; aggregation_temporality: number; is_monotonic: boolean };
  gauge?: { data_points: NumberPoint[] };
  exponential_histogram?: { data_points: ExpPoint[]; aggregation_temporality: number };
}

function attributes(list: KeyValue[]): Record<string, string | undefined> {
  return Object.fromEntries(list.map((a) => [a.key, a.value.string_value]));
}

describe('OTLP ExportMetricsServiceRequest', () => {
  const run = syntheticRun(4000);
  const snapshot = run.at(2, NOW);
  const root = otlpRoot();
  const Request = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
  const body = encodeOtlpMetrics(RUN, snapshot);
  assert.equal(Request.verify(Request.decode(body)), null);
  const decoded = Request.toObject(Request.decode(body), { longs: String, enums: Number, defaults: true, oneofs: true }) as {
    resource_metrics: {
      resource: { attributes: KeyValue[] };
      scope_metrics: { scope: { name: string; version: string }; metrics: Metric[] }[];
    }[];
  };
  const resourceMetrics = decoded.resource_metrics;
  const metrics = resourceMetrics[0]!.scope_metrics[0]!.metrics;
  const metric = (name: string): Metric => {
    const found = metrics.find((m) => m.name === name);
    assert.ok(found, `no metric ${name}`);
    return found;
  };

  it('names the process in the resource: service.name=gb, the run id, the shard, the tags', () => {
    assert.equal(resourceMetrics.length, 1);
    assert.deepEqual(attributes(resourceMetrics[0]!.resource.attributes), {
      'service.name': 'gb',
      'service.version': VERSION,
      'gb.run_id': 'test-run',
      'gb.shard': '1/1',
      env: 'ci',
    });
    const scope = resourceMetrics[0]!.scope_metrics[0]!.scope;
    assert.deepEqual([scope.name, scope.version], ['gb', VERSION]);
  });

  it("sends counters as monotonic cumulative Sums from the run's start, gb.requests adding up to the Complete requests", () => {
    const requests = metric('gb.requests');
    assert.equal(requests.data, 'sum');
    assert.equal(requests.sum!.aggregation_temporality, 2);
    assert.equal(requests.sum!.is_monotonic, true);
    const points = requests.sum!.data_points;
    assert.equal(
      points.reduce((sum, p) => sum + Number(p.as_int), 0),
      run.completed(2),
    );
    for (const p of points) {
      assert.equal(p.start_time_unix_nano, String(BigInt(NOW - 2000) * 1_000_000n));
      assert.equal(p.time_unix_nano, String(BigInt(NOW) * 1_000_000n));
    }
    assert.deepEqual(
      points.map((p) => attributes(p.attributes)).find((a) => a['status'] === 'none'),
      { endpoint: 'GET /a', status: 'none', result: 'failed' },
    );
    const failures = Object.fromEntries(
      metric('gb.request.failures').sum!.data_points.map((p) => [attributes(p.attributes)['kind'] ?? '', Number(p.as_int)]),
    );
    assert.deepEqual(failures, { connect: 3, receive: snapshot.failures.receive, length: 0, exceptions: 0, script: 0, grpc: 0 });
    assert.equal(metric('gb.received.bytes').unit, 'By');
    assert.equal(Number(metric('gb.received.bytes').sum!.data_points[0]!.as_int), 8000 * 250);
  });

  it('sends gauges', () => {
    assert.equal(Number(metric('gb.connections').gauge!.data_points[0]!.as_int), 8);
    assert.equal(metric('gb.target_rate').gauge!.data_points[0]!.as_double, 1000);
    assert.equal(metric('gb.client.busy_ratio').gauge!.data_points[0]!.as_double, 0.25);
  });

  it("sends latency as a cumulative ExponentialHistogram in seconds whose buckets add up to its count and hold gb's p99", () => {
    const duration = metric('gb.request.duration');
    assert.equal(duration.unit, 's');
    assert.equal(duration.exponential_histogram!.aggregation_temporality, 2);
    const p = duration.exponential_histogram!.data_points[0]!;
    const h = snapshot.total;
    assert.equal(Number(p.count), h.count);
    assert.equal(p.scale, EXPONENTIAL_SCALE);
    assert.equal(p.sum, h.sum / 1e6);
    assert.equal(p.min, h.min / 1e6);
    assert.equal(p.max, h.max / 1e6);
    const counts = p.positive.bucket_counts.map(Number);
    assert.equal(Number(p.zero_count) + counts.reduce((a, c) => a + c, 0), h.count);
    const base = 2 ** (2 ** -p.scale);
    let seen = Number(p.zero_count);
    let i = 0;
    while (seen + counts[i]! < Math.ceil(0.99 * h.count)) seen += counts[i++]!;
    const gbP99 = h.valueAtPercentile(99) / 1e6;
    assert.ok(gbP99 > base ** (p.positive.offset + i) && gbP99 <= base ** (p.positive.offset + i + 1) * (1 + 1e-12));
    const phases = metric('gb.request.phase.duration').exponential_histogram!.data_points;
    assert.deepEqual(
      phases.map((x) => attributes(x.attributes)),
      [{ phase: 'connect' }],
    );
    assert.equal(Number(phases[0]!.zero_count), snapshot.phases[0]!.histogram.count * 0.9);
  });

  it('is POSTed to /v1/metrics as application/x-protobuf, retried on 503, and decodes there to the same totals', async () => {
    const seen: { path: string | undefined; type: string | undefined; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ path: req.url, type: req.headers['content-type'], body: Buffer.concat(chunks) });
        res.writeHead(seen.length === 1 ? 503 : 200, { 'Content-Type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      assert.ok(address !== null && typeof address !== 'string');
      const target = parseOut(`otlp=http://127.0.0.1:${address.port}`);
      assert.ok(typeof target !== 'string');
      const exporter = createExporter(target, RUN, { initialBackoffMs: 10 });
      exporter.push(run.at(3, NOW + 1000));
      const stats = await exporter.close(5000);
      assert.deepEqual([stats.delivered, stats.retries], [1, 1]);
      assert.deepEqual(
        seen.map((s) => [s.path, s.type]),
        [
          ['/v1/metrics', 'application/x-protobuf'],
          ['/v1/metrics', 'application/x-protobuf'],
        ],
      );
      const got = Request.toObject(Request.decode(seen[1]!.body), { longs: String, oneofs: true }) as typeof decoded;
      const points = got.resource_metrics[0]!.scope_metrics[0]!.metrics.find((m) => m.name === 'gb.requests')!.sum!.data_points;
      assert.equal(
        points.reduce((sum, p) => sum + Number(p.as_int), 0),
        run.completed(3),
      );
    } finally {
      server.close();
    }
  });
});
