// The sink the engine writes every exchange into: phase histograms, counters by bucket, status codes, timeline.

import { performance } from 'node:perf_hooks';
import { Histogram, type HistogramSnapshot } from './histogram.js';
import { EndpointStats, type EndpointSnapshot } from './endpoints.js';
import { JourneyStats, type JourneySnapshot } from './journey-stats.js';
import { WsStats, type WsSnapshot } from './ws-stats.js';
import { GrpcStats, type GrpcSnapshot } from './grpc-stats.js';
import { PhaseHistograms, type PhaseSnapshots } from './request-phases.js';
import { OTHER_ENDPOINT, RequestTable, type RequestCounts } from './request-counts.js';
import { grpcFailureCode, type FailureCode, type FailureKind } from '../failures.js';
import type { SharedLength } from './shared-length.js';
import type { Timeline } from './timeline.js';
import { type TimelineSnapshot } from './timeline.js';
import type { Transport } from './summary.js';

/** Indices into Recorder.counters: one Float64Array so workers merge and transfer it in one piece. */
export const C = {
  issued: 0,
  complete: 1,
  failConnect: 2,
  failReceive: 3,
  failLength: 4,
  failExceptions: 5,
  timeouts: 6,
  cutOff: 7,
  non2xx: 8,
  keepAlive: 9,
  bytesReceived: 10,
  bytesBody: 11,
  bytesSent: 12,
  /** Rate mode: requests sent more than LATE_THRESHOLD_MS after their intended time, and the lateness. */
  late: 13,
  lateSumUs: 14,
  lateMaxUs: 15,
  /** Requests sent again on a new connection because a server closed with them unanswered (not issued twice). */
  resent: 16,
  /** Failed requests whose socket failed while writing (ab's Write errors); already counted in their bucket. */
  writeErrors: 17,
  /** The open model (--max-connections): connections at the start and at the end, summed over workers. */
  poolInitial: 18,
  poolPeak: 19,
  /** µs after the measured start that the pool first grew, plus 1 so that 0 can mean never: workers keep the earliest. */
  poolGrewAtUs: 20,
  /** HTTP/2: response header blocks as received (HPACK) and as decoded (names and values). */
  h2HeaderBytes: 21,
  h2HeaderDecodedBytes: 22,
  /** HTTP/2: the smallest SETTINGS_MAX_CONCURRENT_STREAMS below --streams a server set, plus 1 (0: none did); workers keep the smallest. */
  h2StreamLimit: 23,
  /** Script failures (--script): request() threw before sending, or response() threw or returned false. */
  failScript: 24,
  /** Of those, responses read to the end that response() rejected (complete, not succeeded). */
  scriptRejected: 25,
  /**
   * Of the late requests (C.late), those that waited for a connection: every one was busy awaiting the
   * server, with the pool at its limit, from their intended time on. The rest were late although a
   * connection was free (gb's timers or event loop).
   */
  lateServer: 26,
  /** gb grpc: calls answered with a grpc-status other than OK (complete, and failed in the gRPC class). */
  failGrpc: 27,
} as const;
const COUNTER_SLOTS = 28;
/** Status codes are three digits (RFC 9110 §15), and the parser accepts 100–999. */
const STATUS_SLOTS = 1000;
/**
 * Node's timers fire a millisecond or so late, more on a busy machine; a request this much behind
 * its intended time means the schedule itself slipped (too few connections, a saturated client).
 */
export const LATE_THRESHOLD_MS = 10;

export type { FailureKind } from '../failures.js';

/** Receives every complete exchange (ab's -g file); only set when asked for. */
export interface ExchangeSink {
  /** endpointRow: the request's per-endpoint row (--targets, a script); 0 otherwise. */
  record(startEpochMs: number, connectUs: number, processingUs: number, totalUs: number, waitUs: number, endpointRow: number): void;
}

/** What only the first response (or first TLS handshake) tells: ab reports these once. */
export interface FirstSeen {
  serverSoftware: string | null;
  documentLength: number | null;
  tlsProtocol: string | null;
  tlsTempKey: string | null;
  tlsServerName: string | null;
  /** Set by the engine that owns the recorder; 'mixed' when workers differed. */
  transport: Transport | 'mixed' | null;
}

/** One finished exchange as numbers (transport's Exchange has this shape). */
export interface ResponseFacts {
  readonly status: number;
  readonly connectUs: number;
  readonly waitUs: number;
  readonly totalUs: number;
  /** Rate mode: Total from the actual send; negative otherwise. */
  readonly uncorrectedUs: number;
  readonly bodyBytes: number;
  readonly keptAlive: boolean;
  /** The server closed before the announced body ended: ab counts a Length failure of a complete response. */
  readonly truncated: boolean;
  /** The endpoint row (--targets, a script); absent or 0 otherwise. */
  readonly row?: number;
  /** A --script response() rejected it: complete, and a Script failure. */
  readonly rejected?: boolean;
  /** gb grpc: the call's grpc-status (-1 without one), its grpc-message, and the messages its answer held; absent for HTTP. */
  readonly grpcStatus?: number;
  readonly grpcMessage?: string | null;
  readonly grpcMessages?: number;
  /** The phases of its time (see RequestPhases): TCP and TLS negative when it opened no connection (or had no TLS); absent, no phases are recorded. */
  readonly tcpUs?: number;
  readonly tlsUs?: number;
  /** From the write's start to the socket having taken the last byte, at most waitUs. */
  readonly sendUs?: number;
  /** From the first byte to the last. */
  readonly receiveUs?: number;
}

export interface RecorderOptions {
  /** Gets every exchange (ab's -g). */
  readonly sink?: ExchangeSink | null;
  /** The run's document length, when other threads' recorders share it (see SharedLength). */
  readonly runLength?: SharedLength | null;
  /** ab's -l: a response of another length is no failure. */
  readonly variableLength?: boolean;
  /** Results per endpoint (--targets, a script); null for a single-URL run. */
  readonly endpoints?: EndpointStats | null;
  /** Live outputs are on (--out, --dashboard): also count complete requests by endpoint, status class and result. */
  readonly live?: boolean;
  /** A journey run's iterations, checks and users; null (or absent) for any other run. */
  readonly journeys?: JourneyStats | null;
  /** A WebSocket run's connections and messages; null (or absent) for any other run. */
  readonly websocket?: WsStats | null;
  /** gb grpc: statuses and messages; null (or absent) for any other run. */
  readonly grpc?: GrpcStats | null;
}

/** What a recorder hands the live outputs once a period: cumulative, copied, so the run records on. */
export interface RecorderLiveSnapshot {
  readonly counters: Float64Array;
  readonly requests: RequestCounts;
  readonly total: HistogramSnapshot;
  readonly connect: HistogramSnapshot;
  readonly waiting: HistogramSnapshot;
  readonly endpoints: EndpointSnapshot | null;
}

export interface RecorderSnapshot {
  readonly counters: Float64Array;
  readonly statusCounts: Float64Array;
  readonly errors: Readonly<Record<string, number>>;
  readonly errorCodes: Readonly<Partial<Record<FailureCode, number>>>;
  readonly connect: HistogramSnapshot;
  readonly processing: HistogramSnapshot;
  readonly waiting: HistogramSnapshot;
  readonly total: HistogramSnapshot;
  readonly successTotal: HistogramSnapshot;
  readonly successWaiting: HistogramSnapshot;
  readonly uncorrectedTotal: HistogramSnapshot;
  readonly phases: PhaseSnapshots;
  readonly timeline: TimelineSnapshot;
  readonly first: FirstSeen;
  readonly endpoints: EndpointSnapshot | null;
  /** With live outputs (see Recorder.liveRequests); else null. */
  readonly liveRequests: RequestCounts | null;
  /** A journey run's (see Recorder.journeys); else null. */
  readonly journeys: JourneySnapshot | null;
  /** A WebSocket run's (see Recorder.websocket); else null. */
  readonly websocket?: WsSnapshot | null;
  /** gb grpc's (see Recorder.grpc); else null. */
  readonly grpc: GrpcSnapshot | null;
}

export class Recorder {
  readonly counters = new Float64Array(COUNTER_SLOTS);
  readonly statusCounts = new Float64Array(STATUS_SLOTS);
  /** Error messages by text; only failures reach it, so a Map is fine here. */
  readonly errors = new Map<string, number>();
  /** The same failures by stable code (ECONNRESET, TIMEOUT, BAD_STATUS_LINE, ...). */
  readonly errorCodes = new Map<FailureCode, number>();
  // ab's Connection Times cover every complete response; the success pair keeps only 2xx/3xx
  // answers of the right length, so fast failures cannot flatter the latency.
  readonly connect = new Histogram();
  readonly processing = new Histogram();
  readonly waiting = new Histogram();
  readonly total = new Histogram();
  readonly successTotal = new Histogram();
  readonly successWaiting = new Histogram();
  /** Rate mode only: Total measured from the actual send, as a closed-loop tool would. */
  readonly uncorrectedTotal = new Histogram();
  /** Where the time of each response read to the end went, and the run's name lookups. */
  readonly phases = new PhaseHistograms();
  readonly timeline: Timeline;
  readonly #sink: ExchangeSink | null;
  readonly #runLength: SharedLength | null;
  readonly #variableLength: boolean;
  /** Per-endpoint rows, when the run's requests differ; null otherwise. */
  endpoints: EndpointStats | null;
  /** With live outputs: complete requests by endpoint row, status class and result (ab's failed or not); else null. */
  liveRequests: RequestTable | null;
  /** What a journey run counts beside its requests; null for any other run. */
  journeys: JourneyStats | null;
  /** What a WebSocket run counts beside its round trips; null for any other run. */
  websocket: WsStats | null;
  /** gb grpc: each call's grpc-status and the messages received; null for any other run. */
  grpc: GrpcStats | null;
  readonly first: FirstSeen = {
    serverSoftware: null,
    documentLength: null,
    tlsProtocol: null,
    tlsTempKey: null,
    tlsServerName: null,
    transport: null,
  };

  constructor(timeline: Timeline, options: RecorderOptions = {}) {
    this.timeline = timeline;
    this.#sink = options.sink ?? null;
    this.#runLength = options.runLength ?? null;
    this.#variableLength = options.variableLength ?? false;
    this.endpoints = options.endpoints ?? null;
    this.liveRequests = options.live === true ? new RequestTable() : null;
    this.journeys = options.journeys ?? null;
    this.websocket = options.websocket ?? null;
    this.grpc = options.grpc ?? null;
  }

  /** One complete response, ended at nowMs. */
  recordResponse(nowMs: number, r: ResponseFacts): void {
    const { status, connectUs, waitUs, totalUs, uncorrectedUs, bodyBytes, truncated } = r;
    const c = this.counters;
    c[C.complete]! += 1;
    c[C.bytesBody]! += bodyBytes;
    if (r.keptAlive) c[C.keepAlive]! += 1;
    if (status >= 0 && status < STATUS_SLOTS) this.statusCounts[status]! += 1;
    // A WebSocket message has no status (-1): it is no more a non-2xx response than a 2xx one.
    const message = status < 0;
    const non2xx = !message && (status < 200 || status >= 300);
    if (non2xx) c[C.non2xx]! += 1;
    this.connect.record(connectUs);
    this.processing.record(totalUs - connectUs);
    this.waiting.record(waitUs);
    this.total.record(totalUs);
    if (uncorrectedUs >= 0) this.uncorrectedTotal.record(uncorrectedUs);
    const receiveUs = r.receiveUs;
    if (receiveUs !== undefined) this.phases.record(totalUs, waitUs, r.tcpUs ?? -1, r.tlsUs ?? -1, r.sendUs ?? 0, receiveUs);
    this.timeline.recordResponse(nowMs, totalUs, non2xx);
    this.#sink?.record(performance.timeOrigin + nowMs - totalUs / 1000, connectUs, totalUs - connectUs, totalUs, waitUs, r.row ?? 0);
    // ab takes the document length from the first response and holds every later one to it.
    const first = this.first;
    if (first.documentLength === null && !truncated) first.documentLength = this.#runLength?.settle(bodyBytes) ?? bodyBytes;
    const lengthFailure = truncated || (!this.#variableLength && bodyBytes !== first.documentLength);
    if (lengthFailure) c[C.failLength]! += 1;
    // A response both of the wrong length and rejected by the script is one failure: Length, ab's.
    let rejected = r.rejected === true && !lengthFailure;
    if (rejected) {
      c[C.failScript]! += 1;
      c[C.scriptRejected]! += 1;
    } else if (this.grpc !== null) rejected = this.#recordGrpc(r, lengthFailure);
    this.endpoints?.recordResponse(r.row ?? 0, status, totalUs, lengthFailure || rejected);
    this.liveRequests?.record(r.row ?? 0, status, lengthFailure || rejected);
    if (!lengthFailure && !rejected && (message || (status >= 200 && status < 400))) {
      this.successTotal.record(totalUs);
      this.successWaiting.record(waitUs);
    }
  }

  /** A gRPC call's status and messages; true when a non-OK status fails it (complete, answered: the gRPC class, not non-2xx). */
  #recordGrpc(r: ResponseFacts, lengthFailure: boolean): boolean {
    const status = r.grpcStatus ?? -1;
    this.grpc!.record(status, r.grpcMessages ?? 0);
    if (status <= 0 || lengthFailure) return false;
    this.counters[C.failGrpc]! += 1;
    const code = grpcFailureCode(status);
    this.noteError(code, r.grpcMessage === null || r.grpcMessage === undefined ? code : `${code}: ${grpcMessageText(r.grpcMessage)}`);
    return true;
  }

  /**
   * A request whose read failed on an open connection: ab counts it complete, so its times join
   * the Connection Times (and -g); it has no status, body or success to count.
   */
  recordFailedRead(nowMs: number, r: Pick<ResponseFacts, 'connectUs' | 'waitUs' | 'totalUs' | 'row'>): void {
    const { connectUs, waitUs, totalUs } = r;
    this.endpoints?.recordFailedRead(r.row ?? 0, totalUs);
    this.liveRequests?.record(r.row ?? 0, -1, true);
    this.connect.record(connectUs);
    this.processing.record(totalUs - connectUs);
    this.waiting.record(waitUs);
    this.total.record(totalUs);
    this.#sink?.record(performance.timeOrigin + nowMs - totalUs / 1000, connectUs, totalUs - connectUs, totalUs, waitUs, r.row ?? 0);
  }

  /** A name lookup gb made before the run, in µs: in no request's Total. */
  recordLookup(us: number): void {
    this.phases.dns.record(us);
  }

  recordBytes(nowMs: number, bytes: number): void {
    this.counters[C.bytesReceived]! += bytes;
    this.timeline.recordBytes(nowMs, bytes);
  }

  /** `count` requests failed alike: `code` is stable (ECONNRESET, TIMEOUT, ...), `message` for people. */
  recordFailure(nowMs: number, kind: FailureKind, count: number, code: FailureCode, message: string): void {
    const c = this.counters;
    if (kind === 'connect') c[C.failConnect]! += count;
    else if (kind === 'receive') c[C.failReceive]! += count;
    else if (kind === 'exceptions') c[C.failExceptions]! += count;
    else if (kind === 'script') c[C.failScript]! += count;
    else {
      // A read that timed out is a receive failure in ab's classes, a connect that timed out a
      // connect failure; the count of timeouts is also kept apart.
      c[kind === 'timeout' ? C.failReceive : C.failConnect]! += count;
      c[C.timeouts]! += count;
    }
    this.timeline.recordErrors(nowMs, count);
    this.errors.set(message, (this.errors.get(message) ?? 0) + count);
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + count);
  }

  /** A failure's message and code, counted where its request already is (a response a script rejected). */
  noteError(code: FailureCode, message: string): void {
    this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
  }

  /** One failed request of endpoint `row` (any class but Length, which recordResponse counts). */
  recordRowFailure(row: number): void {
    this.endpoints?.recordFailure(row);
  }

  /** Requests that have ended, in any bucket but cut off (the heartbeat's count). */
  get settled(): number {
    const c = this.counters;
    return c[C.complete]! + c[C.failConnect]! + c[C.failReceive]! + c[C.failExceptions]! + c[C.failScript]! - c[C.scriptRejected]!;
  }

  get failed(): number {
    const c = this.counters;
    return c[C.failConnect]! + c[C.failReceive]! + c[C.failLength]! + c[C.failExceptions]! + c[C.failScript]! + c[C.failGrpc]!;
  }

  /**
   * Rate mode: a request left `lateMs` after its intended time; `waitedForConnection` when no
   * connection was free for it then (the server's doing), else a free one went unused (gb's).
   */
  recordLateness(lateMs: number, waitedForConnection: boolean): void {
    if (lateMs <= LATE_THRESHOLD_MS) return;
    const c = this.counters;
    const us = Math.round(lateMs * 1000);
    c[C.late]! += 1;
    if (waitedForConnection) c[C.lateServer]! += 1;
    c[C.lateSumUs]! += us;
    if (us > c[C.lateMaxUs]!) c[C.lateMaxUs] = us;
  }

  /** The run so far for the live outputs; null without them. */
  liveSnapshot(): RecorderLiveSnapshot | null {
    const requests = this.#liveRequestCounts();
    if (requests === null) return null;
    return {
      counters: this.counters.slice(),
      requests,
      total: this.total.toSnapshot(),
      connect: this.connect.toSnapshot(),
      waiting: this.waiting.toSnapshot(),
      endpoints: this.endpoints?.snapshot() ?? null,
    };
  }

  /** The live request counts with their rows named as the endpoint rows are; rows past --max-endpoints are EndpointStats' "other". */
  #liveRequestCounts(): RequestCounts | null {
    const table = this.liveRequests;
    if (table === null) return null;
    const names = this.endpoints?.names ?? [];
    names.forEach((name, row) => table.name(row, name));
    const requests = table.snapshot();
    if (names.length === 0) return requests;
    return { endpoints: requests.endpoints.map((name, row) => (row < names.length ? name : OTHER_ENDPOINT)), counts: requests.counts };
  }

  snapshot(): RecorderSnapshot {
    return {
      counters: this.counters.slice(),
      statusCounts: this.statusCounts.slice(),
      errors: Object.fromEntries(this.errors),
      errorCodes: Object.fromEntries(this.errorCodes),
      connect: this.connect.toSnapshot(),
      processing: this.processing.toSnapshot(),
      waiting: this.waiting.toSnapshot(),
      total: this.total.toSnapshot(),
      successTotal: this.successTotal.toSnapshot(),
      successWaiting: this.successWaiting.toSnapshot(),
      uncorrectedTotal: this.uncorrectedTotal.toSnapshot(),
      phases: this.phases.snapshot(),
      timeline: this.timeline.snapshot(),
      first: { ...this.first },
      endpoints: this.endpoints?.snapshot() ?? null,
      liveRequests: this.#liveRequestCounts(),
      journeys: this.journeys?.snapshot() ?? null,
      websocket: this.websocket?.snapshot() ?? null,
      grpc: this.grpc?.snapshot() ?? null,
    };
  }

  /** Adds another recorder's snapshot (a worker's) into this one: exact, by addition. */
  merge(s: RecorderSnapshot): void {
    for (let i = 0; i < COUNTER_SLOTS; i++) {
      if (i === C.lateMaxUs) this.counters[i] = Math.max(this.counters[i]!, s.counters[i]!);
      else if (i === C.poolGrewAtUs || i === C.h2StreamLimit) this.counters[i] = earliestSet(this.counters[i]!, s.counters[i]!);
      else this.counters[i]! += s.counters[i]!;
    }
    for (let i = 0; i < STATUS_SLOTS; i++) this.statusCounts[i]! += s.statusCounts[i]!;
    for (const [k, v] of Object.entries(s.errors)) this.errors.set(k, (this.errors.get(k) ?? 0) + v);
    for (const [k, v] of failureCodeCounts(s.errorCodes)) this.errorCodes.set(k, (this.errorCodes.get(k) ?? 0) + v);
    this.connect.add(Histogram.fromSnapshot(s.connect));
    this.processing.add(Histogram.fromSnapshot(s.processing));
    this.waiting.add(Histogram.fromSnapshot(s.waiting));
    this.total.add(Histogram.fromSnapshot(s.total));
    this.successTotal.add(Histogram.fromSnapshot(s.successTotal));
    this.successWaiting.add(Histogram.fromSnapshot(s.successWaiting));
    this.uncorrectedTotal.add(Histogram.fromSnapshot(s.uncorrectedTotal));
    this.phases.merge(s.phases);
    this.timeline.merge(s.timeline);
    if (s.endpoints !== null) (this.endpoints ??= new EndpointStats(s.endpoints.maxRows)).merge(s.endpoints);
    if (s.liveRequests !== null) (this.liveRequests ??= new RequestTable([])).add(s.liveRequests);
    // On this recorder's clock, as the timeline: a journey row and a request row of one second share their index.
    if (s.journeys !== null) (this.journeys ??= new JourneyStats(this.timeline.startEpochMs, 0)).merge(s.journeys);
    if (s.websocket !== null && s.websocket !== undefined) (this.websocket ??= new WsStats()).merge(s.websocket);
    if (s.grpc !== null) (this.grpc ??= new GrpcStats()).merge(s.grpc);
    const f = this.first;
    f.serverSoftware ??= s.first.serverSoftware;
    f.documentLength ??= s.first.documentLength;
    f.tlsProtocol ??= s.first.tlsProtocol;
    f.tlsTempKey ??= s.first.tlsTempKey;
    f.tlsServerName ??= s.first.tlsServerName;
    if (f.transport === null) f.transport = s.first.transport;
    else if (s.first.transport !== null && s.first.transport !== f.transport) f.transport = 'mixed';
  }
}

/** A snapshot's codes with their counts: its keys are FailureCodes, which Object.entries cannot tell. */
function failureCodeCounts(counts: Readonly<Partial<Record<FailureCode, number>>>): [FailureCode, number][] {
  return Object.entries(counts) as [FailureCode, number][];
}

/** grpc-message is percent-encoded (gRPC over HTTP/2): decoded for people, kept as sent when it does not decode. */
function grpcMessageText(message: string): string {
  try {
    return decodeURIComponent(message);
  } catch {
    return message;
  }
}

/** The earlier of two moments where 0 means none. */
function earliestSet(a: number, b: number): number {
  return a === 0 ? b : b === 0 ? a : Math.min(a, b);
}
