// Orchestrates one run in this thread: opens the connections, issues requests until a stop rule fires.

import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import { C, Recorder, type FailureKind } from '../metrics/recorder.js';
import type { StopReason } from '../metrics/summary.js';
import { buildRequest } from '../transport/request.js';
import { Connection, destroyDrainingSockets, type ConnectionOwner, type Endpoint } from '../transport/connection.js';

export interface EngineHooks {
  /** Aborting stops the run (Ctrl-C): no new requests, in-flight ones get `graceMs` to finish. */
  readonly signal?: AbortSignal;
  readonly graceMs?: number;
  /** Called each time another `progressEvery` requests have ended (ab's heartbeat). */
  readonly onProgress?: (settled: number) => void;
  readonly progressEvery?: number;
}

export interface EngineResult {
  readonly recorder: Recorder;
  readonly startedAtMs: number;
  readonly elapsedMs: number;
  readonly stopReason: StopReason;
  /** The first failure's message, which ab prints when it stops on an error. */
  readonly firstError: string | null;
}

/** Socket failures stop a run without -r, as in ab; a bad response alone does not. */
const STOPS_RUN: Readonly<Record<FailureKind, boolean>> = { connect: true, receive: true, timeout: true, exceptions: false };

class Engine implements ConnectionOwner {
  readonly recorder = new Recorder();
  readonly #config: Config;
  readonly #connections: Connection[] = [];
  readonly #budget: number;
  #issued = 0;
  #inflight = 0;
  #settled = 0;
  #nextProgress: number;
  readonly #progressEvery: number;
  readonly #onProgress: ((settled: number) => void) | null;
  #stopping = false;
  #stopReason: StopReason = 'requests';
  #firstError: string | null = null;
  #startMs = 0;
  #endMs = 0;
  #finish: (() => void) | null = null;
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(config: Config, endpoint: Endpoint, version: string, hooks: EngineHooks) {
    this.#config = config;
    this.#budget = config.requests ?? Number.POSITIVE_INFINITY;
    this.#progressEvery = hooks.progressEvery ?? 0;
    this.#nextProgress = this.#progressEvery > 0 ? this.#progressEvery : Number.POSITIVE_INFINITY;
    this.#onProgress = hooks.onProgress ?? null;
    const settings = {
      request: buildRequest(config, version),
      pipeline: config.pipeline,
      isHead: config.method === 'HEAD',
      keepAlive: config.keepAlive,
      variableLength: config.variableLength,
    };
    for (let i = 0; i < config.concurrency; i++) this.#connections.push(new Connection(endpoint, this, settings));
  }

  run(signal: AbortSignal | undefined, graceMs: number): Promise<EngineResult> {
    return new Promise((resolve) => {
      const onAbort = (): void => this.stop('interrupted', graceMs);
      this.#finish = () => {
        for (const t of this.#timers) clearTimeout(t);
        signal?.removeEventListener('abort', onAbort);
        destroyDrainingSockets();
        resolve({
          recorder: this.recorder,
          startedAtMs: performance.timeOrigin + this.#startMs,
          elapsedMs: this.#endMs - this.#startMs,
          stopReason: this.#stopReason,
          firstError: this.#firstError,
        });
      };
      this.#startMs = performance.now();
      if (signal?.aborted === true) {
        this.stop('interrupted', 0);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      const { durationMs, timeoutMs } = this.#config;
      if (durationMs !== null) this.#timers.push(setTimeout(() => this.stop('duration', 0), durationMs));
      // One sweep for every connection's timeout, instead of a timer per request.
      const sweepMs = Math.max(10, Math.min(1000, timeoutMs / 10));
      this.#timers.push(setInterval(() => this.#sweep(), sweepMs));
      for (const conn of this.#connections) this.#fill(conn);
      this.#checkDone();
    });
  }

  onResponse(conn: Connection): void {
    this.#inflight--;
    this.#noteSettled(1);
    if (!this.#stopping) this.#fill(conn);
    this.#checkDone();
  }

  onFailure(conn: Connection, kind: FailureKind, count: number, message: string): void {
    this.#inflight -= count;
    this.#firstError ??= message;
    this.#noteSettled(count);
    if (STOPS_RUN[kind] && !this.#config.continueOnError) this.stop('error', 0);
    else if (!this.#stopping) this.#fill(conn);
    this.#checkDone();
  }

  /** Stops issuing; in-flight requests get graceMs, then whatever is left is cut off and counted. */
  stop(reason: StopReason, graceMs: number): void {
    if (this.#finish === null) return;
    if (!this.#stopping) {
      this.#stopping = true;
      this.#stopReason = reason;
      this.#endMs = performance.now();
    }
    if (graceMs > 0 && this.#inflight > 0) {
      this.#timers.push(setTimeout(() => this.stop(reason, 0), graceMs));
      return;
    }
    for (const conn of this.#connections) {
      const cut = conn.close();
      this.recorder.counters[C.cutOff]! += cut;
      this.#inflight -= cut;
    }
    this.#checkDone();
  }

  #fill(conn: Connection): void {
    const count = Math.min(conn.capacity, this.#budget - this.#issued);
    if (count <= 0) return;
    this.#issued += count;
    this.#inflight += count;
    this.recorder.counters[C.issued]! += count;
    conn.send(performance.now(), count);
  }

  #noteSettled(count: number): void {
    this.#settled += count;
    if (this.#settled >= this.#nextProgress) {
      this.#nextProgress += this.#progressEvery;
      this.#onProgress?.(this.#settled);
    }
  }

  #checkDone(): void {
    if (this.#inflight > 0 || this.#finish === null) return;
    if (!this.#stopping && this.#issued < this.#budget) return;
    if (!this.#stopping) {
      this.#stopping = true;
      this.#endMs = performance.now();
    }
    for (const conn of this.#connections) conn.close();
    const finish = this.#finish;
    this.#finish = null;
    finish();
  }

  #sweep(): void {
    const now = performance.now();
    const timeoutMs = this.#config.timeoutMs;
    for (const conn of this.#connections) conn.checkTimeout(now, timeoutMs);
  }
}

export function runEngine(config: Config, endpoint: Endpoint, version: string, hooks: EngineHooks = {}): Promise<EngineResult> {
  return new Engine(config, endpoint, version, hooks).run(hooks.signal, hooks.graceMs ?? 0);
}
