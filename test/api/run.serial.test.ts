// run(options) against the built-in target: the command line's counts, abort as Ctrl-C, progress while it runs.

import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { parseSummaryJson, run, type RunProgress, type Summary } from '../../src/index.js';
import { ranIn } from '../helpers/in-process.js';
import { fileTarget } from '../helpers/target.js';

const server = fileTarget({ resetStats: false });

/** What two runs of the same load must agree on exactly (times and dates differ). */
const counts = (s: Summary): object => ({
  issued: s.issued,
  completed: s.completed,
  responses: s.responses,
  succeeded: s.succeeded,
  failed: s.failed,
  failures: s.failures,
  cutOff: s.cutOff,
  non2xx: s.non2xx,
  keepAliveRequests: s.keepAliveRequests,
  statusCodes: s.statusCodes,
  documentLength: s.documentLength,
  bytes: s.bytes,
  stopReason: s.stopReason,
  target: s.target,
  settings: s.settings,
});

test("run(options) gives the command line's counts for the equivalent flags, and the server sees the same requests", async () => {
  const url = `${server.url}/bytes/300`;
  server.resetStats();
  const fromApi = await run({ url, requests: 400, concurrency: 8, keepalive: true, headers: { 'X-From': 'api' } });
  if (!fromApi.ok) assert.fail(fromApi.error.problems.join('; '));
  const apiSeen = server.stats();

  server.resetStats();
  const cli = await ranIn(['-k', '-n', '400', '-c', '8', '-H', 'X-From: api', '--json', '-', url]);
  assert.equal(cli.code, 0, cli.err);
  const cliSeen = server.stats();
  const fromCli = parseSummaryJson(cli.out);
  if (!fromCli.ok) assert.fail(fromCli.error);

  assert.deepEqual(counts(fromApi.value.summary), counts(fromCli.value));
  assert.equal(fromApi.value.summary.completed, 400);
  assert.equal(fromApi.value.summary.succeeded, 400);
  assert.deepEqual(apiSeen.byPath, { '/bytes/300': 400 });
  assert.deepEqual(cliSeen.byPath, apiSeen.byPath);
  assert.equal(apiSeen.connections, 8);
  assert.deepEqual(fromApi.value.thresholds, []);
  assert.equal(fromApi.value.firstError, null);
});

test('aborting the signal stops the run as Ctrl-C does and resolves quickly with the report of what was done', async () => {
  const controller = new AbortController();
  const startedMs = performance.now();
  const running = run({ url: `${server.url}/delay/20`, duration: '60s', concurrency: 4, keepalive: true, signal: controller.signal });
  setTimeout(() => controller.abort(), 400);
  const result = await running;
  const tookMs = performance.now() - startedMs;
  if (!result.ok) assert.fail(result.error.problems.join('; '));
  const s = result.value.summary;
  assert.equal(s.stopReason, 'interrupted');
  // 400 ms of running plus at most the 500 ms grace for requests in flight; generous for a busy machine.
  assert.ok(tookMs < 3000, `resolved ${tookMs.toFixed(0)} ms after the start`);
  assert.ok(s.completed > 0 && s.succeeded > 0, `some requests were done: ${s.completed}`);
  assert.ok(s.elapsedSeconds < 5, `elapsed ${s.elapsedSeconds} s of a 60 s run`);
  assert.equal(s.issued, s.completed + s.failures.connect + s.cutOff);
});

test('a signal aborted before the start sends nothing and still resolves with a report', async () => {
  server.resetStats();
  const result = await run({ url: `${server.url}/`, duration: '60s', signal: AbortSignal.abort() });
  if (!result.ok) assert.fail(result.error.problems.join('; '));
  assert.equal(result.value.summary.stopReason, 'interrupted');
  assert.ok(result.value.summary.completed <= 1, `completed ${result.value.summary.completed}`);
});

test('onProgress is called while the run goes on, with counts that only grow', async () => {
  const seen: RunProgress[] = [];
  const result = await run({
    url: `${server.url}/delay/5`,
    duration: 700,
    concurrency: 2,
    keepalive: true,
    onProgress: (p) => seen.push(p),
  });
  if (!result.ok) assert.fail(result.error.problems.join('; '));
  assert.ok(seen.length >= 3, `progress calls: ${seen.length}`);
  for (let i = 1; i < seen.length; i += 1) {
    assert.ok(seen[i]!.settled >= seen[i - 1]!.settled, 'settled never goes down');
    assert.ok(seen[i]!.elapsedMs > seen[i - 1]!.elapsedMs, 'time goes forward');
  }
  const last = seen.at(-1)!;
  assert.ok(
    last.settled > 0 && last.settled <= result.value.summary.issued,
    `last progress ${last.settled} of ${result.value.summary.issued}`,
  );
  assert.equal(last.failed, 0);
});

test('failIf rules are checked against the summary, and a host that does not resolve is a cannot-start failure', async () => {
  const checked = await run({ url: `${server.url}/`, requests: 20, failIf: ['rps<0.001', 'errors>0'] });
  if (!checked.ok) assert.fail(checked.error.problems.join('; '));
  assert.deepEqual(
    checked.value.thresholds.map((t) => [t.rule.text, t.broken]),
    [
      ['rps<0.001', false],
      ['errors>0', false],
    ],
  );
  const nowhere = await run({ url: 'http://no-such-host.invalid/', requests: 1 });
  if (nowhere.ok) assert.fail('expected the run not to start');
  assert.equal(nowhere.error.kind, 'cannot-start');
  assert.equal(nowhere.error.problems.length, 1);
});
