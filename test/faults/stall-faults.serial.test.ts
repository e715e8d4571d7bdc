// Servers that stall, stop accepting or are not there: gb ends within its timeouts and still accounts for every request.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DRAIN_TIMEOUT_MS } from '../../src/transport/socket-drain.js';
import { closedPort, runAccounted, startFaultServer, type FaultServer } from './fault-server.js';

async function withServer(body: (server: FaultServer) => Promise<void>, acceptLimit?: number): Promise<void> {
  const server = await startFaultServer(acceptLimit === undefined ? {} : { acceptLimit });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

const T = { timeout: 10_000 };
/** Timer and scheduling slack on a busy test machine. */
const SLACK_MS = 400;

// The stalls mostly wait on timers, so they run side by side to keep the file fast.
describe('stalls', { concurrency: true }, () => {
  test('a server that never answers: -s times the request out as a Receive failure; without -r the run stops there', T, () =>
    withServer(async (server) => {
      const { summary, wallMs, firstError } = await runAccounted(['-n', '4', '-c', '2', '-s', '0.5', server.url('/never')]);
      await server.idle();
      assert.ok(wallMs >= 450 && wallMs < 500 + SLACK_MS, `took ${wallMs} ms`);
      assert.equal(summary.stopReason, 'error');
      assert.equal(summary.issued, 2);
      assert.equal(summary.failures.receive, 1);
      assert.equal(summary.timeouts, 1);
      assert.equal(summary.cutOff, 1);
      assert.equal(firstError, 'timeout: no answer within 0.5 s');
      assert.deepEqual(summary.errorCodes, { TIMEOUT: 1 });
      assert.equal(server.stats('/never').requests, 2);
    }),
  );

  test('a server that never answers, with -r: every request times out, two rounds of -s in all', T, () =>
    withServer(async (server) => {
      const { summary, wallMs } = await runAccounted(['-r', '-n', '4', '-c', '2', '-s', '0.5', server.url('/never')]);
      await server.idle();
      assert.ok(wallMs >= 950 && wallMs < 1000 + SLACK_MS, `took ${wallMs} ms`);
      assert.equal(summary.failures.receive, 4);
      assert.equal(summary.timeouts, 4);
      assert.equal(summary.responses, 0);
      assert.equal(server.stats('/never').requests, 4);
    }),
  );

  test('an answer after a delay: complete within -s; a timeout, not a wait, beyond it', T, () =>
    withServer(async (server) => {
      const inTime = await runAccounted(['-n', '3', '-s', '1', server.url('/delay?ms=150')]);
      assert.equal(inTime.summary.responses, 3);
      assert.ok(inTime.summary.total !== null && inTime.summary.total.minUs >= 140_000);

      const late = await runAccounted(['-r', '-n', '2', '-s', '0.2', server.url('/delay?ms=1500')]);
      assert.ok(late.wallMs < 2 * 200 + SLACK_MS, `took ${late.wallMs} ms: gb waited for the late answers`);
      assert.equal(late.summary.timeouts, 2);
      assert.equal(late.summary.failures.receive, 2);
      assert.equal(server.stats('/delay').requests, 5);
    }),
  );

  test('a body that drips a byte at a time: -s bounds silence, not the whole exchange, as in ab', T, () =>
    withServer(async (server) => {
      // Each answer takes ~300 ms in all, but no gap reaches the 150 ms timeout.
      const { summary } = await runAccounted(['-k', '-n', '2', '-s', '0.15', server.url('/drip?bytes=6&ms=50')]);
      assert.equal(summary.responses, 2);
      assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
      assert.equal(summary.bytes.body, 12);
      assert.ok(summary.total !== null && summary.total.minUs >= 250_000);
    }),
  );

  test('a server that stops accepting after N connections: the N complete, the next connect is refused', T, async () => {
    await withServer(async (server) => {
      const { summary, firstError } = await runAccounted(['-n', '20', server.url('/ok')]);
      await server.idle();
      assert.equal(server.connections, 5);
      assert.equal(summary.responses, server.stats('/ok').requests);
      assert.equal(summary.responses, 5);
      assert.equal(summary.failures.connect, 1);
      assert.equal(summary.stopReason, 'error');
      assert.equal(firstError, 'ECONNREFUSED');
    }, 5);
    await withServer(async (server) => {
      const { summary } = await runAccounted(['-r', '-n', '20', '-c', '2', server.url('/ok')]);
      await server.idle();
      assert.equal(summary.responses, 5);
      assert.equal(summary.failures.connect, 15);
      assert.deepEqual(summary.errors, { ECONNREFUSED: 15 });
    }, 5);
  });

  test('a port with nothing listening: Connect failures, ECONNREFUSED, at once', T, async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/`;
    const stopped = await runAccounted(['-n', '5', url], { maxMs: 2000 });
    assert.equal(stopped.summary.stopReason, 'error');
    assert.equal(stopped.summary.issued, 1);
    assert.equal(stopped.summary.failures.connect, 1);
    assert.equal(stopped.firstError, 'ECONNREFUSED');

    const kept = await runAccounted(['-r', '-n', '50', '-c', '5', url], { maxMs: 2000 });
    assert.equal(kept.summary.failures.connect, 50);
    assert.deepEqual(kept.summary.errors, { ECONNREFUSED: 50 });
  });
});

// Alone, because any run that ends closes every socket still draining, which would hide the fault.
test('a server that says Connection: close but never closes: gb closes the socket itself after a while', T, () =>
  withServer(async (server) => {
    let closedDuringRun = -1;
    // The engine expires drained sockets in its 250 ms sweep: allow a sweep and some slack past the timeout.
    const sampleMs = DRAIN_TIMEOUT_MS + 700;
    const sampler = setTimeout(() => {
      closedDuringRun = server.closedConnections;
    }, sampleMs);
    try {
      // Rate mode keeps the run going past the drain timeout with few sockets.
      const { summary } = await runAccounted(['--rate', '20', '-t', `${(sampleMs + 300) / 1000}`, server.url('/close-lie')], {
        maxMs: 5000,
      });
      assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
      assert.ok(summary.responses >= 20, `complete ${summary.responses}`);
    } finally {
      clearTimeout(sampler);
    }
    // Sockets from the first ~300 ms were past the drain timeout by the sample; without it none closes before the run ends.
    assert.ok(closedDuringRun >= 3, `server saw ${closedDuringRun} closes of ${server.connections} connections before the run ended`);
    await server.idle();
  }),
);
