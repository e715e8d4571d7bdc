// Tests of the stop rules: a request count, a time limit, or both — whichever runs out first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mayIssue, requestBudget, type StopRule } from '../../src/engine/stop.js';
import { runConfig } from '../../src/run-config.js';
import { optionsOf } from '../helpers/summaries.js';

interface BudgetRow {
  readonly rule: StopRule;
  readonly budget: number;
  readonly why: string;
}

const BUDGETS: readonly BudgetRow[] = [
  { rule: { requests: 100, durationMs: null }, budget: 100, why: '-n alone: the budget is n' },
  { rule: { requests: 1, durationMs: null }, budget: 1, why: "ab's default -n 1" },
  { rule: { requests: null, durationMs: 5000 }, budget: Number.POSITIVE_INFINITY, why: '-t alone: no count limit at all' },
  { rule: { requests: 50_000, durationMs: 5000 }, budget: 50_000, why: '-n with -t: the count still caps' },
  { rule: { requests: 2 ** 53 - 1, durationMs: null }, budget: 2 ** 53 - 1, why: 'the largest exact count survives unchanged' },
];

for (const row of BUDGETS) {
  test(`requestBudget(${JSON.stringify(row.rule)}) = ${row.budget}: ${row.why}`, () => {
    assert.equal(requestBudget(row.rule), row.budget);
  });
}

interface IssueRow {
  readonly rule: StopRule;
  readonly issued: number;
  readonly elapsedMs: number;
  readonly may: boolean;
  readonly why: string;
}

const COUNT_ONLY: StopRule = { requests: 10, durationMs: null };
const TIME_ONLY: StopRule = { requests: null, durationMs: 1000 };
const BOTH: StopRule = { requests: 10, durationMs: 1000 };

const ISSUES: readonly IssueRow[] = [
  // Count only.
  { rule: COUNT_ONLY, issued: 0, elapsedMs: 0, may: true, why: 'count only: the first request may start' },
  { rule: COUNT_ONLY, issued: 9, elapsedMs: 0, may: true, why: 'count only: the n-th request (index n−1) may start' },
  { rule: COUNT_ONLY, issued: 10, elapsedMs: 0, may: false, why: 'count only: never an (n+1)-th request' },
  { rule: COUNT_ONLY, issued: 11, elapsedMs: 0, may: false, why: 'count only: overshoot stays stopped' },
  { rule: COUNT_ONLY, issued: 0, elapsedMs: 1e12, may: true, why: 'count only: time does not stop it, however long' },
  // Time only.
  { rule: TIME_ONLY, issued: 0, elapsedMs: 0, may: true, why: 'time only: may start at once' },
  { rule: TIME_ONLY, issued: 1e12, elapsedMs: 999.999, may: true, why: 'time only: no count limit, even after 10^12 requests' },
  { rule: TIME_ONLY, issued: 0, elapsedMs: 1000, may: false, why: 'time only: nothing starts at the limit itself (the window is [0, D))' },
  { rule: TIME_ONLY, issued: 0, elapsedMs: 1000.001, may: false, why: 'time only: nothing after the limit' },
  { rule: { requests: null, durationMs: 0 }, issued: 0, elapsedMs: 0, may: false, why: 'a zero duration allows nothing' },
  // Both: whichever comes first.
  { rule: BOTH, issued: 5, elapsedMs: 500, may: true, why: 'both: neither ran out' },
  { rule: BOTH, issued: 10, elapsedMs: 500, may: false, why: 'both: the count ran out first' },
  { rule: BOTH, issued: 5, elapsedMs: 1000, may: false, why: 'both: the time ran out first' },
  { rule: BOTH, issued: 10, elapsedMs: 1000, may: false, why: 'both: both ran out together' },
];

for (const row of ISSUES) {
  test(`mayIssue(${JSON.stringify(row.rule)}, issued ${row.issued}, ${row.elapsedMs} ms) = ${row.may}: ${row.why}`, () => {
    assert.equal(mayIssue(row.rule, row.issued, row.elapsedMs), row.may);
  });
}

test('-n N allows exactly N starts when requests are counted one by one', () => {
  for (const n of [1, 2, 7, 1000]) {
    const rule: StopRule = { requests: n, durationMs: null };
    let issued = 0;
    while (mayIssue(rule, issued, 0)) issued++;
    assert.equal(issued, n);
  }
});

// Clock-free: the server holds the four responses, gb is interrupted once it has all four, and
// the responses are released only after the abort, so what is asserted follows from the order of
// events, not from how fast a shared machine runs them (docs/architecture.md keeps wall-time bounds in
// *.serial.test.ts files).
test('Ctrl-C: the elapsed time runs to the last response counted in the grace period, not to the signal', async () => {
  const held: ServerResponse[] = [];
  const controller = new AbortController();
  let released!: () => void;
  const allReleased = new Promise<void>((resolve) => (released = resolve));
  const calledAt = performance.now();
  const server = createServer((_req, res) => {
    held.push(res);
    if (held.length < 4) return;
    const abortedAt = performance.now();
    controller.abort();
    // Held after the abort for at least as long as everything before it took, so each held request
    // (sent before the abort) lasts longer than the whole run up to the signal: an elapsed time that
    // stopped at the signal would then be shorter than the run's longest request.
    const release = (): void => {
      if (performance.now() - abortedAt <= abortedAt - calledAt) {
        setTimeout(release, 5);
        return;
      }
      for (const r of held) r.end('held');
      released();
    };
    release();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    // A grace far longer than the test may take: the run must end with its last in-flight response.
    const run = runConfig(optionsOf(['-c', '4', '-n', '8', `http://127.0.0.1:${port}/`]).config, {
      signal: controller.signal,
      graceMs: 600_000,
    });
    const outcome = await run;
    await allReleased;
    assert.ok(outcome.ok);
    const s = outcome.value.summary;
    assert.equal(s.stopReason, 'interrupted');
    // The four in flight at the signal finish inside the grace, and are counted; nothing new started.
    assert.equal(s.responses, 4);
    assert.equal(s.completed, 4);
    assert.equal(s.cutOff, 0);
    assert.ok(s.total !== null);
    assert.ok(s.elapsedSeconds * 1e6 >= s.total.maxUs, `elapsed ${s.elapsedSeconds} s covers the longest request, ${s.total.maxUs} µs`);
    assert.ok(s.elapsedSeconds < 600, `elapsed ${s.elapsedSeconds} s: ended with the last response, not the grace`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
