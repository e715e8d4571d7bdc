// Counting as ab: "Complete requests" is ab's done, so a request whose read failed on an open connection
// is complete and failed; and a run in which nothing succeeded exits 1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import net, { type AddressInfo } from 'node:net';
import { reportField } from '../faults/fault-server.js';
import { spawnGb } from '../helpers/gb-process.js';
import { findTool, requireTool } from '../helpers/tools.js';

/** Resets every connection as its request arrives; counts the requests. */
async function startResetServer(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', () => {
      requests++;
      socket.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const abMissing = requireTool('ab');

for (const keepAlive of [false, true]) {
  const k = keepAlive ? ['-k'] : [];
  test(`a server that resets every request, ${keepAlive ? 'with' : 'without'} -k: 200 complete, 200 failed (Receive), exit 1`, async (t) => {
    const server = await startResetServer();
    try {
      const run = await spawnGb([...k, '-r', '-n', '200', '-c', '10', server.url]).done;
      assert.equal(server.requests(), 200, 'the server saw each request once');
      assert.equal(reportField(run.stdout, 'Complete requests:'), '200');
      assert.equal(reportField(run.stdout, 'Failed requests:'), '200');
      assert.equal(reportField(run.stdout, '   (Connect:'), '0, Receive: 200, Length: 0, Exceptions: 0)');
      assert.equal(run.code, 1, 'nothing succeeded');
      assert.match(run.stderr, /^gb: no request succeeded \(200 receive failures; most often: ECONNRESET\)$/m);
      assert.match(run.stdout, /Requests per second: +\d/, 'the rate counts complete requests, as ab does');

      if (abMissing !== false) {
        t.diagnostic(`ab not compared: ${abMissing}`);
        return;
      }
      // Asynchronously: the server runs in this process and must go on accepting meanwhile.
      const ab = await promisify(execFile)(findTool('ab') ?? 'ab', [...k, '-r', '-n', '200', '-c', '10', server.url], { timeout: 20_000 });
      // ab agrees on Complete and on the Receive failures; its poll loop may also count the same
      // reset once more under Exceptions, which gb does not copy (each request is failed once).
      assert.equal(reportField(ab.stdout, 'Complete requests:'), '200', ab.stdout);
      assert.match(ab.stdout, /\(Connect: 0, Receive: 200, Length: 0, Exceptions: \d+\)/);
    } finally {
      await server.close();
    }
  });
}
