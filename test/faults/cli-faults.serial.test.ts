// The built command line against faults and bad input: one clear line on stderr, the right exit code, a full report, no crash, and signals that work.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { spawnGb, type GbExit } from '../helpers/gb-process.js';
import { assertNoStackTrace, closedPort, reportField, startFaultServer } from './fault-server.js';

const T = { timeout: 15_000 };
/** gb's grace for in-flight requests after the first Ctrl-C (src/cli/bench-command.ts). */
const INTERRUPT_GRACE_MS = 500;
const SLACK_MS = 1000;

function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

function linesMentioning(run: GbExit, text: string): string[] {
  return nonEmptyLines(run.stdout + '\n' + run.stderr).filter((line) => line.includes(text));
}

describe('bad input', { concurrency: true }, () => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const scratch = mkdtempSync(join(tmpdir(), 'gb-cli-faults-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  // Opening a FIFO blocks until a writer comes: gb must see what it is without opening it.
  const fifo = join(scratch, 'body.fifo');
  const made = spawnSync('mkfifo', [fifo]);
  assert.equal(made.status, 0, `mkfifo: ${made.error?.message ?? made.stderr.toString()}`);
  const cases: ReadonlyArray<{ readonly what: string; readonly args: readonly string[]; readonly says: RegExp; readonly code?: number }> = [
    { what: 'an unknown scheme', args: ['htp://x'], says: /unsupported scheme 'htp:'/ },
    { what: 'a URL without a host', args: ['http://'], says: /no host name/ },
    { what: 'a port out of range', args: ['http://127.0.0.1:99999/'], says: /invalid port 99999/ },
    // .invalid never resolves (RFC 6761), so no request leaves the machine.
    { what: 'a host that does not resolve', args: ['-n', '1', 'http://nonexistent.invalid/'], says: /cannot resolve nonexistent\.invalid/ },
    { what: 'an IPv6 literal without brackets', args: ['http://::1:8080/'], says: /needs brackets/ },
    { what: 'a header without a colon', args: ['-H', 'NoColonHere', 'http://127.0.0.1:9/'], says: /header without a colon/ },
    { what: 'a -p file that is a directory', args: ['-p', here, 'http://127.0.0.1:9/'], says: /is a directory/, code: 2 },
    { what: 'a -p file that is a FIFO', args: ['-p', fifo, 'http://127.0.0.1:9/'], says: /body\.fifo is not a regular file/, code: 2 },
  ];
  for (const { what, args, says, code } of cases) {
    test(`${what}: one line on stderr naming it, non-zero exit`, T, async () => {
      const run = await spawnGb(args, { killAfterMs: 5000 }).done;
      assert.notEqual(run.code, null, 'gb was killed: it hung');
      assert.notEqual(run.code, 0);
      if (code !== undefined) assert.equal(run.code, code);
      const errLines = nonEmptyLines(run.stderr);
      assert.equal(errLines.length, 1, `stderr:\n${run.stderr}`);
      assert.match(errLines[0] ?? '', /^gb: /);
      assert.match(errLines[0] ?? '', says);
      assertNoStackTrace(run.stdout + run.stderr);
    });
  }
});

describe('refused connections', { concurrency: true }, () => {
  test('without -r: ECONNREFUSED once on stderr, a full report, exit 1', T, async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const run = await spawnGb(['-n', '5', url], { killAfterMs: 5000 }).done;
    assert.equal(run.code, 1);
    const errLines = nonEmptyLines(run.stderr).filter((line) => line.includes('ECONNREFUSED'));
    assert.equal(errLines.length, 1, run.stderr);
    assert.equal(reportField(run.stdout, 'Failed requests:'), '1');
    assert.equal(reportField(run.stdout, '   (Connect:'), '1, Receive: 0, Length: 0, Exceptions: 0)');
    assertNoStackTrace(run.stdout + run.stderr);
  });

  test('with -r and -n 50: fifty Connect failures, reported once with their count, not fifty times', T, async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const run = await spawnGb(['-r', '-n', '50', '-c', '5', url], { killAfterMs: 5000 }).done;
    // Nothing succeeded, so a CI step that runs this must fail: exit 1, and one line saying why.
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^gb: no request succeeded \(50 connect failures; most often: ECONNREFUSED\)$/m);
    assert.equal(reportField(run.stdout, 'Complete requests:'), '0');
    assert.equal(reportField(run.stdout, 'Failed requests:'), '50');
    assert.equal(reportField(run.stdout, '   (Connect:'), '50, Receive: 0, Length: 0, Exceptions: 0)');
    // Once in the report's error list with its count, once in the line that says why the run failed.
    const mentions = linesMentioning(run, 'ECONNREFUSED').filter((line) => !line.startsWith('gb: no request succeeded'));
    assert.equal(mentions.length, 1, `ECONNREFUSED lines:\n${mentions.join('\n')}`);
    assert.match(mentions[0] ?? '', /ECONNREFUSED\D*50/);
    assertNoStackTrace(run.stdout + run.stderr);
  });
});

test('stop at the first error: the full report still prints, the others are cut off, exit 1', T, async () => {
  const server = await startFaultServer();
  try {
    const run = await spawnGb(['-n', '20', '-c', '4', server.url('/rst-on-arrival')], { killAfterMs: 5000 }).done;
    await server.idle();
    assert.equal(run.code, 1);
    const errLines = nonEmptyLines(run.stderr);
    assert.equal(errLines.length, 1, run.stderr);
    assert.match(errLines[0] ?? '', /stopped at the first error: ECONNRESET/);
    for (const label of ['Server Hostname:', 'Document Path:', 'Time taken for tests:', 'Total transferred:']) {
      assert.ok(reportField(run.stdout, label) !== undefined, `no ${label} in\n${run.stdout}`);
    }
    // The reset read is complete (and failed), as ab counts it.
    assert.equal(reportField(run.stdout, 'Complete requests:'), '1');
    assert.equal(reportField(run.stdout, 'Failed requests:'), '1');
    assert.equal(reportField(run.stdout, '   (Connect:'), '0, Receive: 1, Length: 0, Exceptions: 0)');
    assert.equal(reportField(run.stdout, 'Requests issued:'), '4 = 1 complete + 0 connect failures + 3 cut off');
    const seen = server.stats('/rst-on-arrival').requests;
    assert.ok(seen >= 1 && seen <= 4, `server saw ${seen}`);
    assertNoStackTrace(run.stdout + run.stderr);
  } finally {
    await server.close();
  }
});

test('a mixed run with -r: the report matches what the server counted, exit 0', T, async () => {
  const server = await startFaultServer();
  try {
    const run = await spawnGb(['-r', '-k', '-n', '200', '-c', '4', server.url('/reset-every?n=10')], { killAfterMs: 5000 }).done;
    await server.idle();
    const seen = server.stats('/reset-every');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(seen.requests, 200);
    // As ab counts: a reset read is a complete request that failed, so Complete − Failed is what succeeded.
    assert.equal(reportField(run.stdout, 'Complete requests:'), '200');
    assert.equal(reportField(run.stdout, 'Failed requests:'), String(seen.resets));
    assert.equal(reportField(run.stdout, '   (Connect:'), `0, Receive: ${seen.resets}, Length: 0, Exceptions: 0)`);
    assertNoStackTrace(run.stdout + run.stderr);
  } finally {
    await server.close();
  }
});

describe('signals', { concurrency: true }, () => {
  /** Starts gb on a path that never answers and resolves once both its requests reached the server. */
  async function stalledGb(): Promise<{ gb: ReturnType<typeof spawnGb>; close: () => Promise<void> }> {
    const server = await startFaultServer();
    const gb = spawnGb(['-n', '10', '-c', '2', server.url('/never')], { killAfterMs: 10_000 });
    await server.waitForRequests('/never', 2, 5000);
    return { gb, close: () => server.close() };
  }

  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    test(`the first ${name} prints the report and exits 130 within the grace`, T, async () => {
      const { gb, close } = await stalledGb();
      try {
        const signalledAt = performance.now();
        gb.child.kill(name);
        const run = await gb.done;
        const afterSignalMs = performance.now() - signalledAt;
        assert.equal(run.code, 130);
        assert.ok(afterSignalMs >= INTERRUPT_GRACE_MS - 50, `exited ${afterSignalMs} ms after ${name}: no grace`);
        assert.ok(afterSignalMs < INTERRUPT_GRACE_MS + SLACK_MS, `exited ${afterSignalMs} ms after ${name}`);
        assert.equal(reportField(run.stdout, 'Complete requests:'), '0');
        assert.equal(reportField(run.stdout, 'Requests issued:'), '2 = 0 complete + 0 connect failures + 2 cut off');
        assertNoStackTrace(run.stdout + run.stderr);
      } finally {
        await close();
      }
    });
  }

  test('a second SIGINT exits at once, even with requests stalled in their grace', T, async () => {
    const { gb, close } = await stalledGb();
    try {
      const firstAt = performance.now();
      gb.child.kill('SIGINT');
      // Two signals sent together merge into one; give gb time to take the first.
      await new Promise((resolve) => setTimeout(resolve, 150));
      gb.child.kill('SIGINT');
      const run = await gb.done;
      const afterFirstMs = performance.now() - firstAt;
      assert.equal(run.code, 130);
      assert.ok(afterFirstMs < INTERRUPT_GRACE_MS, `exited ${afterFirstMs} ms after the first SIGINT: it waited out the grace`);
      assertNoStackTrace(run.stdout + run.stderr);
    } finally {
      await close();
    }
  });
});
