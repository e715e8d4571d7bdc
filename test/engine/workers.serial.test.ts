// Acceptance tests of -G: worker threads share a run exactly, keep a shared rate, and their results merge by addition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runArgs } from '../helpers/summaries.js';
import { fileTarget } from '../helpers/target.js';

const target = fileTarget();

const run = runArgs;

const sumOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

test('the worker entry is compiled next to the engine that loads it (build/ as well as dist/)', () => {
  // workers.ts resolves './worker-entry.js' against its own URL, so tests running build/ need build/src/engine/worker-entry.js.
  const entry = fileURLToPath(new URL('../../src/engine/worker-entry.js', import.meta.url));
  assert.ok(existsSync(entry), `${entry} is missing`);
});

test('-G 2 -n 1001 -c 7 -k: the server sees exactly 1001 requests and the report says 1001 complete', async () => {
  const summary = await run(['-G', '2', '-n', '1001', '-c', '7', '-k', `${target.url}/`]);
  const served = target.stats();
  assert.equal(served.requests, 1001, 'no request lost or doubled between the two workers');
  assert.equal(summary.issued, 1001);
  assert.equal(summary.responses, 1001);
  assert.equal(summary.failed, 0);
  assert.equal(summary.cutOff, 0);
  assert.equal(summary.stopReason, 'requests');
  assert.equal(summary.settings.workers, 2);
  assert.equal(summary.keepAliveRequests, 1001);
  assert.ok(served.connections <= 7, `${served.connections} connections for -c 7`);
  // Every phase histogram and the timeline are sums of both workers'.
  assert.equal(summary.total?.count, 1001);
  assert.equal(summary.successTotal?.count, 1001);
  assert.equal(sumOf(summary.timeline.rows.map((r) => r.complete)), 1001);
  assert.equal(summary.statusCodes['200'], 1001);
  assert.equal(summary.documentLength, 13);
  assert.equal(summary.client.cores, 2, 'the client figures cover both workers');
});

test('-G 2 without -k: one connection per request, all 100 counted', async () => {
  const summary = await run(['-G', '2', '-n', '100', '-c', '4', `${target.url}/`]);
  assert.equal(target.stats().requests, 100);
  assert.equal(target.stats().connections, 100);
  assert.equal(summary.responses, 100);
  assert.equal(summary.keepAliveRequests, 0);
});

test('--rate 200 -t 2 -G 2: the combined rate is within 2 % of 200 and the merged timeline adds both workers', async (t) => {
  const RATE = 200;
  const SECONDS = 2;
  const summary = await run(['-k', '--rate', String(RATE), '-t', String(SECONDS), '-G', '2', '-c', '4', `${target.url}/`]);
  const rate = summary.rate;
  assert.ok(rate !== null);
  const served = target.stats().requests;
  const perRow = summary.timeline.rows.map((r) => r.complete);
  // Each worker starts its own schedule when its thread is up, so their start skew lengthens the merged elapsed time.
  const skewMs = summary.elapsedSeconds * 1000 - SECONDS * 1000;
  t.diagnostic(
    `achieved ${rate.achievedPerSecond.toFixed(2)}/s over ${summary.elapsedSeconds.toFixed(3)} s (worker skew ≈ ${skewMs.toFixed(1)} ms); server saw ${served}; per second ${perRow.join(', ')}`,
  );
  assert.equal(rate.targetPerSecond, RATE);
  assert.ok(Math.abs(rate.achievedPerSecond - RATE) <= RATE * 0.02, `achieved ${rate.achievedPerSecond}/s`);
  assert.ok(Math.abs(served - RATE * SECONDS) <= RATE * SECONDS * 0.02, `server saw ${served}`);
  assert.equal(summary.stopReason, 'duration');
  assert.equal(sumOf(perRow), summary.responses, 'merged rows account for every completion of both workers');
  // One worker alone would give ~100 a second: a full row near 200 holds both workers' completions.
  assert.ok(Math.abs(perRow[0]! - RATE) <= RATE * 0.1, `second 0: ${perRow[0]}`);
  assert.ok(perRow.length <= SECONDS + 1, `${perRow.length} rows`);
  assert.ok(sumOf(perRow.slice(0, SECONDS)) >= RATE * SECONDS * 0.95, 'the full seconds hold nearly everything');
});

test("Length failures do not depend on -G: the run's first response decides the document length for every worker", async (t) => {
  // The first connection gets 5-byte bodies, the second 6-byte ones: about half the responses have the
  // other length, whichever worker read the run's first response.
  let connections = 0;
  const server = net.createServer((socket) => {
    const body = connections++ % 2 === 0 ? 'hello' : 'hello!';
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4);
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const one = await run(['-k', '-c', '2', '-n', '1000', url]);
    connections = 0;
    const two = await run(['-G', '2', '-k', '-c', '2', '-n', '1000', url]);
    t.diagnostic(`Length failures: -G 1 ${one.failures.length}, -G 2 ${two.failures.length}`);
    for (const s of [one, two]) {
      assert.ok(s.documentLength === 5 || s.documentLength === 6);
      assert.equal(s.responses, 1000);
      // Exactly the responses of the other length failed: 5 + 6 = 11.
      const doc = s.documentLength as number;
      assert.equal(s.bytes.body, (1000 - s.failures.length) * doc + s.failures.length * (11 - doc));
      assert.ok(s.failures.length > 300 && s.failures.length < 700, `${s.failures.length} Length failures`);
    }
    // With -G 2 each worker's connection carries exactly 500: one of them is the other length.
    assert.equal(two.failures.length, 500);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
