// Protocol faults, run through gb's API: each misbehaving answer lands in the right bucket and gb's counts match what the server saw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FAULT_PATHS, runAccounted, startFaultServer, type FaultServer } from './fault-server.js';

/** A fresh server per test, so its per-path counts belong to that test's run alone. */
async function withServer(body: (server: FaultServer) => Promise<void>): Promise<void> {
  const server = await startFaultServer();
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

const T = { timeout: 10_000 };

test('baseline: a well-behaved path completes every request, kept alive on c connections', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-k', '-n', '50', '-c', '5', server.url('/ok')]);
    await server.idle();
    assert.equal(summary.responses, 50);
    assert.equal(summary.failed, 0);
    assert.equal(summary.keepAliveRequests, 50);
    assert.equal(server.stats('/ok').requests, 50);
    assert.equal(server.connections, 5);
  }),
);

test('body shorter than Content-Length, then close: a Length failure of a complete response, and the run goes on', T, () =>
  withServer(async (server) => {
    for (const keepAlive of [[], ['-k']]) {
      const before = server.stats('/short-body').requests;
      const { summary } = await runAccounted([...keepAlive, '-n', '6', '-c', '2', server.url('/short-body')]);
      await server.idle();
      assert.equal(summary.stopReason, 'requests');
      assert.equal(summary.responses, 6);
      assert.equal(summary.failures.length, 6);
      assert.equal(summary.failures.receive, 0);
      assert.equal(summary.bytes.body, 6 * 40);
      assert.equal(server.stats('/short-body').requests - before, 6);
    }
  }),
);

test('chunked body cut short by a close: a Length failure too', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-n', '4', server.url('/short-chunked')]);
    assert.equal(summary.responses, 4);
    assert.equal(summary.failures.length, 4);
    assert.equal(summary.failures.receive, 0);
    assert.equal(summary.bytes.body, 4 * 10);
  }),
);

test('body longer than announced: the response is complete at Content-Length and the stray bytes end the connection', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-k', '-n', '10', '-c', '2', server.url('/long-body')]);
    await server.idle();
    assert.equal(summary.responses, 10);
    assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
    assert.equal(summary.bytes.body, 10 * 10);
    assert.equal(summary.documentLength, 10);
    // A connection whose stream is out of step is not reused.
    assert.equal(summary.keepAliveRequests, 0);
    assert.equal(server.stats('/long-body').requests, 10);
    assert.equal(server.connections, 10);
  }),
);

test('RST in the middle of a body: a Receive failure; without -r it stops the run', T, () =>
  withServer(async (server) => {
    const kept = await runAccounted(['-r', '-n', '6', '-c', '2', server.url('/rst-mid-body')]);
    await server.idle();
    assert.equal(kept.summary.failures.receive, 6);
    assert.equal(kept.summary.responses, 0);
    assert.deepEqual(kept.summary.errors, { ECONNRESET: 6 });
    assert.equal(server.stats('/rst-mid-body').resets, 6);

    const stopped = await runAccounted(['-n', '6', server.url('/rst-mid-body')]);
    await server.idle();
    assert.equal(stopped.summary.stopReason, 'error');
    assert.equal(stopped.summary.issued, 1);
    assert.equal(stopped.summary.failures.receive, 1);
    assert.equal(stopped.firstError, 'ECONNRESET');
    assert.equal(server.stats('/rst-mid-body').requests, 7);
  }),
);

test('RST as soon as the request arrives: with -r every request fails, one per reset the server sent', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-r', '-k', '-n', '20', '-c', '4', server.url('/rst-on-arrival')]);
    await server.idle();
    const seen = server.stats('/rst-on-arrival');
    assert.equal(summary.failures.receive, 20);
    assert.equal(seen.requests, 20);
    assert.equal(seen.resets, summary.failures.receive);
    assert.deepEqual(summary.errors, { ECONNRESET: 20 });
    assert.deepEqual(summary.errorCodes, { ECONNRESET: 20 });
  }),
);

test('RST on arrival without -r: the first failure stops the run and cuts off the requests in flight', T, () =>
  withServer(async (server) => {
    const { summary, firstError } = await runAccounted(['-n', '20', '-c', '4', server.url('/rst-on-arrival')]);
    await server.idle();
    assert.equal(summary.stopReason, 'error');
    assert.equal(firstError, 'ECONNRESET');
    assert.equal(summary.failures.receive, 1);
    assert.equal(summary.issued, 4);
    assert.equal(summary.cutOff, 3);
    // The cut-off requests may or may not have reached the server before gb closed their sockets.
    const seen = server.stats('/rst-on-arrival').requests;
    assert.ok(seen >= 1 && seen <= summary.issued, `server saw ${seen}`);
  }),
);

test('a reset on every tenth request: failures equal the resets, the rest complete', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-r', '-k', '-n', '100', '-c', '4', server.url('/reset-every?n=10')]);
    await server.idle();
    const seen = server.stats('/reset-every');
    assert.equal(seen.requests, 100);
    assert.equal(seen.resets, 10);
    assert.equal(summary.failures.receive, seen.resets);
    assert.equal(summary.responses, 100 - seen.resets);
    assert.equal(summary.failures.length, 0);

    const stopped = await runAccounted(['-n', '30', server.url('/reset-every?n=10')]);
    await server.idle();
    assert.equal(stopped.summary.stopReason, 'error');
    assert.equal(stopped.summary.responses, 9);
    assert.equal(stopped.summary.failures.receive, 1);
    assert.equal(server.stats('/reset-every').requests, 110);
  }),
);

test('bytes that are not HTTP, a malformed status line, a malformed chunk size: Exceptions, and the run goes on', T, () =>
  withServer(async (server) => {
    const cases = [
      { path: '/garbage', message: 'bad response: not an HTTP/1.x response', code: 'BAD_STATUS_LINE' },
      { path: '/bad-status', message: 'bad response: invalid status code', code: 'BAD_STATUS_LINE' },
      { path: '/bad-chunk', message: 'bad response: invalid chunk size', code: 'BAD_CHUNK' },
    ];
    for (const { path, message, code } of cases) {
      const { summary } = await runAccounted(['-k', '-n', '5', server.url(path)]);
      await server.idle();
      assert.equal(summary.stopReason, 'requests', path);
      assert.equal(summary.failures.exceptions, 5, path);
      assert.equal(summary.responses, 0, path);
      assert.deepEqual(summary.errors, { [message]: 5 }, path);
      assert.deepEqual(summary.errorCodes, { [code]: 5 }, path);
      assert.equal(server.stats(path).requests, 5, path);
    }
  }),
);

test('64 KiB of headers are read; 1.5 MiB of headers are refused as an Exception', T, () =>
  withServer(async (server) => {
    const huge = await runAccounted(['-k', '-n', '10', '-c', '2', server.url('/huge-headers')]);
    assert.equal(huge.summary.responses, 10);
    assert.equal(huge.summary.failed, 0);
    assert.ok(huge.summary.bytes.received >= 10 * 64 * 1024, `received ${huge.summary.bytes.received}`);
    assert.equal(huge.summary.bytes.body, 10 * 5);

    const giant = await runAccounted(['-n', '2', server.url('/giant-headers')]);
    assert.equal(giant.summary.failures.exceptions, 2);
    assert.deepEqual(giant.summary.errors, { 'bad response: headers too large': 2 });
    assert.deepEqual(giant.summary.errorCodes, { HEADERS_TOO_LARGE: 2 });
  }),
);

test('500, 404 and 302 are complete responses counted as Non-2xx, not failures', T, () =>
  withServer(async (server) => {
    for (const [path, status] of [
      ['/status/500', '500'],
      ['/status/404', '404'],
      ['/redirect', '302'],
    ] as const) {
      const { summary } = await runAccounted(['-k', '-n', '10', '-c', '2', server.url(path)]);
      assert.equal(summary.responses, 10, path);
      assert.equal(summary.failed, 0, path);
      assert.equal(summary.non2xx, 10, path);
      assert.deepEqual(summary.statusCodes, { [status]: 10 }, path);
      assert.equal(server.stats(path).requests, 10, path);
    }
  }),
);

test('a body length that changes per request: Length failures for every answer unlike the first; none with -l', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-k', '-n', '20', '-c', '3', server.url('/varlen')]);
    const sent = server.stats('/varlen').bodyLengths;
    assert.equal(sent.length, 20);
    assert.ok(summary.documentLength !== null && sent.includes(summary.documentLength));
    assert.equal(summary.failures.length, sent.filter((n) => n !== summary.documentLength).length);
    assert.equal(summary.responses, 20);
    assert.equal(
      summary.bytes.body,
      sent.reduce((a, b) => a + b, 0),
    );

    const variable = await runAccounted(['-l', '-k', '-n', '20', '-c', '3', server.url('/varlen')]);
    assert.equal(variable.summary.failed, 0);
    assert.equal(variable.summary.responses, 20);
  }),
);

test('Connection: close on every third response: all complete, and only the announced closes cost a reconnect', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-k', '-n', '30', server.url('/close-every-3rd')]);
    await server.idle();
    const seen = server.stats('/close-every-3rd');
    assert.equal(summary.responses, 30);
    assert.equal(summary.failed, 0);
    assert.equal(seen.closes, 10);
    assert.equal(summary.keepAliveRequests, 30 - seen.closes);
    // c = 1: one connection to start, one more after each close but the last.
    assert.equal(server.connections, seen.closes);
  }),
);

test('a server that closes kept-alive connections without saying so: the request is sent again, as ab does', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-k', '-n', '20', server.url('/close-quietly')]);
    await server.idle();
    assert.equal(summary.responses, 20);
    assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
    assert.equal(server.stats('/close-quietly').requests, 20);
    assert.equal(server.connections, 20);
  }),
);

test('an HTTP/1.0 answer: complete, and the connection is not kept even with -k', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-k', '-n', '5', server.url('/http10')]);
    await server.idle();
    assert.equal(summary.responses, 5);
    assert.equal(summary.failed, 0);
    assert.equal(summary.keepAliveRequests, 0);
    assert.equal(server.connections, 5);
  }),
);

test('100 Continue before the answer: one complete 200 per request', T, () =>
  withServer(async (server) => {
    const { summary } = await runAccounted(['-k', '-n', '10', server.url('/continue')]);
    assert.equal(summary.responses, 10);
    assert.deepEqual(summary.statusCodes, { '200': 10 });
    assert.equal(summary.keepAliveRequests, 10);
    assert.equal(server.connections, 1);
  }),
);

test('HEAD with a Content-Length: no body is awaited, the connection is reused', T, () =>
  withServer(async (server) => {
    const head = await runAccounted(['-i', '-k', '-n', '10', server.url('/head')], { maxMs: 2000 });
    await server.idle();
    assert.equal(head.summary.responses, 10);
    assert.equal(head.summary.failed, 0);
    assert.equal(head.summary.documentLength, 0);
    assert.equal(head.summary.bytes.body, 0);
    assert.equal(server.connections, 1);

    const get = await runAccounted(['-k', '-n', '3', server.url('/head')]);
    assert.equal(get.summary.documentLength, 1000);
    assert.equal(get.summary.bytes.body, 3000);
  }),
);

test('docs/faults.md lists every fault path the server has', () => {
  const docs = readFileSync(new URL('../../../docs/faults.md', import.meta.url), 'utf8');
  const missing = Object.keys(FAULT_PATHS).filter((path) => !docs.includes('`' + path));
  assert.deepEqual(missing, []);
});
