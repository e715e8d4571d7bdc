// Pipelining against real sockets: the in-flight bound under a rate schedule, and servers that close
// or reset a connection with requests still on it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { startNginx } from '../helpers/nginx.js';
import { requireTool } from '../helpers/tools.js';
import { runArgs } from '../helpers/summaries.js';
import { listenLoopback } from '../helpers/loopback.js';

interface PipelineServer {
  readonly url: string;
  /** Requests answered, over all sockets. */
  answered(): number;
  /** The most requests any one socket had received and not yet answered. */
  maxOutstanding(): number;
  connections(): number;
  /** Sockets reset by resetAt. */
  resets(): number;
  close(): Promise<void>;
}

interface PipelineServerOptions {
  /** Each request is answered this long after it arrives (in order, as HTTP/1.1 requires). */
  readonly answerAfterMs: number;
  /** Every nth response on a socket says Connection: close and the socket ends after it. */
  readonly closeEvery?: number;
  /** Every socket is reset (RST) when its nth request arrives, unannounced, with that request unanswered. */
  readonly resetAt?: number;
}

async function startPipelineServer(options: PipelineServerOptions): Promise<PipelineServer> {
  let answered = 0;
  let maxOutstanding = 0;
  let connections = 0;
  let resets = 0;
  const server = await listenLoopback((socket) => {
    connections++;
    let pending = '';
    let received = 0;
    let outstanding = 0;
    let closing = false;
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4);
        if (closing) continue; // after a close is announced, the rest is never answered
        received++;
        const dueMs = performance.now() + options.answerAfterMs;
        if (received === options.resetAt) {
          // After the answers already on their way: timers of one delay fire in order.
          closing = true;
          setTimeout(() => {
            resets++;
            socket.resetAndDestroy();
          }, options.answerAfterMs);
          continue;
        }
        outstanding++;
        maxOutstanding = Math.max(maxOutstanding, outstanding);
        const last = options.closeEvery !== undefined && received % options.closeEvery === 0;
        closing ||= last;
        const answer = (): void => {
          if (socket.destroyed) return;
          // A timer may fire up to a millisecond early against performance.now(): never answer early.
          if (performance.now() < dueMs) {
            setImmediate(answer);
            return;
          }
          outstanding--;
          answered++;
          socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n${last ? 'Connection: close\r\n' : ''}\r\nok`);
          if (last) socket.end();
        };
        setTimeout(answer, options.answerAfterMs);
      }
    });
  });
  return {
    url: `${server.url}/`,
    answered: () => answered,
    maxOutstanding: () => maxOutstanding,
    connections: () => connections,
    resets: () => resets,
    close: () => server.close(),
  };
}

test(
  "--rate with --pipeline 4 never has more than 4 requests outstanding, and no Waiting below the server's 5 ms",
  { timeout: 20_000 },
  async (t) => {
    const server = await startPipelineServer({ answerAfterMs: 5 });
    try {
      const s = await runArgs(['-k', '--pipeline', '4', '-c', '1', '--rate', '2000', '-t', '2', server.url]);
      t.diagnostic(`${s.responses} complete, max outstanding ${server.maxOutstanding()}, waiting min ${s.waiting?.minUs} µs`);
      assert.ok(server.maxOutstanding() <= 4, `${server.maxOutstanding()} outstanding on one socket`);
      assert.ok(s.responses > 100, `${s.responses} complete`);
      assert.ok(s.waiting !== null && s.waiting.minUs >= 5000, `Waiting min ${s.waiting?.minUs} µs`);
      assert.ok(s.total !== null && s.total.minUs >= 5000, `Total min ${s.total?.minUs} µs`);
    } finally {
      await server.close();
    }
  },
);

test('a server that announces its close every 25 responses: no failures, each request answered once', { timeout: 20_000 }, async () => {
  // As nginx does after keepalive_requests: the requests pipelined behind the closing response are
  // never answered on that socket, and go out again on a new one (RFC 9112 §9.3.2). No -r.
  const server = await startPipelineServer({ answerAfterMs: 0, closeEvery: 25 });
  try {
    const s = await runArgs(['-k', '--pipeline', '10', '-c', '3', '-n', '3000', server.url]);
    assert.equal(s.stopReason, 'requests');
    assert.equal(s.failed, 0, JSON.stringify(s.errors));
    assert.equal(s.responses, 3000);
    assert.equal(s.issued, 3000);
    assert.equal(server.answered(), 3000);
    assert.ok(s.resent > 0, 're-sent');
    assert.ok(server.connections() >= 3000 / 25);
  } finally {
    await server.close();
  }
});

test(
  'an unannounced reset mid-pipeline fails the request being read; those behind it are sent again once',
  { timeout: 20_000 },
  async () => {
    // Each socket answers 4 requests, then resets when the 5th arrives.
    const server = await startPipelineServer({ answerAfterMs: 0, resetAt: 5 });
    try {
      const s = await runArgs(['-k', '-r', '--pipeline', '8', '-c', '2', '-n', '400', server.url]);
      // Answers written just before a reset may be lost with it, so the server may count a few more.
      assert.ok(s.responses <= server.answered(), `${s.responses} complete, ${server.answered()} answered`);
      assert.equal(s.responses + s.failures.connect + s.failures.receive + s.failures.exceptions + s.cutOff, 400);
      // A reset fails the request being read, and those re-sent once already; the rest go out again.
      assert.ok(s.failures.receive >= server.resets() - 2, `${s.failures.receive} failed, ${server.resets()} resets`);
      assert.ok(s.responses >= 4 * (server.resets() - 2), `${s.responses} complete: each socket answers 4 before its reset`);
      assert.ok(s.resent > 0, 're-sent');
      assert.ok(s.resent < 400, `${s.resent} re-sent`);
    } finally {
      await server.close();
    }
  },
);

const skipNginx = requireTool('nginx');

test(
  'against nginx with its default keepalive_requests, --pipeline 10 runs to the end with every request logged once',
  { timeout: 60_000, skip: skipNginx },
  async (t) => {
    // nginx closes a kept-alive connection after 1000 requests (keepalive_requests, left at its default).
    const nginx = await startNginx('location = /hello.txt { return 200 "hello"; }');
    try {
      const s = await runArgs(['-q', '-k', '--pipeline', '10', '-c', '10', '-n', '50000', `${nginx.url}/hello.txt`]);
      t.diagnostic(`${s.responses} complete, ${s.resent} re-sent, ${Math.round(s.responses / s.elapsedSeconds)} req/s`);
      assert.equal(s.stopReason, 'requests');
      assert.equal(s.failed, 0, JSON.stringify(s.errors));
      assert.equal(s.responses, 50_000);
      assert.equal(s.statusCodes['200'], 50_000);
      assert.equal(await nginx.loggedRequests(), 50_000);
    } finally {
      await nginx.stop();
    }
  },
);
