// Runs the engine in this thread, watching the client while it works (workers.ts fans out to threads).

import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import { ClientMonitor } from '../metrics/client-monitor.js';
import type { SummaryFacts } from './summarize.js';
import type { ExchangeSink } from '../metrics/recorder.js';
import { SharedLength } from '../metrics/shared-length.js';
import type { Endpoint } from '../transport/connection.js';
import { addLive, type LiveTotals, type ThreadLive } from '../metrics/live-totals.js';
import { EngineGroup, type LiveSample } from './engine-group.js';
import type { ScriptRunner } from './script-runner.js';

export interface RunHooks {
  /** Aborting stops the run (Ctrl-C): no new requests; in-flight ones get `graceMs` to finish. */
  readonly signal?: AbortSignal;
  readonly graceMs?: number;
  /** Called each time another `progressEvery` requests have ended (ab's heartbeat). */
  readonly onProgress?: (settled: number) => void;
  readonly progressEvery?: number;
  /** Called every SAMPLE_EVERY_MS with the run so far, for a live view. */
  readonly onSample?: (sample: LiveSample) => void;
  /** Gets every measured exchange (ab's -g); in-thread runs only. */
  readonly exchangeSink?: ExchangeSink;
  /**
   * Live outputs (--out, --dashboard): the run so far every liveEveryMs, added over every thread, and
   * once more after the last response from the run's final recorder (final: true), the report's numbers.
   */
  readonly onLive?: (live: LiveTotals) => void;
  readonly liveEveryMs?: number;
  /** -v 2 and up: each response's status and header block, from whichever thread read it. */
  readonly onResponseHead?: (status: number, head: string) => void;
}

export type { LiveSample } from './engine-group.js';

export const SAMPLE_EVERY_MS = 100;

/** Samples the engines for a live view until the returned function is called. */
export function startSampling(group: EngineGroup, onSample: (s: LiveSample) => void): () => void {
  const timer = setInterval(() => onSample(group.sample()), SAMPLE_EVERY_MS);
  return () => clearInterval(timer);
}

/**
 * Calls `report` with the thread's part of the live outputs every `everyMs`, its busy share measured
 * over each period, until the returned function is called.
 */
export function startLiveReports(group: EngineGroup, everyMs: number, report: (live: ThreadLive) => void): () => void {
  let before = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    report(group.live(performance.eventLoopUtilization(now, before).utilization));
    before = now;
  }, everyMs);
  return () => clearInterval(timer);
}

/** Everything a run leaves for the summary. */
export interface RunFacts extends SummaryFacts {
  /** The failure that stopped the run (no -r), or null. */
  readonly firstError: string | null;
  /** --script in this thread: its teardown() is still to run, with the Summary. */
  readonly script?: ScriptRunner | null;
  /** --script in workers: the first error a worker's teardown() reported. */
  readonly scriptError?: string | null;
}

/**
 * How long before --start-at (or its warm-up) the wait below ends: time to build the engine and get
 * its code warm, so that the engine's own, precise wait (Engine.run) still has some left to do.
 */
const START_LEAD_MS = 50;

/**
 * With --start-at, sleeps until just before the warm-up (or else the measured run) is due, so that
 * the client's health is measured over the run and not diluted by the wait; Ctrl-C ends the wait.
 */
export async function untilStart(config: Config, signal?: AbortSignal): Promise<void> {
  if (config.startAtMs === null) return;
  const waitMs = config.startAtMs - config.warmupMs - START_LEAD_MS - Date.now();
  if (waitMs <= 0 || signal?.aborted === true) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function runInThread(config: Config, endpoint: Endpoint, version: string, hooks: RunHooks = {}): Promise<RunFacts> {
  await untilStart(config, hooks.signal);
  const monitor = new ClientMonitor();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  let script: ScriptRunner | null;
  let engine: EngineGroup;
  try {
    // Loaded only for a script: a static run never pays for the loader.
    script = config.script === null ? null : await (await import('./script-start.js')).startScript(config, version, 0);
    engine = await EngineGroup.create(config, endpoint, version, {
      ...(script === null ? {} : { script }),
      ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
      progressEvery: hooks.progressEvery ?? 0,
      ...(hooks.exchangeSink === undefined ? {} : { exchangeSink: hooks.exchangeSink }),
      ...(hooks.onResponseHead === undefined ? {} : { onResponseHead: hooks.onResponseHead }),
      live: hooks.onLive !== undefined,
      runLength: new SharedLength(),
    });
  } catch (e) {
    // A script's setup() that threw, or an origin that did not resolve: the run never starts, and
    // the monitor's sampling timer and observers must not outlive it (run() may be called again).
    monitor.stop();
    throw e;
  }
  // One turn of the event loop before the first socket opens and its clock starts: V8 posts a young-
  // generation GC as a task while start-up and the engine's set-up allocate, and run on the loop's
  // next turn it landed between the first connect() and its callback, adding 1–2 ms to the first
  // request's Connect time (ab shows 0 there).
  await new Promise<void>((resolve) => setImmediate(resolve));
  const stopSampling = hooks.onSample === undefined ? null : startSampling(engine, hooks.onSample);
  const onLive = hooks.onLive;
  const stopLive = onLive === undefined ? null : startLiveReports(engine, hooks.liveEveryMs ?? 1000, (live) => onLive(addLive([live])));
  const { signal } = hooks;
  const onAbort = (): void => engine.stop('interrupted', hooks.graceMs ?? 0);
  signal?.addEventListener('abort', onAbort, { once: true });
  const running = engine.run();
  if (signal?.aborted === true) onAbort();
  const result = await running;
  stopSampling?.();
  stopLive?.();
  signal?.removeEventListener('abort', onAbort);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ...result,
    thread: monitor.stop(),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    wallMs: performance.now() - wallBefore,
    threads: 1,
    script,
  };
}
