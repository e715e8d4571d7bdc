// Fans a run out over worker threads (-G): exact shares of the load, results merged by addition.

import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/config.js';
import { ClientMonitor, combineThreadHealth, type ThreadHealth } from '../metrics/client-monitor.js';
import { Recorder } from '../metrics/recorder.js';
import { SharedLength } from '../metrics/shared-length.js';
import { weightiestStop, type StopReason } from '../metrics/summary.js';
import { Timeline } from '../metrics/timeline.js';
import type { Endpoint } from '../transport/connection.js';
import { untilStart, type LiveSample, type RunFacts, type RunHooks } from './run.js';
import { splitConfig } from './split.js';
import { ScriptStartError, StartError } from './start-error.js';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.js';

type Done = Extract<FromWorker, { type: 'done' }>;

/** Each worker's Config: its share of requests, connections and rate; shares sum exactly to the whole. */
export function shareConfig(config: Config): Config[] {
  return splitConfig(config, config.workers).map((share) => ({ ...share, workers: 1 }));
}

export async function runWorkers(config: Config, endpoint: Endpoint, version: string, hooks: RunHooks = {}): Promise<RunFacts> {
  // Measured from 'go': the wait for --start-at is not the client's work.
  let monitor = new ClientMonitor();
  let cpuBefore = process.cpuUsage();
  let wallBefore = performance.now();
  const shares = shareConfig(config);
  const step = hooks.progressEvery ?? 0;
  const settledBy = new Array<number>(shares.length).fill(0);
  const samples = new Array<LiveSample>(shares.length).fill({ settled: 0, failed: 0, p99Us: null });
  const onSample = hooks.onSample;
  const runLength = new SharedLength();
  let nextProgress = step > 0 ? step : Number.POSITIVE_INFINITY;
  const workers: Worker[] = [];
  let started = false;
  let pendingStop: ToWorker | null = null;
  const stopAll = (reason: StopReason, graceMs: number, except?: Worker): void => {
    const m: ToWorker = { type: 'stop', reason, graceMs };
    // A stop before 'go' would find no run to stop: it follows the 'go' instead.
    if (!started) pendingStop = m;
    else for (const w of workers) if (w !== except) w.postMessage(m);
  };
  const onAbort = (): void => stopAll('interrupted', hooks.graceMs ?? 0);
  let ready = 0;

  const done = shares.map(
    (share, i) =>
      new Promise<Done>((resolve, reject) => {
        const input: WorkerInput = {
          config: share,
          endpoint,
          version,
          // Workers report often enough that the merged heartbeat lands close to each multiple.
          progressEvery: step > 0 ? Math.max(1, Math.floor(step / (4 * shares.length))) : 0,
          sample: onSample !== undefined,
          heads: hooks.onResponseHead !== undefined,
          runLength: runLength.buffer,
          worker: i,
        };
        const w = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: input });
        workers.push(w);
        w.on('message', (m: FromWorker) => {
          if (m.type === 'ready') {
            ready += 1;
            if (ready === shares.length) {
              void untilStart(config, hooks.signal).then(() => {
                monitor.stop();
                monitor = new ClientMonitor();
                cpuBefore = process.cpuUsage();
                wallBefore = performance.now();
                started = true;
                for (const each of workers) {
                  each.postMessage({ type: 'go' } satisfies ToWorker);
                  if (pendingStop !== null) each.postMessage(pendingStop);
                }
              });
            }
          } else if (m.type === 'progress') {
            settledBy[i] = m.settled;
            const total = settledBy.reduce((a, b) => a + b, 0);
            while (total >= nextProgress) {
              hooks.onProgress?.(nextProgress);
              nextProgress += step;
            }
          } else if (m.type === 'sample') {
            samples[i] = m.sample;
            // The live view shows the slowest worker's p99: an upper bound of the merged one.
            onSample?.({
              settled: samples.reduce((a, s) => a + s.settled, 0),
              failed: samples.reduce((a, s) => a + s.failed, 0),
              p99Us: samples.reduce<number | null>((a, s) => (s.p99Us === null ? a : Math.max(a ?? 0, s.p99Us)), null),
            });
          } else if (m.type === 'head') {
            hooks.onResponseHead?.(m.status, m.head);
          } else if (m.type === 'script-error') {
            reject(new ScriptStartError(m.message));
          } else if (m.type === 'start-error') {
            reject(new StartError(m.message));
          } else if (m.type === 'error-stop') {
            stopAll('error', 0, w);
          } else {
            resolve(m);
          }
        });
        w.on('error', reject);
        w.on('exit', (code) => reject(new Error(`worker ${i} exited with code ${code} before reporting`)));
      }),
  );
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  if (hooks.signal?.aborted === true) onAbort();
  let results: Done[];
  try {
    results = await Promise.all(done);
  } catch (e) {
    // A worker's script did not start: the run never does, and this thread's monitor stops with it.
    monitor.stop();
    throw e;
  } finally {
    hooks.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const startedAtMs = Math.min(...results.map((r) => r.startedAtMs));
  const endedAtMs = Math.max(...results.map((r) => r.startedAtMs + r.elapsedMs));
  const recorder = new Recorder(new Timeline(startedAtMs, 0));
  for (const r of results) recorder.merge(r.recorder);
  const cpu = process.cpuUsage(cpuBefore);
  const threads: ThreadHealth[] = [monitor.stop(), ...results.map((r) => r.thread)];
  return {
    recorder,
    startedAtMs,
    elapsedMs: endedAtMs - startedAtMs,
    stopReason: weightiestStop(results.map((r) => r.stopReason)),
    firstError: results.find((r) => r.firstError !== null)?.firstError ?? null,
    scriptError: results.find((r) => r.scriptError !== null)?.scriptError ?? null,
    thread: combineThreadHealth(threads),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    wallMs: performance.now() - wallBefore,
    threads: shares.length,
  };
}
