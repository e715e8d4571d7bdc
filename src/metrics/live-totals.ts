// The run so far for the live outputs: each engine thread's cumulative snapshot, added up into one view of the whole run.

import { EndpointStats } from './endpoints.js';
import { Histogram } from './histogram.js';
import { C, type RecorderLiveSnapshot } from './recorder.js';
import { requestSlot, RequestTable, type RequestCounts } from './request-counts.js';
import type { FailureCounts } from './summary.js';

/** What one engine thread reports once a period. */
export interface ThreadLive {
  /** Unix ms at which its measured run began; null while it waits or warms up (nothing counted yet). */
  readonly startedAtMs: number | null;
  /** Its recorders' numbers so far (one per engine: several for a targets file of several origins); none before measuring. */
  readonly recorders: readonly RecorderLiveSnapshot[];
  /** Connections in its pool (each holds at most one socket). */
  readonly connections: number;
  /** Its event loop's busy share since its previous report, 0–1. */
  readonly busyRatio: number;
}

/** The whole run so far: the threads' counts and histograms added, the busiest thread's load. */
export interface LiveTotals {
  /** Unix ms at which the measured run began (the earliest thread's); null before any thread measures. */
  readonly startedAtMs: number | null;
  /** ab's Complete requests by endpoint, status class and result; their sum is the report's Complete requests. */
  readonly requests: RequestCounts;
  readonly completed: number;
  readonly failures: FailureCounts;
  readonly timeouts: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** ab's Total, Connect and Waiting over every complete request. */
  readonly total: Histogram;
  readonly connect: Histogram;
  readonly waiting: Histogram;
  /** Per-endpoint rows (--targets, a script); null for a single-URL run. */
  readonly endpoints: EndpointStats | null;
  readonly connections: number;
  readonly busyRatio: number;
  /** True for the view taken from the run's final recorder, after the last response: the report's own numbers. */
  readonly final: boolean;
}

const ZERO_FAILURES: FailureCounts = { connect: 0, receive: 0, length: 0, exceptions: 0, script: 0, grpc: 0 };

/** Adds the threads' reports into one view. */
export function addLive(threads: readonly ThreadLive[], final = false): LiveTotals {
  const requests = new RequestTable([]);
  const total = new Histogram();
  const connect = new Histogram();
  const waiting = new Histogram();
  const counters = new Float64Array(Math.max(0, ...threads.flatMap((t) => t.recorders.map((r) => r.counters.length))));
  let endpoints: EndpointStats | null = null;
  let startedAtMs: number | null = null;
  let connections = 0;
  let busyRatio = 0;
  for (const t of threads) {
    connections += t.connections;
    busyRatio = Math.max(busyRatio, t.busyRatio);
    if (t.startedAtMs === null) continue;
    startedAtMs = startedAtMs === null ? t.startedAtMs : Math.min(startedAtMs, t.startedAtMs);
    for (const r of t.recorders) {
      for (let i = 0; i < counters.length; i++) counters[i]! += r.counters[i] ?? 0;
      requests.add(r.requests);
      total.add(Histogram.fromSnapshot(r.total));
      connect.add(Histogram.fromSnapshot(r.connect));
      waiting.add(Histogram.fromSnapshot(r.waiting));
      if (r.endpoints !== null) (endpoints ??= new EndpointStats(r.endpoints.maxRows)).merge(r.endpoints);
    }
  }
  // A failed read is counted complete with no status; one the table missed (a connection's failure
  // reported for several requests at once) goes to the first row, so the counts add up to Complete requests.
  const table = requests.snapshot();
  const missing = (counters[C.failReceive] ?? 0) + (counters[C.failExceptions] ?? 0) - noStatusCount(table);
  if (missing > 0) requests.addCount(0, -1, true, missing);
  return totalsOf(counters, requests.snapshot(), { startedAtMs, total, connect, waiting, endpoints, connections, busyRatio, final });
}

/** Complete requests without a status (reads that failed on an open connection), over every row. */
function noStatusCount(requests: RequestCounts): number {
  let sum = 0;
  requests.endpoints.forEach((_, row) => {
    sum += (requests.counts[requestSlot(row, 0, true)] ?? 0) + (requests.counts[requestSlot(row, 0, false)] ?? 0);
  });
  return sum;
}

type Rest = Pick<LiveTotals, 'startedAtMs' | 'total' | 'connect' | 'waiting' | 'endpoints' | 'connections' | 'busyRatio' | 'final'>;

function totalsOf(c: Float64Array, requests: RequestCounts, rest: Rest): LiveTotals {
  const n = (i: number): number => c[i] ?? 0;
  if (rest.startedAtMs === null) {
    return { ...rest, requests, completed: 0, failures: ZERO_FAILURES, timeouts: 0, bytesReceived: 0, bytesSent: 0 };
  }
  const failures = {
    connect: n(C.failConnect),
    receive: n(C.failReceive),
    length: n(C.failLength),
    exceptions: n(C.failExceptions),
    script: n(C.failScript),
    grpc: n(C.failGrpc),
  };
  return {
    ...rest,
    requests,
    // As the Summary counts them: responses, and reads that failed on an open connection.
    completed: n(C.complete) + failures.receive + failures.exceptions,
    failures,
    timeouts: n(C.timeouts),
    bytesReceived: n(C.bytesReceived),
    bytesSent: n(C.bytesSent),
  };
}
