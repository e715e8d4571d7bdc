// Runs the engine in this thread or across worker threads, watching the client while it works.

import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import { ClientMonitor, type ThreadHealth } from '../metrics/client-monitor.js';
import type { Recorder } from '../metrics/recorder.js';
import type { StopReason } from '../metrics/summary.js';
import type { Endpoint } from '../transport/connection.js';
import { Engine } from './engine.js';

export interface RunHooks {
  /** Aborting stops the run (Ctrl-C): no new requests; in-flight ones get `graceMs` to finish. */
  readonly signal?: AbortSignal;
  readonly graceMs?: number;
  /** Called each time another `progressEvery` requests have ended (ab's heartbeat). */
  readonly onProgress?: (settled: number) => void;
  readonly progressEvery?: number;
}

/** Everything a run leaves for the summary. */
export interface RunFacts {
  readonly recorder: Recorder;
  readonly startedAtMs: number;
  readonly elapsedMs: number;
  readonly stopReason: StopReason;
  readonly firstError: string | null;
  readonly thread: ThreadHealth;
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  readonly wallMs: number;
  readonly threads: number;
}

export async function runInThread(config: Config, endpoint: Endpoint, version: string, hooks: RunHooks = {}): Promise<RunFacts> {
  const monitor = new ClientMonitor();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const engine = new Engine(config, endpoint, version, {
    ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
    progressEvery: hooks.progressEvery ?? 0,
  });
  const { signal } = hooks;
  const onAbort = (): void => engine.stop('interrupted', hooks.graceMs ?? 0);
  signal?.addEventListener('abort', onAbort, { once: true });
  const running = engine.run();
  if (signal?.aborted === true) onAbort();
  const result = await running;
  signal?.removeEventListener('abort', onAbort);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ...result,
    thread: monitor.stop(),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    wallMs: performance.now() - wallBefore,
    threads: 1,
  };
}
