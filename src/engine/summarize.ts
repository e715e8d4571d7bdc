// Freezes a run's recorder into the plain Summary that reporters read.

import type { Config } from '../config/config.js';
import { assessClient, type ClientFacts } from '../metrics/client-health.js';
import type { ThreadHealth } from '../metrics/client-monitor.js';
import { journeyResults } from '../metrics/journey-results.js';
import { phaseStats } from '../metrics/phase-stats.js';
import { C, type Recorder } from '../metrics/recorder.js';
import type { ClientHealth, EndpointResult, FailureCounts, RateStats, ShardSet, StopReason, Summary } from '../metrics/summary.js';
import { MAX_TIMELINE_ROWS } from '../metrics/timeline.js';
import type { EndpointStats } from '../metrics/endpoints.js';
import { transportFor } from '../transport/client-socket.js';
import { scheduleOf, scheduledPerRow } from './schedule.js';
import { VERSION } from '../version.js';
import { grpcResults } from '../metrics/grpc-results.js';
import { GrpcStats } from '../metrics/grpc-stats.js';

/** What a finished run hands over: its recorder and how the client fared. */
export interface SummaryFacts {
  readonly recorder: Recorder;
  readonly startedAtMs: number;
  readonly elapsedMs: number;
  readonly stopReason: StopReason;
  readonly thread: ThreadHealth;
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  readonly wallMs: number;
  readonly threads: number;
}

function rateStats(config: Config, r: Recorder, elapsedMs: number): RateStats | null {
  if (config.schedule.kind !== 'rate') return null;
  const c = r.counters;
  const late = c[C.late] ?? 0;
  return {
    targetPerSecond: config.schedule.requestsPerSecond,
    stages: config.schedule.stages ?? null,
    // A journey's rate is of iterations (their lateness is recorded as requests' is: engine/journey-engine.ts).
    achievedPerSecond: elapsedMs > 0 ? ((r.journeys?.started ?? c[C.issued] ?? 0) * 1000) / elapsedMs : 0,
    late,
    lateServer: c[C.lateServer] ?? 0,
    lateClient: late - (c[C.lateServer] ?? 0),
    maxLateUs: c[C.lateMaxUs] ?? 0,
    meanLateUs: late > 0 ? (c[C.lateSumUs] ?? 0) / late : 0,
    uncorrectedTotal: phaseStats(r.uncorrectedTotal),
  };
}

/** Rate mode: what the pool could carry, for the judgement of requests that waited for a connection. */
function poolFacts(config: Config, streamLimitPlusOne: number, fastestUs: number): ClientFacts['pool'] {
  const perConnection = streamLimitPlusOne > 0 ? Math.min(config.pipeline, streamLimitPlusOne - 1) : config.pipeline;
  const connections = config.maxConnections ?? config.concurrency;
  return {
    slots: connections * perConnection,
    fastestUs,
    targetPerSecond: config.schedule.kind === 'rate' ? config.schedule.requestsPerSecond : 0,
  };
}

/**
 * The schedule's target for each row of `rowMs` over a run of `elapsedMs` (at most `maxRows`), so a
 * timeline shows what was due beside what was done; null in the closed loop.
 */
export function scheduledRows(config: Config, rowMs: number, maxRows: number, elapsedMs: number): number[] | null {
  const schedule = scheduleOf(config.schedule);
  if (schedule === null) return null;
  // Nothing is due after -t, however long the last responses took to arrive.
  const limitMs = Math.min(elapsedMs, config.durationMs ?? Infinity);
  const rows = Math.min(maxRows, Math.ceil(limitMs / rowMs));
  return scheduledPerRow(schedule, rowMs, rows, limitMs, config.requests);
}

function shardSet(config: Config, startedAtMs: number, completed: number, client: ClientHealth): ShardSet | null {
  const { shard, startAtMs } = config;
  if (shard === null) return null;
  return {
    runId: shard.runId,
    count: shard.count,
    startAt: startAtMs === null ? null : new Date(startAtMs).toISOString(),
    whole: shard.whole,
    members: [
      {
        index: shard.index,
        startedAt: new Date(startedAtMs).toISOString(),
        // Sub-millisecond: the 50 ms agreement between shards is worth seeing to a tenth.
        startOffsetMs: startAtMs === null ? null : Math.round((startedAtMs - startAtMs) * 10) / 10,
        completed,
        client,
      },
    ],
  };
}

/** The per-endpoint rows; a row's histogram is encoded only when read (JSON, HTML, merge). */
export function endpointResults(e: EndpointStats, elapsedMs: number): EndpointResult[] {
  return e.names.map((name, row) => {
    const h = e.totals[row]!;
    const requests = e.requests(row);
    const result = {
      name,
      requests,
      failures: e.failures(row),
      non2xx: e.non2xx(row),
      requestsPerSecond: elapsedMs > 0 ? (requests * 1000) / elapsedMs : 0,
      p50Us: h.count > 0 ? h.valueAtPercentile(50) : 0,
      p90Us: h.count > 0 ? h.valueAtPercentile(90) : 0,
      p99Us: h.count > 0 ? h.valueAtPercentile(99) : 0,
      maxUs: h.count > 0 ? h.max : 0,
      histogram: '',
    };
    let encoded: string | null = null;
    Object.defineProperty(result, 'histogram', { enumerable: true, get: () => (encoded ??= h.encode()) });
    return result;
  });
}

/** The settings a Summary repeats, so that a report read later says what was run. */
function settingsOf(config: Config): Summary['settings'] {
  return {
    method: config.method,
    concurrency: config.concurrency,
    requests: config.requests,
    durationMs: config.durationMs,
    keepAlive: config.keepAlive,
    variableLength: config.variableLength,
    hasBody: config.body !== null || (config.targets?.list.some((t) => t.body !== null) ?? false),
    pipeline: config.pipeline,
    workers: config.workers,
    requestsPerSecond: config.schedule.kind === 'rate' ? config.schedule.requestsPerSecond : null,
  };
}

/** How the client fared, and in rate mode whether late requests and the pool point at it rather than the server. */
function clientOf(config: Config, facts: SummaryFacts): ClientHealth {
  const r = facts.recorder;
  const count = (i: number): number => r.counters[i] ?? 0;
  return assessClient({
    thread: facts.thread,
    cpuUserUs: facts.cpuUserUs,
    cpuSystemUs: facts.cpuSystemUs,
    wallMs: facts.wallMs,
    threads: facts.threads,
    late:
      config.schedule.kind === 'rate'
        ? { count: count(C.late), server: count(C.lateServer), of: count(C.issued), maxUs: count(C.lateMaxUs) }
        : null,
    pool:
      config.schedule.kind === 'rate' && r.uncorrectedTotal.count > 0
        ? poolFacts(config, count(C.h2StreamLimit), r.uncorrectedTotal.min)
        : null,
  });
}

function statusCodesOf(r: Recorder): Record<string, number> {
  const statusCodes: Record<string, number> = {};
  r.statusCounts.forEach((n, code) => {
    if (n > 0) statusCodes[String(code)] = n;
  });
  return statusCodes;
}

function failuresOf(count: (i: number) => number): FailureCounts {
  return {
    connect: count(C.failConnect),
    receive: count(C.failReceive),
    length: count(C.failLength),
    exceptions: count(C.failExceptions),
    script: count(C.failScript),
    grpc: count(C.failGrpc),
  };
}

export function summarize(config: Config, facts: SummaryFacts): Summary {
  const r = facts.recorder;
  const c = r.counters;
  const count = (i: number): number => c[i] ?? 0;
  const failures = failuresOf(count);
  const { target } = config;
  const client = clientOf(config, facts);
  const completed = count(C.complete) + failures.receive + failures.exceptions;
  return {
    schemaVersion: 2,
    tool: { name: 'gb', version: VERSION },
    target: { url: target.url, host: target.host, port: target.port, path: target.path, tls: target.tls },
    settings: settingsOf(config),
    serverSoftware: r.first.serverSoftware ?? '',
    tlsProtocol: r.first.tlsProtocol,
    tlsTempKey: r.first.tlsTempKey,
    tlsServerName: r.first.tlsServerName,
    // Every engine's recorder names its transport; the fallback is what this thread would have used.
    transport: r.first.transport ?? transportFor(target.tls, config.unixSocket !== null),
    protocol: config.http2 ? (target.tls ? 'h2' : 'h2c') : config.http10 ? 'HTTP/1.0' : 'HTTP/1.1',
    http2: config.http2
      ? {
          headerBytes: count(C.h2HeaderBytes),
          headerBytesDecoded: count(C.h2HeaderDecodedBytes),
          streamLimit: count(C.h2StreamLimit) === 0 ? null : count(C.h2StreamLimit) - 1,
        }
      : null,
    documentLength: r.first.documentLength,
    documentLengthConflict: null,
    elapsedSeconds: facts.elapsedMs / 1000,
    startedAt: new Date(facts.startedAtMs).toISOString(),
    issued: count(C.issued),
    responses: count(C.complete),
    completed,
    succeeded: count(C.complete) - failures.length - count(C.scriptRejected) - failures.grpc,
    failed: failures.connect + failures.receive + failures.length + failures.exceptions + failures.script + failures.grpc,
    failures,
    timeouts: count(C.timeouts),
    cutOff: count(C.cutOff),
    resent: count(C.resent),
    writeErrors: count(C.writeErrors),
    non2xx: count(C.non2xx),
    keepAliveRequests: count(C.keepAlive),
    statusCodes: statusCodesOf(r),
    errors: Object.fromEntries(r.errors),
    errorCodes: Object.fromEntries(r.errorCodes),
    bytes: { received: count(C.bytesReceived), body: count(C.bytesBody), sent: count(C.bytesSent) },
    connect: phaseStats(r.connect),
    processing: phaseStats(r.processing),
    waiting: phaseStats(r.waiting),
    total: phaseStats(r.total),
    successTotal: phaseStats(r.successTotal),
    successWaiting: phaseStats(r.successWaiting),
    phases: r.phases.stats(),
    stopReason: facts.stopReason,
    timeline: {
      startEpochMs: r.timeline.startEpochMs,
      rows: r.timeline.rows(scheduledRows(config, 1000, MAX_TIMELINE_ROWS, facts.elapsedMs)),
    },
    rate: rateStats(config, r, facts.elapsedMs),
    connections:
      config.maxConnections === null
        ? null
        : {
            initial: count(C.poolInitial),
            peak: count(C.poolPeak),
            grewAtSeconds: count(C.poolGrewAtUs) === 0 ? null : (count(C.poolGrewAtUs) - 1) / 1e6,
          },
    client,
    shards: shardSet(config, facts.startedAtMs, completed, client),
    endpoints: r.endpoints === null ? null : endpointResults(r.endpoints, facts.elapsedMs),
    journeys: r.journeys === null ? null : journeyResults(r.journeys, facts.elapsedMs),
    websocket: r.websocket?.results() ?? null,
    grpc: config.grpc === null ? null : grpcResults(config.grpc, r.grpc ?? new GrpcStats(), count(C.issued) - count(C.failConnect)),
  };
}
