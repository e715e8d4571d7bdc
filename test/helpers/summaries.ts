// Summaries for tests: hand-built ones from a fixture factory, phase statistics from given samples, and a real run's Summary.

import assert from 'node:assert/strict';
import * as hdr from 'hdr-histogram-js';
import { parseCommandLine, type CliOptions } from '../../src/cli/flags.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { phaseStats } from '../../src/metrics/phase-stats.js';
import type { ClientHealth, PhaseStats, Summary } from '../../src/metrics/summary.js';
import { runConfig } from '../../src/run-config.js';
import { withTarget } from './target.js';

/** A client nowhere near its limits, with `overrides` in place of its figures. */
export function clientFixture(overrides: Partial<ClientHealth> = {}): ClientHealth {
  return {
    cpuUserSeconds: 1,
    cpuSystemSeconds: 1,
    cpuPercent: 10,
    cores: 4,
    loopUtilizationPercent: 10,
    eventLoopDelayP99Ms: 1,
    eventLoopDelayMaxMs: 2,
    gcPauseTotalMs: 1,
    gcPauseMaxMs: 1,
    heapUsedMaxBytes: 1,
    rssMaxBytes: 1,
    saturated: false,
    warnings: [],
    ...overrides,
  };
}

/** A client whose every figure is 0 on one core: what a report shows when it has nothing to say about the client. */
export const ZERO_CLIENT: ClientHealth = clientFixture({
  cpuUserSeconds: 0,
  cpuSystemSeconds: 0,
  cpuPercent: 0,
  cores: 1,
  loopUtilizationPercent: 0,
  eventLoopDelayP99Ms: 0,
  eventLoopDelayMaxMs: 0,
  gcPauseTotalMs: 0,
  gcPauseMaxMs: 0,
  heapUsedMaxBytes: 0,
  rssMaxBytes: 0,
});

/** The settings a Summary repeats: GET with -c 10 and -k, no -n or -t, no body, no pipelining, one thread, closed loop; with `overrides`. */
export function settingsFixture(overrides: Partial<Summary['settings']> = {}): Summary['settings'] {
  return {
    method: 'GET',
    concurrency: 10,
    requests: null,
    durationMs: null,
    keepAlive: true,
    variableLength: false,
    hasBody: false,
    pipeline: 1,
    workers: 1,
    requestsPerSecond: null,
    ...overrides,
  };
}

/** The counts of a run whose `n` requests were all answered 200 on kept-alive connections. */
export function allAnswered(
  n: number,
): Pick<Summary, 'issued' | 'responses' | 'completed' | 'succeeded' | 'failed' | 'keepAliveRequests' | 'statusCodes'> {
  return { issued: n, responses: n, completed: n, succeeded: n, failed: 0, keepAliveRequests: n, statusCodes: n > 0 ? { '200': n } : {} };
}

/** PhaseStats with every figure 0 and no histogram, but for `overrides`: for code that reads a few of them. */
export function phaseFixture(overrides: Partial<PhaseStats> = {}): PhaseStats {
  return {
    count: 0,
    minUs: 0,
    meanUs: 0,
    sdUs: 0,
    medianUs: 0,
    maxUs: 0,
    abPercentilesUs: [0, 0, 0, 0, 0, 0, 0, 0],
    p50Us: 0,
    p90Us: 0,
    p99Us: 0,
    p999Us: 0,
    p9999Us: 0,
    histogram: '',
    ...overrides,
  };
}

/**
 * A whole Summary as a test would write it by hand: a closed-loop HTTP/1.1 run against
 * http://127.0.0.1:8080/ that began at the epoch, in which nothing was answered and nothing was
 * measured (every phase null), with `overrides` in place of whole fields: a test names what it is about.
 */
export function summaryFixture(overrides: Partial<Summary> = {}): Summary {
  return {
    schemaVersion: 2,
    tool: { name: 'gb', version: '0.1.0' },
    target: { url: 'http://127.0.0.1:8080/', host: '127.0.0.1', port: 8080, path: '/', tls: false },
    settings: settingsFixture(),
    serverSoftware: '',
    tlsProtocol: null,
    tlsTempKey: null,
    tlsServerName: null,
    transport: 'raw-tcp',
    protocol: 'HTTP/1.1',
    http2: null,
    documentLength: 12,
    documentLengthConflict: null,
    elapsedSeconds: 1,
    startedAt: new Date(0).toISOString(),
    ...allAnswered(0),
    failures: { connect: 0, receive: 0, length: 0, exceptions: 0, script: 0, grpc: 0 },
    timeouts: 0,
    cutOff: 0,
    resent: 0,
    writeErrors: 0,
    non2xx: 0,
    errors: {},
    errorCodes: {},
    bytes: { received: 0, body: 0, sent: 0 },
    connect: null,
    processing: null,
    waiting: null,
    total: null,
    successTotal: null,
    successWaiting: null,
    phases: null,
    stopReason: 'requests',
    timeline: { startEpochMs: 0, rows: [] },
    rate: null,
    connections: null,
    client: clientFixture(),
    shards: null,
    endpoints: null,
    journeys: null,
    websocket: null,
    grpc: null,
    ...overrides,
  };
}

/** The PhaseStats gb would report for exactly these samples (µs). */
export function phaseOf(samplesUs: readonly number[]): PhaseStats {
  const h = new Histogram();
  for (const us of samplesUs) h.record(us);
  const s = phaseStats(h);
  assert.ok(s !== null, 'at least one sample');
  return s;
}

/** The options of a `gb` command line that must parse as a run. */
export function optionsOf(args: readonly string[]): CliOptions {
  const parsed = parseCommandLine(args);
  if (!parsed.ok) assert.fail(`command line rejected: ${parsed.error.join('; ')}`);
  if (parsed.value.kind !== 'run') assert.fail(`expected a run, got ${parsed.value.kind}`);
  return parsed.value.options;
}

/** Runs a `gb` command line (URL included) through the API and returns its Summary. */
export async function runArgs(args: readonly string[]): Promise<Summary> {
  const outcome = await runConfig(optionsOf(args).config);
  if (!outcome.ok) assert.fail(`run did not start: ${outcome.error}`);
  return outcome.value.summary;
}

/** Runs gb with `args` against `path` on a built-in target of its own, and returns the Summary. */
export function runSummary(args: readonly string[], path: string): Promise<Summary> {
  return withTarget((server) => runArgs([...args, `${server.url}${path}`]));
}

/** The union of the runs' Total histograms, built by the HdrHistogram project's own port rather than by gb's code. */
export function hdrUnionOfTotals(summaries: readonly Summary[]): hdr.JsHistogram {
  const union = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
    autoResize: true,
  });
  assert.ok(union instanceof hdr.JsHistogram);
  for (const s of summaries) {
    const part = hdr.decodeFromCompressedBase64(s.total?.histogram ?? '', 64);
    assert.ok(part instanceof hdr.JsHistogram);
    union.add(part);
  }
  return union;
}
