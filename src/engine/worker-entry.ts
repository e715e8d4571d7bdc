// A worker thread's side of a multi-worker run: one Engine on its share of the load.

import { parentPort, workerData } from 'node:worker_threads';
import { ClientMonitor } from '../metrics/client-monitor.js';
import { SharedLength } from '../metrics/shared-length.js';
import { Engine } from './engine.js';
import { startSampling } from './run.js';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.js';

const port = parentPort;
if (port !== null) {
  const input = workerData as WorkerInput;
  const post = (m: FromWorker): void => port.postMessage(m);
  const engine = new Engine(input.config, input.endpoint, input.version, {
    progressEvery: input.progressEvery,
    onProgress: (settled) => post({ type: 'progress', settled }),
    onErrorStop: () => post({ type: 'error-stop' }),
    runLength: new SharedLength(input.runLength),
    ...(input.heads ? { onResponseHead: (status: number, head: string) => post({ type: 'head', status, head }) } : {}),
  });
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
  const stopSampling = input.sample ? startSampling(() => engine.recorder, (sample) => post({ type: 'sample', sample })) : null;
  const result = await engine.run();
  stopSampling?.();
  post({
    type: 'done',
    recorder: result.recorder.snapshot(),
    startedAtMs: result.startedAtMs,
    elapsedMs: result.elapsedMs,
    stopReason: result.stopReason,
    firstError: result.firstError,
    thread: monitor.stop(),
  });
  port.close();
}
