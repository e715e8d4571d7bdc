// The load loop of one thread: keeps connections busy under a schedule until a stop rule fires.

import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import type { SharedLength } from '../metrics/shared-length.js';
import type { FailureCode, FailureKind } from '../failures.js';
import type { Recorder, RecorderLiveSnapshot } from '../metrics/recorder.js';
import { C, type ExchangeSink } from '../metrics/recorder.js';
import type { EndpointStats } from '../metrics/endpoints.js';
import type { WsStats } from '../metrics/ws-stats.js';
import type { StopReason } from '../metrics/summary.js';
import type { TlsInfo } from '../transport/client-socket.js';
import { REAL_IO, type ConnectionIo, type Endpoint } from '../transport/connection.js';
import type { ConnectionOwner, Exchange, LoadConnection } from '../transport/exchange.js';
import { destroyDrainingSockets } from '../transport/socket-drain.js';
import { connectionOpener } from './connection-opener.js';
import { endpointRows, measuringRecorder, newRecorder, noteTlsInfo } from './engine-recorder.js';
import { Heartbeat } from './heartbeat.js';
import { Pacer } from './pacer.js';
import { PendingVerdicts } from './pending-verdicts.js';
import { RunPhases } from './phases.js';
import { Pool } from './pool.js';
import { scheduleOf } from './schedule.js';
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
  /** Live outputs are on: the recorder also counts requests by endpoint, status class and result. */
  readonly live?: boolean;
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
export const STOPS_RUN: Readonly<Record<FailureKind, boolean>> = {
  connect: true,
  receive: true,
  timeout: true,
  connectTimeout: true,
  exceptions: false,
  // A hook that threw (a bad script, or a check that could not run) stops the run like a socket
  // error; a response() that returned false is a verdict on one response and does not (recorder).
  script: true,
};

export class Engine implements ConnectionOwner<LoadConnection> {
  recorder: Recorder;
  readonly #config: Config;
  readonly #options: EngineOptions;
  readonly #rule: StopRule;
  /** Rate mode (flat --rate or --stages) sends on the schedule's time; null in the closed loop. */
  readonly #pacer: Pacer | null;
  readonly #io: ConnectionIo;
  readonly #pool: Pool;
  /** --targets: which request each send carries; null when every request is the URL's. */
  readonly #sequence: TargetSequence | null;
  /** The run's endpoint rows (--targets, a script), named in the order they opened; each new recorder starts with them. Null otherwise. */
  readonly #rows: EndpointStats | null;
  readonly #script: ScriptRunner | null;
  /** The script's request() builds each request (it is exported). */
  readonly #scripted: boolean;
  readonly #phases: RunPhases;
  #issued = 0;
  #inflight = 0;
  readonly #heartbeat: Heartbeat;
  #stopping = false;
  #stopReason: StopReason = 'requests';
  #firstError: string | null = null;
  #startMs = 0;
  #endMs = 0;
  readonly #stuck: StuckConnects;
  readonly #verdicts: PendingVerdicts;
  #resolve: ((r: EngineResult) => void) | null = null;

  constructor(config: Config, endpoint: Endpoint, version: string, options: EngineOptions) {
    this.#config = config;
    this.#options = options;
    this.#rule = { requests: config.requests, durationMs: config.durationMs };
    this.#heartbeat = new Heartbeat(options.progressEvery ?? 0, options.onProgress);
    this.#io = options.io ?? REAL_IO;
    const script = options.script ?? null;
    this.#script = script;
    this.#scripted = script?.makesRequests === true;
    const rows = endpointRows(config, script);
    this.#rows = rows;
    this.#sequence = rows === null ? null : targetSequence(config, version, (name) => rows.rowOf(name));
    // Records the warm-up, if any; measuring starts on a fresh recorder (#beginMeasuring).
    this.recorder = this.#newRecorder(null, null);
    // A script's names open rows as they come: in the run's registry and in the recorder, in the same order.
    script?.attach(
      this.#sequence,
      (name) => {
        const row = rows!.rowOf(name);
        this.recorder.endpoints?.rowOf(name);
        return row;
      },
      (row) => rows!.names[row] ?? '',
    );
    this.#phases = new RunPhases(config, {
      warmUp: () => this.#beginWarmup(),
      drain: () => this.#drain(),
      measure: () => this.#beginMeasuring(),
    });
    this.#verdicts = new PendingVerdicts(config.timeoutMs, (conn, nowMs, facts, verdict, recorder) =>
      this.#verdictIn(conn, nowMs, facts, verdict, recorder),
    );
    const headsWanted = config.verbosity >= 2 && options.onResponseHead !== undefined;
    const websocket = (): WsStats | null => this.recorder.websocket;
    const open = connectionOpener(config, version, endpoint, this, this.#io, { sequence: this.#sequence, script, headsWanted, websocket });
    this.#pool = new Pool(config.concurrency, config.maxConnections ?? config.concurrency, open);
    this.#stuck = new StuckConnects(this.#pool.all);
    const rate = scheduleOf(config.schedule);
    this.#pacer =
      rate === null
        ? null
        : new Pacer(rate, this.#pool, this.#io, {
            canIssue: (nowMs) => this.#canIssue(nowMs),
            issued: () => this.#issued,
            sendScheduled: (conn, nowMs, intendedMs, byServer) => this.#sendScheduled(conn, nowMs, intendedMs, byServer),
          });
  }

  /** The measured run so far for the live outputs (--out, --dashboard): its start (epoch ms) and recorder; null before it begins. */
  live(): { readonly startedAtMs: number; readonly recorder: RecorderLiveSnapshot | null } | null {
    const phase = this.#phases.current;
    if (phase !== 'measuring' && phase !== 'done') return null;
    return { startedAtMs: performance.timeOrigin + this.#startMs, recorder: this.recorder.liveSnapshot() };
  }

  /** Connections in the pool (each holds at most one socket). */
  get connections(): number {
    return this.#pool.all.length;
  }

  run(): Promise<EngineResult> {
    return new Promise((resolve) => {
      this.#resolve = resolve;
      // One sweep for every connection's timeout, instead of a timer per request.
      const sweepMs = Math.max(10, Math.min(250, this.#config.timeoutMs / 10));
      this.#phases.every(sweepMs, () => this.#sweep());
      this.#phases.start();
    });
  }

  /** Stops issuing; in-flight requests get graceMs, then whatever is left is cut off and counted. */
  stop(reason: StopReason, graceMs: number): void {
    const phase = this.#phases.current;
    if (phase === 'done' || phase === 'idle') return;
    if (phase !== 'measuring') {
      this.#stopUnmeasured(reason);
      return;
    }
    if (!this.#stopping) {
      this.#stopping = true;
      this.#stopReason = reason;
      this.#pacer?.stop();
    }
    if (graceMs > 0 && this.#inflight > 0) {
      this.#phases.after(graceMs, () => this.stop(reason, 0));
      return;
    }
    for (const conn of this.#pool.all) {
      const cut = conn.close();
      this.recorder.counters[C.cutOff]! += cut;
      this.#inflight -= cut;
    }
    const awaited = this.#verdicts.withdrawAll();
    this.recorder.counters[C.cutOff]! += awaited;
    this.#inflight -= awaited;
    this.#checkDone();
  }

  /** Stopped before measuring began: nothing was measured, and warm-up requests are not reported. */
  #stopUnmeasured(reason: StopReason): void {
    for (const conn of this.#pool.all) conn.close();
    this.#inflight = 0;
    this.recorder = this.#newRecorder(null, null);
    // An empty measured run that begins and ends now: #finish takes its elapsed time (0) from that.
    this.#phases.current = 'measuring';
    this.#startMs = this.#io.now();
    this.#stopping = true;
    this.#stopReason = reason;
    this.#finish();
  }

  onResponse(conn: LoadConnection, nowMs: number, exchange: Exchange): void {
    const rec = this.recorder;
    // ab reports the Server header of the first response.
    if (rec.first.serverSoftware === null && exchange.server !== null) rec.first.serverSoftware = exchange.server;
    if (exchange.head !== null) this.#options.onResponseHead?.(exchange.status, exchange.head);
    if (this.#script?.checksResponses === true) {
      const verdict = this.#script.check(exchange);
      if (verdict instanceof Promise) {
        // An async response(): the request stays in flight (the connection's slot is not refilled)
        // until the verdict comes or -s passes, then it is recorded as it was timed when its response ended.
        this.#verdicts.await(conn, nowMs, exchange, rec, verdict);
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

  /** An async verdict came (or -s passed): its request is recorded as it was timed when its response ended. */
  #verdictIn(conn: LoadConnection, nowMs: number, facts: Exchange, verdict: Verdict, recorder: Recorder): void {
    // A stop that came meanwhile has withdrawn it and counted it as cut off; a warm-up's recorder is gone.
    if (this.#phases.current === 'done' || recorder !== this.recorder) return;
    this.#applyVerdict(facts, verdict);
    recorder.recordResponse(nowMs, facts);
    this.#inflight--;
    this.#noteSettled(1);
    this.#onFree(conn, this.#io.now());
    this.#checkDone();
  }

  /** Without -r the first failure of a stopping kind ends the run, as in ab. */
  #stopOnError(kind: FailureKind, message: string): void {
    if (STOPS_RUN[kind] && !this.#config.continueOnError && this.#phases.current === 'measuring' && !this.#stopping) {
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
    noteTlsInfo(this.recorder, info, serverName);
  }

  #newRecorder(sink: ExchangeSink | null, runLength: SharedLength | null): Recorder {
    return newRecorder({ config: this.#config, rows: this.#rows, live: this.#options.live === true }, this.#io.now(), sink, runLength);
  }

  #beginWarmup(): void {
    this.#startMs = this.#io.now();
    this.#issueAll();
  }

  /** The warm-up's time is up: its schedule stops; whether its requests are all in already. */
  #drain(): boolean {
    this.#pacer?.stop();
    return this.#inflight === 0;
  }

  #beginMeasuring(): void {
    const setting = { config: this.#config, rows: this.#rows, live: this.#options.live === true };
    this.recorder = measuringRecorder(
      this.recorder,
      setting,
      this.#io.now(),
      this.#options.exchangeSink ?? null,
      this.#options.runLength ?? null,
    );
    this.#startMs = this.#io.now();
    this.#issued = 0;
    this.#sequence?.restart();
    this.#heartbeat.restart();
    const { durationMs } = this.#config;
    if (durationMs !== null) this.#phases.after(durationMs, () => this.stop('duration', 0));
    this.#issueAll();
    this.#checkDone();
  }

  /** A phase begins: in rate mode (on warm connections, after a warm-up) its schedule starts afresh now. */
  #issueAll(): void {
    if (this.#pacer !== null) {
      this.#pacer.begin(this.#startMs);
      return;
    }
    const now = this.#io.now();
    for (const conn of this.#pool.all) this.#fill(conn, now);
  }

  #canIssue(nowMs: number): boolean {
    const phase = this.#phases.current;
    if (phase === 'warmup') return true;
    return phase === 'measuring' && !this.#stopping && mayIssue(this.#rule, this.#issued, nowMs - this.#startMs);
  }

  /** How many more requests -n allows; unbounded without -n, and in the warm-up, which does not count against it. */
  #requestsLeft(): number {
    return this.#rule.requests === null || this.#phases.current === 'warmup'
      ? Number.POSITIVE_INFINITY
      : this.#rule.requests - this.#issued;
  }

  /** The measured run has issued all -n requests and is not stopping: a free connection may take over stuck connects. */
  #spent(): boolean {
    return this.#phases.current === 'measuring' && !this.#stopping && this.#rule.requests !== null && this.#issued >= this.#rule.requests;
  }

  #onFree(conn: LoadConnection, nowMs: number): void {
    if (this.#phases.current === 'draining') {
      if (this.#inflight === 0) this.#phases.drained();
      return;
    }
    if (this.#pacer === null) this.#fill(conn, nowMs);
    else this.#pacer.freed(conn, nowMs);
  }

  /**
   * Closed loop: a connection with a free slot starts the next requests at once, all its free slots'
   * worth, or with a script's request() one at a time, each built by the script. One that fails never
   * leaves; the connection then waits a turn of the event loop before the next, so a script that
   * always throws under -t cannot hold the thread.
   */
  #fill(conn: LoadConnection, nowMs: number): void {
    while (conn.capacity > 0 && this.#canIssue(nowMs)) {
      const count = Math.min(this.#scripted ? 1 : conn.capacity, this.#requestsLeft());
      if (count <= 0) break;
      if (!this.#issue(conn, nowMs, nowMs, count)) {
        setImmediate(() => {
          this.#fill(conn, this.#io.now());
          this.#checkDone();
        });
        break;
      }
    }
    if (conn.capacity > 0 && this.#spent()) this.#stuck.takeOver(conn, nowMs);
  }

  /** Sends `count` requests on `conn`, timed from `startMs`; false when a script's request() failed (count 1: a Script failure, counted, never sent). */
  #issue(conn: LoadConnection, nowMs: number, startMs: number, count: number): boolean {
    if (this.#scripted) return this.#sendScripted(conn, nowMs, startMs);
    this.#issued += count;
    this.#inflight += count;
    this.recorder.counters[C.issued]! += count;
    conn.send(startMs, count);
    return true;
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

  /** Rate mode: a request the schedule had due at `intendedMs` leaves now; `byServer`: it was late because it waited for a connection. */
  #sendScheduled(conn: LoadConnection, nowMs: number, intendedMs: number, byServer: boolean): void {
    if (this.#phases.current === 'measuring') this.recorder.recordLateness(nowMs - intendedMs, byServer);
    this.#issue(conn, nowMs, intendedMs, 1);
  }

  #noteSettled(count: number): void {
    if (this.#phases.current === 'measuring') this.#heartbeat.add(count);
  }

  #checkDone(): void {
    if (this.#phases.current !== 'measuring' || this.#inflight > 0) return;
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
    if (this.#phases.current === 'measuring') this.#endMs = this.#io.now();
    this.#pool.record(this.recorder.counters, this.#startMs);
    this.#phases.end();
    this.#pacer?.stop();
    this.#verdicts.withdrawAll();
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
    if (this.#phases.current === 'measuring' && !this.#stopping) this.#stuck.retry(now);
  }
}
