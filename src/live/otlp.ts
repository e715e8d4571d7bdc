// The live model as an OTLP ExportMetricsServiceRequest: cumulative Sums, Gauges and exponential histograms of latency.

import { exponentialBuckets, EXPONENTIAL_SCALE } from './buckets.js';
import type { Label } from './labels.js';
import { capEndpoints, DEFAULT_MAX_ENDPOINTS, requestSlot, STATUS_CLASSES, type LiveRunLabels, type LiveSnapshot } from './model.js';
import { ProtoWriter } from './protobuf.js';
import { FAILURE_KINDS } from './remote-write.js';
import type { Histogram } from '../metrics/histogram.js';
import { VERSION } from '../version.js';

/** AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE: every point counts from the run's start. */
const CUMULATIVE = 2;

export interface OtlpOptions {
  readonly maxEndpoints?: number;
}

/**
 * Field numbers, from opentelemetry-proto (collector/metrics/v1/metrics_service.proto, metrics/v1,
 * common/v1, resource/v1):
 * ExportMetricsServiceRequest.resource_metrics = 1; ResourceMetrics: resource = 1, scope_metrics = 2;
 * Resource.attributes = 1; ScopeMetrics: scope = 1, metrics = 2; InstrumentationScope: name = 1,
 * version = 2; Metric: name = 1, description = 2, unit = 3, gauge = 5, sum = 7,
 * exponential_histogram = 10; Sum: data_points = 1, aggregation_temporality = 2, is_monotonic = 3;
 * Gauge.data_points = 1; ExponentialHistogram: data_points = 1, aggregation_temporality = 2;
 * KeyValue: key = 1, value = 2; AnyValue.string_value = 1.
 */
export function encodeOtlpMetrics(run: LiveRunLabels, s: LiveSnapshot, options: OtlpOptions = {}): Buffer {
  const w = new ProtoWriter(16 * 1024);
  const start = nanos(s.startMs);
  const time = nanos(s.timestampMs);
  w.begin(1); // ResourceMetrics
  w.begin(1); // Resource
  const resource: Label[] = [
    ['service.name', 'gb'],
    ['service.version', VERSION],
    ['gb.run_id', run.runId],
    ['gb.shard', `${run.shard.index}/${run.shard.count}`],
    ...run.tags,
  ];
  for (const attribute of resource) writeAttribute(w, 1, attribute);
  w.end();
  w.begin(2); // ScopeMetrics
  w.begin(1).string(1, 'gb').string(2, VERSION).end();

  const point = (attributes: readonly Label[], value: number, integer: boolean): void => {
    // NumberDataPoint: attributes = 7, start_time_unix_nano = 2, time_unix_nano = 3, as_double = 4, as_int = 6.
    w.begin(1);
    for (const a of attributes) writeAttribute(w, 7, a);
    w.fixed64(2, start).fixed64(3, time);
    if (integer) w.sfixed64(6, Math.round(value));
    else w.double(4, value);
    w.end();
  };
  const sum = (name: string, description: string, unit: string, points: () => void): void => {
    w.begin(2).string(1, name).string(2, description).string(3, unit);
    w.begin(7);
    points();
    w.uint(2, CUMULATIVE).bool(3, true).end();
    w.end();
  };
  const gauge = (name: string, description: string, unit: string, value: number, integer: boolean): void => {
    w.begin(2).string(1, name).string(2, description).string(3, unit);
    w.begin(5);
    point([], value, integer);
    w.end();
    w.end();
  };

  sum('gb.requests', "ab's Complete requests, by endpoint, status class and result", '{request}', () => {
    for (const [attributes, value] of requestCells(s, options.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS)) point(attributes, value, true);
  });
  sum('gb.request.failures', "Failed requests by ab's failure class (and gb's script and gRPC classes)", '{request}', () => {
    for (const kind of FAILURE_KINDS) point([['kind', kind]], s.failures[kind], true);
  });
  sum('gb.request.timeouts', 'Requests that timed out (-s), already counted as receive or connect failures', '{request}', () =>
    point([], s.timeouts, true),
  );
  sum('gb.received.bytes', 'Bytes read: status lines, headers and bodies', 'By', () => point([], s.bytesReceived, true));
  sum('gb.sent.bytes', 'Request bytes written', 'By', () => point([], s.bytesSent, true));

  w.begin(2).string(1, 'gb.request.duration').string(2, "ab's Total time of each complete request").string(3, 's');
  w.begin(10);
  writeExponentialPoint(w, [], s.total, start, time);
  w.uint(2, CUMULATIVE).end();
  w.end();
  if (s.phases.length > 0) {
    w.begin(2).string(1, 'gb.request.phase.duration').string(2, 'Time of each phase of a request (connect, waiting, ...)').string(3, 's');
    w.begin(10);
    for (const { phase, histogram } of s.phases) writeExponentialPoint(w, [['phase', phase]], histogram, start, time);
    w.uint(2, CUMULATIVE).end();
    w.end();
  }

  gauge('gb.connections', 'Connections open', '{connection}', s.connections, true);
  if (s.targetRate !== null) gauge('gb.target_rate', "The schedule's target rate (--rate, --stages)", '{request}/s', s.targetRate, false);
  if (s.clientBusyRatio !== null)
    gauge('gb.client.busy_ratio', "Event-loop utilization of gb's busiest engine thread", '1', s.clientBusyRatio, false);

  w.end(); // ScopeMetrics
  w.end(); // ResourceMetrics
  return w.finish();
}

/** The (endpoint, status, result) cells of gb.requests that have counted something, "other" past the limit, as remote write sends them. */
function requestCells(s: LiveSnapshot, maxEndpoints: number): [Label[], number][] {
  const { endpoints, counts } = capEndpoints(s.requests, maxEndpoints);
  const cells: [Label[], number][] = [];
  endpoints.forEach((endpoint, row) => {
    STATUS_CLASSES.forEach((status, classIndex) => {
      for (const failed of [false, true]) {
        const value = counts[requestSlot(row, classIndex, failed)]!; // row < endpoints.length
        if (value === 0) continue;
        const labels: Label[] = [
          ['status', status],
          ['result', failed ? 'failed' : 'ok'],
        ];
        if (endpoint !== '') labels.unshift(['endpoint', endpoint]);
        cells.push([labels, value]);
      }
    });
  });
  return cells;
}

/**
 * ExponentialHistogramDataPoint: attributes = 1, start_time_unix_nano = 2, time_unix_nano = 3,
 * count = 4, sum = 5, scale = 6, zero_count = 7, positive = 8 (Buckets: offset = 1 sint32,
 * bucket_counts = 2 packed uint64), min = 12, max = 13. Values in seconds; see buckets.ts for the scale.
 */
function writeExponentialPoint(w: ProtoWriter, attributes: readonly Label[], h: Histogram, start: bigint, time: bigint): void {
  const b = exponentialBuckets(h, EXPONENTIAL_SCALE);
  w.begin(1);
  for (const a of attributes) writeAttribute(w, 1, a);
  w.fixed64(2, start).fixed64(3, time).fixed64(4, b.count).double(5, b.sumSeconds).sint(6, b.scale).fixed64(7, b.zeroCount);
  if (b.counts.length > 0) {
    w.begin(8).sint(1, b.offset).begin(2);
    for (const c of b.counts) w.rawUint(c);
    w.end().end();
  }
  if (b.count > 0) w.double(12, b.minSeconds).double(13, b.maxSeconds);
  w.end();
}

function writeAttribute(w: ProtoWriter, field: number, [key, value]: Label): void {
  w.begin(field).string(1, key).begin(2).string(1, value).end().end();
}

function nanos(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}
