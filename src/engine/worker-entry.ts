// A worker thread's side of a multi-worker run: one Engine on its share of the load.

import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { ClientMonitor } from '../metrics/client-monitor.js';
import { SharedLength } from '../metrics/shared-length.js';
import { EngineGroup } from './engine-group.js';
import { startLiveReports, startSampling } from './run.js';
import { StartError } from './start-error.js';
import { summarize } from './summarize.js';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.js';

const port = parentPort;
if (port !== null) {
  const input = workerData as WorkerInput;
  const post = (m: FromWorker): void => port.postMessage(m);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  let script = null;
  try {
    script =
      input.config.script === null
        ? null
        : await (await import('./script-start.js')).startScript(input.config, input.version, input.worker);
  } catch (e) {
    post({ type: 'script-error', message: e instanceof Error ? e.message : String(e) });
    port.close();
    process.exit(0);
  }
  let engine: EngineGroup;
  try {
    engine = await EngineGroup.create(input.config, input.endpoint, input.version, {
      ...(script === null ? {} : { script }),
      progressEvery: input.progressEvery,
      onProgress: (settled) => post({ type: 'progress', settled }),
      onErrorStop: () => post({ type: 'error-stop' }),
      runLength: new SharedLength(input.runLength),
      live: input.liveEveryMs > 0,
      ...(input.heads ? { onResponseHead: (status: number, head: string) => post({ type: 'head', status, head }) } : {}),
    });
  } catch (e) {
    // An error thrown out of a worker reaches the main thread as a plain Error: its class is lost.
    if (!(e instanceof StartError)) throw e;
    post({ type: 'start-error', message: e.message });
    port.close();
    process.exit(0);
  }
  const go = new Promise<void>((start) => {
    port.on('message', (m: ToWorker) => {
      if (m.type === 'go') start();
      else engine.stop(m.reason, m.graceMs);
    });
  });
  post({ type: 'ready' });
  await go;
  // After 'go', which waited for any --start-at: the thread's health covers the run, not the wait.
  const monitor = new ClientMonitor();
  const stopSampling = input.sample ? startSampling(engine, (sample) => post({ type: 'sample', sample })) : null;
  const stopLive = input.liveEveryMs > 0 ? startLiveReports(engine, input.liveEveryMs, (live) => post({ type: 'live', live })) : null;
  const result = await engine.run();
  stopSampling?.();
  stopLive?.();
  const thread = monitor.stop();
  let scriptError: string | null = null;
  if (script !== null) {
    // teardown() gets this worker's share of the run, summarized as a run of its own.
    const cpu = process.cpuUsage(cpuBefore);
    const facts = { ...result, thread, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, wallMs: performance.now() - wallBefore, threads: 1 };
    scriptError = await script.teardown(summarize(input.config, facts));
  }
  post({
    type: 'done',
    recorder: result.recorder.snapshot(),
    startedAtMs: result.startedAtMs,
    elapsedMs: result.elapsedMs,
    stopReason: result.stopReason,
    firstError: result.firstError,
    thread,
    scriptError,
  });
  port.close();
}
