// The load loop of one thread: keeps connections busy under a schedule until a stop rule fires.

import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import type { SharedLength } from '../metrics/shared-length.js';
import type { FailureCode, FailureKind } from '../failures.js';
import { C, Recorder, type ExchangeSink } from '../metrics/recorder.js';
import { EndpointStats } from '../metrics/endpoints.js';
import type { StopReason } from '../metrics/summary.js';
import { Timeline } from '../metrics/timeline.js';
import { transportFor, type TlsInfo } from '../transport/client-socket.js';
import { Connection, REAL_IO, type ConnectionIo, type Endpoint } from '../transport/connection.js';
import type { ConnectionOwner, Exchange, LoadConnection } from '../transport/exchange.js';
import { buildH2Request } from '../transport/h2-request.js';
import { Http2Connection } from '../transport/http2-connection.js';
import { destroyDrainingSockets } from '../transport/socket-drain.js';
import { buildBursts, buildRequest } from '../transport/request.js';
import { Pool } from './pool.js';
import { scheduleOf, type RateSchedule } from './schedule.js';
import { StuckConnects } from './stuck-connects.js';
import { targetSequence, type TargetSequence } from './target-sequence.js';
import type { ScriptRunner, Verdict } from './script-runner.js';
import { mayIssue, type StopRule } from './stop.js';

export interface EngineOptions {
  /** Called each time another `progressEvery` requests have ended (ab's heartbeat). */
  readonly onProgress?: (settled: number) => void;
  readonly progressEvery?: number;
  /** Called once when a failure stops the run (no -r), so sibling workers can stop too. */
  readonly onErrorStop?: () => void;
  /** Gets every measured exchange (ab's -g). */
  readonly exchangeSink?: ExchangeSink;
  /** The run's document length, shared with sibling workers so the run's first response decides it. */
  readonly runLength?: SharedLength;
  /** The clock and sockets (tests pass fakes). */
  readonly io?: ConnectionIo;
  /** -v 2 and up: each response's status and header block (CRLF line ends), as ab logs them. */
  readonly onResponseHead?: (status: number, head: string) => void;
  /** --script: its hooks, already set up (setup() has run). */
  readonly script?: ScriptRunner;
}

export interface EngineResult {
  readonly recorder: Recorder;
  /** Epoch ms when the measured run began (after any warm-up). */
  readonly startedAtMs: number;
  readonly elapsedMs: number;
  readonly stopReason: StopReason;
  /** The message of the failure that stopped the run (no -r), which ab prints; null otherwise. */
  readonly firstError: string | null;
}

/** Socket failures stop a run without -r, as in ab; a bad response alone does not. */
const STOPS_RUN: Readonly<Record<FailureKind, boolean>> = {
  connect: true,
  receive: true,
  timeout: true,
  connectTimeout: true,
  exceptions: false,
  // A hook that threw (a bad script, or a check that could not run) stops the run like a socket
  // error; a response() that returned false is a verdict on one response and does not (recorder).
  script: true,
};

type Phase = 'idle' | 'waiting' | 'warmup' | 'draining' | 'measuring' | 'done';

export class Engine implements ConnectionOwner<LoadConnection> {
  recorder: Recorder;
  readonly #config: Config;
  readonly #options: EngineOptions;
  readonly #rule: StopRule;
  /** Rate mode's schedule (flat --rate or --stages); null in the closed loop. */
  readonly #rate: RateSchedule | null;
  readonly #io: ConnectionIo;
  readonly #pool: Pool;
  /** --targets: which request each send carries; null when every request is the URL's. */
  readonly #sequence: TargetSequence | null;
  /** The run's endpoint rows (--targets, a script), named in the order they opened; each new recorder starts with them. Null otherwise. */
  readonly #rows: EndpointStats | null;
  readonly #script: ScriptRunner | null;
  /** The script's request() builds each request (it is exported). */
  readonly #scripted: boolean;
  /**
   * Rate mode: connections waiting for the schedule. A connection may fill up while listed (a
   * response frees it, and it catches up at once), so #pace checks capacity when it takes one.
   */
  readonly #idle: LoadConnection[] = [];
  #phase: Phase = 'idle';
  #issued = 0;
  #inflight = 0;
  #settled = 0;
  #nextProgress = Number.POSITIVE_INFINITY;
  #stopping = false;
  #stopReason: StopReason = 'requests';
  #firstError: string | null = null;
  #startMs = 0;
  #endMs = 0;
  #pacer: NodeJS.Timeout | null = null;
  /**
   * Rate mode: since when every connection has been busy (no free slot, the pool at its limit); NaN
   * while one is free. A request due since then that leaves late waited for the server to free a
   * connection: its lateness is the server's doing. A slot that frees while a request is overdue is
   * taken at once, so it does not end the busy spell.
   */
  #busySinceMs = Number.NaN;
  readonly #stuck: StuckConnects;
  readonly #timers: NodeJS.Timeout[] = [];
  /**
   * Async response() verdicts not yet in, each able to withdraw itself. Their requests have left
   * their connections, so a stop cannot cut them off through conn.close(): it withdraws them here.
   */
  readonly #pendingVerdicts = new Set<() => void>();
  #resolve: ((r: EngineResult) => void) | null = null;

  constructor(config: Config, endpoint: Endpoint, version: string, options: EngineOptions) {
    this.#config = config;
    this.#options = options;
    this.#rule = { requests: config.requests, durationMs: config.durationMs };
    const schedule = config.schedule;
    this.#rate = scheduleOf(schedule);
    this.#io = options.io ?? REAL_IO;
    const script = options.script ?? null;
    this.#script = script;
    this.#scripted = script?.makesRequests === true;
    // A script's request() names its rows as it goes; without one, every request is the URL's.
    const names = config.targets !== null ? config.targets.list.map((t) => t.name) : script === null ? null : this.#scripted ? [] : [`${config.method} ${config.target.path}`];
    const rows = names === null ? null : new EndpointStats(config.maxEndpoints, names);
    this.#rows = rows;
    this.#sequence = rows === null ? null : targetSequence(config, version, (name) => rows.rowOf(name));
    // Records the warm-up, if any; measuring starts on a fresh recorder (#beginMeasuring).
    this.recorder = this.#newRecorder(null, null);
    // A script's names open rows as they come: in the run's registry and in the recorder, in the same order.
    script?.attach(this.#sequence, (name) => {
      const row = rows!.rowOf(name);
      this.recorder.endpoints?.rowOf(name);
      return row;
    }, (row) => rows!.names[row] ?? '');
    const settings = {
      source: this.#scripted ? script : this.#sequence,
      bursts: config.http2 ? [] : buildBursts(buildRequest(config, version), config.pipeline),
      pipeline: config.pipeline,
      isHead: config.method === 'HEAD',
      keepAlive: config.keepAlive,
      measureUncorrected: this.#rate !== null,
      captureHead: (config.verbosity >= 2 && options.onResponseHead !== undefined) || script?.checksResponses === true,
      captureBodyBytes: script?.bodyBytes ?? -1,
    };
    let open: () => LoadConnection = () => new Connection(endpoint, this, settings, this.#io);
    if (config.http2) {
      // With --targets or a script, each stream takes its request from the same source as over HTTP/1.1.
      const source = this.#scripted ? script : this.#sequence;
      const request = buildH2Request(config, version).frames;
      const bodies = request.body !== null || config.targets?.list.some((t) => t.body !== null && t.body.byteLength > 0) === true || this.#scripted;
      const h2 = { request, source, bodies, streams: config.pipeline, isHead: settings.isHead, measureUncorrected: settings.measureUncorrected, captureHead: settings.captureHead, captureBodyBytes: settings.captureBodyBytes };
      open = () => new Http2Connection(endpoint, this, h2, this.#io);
    }
    this.#pool = new Pool(config.concurrency, config.maxConnections ?? config.concurrency, open);
    this.#stuck = new StuckConnects(this.#pool.all);
  }

  run(): Promise<EngineResult> {
    return new Promise((resolve) => {
      this.#resolve = resolve;
      // One sweep for every connection's timeout, instead of a timer per request.
      const sweepMs = Math.max(10, Math.min(250, this.#config.timeoutMs / 10));
      this.#timers.push(setInterval(() => this.#sweep(), sweepMs));
      const { warmupMs, startAtMs } = this.#config;
      // --start-at: wait so that the warm-up, if any, ends and measuring begins at that wall-clock time.
      const untilStartMs = startAtMs === null ? 0 : Math.max(0, startAtMs - Date.now());
      const begin = warmupMs > 0 ? (): void => this.#beginWarmup(startAtMs === null ? warmupMs : Math.max(0, startAtMs - Date.now())) : (): void => this.#beginMeasuring();
      const waitMs = warmupMs > 0 ? Math.max(0, untilStartMs - warmupMs) : untilStartMs;
      if (waitMs <= 0) {
        begin();
      } else {
        this.#phase = 'waiting';
        this.#timers.push(setTimeout(begin, waitMs));
      }
    });
  }

  #beginWarmup(warmupMs: number): void {
    this.#phase = 'warmup';
    this.#startMs = this.#io.now();
    this.#timers.push(setTimeout(() => this.#endWarmup(), warmupMs));
    this.#issueAll();
  }

  /** Stops issuing; in-flight requests get graceMs, then whatever is left is cut off and counted. */
  stop(reason: StopReason, graceMs: number): void {
    if (this.#phase === 'done' || this.#phase === 'idle') return;
    if (this.#phase !== 'measuring') {
      // Stopped before measuring began: nothing was measured, and warm-up requests are not reported.
      for (const conn of this.#pool.all) conn.close();
      this.#inflight = 0;
      this.recorder = this.#newRecorder(null, null);
      this.#phase = 'measuring';
      this.#startMs = this.#io.now();
      this.#stopping = true;
      this.#stopReason = reason;
      this.#finish();
      return;
    }
    if (!this.#stopping) {
      this.#stopping = true;
      this.#stopReason = reason;
      this.#clearPacer();
    }
    if (graceMs > 0 && this.#inflight > 0) {
      this.#timers.push(setTimeout(() => this.stop(reason, 0), graceMs));
      return;
    }
    for (const conn of this.#pool.all) {
      const cut = conn.close();
      this.recorder.counters[C.cutOff]! += cut;
      this.#inflight -= cut;
    }
    const awaited = this.#withdrawVerdicts();
    this.recorder.counters[C.cutOff]! += awaited;
    this.#inflight -= awaited;
    this.#checkDone();
  }

  /** Stops waiting for every pending response() verdict (and its -s timer); how many there were. */
  #withdrawVerdicts(): number {
    const count = this.#pendingVerdicts.size;
    for (const withdraw of this.#pendingVerdicts) withdraw();
    return count;
  }

  onResponse(conn: LoadConnection, nowMs: number, exchange: Exchange): void {
    const rec = this.recorder;
    // ab reports the Server header of the first response.
    if (rec.first.serverSoftware === null && exchange.server !== null) rec.first.serverSoftware = exchange.server;
    if (exchange.head !== null) this.#options.onResponseHead?.(exchange.status, exchange.head);
    if (this.#script?.checksResponses === true) {
      const verdict = this.#script.check(exchange);
      if (verdict instanceof Promise) {
        this.#awaitVerdict(conn, nowMs, exchange, verdict);
        return;
      }
      this.#applyVerdict(exchange, verdict);
    }
    rec.recordResponse(nowMs, exchange);
    if (exchange.headerBytes > 0) {
      rec.counters[C.h2HeaderBytes]! += exchange.headerBytes;
      rec.counters[C.h2HeaderDecodedBytes]! += exchange.headerDecodedBytes;
    }
    this.#inflight--;
    this.#noteSettled(1);
    this.#onFree(conn, nowMs);
    this.#checkDone();
  }

  /** A verdict of response(): a rejection is a Script failure of a complete response; a throw stops the run without -r. */
  #applyVerdict(exchange: Exchange, verdict: Verdict): void {
    if (!verdict.rejected) return;
    exchange.rejected = true;
    this.recorder.noteError(verdict.code, verdict.message);
    if (verdict.threw) this.#stopOnError('script', verdict.message);
  }

  /**
   * An async response(): the request stays in flight (the connection's slot is not refilled) until
   * the verdict comes or -s passes, then it is recorded as it was timed when its response ended.
   */
  #awaitVerdict(conn: LoadConnection, nowMs: number, exchange: Exchange, pending: Promise<Verdict>): void {
    const facts = { ...exchange };
    const recorder = this.recorder;
    let done = false;
    const withdraw = (): void => {
      done = true;
      clearTimeout(timer);
      this.#pendingVerdicts.delete(withdraw);
    };
    const settle = (verdict: Verdict): void => {
      if (done) return;
      withdraw();
      // A stop that came meanwhile has withdrawn it and counted it as cut off; a warm-up's recorder is gone.
      if (this.#phase === 'done' || recorder !== this.recorder) return;
      this.#applyVerdict(facts, verdict);
      recorder.recordResponse(nowMs, facts);
      this.#inflight--;
      this.#noteSettled(1);
      this.#onFree(conn, this.#io.now());
      this.#checkDone();
    };
    const seconds = this.#config.timeoutMs / 1000;
    const timer = setTimeout(
      () => settle({ rejected: true, code: 'SCRIPT_TIMEOUT', message: `script: response() did not finish within ${seconds} s (-s)`, threw: true }),
      this.#config.timeoutMs,
    );
    this.#pendingVerdicts.add(withdraw);
    void pending.then(settle);
  }

  /** Without -r the first failure of a stopping kind ends the run, as in ab. */
  #stopOnError(kind: FailureKind, message: string): void {
    if (STOPS_RUN[kind] && !this.#config.continueOnError && this.#phase === 'measuring' && !this.#stopping) {
      this.#firstError = message;
      this.stop('error', 0);
      this.#options.onErrorStop?.();
    }
  }

  onFailedRead(nowMs: number, exchange: Exchange): void {
    this.recorder.recordFailedRead(nowMs, exchange);
  }

  onRowFailed(row: number): void {
    this.recorder.recordRowFailure(row);
  }

  onFailure(conn: LoadConnection, nowMs: number, kind: FailureKind, count: number, code: FailureCode, message: string): void {
    this.recorder.recordFailure(nowMs, kind, count, code, message);
    this.#inflight -= count;
    // ab's heartbeat counts complete requests (its done): a connect that failed is not one.
    if (kind !== 'connect' && kind !== 'connectTimeout') this.#noteSettled(count);
    const stopping = this.#stopping;
    this.#stopOnError(kind, message);
    if (this.#stopping === stopping) this.#onFree(conn, nowMs);
    this.#checkDone();
  }

  onBytesRead(nowMs: number, bytes: number): void {
    this.recorder.recordBytes(nowMs, bytes);
  }

  onBytesWritten(bytes: number): void {
    this.recorder.counters[C.bytesSent]! += bytes;
  }

  onWriteErrors(count: number): void {
    this.recorder.counters[C.writeErrors]! += count;
  }

  onResent(count: number): void {
    this.recorder.counters[C.resent]! += count;
  }

  get wantsTlsInfo(): boolean {
    return this.recorder.first.tlsProtocol === null;
  }

  onStreamLimit(limit: number): void {
    const c = this.recorder.counters;
    // Kept as limit + 1 so that 0 means "no limit below --streams"; the smallest wins.
    if (c[C.h2StreamLimit] === 0 || limit + 1 < c[C.h2StreamLimit]!) c[C.h2StreamLimit] = limit + 1;
  }

  onTlsInfo(info: TlsInfo, serverName: string | null): void {
    const first = this.recorder.first;
    first.tlsProtocol = info.protocol;
    first.tlsTempKey = info.tempKey;
    first.tlsServerName = serverName;
  }

  /** A fresh recorder whose timeline counts seconds from now (workers' timelines align by wall clock). */
  #newRecorder(sink: ExchangeSink | null, runLength: SharedLength | null): Recorder {
    const now = this.#io.now();
    const endpoints = this.#rows === null ? null : new EndpointStats(this.#config.maxEndpoints, this.#rows.names);
    const recorder = new Recorder(new Timeline(performance.timeOrigin + now, now), { sink, runLength, variableLength: this.#config.variableLength, endpoints });
    recorder.first.transport = transportFor(this.#config.target.tls, this.#config.unixSocket !== null);
    return recorder;
  }

  #beginMeasuring(): void {
    const warm = this.recorder.first;
    this.recorder = this.#newRecorder(this.#options.exchangeSink ?? null, this.#options.runLength ?? null);
    // The server's name and TLS details were learnt in the warm-up, perhaps on connections that
    // will not reconnect; the document length is learnt afresh from measured responses.
    const first = this.recorder.first;
    first.serverSoftware = warm.serverSoftware;
    first.tlsProtocol = warm.tlsProtocol;
    first.tlsTempKey = warm.tlsTempKey;
    first.tlsServerName = warm.tlsServerName;
    this.#phase = 'measuring';
    this.#startMs = this.#io.now();
    this.#busySinceMs = Number.NaN;
    this.#issued = 0;
    this.#sequence?.restart();
    this.#settled = 0;
    const every = this.#options.progressEvery ?? 0;
    this.#nextProgress = every > 0 ? every : Number.POSITIVE_INFINITY;
    const { durationMs } = this.#config;
    if (durationMs !== null) this.#timers.push(setTimeout(() => this.stop('duration', 0), durationMs));
    this.#issueAll();
    this.#checkDone();
  }

  /** Warm-up over: let in-flight requests finish unmeasured, then start afresh on warm connections. */
  #endWarmup(): void {
    this.#phase = 'draining';
    this.#clearPacer();
    if (this.#inflight === 0) this.#afterDrain();
  }

  #afterDrain(): void {
    for (const conn of this.#idle) conn.parked = false;
    this.#idle.length = 0;
    this.#beginMeasuring();
  }

  #issueAll(): void {
    if (this.#rate === null) {
      const now = this.#io.now();
      for (const conn of this.#pool.all) this.#fill(conn, now);
    } else {
      for (const conn of this.#pool.all) this.#park(conn);
      this.#pace();
    }
  }

  #canIssue(nowMs: number): boolean {
    if (this.#phase === 'warmup') return true;
    return this.#phase === 'measuring' && !this.#stopping && mayIssue(this.#rule, this.#issued, nowMs - this.#startMs);
  }

  #onFree(conn: LoadConnection, nowMs: number): void {
    if (this.#phase === 'draining') {
      if (this.#inflight === 0) this.#afterDrain();
      return;
    }
    if (this.#rate === null) {
      this.#fill(conn, nowMs);
      return;
    }
    // Catch up on every free slot (a failure frees all of a pipelined connection's), then wait.
    while (conn.capacity > 0 && this.#behindSchedule(nowMs)) this.#issueScheduled(conn, nowMs, false);
    if (conn.capacity > 0) {
      this.#park(conn);
      this.#busySinceMs = Number.NaN;
      if (this.#pacer === null) this.#pace();
    }
  }

  #park(conn: LoadConnection): void {
    if (conn.capacity > 0 && !conn.parked) {
      conn.parked = true;
      this.#idle.push(conn);
    }
  }

  /** Closed loop: a connection with a free slot starts the next request at once. */
  #fill(conn: LoadConnection, nowMs: number): void {
    if (this.#scripted) {
      this.#fillScripted(conn, nowMs);
      return;
    }
    while (conn.capacity > 0 && this.#canIssue(nowMs)) {
      // Warm-up requests do not count against -n: the measured run starts its count afresh.
      const left = this.#rule.requests === null || this.#phase === 'warmup' ? conn.capacity : this.#rule.requests - this.#issued;
      const count = Math.min(conn.capacity, left);
      if (count <= 0) break;
      this.#issued += count;
      this.#inflight += count;
      this.recorder.counters[C.issued]! += count;
      conn.send(nowMs, count);
    }
    if (conn.capacity > 0 && this.#phase === 'measuring' && !this.#stopping && this.#rule.requests !== null && this.#issued >= this.#rule.requests) {
      this.#stuck.takeOver(conn, nowMs);
    }
  }

  /**
   * Closed loop with a script's request(): one request at a time, each built by the script. One
   * that fails never leaves; the connection then waits a turn of the event loop before the next,
   * so a script that always throws under -t cannot hold the thread.
   */
  #fillScripted(conn: LoadConnection, nowMs: number): void {
    while (conn.capacity > 0 && this.#canIssue(nowMs)) {
      if (this.#rule.requests !== null && this.#phase !== 'warmup' && this.#issued >= this.#rule.requests) break;
      if (!this.#sendScripted(conn, nowMs, nowMs)) {
        setImmediate(() => {
          this.#fill(conn, this.#io.now());
          this.#checkDone();
        });
        break;
      }
    }
    if (conn.capacity > 0 && this.#phase === 'measuring' && !this.#stopping && this.#rule.requests !== null && this.#issued >= this.#rule.requests) {
      this.#stuck.takeOver(conn, nowMs);
    }
  }

  /** Issues one request built by the script's request(); false when it failed (a Script failure, counted, never sent). */
  #sendScripted(conn: LoadConnection, nowMs: number, startMs: number): boolean {
    this.#issued += 1;
    this.recorder.counters[C.issued]! += 1;
    const problem = this.#script!.prepare();
    if (problem !== null) {
      this.recorder.recordFailure(nowMs, 'script', 1, 'SCRIPT', problem);
      this.#noteSettled(1);
      this.#stopOnError('script', problem);
      return false;
    }
    this.#inflight += 1;
    conn.send(startMs, 1);
    return true;
  }

  #behindSchedule(nowMs: number): boolean {
    const rate = this.#rate!; // only called in rate mode
    return this.#canIssue(nowMs) && this.#issued < rate.dueCount(nowMs - this.#startMs);
  }

  /**
   * Rate mode: sends the next scheduled request on `conn`, timed from its intended start. From the
   * pacer, a connection was free and only gb's timer was late; from a connection that has just freed,
   * the request waited for it if every connection was busy from its intended time on.
   */
  #issueScheduled(conn: LoadConnection, now: number, fromPacer: boolean): void {
    const intendedMs = this.#startMs + this.#rate!.intendedOffsetMs(this.#issued);
    if (this.#phase === 'measuring') this.recorder.recordLateness(now - intendedMs, !fromPacer && this.#busySinceMs <= intendedMs);
    if (this.#scripted) {
      this.#sendScripted(conn, now, intendedMs);
      return;
    }
    this.#issued += 1;
    this.#inflight += 1;
    this.recorder.counters[C.issued]! += 1;
    conn.send(intendedMs, 1);
  }

  /** Rate mode: sends every request that has come due on idle connections, then sleeps until the next. */
  #pace(): void {
    this.#pacer = null;
    const now = this.#io.now();
    while (this.#behindSchedule(now)) {
      const conn = this.#idle.pop() ?? this.#pool.grow(now);
      if (conn === undefined) {
        // Behind, at the pool's limit: the next free connection catches up (onFree).
        if (Number.isNaN(this.#busySinceMs)) this.#busySinceMs = now;
        return;
      }
      conn.parked = false;
      if (conn.capacity === 0) continue; // filled while listed; a response will list it again
      this.#issueScheduled(conn, now, true);
      this.#park(conn);
      // That took the last free slot: from now on a due request waits for the server to free one.
      if (conn.capacity === 0 && Number.isNaN(this.#busySinceMs) && !this.#pool.canGrow && !this.#idle.some((c) => c.capacity > 0)) this.#busySinceMs = now;
    }
    if (!this.#canIssue(now)) return;
    const nextMs = this.#startMs + this.#rate!.intendedOffsetMs(this.#issued);
    // Past the last stage nothing more is due: the duration timer ends the run.
    if (!Number.isFinite(nextMs)) return;
    this.#pacer = setTimeout(() => this.#pace(), Math.max(0, nextMs - this.#io.now()));
  }

  #clearPacer(): void {
    if (this.#pacer !== null) clearTimeout(this.#pacer);
    this.#pacer = null;
  }

  #noteSettled(count: number): void {
    if (this.#phase !== 'measuring') return;
    this.#settled += count;
    if (this.#settled >= this.#nextProgress) {
      const every = this.#options.progressEvery ?? 0;
      while (this.#nextProgress <= this.#settled) this.#nextProgress += every;
      this.#options.onProgress?.(this.#settled);
    }
  }

  #checkDone(): void {
    if (this.#phase !== 'measuring' || this.#inflight > 0) return;
    if (!this.#stopping) {
      if (this.#canIssue(this.#io.now())) return;
      this.#stopping = true;
      // The count rule ran out, unless only a time limit bounded the run.
      this.#stopReason = this.#rule.requests === null ? 'duration' : 'requests';
    }
    this.#finish();
  }

  #finish(): void {
    // Responses that finish in a stop's grace period are counted, so the elapsed time covers them too.
    if (this.#phase === 'measuring') this.#endMs = this.#io.now();
    this.#pool.record(this.recorder.counters, this.#startMs);
    this.#phase = 'done';
    this.#clearPacer();
    for (const t of this.#timers) clearTimeout(t);
    this.#withdrawVerdicts();
    for (const conn of this.#pool.all) conn.close();
    destroyDrainingSockets();
    const resolve = this.#resolve;
    this.#resolve = null;
    resolve?.({
      recorder: this.recorder,
      startedAtMs: performance.timeOrigin + this.#startMs,
      elapsedMs: this.#endMs - this.#startMs,
      stopReason: this.#stopReason,
      firstError: this.#firstError,
    });
  }

  #sweep(): void {
    const now = this.#io.now();
    const timeoutMs = this.#config.timeoutMs;
    for (const conn of this.#pool.all) conn.checkTimeout(now, timeoutMs);
    destroyDrainingSockets(now);
    if (this.#phase === 'measuring' && !this.#stopping) this.#stuck.retry(now);
  }
}
