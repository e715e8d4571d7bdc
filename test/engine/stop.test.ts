// Tests of the stop rules: a request count, a time limit, or both — whichever runs out first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayIssue, requestBudget, type StopRule } from '../../src/engine/stop.js';
import { runConfig } from '../../src/run-config.js';
import { startTargetServer } from '../../src/server/target.js';
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

test('Ctrl-C: the elapsed time runs to the last response counted in the grace period, not to the signal', async () => {
  const target = await startTargetServer();
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const outcome = await runConfig(optionsOf(['-c', '4', '-n', '8', `${target.url}/delay/400`]).config, { signal: controller.signal, graceMs: 2000 });
    assert.ok(outcome.ok);
    const s = outcome.value.summary;
    assert.equal(s.stopReason, 'interrupted');
    // The four in flight at the signal finish about 400 ms in, inside the grace, and are counted.
    assert.equal(s.responses, 4);
    assert.equal(s.cutOff, 0);
    assert.ok(s.elapsedSeconds >= 0.39, `elapsed ${s.elapsedSeconds} s, responses ended about 0.4 s in`);
    assert.ok(s.elapsedSeconds < 1.5, `elapsed ${s.elapsedSeconds} s`);
  } finally {
    await target.close();
  }
});
