// End-to-end tests of the built `gb` command: exit codes, what goes to stdout and stderr, Ctrl-C, and that the process ends by itself.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { runGb, spawnGb } from '../helpers/gb-process.js';
import type { GbExit } from '../helpers/gb-process.js';
import { fileScratchDir, fileTarget } from '../helpers/target.js';

const TEST_TIMEOUT = { timeout: 15_000 } as const;

const target = fileTarget();
const inDir = fileScratchDir('gb-cli-test-');

/** The integer after an ab report label such as "Complete requests:", or null when the line is absent. */
function reportNumber(stdout: string, label: string): number | null {
  const match = new RegExp(`^${label}:\\s+(\\d+)`, 'm').exec(stdout);
  return match === null ? null : Number(match[1]);
}

function describeExit(run: GbExit): string {
  return `code=${run.code} signal=${run.signal} wall=${run.wallMs.toFixed(0)}ms\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** A port that was just open on 127.0.0.1 and is closed now, so a connect is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('-V prints the version banner and exits 0', TEST_TIMEOUT, async () => {
  const run = await runGb(['-V']);
  assert.equal(run.code, 0, describeExit(run));
  assert.match(run.stdout, /^This is gb, Version \d+\.\d+\.\d+/);
  assert.equal(run.stderr, '');
});

test('-h prints the usage and exits 0, even with other arguments', TEST_TIMEOUT, async () => {
  for (const args of [['-h'], ['--help'], ['-n', '0', '-h']]) {
    const run = await runGb(args);
    assert.equal(run.code, 0, describeExit(run));
    assert.match(run.stdout, /^Usage: gb \[options\]/);
    assert.match(run.stdout, /-n, --requests/);
    assert.equal(run.stderr, '');
  }
});

/** Each bad command line, and a pattern the one error line must match (it names the problem). */
const BAD_INPUTS: readonly (readonly [string, readonly string[], RegExp])[] = [
  ['unknown flag', ['-j', 'http://127.0.0.1:1/'], /unknown option '-j'/],
  ['unknown long flag', ['--frobnicate', 'http://127.0.0.1:1/'], /unknown option '--frobnicate'/],
  ['concurrency above requests', ['-c', '10', '-n', '5', 'http://127.0.0.1:1/'], /concurrency.*10.*5|10.*5.*concurrency/i],
  ['-n 0', ['-n', '0', 'http://127.0.0.1:1/'], /number of requests.*-n 0/],
  ['-n -3', ['-n', '-3', 'http://127.0.0.1:1/'], /number of requests.*-n -3/],
  ['-n abc', ['-n', 'abc', 'http://127.0.0.1:1/'], /number of requests.*abc/],
  ['-p of a missing file', ['-p', '/nonexistent/gb-body', 'http://127.0.0.1:1/'], /\/nonexistent\/gb-body.*does not exist/],
  ['-p of a directory', ['-p', '<tmp>', 'http://127.0.0.1:1/'], /directory/],
  ['unknown scheme', ['htp://x'], /htp/],
  ['URL without a host', ['http://'], /no host|host/i],
  ['port out of range', ['http://127.0.0.1:99999/'], /port.*99999/],
  [
    '--rate without -n or -t',
    ['--rate', '100', '-c', '10', 'http://127.0.0.1:1/'],
    /^gb: --rate needs -n or -t \(how many requests, or for how long\)/,
  ],
  ['missing URL', ['-n', '5'], /missing URL/],
  ['no arguments at all', [], /missing URL/],
];

// Each case is a separate short-lived process that touches no shared state, so they may run side by side.
describe('bad input', { concurrency: 4 }, () => {
  for (const [what, args, names] of BAD_INPUTS) {
    test(`${what}: exit 2, one "gb: " line on stderr naming it, nothing on stdout`, TEST_TIMEOUT, async () => {
      const run = await runGb(args.map((arg) => (arg === '<tmp>' ? inDir() : arg)));
      assert.equal(run.code, 2, describeExit(run));
      assert.equal(run.stdout, '', 'nothing on stdout');
      const lines = run.stderr.split('\n');
      assert.equal(lines.at(-1), '', 'stderr ends with a newline');
      assert.equal(lines.length, 2, `exactly one line on stderr:\n${run.stderr}`);
      const line = lines[0] ?? '';
      assert.ok(line.startsWith('gb: '), line);
      assert.match(line, names);
      assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
      assert.doesNotMatch(run.stderr, /Error:|TypeError|node:internal/, 'no raw exception');
    });
  }
});

test('a refused connection: exit 1, ECONNREFUSED named once on stderr, the report still on stdout', TEST_TIMEOUT, async () => {
  const port = await closedPort();
  const run = await runGb(['-n', '30', '-c', '3', `http://127.0.0.1:${port}/`]);
  assert.equal(run.code, 1, describeExit(run));
  assert.equal(run.stderr.split('ECONNREFUSED').length - 1, 1, `ECONNREFUSED once:\n${run.stderr}`);
  assert.ok(run.stderr.trimEnd().split('\n').length <= 2, `no flood on stderr:\n${run.stderr}`);
  assert.match(run.stderr, /^gb: /m);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
  assert.equal(reportNumber(run.stdout, 'Complete requests'), 0, describeExit(run));
  const failed = reportNumber(run.stdout, 'Failed requests');
  assert.ok(failed !== null && failed >= 1 && failed <= 3, `failed ${failed}: the first error stops the run`);
  assert.match(run.stdout, /\(Connect: [1-3], Receive: 0, Length: 0, Exceptions: 0\)/);
});

test('a refused connection with -r: every request fails, and stderr is still not flooded', TEST_TIMEOUT, async () => {
  const port = await closedPort();
  const run = await runGb(['-r', '-n', '30', '-c', '3', `http://127.0.0.1:${port}/`]);
  assert.notEqual(run.code, null, describeExit(run));
  assert.equal(reportNumber(run.stdout, 'Failed requests'), 30, describeExit(run));
  assert.match(run.stdout, /\(Connect: 30, Receive: 0, Length: 0, Exceptions: 0\)/);
  assert.ok(run.stderr.split('ECONNREFUSED').length - 1 <= 1, `no flood:\n${run.stderr}`);
});

test('gb -n 200 -c 10 -k: exact count, full report, and the process exits promptly by itself', TEST_TIMEOUT, async () => {
  const run = await runGb(['-n', '200', '-c', '10', '-k', `${target.url}/`], { killAfterMs: 10_000 });
  assert.equal(run.killed, false, 'gb ended by itself');
  assert.equal(run.code, 0, describeExit(run));
  assert.ok(run.wallMs < 3000, `whole process took ${run.wallMs.toFixed(0)} ms`);
  assert.equal(target.stats().requests, 200);
  assert.ok(target.stats().connections <= 10);
  assert.equal(reportNumber(run.stdout, 'Complete requests'), 200);
  assert.equal(reportNumber(run.stdout, 'Failed requests'), 0);
  assert.equal(reportNumber(run.stdout, 'Keep-Alive requests'), 200);
  assert.match(run.stdout, /Percentage of the requests served within a certain time/);
  assert.match(run.stderr, /^Completed 100 requests$/m);
  assert.match(run.stderr, /^Finished 200 requests$/m);
});

test('gb -t 1 ends after about one second with exit 0 and a report', TEST_TIMEOUT, async () => {
  const run = await runGb(['-t', '1', '-c', '2', '-k', `${target.url}/delay/50`], { killAfterMs: 10_000 });
  assert.equal(run.code, 0, describeExit(run));
  assert.ok(run.wallMs >= 900 && run.wallMs < 3000, `wall time ${run.wallMs.toFixed(0)} ms`);
  const complete = reportNumber(run.stdout, 'Complete requests');
  assert.ok(complete !== null && complete > 0, describeExit(run));
  assert.ok(target.stats().requests >= complete);
});

for (const workers of [1, 2]) {
  test(`Ctrl-C (-G ${workers}) stops a long run within 2 s, exits 130 and still prints the whole report`, TEST_TIMEOUT, async () => {
    const gb = spawnGb(['-G', String(workers), '-n', '1000000', '-c', '4', '-k', `${target.url}/delay/20`], { killAfterMs: 10_000 });
    try {
      // Interrupt only once requests are flowing, so there is something to report.
      const waitStartMs = performance.now();
      while (target.stats().requests === 0 && performance.now() - waitStartMs < 5000) await sleep(20);
      await sleep(500);
      const signalledMs = performance.now();
      assert.ok(gb.child.kill('SIGINT'), 'SIGINT delivered');
      const run = await gb.done;
      const afterSignalMs = performance.now() - signalledMs;
      assert.equal(run.killed, false, `gb did not stop on SIGINT:\n${describeExit(run)}`);
      assert.ok(afterSignalMs < 2000, `exited ${afterSignalMs.toFixed(0)} ms after SIGINT`);
      assert.equal(run.code, 130, describeExit(run));
      const complete = reportNumber(run.stdout, 'Complete requests');
      assert.ok(complete !== null && complete > 1, describeExit(run));
      assert.ok(complete <= target.stats().requests, 'no more completions than the server answered');
      assert.equal(reportNumber(run.stdout, 'Failed requests'), 0, 'in-flight requests finished in the grace period');
      assert.match(run.stdout, /Percentage of the requests served within a certain time/);
      assert.match(run.stdout, /100% +\d+ \(longest request\)/);
      assert.doesNotMatch(run.stderr, /^\s+at /m);
    } finally {
      gb.kill();
    }
  });
}
