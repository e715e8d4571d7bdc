// The live metrics model: the run so far as cumulative counters, histograms and gauges, which the engine fills once a period.

import type { Histogram } from '../metrics/histogram.js';
import type { RequestCounts } from '../metrics/request-counts.js';
import type { FailureCounts } from '../metrics/summary.js';

// The counts' type and table live in metrics, where a recorder keeps them; the exporters read them from here too.
export * from '../metrics/request-counts.js';

/** Who the numbers belong to: constant for the whole run, so exporters encode these labels once. */
export interface LiveRunLabels {
  readonly runId: string;
  /** --shard I/N; 1 of 1 for a run on one machine, so dashboards can always sum over `shard`. */
  readonly shard: { readonly index: number; readonly count: number };
  /** --tag name=value, in the order given; names checked by checkTagName (labels.ts). */
  readonly tags: readonly (readonly [name: string, value: string])[];
}

/** Phase histograms exported beside Total: ab's Connect and Waiting, or any of the request phases (tcp, tls, blocked, ...). */
export interface LivePhase {
  /** The `phase` label: 'connect', 'waiting', 'tcp', ... */
  readonly phase: string;
  readonly histogram: Histogram;
}

/**
 * The run so far, as the engine hands it to the exporters once a period and once more after the
 * last response. Every count is cumulative from the start of the measured run (warm-up excluded);
 * the histograms are gb's own, read (never changed) while a push is encoded, which happens inside
 * the exporter's push() call, so the engine may keep recording into them afterwards.
 */
export interface LiveSnapshot {
  /** gb's clock (Unix ms) at the end of the period the numbers cover: every sample's timestamp. */
  readonly timestampMs: number;
  /** Unix ms at which the measured run began: OTLP's start_time_unix_nano for cumulative points. */
  readonly startMs: number;
  readonly requests: RequestCounts;
  /** ab's failure classes and gb's script and gRPC classes; their sum is the report's Failed requests. */
  readonly failures: FailureCounts;
  /** Requests that hit -s: already counted under failures.receive or failures.connect. */
  readonly timeouts: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** ab's Total over every complete request, in µs. */
  readonly total: Histogram;
  /** Phases the run has (an empty list exports none). */
  readonly phases: readonly LivePhase[];
  /** Connections open at the end of the period. */
  readonly connections: number;
  /** The schedule's target now (--rate, --stages) in requests per second; null in the closed loop. */
  readonly targetRate: number | null;
  /** Event-loop utilization of gb's busiest engine thread over the period, 0–1; null when not measured. */
  readonly clientBusyRatio: number | null;
}
