// gb's JSON result format: the Summary written as one versioned object, and read back with a structural check.

import type {
  ClientHealth,
  FailureCounts,
  PhaseStats,
  RateStats,
  Summary,
  Timeline,
  TimelineRow,
} from '../metrics/summary.js';
import { err, ok, type Result } from '../result.js';

/**
 * The Summary, pretty-printed. It already carries `schemaVersion: 1` and the phase histograms, so
 * nothing is added or dropped; schema/gb-result.schema.json documents every field.
 */
export function renderJson(summary: Summary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/*
 * Reading a result back (gb merge, gb compare) must not trust the file: it may be hand-edited, cut
 * short or written by another gb version. ajv is a dev-only dependency, so the runtime check is this
 * small shape table; a test holds it and the JSON Schema to the same verdicts, and `satisfies`
 * makes the compiler flag any Summary field the table misses.
 */
type Fields<T> = { readonly [K in keyof T]-?: Shape };

type Shape =
  | 'number' // finite
  | 'count' // non-negative safe integer
  | 'string'
  | 'boolean'
  | { readonly nullable: Shape }
  | { readonly object: Readonly<Record<string, Shape>> }
  | { readonly array: Shape }
  | { readonly record: Shape }
  | { readonly oneOf: readonly (string | number)[] };

const phaseShape: Shape = {
  nullable: {
    object: {
      count: 'count',
      minUs: 'count',
      meanUs: 'count',
      sdUs: 'number',
      medianUs: 'count',
      maxUs: 'count',
      abPercentilesUs: { array: 'count' },
      p50Us: 'count',
      p90Us: 'count',
      p99Us: 'count',
      p999Us: 'count',
      p9999Us: 'count',
      histogram: 'string',
    } satisfies Fields<PhaseStats>,
  },
};

const summaryShape: Shape = {
  object: {
    schemaVersion: { oneOf: [1] },
    tool: { object: { name: { oneOf: ['gb'] }, version: 'string' } satisfies Fields<Summary['tool']> },
    target: {
      object: { url: 'string', host: 'string', port: 'count', path: 'string', tls: 'boolean' } satisfies Fields<Summary['target']>,
    },
    settings: {
      object: {
        method: 'string',
        concurrency: 'count',
        requests: { nullable: 'count' },
        durationMs: { nullable: 'number' },
        keepAlive: 'boolean',
        variableLength: 'boolean',
        hasBody: 'boolean',
        pipeline: 'count',
        workers: 'count',
        requestsPerSecond: { nullable: 'number' },
      } satisfies Fields<Summary['settings']>,
    },
    serverSoftware: 'string',
    tlsProtocol: { nullable: 'string' },
    tlsTempKey: { nullable: 'string' },
    tlsServerName: { nullable: 'string' },
    transport: { oneOf: ['raw-tcp', 'net', 'tls', 'mixed'] },
    documentLength: { nullable: 'count' },
    documentLengthConflict: { nullable: { array: 'count' } },
    elapsedSeconds: 'number',
    startedAt: 'string',
    issued: 'count',
    complete: 'count',
    failed: 'count',
    failures: {
      object: { connect: 'count', receive: 'count', length: 'count', exceptions: 'count' } satisfies Fields<FailureCounts>,
    },
    timeouts: 'count',
    cutOff: 'count',
    resent: 'count',
    non2xx: 'count',
    keepAliveRequests: 'count',
    statusCodes: { record: 'count' },
    errors: { record: 'count' },
    errorCodes: { record: 'count' },
    bytes: { object: { received: 'count', body: 'count', sent: 'count' } satisfies Fields<Summary['bytes']> },
    connect: phaseShape,
    processing: phaseShape,
    waiting: phaseShape,
    total: phaseShape,
    successTotal: phaseShape,
    successWaiting: phaseShape,
    stopReason: { oneOf: ['requests', 'duration', 'interrupted', 'error'] },
    timeline: {
      object: {
        startEpochMs: 'number',
        rows: {
          array: {
            object: {
              second: 'count',
              complete: 'count',
              errors: 'count',
              non2xx: 'count',
              bytesReceived: 'count',
              p50Us: 'number',
              p90Us: 'number',
              p99Us: 'number',
              maxUs: 'number',
            } satisfies Fields<TimelineRow>,
          },
        },
      } satisfies Fields<Timeline>,
    },
    rate: {
      nullable: {
        object: {
          targetPerSecond: 'number',
          achievedPerSecond: 'number',
          late: 'count',
          maxLateUs: 'number',
          meanLateUs: 'number',
          uncorrectedTotal: phaseShape,
        } satisfies Fields<RateStats>,
      },
    },
    client: {
      object: {
        cpuUserSeconds: 'number',
        cpuSystemSeconds: 'number',
        cpuPercent: 'number',
        cores: 'count',
        loopUtilizationPercent: 'number',
        eventLoopDelayP99Ms: 'number',
        eventLoopDelayMaxMs: 'number',
        gcPauseTotalMs: 'number',
        gcPauseMaxMs: 'number',
        heapUsedMaxBytes: 'count',
        rssMaxBytes: 'count',
        saturated: 'boolean',
        warnings: { array: 'string' },
      } satisfies Fields<ClientHealth>,
    },
  } satisfies Fields<Summary>,
};

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first way `value` departs from `shape`, as "at <path>: <problem>", or null when it fits. */
function mismatch(value: unknown, shape: Shape, path: string): string | null {
  if (typeof shape === 'string') {
    const fits =
      shape === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : shape === 'count'
          ? typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
          : typeof value === shape;
    const wanted = shape === 'count' ? 'a non-negative integer' : shape === 'number' ? 'a finite number' : `a ${shape}`;
    return fits ? null : `${path} should be ${wanted}, got ${JSON.stringify(value) ?? 'nothing'}`;
  }
  if ('nullable' in shape) return value === null ? null : mismatch(value, shape.nullable, path);
  if ('oneOf' in shape) {
    return shape.oneOf.some((v) => v === value)
      ? null
      : `${path} should be one of ${shape.oneOf.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value) ?? 'nothing'}`;
  }
  if ('array' in shape) {
    if (!Array.isArray(value)) return `${path} should be an array`;
    for (let i = 0; i < value.length; i++) {
      const problem = mismatch(value[i], shape.array, `${path}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (!isPlainObject(value)) return `${path} should be an object`;
  if ('record' in shape) {
    for (const [key, item] of Object.entries(value)) {
      const problem = mismatch(item, shape.record, `${path}[${JSON.stringify(key)}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  for (const [key, fieldShape] of Object.entries(shape.object)) {
    if (!(key in value)) return `${path}.${key} is missing`;
    const problem = mismatch(value[key], fieldShape, `${path}.${key}`);
    if (problem !== null) return problem;
  }
  // Unknown fields are refused rather than dropped, so merging never loses data silently.
  for (const key of Object.keys(value)) {
    if (!(key in shape.object)) return `${path} has an unknown field '${key}'`;
  }
  return null;
}

/** Checks an already-parsed value against the Summary's shape (schemaVersion 1). */
export function toSummary(value: unknown): Result<Summary, string> {
  if (isPlainObject(value) && 'schemaVersion' in value && value['schemaVersion'] !== 1) {
    return err(`unsupported schemaVersion ${JSON.stringify(value['schemaVersion'])} (this gb reads version 1)`);
  }
  if (isPlainObject(value) && !('schemaVersion' in value)) {
    return err('not a gb result: no schemaVersion (write one with gb --json FILE)');
  }
  const problem = mismatch(value, summaryShape, 'result');
  if (problem !== null) return err(`not a valid gb result: ${problem}`);
  if (isPlainObject(value) && Number.isNaN(Date.parse(String(value['startedAt'])))) {
    return err(`not a valid gb result: result.startedAt is not a date: ${JSON.stringify(value['startedAt'])}`);
  }
  // The shape table above mirrors Summary field by field, so the value is one.
  return ok(value as Summary);
}

/** Parses the text of a gb JSON result; the error says what is wrong without a stack trace. */
export function parseSummaryJson(text: string): Result<Summary, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return err(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return toSummary(value);
}
