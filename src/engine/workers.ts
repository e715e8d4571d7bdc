// Fans a run out over worker threads (-G): exact shares of the load, results merged by addition.

import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/config.js';
import { ClientMonitor, combineThreadHealth, type ThreadHealth } from '../metrics/client-monitor.js';
import { SharedLength } from '../metrics/shared-length.js';
import type { StopReason } from '../metrics/summary.js';
import type { Endpoint } from '../transport/connection.js';
import { addLive, type ThreadLive } from '../metrics/live-totals.js';
import { addUp } from './engine-group.js';
import { untilStart, type LiveSample, type RunFacts, type RunHooks } from './run.js';
import { splitConfig } from './split.js';
import { ScriptStartError, StartError } from './start-error.js';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.js';

type Done = Extract<FromWorker, { type: 'done' }>;

/** Each worker's Config: its share of requests, connections and rate; shares sum exactly to the whole. */
export function shareConfig(config: Config): Config[] {
  return splitConfig(config, config.workers).map((share) => ({ ...share, workers: 1 }));
}

/**
 * This thread's side of a run in workers: it starts them together once all have loaded, merges their
 * heartbeats and live samples, passes stops on, and measures this thread's own share of the work.
 */
class Fleet {
  readonly workers: Worker[] = [];
  // Measured from 'go': the wait for --start-at is not the client's work.
  monitor = new ClientMonitor();
  cpuBefore = process.cpuUsage();
  wallBefore = performance.now();
  readonly #config: Config;
  readonly #hooks: RunHooks;
  readonly #size: number;
  readonly #settledBy: number[];
  readonly #samples: LiveSample[];
  /** Each worker's latest part of the live outputs; this thread adds them up once a period. */
  readonly #lives: (ThreadLive | null)[];
  #liveTimer: NodeJS.Timeout | null = null;
  #nextProgress: number;
  #ready = 0;
  #started = false;
  #pendingStop: ToWorker | null = null;

  constructor(config: Config, size: number, hooks: RunHooks) {
    this.#config = config;
    this.#hooks = hooks;
    this.#size = size;
    this.#settledBy = new Array<number>(size).fill(0);
    this.#samples = new Array<LiveSample>(size).fill({ settled: 0, failed: 0, p99Us: null });
    this.#lives = new Array<ThreadLive | null>(size).fill(null);
    const step = hooks.progressEvery ?? 0;
    this.#nextProgress = step > 0 ? step : Number.POSITIVE_INFINITY;
  }

  stopAll(reason: StopReason, graceMs: number, except?: Worker): void {
    const m: ToWorker = { type: 'stop', reason, graceMs };
    // A stop before 'go' would find no run to stop: it follows the 'go' instead.
    if (!this.#started) this.#pendingStop = m;
    else for (const w of this.workers) if (w !== except) w.postMessage(m);
  }

  /** Starts worker `i` on `input`; resolves with what it reports at the end, rejects if it fails to start or exits first. */
  start(input: WorkerInput, i: number): Promise<Done> {
    return new Promise<Done>((resolve, reject) => {
      const w = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: input });
      this.workers.push(w);
      w.on('message', (m: FromWorker) => {
        if (m.type === 'done') resolve(m);
        else if (m.type === 'script-error') reject(new ScriptStartError(m.message));
        else if (m.type === 'start-error') reject(new StartError(m.message));
        else this.#onMessage(w, i, m);
      });
      w.on('error', reject);
      w.on('exit', (code) => reject(new Error(`worker ${i} exited with code ${code} before reporting`)));
    });
  }

  #onMessage(w: Worker, i: number, m: Exclude<FromWorker, { type: 'done' | 'script-error' | 'start-error' }>): void {
    switch (m.type) {
      case 'ready':
        this.#ready += 1;
        if (this.#ready === this.#size) void untilStart(this.#config, this.#hooks.signal).then(() => this.#go());
        return;
      case 'progress':
        this.#progress(i, m.settled);
        return;
      case 'sample':
        this.#sample(i, m.sample);
        return;
      case 'live':
        this.#lives[i] = m.live;
        return;
      case 'head':
        this.#hooks.onResponseHead?.(m.status, m.head);
        return;
      case 'error-stop':
        this.stopAll('error', 0, w);
        return;
    }
  }

  /** Every worker has loaded (and --start-at has come): all start at once, so their schedules line up. */
  #go(): void {
    this.monitor.stop();
    this.monitor = new ClientMonitor();
    this.cpuBefore = process.cpuUsage();
    this.wallBefore = performance.now();
    this.#started = true;
    const onLive = this.#hooks.onLive;
    if (onLive !== undefined) {
      // The workers report on their own timers: a period's view adds up each one's latest, at most a period old.
      this.#liveTimer = setInterval(() => onLive(addLive(this.#lives.filter((l) => l !== null))), this.#hooks.liveEveryMs ?? 1000);
    }
    for (const each of this.workers) {
      each.postMessage({ type: 'go' } satisfies ToWorker);
      if (this.#pendingStop !== null) each.postMessage(this.#pendingStop);
    }
  }

  /** The run is over: no more periodic live views (the last one comes from the merged recorder). */
  stopLive(): void {
    if (this.#liveTimer !== null) clearInterval(this.#liveTimer);
    this.#liveTimer = null;
  }

  #progress(i: number, settled: number): void {
    this.#settledBy[i] = settled;
    const total = this.#settledBy.reduce((a, b) => a + b, 0);
    const step = this.#hooks.progressEvery ?? 0;
    while (total >= this.#nextProgress) {
      this.#hooks.onProgress?.(this.#nextProgress);
      this.#nextProgress += step;
    }
  }

  #sample(i: number, sample: LiveSample): void {
    const samples = this.#samples;
    samples[i] = sample;
    // The live view shows the slowest worker's p99: an upper bound of the merged one.
    this.#hooks.onSample?.({
      settled: samples.reduce((a, s) => a + s.settled, 0),
      failed: samples.reduce((a, s) => a + s.failed, 0),
      p99Us: samples.reduce<number | null>((a, s) => (s.p99Us === null ? a : Math.max(a ?? 0, s.p99Us)), null),
    });
  }
}

export async function runWorkers(config: Config, endpoint: Endpoint, version: string, hooks: RunHooks = {}): Promise<RunFacts> {
  const shares = shareConfig(config);
  const fleet = new Fleet(config, shares.length, hooks);
  const step = hooks.progressEvery ?? 0;
  const runLength = new SharedLength();
  const done = shares.map((share, i) =>
    fleet.start(
      {
        config: share,
        endpoint,
        version,
        // Workers report often enough that the merged heartbeat lands close to each multiple.
        progressEvery: step > 0 ? Math.max(1, Math.floor(step / (4 * shares.length))) : 0,
        sample: hooks.onSample !== undefined,
        liveEveryMs: hooks.onLive === undefined ? 0 : (hooks.liveEveryMs ?? 1000),
        heads: hooks.onResponseHead !== undefined,
        runLength: runLength.buffer,
        worker: i,
      },
      i,
    ),
  );
  const onAbort = (): void => fleet.stopAll('interrupted', hooks.graceMs ?? 0);
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  if (hooks.signal?.aborted === true) onAbort();
  let results: Done[];
  try {
    results = await Promise.all(done);
  } catch (e) {
    // A worker's script did not start: the run never does, and this thread's monitor stops with it.
    fleet.monitor.stop();
    throw e;
  } finally {
    fleet.stopLive();
    hooks.signal?.removeEventListener('abort', onAbort);
    await Promise.all(fleet.workers.map((w) => w.terminate()));
  }
  return mergedFacts(fleet, results);
}

/** The workers' results added up, with this thread's health and CPU since 'go'. */
function mergedFacts(fleet: Fleet, results: readonly Done[]): RunFacts {
  const merged = addUp(results);
  const cpu = process.cpuUsage(fleet.cpuBefore);
  const threads: ThreadHealth[] = [fleet.monitor.stop(), ...results.map((r) => r.thread)];
  return {
    ...merged,
    scriptError: results.find((r) => r.scriptError !== null)?.scriptError ?? null,
    thread: combineThreadHealth(threads),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    wallMs: performance.now() - fleet.wallBefore,
    threads: results.length,
  };
}
