// The load loop of a journey run in one thread: virtual users running iteration() in a closed loop, or started at a rate.

import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import type { FailureCode, FailureKind } from '../failures.js';
import { JourneyStats } from '../metrics/journey-stats.js';
import { C, LATE_THRESHOLD_MS, type Recorder, type RecorderLiveSnapshot } from '../metrics/recorder.js';
import type { StopReason } from '../metrics/summary.js';
import type { TlsInfo } from '../transport/client-socket.js';
import { Connection, REAL_IO, type ConnectionIo, type Endpoint, type ExchangeSettings } from '../transport/connection.js';
import type { Exchange, Http2Settings } from '../transport/exchange.js';
import { buildH2Request } from '../transport/h2-request.js';
import { Http2Connection } from '../transport/http2-connection.js';
import { buildBursts, buildRequest } from '../transport/request.js';
import { destroyDrainingSockets } from '../transport/socket-drain.js';
import { WsClient, type WsClientEvents } from '../transport/ws-client.js';
import { upgradeTemplate } from '../transport/ws-handshake.js';
import { dataRow, dataRowIndex } from '../config/data-rows.js';
import { Arrivals } from './arrivals.js';
import { STOPS_RUN, type EngineOptions, type EngineResult } from './engine.js';
import { measuringRecorder, newRecorder, noteTlsInfo } from './engine-recorder.js';
import { Heartbeat } from './heartbeat.js';
import { EndpointStats } from '../metrics/endpoints.js';
import { originOf } from '../config/validate.js';
import { RunPhases } from './phases.js';
import { scheduleOf } from './schedule.js';
import type { ScriptRunner } from './script-runner.js';
import { StepBuilder } from './step-request.js';
import { IterationInterrupted, VirtualUser, type UserHost } from './virtual-user.js';

/** Bytes of each response body a step's answer keeps when the journey does not say (options.responseBody). */
export const DEFAULT_STEP_BODY_BYTES = 1024 * 1024;

export class JourneyEngine implements UserHost {
  recorder: Recorder;
  readonly steps: StepBuilder;
  readonly rateMode: boolean;
  stopping = false;
  readonly #config: Config;
  readonly #options: EngineOptions;
  readonly #script: ScriptRunner;
  readonly #io: ConnectionIo;
  readonly #endpoint: Endpoint;
  readonly #version: string;
  readonly #settings: Omit<ExchangeSettings, 'source'>;
  /** --http2: each user's connection speaks HTTP/2, one stream at a time; null over HTTP/1.x. */
  readonly #h2Settings: Omit<Http2Settings, 'source'> | null;
  readonly #origin: string;
  readonly #phases: RunPhases;
  readonly #arrivals: Arrivals | null;
  readonly #users: VirtualUser[] = [];
  /** Open model: users with no iteration, and iterations due with no user free (their intended times, oldest first). */
  readonly #idle: VirtualUser[] = [];
  readonly #waiting: number[] = [];
  #waitingHead = 0;
  readonly #maxUsers: number;
  /**
   * Each user's iterations, numbered: odd while one runs, even between. An iteration that ends and
   * finds its number changed was counted already (by the watchdog, which moves the number on).
   */
  readonly #generation = new Map<VirtualUser, number>();
  #started = 0;
  /** Which start of the users their loops belong to: a loop of the warm-up's start ends when measuring starts them again. */
  #epoch = 0;
  #active = 0;
  #inflight = 0;
  readonly #heartbeat: Heartbeat;
  #stopReason: StopReason = 'requests';
  #firstError: string | null = null;
  #startMs = 0;
  #endMs = 0;
  #resolve: ((r: EngineResult) => void) | null = null;

  constructor(config: Config, endpoint: Endpoint, version: string, options: EngineOptions) {
    this.#config = config;
    this.#options = options;
    this.#script = options.script!;
    this.#io = options.io ?? REAL_IO;
    this.#heartbeat = new Heartbeat(options.progressEvery ?? 0, options.onProgress);
    this.#endpoint = endpoint;
    this.#version = version;
    this.steps = new StepBuilder(config, version);
    this.rateMode = config.schedule.kind === 'rate';
    this.#origin = originOf(config.target);
    this.#settings = {
      bursts: buildBursts(buildRequest(config, version), 1),
      pipeline: 1,
      isHead: false,
      keepAlive: true,
      measureUncorrected: this.rateMode,
      captureHead: true,
      captureBodyBytes: this.#script.journeyBodyBytes ?? DEFAULT_STEP_BODY_BYTES,
    };
    this.#h2Settings = config.http2
      ? {
          request: buildH2Request(config, version).frames,
          bodies: true,
          streams: 1,
          isHead: false,
          measureUncorrected: this.rateMode,
          captureHead: true,
          captureBodyBytes: this.#settings.captureBodyBytes,
        }
      : null;
    this.#maxUsers = config.maxConnections ?? config.concurrency;
    this.recorder = this.#newRecorder(null);
    this.#phases = new RunPhases(config, {
      warmUp: () => this.#start(),
      drain: () => this.#drain(),
      measure: () => this.#beginMeasuring(),
    });
    const rate = scheduleOf(config.schedule);
    this.#arrivals = rate === null ? null : new Arrivals(rate, config.journey?.iterations ?? null, this.#io, (ms) => this.#due(ms));
  }

  /** The measured run so far for the live outputs; null before it begins. */
  live(): { readonly startedAtMs: number; readonly recorder: RecorderLiveSnapshot | null } | null {
    const phase = this.#phases.current;
    if (phase !== 'measuring' && phase !== 'done') return null;
    return { startedAtMs: performance.timeOrigin + this.#startMs, recorder: this.recorder.liveSnapshot() };
  }

  /** Each user holds one connection. */
  get connections(): number {
    return this.#users.length;
  }

  run(): Promise<EngineResult> {
    return new Promise((resolve) => {
      this.#resolve = resolve;
      const sweepMs = Math.max(10, Math.min(250, this.#config.timeoutMs / 10));
      this.#phases.every(sweepMs, () => this.#sweep());
      this.#phases.start();
    });
  }

  stop(reason: StopReason, graceMs: number): void {
    const phase = this.#phases.current;
    if (phase === 'done') return;
    if (!this.stopping) {
      this.stopping = true;
      this.#stopReason = reason;
      this.#arrivals?.stop();
    }
    if (phase !== 'measuring') {
      // Stopped before measuring began: nothing was measured, and the warm-up is not reported.
      this.recorder = this.#newRecorder(null);
      this.#active = 0;
      this.#startMs = this.#io.now();
      this.#phases.current = 'measuring';
      this.#finish();
      return;
    }
    if (graceMs > 0 && this.#inflight > 0) {
      this.#phases.after(graceMs, () => this.stop(reason, 0));
      return;
    }
    for (const vu of this.#users) {
      const cut = vu.interrupt();
      this.recorder.counters[C.cutOff]! += cut;
      this.#inflight -= cut;
    }
    this.#finish();
  }

  // UserHost: what each user records through.
  now(): number {
    return this.#io.now();
  }

  rowOf(name: string): number {
    return this.recorder.endpoints!.rowOf(name);
  }

  issued(): void {
    this.recorder.counters[C.issued]! += 1;
    this.#inflight++;
  }

  answered(nowMs: number, exchange: Exchange): void {
    const rec = this.recorder;
    if (rec.first.serverSoftware === null && exchange.server !== null) rec.first.serverSoftware = exchange.server;
    if (exchange.head !== null && this.#config.verbosity >= 2) this.#options.onResponseHead?.(exchange.status, exchange.head);
    rec.recordResponse(nowMs, exchange);
    this.#inflight--;
    this.#noteSettled(1);
  }

  failed(nowMs: number, kind: FailureKind, count: number, code: FailureCode, message: string): void {
    this.recorder.recordFailure(nowMs, kind, count, code, message);
    this.#inflight -= count;
    if (kind !== 'connect' && kind !== 'connectTimeout') this.#noteSettled(count);
    if (STOPS_RUN[kind] && !this.#config.continueOnError && this.#phases.current === 'measuring' && !this.stopping) {
      this.#firstError = message;
      this.stop('error', 0);
      this.#options.onErrorStop?.();
    }
  }

  get wantsTlsInfo(): boolean {
    return this.recorder.first.tlsProtocol === null;
  }

  get timeoutMs(): number {
    return this.#config.timeoutMs;
  }

  openWebSocket(path: string, cookie: string | null, events: WsClientEvents): WsClient | string {
    // Over HTTP/2 (ALPN h2) the upgrade of RFC 6455 does not exist; through -X plain HTTP is forwarded, not tunnelled.
    if (this.#config.http2) return 'vu.ws() needs HTTP/1.1: it cannot go with --http2';
    if (this.#config.proxy !== null && this.#endpoint.tunnel === null) return 'vu.ws() cannot go through -X to an http:// origin';
    return new WsClient(this.#endpoint, this.#io, upgradeTemplate(this.#config, this.#version, path, cookie), events);
  }

  onTlsInfo(info: TlsInfo, serverName: string | null): void {
    noteTlsInfo(this.recorder, info, serverName);
  }

  /** A recorder with the journey's stats; `warm`: the warm-up's, whose server name and TLS details carry over. */
  #newRecorder(warm: Recorder | null): Recorder {
    const now = this.#io.now();
    // Steps name their rows as they come.
    const rows = new EndpointStats(this.#config.maxEndpoints, []);
    const setting = { config: this.#config, rows, live: this.#options.live === true };
    const sink = this.#options.exchangeSink ?? null;
    const runLength = this.#options.runLength ?? null;
    const recorder = warm === null ? newRecorder(setting, now, sink, runLength) : measuringRecorder(warm, setting, now, sink, runLength);
    recorder.journeys = new JourneyStats(performance.timeOrigin + now, now);
    return recorder;
  }

  /** The measured run begins, on the users (and warm connections) a warm-up left, if any. */
  #beginMeasuring(): void {
    this.recorder = this.#newRecorder(this.recorder);
    this.#started = 0;
    this.#heartbeat.restart();
    const { durationMs } = this.#config;
    if (durationMs !== null) this.#phases.after(durationMs, () => this.stop('duration', 0));
    this.#start();
    this.#checkDone();
  }

  /** The users (made once) begin: each loops (closed model), or waits for the schedule's next iteration due. */
  #start(): void {
    this.#epoch++;
    this.#startMs = this.#io.now();
    while (this.#users.length < this.#config.concurrency) this.#addUser();
    if (this.#arrivals !== null) {
      this.#idle.length = 0;
      this.#idle.push(...this.#users);
      this.#arrivals.begin(this.#startMs);
    } else {
      for (const vu of this.#users) void this.#loop(vu);
    }
  }

  /** The warm-up's time is up: no iteration starts; whether none is still running (its last ones end unmeasured). */
  #drain(): boolean {
    this.#arrivals?.stop();
    this.#waiting.length = 0;
    this.#waitingHead = 0;
    return this.#active === 0;
  }

  /** A new user: the next id of this thread's stretch, its data row, and its connection. */
  #addUser(): VirtualUser {
    const journey = this.#config.journey!;
    const id = journey.firstUser + this.#users.length;
    const data = journey.data === null ? {} : dataRow(journey.data, dataRowIndex(journey.data.count, id, journey.dataOrder, journey.seed));
    const vu = this.#user(id, data as Record<string, string>);
    this.#users.push(vu);
    return vu;
  }

  #user(id: number, data: Record<string, string>): VirtualUser {
    const vu = new VirtualUser(id, data, this, this.#origin);
    const h2 = this.#h2Settings;
    vu.attach(
      h2 === null
        ? new Connection(this.#endpoint, vu, { ...this.#settings, source: vu }, this.#io)
        : new Http2Connection(this.#endpoint, vu, { ...h2, source: vu }, this.#io),
    );
    return vu;
  }

  /** Closed model: the user runs iteration after iteration while the run allows another. */
  async #loop(vu: VirtualUser): Promise<void> {
    const epoch = this.#epoch;
    while (!vu.retired && epoch === this.#epoch && this.#mayStart()) {
      await this.#iterate(vu, this.#io.now());
      // An iteration that awaited no step or sleep never let the event loop run: -t's timer could not fire.
      if (vu.actions === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.#checkDone();
  }

  #mayStart(): boolean {
    const limit = this.#config.journey!.iterations;
    const phase = this.#phases.current;
    // The warm-up's iterations do not count against --iterations.
    if (phase === 'warmup') return !this.stopping;
    return !this.stopping && phase === 'measuring' && (limit === null || this.#started < limit);
  }

  /** Open model: an iteration is due at `intendedMs`; a free user takes it, the pool grows to --max-users, or it waits. */
  #due(intendedMs: number): void {
    const vu = this.#idle.pop() ?? (this.#users.length < this.#maxUsers ? this.#addUser() : undefined);
    if (vu === undefined) this.#waiting.push(intendedMs);
    else void this.#serve(vu, intendedMs);
  }

  /** Open model: the user runs the iteration due at `intendedMs`, then any that waited for a user, then goes idle. */
  async #serve(vu: VirtualUser, intendedMs: number): Promise<void> {
    let due = intendedMs;
    let waited = false;
    const epoch = this.#epoch;
    for (;;) {
      await this.#iterate(vu, due, waited);
      // Retired, or measuring began meanwhile and made every user idle again.
      if (vu.retired || epoch !== this.#epoch) return;
      if (this.stopping || this.#waitingHead >= this.#waiting.length) break;
      due = this.#waiting[this.#waitingHead++]!;
      if (this.#waitingHead === this.#waiting.length) {
        this.#waiting.length = 0;
        this.#waitingHead = 0;
      }
      if (this.#io.now() - due > LATE_THRESHOLD_MS) this.recorder.journeys!.late += 1;
      waited = true;
    }
    this.#idle.push(vu);
    this.#checkDone();
  }

  /** One iteration, timed from `dueMs`: complete, failed (it threw), or interrupted by the run's end. */
  async #iterate(vu: VirtualUser, dueMs: number, waitedForUser = false): Promise<void> {
    const stats = this.recorder.journeys!;
    const generation = (this.#generation.get(vu) ?? 0) + 1;
    this.#generation.set(vu, generation);
    const startMs = this.#io.now();
    this.#started++;
    this.#active++;
    stats.recordStart(startMs);
    if (this.rateMode && this.#phases.current === 'measuring') this.recorder.recordLateness(startMs - dueMs, waitedForUser);
    vu.begin(startMs, startMs - dueMs);
    let message: string | null = null;
    let interrupted = false;
    try {
      await this.#script.iterate(vu);
    } catch (e) {
      if (e instanceof IterationInterrupted) interrupted = true;
      else message = `iteration() threw: ${this.#script.describe(e)}`;
    }
    vu.iteration++;
    // The run's end (or the watchdog) has counted it already.
    if (this.#generation.get(vu) !== generation || this.#phases.current === 'done') return;
    this.#generation.set(vu, generation + 1);
    this.#active--;
    const endMs = this.#io.now();
    if (interrupted || (this.stopping && message !== null)) stats.recordInterrupted();
    else stats.recordEnd(endMs, Math.round((endMs - dueMs) * 1000), message);
  }

  #noteSettled(count: number): void {
    if (this.#phases.current === 'measuring') this.#heartbeat.add(count);
  }

  #checkDone(): void {
    if (this.#phases.current === 'draining' && this.#active === 0) this.#phases.drained();
    if (this.#phases.current !== 'measuring' || this.#active > 0) return;
    if (!this.stopping) {
      const more = this.#arrivals === null ? this.#mayStart() : !this.#arrivals.exhausted || this.#waitingHead < this.#waiting.length;
      if (more) return;
      this.stopping = true;
      this.#stopReason = this.#config.journey!.iterations === null ? 'duration' : 'requests';
    }
    this.#finish();
  }

  #finish(): void {
    if (this.#phases.current === 'done') return;
    this.#endMs = this.#io.now();
    const stats = this.recorder.journeys!;
    // Iterations still running (a script that caught the interruption, say) end with the run.
    for (; this.#active > 0; this.#active--) stats.recordInterrupted();
    stats.usersInitial = this.#config.concurrency;
    stats.usersPeak = this.#users.length;
    const c = this.recorder.counters;
    c[C.poolInitial] = this.#config.concurrency;
    c[C.poolPeak] = this.#users.length;
    this.#phases.end();
    this.#arrivals?.stop();
    for (const vu of this.#users) vu.interrupt();
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

  /** Every connection's -s, and the watchdog: an iteration awaiting neither a step nor a sleep for -s has failed. */
  #sweep(): void {
    const now = this.#io.now();
    const timeoutMs = this.#config.timeoutMs;
    for (const vu of this.#users) {
      vu.connection?.checkTimeout(now, timeoutMs);
      const generation = this.#generation.get(vu) ?? 0;
      if (generation % 2 === 1 && !vu.waiting && now - vu.lastActiveMs > timeoutMs && !this.stopping) this.#giveUp(vu, now);
    }
    destroyDrainingSockets(now);
  }

  /**
   * The watchdog fails an iteration stuck on something of its own. Its user is retired (a step the
   * stuck code makes later goes nowhere) and one with the same id, data and state takes its place.
   */
  #giveUp(vu: VirtualUser, nowMs: number): void {
    this.#generation.set(vu, (this.#generation.get(vu) ?? 0) + 1);
    this.#active--;
    const seconds = this.#config.timeoutMs / 1000;
    const message = `iteration() made no progress for ${seconds} s (-s): it awaits something that is neither a step nor a sleep`;
    this.recorder.journeys!.recordEnd(nowMs, Math.round((nowMs - vu.lastActiveMs) * 1000), message);
    this.#inflight -= vu.retire();
    const heir = this.#user(vu.id, vu.data);
    heir.state = vu.state;
    heir.iteration = vu.iteration + 1;
    this.#users[this.#users.indexOf(vu)] = heir;
    if (this.#arrivals === null) void this.#loop(heir);
    else if (this.#waitingHead < this.#waiting.length) void this.#serve(heir, this.#waiting[this.#waitingHead++]!);
    else this.#idle.push(heir);
    this.#checkDone();
  }
}
