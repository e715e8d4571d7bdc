// Runs the built-in target server in a worker thread, so a demo's server does not share gb's event loop.

import { Worker } from 'node:worker_threads';

export interface TargetThread {
  readonly url: string;
  close(): Promise<void>;
}

// The worker's whole program: start the server, report its URL, close it when asked.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.targetModule).then(async ({ startTargetServer }) => {
  const server = await startTargetServer(workerData.options);
  parentPort.postMessage(server.url);
  parentPort.once('message', async () => {
    await server.close();
    parentPort.close();
  });
});
`;

/** options: what startTargetServer takes that can cross to a thread ({ http2: 'h2c' } for the HTTP/2 demo). */
export function startTargetThread(options: { readonly http2?: 'h2c' } = {}): Promise<TargetThread> {
  // '../server/' rather than './': the same path from the bundled command (see scripts/bundle.mjs).
  const targetModule = new URL('../server/target.js', import.meta.url).href;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { targetModule, options } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (url: string) => {
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            worker.once('exit', () => done());
            worker.postMessage('close');
          }),
      });
    });
  });
}
