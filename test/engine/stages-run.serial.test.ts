// Tests that a --stages run against the built-in target follows the ramp, second by second, and keeps coordinated-omission correction.
// Serial: it asserts on per-second counts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSummary } from '../helpers/summaries.js';

test("--stages '1s:100,1s:400' ramps: about 50 requests in second 0 and 250 in second 1 (within 15 %)", async (t) => {
  const summary = await runSummary(['-k', '-c', '20', '--stages', '1s:100,1s:400'], '/');
  const perSecond = summary.timeline.rows.map((r) => r.complete);
  t.diagnostic(`per second ${perSecond.join(', ')}; issued ${summary.issued}; late ${summary.rate?.late ?? 'n/a'}`);
  const [first = 0, second = 0] = perSecond;
  assert.ok(Math.abs(first - 50) <= 50 * 0.15, `second 0: ${first} requests, expected about 50`);
  assert.ok(Math.abs(second - 250) <= 250 * 0.15, `second 1: ${second} requests, expected about 250`);
  assert.equal(summary.stopReason, 'duration');
  // The report's target is the stages' mean; latency is still measured from each intended send.
  assert.equal(summary.rate?.targetPerSecond, 150);
  assert.ok(summary.rate?.uncorrectedTotal != null, 'rate mode keeps the uncorrected figures beside the corrected ones');
  assert.equal(summary.failed, 0);
});

test('--stages with -G 2 splits each stage between the workers, so the ramp adds up to the whole', async (t) => {
  const summary = await runSummary(['-k', '-c', '4', '-G', '2', '--stages', '1s:200'], '/');
  t.diagnostic(`issued ${summary.issued}; per second ${summary.timeline.rows.map((r) => r.complete).join(', ')}`);
  // A ramp 0 → 200/s over 1 s is 100 requests (+1 at the origin per worker), whatever the split.
  assert.ok(Math.abs(summary.issued - 100) <= 15, `issued ${summary.issued}, expected about 100`);
});

test("--stages '5s:100,5s:1000': every second after the first within 2 % of the ramp's area", { timeout: 30_000 }, async (t) => {
  const summary = await runSummary(['-q', '-k', '-c', '20', '--stages', '5s:100,5s:1000'], '/');
  const perSecond = summary.timeline.rows.map((r) => r.complete);
  t.diagnostic(`per second ${perSecond.join(', ')}; late ${summary.rate?.late ?? 'n/a'}`);
  // The count due in second s is the area under the rate line over [s, s+1): 0→100/s over 5 s is
  // 20·t per second, then 100→1000/s over 5 s is 100 + 180·(t − 5).
  const expected = (s: number): number => (s < 5 ? 10 * (2 * s + 1) : 100 + 180 * (s - 5 + 0.5));
  for (let s = 1; s < 9; s++) {
    const got = perSecond[s] ?? 0;
    assert.ok(Math.abs(got - expected(s)) <= Math.max(2, expected(s) * 0.02), `second ${s}: ${got} requests, schedule ${expected(s)}`);
  }
  // The timeline carries that target itself, row by row, and the result carries the stages.
  assert.deepEqual(
    summary.timeline.rows.slice(0, 10).map((r) => r.scheduled),
    [10, 30, 50, 70, 90, 190, 370, 550, 730, 910],
  );
  assert.deepEqual(summary.rate?.stages, [
    { durationMs: 5000, requestsPerSecond: 100 },
    { durationMs: 5000, requestsPerSecond: 1000 },
  ]);
  assert.equal(summary.failed, 0);
});
