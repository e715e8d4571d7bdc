// Acceptance tests of --warmup: the warm-up runs and reaches the server, then is left out of every reported number.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { parseCommandLine } from '../../src/cli/flags.js';
import { runConfig } from '../../src/index.js';
import type { Summary } from '../../src/index.js';
import { runGb } from '../helpers/gb-process.js';
import { fileTarget } from '../helpers/target.js';

const target = fileTarget();

interface Timed {
  readonly summary: Summary;
  readonly wallMs: number;
}

async function run(args: readonly string[]): Promise<Timed> {
  const parsed = parseCommandLine(args);
  if (!parsed.ok) assert.fail(`command line rejected: ${parsed.error.join('; ')}`);
  if (parsed.value.kind !== 'run') assert.fail(`expected a run, got ${parsed.value.kind}`);
  const startMs = performance.now();
  const outcome = await runConfig(parsed.value.options.config);
  if (!outcome.ok) assert.fail(`run did not start: ${outcome.error}`);
  return { summary: outcome.value.summary, wallMs: performance.now() - startMs };
}

/** What the server saw beyond the measured requests: the warm-up's. */
function warmupRequests(summary: Summary): number {
  return target.stats().requests - summary.issued;
}

// A 20 ms answer bounds how many requests the warm-up can start (≈ c × warmup / 20 ms), well under -n; the
// next test covers a warm-up that alone sends more than -n (it once hung: warm-up requests counted against -n).
test("--warmup 300ms -n 200 -c 5 -k: 200 measured, the warm-up's extra requests reached the server, elapsed excludes it", async (t) => {
  const { summary, wallMs } = await run(['--warmup', '300ms', '-n', '200', '-c', '5', '-k', `${target.url}/delay/20`]);
  const warm = warmupRequests(summary);
  t.diagnostic(
    `server saw ${target.stats().requests} = 200 + ${warm} warm-up; elapsed ${summary.elapsedSeconds.toFixed(3)} s of ${(wallMs / 1000).toFixed(3)} s wall`,
  );
  assert.equal(summary.responses, 200);
  assert.equal(summary.issued, 200);
  // Learnt during the warm-up, on connections that never reconnect: still reported.
  assert.equal(summary.serverSoftware, 'gb-target');
  assert.equal(summary.stopReason, 'requests');
  assert.ok(warm > 0, 'the warm-up sent requests');
  assert.ok(warm <= 5 * (300 / 20 + 1), `${warm} warm-up requests: more than 5 connections can do in 300 ms`);
  // Warm-up requests are in no number: not in the histograms, the timeline or the status counts.
  assert.equal(summary.total?.count, 200);
  assert.equal(summary.statusCodes['200'], 200);
  assert.equal(
    summary.timeline.rows.reduce((a, r) => a + r.complete, 0),
    200,
  );
  assert.equal(summary.keepAliveRequests, 200);
  // 200 requests over 5 connections at 20 ms is ~0.8 s; the 300 ms warm-up before it is not counted.
  assert.ok(summary.elapsedSeconds < wallMs / 1000 - 0.25, `elapsed ${summary.elapsedSeconds} s includes the warm-up (wall ${wallMs} ms)`);
  assert.ok(summary.elapsedSeconds >= 0.75, `elapsed ${summary.elapsedSeconds} s is too short for 40 rounds of 20 ms`);
  // Measured on the warm connections: the warm-up opened all five, the measured run opened none.
  assert.equal(target.stats().connections, 5);
  assert.equal(summary.connect?.maxUs, 0, 'no measured request paid for a connect');
});

test('--warmup 300ms -n 200 -c 5 -k against a fast path (the command line, killed if it hangs)', async (t) => {
  // A hung gb spins a core, which slows the test files running beside this one: kill it soon (a healthy run takes ~0.4 s).
  const result = await runGb(['--warmup', '300ms', '-n', '200', '-c', '5', '-k', '--json', '-', `${target.url}/`], { killAfterMs: 2500 });
  t.diagnostic(
    `exit ${result.code}${result.killed ? ' (killed after 2.5 s)' : ''} in ${result.wallMs.toFixed(0)} ms; server saw ${target.stats().requests}`,
  );
  assert.equal(result.killed, false, 'gb hung and was killed');
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as Summary;
  assert.equal(summary.responses, 200);
  assert.ok(target.stats().requests > 200, 'the warm-up reached the server');
  assert.ok(summary.elapsedSeconds < result.wallMs / 1000 - 0.25, 'elapsed excludes the 300 ms warm-up');
});

test('--warmup 300ms -t 1: the measured run lasts the time limit, not the warm-up plus it', async (t) => {
  const { summary, wallMs } = await run(['--warmup', '300ms', '-t', '1', '-c', '2', '-k', `${target.url}/`]);
  const warm = warmupRequests(summary);
  t.diagnostic(
    `elapsed ${summary.elapsedSeconds.toFixed(3)} s, wall ${(wallMs / 1000).toFixed(3)} s, ${summary.issued} measured + ${warm} warm-up requests`,
  );
  assert.equal(summary.stopReason, 'duration');
  assert.ok(Math.abs(summary.elapsedSeconds - 1) < 0.05, `elapsed ${summary.elapsedSeconds} s`);
  assert.ok(wallMs >= 1250, `wall ${wallMs} ms: the warm-up did not run first`);
  assert.ok(warm > 0, 'the warm-up sent requests');
  const rows = summary.timeline.rows;
  assert.ok(rows.length <= 2, `${rows.length} timeline rows for a 1 s measured run`);
  assert.equal(
    rows.reduce((a, r) => a + r.complete, 0),
    summary.responses,
  );
});

test('--warmup 300ms --rate 100 -t 1: the schedule restarts after the warm-up, so nothing counts as late and the rate holds', async (t) => {
  const { summary } = await run(['--warmup', '300ms', '--rate', '100', '-t', '1', '-c', '5', '-k', `${target.url}/`]);
  const rate = summary.rate;
  assert.ok(rate !== null);
  const served = target.stats().requests;
  t.diagnostic(`measured ${summary.issued} (achieved ${rate.achievedPerSecond.toFixed(2)}/s, late ${rate.late}); server saw ${served}`);
  assert.ok(Math.abs(summary.issued - 100) <= 2, `issued ${summary.issued}`);
  assert.ok(Math.abs(rate.achievedPerSecond - 100) <= 2, `achieved ${rate.achievedPerSecond}/s`);
  // The warm-up ran at the same rate: about 30 more requests reached the server.
  assert.ok(served - summary.issued >= 20 && served - summary.issued <= 40, `${served - summary.issued} warm-up requests`);
  // Had the schedule kept the warm-up's origin, every measured request would be ≥ 300 ms "late"; a busy
  // neighbour on the CI box may still delay a few by some ms.
  assert.ok(rate.late < 50, `${rate.late} requests late`);
  assert.ok(rate.maxLateUs < 100_000, `max lateness ${rate.maxLateUs} µs`);
});

test('--warmup with -G 2: each worker warms up, and only the measured 200 are reported', async (t) => {
  const { summary } = await run(['--warmup', '300ms', '-G', '2', '-n', '200', '-c', '4', '-k', `${target.url}/delay/20`]);
  const warm = warmupRequests(summary);
  t.diagnostic(`server saw 200 + ${warm} warm-up requests`);
  assert.equal(summary.responses, 200);
  assert.equal(summary.total?.count, 200);
  assert.ok(warm > 0);
  assert.equal(target.stats().connections, 4, 'measured on the connections the warm-up opened');
});
