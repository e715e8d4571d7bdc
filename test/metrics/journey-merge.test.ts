// Tests gb merge of journey results: exact sums of counts, checks, failures and durations, rows by wall clock, through JSON, and mixes with plain runs.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { Histogram } from '../../src/metrics/histogram.js';
import { mergeSummaries } from '../../src/metrics/merge.js';
import { phaseStats } from '../../src/metrics/phase-stats.js';
import { parseSummaryJson } from '../../src/metrics/result-json.js';
import type { Summary } from '../../src/metrics/summary.js';
import { renderJson } from '../../src/report/json.js';
import { BOOM, journeyResultsOf, journeySummary, T0_MS } from '../helpers/journeys.js';

const DURATIONS_A = [120_000, 250_000, 310_000, 990_000, 1_700_000];
const DURATIONS_B = [80_000, 400_000, 2_500_000];

/** 40 complete and 2 failed over 4 s from T0. */
const runA = journeySummary(
  journeyResultsOf({
    complete: 40,
    failed: 2,
    durationsUs: DURATIONS_A,
    seconds: 4,
    users: 5,
    checks: { 'status is 200': [40, 2], 'has id': [38, 0] },
    failures: { [BOOM]: 2 },
  }),
  4,
);

/** 30 complete and 3 failed over 3 s, started 2 s after A. */
const runB = journeySummary(
  journeyResultsOf({
    complete: 30,
    failed: 3,
    durationsUs: DURATIONS_B,
    seconds: 3,
    startEpochMs: T0_MS + 2000,
    users: 3,
    checks: { 'status is 200': [29, 4], 'cart total': [10, 1] },
    failures: { [BOOM]: 1, 'TypeError: x is undefined (journey.js:30)': 2 },
  }),
  3,
);

function merged(summaries: readonly Summary[]): Summary {
  const result = mergeSummaries(summaries);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.value;
}

/** Every duration the runs recorded, as one histogram. */
function unionOf(...lists: readonly (readonly number[])[]): Histogram {
  const h = new Histogram();
  for (const list of lists) for (const us of list) h.record(us);
  return h;
}

/** Each run's durations as journeyResultsOf records them: cycled over its iterations. */
const recorded = (n: number, durations: readonly number[]): number[] =>
  Array.from({ length: n }, (_, i) => durations[i % durations.length]!);

describe('gb merge of journeys', () => {
  const both = merged([runA, runB]);

  it('adds the counts, the users, and the rate over the merged span', () => {
    const j = both.journeys;
    assert.ok(j !== null);
    assert.deepEqual(j.iterations, { started: 75, complete: 70, failed: 5, interrupted: 0, late: 0, perSecond: 75 / both.elapsedSeconds });
    // A ran 0..4 s and B 2..5 s: 5 s in all.
    assert.equal(both.elapsedSeconds, 5);
    assert.deepEqual(j.users, { initial: 8, peak: 8 });
  });

  it('adds checks by name and failures by message', () => {
    assert.deepEqual(both.journeys?.checks, [
      { name: 'cart total', passed: 10, failed: 1 },
      { name: 'has id', passed: 38, failed: 0 },
      { name: 'status is 200', passed: 69, failed: 6 },
    ]);
    assert.deepEqual(both.journeys?.failures, [
      { message: BOOM, count: 3 },
      { message: 'TypeError: x is undefined (journey.js:30)', count: 2 },
    ]);
  });

  it('adds the duration histograms exactly: the percentiles of one run that recorded every iteration', () => {
    const union = phaseStats(unionOf(recorded(42, DURATIONS_A), recorded(33, DURATIONS_B)));
    const d = both.journeys?.duration;
    assert.ok(d !== null && d !== undefined && union !== null);
    assert.equal(d.count, 75);
    assert.deepEqual(
      [d.p50Us, d.p90Us, d.p99Us, d.p999Us, d.minUs, d.maxUs],
      [union.p50Us, union.p90Us, union.p99Us, union.p999Us, 80_000, 2_500_000],
    );
    assert.deepEqual(d.abPercentilesUs, union.abPercentilesUs);
  });

  it('lines the rows up by wall clock: B’s second 0 is the merged second 2, and its figures add', () => {
    const rows = both.journeys?.timeline.rows ?? [];
    assert.equal(both.journeys?.timeline.startEpochMs, T0_MS);
    assert.deepEqual(
      rows.map((r) => r.second),
      [0, 1, 2, 3, 4],
    );
    const ended = (s: Summary, second: number): number => {
      const row = s.journeys?.timeline.rows.find((r) => r.second === second);
      return (row?.complete ?? 0) + (row?.failed ?? 0);
    };
    assert.equal(ended(both, 2), ended(runA, 2) + ended(runB, 0));
    assert.equal(ended(both, 4), ended(runB, 2));
    assert.equal(
      rows.reduce((sum, r) => sum + r.started, 0),
      75,
    );
    assert.equal(
      rows[2]?.activeUsers,
      (runA.journeys?.timeline.rows[2]?.activeUsers ?? 0) + (runB.journeys?.timeline.rows[0]?.activeUsers ?? 0),
    );
  });

  it('is as exact from the JSON files, whose durations carry their encoded histogram', () => {
    const read = [runA, runB].map((s) => {
      const parsed = parseSummaryJson(renderJson(s));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      return parsed.value;
    });
    const fromFiles = merged(read);
    const journeysOf = (summary: Summary): unknown => (JSON.parse(renderJson(summary)) as { journeys: unknown }).journeys;
    assert.deepEqual(journeysOf(fromFiles), journeysOf(both));
    // And the merged result itself writes and reads back.
    const again = parseSummaryJson(renderJson(fromFiles));
    assert.ok(again.ok, again.ok ? '' : again.error);
    assert.deepEqual(again.value.journeys?.iterations, fromFiles.journeys?.iterations);
  });

  it('merges what is there when only some results are journey runs', () => {
    const plain = journeySummary(null, 4);
    const mixed = merged([plain, runB]);
    const j = mixed.journeys;
    assert.ok(j !== null);
    assert.deepEqual([j.iterations.complete, j.iterations.failed], [30, 3]);
    assert.equal(j.iterations.perSecond, 33 / mixed.elapsedSeconds);
    assert.deepEqual(j.checks, runB.journeys?.checks);
    assert.deepEqual(j.duration?.p99Us, runB.journeys?.duration?.p99Us);
    assert.equal(j.timeline.startEpochMs, T0_MS + 2000);
  });

  it('leaves journeys null when no result has any', () => {
    assert.equal(merged([journeySummary(null, 2), journeySummary(null, 3)]).journeys, null);
  });
});
