// Acceptance tests of a run through the programmatic API: exact request counts on the server, what arrives there, and how responses are classified.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { renderAbReport, runConfig, startTargetServer } from '../../src/index.js';
import type { Config, Summary } from '../../src/index.js';
import { parseCommandLine } from '../../src/cli/flags.js';
import { startRawServer } from '../helpers/raw-server.js';
import type { RawServerOptions } from '../helpers/raw-server.js';
import { fileScratchDir, fileTarget } from '../helpers/target.js';

/** A hung run fails its test instead of hanging the whole suite. */
const TEST_TIMEOUT = { timeout: 10_000 } as const;

const target = fileTarget();
const inDir = fileScratchDir('gb-run-test-');

/** The Config the command line would build from these arguments. */
function configOf(args: readonly string[]): Config {
  const parsed = parseCommandLine(args);
  if (!parsed.ok) assert.fail(`command line rejected: ${parsed.error.join('; ')}`);
  if (parsed.value.kind !== 'run') assert.fail(`expected a run, got ${parsed.value.kind}`);
  return parsed.value.options.config;
}

/** Every issued request lands in exactly one bucket; Length failures are complete responses. */
function assertArithmetic(summary: Summary): void {
  const { issued, responses, completed, succeeded, failures, cutOff, failed } = summary;
  assert.equal(
    issued,
    responses + failures.connect + failures.receive + failures.exceptions + cutOff,
    `issued ${issued} != responses ${responses} + connect ${failures.connect} + receive ${failures.receive} + exceptions ${failures.exceptions} + cutOff ${cutOff}`,
  );
  // ab's Complete requests: every request that ended on an open connection.
  assert.equal(completed, responses + failures.receive + failures.exceptions);
  assert.equal(succeeded, responses - failures.length);
  assert.equal(failed, failures.connect + failures.receive + failures.length + failures.exceptions);
  assert.ok(
    summary.timeouts <= failures.receive + failures.connect,
    'timeouts are counted under receive (or connect, before a connection opened)',
  );
}

async function run(args: readonly string[]): Promise<Summary> {
  const outcome = await runConfig(configOf(args));
  if (!outcome.ok) assert.fail(`run did not start: ${outcome.error}`);
  assertArithmetic(outcome.value.summary);
  return outcome.value.summary;
}

async function withRawServer(
  options: RawServerOptions,
  body: (url: string, requests: () => number, connections: () => number) => Promise<void>,
): Promise<void> {
  const raw = await startRawServer(options);
  try {
    await body(raw.url, raw.requests, raw.connections);
  } finally {
    await raw.close();
  }
}

function headerValues(name: string): string[] {
  const last = target.stats().lastRequest;
  assert.ok(last !== null, 'the server saw a request');
  return last.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

for (const [requests, concurrency] of [
  [1, 1],
  [10, 10],
  [100, 3],
  [1003, 7],
] as const) {
  for (const keepAlive of [true, false]) {
    test(`-n ${requests} -c ${concurrency}${keepAlive ? ' -k' : ''}: the server sees exactly n requests`, TEST_TIMEOUT, async () => {
      const args = [...(keepAlive ? ['-k'] : []), '-n', String(requests), '-c', String(concurrency), `${target.url}/`];
      const summary = await run(args);
      const stats = target.stats();
      assert.equal(stats.requests, requests, 'server-side request count (no probe, no extra)');
      assert.equal(summary.issued, requests);
      assert.equal(summary.responses, requests);
      assert.equal(summary.failed, 0);
      assert.equal(summary.stopReason, 'requests');
      if (keepAlive) {
        assert.ok(stats.connections <= concurrency, `${stats.connections} connections > -c ${concurrency}`);
        assert.equal(summary.keepAliveRequests, requests);
      } else {
        assert.equal(stats.connections, requests, 'one connection per request without -k');
      }
    });
  }
}

test('-G 2 worker threads share -n 1003 -c 7 -k exactly', TEST_TIMEOUT, async () => {
  const summary = await run(['-G', '2', '-k', '-n', '1003', '-c', '7', `${target.url}/`]);
  const stats = target.stats();
  assert.equal(stats.requests, 1003);
  assert.ok(stats.connections <= 7, `${stats.connections} connections`);
  assert.equal(summary.issued, 1003);
  assert.equal(summary.responses, 1003);
  assert.equal(summary.failed, 0);
});

/** All 256 byte values, three times over and a ragged tail, so any text re-encoding shows. */
function binaryBody(): Buffer {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  return Buffer.concat([all, all.reverse(), all, all.subarray(0, 17)]);
}

for (const [flag, method] of [
  ['-p', 'POST'],
  ['-u', 'PUT'],
] as const) {
  test(`${flag} sends the file byte for byte as a ${method} with -T's Content-Type`, TEST_TIMEOUT, async () => {
    const body = binaryBody();
    const file = inDir(`body-${method}.bin`);
    writeFileSync(file, body);
    const requests = 25;
    const summary = await run(['-k', '-n', String(requests), '-c', '5', flag, file, '-T', 'application/x-gb-test', `${target.url}/`]);
    const stats = target.stats();
    assert.equal(stats.requests, requests);
    assert.equal(stats.bodyBytesReceived, requests * body.length);
    assert.ok(stats.lastRequest !== null);
    assert.equal(stats.lastRequest.method, method);
    assert.ok(stats.lastRequest.body.equals(body), 'body arrived byte for byte');
    assert.deepEqual(headerValues('Content-Type'), ['application/x-gb-test']);
    assert.deepEqual(headerValues('Content-Length'), [String(body.length)]);
    assert.equal(summary.responses, requests);
    assert.equal(summary.failed, 0);
    assert.ok(summary.bytes.sent >= requests * body.length, `sent ${summary.bytes.sent} bytes`);
    assert.match(renderAbReport(summary), new RegExp(`^Total body sent: +${summary.bytes.sent}$`, 'm'));
  });
}

test('a GET report has no "Total body sent:" line', TEST_TIMEOUT, async () => {
  const summary = await run(['-n', '2', `${target.url}/`]);
  assert.doesNotMatch(renderAbReport(summary), /Total body sent:/);
});

test('-H, -C, -A and -z arrive as headers; a -H Host or User-Agent replaces the default', TEST_TIMEOUT, async () => {
  await run([
    '-n',
    '3',
    '-k',
    '-H',
    'X-Token: a=b:c=d',
    '-C',
    'a=1',
    '-C',
    'b=2',
    '-A',
    'user:pa:ss',
    '-z',
    '-H',
    'Host: example.test',
    '-H',
    'User-Agent: custom-agent/9',
    `${target.url}/`,
  ]);
  assert.equal(target.stats().requests, 3);
  assert.deepEqual(headerValues('X-Token'), ['a=b:c=d']);
  assert.deepEqual(headerValues('Cookie'), ['a=1; b=2']);
  assert.deepEqual(headerValues('Authorization'), [`Basic ${Buffer.from('user:pa:ss').toString('base64')}`]);
  assert.deepEqual(headerValues('Accept-Encoding'), ['gzip']);
  assert.deepEqual(headerValues('Host'), ['example.test']);
  assert.deepEqual(headerValues('User-Agent'), ['custom-agent/9']);
});

test("without -H the Host header names the target and the User-Agent is gb's", TEST_TIMEOUT, async () => {
  await run(['-n', '1', `${target.url}/`]);
  assert.deepEqual(headerValues('Host'), [`127.0.0.1:${target.port}`]);
  const [agent] = headerValues('User-Agent');
  assert.match(agent ?? '', /^gb\//);
});

test('-i sends HEAD: every response complete, no Length failures, no body bytes', TEST_TIMEOUT, async () => {
  const requests = 30;
  const summary = await run(['-i', '-k', '-n', String(requests), '-c', '3', `${target.url}/10k.dat`]);
  assert.equal(target.stats().requests, requests);
  assert.equal(target.stats().lastRequest?.method, 'HEAD');
  assert.equal(summary.responses, requests);
  assert.equal(summary.failed, 0);
  assert.equal(summary.failures.length, 0);
  assert.equal(summary.bytes.body, 0);
  assert.match(renderAbReport(summary), /^HTML transferred: +0 bytes$/m);
});

for (const keepAlive of [true, false]) {
  test(`chunked responses${keepAlive ? ' with -k' : ''}: Document Length is the decoded size`, TEST_TIMEOUT, async () => {
    const requests = 20;
    const sizeBytes = 9000; // more than one 4 KiB chunk, and not a multiple of it
    const summary = await run([...(keepAlive ? ['-k'] : []), '-n', String(requests), '-c', '4', `${target.url}/chunked/${sizeBytes}`]);
    assert.equal(target.stats().requests, requests);
    assert.equal(summary.responses, requests);
    assert.equal(summary.failed, 0);
    assert.equal(summary.documentLength, sizeBytes);
    assert.equal(summary.bytes.body, requests * sizeBytes);
    if (keepAlive) assert.ok(target.stats().connections <= 4);
  });
}

for (const keepAlive of [true, false]) {
  test(`a close-delimited HTTP/1.0 body is read to the close${keepAlive ? ' (with -k)' : ''}`, TEST_TIMEOUT, async () => {
    const bodyBytes = 777;
    const reply = `HTTP/1.0 200 OK\r\nServer: raw-test\r\n\r\n${'z'.repeat(bodyBytes)}`;
    await withRawServer({ reply: () => reply, closeAfterReply: true }, async (url, requests) => {
      const count = 30;
      const summary = await run([...(keepAlive ? ['-k'] : []), '-n', String(count), '-c', '3', `${url}/`]);
      assert.equal(requests(), count);
      assert.equal(summary.responses, count);
      assert.equal(summary.failed, 0, JSON.stringify(summary.failures));
      assert.equal(summary.documentLength, bodyBytes);
      assert.equal(summary.bytes.body, count * bodyBytes);
      assert.equal(summary.serverSoftware, 'raw-test');
    });
  });
}

test('a 100 Continue before the 200 is skipped, not counted as the response', TEST_TIMEOUT, async () => {
  const reply = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
  await withRawServer({ reply: () => reply }, async (url, requests, connections) => {
    const count = 30;
    const summary = await run(['-k', '-n', String(count), '-c', '3', `${url}/`]);
    assert.equal(requests(), count);
    assert.ok(connections() <= 3);
    assert.equal(summary.responses, count);
    assert.equal(summary.failed, 0, JSON.stringify(summary.failures));
    assert.deepEqual(summary.statusCodes, { '200': count });
    assert.equal(summary.documentLength, 5);
    assert.equal(summary.bytes.body, count * 5);
  });
});

test('-k against a server that closes every connection: gb reconnects and finishes n', TEST_TIMEOUT, async () => {
  const reply = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello';
  await withRawServer({ reply: () => reply, closeAfterReply: true }, async (url, requests, connections) => {
    const count = 40;
    const summary = await run(['-k', '-n', String(count), '-c', '4', `${url}/`]);
    assert.equal(requests(), count);
    assert.equal(connections(), count);
    assert.equal(summary.responses, count);
    assert.equal(summary.failed, 0, JSON.stringify(summary.failures));
    assert.equal(summary.keepAliveRequests, 0);
  });
});

test(
  '-k: a kept-alive connection the server closes before answering is reopened and the request retried, as in ab',
  TEST_TIMEOUT,
  async () => {
    // Each connection answers one request, then ignores the next one and closes 20 ms later.
    const reply = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    await withRawServer({ reply: () => reply, closeAfterReply: true, closeDelayMs: 20 }, async (url, requests, connections) => {
      const count = 20;
      const summary = await run(['-k', '-n', String(count), '-c', '2', `${url}/`]);
      assert.equal(requests(), count, 'answered requests');
      assert.equal(connections(), count);
      assert.equal(summary.responses, count);
      assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
      assert.equal(summary.stopReason, 'requests');
    });
  },
);

test('a body cut short by the server closing is a Length failure of a complete response', TEST_TIMEOUT, async () => {
  const reply = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello';
  await withRawServer({ reply: () => reply, closeAfterReply: true }, async (url, requests) => {
    const count = 10;
    const summary = await run(['-k', '-n', String(count), '-c', '2', `${url}/`]);
    assert.equal(requests(), count);
    assert.equal(summary.responses, count);
    assert.equal(summary.failures.length, count);
    assert.equal(summary.failures.receive, 0);
    assert.equal(summary.stopReason, 'requests', 'a Length failure does not stop the run');
  });
});

test('a response that is not HTTP is an exception failure and does not stop the run', TEST_TIMEOUT, async () => {
  await withRawServer({ reply: () => 'NOT HTTP AT ALL\r\n\r\n' }, async (url, requests) => {
    const count = 10;
    const summary = await run(['-n', String(count), '-c', '2', `${url}/`]);
    assert.equal(requests(), count);
    assert.equal(summary.responses, 0);
    assert.equal(summary.failures.exceptions, count);
    assert.equal(summary.stopReason, 'requests');
  });
});

test('-s: requests with no answer in time are receive failures and counted as timeouts', TEST_TIMEOUT, async () => {
  const summary = await run(['-r', '-s', '0.2', '-n', '4', '-c', '2', `${target.url}/delay/5000`]);
  assert.equal(summary.responses, 0);
  assert.equal(summary.failures.receive, 4);
  assert.equal(summary.timeouts, 4);
  assert.equal(summary.stopReason, 'requests');
});

test('-s without -r: the first timeout stops the run, the other in-flight request is cut off', TEST_TIMEOUT, async () => {
  const summary = await run(['-s', '0.2', '-n', '4', '-c', '2', `${target.url}/delay/5000`]);
  assert.equal(summary.stopReason, 'error');
  assert.ok(summary.timeouts >= 1);
  assert.equal(summary.issued, 2, 'nothing new is issued after the stop');
  assert.ok(summary.elapsedSeconds < 1, `elapsed ${summary.elapsedSeconds} s`);
});

for (const status of [404, 500]) {
  test(`/status/${status}: Non-2xx responses counted, not failures`, TEST_TIMEOUT, async () => {
    const requests = 20;
    const summary = await run(['-k', '-n', String(requests), '-c', '4', `${target.url}/status/${status}`]);
    assert.equal(target.stats().requests, requests);
    assert.equal(summary.non2xx, requests);
    assert.equal(summary.failed, 0);
    assert.deepEqual(summary.statusCodes, { [String(status)]: requests });
    const report = renderAbReport(summary);
    assert.match(report, new RegExp(`^Non-2xx responses: +${requests}$`, 'm'));
    assert.match(report, /^Failed requests: +0$/m);
  });
}

/** Bodies of 5 and 6 bytes in turn, each with a correct Content-Length. */
function alternatingReply(index: number): string {
  const body = index % 2 === 0 ? 'aaaaa' : 'bbbbbb';
  return `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}

test('bodies whose length differs from the first are Length failures', TEST_TIMEOUT, async () => {
  await withRawServer({ reply: alternatingReply }, async (url, requests) => {
    const count = 20;
    // One connection, so the first response (5 bytes) is known and exactly the odd ones differ.
    const summary = await run(['-k', '-n', String(count), '-c', '1', `${url}/`]);
    assert.equal(requests(), count);
    assert.equal(summary.responses, count, 'Length failures are complete responses');
    assert.equal(summary.failures.length, count / 2);
    assert.equal(summary.failed, count / 2);
    assert.equal(summary.documentLength, 5);
    const report = renderAbReport(summary);
    assert.match(report, new RegExp(`^Failed requests: +${count / 2}$`, 'm'));
    assert.match(report, new RegExp(`Length: ${count / 2},`));
  });
});

test('-l accepts variable lengths: no failures, Document Length: Variable', TEST_TIMEOUT, async () => {
  await withRawServer({ reply: alternatingReply }, async (url, requests) => {
    const count = 20;
    const summary = await run(['-l', '-k', '-n', String(count), '-c', '1', `${url}/`]);
    assert.equal(requests(), count);
    assert.equal(summary.responses, count);
    assert.equal(summary.failed, 0);
    assert.equal(summary.bytes.body, (count / 2) * 5 + (count / 2) * 6);
    assert.match(renderAbReport(summary), /^Document Length: +Variable$/m);
  });
});

test('-t 1 without -n runs about one second, uncapped, and stops on the duration', TEST_TIMEOUT, async () => {
  const config = configOf(['-t', '1', '-c', '2', '-k', `${target.url}/delay/50`]);
  assert.equal(config.requests, null, '-t alone sets no request count (no hidden 50 000 cap)');
  assert.equal(config.durationMs, 1000);
  const startMs = performance.now();
  const outcome = await runConfig(config);
  const wallMs = performance.now() - startMs;
  if (!outcome.ok) assert.fail(outcome.error);
  const { summary } = outcome.value;
  assertArithmetic(summary);
  assert.ok(wallMs >= 900 && wallMs < 3000, `wall time ${wallMs.toFixed(0)} ms`);
  assert.equal(summary.stopReason, 'duration');
  assert.equal(summary.settings.requests, null);
  assert.ok(summary.issued > 0);
  assert.ok(summary.responses > 0, 'some requests completed');
  // Two connections on a 50 ms route make about 40 requests a second; allow wide slack for slow machines.
  assert.ok(summary.responses <= 2 * 25, `complete ${summary.responses}`);
  assert.equal(target.stats().requests, summary.issued, 'every issued request reached the server');
  assert.match(renderAbReport(summary), /^Complete requests: +[1-9]\d*$/m);
});

/** Counts of the handle kinds a leaked socket or timer shows up as. */
function leakableHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPSocketWrap' || kind === 'TCPWRAP' || kind === 'TCPServerWrap' || kind === 'Timeout') {
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
  }
  return counts;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Kinds whose count exceeds the baseline (less `fewer` of each kind named there). */
function excessHandles(baseline: ReadonlyMap<string, number>, fewer: ReadonlyMap<string, number> = new Map()): string[] {
  const excess: string[] = [];
  for (const [kind, count] of leakableHandles()) {
    const allowed = (baseline.get(kind) ?? 0) - (fewer.get(kind) ?? 0);
    if (count > allowed) excess.push(`${kind}: ${count} > ${allowed}`);
  }
  return excess;
}

/** Close events take a few turns of the loop to land; wait for them, but not for long. */
async function waitForNoExcess(baseline: ReadonlyMap<string, number>, fewer?: ReadonlyMap<string, number>): Promise<string[]> {
  const deadlineMs = performance.now() + 500;
  let excess = excessHandles(baseline, fewer);
  while (excess.length > 0 && performance.now() < deadlineMs) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    excess = excessHandles(baseline, fewer);
  }
  for (let i = 0; i < 2; i++) await settle();
  return excessHandles(baseline, fewer);
}

for (const keepAlive of [true, false]) {
  test(`runConfig leaves no socket or timer behind${keepAlive ? ' (-k)' : ''}`, TEST_TIMEOUT, async () => {
    const server = await startTargetServer();
    await settle();
    const before = leakableHandles();
    try {
      const outcome = await runConfig(configOf([...(keepAlive ? ['-k'] : []), '-n', '200', '-c', '10', `${server.url}/`]));
      if (!outcome.ok) assert.fail(outcome.error);
      assertArithmetic(outcome.value.summary);
      assert.equal(server.stats().requests, 200);
      // With the server still up: had gb left a client socket open, the server's end of it would stay open too.
      const excess = await waitForNoExcess(before);
      assert.deepEqual(excess, [], `handles left after the run: ${process.getActiveResourcesInfo().join(', ')}`);
    } finally {
      await server.close();
    }
    const excess = await waitForNoExcess(before, new Map([['TCPServerWrap', 1]]));
    assert.deepEqual(excess, [], `handles left after closing the server: ${process.getActiveResourcesInfo().join(', ')}`);
  });
}

test('any three-digit status is counted under its code, 600–999 included', TEST_TIMEOUT, () =>
  withRawServer({ reply: () => 'HTTP/1.1 799 Odd\r\nContent-Length: 2\r\n\r\nok' }, async (url) => {
    const summary = await run(['-k', '-n', '3', url]);
    assert.equal(summary.responses, 3);
    assert.equal(summary.non2xx, 3);
    assert.deepEqual(summary.statusCodes, { '799': 3 });
  }),
);
