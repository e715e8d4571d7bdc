// The remote-write body decoded with prompb's message shapes: the series set, label order, sums that match the report, native histograms.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram } from '../../src/metrics/histogram.js';
import { nativeSeries, prometheusSeries, remoteWriteBody } from '../../src/live/remote-write.js';
import { CLASSIC_LE_LABELS } from '../../src/live/buckets.js';
import { completedRequests, RequestTable } from '../../src/live/model.js';
import { checkTagName, parseTag } from '../../src/live/labels.js';
import { decodeRemoteWrite, RUN, syntheticRun, type DecodedSeries } from '../helpers/live.js';

const NOW = 1_750_000_000_000;

function byName(series: DecodedSeries[], name: string): DecodedSeries[] {
  return series.filter((s) => s.labels['__name__'] === name);
}

function value(s: DecodedSeries): number {
  assert.equal(s.samples.length, 1);
  return s.samples[0]!.value;
}

describe('remote write body', () => {
  const run = syntheticRun(5000);
  const snapshot = run.at(3, NOW);
  const decoded = decodeRemoteWrite(remoteWriteBody(prometheusSeries(RUN, snapshot), nativeSeries(RUN, snapshot), NOW));

  it("labels every series with run_id, shard and the tags, sorted by name with __name__ first, one sample at the period's end", () => {
    for (const s of decoded) {
      assert.deepEqual([...s.labelOrder].sort(), s.labelOrder);
      assert.equal(s.labelOrder[0], '__name__');
      assert.equal(s.labels['run_id'], 'test-run');
      assert.equal(s.labels['shard'], '1/1');
      assert.equal(s.labels['env'], 'ci');
      const times = [...s.samples.map((x) => x.timestamp), ...s.histograms.map((h) => h['timestamp'])];
      assert.deepEqual(times, [NOW]);
    }
  });

  it('sends gb_requests_total whose sum is the Complete requests, split by endpoint, status class and result', () => {
    const requests = byName(decoded, 'gb_requests_total');
    assert.equal(
      requests.reduce((sum, s) => sum + value(s), 0),
      run.completed(3),
    );
    assert.equal(completedRequests(snapshot.requests), run.completed(3));
    const keys = requests.map((s) => `${s.labels['endpoint']} ${s.labels['status']} ${s.labels['result']}`).sort();
    assert.deepEqual(keys, [
      'GET /a 2xx ok',
      'GET /a 4xx ok',
      'GET /a none failed',
      'GET /b 2xx ok',
      'GET /b 4xx ok',
      'GET /b none failed',
    ]);
    const failedReads = requests.filter((s) => s.labels['status'] === 'none').reduce((sum, s) => sum + value(s), 0);
    assert.equal(failedReads, snapshot.failures.receive);
  });

  it('sends every failure kind (zeros too), timeouts, bytes and the gauges', () => {
    const failures = Object.fromEntries(byName(decoded, 'gb_request_failures_total').map((s) => [s.labels['kind'] ?? '', value(s)]));
    assert.deepEqual(failures, { connect: 3, receive: snapshot.failures.receive, length: 0, exceptions: 0, script: 0, grpc: 0 });
    assert.equal(value(byName(decoded, 'gb_request_timeouts_total')[0]!), 1);
    assert.equal(value(byName(decoded, 'gb_received_bytes_total')[0]!), 15_000 * 250);
    assert.equal(value(byName(decoded, 'gb_sent_bytes_total')[0]!), 15_000 * 80);
    assert.equal(value(byName(decoded, 'gb_connections')[0]!), 8);
    assert.equal(value(byName(decoded, 'gb_target_rate')[0]!), 1000);
    assert.equal(value(byName(decoded, 'gb_client_busy_ratio')[0]!), 0.25);
  });

  it('sends the classic histograms: cumulative buckets ending in +Inf = _count, and _sum in seconds', () => {
    for (const [name, phase, h] of [
      ['gb_request_duration_seconds', undefined, snapshot.total],
      ['gb_request_phase_duration_seconds', 'connect', snapshot.phases[0]!.histogram],
    ] as const) {
      const buckets = byName(decoded, `${name}_bucket`).filter((s) => s.labels['phase'] === phase);
      assert.deepEqual(
        buckets.map((s) => s.labels['le']),
        CLASSIC_LE_LABELS,
      );
      const counts = buckets.map(value);
      for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! >= counts[i - 1]!);
      assert.equal(counts.at(-1), h.count);
      assert.equal(value(byName(decoded, `${name}_count`).find((s) => s.labels['phase'] === phase)!), h.count);
      assert.equal(value(byName(decoded, `${name}_sum`).find((s) => s.labels['phase'] === phase)!), h.sum / 1e6);
    }
  });

  it('sends native histograms whose spans and deltas give back the count in schema 4 buckets', () => {
    const native = decoded.filter((s) => s.histograms.length > 0);
    assert.deepEqual(
      native.map((s) => s.labels['__name__']),
      ['gb_request_duration_seconds', 'gb_request_phase_duration_seconds'],
    );
    const h = native[0]!.histograms[0]! as {
      countInt: number;
      sum: number;
      schema: number;
      zeroCountInt: number;
      positiveSpans: { offset: number; length: number }[];
      positiveDeltas: number[];
    };
    assert.equal(h.schema, 4);
    assert.equal(h.countInt, snapshot.total.count);
    assert.equal(h.sum, snapshot.total.sum / 1e6);
    let count = 0;
    let bucket = 0;
    let index = 0;
    let d = 0;
    for (const span of h.positiveSpans) {
      index += span.offset;
      for (let k = 0; k < span.length; k++, index++) {
        bucket += h.positiveDeltas[d++]!;
        // Short gaps stay inside a span; a span never starts or ends on an empty bucket.
        assert.ok(
          bucket > 0 || (k > 0 && k < span.length - 1),
          `bucket ${index} (${k} of span ${span.offset}+${span.length}) is ${bucket}`,
        );
        count += bucket;
      }
    }
    assert.equal(d, h.positiveDeltas.length);
    assert.equal(count + h.zeroCountInt, h.countInt);
    // The connect phase's 0 µs samples (connections kept alive) are the zero bucket.
    const connect = native[1]!.histograms[0]! as { zeroCountInt: number };
    assert.equal(connect.zeroCountInt, snapshot.phases[0]!.histogram.count * 0.9);
  });

  it('drops gauges the run does not have, and a run of one URL has no endpoint label', () => {
    const table = new RequestTable();
    table.record(0, 200, false);
    const one = { ...snapshot, requests: table.snapshot(), targetRate: null, clientBusyRatio: null, phases: [] };
    const series = decodeRemoteWrite(remoteWriteBody(prometheusSeries(RUN, one), [], NOW));
    assert.equal(byName(series, 'gb_target_rate').length + byName(series, 'gb_client_busy_ratio').length, 0);
    assert.equal(byName(series, 'gb_request_phase_duration_seconds_bucket').length, 0);
    assert.deepEqual(
      byName(series, 'gb_requests_total').map((s) => s.labels),
      [{ __name__: 'gb_requests_total', env: 'ci', result: 'ok', run_id: 'test-run', shard: '1/1', status: '2xx' }],
    );
  });

  it('caps endpoint labels: rows past the limit add up under "other", so the total is kept', () => {
    const names = Array.from({ length: 30 }, (_, i) => `GET /item/${i}`);
    const table = new RequestTable(names);
    names.forEach((_, row) => table.record(row, 200, false));
    const many = { ...snapshot, requests: table.snapshot() };
    const series = byName(
      decodeRemoteWrite(remoteWriteBody(prometheusSeries(RUN, many, { maxEndpoints: 10 }), [], NOW)),
      'gb_requests_total',
    );
    assert.equal(new Set(series.map((s) => s.labels['endpoint'])).size, 11);
    assert.equal(value(series.find((s) => s.labels['endpoint'] === 'other')!), 20);
    assert.equal(
      series.reduce((sum, s) => sum + value(s), 0),
      30,
    );
  });

  it('handles an empty run: zero counts, empty buckets', () => {
    const empty = { ...snapshot, requests: new RequestTable().snapshot(), total: new Histogram(), phases: [] };
    const series = decodeRemoteWrite(remoteWriteBody(prometheusSeries(RUN, empty), nativeSeries(RUN, empty), NOW));
    assert.equal(value(byName(series, 'gb_requests_total')[0]!), 0);
    assert.ok(byName(series, 'gb_request_duration_seconds_bucket').every((s) => value(s) === 0));
  });
});

describe('tags', () => {
  it('takes NAME=VALUE with a Prometheus label name that gb does not use itself', () => {
    assert.deepEqual(parseTag('team=checkout=blue'), ['team', 'checkout=blue']);
    assert.match(parseTag('novalue') as string, /NAME=VALUE/);
    assert.match(parseTag('9x=1') as string, /label name/);
    assert.match(parseTag('__meta=1') as string, /Prometheus's own/);
    assert.match(parseTag('run_id=1') as string, /gb sets/);
    assert.equal(checkTagName('region_2'), null);
  });
});
