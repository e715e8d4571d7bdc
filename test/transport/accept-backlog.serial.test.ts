// A server with a tiny accept backlog, like `python3 -m http.server` (5) or nginx's `backlog=4`:
// a burst of -c connects overflows its accept queue, Linux drops the extra SYNs, and each is only
// retried 1 s later. ab does not wait for those: it counts a request once it is written, so the
// connections that got in serve -n and the dropped connects serve nothing. gb must not either.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import net from 'node:net';
import { runAccounted } from '../faults/fault-server.js';

const BODY = 'x'.repeat(138);
const RESPONSE = `HTTP/1.0 200 OK\r\nServer: backlog4\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`;

/** HTTP/1.0 with a close after every answer, so every request needs a new connect: the python server's way. */
async function startServer(): Promise<{ server: net.Server; url: string }> {
  const server = net.createServer((socket) => {
    let head = '';
    socket.on('error', () => {}); // a client that gives up on a connect may reset it
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) socket.end(RESPONSE);
    });
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/small.txt` };
}

const abMissing = spawnSync('ab', ['-V'], { stdio: 'ignore' }).error !== undefined;

/** ab's longest request in ms, from its percentile table. */
function abLongestMs(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile('ab', args, { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`ab failed: ${error.message}\n${stderr}`));
      const m = /100%\s+(\d+) \(longest request\)/.exec(stdout);
      if (m === null) return reject(new Error(`ab printed no longest request:\n${stdout}`));
      resolve(Number(m[1]));
    });
  });
}

// The signal is a SYN retry, ≥ 1 s; the floor keeps scheduling noise on a busy machine from counting.
const FLOOR_MS = 300;

test(
  'a server with accept backlog 4: gb’s longest request stays within 2× of ab’s, not a SYN retry away',
  { timeout: 60_000 },
  async () => {
    if (abMissing && process.env['CI'] === 'true') assert.fail('ab is not installed (apt-get install apache2-utils)');
    const { server, url } = await startServer();
    try {
      const args = ['-n', '300', '-c', '50', url];
      // This server shares gb's event loop: it accepts nothing until gb has sent all 50 SYNs, so the
      // queue overflows on every run, as it does with python's single accepting thread.
      const gb = await runAccounted(args, { maxMs: 30_000 });
      assert.equal(gb.summary.responses, 300);
      assert.equal(gb.summary.failed, 0);
      assert.ok(gb.summary.total !== null);
      const gbMaxMs = gb.summary.total.maxUs / 1000;
      const boundMs = abMissing ? FLOOR_MS : Math.max(2 * (await abLongestMs(['-q', ...args])), FLOOR_MS);
      assert.ok(
        gbMaxMs <= boundMs,
        `gb's longest request took ${gbMaxMs} ms (bound ${boundMs} ms); the run took ${Math.round(gb.wallMs)} ms`,
      );
    } finally {
      server.close();
    }
  },
);
