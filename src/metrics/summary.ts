// The plain, JSON-able result of a run: the only thing reporters see.

import type { FailureCode } from '../failures.js';
import type { GrpcResults } from './grpc-results.js';

/** Statistics of one timing phase, all in integer microseconds except the standard deviation. */
export interface PhaseStats {
  readonly count: number;
  readonly minUs: number;
  readonly meanUs: number;
  /** Sample standard deviation (n − 1), as ab computes it. */
  readonly sdUs: number;
  /** ab's median: with an odd count the mean of elements n/2 and n/2+1 (0-based), else element n/2. */
  readonly medianUs: number;
  readonly maxUs: number;
  /** ab's percentile table: element floor(n·p/100) of the sorted samples, for p in AB_PERCENTS. */
  readonly abPercentilesUs: readonly number[];
  /** p50, p90, p99, p99.9, p99.99 (HdrHistogram convention). */
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly p9999Us: number;
  /** The phase's histogram in HdrHistogram's compressed base64 form (V2 encoding). */
  readonly histogram: string;
}

export const AB_PERCENTS = [50, 66, 75, 80, 90, 95, 98, 99] as const;

/**
 * Where a response's time went, phase by phase (hey's and k6's breakdown), keys in the order they
 * happen. Per response: blocked + tcp + tls + sending + waiting + receiving = Total (within 1 µs of
 * rounding), where tcp and tls count only on the response that waited for its connection to open;
 * dns happens before the run and is in no response's Total.
 */
export const REQUEST_PHASES = ['dns', 'tcp', 'tls', 'blocked', 'sending', 'waiting', 'receiving'] as const;
export type RequestPhase = (typeof REQUEST_PHASES)[number];

/**
 * One PhaseStats per phase over the responses read to the end; a phase the run never had (TLS over
 * http, DNS for an IP literal, any phase of a run without responses) is null.
 * - dns: each name lookup gb made before the run (the URL's host, or the proxy's: one per run).
 * - tcp: opening the socket to connected (TCP's handshake; through -X for https also the proxy's
 *   CONNECT answer), once per connection, on the response that waited for it, as ab's Connect.
 * - tls: the TLS handshake after that, likewise once per connection.
 * - blocked: from the response's start (its intended start with --rate) until its own work began,
 *   less tcp and tls: late timers, no free connection, a connection another request was opening,
 *   over HTTP/2 the server's SETTINGS, and a re-sent request's first try.
 * - sending: from the request's write to the socket having taken its last byte (0 when the write
 *   call took it all).
 * - waiting: from then to the response's first byte. ab's Waiting (TTFB) is sending + waiting.
 * - receiving: from the first byte to the last.
 */
export type RequestPhases = { readonly [K in RequestPhase]: PhaseStats | null };

export interface FailureCounts {
  readonly connect: number;
  readonly receive: number;
  readonly length: number;
  readonly exceptions: number;
  /**
   * gb's own class (--script): a request() that threw or returned no request (never sent), and
   * responses that response() rejected (read to the end, so complete). ab's classes exclude it.
   */
  readonly script: number;
  /** gb grpc: calls answered with a grpc-status other than OK (complete: the server answered). ab's classes exclude it. */
  readonly grpc: number;
}

/** The socket layer that carried the requests: gb's raw libuv TCP handle, net.Socket, node:tls, or a unix domain socket (--unix-socket, plain or with TLS over it). */
export type Transport = 'raw-tcp' | 'net' | 'tls' | 'unix';

/** 'HTTP/1.1' (gb's default), 'HTTP/1.0' (--http1.0), 'h2' (HTTP/2 over TLS, by ALPN) or 'h2c' (HTTP/2 in clear text, prior knowledge). */
export type Protocol = 'HTTP/1.1' | 'HTTP/1.0' | 'h2' | 'h2c';

export interface Http2Stats {
  /** Response header blocks as received (HPACK-compressed HEADERS and CONTINUATION payloads). */
  readonly headerBytes: number;
  /** The same headers decoded: the bytes of their names and values. */
  readonly headerBytesDecoded: number;
  /** The smallest SETTINGS_MAX_CONCURRENT_STREAMS a server set below --streams (it capped the streams per connection); null when none did. */
  readonly streamLimit: number | null;
}

export interface Summary {
  readonly schemaVersion: 2;
  readonly tool: { readonly name: 'gb'; readonly version: string };
  readonly target: {
    readonly url: string;
    readonly host: string;
    readonly port: number;
    readonly path: string;
    readonly tls: boolean;
  };
  readonly settings: {
    readonly method: string;
    readonly concurrency: number;
    readonly requests: number | null;
    readonly durationMs: number | null;
    readonly keepAlive: boolean;
    readonly variableLength: boolean;
    /** True when a request body is sent (-p/-u): ab then prints "Total body sent" and the sent rates. */
    readonly hasBody: boolean;
    readonly pipeline: number;
    readonly workers: number;
    readonly requestsPerSecond: number | null;
  };
  /** Server header of the first response, cut as ab cuts it; "" when absent. */
  readonly serverSoftware: string;
  /** ab's form for https, e.g. "TLSv1.2,ECDHE-RSA-AES128-GCM-SHA256,2048,128" (protocol, cipher, key bits, cipher bits), else null. */
  readonly tlsProtocol: string | null;
  /** The server's ephemeral key for https, e.g. "X25519 253 bits" (ab's Server Temp Key), else null. */
  readonly tlsTempKey: string | null;
  readonly tlsServerName: string | null;
  /**
   * The socket layer gb used, so numbers from different machines or Node versions can be told
   * apart (net.Socket costs more CPU per request than raw-tcp). 'mixed' only in a merge of results
   * that used different ones.
   */
  readonly transport: Transport | 'mixed';
  /** The HTTP version spoken (see Protocol); 'mixed' only in a merge told to allow it (gb merge --mixed-protocols). */
  readonly protocol: Protocol | 'mixed';
  /** HTTP/2 only (else null): what h2load reports besides ab's figures. */
  readonly http2: Http2Stats | null;
  /** Body length of the first response, null when no response arrived. */
  readonly documentLength: number | null;
  /** Only in a merge of runs that saw different document lengths: those lengths, in run order; else null. */
  readonly documentLengthConflict: readonly number[] | null;

  /** From the first connect to the last response (or to the stop signal), in seconds. */
  readonly elapsedSeconds: number;
  readonly startedAt: string;

  /**
   * Requests the run started. Each ends in exactly one bucket: issued = responses + failures.connect +
   * failures.receive + failures.exceptions + cutOff + the Script failures that were never sent.
   */
  readonly issued: number;
  /** Responses read to the end, Length failures and non-2xx included. */
  readonly responses: number;
  /**
   * ab's "Complete requests" (its `done`): every request that ended on a connection that was open,
   * whether its response was read or the read failed: responses + failures.receive + failures.exceptions.
   * Requests per second and Time per request count these, as ab does.
   */
  readonly completed: number;
  /** Responses that did not fail: responses − failures.length − those a script rejected (non-2xx included, as ab does not count them as failures). */
  readonly succeeded: number;
  readonly failed: number;
  readonly failures: FailureCounts;
  /** Requests that timed out (-s); already counted under failures.receive (as ab counts them), or under failures.connect when the connection never opened. */
  readonly timeouts: number;
  /** Requests in flight when the run was stopped (time limit, Ctrl-C, first error). */
  readonly cutOff: number;
  /** Requests sent again on a new connection because the server closed with them unanswered; each is still one request in one bucket. */
  readonly resent: number;
  /** Failed requests whose socket failed while writing the request (EPIPE, ECONNRESET on write): ab's "Write errors". Already counted in failures. */
  readonly writeErrors: number;
  readonly non2xx: number;
  readonly keepAliveRequests: number;
  /** Count of responses per status code, e.g. { "200": 950, "404": 50 }. */
  readonly statusCodes: Readonly<Record<string, number>>;
  /** Distinct error messages with their counts (e.g. "ECONNREFUSED": 3). */
  readonly errors: Readonly<Record<string, number>>;
  /**
   * The same failures counted by stable code (FailureCode in failures.ts): gb's own, a socket error's
   * errno name, or a TLS failure's. A result saved by an older gb is read with its codes as gb names them now.
   */
  readonly errorCodes: Readonly<Partial<Record<FailureCode, number>>>;

  readonly bytes: {
    /** Everything read: status lines, headers and bodies (ab's Total transferred). */
    readonly received: number;
    /** Body bytes read (ab's HTML transferred). */
    readonly body: number;
    /** Request bytes written (ab's Total body sent, which counts whole requests). */
    readonly sent: number;
  };

  /** ab's Connection Times, over every completed request (failed reads too, timed to their end). Null when none completed. */
  readonly connect: PhaseStats | null;
  readonly processing: PhaseStats | null;
  readonly waiting: PhaseStats | null;
  readonly total: PhaseStats | null;
  /** Total and Waiting over successful (2xx/3xx, right length) responses only. */
  readonly successTotal: PhaseStats | null;
  readonly successWaiting: PhaseStats | null;
  /** Where each response's time went (see RequestPhases); null only in a result of a gb that did not record them, or a merge with one. */
  readonly phases: RequestPhases | null;
  /** Why the run stopped. */
  readonly stopReason: StopReason;
  /** Per-second activity, oldest first (bounded: see metrics/timeline.ts). */
  readonly timeline: Timeline;
  /** Constant-rate mode's schedule keeping and uncorrected latency; null in closed-loop mode. */
  readonly rate: RateStats | null;
  /**
   * The open model (--max-connections): the pool at the start (-c) and at its largest, and when it
   * first grew. Null with a fixed pool.
   */
  readonly connections: PoolStats | null;
  /** How the load generator itself fared: whether the numbers describe gb rather than the server. */
  readonly client: ClientHealth;
  /** A run spread over machines (--shard, --start-at): which run, its unsplit settings and each shard in this result; null for a plain run. */
  readonly shards: ShardSet | null;
  /** Results per endpoint (--targets, a script), in row order, the "other" row last; null for a single-URL run. */
  readonly endpoints: readonly EndpointResult[] | null;
  /** What a journey run (a script's iteration(vu) run by virtual users) counted beside its requests; null for any other run. */
  readonly journeys: JourneyResults | null;
  /** A WebSocket run's connections, handshakes, messages and close codes (see metrics/ws-stats.ts); null for any other run. */
  readonly websocket: WebSocketResults | null;
  /** gb grpc: the method, its calls by grpc-status, and the messages sent and received; null for an HTTP run. */
  readonly grpc: GrpcResults | null;
}

/** A WebSocket run's own results, in the Summary and the JSON (see WsStats for what each counts). */
export interface WebSocketResults {
  readonly connections: { readonly opened: number; readonly failed: number };
  /** The upgrade exchange alone, from its request's write to the 101's end (Connect also holds TCP and TLS); null when none opened. */
  readonly handshake: PhaseStats | null;
  readonly messages: { readonly sent: number; readonly received: number };
  /** Payload bytes: the messages' own, without frame headers, handshakes or control frames. */
  readonly bytes: { readonly sent: number; readonly received: number };
  /** How connections ended, by close code: the server's Close frame's, 1000 for gb's own at the end, 1006 for none. */
  readonly closeCodes: Readonly<Record<string, number>>;
  /** Pings from the server answered with a pong. */
  readonly pingsAnswered: number;
}

/** A journey run's iterations, users, checks and failures (see metrics/journey-stats.ts for what each counts). */
export interface JourneyResults {
  readonly iterations: {
    readonly started: number;
    readonly complete: number;
    readonly failed: number;
    /** Cut off by the run's end (or Ctrl-C): neither complete nor failed. */
    readonly interrupted: number;
    /** Due iterations that waited because every user was busy at --max-users (open model). */
    readonly late: number;
    /** complete + failed over the run's elapsed seconds. */
    readonly perSecond: number;
  };
  /** The users the pool held at the start and at its largest, summed over threads (and merged runs). */
  readonly users: { readonly initial: number; readonly peak: number };
  /** Durations of the complete and failed iterations, as the request phases' statistics; null when none ended. */
  readonly duration: PhaseStats | null;
  /** By name. */
  readonly checks: readonly CheckResult[];
  /** Why iterations failed, the most frequent first. */
  readonly failures: readonly IterationFailure[];
  readonly timeline: JourneyTimeline;
}

export interface CheckResult {
  readonly name: string;
  readonly passed: number;
  readonly failed: number;
}

export interface IterationFailure {
  /** The error a step threw, with the script's file:line. */
  readonly message: string;
  readonly count: number;
}

export interface JourneyTimelineRow {
  /** Seconds since the timeline's startEpochMs (row 0 covers [0, 1) s). */
  readonly second: number;
  readonly started: number;
  readonly complete: number;
  readonly failed: number;
  /** The most users busy at once in the second. */
  readonly activeUsers: number;
}

export interface JourneyTimeline {
  /** Unix time in ms at which second 0 began, as Timeline's: merge lines rows up on it. */
  readonly startEpochMs: number;
  readonly rows: readonly JourneyTimelineRow[];
}

/** The shards of one run that a result holds: one in a shard's own result, all that were merged in gb merge's. */
export interface ShardSet {
  readonly runId: string;
  /** N of --shard I/N. */
  readonly count: number;
  /** The agreed start (--start-at), null when none was given. */
  readonly startAt: string | null;
  /** The run's settings before the split: what the N shards add up to. */
  readonly whole: {
    readonly requests: number | null;
    readonly concurrency: number;
    readonly requestsPerSecond: number | null;
    readonly maxConnections: number | null;
  };
  /** By index. */
  readonly members: readonly ShardMember[];
}

export interface ShardMember {
  /** I of --shard I/N (1-based). */
  readonly index: number;
  /** When this shard's measured run began. */
  readonly startedAt: string;
  /** How long after --start-at it began, in ms (late when above 0); null without --start-at. */
  readonly startOffsetMs: number | null;
  readonly completed: number;
  /** This shard's own client health, so a merge still says which machine was the bottleneck. */
  readonly client: ClientHealth;
}

/** One endpoint's row: a targets file's name ("METHOD path" unless named) or a script's name. */
export interface EndpointResult {
  readonly name: string;
  /** Requests of this endpoint that ended (responses, failed reads, failed connects); cut-off ones are not counted. */
  readonly requests: number;
  /** Of those, the failed ones (any class). */
  readonly failures: number;
  readonly non2xx: number;
  readonly requestsPerSecond: number;
  /** Total time of its completed requests (as ab's Total); 0 when none completed. */
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  /** The Total histogram, HdrHistogram's compressed base64 (V2), so merge adds rows exactly. */
  readonly histogram: string;
}

export interface PoolStats {
  readonly initial: number;
  readonly peak: number;
  /** Seconds after the measured start that a connection beyond -c was first opened; null when none was. */
  readonly grewAtSeconds: number | null;
}

export interface TimelineRow {
  /** Seconds since the run started (row 0 covers [0, 1) s). */
  readonly second: number;
  /** Requests the schedule had due in this second (--rate, --stages): the target beside `complete`; null in the closed loop. */
  readonly scheduled: number | null;
  readonly complete: number;
  /** Failed requests (any class) that ended in this second. */
  readonly errors: number;
  readonly non2xx: number;
  readonly bytesReceived: number;
  /** Total-time percentiles of the responses completed in this second (coarse: ±12.5 %), 0 when none. */
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

export interface Timeline {
  /** Unix time in ms at which second 0 began: timelines of several runs align on it. */
  readonly startEpochMs: number;
  readonly rows: readonly TimelineRow[];
}

export interface RateStats {
  /** --rate, or with --stages their mean. */
  readonly targetPerSecond: number;
  /** The --stages shape; null for a flat --rate. */
  readonly stages: readonly RateStageStats[] | null;
  readonly achievedPerSecond: number;
  /** Requests sent more than 10 ms (LATE_THRESHOLD_MS) after their intended time, and by how much at most / on average. */
  readonly late: number;
  /**
   * Of `late`, those that waited for a connection: every one was busy awaiting the server (the pool
   * at its -c or --max-connections limit) from their intended time on. The server's doing: their
   * latency, counted from the intended time, holds the wait; gb is not to blame for them.
   */
  readonly lateServer: number;
  /** Of `late`, those sent late although a connection was free: gb's timers or event loop fell behind. */
  readonly lateClient: number;
  readonly maxLateUs: number;
  readonly meanLateUs: number;
  /** Total time measured from the actual send (what a closed-loop tool reports); the corrected one is `total`. */
  readonly uncorrectedTotal: PhaseStats | null;
}

/** One stage of --stages: the rate ramps linearly from the previous stage's to this one over durationMs. */
export interface RateStageStats {
  readonly durationMs: number;
  readonly requestsPerSecond: number;
}

export interface ClientHealth {
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  /** CPU time over wall time, as a percentage of the cores gb's threads could use (100 = all busy). */
  readonly cpuPercent: number;
  readonly cores: number;
  /** Event-loop utilization of gb's busiest engine thread, in percent: near 100 the client is saturated. */
  readonly loopUtilizationPercent: number;
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  readonly gcPauseTotalMs: number;
  readonly gcPauseMaxMs: number;
  readonly heapUsedMaxBytes: number;
  readonly rssMaxBytes: number;
  /** True when the client, not the server, may have limited the numbers. */
  readonly saturated: boolean;
  /** One sentence per symptom, with the figures and what to do about it. */
  readonly warnings: readonly string[];
}

export type StopReason = 'requests' | 'duration' | 'interrupted' | 'error';

/** A stop that says something went wrong outranks a planned one, so that runs taken together do not look clean when one was not. */
const STOP_RANK: Readonly<Record<StopReason, number>> = { requests: 0, duration: 1, interrupted: 2, error: 3 };

/** The stop reason of runs made side by side (workers, origins, shards): the weightiest of theirs. */
export function weightiestStop(reasons: readonly StopReason[]): StopReason {
  return reasons.reduce((a, b) => (STOP_RANK[b] > STOP_RANK[a] ? b : a), 'requests');
}
