// Tests the journey metrics of --fail-if (on one result) and of gb compare (between two), on both sides of each limit, and on runs without journeys.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { checkRules, compareSummaries, parseFailRule, type FailRule } from '../../src/metrics/compare.js';
import { checkThresholds, parseThreshold, type Threshold } from '../../src/metrics/thresholds.js';
import { renderComparison, ruleMessage } from '../../src/report/compare-text.js';
import { brokenThresholdLine, renderThresholds } from '../../src/report/threshold-text.js';
import { journeyResultsOf, journeySummary, T0_MS } from '../helpers/journeys.js';

function rule(text: string): Threshold {
  const parsed = parseThreshold(text);
  if (!parsed.ok) assert.fail(`'${text}' rejected: ${parsed.error}`);
  return parsed.value;
}

/** 990 complete and 10 failed iterations over 10 s; 995 of 1000 checks passed; durations 1..1000 ms. */
const DURATIONS_US = Array.from({ length: 1000 }, (_, i) => (i + 1) * 1000);
const journeyRun = journeySummary(
  journeyResultsOf({
    complete: 990,
    failed: 10,
    durationsUs: DURATIONS_US,
    seconds: 10,
    checks: { 'status is 200': [600, 3], 'has id': [395, 2] },
  }),
  10,
);
const plainRun = journeySummary(null, 10);

describe('--fail-if journey metrics', () => {
  const d = journeyRun.journeys?.duration;
  assert.ok(d !== null && d !== undefined);

  const verdicts: readonly (readonly [string, boolean])[] = [
    [`iteration_p50>${d.p50Us - 1}us`, true],
    [`iteration_p50>${d.p50Us}us`, false],
    [`iteration_p90>=${d.p90Us}us`, true],
    [`iteration_p90>${d.p90Us}us`, false],
    [`iteration_p95>${d.abPercentilesUs[5]! - 1}us`, true],
    [`iteration_p95>${d.abPercentilesUs[5]!}us`, false],
    [`iteration_p99>${d.p99Us / 1000 - 1}ms`, true],
    [`iteration_p99>${d.p99Us / 1000 + 1}ms`, false],
    [`iteration_p99.9>${d.p999Us - 1}us`, true],
    [`iteration_p999>${d.p999Us}us`, false],
    ['iteration_max>0.9s', true],
    ['iteration_max>2s', false],
    [`iteration_mean>${d.meanUs - 1}us`, true],
    [`iteration_mean>${d.meanUs}us`, false],
    ['iterations<1000', true],
    ['iterations<990', false],
    ['iterations<=990', true],
    ['iterations_failed>0.9%', true],
    ['iterations_failed>1%', false],
    ['iterations_failed>9', true],
    ['iterations_failed>10', false],
    ['checks<99.6%', true],
    ['checks<99.5%', false],
  ];
  for (const [text, broken] of verdicts) {
    it(`${text} is ${broken ? 'broken' : 'kept'} by a run of 990 complete, 10 failed, 99.5 % checks passed`, () => {
      const [outcome] = checkThresholds(journeyRun, [rule(text)]);
      assert.equal(outcome?.broken, broken, `value ${outcome?.value}`);
      assert.equal(outcome?.noValue, undefined);
    });
  }

  it('breaks every journey rule on a run without journeys, each with one line saying so', () => {
    const texts = ['iteration_p99>2s', 'iterations<1000', 'iterations_failed>1%', 'checks<99%'];
    const outcomes = checkThresholds(plainRun, texts.map(rule));
    assert.deepEqual(
      outcomes.map((o) => [o.value, o.broken]),
      texts.map(() => [null, true]),
    );
    assert.equal(
      brokenThresholdLine(outcomes[1]!),
      'gb: --fail-if iterations<1000 broken: no iterations to check (not a journey run: the script has no iteration())\n',
    );
    assert.match(renderThresholds(outcomes), /checks<99%: FAILED \(no checks to check \(not a journey run/);
  });

  it('breaks a checks rule of a journey run that made no check, and says why', () => {
    const noChecks = journeySummary(journeyResultsOf({ complete: 5, failed: 0, durationsUs: [1000], seconds: 1 }), 1);
    const [outcome] = checkThresholds(noChecks, [rule('checks<99%')]);
    assert.ok(outcome !== undefined);
    assert.equal(outcome.broken, true);
    assert.match(brokenThresholdLine(outcome), /no checks to check \(the script made no check\)/);
  });

  it('words a journey figure in its unit', () => {
    const listing = renderThresholds(checkThresholds(journeyRun, ['iterations<1000', 'checks<99%', 'iteration_max>2s'].map(rule)));
    assert.match(listing, /iterations<1000: FAILED \(iterations was 990\)/);
    assert.match(listing, /checks<99%: ok \(checks was 99\.50 %\)/);
    assert.match(listing, /iteration_max>2s: ok \(iteration_max was 1000\.0 ms\)/);
  });

  const refused: readonly (readonly [string, RegExp])[] = [
    ['iteration_p99>2', /needs a time unit/],
    ['iterations<10%', /iterations takes a count of complete iterations/],
    ['iterations<10ms', /iterations takes a count/],
    ['checks<99', /checks takes the percent of checks that passed/],
    ['checks<101%', /at most 100/],
    ['iterations_failed>5ms', /percent of the iterations that ended/],
    ['iteration_p98>1s', /unknown metric 'iteration_p98'/],
  ];
  for (const [text, why] of refused) {
    it(`refuses '${text}' in one line`, () => {
      const parsed = parseThreshold(text);
      assert.ok(!parsed.ok);
      assert.match(parsed.error, why);
      assert.match(parsed.error, /^bad --fail-if rule '[^\n]*$/);
    });
  }
});

describe('gb compare of journeys', () => {
  /** A journey run of `seconds` whole seconds doing `perSecond` iterations each, of durations scaled by `slower`. */
  const run = (seconds: number, perSecond: number, slower: number, passed: number) =>
    journeySummary(
      journeyResultsOf({
        complete: seconds * perSecond,
        failed: 0,
        durationsUs: DURATIONS_US.map((us) => Math.round(us * slower)),
        seconds,
        checks: { 'status is 200': [passed, 100 - passed] },
      }),
      seconds,
      { startedAt: new Date(T0_MS).toISOString() },
    );
  const failRule = (text: string): FailRule => {
    const parsed = parseFailRule(text);
    if (!parsed.ok) assert.fail(parsed.error);
    return parsed.value;
  };

  it('adds iteration rows when both runs have journeys: the rate judged by seconds, the durations not in long runs', () => {
    const rows = compareSummaries(run(10, 100, 1, 99), run(10, 80, 2, 95), { resamples: 200 });
    const rate = rows.find((r) => r.metric === 'iteration-rate');
    assert.equal(rate?.a, 100);
    assert.equal(rate?.b, 80);
    assert.ok(Math.abs((rate?.changePercent ?? 0) + 20) < 1e-9);
    assert.equal(rate?.noise.kind === 'n/a' ? 'n/a' : rate?.noise.basis, 'seconds');
    const p99 = rows.find((r) => r.metric === 'iteration-p99');
    assert.ok(p99?.a !== null && p99?.b !== null && p99 !== undefined);
    // B's 800 iterations took 2..1600 ms, A's 1000 took 1..1000 ms.
    assert.ok((p99.changePercent ?? 0) > 50, `p99 change ${p99.changePercent}`);
    assert.deepEqual(p99.noise, { kind: 'n/a', reason: 'no per-second iteration times' });
    assert.ok(rows.some((r) => r.metric === 'iteration-p50'));
  });

  it('judges iteration durations on the iterations of runs too short for seconds', () => {
    const rows = compareSummaries(run(2, 500, 1, 99), run(2, 500, 2, 99), { resamples: 200 });
    const noise = rows.find((r) => r.metric === 'iteration-p50')?.noise;
    assert.ok(noise !== undefined && noise.kind !== 'n/a', JSON.stringify(noise));
    assert.deepEqual([noise.kind, noise.basis], ['beyond-noise', 'requests']);
  });

  it('has no iteration rows unless both are journey runs, and a rule on them then breaks as missing', () => {
    const rows = compareSummaries(run(10, 100, 1, 99), plainRun, { resamples: 200 });
    assert.equal(
      rows.some((r) => r.metric.startsWith('iteration')),
      false,
    );
    const plainRows = compareSummaries(plainRun, plainRun, { resamples: 200 });
    assert.equal(
      plainRows.some((r) => r.metric.startsWith('iteration')),
      false,
    );
    const [outcome] = checkRules(rows, [failRule('iteration-p99>+10%')]);
    assert.ok(outcome !== undefined);
    assert.equal(outcome.violated, true);
    assert.match(ruleMessage(outcome), /iteration-p99 is missing in one of the results/);
  });

  it('reads iteration_p99 as iteration-p99, and breaks a rule on a rate that fell beyond noise', () => {
    assert.equal(failRule('iteration_p99>+10%').metric, 'iteration-p99');
    const rows = compareSummaries(run(10, 100, 1, 99), run(10, 50, 1, 99), { resamples: 200 });
    const [fell, held] = checkRules(rows, [failRule('iteration-rate<-10%'), failRule('iteration-rate<-60%')]);
    assert.equal(fell?.violated, true, ruleMessage(fell!));
    assert.equal(held?.violated, false, ruleMessage(held!));
  });

  it('prints the iteration rows and each check’s pass rate in A and B', () => {
    const a = run(10, 100, 1, 99);
    const b = run(10, 80, 2, 95);
    const text = renderComparison(a, b, compareSummaries(a, b, { resamples: 200 }), { a: 'a.json', b: 'b.json' });
    assert.match(text, /^Iterations\/s\s+100\.00\s+80\.00\s+-20\.0 %/m);
    assert.match(text, /^Iteration p99 \[ms\]\s+\d+\.\d{3}\s+\d+\.\d{3}/m);
    assert.match(
      text,
      /Checks, matched by name \(share passed\):\nCheck\s+A passed\s+B passed\s+Change\nstatus is 200\s+99\.00 %\s+95\.00 %\s+-4\.00 pt/,
    );
    const mixed = renderComparison(a, plainRun, compareSummaries(a, plainRun, { resamples: 200 }), { a: 'a.json', b: 'b.json' });
    assert.match(mixed, /note: only A is a journey run, so its iterations are not compared/);
    assert.doesNotMatch(mixed, /Checks, matched by name/);
  });
});
