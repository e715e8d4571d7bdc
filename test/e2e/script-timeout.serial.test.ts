// A --script response() that never settles is bounded by -s (asserts on wall time, so it runs alone).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ranIn } from '../helpers/in-process.js';
import { startTargetServer } from '../../src/server/target.js';
import type { Summary } from '../../src/metrics/summary.js';

function scriptFile(name: string, text: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gb-script-test-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a response() that never settles is bounded by -s: a Script failure after the timeout', { timeout: 30_000 }, async () => {
  const s = scriptFile('hangs.mjs', 'export function response() { return new Promise(() => {}); }\n');
  const server = await startTargetServer();
  try {
    const started = Date.now();
    const ran = await ranIn(['-q', '-r', '-k', '-c', '2', '-n', '4', '-s', '0.5', '--script', s.file, '--json', '-', `${server.url}/`]);
    const summary = JSON.parse(ran.out) as Summary;
    assert.ok(Date.now() - started < 10_000, 'ended within a few -s periods');
    assert.equal(summary.failures.script, 4);
    assert.deepEqual(summary.errors, { 'script: response() did not finish within 0.5 s (-s)': 4 });
  } finally {
    await server.close();
    s.remove();
  }
});

test(
  '-t ends a run whose response() verdicts are still pending: they are cut off, not waited for until -s',
  { timeout: 30_000 },
  async () => {
    const s = scriptFile('hangs.mjs', 'export function response() { return new Promise(() => {}); }\n');
    const server = await startTargetServer();
    try {
      const started = Date.now();
      const ran = await ranIn(['-q', '-k', '-c', '2', '-t', '1', '-s', '20', '--script', s.file, '--json', '-', `${server.url}/`]);
      const summary = JSON.parse(ran.out) as Summary;
      assert.ok(Date.now() - started < 8_000, `ended soon after -t 1, not at -s 20 (took ${Date.now() - started} ms)`);
      assert.equal(summary.cutOff, 2, "each connection's awaited request is cut off");
      assert.equal(summary.failures.script, 0);
      assert.equal(
        summary.issued,
        summary.cutOff + summary.responses + summary.failures.connect + summary.failures.receive + summary.failures.exceptions,
      );
    } finally {
      await server.close();
      s.remove();
    }
  },
);
