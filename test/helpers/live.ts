// Synthetic live snapshots for the exporter tests, and decoders built from the real message definitions (prompb's shapes, opentelemetry-proto's files).

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { Histogram } from '../../src/metrics/histogram.js';
import { RequestTable, type LiveRunLabels, type LiveSnapshot } from '../../src/live/model.js';

const require = createRequire(import.meta.url);

/** snappyjs, the well-kept pure-JS snappy, to undo gb's block-format compression. */
export const snappy = require('snappyjs') as { uncompress(input: Uint8Array): Uint8Array; compress(input: Uint8Array): Uint8Array };

/**
 * Prometheus's remote-write messages, field for field as prompb/remote.proto and prompb/types.proto
 * have them in Prometheus 2.42 (gogoproto options dropped: they change Go code, not the wire).
 */
export const PROMPB = protobuf.parse(`
syntax = "proto3";
package prometheus;
message WriteRequest {
  repeated TimeSeries timeseries = 1;
  reserved 2;
  repeated MetricMetadata metadata = 3;
}
message MetricMetadata {
  enum MetricType { UNKNOWN = 0; COUNTER = 1; GAUGE = 2; HISTOGRAM = 3; GAUGEHISTOGRAM = 4; SUMMARY = 5; INFO = 6; STATESET = 7; }
  MetricType type = 1;
  string metric_family_name = 2;
  string help = 4;
  string unit = 5;
}
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
message Histogram {
  enum ResetHint { UNKNOWN = 0; YES = 1; NO = 2; GAUGE = 3; }
  oneof count { uint64 count_int = 1; double count_float = 2; }
  double sum = 3;
  sint32 schema = 4;
  double zero_threshold = 5;
  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
  repeated BucketSpan negative_spans = 8;
  repeated sint64 negative_deltas = 9;
  repeated double negative_counts = 10;
  repeated BucketSpan positive_spans = 11;
  repeated sint64 positive_deltas = 12;
  repeated double positive_counts = 13;
  ResetHint reset_hint = 14;
  int64 timestamp = 15;
}
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Exemplar exemplars = 3;
  repeated Histogram histograms = 4;
}
message Label { string name = 1; string value = 2; }
`).root;

export interface DecodedSeries {
  readonly labels: Record<string, string>;
  readonly labelOrder: string[];
  readonly samples: { value: number; timestamp: number }[];
  readonly histograms: Record<string, unknown>[];
}

/** A remote-write body: snappy block format undone by snappyjs, WriteRequest decoded by protobufjs. */
export function decodeRemoteWrite(body: Uint8Array): DecodedSeries[] {
  const type = PROMPB.lookupType('prometheus.WriteRequest');
  const message = type.toObject(type.decode(snappy.uncompress(body)), { longs: Number, defaults: true, oneofs: true }) as {
    timeseries: {
      labels: { name: string; value: string }[];
      samples: { value: number; timestamp: number }[];
      histograms: Record<string, unknown>[];
    }[];
  };
  return message.timeseries.map((ts) => ({
    labels: Object.fromEntries(ts.labels.map((l) => [l.name, l.value])),
    labelOrder: ts.labels.map((l) => l.name),
    samples: ts.samples,
    histograms: ts.histograms,
  }));
}

/** The official opentelemetry-proto files, as the npm package @opentelemetry/otlp-grpc-exporter-base 0.38.0 ships them. */
export function otlpRoot(): protobuf.Root {
  const protos = join(dirname(require.resolve('@opentelemetry/otlp-grpc-exporter-base/package.json')), 'build', 'protos');
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protos, target);
  root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto', { keepCase: true });
  return root;
}

/** A deterministic pseudo-random stream (mulberry32), so a failing distribution can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal latencies around `medianUs` (σ of the log given), as many services show them. */
export function logNormalHistogram(count: number, medianUs: number, sigma: number, seed = 1): Histogram {
  const next = random(seed);
  const h = new Histogram();
  for (let i = 0; i < count; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    h.record(medianUs * Math.exp(sigma * z));
  }
  return h;
}

export const RUN: LiveRunLabels = { runId: 'test-run', shard: { index: 1, count: 1 }, tags: [['env', 'ci']] };

export interface SyntheticRun {
  /** The snapshot after `periods` periods (1-based). */
  at(period: number, timestampMs: number): LiveSnapshot;
  /** Requests completed by the end of that period. */
  completed(period: number): number;
}

/**
 * A run that completes `perPeriod` requests a period on two endpoints, some 404s and failed reads
 * among them, with a Total histogram (log-normal, median 2 ms) and a connect phase.
 */
export function syntheticRun(perPeriod: number, seed = 7): SyntheticRun {
  const table = new RequestTable(['GET /a', 'GET /b']);
  const total = new Histogram();
  const connect = new Histogram();
  const next = random(seed);
  let done = 0;
  let failedReads = 0;
  let periods = 0;
  const advance = (): void => {
    for (let i = 0; i < perPeriod; i++) {
      const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      const us = 2000 * Math.exp(0.6 * z);
      const row = next() < 0.7 ? 0 : 1;
      const roll = next();
      if (roll < 0.02) {
        table.record(row, -1, true);
        failedReads++;
      } else {
        table.record(row, roll < 0.1 ? 404 : 200, false);
      }
      total.record(us);
      connect.record(i % 10 === 0 ? 150 + 50 * next() : 0);
      done++;
    }
    periods++;
  };
  return {
    at(period, timestampMs) {
      while (periods < period) advance();
      return {
        timestampMs,
        startMs: timestampMs - period * 1000,
        requests: table.snapshot(),
        failures: { connect: 3, receive: failedReads, length: 0, exceptions: 0, script: 0, grpc: 0 },
        timeouts: 1,
        bytesReceived: done * 250,
        bytesSent: done * 80,
        total,
        phases: [{ phase: 'connect', histogram: connect }],
        connections: 8,
        targetRate: 1000,
        clientBusyRatio: 0.25,
      };
    },
    completed(period) {
      return period * perPeriod;
    },
  };
}
