// The live model as Prometheus series, and those series as a remote-write 1.0 body (prometheus.WriteRequest, snappy block format).

import { classicBuckets, CLASSIC_LE_LABELS, exponentialBuckets, EXPONENTIAL_SCALE } from './buckets.js';
import { runLabels, sortLabels, type Label } from './labels.js';
import { capEndpoints, DEFAULT_MAX_ENDPOINTS, requestSlot, STATUS_CLASSES, type LiveRunLabels, type LiveSnapshot } from './model.js';
import { ProtoWriter } from './protobuf.js';
import { snappyCompress } from './snappy.js';
import type { Histogram } from '../metrics/histogram.js';

/** The ab failure classes and gb's script and gRPC classes, each a `kind` of gb_request_failures_total, always sent (0 until one happens) so rate() sees the first. */
export const FAILURE_KINDS = ['connect', 'receive', 'length', 'exceptions', 'script', 'grpc'] as const;

export interface SeriesOptions {
  /** Endpoint rows kept as their own label value; the rest add up under "other" (--max-endpoints). */
  readonly maxEndpoints?: number;
}

/** One float sample's series: labels sorted, `__name__` among them. */
export interface Series {
  readonly labels: readonly Label[];
  readonly value: number;
}

/** A native histogram's series (Prometheus's Histogram message, integer counts). */
export interface NativeSeries {
  readonly labels: readonly Label[];
  readonly histogram: Histogram;
}

function series(name: string, labels: readonly Label[], value: number): Series {
  return { labels: sortLabels([['__name__', name], ...labels]), value };
}

/**
 * Every float series of the snapshot, in a fixed order: counters, the classic histograms, gauges.
 * The common labels (run_id, shard, tags) are on each.
 */
export function prometheusSeries(run: LiveRunLabels, s: LiveSnapshot, options: SeriesOptions = {}): Series[] {
  const common = runLabels(run);
  const out: Series[] = [];
  requestSeries(common, s, options.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS, out);
  for (const kind of FAILURE_KINDS) out.push(series('gb_request_failures_total', [...common, ['kind', kind]], s.failures[kind]));
  out.push(series('gb_request_timeouts_total', common, s.timeouts));
  out.push(series('gb_received_bytes_total', common, s.bytesReceived));
  out.push(series('gb_sent_bytes_total', common, s.bytesSent));
  classicSeries('gb_request_duration_seconds', common, s.total, out);
  for (const { phase, histogram } of s.phases)
    classicSeries('gb_request_phase_duration_seconds', [...common, ['phase', phase]], histogram, out);
  out.push(series('gb_connections', common, s.connections));
  if (s.targetRate !== null) out.push(series('gb_target_rate', common, s.targetRate));
  if (s.clientBusyRatio !== null) out.push(series('gb_client_busy_ratio', common, s.clientBusyRatio));
  return out;
}

/** The latency histograms as native histograms (sent beside the classic ones when asked for). */
export function nativeSeries(run: LiveRunLabels, s: LiveSnapshot): NativeSeries[] {
  const common = runLabels(run);
  return [
    { labels: sortLabels([['__name__', 'gb_request_duration_seconds'], ...common]), histogram: s.total },
    ...s.phases.map(({ phase, histogram }) => ({
      labels: sortLabels([['__name__', 'gb_request_phase_duration_seconds'], ...common, ['phase', phase]]),
      histogram,
    })),
  ];
}

/**
 * gb_requests_total by endpoint, status class and result: cells that have counted something, and
 * each endpoint's 2xx/ok cell from the start, so the common case has a zero sample before its first increase.
 */
function requestSeries(common: readonly Label[], s: LiveSnapshot, maxEndpoints: number, out: Series[]): void {
  const { endpoints, counts } = capEndpoints(s.requests, maxEndpoints);
  endpoints.forEach((endpoint, row) => {
    STATUS_CLASSES.forEach((status, classIndex) => {
      for (const failed of [false, true]) {
        const value = counts[requestSlot(row, classIndex, failed)]!; // row < endpoints.length
        if (value === 0 && !(status === '2xx' && !failed)) continue;
        out.push(
          series('gb_requests_total', [...common, ['endpoint', endpoint], ['status', status], ['result', failed ? 'failed' : 'ok']], value),
        );
      }
    });
  });
}

function classicSeries(name: string, labels: readonly Label[], h: Histogram, out: Series[]): void {
  const { cumulative, count, sumSeconds } = classicBuckets(h);
  CLASSIC_LE_LABELS.forEach((le, i) => out.push(series(`${name}_bucket`, [...labels, ['le', le]], cumulative[i]!)));
  out.push(series(`${name}_sum`, labels, sumSeconds));
  out.push(series(`${name}_count`, labels, count));
}

/**
 * prometheus.WriteRequest { repeated TimeSeries timeseries = 1 }, each series with one sample at
 * `timestampMs` (TimeSeries: labels = 1, samples = 2, histograms = 4; Label: name = 1, value = 2;
 * Sample: value = 1, timestamp = 2), as in prompb/types.proto and remote.proto.
 */
export function encodeWriteRequest(floats: readonly Series[], natives: readonly NativeSeries[], timestampMs: number): Buffer {
  const w = new ProtoWriter(64 * 1024);
  for (const s of floats) {
    w.begin(1);
    writeLabels(w, s.labels);
    w.begin(2).double(1, s.value).int(2, timestampMs).end();
    w.end();
  }
  for (const s of natives) {
    w.begin(1);
    writeLabels(w, s.labels);
    writeNativeHistogram(w, s.histogram, timestampMs);
    w.end();
  }
  return w.finish();
}

function writeLabels(w: ProtoWriter, labels: readonly Label[]): void {
  for (const [name, value] of labels) w.begin(1).string(1, name).string(2, value).end();
}

/** Runs of more empty buckets than this end a span: a span costs about as much as two empty buckets' deltas. */
const MAX_SPAN_GAP = 2;

/**
 * Histogram (field 4 of TimeSeries): count_int = 1, sum = 3, schema = 4, zero_threshold = 5,
 * zero_count_int = 6, positive_spans = 11 (BucketSpan: offset = 1 sint32, length = 2),
 * positive_deltas = 12 (packed sint64), timestamp = 15. Prometheus's bucket i holds
 * (2^((i−1)·2^−schema), 2^(i·2^−schema)], OTLP's index + 1; the first span's offset is absolute,
 * later ones count the empty buckets skipped since the previous span, and the deltas run across
 * spans (each bucket's count less the previous bucket's).
 */
function writeNativeHistogram(w: ProtoWriter, h: Histogram, timestampMs: number): void {
  const b = exponentialBuckets(h, EXPONENTIAL_SCALE);
  w.begin(4);
  w.uint(1, b.count).double(3, b.sumSeconds).sint(4, b.scale).double(5, 0).uint(6, b.zeroCount);
  const spans: { offset: number; buckets: number[] }[] = [];
  let previousEnd = 0;
  for (let i = 0; i < b.counts.length;) {
    if (b.counts[i] === 0) {
      i++;
      continue;
    }
    let end = i + 1;
    for (let gap = 0; end < b.counts.length; end++) {
      gap = b.counts[end] === 0 ? gap + 1 : 0;
      if (gap > MAX_SPAN_GAP) {
        end -= gap - 1;
        break;
      }
    }
    while (b.counts[end - 1] === 0) end--;
    const index = b.offset + 1 + i;
    spans.push({ offset: spans.length === 0 ? index : index - previousEnd, buckets: b.counts.slice(i, end) });
    previousEnd = b.offset + 1 + end;
    i = end;
  }
  for (const span of spans) w.begin(11).sint(1, span.offset).uint(2, span.buckets.length).end();
  if (spans.length > 0) {
    w.begin(12);
    let previous = 0;
    for (const span of spans) {
      for (const count of span.buckets) {
        w.rawSint(count - previous);
        previous = count;
      }
    }
    w.end();
  }
  w.int(15, timestampMs);
  w.end();
}

/** The remote-write body: the WriteRequest, snappy-compressed (block format). */
export function remoteWriteBody(floats: readonly Series[], natives: readonly NativeSeries[], timestampMs: number): Buffer {
  return snappyCompress(encodeWriteRequest(floats, natives, timestampMs));
}
