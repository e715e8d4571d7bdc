// Combines the Summaries of runs made at the same time by several gb processes or machines into one.

import { Histogram } from './histogram.js';
import { mergeJourneys } from './journey-results.js';
import { mergeWebSocket } from './ws-stats.js';
import { mergeGrpc } from './grpc-results.js';
import { mergePhases } from './phase-merge.js';
import type {
  Http2Stats,
  PoolStats,
  ClientHealth,
  EndpointResult,
  PhaseStats,
  RateStageStats,
  RequestPhases,
  RateStats,
  ShardMember,
  ShardSet,
  Summary,
  Timeline,
  TimelineRow,
} from './summary.js';
import { REQUEST_PHASES, weightiestStop } from './summary.js';
import { err, ok, type Result } from '../result.js';
import { VERSION } from '../version.js';

export { mergePhases } from './phase-merge.js';

type PhaseKey = 'connect' | 'processing' | 'waiting' | 'total' | 'successTotal' | 'successWaiting';
const PHASES: readonly PhaseKey[] = ['connect', 'processing', 'waiting', 'total', 'successTotal', 'successWaiting'];

/** Counts by key (status codes, messages, failure codes), added key by key: the sum has the records' own keys. */
function addRecords<R extends Readonly<Partial<Record<string, number>>>>(records: readonly R[]): R {
  const sum: Record<string, number> = {};
  for (const record of records) {
    for (const [key, n] of Object.entries(record)) sum[key] = (sum[key] ?? 0) + (n ?? 0);
  }
  return sum as R;
}

const total = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const largest = (values: readonly number[]): number => values.reduce((a, b) => Math.max(a, b), 0);

/**
 * Puts every run's rows on the merged clock. A run's second s covers wall time
 * [startEpochMs + s·1000, +1000); it lands on the merged second nearest to that, so rows of runs
 * started within half a second of each other share seconds. Counts add; p99 and max take the largest
 * value (a bound, not the true p99 of the pooled second); p50 and p90 are the means of the runs'
 * values weighted by their counts, an approximation: rows keep no histogram to add.
 */
export function mergeTimelines(timelines: readonly Timeline[]): Timeline {
  const startEpochMs = Math.min(...timelines.map((t) => t.startEpochMs));
  const bySecond = new Map<number, TimelineRow[]>();
  for (const t of timelines) {
    const shiftSeconds = Math.round((t.startEpochMs - startEpochMs) / 1000);
    for (const row of t.rows) {
      const second = row.second + shiftSeconds;
      const rows = bySecond.get(second);
      if (rows === undefined) bySecond.set(second, [row]);
      else rows.push(row);
    }
  }
  const rows = [...bySecond.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, group]): TimelineRow => {
      const complete = total(group.map((r) => r.complete));
      const weighted = (pick: (r: TimelineRow) => number): number =>
        complete === 0 ? 0 : Math.round(total(group.map((r) => pick(r) * r.complete)) / complete);
      const scheduled = group.flatMap((r) => (r.scheduled === null ? [] : [r.scheduled]));
      return {
        second,
        // Shards of one schedule add up to it; a closed-loop run has no target.
        scheduled: scheduled.length === 0 ? null : total(scheduled),
        complete,
        errors: total(group.map((r) => r.errors)),
        non2xx: total(group.map((r) => r.non2xx)),
        bytesReceived: total(group.map((r) => r.bytesReceived)),
        p50Us: weighted((r) => r.p50Us),
        p90Us: weighted((r) => r.p90Us),
        p99Us: largest(group.map((r) => r.p99Us)),
        maxUs: largest(group.map((r) => r.maxUs)),
      };
    });
  return { startEpochMs, rows };
}

/** Per-process figures: time and cores add up across machines; peaks and delays take the worst process. */
function mergeClients(clients: readonly ClientHealth[]): ClientHealth {
  return {
    cpuUserSeconds: total(clients.map((c) => c.cpuUserSeconds)),
    cpuSystemSeconds: total(clients.map((c) => c.cpuSystemSeconds)),
    cpuPercent: largest(clients.map((c) => c.cpuPercent)),
    cores: total(clients.map((c) => c.cores)),
    loopUtilizationPercent: largest(clients.map((c) => c.loopUtilizationPercent)),
    eventLoopDelayP99Ms: largest(clients.map((c) => c.eventLoopDelayP99Ms)),
    eventLoopDelayMaxMs: largest(clients.map((c) => c.eventLoopDelayMaxMs)),
    gcPauseTotalMs: total(clients.map((c) => c.gcPauseTotalMs)),
    gcPauseMaxMs: largest(clients.map((c) => c.gcPauseMaxMs)),
    heapUsedMaxBytes: largest(clients.map((c) => c.heapUsedMaxBytes)),
    rssMaxBytes: largest(clients.map((c) => c.rssMaxBytes)),
    saturated: clients.some((c) => c.saturated),
    warnings: [...new Set(clients.flatMap((c) => c.warnings))],
  };
}

/**
 * Pools add; the first growth is the earliest, counted from the merged start. A result with a fixed
 * pool adds its -c to both sizes; none with a growing pool, and the merge has none either.
 */
function mergePools(summaries: readonly Summary[], startMs: number): PoolStats | null {
  if (summaries.every((s) => s.connections === null)) return null;
  let initial = 0;
  let peak = 0;
  let grewAtMs = Number.POSITIVE_INFINITY;
  for (const s of summaries) {
    const pool = s.connections ?? { initial: s.settings.concurrency, peak: s.settings.concurrency, grewAtSeconds: null };
    initial += pool.initial;
    peak += pool.peak;
    if (pool.grewAtSeconds !== null) grewAtMs = Math.min(grewAtMs, Date.parse(s.startedAt) + pool.grewAtSeconds * 1000);
  }
  return { initial, peak, grewAtSeconds: Number.isFinite(grewAtMs) ? Math.max(0, grewAtMs - startMs) / 1000 : null };
}

/** Runs that ramped through the same stage durations at once add their rates stage by stage; other shapes have no common one. */
function mergeStages(shapes: readonly (readonly RateStageStats[] | null)[]): RateStageStats[] | null {
  const first = shapes[0];
  if (first === null || first === undefined) return null;
  const sameDurations = (s: readonly RateStageStats[] | null): s is readonly RateStageStats[] =>
    s !== null && s.length === first.length && s.every((stage, i) => stage.durationMs === first[i]!.durationMs);
  if (!shapes.every(sameDurations)) return null;
  return first.map((stage, i) => ({ durationMs: stage.durationMs, requestsPerSecond: total(shapes.map((s) => s[i]!.requestsPerSecond)) }));
}

function mergeRates(rates: readonly RateStats[]): Result<RateStats, string> {
  const uncorrected = mergePhases(rates.map((r) => r.uncorrectedTotal));
  if (!uncorrected.ok) return err(`rate.uncorrectedTotal: ${uncorrected.error}`);
  const late = total(rates.map((r) => r.late));
  return ok({
    targetPerSecond: total(rates.map((r) => r.targetPerSecond)),
    stages: mergeStages(rates.map((r) => r.stages)),
    achievedPerSecond: total(rates.map((r) => r.achievedPerSecond)),
    late,
    lateServer: total(rates.map((r) => r.lateServer)),
    lateClient: total(rates.map((r) => r.lateClient)),
    maxLateUs: largest(rates.map((r) => r.maxLateUs)),
    meanLateUs: late === 0 ? 0 : total(rates.map((r) => r.meanLateUs * r.late)) / late,
    uncorrectedTotal: uncorrected.value,
  });
}

/**
 * Each run judged its Length failures against its own first response, and the merged result keeps
 * no per-length counts to judge them again: when the runs' lengths differ, the result says so.
 */
function documentLengthConflict(summaries: readonly Summary[]): number[] | null {
  const lengths = summaries.flatMap((s) => s.documentLengthConflict ?? (s.documentLength === null ? [] : [s.documentLength]));
  return new Set(lengths).size > 1 ? lengths : null;
}

/**
 * What results must share to be added up, each with how to name its value in the refusal. A new
 * Summary field that makes results incomparable (a protocol version, say) is one more line here.
 */
interface Agreement {
  /** "cannot merge results {of|for} different {what}: A {verb} x, B {verb} y". */
  readonly what: string;
  readonly preposition: 'of' | 'for';
  readonly verb: 'is' | 'used';
  readonly of: (s: Summary) => string;
  /** An option that lets results that differ here be merged anyway. */
  readonly waived?: (o: MergeOptions) => boolean;
  readonly hint?: string;
}

const MUST_AGREE: readonly Agreement[] = [
  { what: 'schemes', preposition: 'of', verb: 'is', of: (s) => (s.target.tls ? 'HTTPS' : 'HTTP') },
  // HTTP/2 multiplexes streams where HTTP/1.1 queues requests: their latencies describe different things.
  {
    what: 'protocols',
    preposition: 'of',
    verb: 'used',
    of: (s) => s.protocol,
    waived: (o) => o.mixedProtocols === true,
    hint: ' (gb merge --mixed-protocols adds them anyway)',
  },
  { what: 'URLs', preposition: 'for', verb: 'is', of: (s) => s.target.url },
  { what: 'methods', preposition: 'of', verb: 'used', of: (s) => s.settings.method },
  // Constant-rate latency counts from the intended send, closed-loop latency from the actual one: they do not add.
  { what: 'load models', preposition: 'of', verb: 'is', of: (s) => (s.rate === null ? 'closed-loop' : 'constant-rate (--rate)') },
];

export interface MergeOptions {
  /** How to name each result in messages (e.g. its file); "result N" by default. */
  readonly names?: readonly string[];
  /** Merge the shards of a run even when some are missing (the result then says which it holds). */
  readonly partial?: boolean;
  /** Allow results of different HTTP versions (gb merge --mixed-protocols): the merge's protocol is then 'mixed'. */
  readonly mixedProtocols?: boolean;
}

/**
 * Shards add up to their run only when every one of them is there once, all from one run. Results
 * without shard information are merged as before (side-by-side runs the user vouches for).
 */
function mergeShardSets(summaries: readonly Summary[], options: MergeOptions = {}): Result<ShardSet | null, string> {
  const name = (i: number): string => options.names?.[i] ?? `result ${i + 1}`;
  const firstShard = summaries.findIndex((s) => s.shards !== null);
  const first = summaries[firstShard]?.shards;
  if (first === undefined || first === null) return ok(null);
  const plain = summaries.findIndex((s) => s.shards === null);
  if (plain >= 0) {
    return err(`cannot merge ${name(plain)}, a run without --shard, with shards of run ${first.runId} (${name(firstShard)})`);
  }
  const byIndex = new Map<number, number>();
  const members: ShardMember[] = [];
  for (const [i, s] of summaries.entries()) {
    const set = s.shards!;
    if (set.runId !== first.runId || set.count !== first.count || JSON.stringify(set.whole) !== JSON.stringify(first.whole)) {
      const why =
        set.runId !== first.runId
          ? `run ids ${first.runId} and ${set.runId}`
          : set.count !== first.count
            ? `${first.count} and ${set.count} shards`
            : 'different unsplit settings';
      return err(
        `cannot merge shards of different runs: ${name(firstShard)} and ${name(i)} differ (${why}); give every shard the same --start-at or --run-id`,
      );
    }
    for (const m of set.members) {
      const seen = byIndex.get(m.index);
      if (seen !== undefined)
        return err(
          `shard ${m.index}/${first.count} of run ${first.runId} appears twice (${name(seen)} and ${name(i)}): each shard may be merged once`,
        );
      byIndex.set(m.index, i);
      members.push(m);
    }
  }
  const missing = Array.from({ length: first.count }, (_, k) => k + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0 && options.partial !== true) {
    return err(
      `run ${first.runId} has ${first.count} shards but shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; add ${missing.length === 1 ? 'its result' : 'their results'}, or merge anyway with --partial`,
    );
  }
  const startAt = summaries.map((s) => s.shards!.startAt).find((v) => v !== null) ?? null;
  return ok({ ...first, startAt, members: members.sort((a, b) => a.index - b.index) });
}

/**
 * Merges runs of one URL made side by side (e.g. one gb per load machine, or the shards of one run)
 * into the Summary one bigger run would have produced: counts, bytes, status codes, errors and
 * histograms add; the elapsed time spans the earliest start to the latest end, so requests per
 * second is the combined throughput only when the runs overlapped in time.
 */
export function mergeSummaries(summaries: readonly Summary[], options: MergeOptions = {}): Result<Summary, string> {
  const first = summaries[0];
  if (first === undefined) return err('nothing to merge: no results given');
  const name = (i: number): string => options.names?.[i] ?? `result ${i + 1}`;
  for (const { what, preposition, verb, of, waived, hint } of MUST_AGREE) {
    if (waived?.(options) === true) continue;
    const expected = of(first);
    const other = summaries.findIndex((s) => of(s) !== expected);
    if (other >= 0) {
      return err(
        `cannot merge results ${preposition} different ${what}: ${name(0)} ${verb} ${expected}, ${name(other)} ${verb} ${of(summaries[other]!)}${hint ?? ''}`,
      );
    }
  }
  const shards = mergeShardSets(summaries, options);
  if (!shards.ok) return err(shards.error);
  if (summaries.length === 1) return ok(first);

  const phases: Partial<Record<PhaseKey, PhaseStats | null>> = {};
  for (const key of PHASES) {
    const merged = mergePhases(summaries.map((s) => s[key]));
    if (!merged.ok) return err(`${key}: ${merged.error}`);
    phases[key] = merged.value;
  }
  const requestPhases = mergeRequestPhases(summaries);
  if (!requestPhases.ok) return err(requestPhases.error);
  let rate: RateStats | null = null;
  if (first.rate !== null) {
    const merged = mergeRates(summaries.flatMap((s) => (s.rate === null ? [] : [s.rate])));
    if (!merged.ok) return err(merged.error);
    rate = merged.value;
  }
  const journeys = mergeJourneys(summaries, span(summaries).seconds);
  if (!journeys.ok) return err(journeys.error);
  const grpc = mergeGrpc(summaries.map((s) => s.grpc));
  if (!grpc.ok) return err(grpc.error);

  const websocket = mergeWebSocket(summaries);
  if (!websocket.ok) return err(websocket.error);
  return ok({
    ...addUp(summaries, first, phases, requestPhases.value, rate, shards.value),
    journeys: journeys.value,
    websocket: websocket.value,
    grpc: grpc.value,
  });
}

/** From the earliest start to the latest end of the runs. */
function span(summaries: readonly Summary[]): { readonly startMs: number; readonly seconds: number } {
  const startsMs = summaries.map((s) => Date.parse(s.startedAt));
  const startMs = Math.min(...startsMs);
  const endMs = Math.max(...summaries.map((s, i) => (startsMs[i] ?? startMs) + s.elapsedSeconds * 1000));
  return { startMs, seconds: (endMs - startMs) / 1000 };
}

/** The merged Summary from runs that agree, with their histograms already added. */
function addUp(
  summaries: readonly Summary[],
  first: Summary,
  phases: Partial<Record<PhaseKey, PhaseStats | null>>,
  requestPhases: RequestPhases | null,
  rate: RateStats | null,
  shards: ShardSet | null,
): Omit<Summary, 'journeys' | 'websocket' | 'grpc'> {
  const { startMs, seconds: elapsedSeconds } = span(summaries);
  const sum = (pick: (s: Summary) => number): number => total(summaries.map(pick));
  const firstNonNull = <T>(pick: (s: Summary) => T | null): T | null => summaries.map(pick).find((v): v is T => v !== null) ?? null;
  return {
    schemaVersion: 2,
    tool: { name: 'gb', version: VERSION },
    target: first.target,
    settings: mergeSettings(summaries, first),
    serverSoftware: summaries.map((s) => s.serverSoftware).find((v) => v !== '') ?? '',
    tlsProtocol: firstNonNull((s) => s.tlsProtocol),
    tlsTempKey: firstNonNull((s) => s.tlsTempKey),
    tlsServerName: firstNonNull((s) => s.tlsServerName),
    transport: summaries.every((s) => s.transport === first.transport) ? first.transport : 'mixed',
    protocol: summaries.every((s) => s.protocol === first.protocol) ? first.protocol : 'mixed',
    http2: mergeHttp2(summaries),
    documentLength: firstNonNull((s) => s.documentLength),
    documentLengthConflict: documentLengthConflict(summaries),
    elapsedSeconds,
    startedAt: new Date(startMs).toISOString(),
    issued: sum((s) => s.issued),
    responses: sum((s) => s.responses),
    completed: sum((s) => s.completed),
    succeeded: sum((s) => s.succeeded),
    failed: sum((s) => s.failed),
    failures: {
      connect: sum((s) => s.failures.connect),
      receive: sum((s) => s.failures.receive),
      length: sum((s) => s.failures.length),
      exceptions: sum((s) => s.failures.exceptions),
      script: sum((s) => s.failures.script),
      grpc: sum((s) => s.failures.grpc),
    },
    timeouts: sum((s) => s.timeouts),
    cutOff: sum((s) => s.cutOff),
    resent: sum((s) => s.resent),
    writeErrors: sum((s) => s.writeErrors),
    non2xx: sum((s) => s.non2xx),
    keepAliveRequests: sum((s) => s.keepAliveRequests),
    statusCodes: addRecords(summaries.map((s) => s.statusCodes)),
    errors: addRecords(summaries.map((s) => s.errors)),
    errorCodes: addRecords(summaries.map((s) => s.errorCodes)),
    bytes: {
      received: sum((s) => s.bytes.received),
      body: sum((s) => s.bytes.body),
      sent: sum((s) => s.bytes.sent),
    },
    connect: phases.connect ?? null,
    processing: phases.processing ?? null,
    waiting: phases.waiting ?? null,
    total: phases.total ?? null,
    successTotal: phases.successTotal ?? null,
    successWaiting: phases.successWaiting ?? null,
    phases: requestPhases,
    stopReason: weightiestStop(summaries.map((s) => s.stopReason)),
    timeline: mergeTimelines(summaries.map((s) => s.timeline)),
    rate,
    connections: mergePools(summaries, startMs),
    client: mergeClients(summaries.map((s) => s.client)),
    shards,
    endpoints: mergeEndpoints(summaries, elapsedSeconds),
  };
}

/** The settings one run doing all of their work would have had: connections and rates add, limits take the widest. */
function mergeSettings(summaries: readonly Summary[], first: Summary): Summary['settings'] {
  const sum = (pick: (s: Summary) => number): number => total(summaries.map(pick));
  const durationsMs = summaries.flatMap((s) => (s.settings.durationMs === null ? [] : [s.settings.durationMs]));
  const rates = summaries.flatMap((s) => (s.settings.requestsPerSecond === null ? [] : [s.settings.requestsPerSecond]));
  return {
    method: first.settings.method,
    concurrency: sum((s) => s.settings.concurrency),
    requests: summaries.every((s) => s.settings.requests !== null) ? sum((s) => s.settings.requests ?? 0) : null,
    durationMs: durationsMs.length === 0 ? null : Math.max(...durationsMs),
    keepAlive: summaries.every((s) => s.settings.keepAlive),
    variableLength: summaries.some((s) => s.settings.variableLength),
    hasBody: summaries.some((s) => s.settings.hasBody),
    pipeline: Math.max(...summaries.map((s) => s.settings.pipeline)),
    workers: sum((s) => s.settings.workers),
    requestsPerSecond: rates.length === 0 ? null : total(rates),
  };
}

/**
 * Each phase's histograms add. A result of a gb that kept no phases has none to add, and phases of
 * the other results alone would describe only some of the responses: the merge then has none.
 */
function mergeRequestPhases(summaries: readonly Summary[]): Result<RequestPhases | null, string> {
  const all = summaries.map((s) => s.phases);
  if (all.some((p) => p === null)) return ok(null);
  const merged: Partial<Record<keyof RequestPhases, PhaseStats | null>> = {};
  for (const key of REQUEST_PHASES) {
    const m = mergePhases(all.map((p) => p![key]));
    if (!m.ok) return err(`phases.${key}: ${m.error}`);
    merged[key] = m.value;
  }
  return ok(merged as RequestPhases);
}

/** Rows with the same name add (counts and histograms); the order is the first run's, then new names as they appear. */
function mergeEndpoints(summaries: readonly Summary[], elapsedSeconds: number): EndpointResult[] | null {
  if (summaries.every((s) => s.endpoints === null)) return null;
  const byName = new Map<string, { requests: number; failures: number; non2xx: number; maxUs: number; histogram: Histogram | null }>();
  for (const s of summaries) {
    for (const e of s.endpoints ?? []) {
      const row = byName.get(e.name) ?? { requests: 0, failures: 0, non2xx: 0, maxUs: 0, histogram: null };
      row.requests += e.requests;
      row.failures += e.failures;
      row.non2xx += e.non2xx;
      // The encoding keeps buckets, not the exact maximum: the runs' own maxima do.
      row.maxUs = Math.max(row.maxUs, e.maxUs);
      const h = Histogram.decode(e.histogram);
      if (row.histogram === null) row.histogram = h;
      else row.histogram.add(h);
      byName.set(e.name, row);
    }
  }
  return [...byName].map(([name, row]) => {
    const h = row.histogram;
    const some = h !== null && h.count > 0;
    return {
      name,
      requests: row.requests,
      failures: row.failures,
      non2xx: row.non2xx,
      requestsPerSecond: elapsedSeconds > 0 ? row.requests / elapsedSeconds : 0,
      p50Us: some ? h.valueAtPercentile(50) : 0,
      p90Us: some ? h.valueAtPercentile(90) : 0,
      p99Us: some ? h.valueAtPercentile(99) : 0,
      maxUs: row.maxUs,
      histogram: h === null ? '' : h.encode(),
    };
  });
}

/** HTTP/2 figures add up over the results that have them; the stream limit is the smallest seen. */
function mergeHttp2(summaries: readonly Summary[]): Http2Stats | null {
  const h2 = summaries.flatMap((s) => (s.http2 === null ? [] : [s.http2]));
  if (h2.length === 0) return null;
  const limits = h2.flatMap((h) => (h.streamLimit === null ? [] : [h.streamLimit]));
  return {
    headerBytes: h2.reduce((a, h) => a + h.headerBytes, 0),
    headerBytesDecoded: h2.reduce((a, h) => a + h.headerBytesDecoded, 0),
    streamLimit: limits.length === 0 ? null : Math.min(...limits),
  };
}
