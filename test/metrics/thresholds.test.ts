// Tests the absolute --fail-if rule language of one result: parsing, units, refusals, and verdicts on a Summary.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { PhaseStats, Summary } from '../../src/metrics/summary.js';
import { checkThresholds, parseThreshold, type Threshold } from '../../src/metrics/thresholds.js';
import { brokenThresholdLine, renderThresholds } from '../../src/report/threshold-text.js';
import { settingsFixture, summaryFixture } from '../helpers/summaries.js';

const TOTAL: PhaseStats = {
  count: 2000,
  minUs: 100,
  meanUs: 5000,
  sdUs: 1000,
  medianUs: 4000,
  maxUs: 900_000,
  abPercentilesUs: [4000, 4000, 4000, 4000, 9000, 9000, 9000, 312_400],
  p50Us: 4000,
  p90Us: 9000,
  p99Us: 312_400,
  p999Us: 500_000,
  p9999Us: 800_000,
  histogram: '',
};

/** 2000 complete in 2 s (1000/s), 40 failed (2 %), 10 non-2xx (0.5 %), p99 312.4 ms. */
function summary(overrides: Partial<Summary> = {}): Summary {
  return summaryFixture({
    settings: settingsFixture({ requests: 2000 }),
    elapsedSeconds: 2,
    issued: 2000,
    responses: 1960,
    completed: 2000,
    succeeded: 1960,
    failed: 40,
    failures: { connect: 0, receive: 40, length: 0, exceptions: 0, script: 0, grpc: 0 },
    non2xx: 10,
    keepAliveRequests: 2000,
    statusCodes: { '200': 1950, '500': 10 },
    connect: TOTAL,
    processing: TOTAL,
    waiting: TOTAL,
    total: TOTAL,
    successTotal: TOTAL,
    successWaiting: TOTAL,
    ...overrides,
  });
}

function rule(text: string): Threshold {
  const parsed = parseThreshold(text);
  if (!parsed.ok) assert.fail(`'${text}' rejected: ${parsed.error}`);
  return parsed.value;
}

describe('parseThreshold', () => {
  const cases: readonly (readonly [string, Partial<Threshold>])[] = [
    ['p99>250ms', { metric: 'p99', op: '>', unit: 'us', limit: 250_000 }],
    ['p99>0.25s', { metric: 'p99', op: '>', unit: 'us', limit: 250_000 }],
    ['p99>250000us', { metric: 'p99', op: '>', unit: 'us', limit: 250_000 }],
    ['P99.9 >= 1.5ms', { metric: 'p999', op: '>=', unit: 'us', limit: 1500 }],
    ['max<=2s', { metric: 'max', op: '<=', unit: 'us', limit: 2_000_000 }],
    ['p50>.5ms', { metric: 'p50', unit: 'us', limit: 500 }],
    ['rps<1000', { metric: 'rps', op: '<', unit: 'per-second', limit: 1000 }],
    ['rps<1000/s', { metric: 'rps', unit: 'per-second', limit: 1000 }],
    ['errors>1%', { metric: 'errors', unit: 'percent', limit: 1 }],
    ['errors>10', { metric: 'errors', unit: 'count', limit: 10 }],
    ['non2xx>0.5%', { metric: 'non2xx', unit: 'percent', limit: 0.5 }],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${text}`, () => {
      const parsed = rule(text);
      for (const [key, value] of Object.entries(expected)) assert.equal(parsed[key as keyof Threshold], value, key);
      assert.equal(parsed.text, text);
    });
  }

  const refused: readonly (readonly [string, RegExp])[] = [
    ['p99>+10%', /relative change, a rule for 'gb compare/],
    ['rps<-5%', /relative change/],
    ['p99>10', /needs a time unit/],
    ['p99>10%', /needs a time unit/],
    ['rps<10ms', /rps takes requests per second/],
    ['errors>5ms', /percent of the complete requests/],
    ['errors>101%', /at most 100/],
    ['p98>1ms', /unknown metric 'p98'/],
    ['p99=1ms', /expected METRIC<LIMIT/],
    ['p99>', /expected METRIC<LIMIT/],
    ['', /expected METRIC<LIMIT/],
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

describe('checkThresholds', () => {
  const verdicts: readonly (readonly [string, boolean])[] = [
    ['p99>250ms', true],
    ['p99>312.4ms', false], // exactly at the limit: only > breaks
    ['p99>=312.4ms', true],
    ['p99<250ms', false],
    ['p50>5ms', false],
    ['p90>8ms', true],
    ['p999>499ms', true],
    ['max>1s', false],
    ['rps<1000', false],
    ['rps<=1000', true],
    ['rps<1001', true],
    ['rps>999', true],
    ['errors>1%', true],
    ['errors>2%', false],
    ['errors>=40', true],
    ['errors>40', false],
    ['non2xx>0.5%', false],
    ['non2xx>0.4%', true],
    ['non2xx>9', true],
  ];
  for (const [text, broken] of verdicts) {
    it(`${text} is ${broken ? 'broken' : 'kept'} by p99 312.4 ms, 1000/s, 2 % errors, 0.5 % non-2xx`, () => {
      const [outcome] = checkThresholds(summary(), [rule(text)]);
      assert.equal(outcome?.broken, broken);
    });
  }

  it('breaks a rule the result has no figure for, rather than passing on missing data', () => {
    const empty = summary({ total: null, completed: 0, failed: 0, non2xx: 0, elapsedSeconds: 0 });
    const outcomes = checkThresholds(empty, ['p99>1s', 'rps<1', 'errors>50%', 'errors>5'].map(rule));
    assert.deepEqual(
      outcomes.map((o) => [o.value, o.broken]),
      [
        [null, true],
        [null, true],
        [null, true],
        [0, false],
      ],
    );
  });

  it('words each verdict: the stderr line of a broken rule and the list of all', () => {
    const outcomes = checkThresholds(summary(), ['p99>250ms', 'rps<1000', 'errors>1%', 'p50>1ms'].map(rule));
    assert.equal(brokenThresholdLine(outcomes[0] ?? assert.fail()), 'gb: --fail-if p99>250ms broken: p99 was 312.4 ms\n');
    const listing = renderThresholds(outcomes);
    assert.match(listing, /Fail-if rules: +p99>250ms: FAILED \(p99 was 312\.4 ms\)\n/);
    assert.match(listing, /rps<1000: ok \(rps was 1000\.0\/s\)\n/);
    assert.match(listing, /errors>1%: FAILED \(errors was 2\.00 %\)\n/);
    // Sub-10 ms figures keep their microseconds.
    assert.match(listing, /p50>1ms: FAILED \(p50 was 4\.000 ms\)\n/);
    assert.equal(renderThresholds([]), '');
  });
});
