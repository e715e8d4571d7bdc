// Tests gb compare's statistics (bootstrap noise verdicts and their calibration), --fail-if rules, and the table.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { PhaseStats, Summary, TimelineRow } from '../../src/metrics/summary.js';
import { blockLength, bootstrapChange, bootstrapPercentileChange, requestsAbove, seededRandom } from '../../src/metrics/bootstrap.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { phaseStats } from '../../src/metrics/phase-stats.js';
import {
  checkRules,
  compareSummaries,
  parseFailRule,
  type FailRule,
  type MetricComparison,
  type RuleOutcome,
} from '../../src/metrics/compare.js';
import { renderComparison, ruleMessage } from '../../src/report/compare-text.js';
import { allAnswered, settingsFixture, summaryFixture } from '../helpers/summaries.js';

const T0_MS = Date.UTC(2025, 0, 31, 12, 0, 0);

const messageOf = (o: RuleOutcome | undefined): string => (o === undefined ? '' : ruleMessage(o));

function phase(p50Us: number, p99Us: number, count: number): PhaseStats {
  return {
    count,
    minUs: Math.round(p50Us / 2),
    meanUs: p50Us,
    sdUs: p50Us / 4,
    medianUs: p50Us,
    maxUs: p99Us * 2,
    abPercentilesUs: [p50Us, p50Us, p50Us, p50Us, p99Us, p99Us, p99Us, p99Us],
    p50Us,
    p90Us: Math.round((p50Us + p99Us) / 2),
    p99Us,
    p999Us: Math.round(p99Us * 1.5),
    p9999Us: p99Us * 2,
    histogram: '',
  };
}

interface RunShape {
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Relative spread of each second's figures around the run's level (uniform ±noise). */
  readonly noise: number;
  readonly seed: number;
}

/** A closed-loop run of `seconds` whole seconds whose per-second figures scatter around fixed levels. */
function run(shape: RunShape): Summary {
  const random = seededRandom(shape.seed);
  const jitter = (level: number): number => Math.round(level * (1 + shape.noise * (2 * random() - 1)));
  const rows: TimelineRow[] = Array.from({ length: shape.seconds }, (_, second) => {
    const p50Us = jitter(shape.p50Us);
    const p99Us = jitter(shape.p99Us);
    return {
      second,
      scheduled: null,
      complete: jitter(shape.perSecond),
      errors: 0,
      non2xx: 0,
      bytesReceived: 0,
      p50Us,
      p90Us: Math.round((p50Us + p99Us) / 2),
      p99Us,
      maxUs: p99Us * 2,
    };
  });
  const complete = rows.reduce((sum, r) => sum + r.complete, 0);
  return summaryFixture({
    settings: settingsFixture({ durationMs: shape.seconds * 1000 }),
    elapsedSeconds: shape.seconds,
    startedAt: new Date(T0_MS).toISOString(),
    ...allAnswered(complete),
    connect: phase(50, 100, complete),
    processing: phase(shape.p50Us, shape.p99Us, complete),
    waiting: phase(Math.round(shape.p50Us * 0.9), Math.round(shape.p99Us * 0.9), complete),
    total: phase(shape.p50Us, shape.p99Us, complete),
    successTotal: phase(shape.p50Us, shape.p99Us, complete),
    successWaiting: phase(shape.p50Us, shape.p99Us, complete),
    stopReason: 'duration',
    timeline: { startEpochMs: T0_MS, rows },
  });
}

const BASE: RunShape = { seconds: 30, perSecond: 1000, p50Us: 2000, p99Us: 9000, noise: 0.1, seed: 1 };

function row(rows: readonly MetricComparison[], metric: string): MetricComparison {
  return rows.find((r) => r.metric === metric) ?? assert.fail(`no ${metric} row`);
}

describe('compareSummaries noise verdicts', () => {
  it('finds nothing beyond noise between a run and the same seconds in another order', () => {
    const a = run(BASE);
    const b: Summary = { ...a, timeline: { ...a.timeline, rows: [...a.timeline.rows].reverse().map((r, i) => ({ ...r, second: i })) } };
    for (const r of compareSummaries(a, b)) {
      if (r.metric.startsWith('ttfb')) continue;
      assert.equal(r.noise.kind, 'within-noise', r.metric);
    }
  });

  it('calls a 50 % shift with 10 % noise beyond noise, in the right direction', () => {
    const a = run(BASE);
    const b = run({ ...BASE, perSecond: 1500, p50Us: 3000, p99Us: 13_500, seed: 2 });
    const rows = compareSummaries(a, b);
    for (const metric of ['rps', 'p50', 'p90', 'p99', 'p999', 'max']) {
      const noise = row(rows, metric).noise;
      assert.equal(noise.kind, 'beyond-noise', metric);
      assert.ok(noise.lowPercent > 35 && noise.highPercent < 65, `${metric} interval ${JSON.stringify(noise)}`);
    }
    // Over whole seconds the run's throughput is the mean per-second count, so its change sits inside the interval.
    const rps = row(rows, 'rps');
    assert.ok(rps.noise.kind !== 'n/a' && rps.changePercent !== null);
    assert.ok(rps.noise.lowPercent < rps.changePercent && rps.changePercent < rps.noise.highPercent);
    assert.equal(row(rows, 'p99').changePercent, 50);
  });

  it('is wrong about identical distributions about as rarely as its 95 % level promises', () => {
    let falseAlarms = 0;
    const pairs = 200;
    for (let i = 0; i < pairs; i++) {
      const a = run({ ...BASE, seed: 1000 + 2 * i });
      const b = run({ ...BASE, seed: 1001 + 2 * i });
      if (row(compareSummaries(a, b, { resamples: 1000 }), 'rps').noise.kind === 'beyond-noise') falseAlarms++;
    }
    // 5 % expected; a bootstrap on 30 points runs a little hot, but not like an interval that ignores noise.
    assert.ok(falseAlarms / pairs <= 0.12, `false alarm rate ${falseAlarms / pairs}`);
  });

  it('catches a 5 % throughput drop under 2 % noise in most runs', () => {
    let caught = 0;
    for (let i = 0; i < 50; i++) {
      const a = run({ ...BASE, noise: 0.02, seed: 5000 + 2 * i });
      const b = run({ ...BASE, noise: 0.02, perSecond: 950, seed: 5001 + 2 * i });
      if (row(compareSummaries(a, b, { resamples: 500 }), 'rps').noise.kind === 'beyond-noise') caught++;
    }
    assert.ok(caught >= 45, `caught ${caught} of 50`);
  });

  it('says "too few seconds" below five seconds and gives TTFB no verdict but still its change', () => {
    const rows = compareSummaries(run({ ...BASE, seconds: 4 }), run({ ...BASE, seconds: 30 }));
    assert.deepEqual(row(rows, 'rps').noise, { kind: 'n/a', reason: 'too few seconds' });
    assert.deepEqual(row(rows, 'p99').noise, { kind: 'n/a', reason: 'too few seconds' });
    const ttfb = row(compareSummaries(run(BASE), run({ ...BASE, p50Us: 2200 })), 'ttfb-p50');
    assert.deepEqual(ttfb.noise, { kind: 'n/a', reason: 'no per-second TTFB' });
    assert.equal(ttfb.a, 1800);
    assert.equal(ttfb.b, 1980);
    assert.ok(Math.abs((ttfb.changePercent ?? 0) - 10) < 1e-9);
  });

  it('leaves the last, partial second out of the throughput samples', () => {
    const full = run({ ...BASE, noise: 0 });
    const rows = [...full.timeline.rows, { ...(full.timeline.rows[0] ?? assert.fail()), second: 30, complete: 100 }];
    const withTail: Summary = { ...full, elapsedSeconds: 30.1, timeline: { ...full.timeline, rows } };
    // Counted, the 100-request tail would make B's constant 1000/s look significantly faster.
    assert.equal(row(compareSummaries(withTail, full), 'rps').noise.kind, 'within-noise');
  });

  it('is reproducible: the same inputs give the same intervals', () => {
    const a = run(BASE);
    const b = run({ ...BASE, seed: 9 });
    assert.deepEqual(compareSummaries(a, b), compareSummaries(a, b));
  });
});

describe('bootstrapChange', () => {
  it('brackets 0 for two samples of the same values and +100 % for doubled values', () => {
    const values = Array.from({ length: 20 }, (_, i) => 100 + (i % 7));
    const same = bootstrapChange(values, values) ?? assert.fail();
    assert.ok(same.lowPercent < 0 && same.highPercent > 0);
    const doubled =
      bootstrapChange(
        values,
        values.map((v) => 2 * v),
      ) ?? assert.fail();
    assert.ok(doubled.lowPercent > 90 && doubled.highPercent < 110, JSON.stringify(doubled));
  });

  it('resamples independent seconds one by one and correlated ones in long blocks', () => {
    const random = seededRandom(3);
    const independent = Array.from({ length: 300 }, () => random());
    let level = 0;
    const drifting = Array.from({ length: 300 }, () => (level = 0.9 * level + random() - 0.5));
    assert.ok(blockLength(independent) <= 2, `independent: ${blockLength(independent)}`);
    assert.ok(blockLength(drifting) >= 8, `correlated: ${blockLength(drifting)}`);
    assert.equal(blockLength([5, 5, 5, 5, 5, 5]), 1);
  });

  it('has no answer when A is all zero', () => {
    assert.equal(bootstrapChange([0, 0, 0, 0, 0], [1, 2, 3, 4, 5]), null);
  });
});

/** n latencies (µs) around `medianUs`, log-normally spread as a server's are; seeded. */
function latencies(n: number, medianUs: number, seed: number, sigma = 0.3): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.round(medianUs * Math.exp(sigma * normal));
  });
}

function histogramOf(samplesUs: readonly number[]): Histogram {
  const h = new Histogram();
  for (const us of samplesUs) h.record(us);
  return h;
}

describe('bootstrapPercentileChange (requests resampled from histograms)', () => {
  it('brackets 0 for the same requests and +300 % for requests four times as slow, tightly', () => {
    const a = latencies(2000, 1200, 1);
    const same = bootstrapPercentileChange(histogramOf(a), histogramOf(a), 99) ?? assert.fail();
    assert.ok(same.lowPercent < 0 && same.highPercent > 0, JSON.stringify(same));
    const slow = bootstrapPercentileChange(histogramOf(a), histogramOf(a.map((us) => 4 * us)), 99) ?? assert.fail();
    assert.ok(slow.lowPercent > 250 && slow.highPercent < 350, JSON.stringify(slow));
  });

  it('draws what resampling every request would: one Beta draw per resample matches brute force', () => {
    // Brute force: resample the 500 requests themselves and read p90 of each resample.
    const samples = latencies(500, 1000, 7, 0.5);
    const h = histogramOf(samples);
    const random = seededRandom(11);
    const brute: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = new Histogram();
      for (let j = 0; j < samples.length; j++) r.record(samples[Math.floor(random() * samples.length)] ?? 0);
      brute.push(100 * (r.valueAtPercentile(90) / h.valueAtPercentile(90) - 1));
    }
    brute.sort((x, y) => x - y);
    // Against an unchanging B (a single value equal to A's p90 resamples to itself), the interval is A's resampled spread mirrored.
    const fixed = new Histogram();
    for (let j = 0; j < 1000; j++) fixed.record(h.valueAtPercentile(90));
    const drawn = bootstrapPercentileChange(h, fixed, 90, { resamples: 4000 }) ?? assert.fail();
    const bruteLow = 100 * (1 / (1 + (brute[Math.round(0.975 * 1999)] ?? 0) / 100) - 1);
    const bruteHigh = 100 * (1 / (1 + (brute[Math.round(0.025 * 1999)] ?? 0) / 100) - 1);
    assert.ok(Math.abs(drawn.lowPercent - bruteLow) < 1.5, `low ${drawn.lowPercent} vs brute force ${bruteLow}`);
    assert.ok(Math.abs(drawn.highPercent - bruteHigh) < 1.5, `high ${drawn.highPercent} vs brute force ${bruteHigh}`);
    assert.ok(drawn.highPercent - drawn.lowPercent > 3, 'a real spread, not a point');
  });

  it('is wrong about two samples of one distribution about as rarely as its 95 % level promises', () => {
    let falseAlarms = 0;
    const pairs = 200;
    for (let i = 0; i < pairs; i++) {
      const a = histogramOf(latencies(1000, 1500, 100 + 2 * i));
      const b = histogramOf(latencies(1000, 1500, 101 + 2 * i));
      const interval = bootstrapPercentileChange(a, b, 99, { resamples: 1000 }) ?? assert.fail();
      if (interval.lowPercent > 0 || interval.highPercent < 0) falseAlarms++;
    }
    assert.ok(falseAlarms / pairs <= 0.1, `false alarm rate ${falseAlarms / pairs}`);
  });

  it('is seeded: the same histograms give the same interval, another seed another one', () => {
    const a = histogramOf(latencies(1000, 1500, 3));
    const b = histogramOf(latencies(1000, 1700, 4));
    assert.deepEqual(bootstrapPercentileChange(a, b, 99), bootstrapPercentileChange(a, b, 99));
    assert.notDeepEqual(bootstrapPercentileChange(a, b, 99, { seed: 1 }), bootstrapPercentileChange(a, b, 99, { seed: 2 }));
  });

  it('has no answer for an empty run or an A at 0, and counts the requests above a percentile', () => {
    const a = histogramOf(latencies(1000, 1500, 5));
    assert.equal(bootstrapPercentileChange(new Histogram(), a, 99), null);
    assert.equal(bootstrapPercentileChange(histogramOf([0, 0, 0]), a, 50), null);
    assert.equal(requestsAbove(a, 99), 10);
    assert.equal(requestsAbove(a, 99.9), 1);
    assert.equal(requestsAbove(a, 100), 0);
  });
});

/** A run of under five seconds whose Total and Waiting phases carry real histograms of these latencies. */
function shortRun(samplesUs: readonly number[], seconds = 2): Summary {
  const base = run({ ...BASE, seconds, noise: 0 });
  const h = histogramOf(samplesUs);
  const stats = phaseStats(h) ?? assert.fail();
  return { ...base, total: stats, waiting: stats, successTotal: stats, successWaiting: stats };
}

describe('compareSummaries on runs too short for the per-second bootstrap', () => {
  const rule = (text: string): FailRule => {
    const parsed = parseFailRule(text);
    return parsed.ok ? parsed.value : assert.fail(parsed.error);
  };

  it('judges percentiles on the requests, and leaves throughput and max unjudged, saying why', () => {
    const a = shortRun(latencies(2000, 1200, 21));
    const b = shortRun(latencies(2000, 4800, 22));
    const rows = compareSummaries(a, b);
    for (const metric of ['p50', 'p90', 'p99', 'ttfb-p50', 'ttfb-p99']) {
      const noise = row(rows, metric).noise;
      assert.ok(noise.kind === 'beyond-noise' && noise.basis === 'requests', `${metric}: ${JSON.stringify(noise)}`);
      assert.ok(noise.lowPercent > 200, `${metric}: ${JSON.stringify(noise)}`);
    }
    assert.deepEqual(row(rows, 'rps').noise, { kind: 'n/a', reason: 'too few seconds' });
    assert.deepEqual(row(rows, 'max').noise, { kind: 'n/a', reason: 'too few seconds, and no request lies above a max' });
    // 2000 requests leave 2 above p99.9: too few to resample.
    assert.deepEqual(row(rows, 'p999').noise, { kind: 'n/a', reason: 'too few seconds, and under 10 requests above p99.9' });
    const [p99] = checkRules(rows, [rule('p99>+10%')]);
    assert.equal(p99?.violated, true);
    assert.match(
      messageOf(p99),
      /^p99>\+10%: FAILED \(p99 \+\d+\.\d %, interval \[\+\d+\.\d, \+\d+\.\d %\] past the limit; judged on the requests: too few seconds\)$/,
    );
  });

  it('breaks a rule only when the whole interval lies past the limit, not merely beyond 0', () => {
    const a = shortRun(latencies(2000, 1200, 31));
    // 20 % slower: past a 10 % limit and beyond the requests' noise at p99 (20 requests above it), but
    // the interval reaches back below +10 %.
    const b = shortRun(latencies(2000, 1440, 32));
    const rows = compareSummaries(a, b);
    const noise = row(rows, 'p99').noise;
    assert.ok(noise.kind === 'beyond-noise' && noise.lowPercent > 0 && noise.lowPercent < 10, JSON.stringify(noise));
    const [lenient, loose] = checkRules(rows, [rule('p99>+10%'), rule(`p99>+${Math.floor(noise.lowPercent) - 1}%`)]);
    assert.equal(lenient?.violated, false);
    assert.match(
      messageOf(lenient),
      /^p99>\+10%: ok \(p99 \+\d+\.\d %, past the limit, but its interval \[\+\d\.\d, \+\d+\.\d %\] reaches inside it; judged on the requests: too few seconds\)$/,
    );
    // A limit below the interval's low end: the same change now breaks it.
    assert.equal(loose?.violated, true, messageOf(loose));
  });

  it('passes two samples of one server', () => {
    const rows = compareSummaries(shortRun(latencies(2000, 1200, 41)), shortRun(latencies(2000, 1200, 42)));
    const outcomes = checkRules(rows, ['p50>+10%', 'p90>+10%', 'p99>+10%', 'ttfb-p99>+10%'].map(rule));
    assert.deepEqual(
      outcomes.map((o) => o.violated),
      [false, false, false, false],
      outcomes.map(messageOf).join('\n'),
    );
  });

  it('says in the table notes that the interval came from the requests', () => {
    const a = shortRun(latencies(2000, 1200, 51));
    const b = shortRun(latencies(2000, 2400, 52));
    const text = renderComparison(a, b, compareSummaries(a, b), { a: 'a', b: 'b' });
    assert.match(text, /each run's\nrequests are resampled from its histogram \(2000 resamples\)/);
    assert.doesNotMatch(text, /block bootstrap/);
  });
});

describe('parseFailRule', () => {
  const good: readonly [string, Omit<FailRule, 'text'>][] = [
    ['p99>+10%', { metric: 'p99', op: '>', percent: 10 }],
    ['rps<-5%', { metric: 'rps', op: '<', percent: -5 }],
    ['rps<5%', { metric: 'rps', op: '<', percent: -5 }],
    ['p50>2.5%', { metric: 'p50', op: '>', percent: 2.5 }],
    [' ttfb-p99 > +20 % ', { metric: 'ttfb-p99', op: '>', percent: 20 }],
    ['tls-p99>+10%', { metric: 'tls-p99', op: '>', percent: 10 }],
    ['Receiving-P50<-5%', { metric: 'receiving-p50', op: '<', percent: -5 }],
    ['p99.9>+1%', { metric: 'p999', op: '>', percent: 1 }],
    ['MAX>+0%', { metric: 'max', op: '>', percent: 0 }],
    ['rps<+3%', { metric: 'rps', op: '<', percent: 3 }],
  ];
  for (const [text, rule] of good) {
    it(`reads '${text}'`, () => assert.deepEqual(parseFailRule(text), { ok: true, value: { text, ...rule } }));
  }
  for (const text of ['p99>10', 'p99>>10%', 'p99=10%', 'p98>10%', '>10%', 'p99>%', 'p99>ten%', '']) {
    it(`refuses '${text}' and lists the metrics`, () => {
      const parsed = parseFailRule(text);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.error, /rps, p50, p90, p99, p999, max, ttfb-p50, ttfb-p99/);
    });
  }
});

describe('checkRules', () => {
  const a = run({ ...BASE, noise: 0 });
  const b = run({ ...BASE, noise: 0, perSecond: 900, p99Us: 10_800 }); // rps −10 %, p99 +20 %
  const rows = compareSummaries(a, b);
  const rule = (text: string): FailRule => {
    const parsed = parseFailRule(text);
    return parsed.ok ? parsed.value : assert.fail(parsed.error);
  };

  it('breaks a rule only when the change goes past its limit', () => {
    const outcomes = checkRules(rows, ['p99>+10%', 'p99>+30%', 'rps<-5%', 'rps<-15%', 'p50>+0%'].map(rule));
    assert.deepEqual(
      outcomes.map((o) => o.violated),
      [true, false, true, false, false],
    );
    assert.equal(messageOf(outcomes[0]), 'p99>+10%: FAILED (p99 +20.0 %, beyond noise)');
    assert.equal(messageOf(outcomes[3]), 'rps<-15%: ok (rps -10.0 %, beyond noise)');
  });

  it('breaks a rule whose metric one run lacks, even without --strict', () => {
    const empty: Summary = { ...b, total: null };
    const [outcome] = checkRules(compareSummaries(a, empty), [rule('p99>+10%')]);
    assert.equal(outcome?.violated, true);
    assert.match(messageOf(outcome), /FAILED \(cannot check, p99 is missing/);
  });

  it('passes a change past the limit that is within noise, and says so', () => {
    // The same seconds in another order: no per-second evidence of a change, yet the whole-run p99 is 20 % up.
    const noisy = run({ ...BASE, noise: 0.2 });
    const total = noisy.total ?? assert.fail();
    const later: Summary = {
      ...noisy,
      total: { ...total, p99Us: total.p99Us * 1.2 },
      timeline: { ...noisy.timeline, rows: [...noisy.timeline.rows].reverse().map((r, i) => ({ ...r, second: i })) },
    };
    const rows = compareSummaries(noisy, later);
    assert.equal(row(rows, 'p99').noise.kind, 'within-noise');
    for (const strict of [false, true]) {
      const [outcome] = checkRules(rows, [rule('p99>+10%')], { strict });
      assert.equal(outcome?.violated, false, `strict ${strict}`);
      assert.equal(messageOf(outcome), 'p99>+10%: ok (p99 +20.0 %, past the limit but within noise)');
    }
  });

  it('passes a change past the limit whose noise cannot be judged, unless strict', () => {
    const short = run({ ...BASE, seconds: 4, noise: 0 });
    const worse = run({ ...BASE, seconds: 4, noise: 0, p99Us: 13_500, perSecond: 1010 }); // p99 +50 %, rps +1 %
    const rows = compareSummaries(short, worse);
    const rules = ['p99>+10%', 'rps<-5%'].map(rule);
    const lenient = checkRules(rows, rules);
    assert.deepEqual(
      lenient.map((o) => [o.violated, o.verdict.kind === 'unjudged' && o.verdict.pastLimit]),
      [
        [false, true],
        [false, false],
      ],
    );
    assert.equal(
      messageOf(lenient[0]),
      'p99>+10%: ok (p99 +50.0 %, past the limit, noise not judged: too few seconds; passes without --strict)',
    );
    assert.equal(messageOf(lenient[1]), 'rps<-5%: ok (rps +1.0 %, noise not judged: too few seconds)');
    const strict = checkRules(rows, rules, { strict: true });
    assert.deepEqual(
      strict.map((o) => o.violated),
      [true, false],
      'strict breaks only the rule past its limit',
    );
    assert.equal(
      messageOf(strict[0]),
      'p99>+10%: FAILED (p99 +50.0 %, past the limit, noise not judged: too few seconds; failed by --strict)',
    );
  });

  it("says A's figure is 0 rather than missing, and decides by the same policy", () => {
    const zero: Summary = { ...a, total: { ...(a.total ?? assert.fail()), p99Us: 0 } };
    const rows = compareSummaries(zero, b);
    assert.equal(row(rows, 'p99').changePercent, null);
    const [lenient] = checkRules(rows, [rule('p99>+10%')]);
    assert.equal(lenient?.violated, false);
    assert.equal(messageOf(lenient), "p99>+10%: ok (A's p99 is 0, so a relative change cannot be judged; passes without --strict)");
    const [strict] = checkRules(rows, [rule('p99>+10%')], { strict: true });
    assert.equal(strict?.violated, true);
    assert.match(messageOf(strict), /^p99>\+10%: FAILED \(A's p99 is 0, .*failed by --strict\)$/);
    // Both at 0 is no change at all.
    const both = compareSummaries(zero, { ...b, total: { ...(b.total ?? assert.fail()), p99Us: 0 } });
    assert.equal(row(both, 'p99').changePercent, 0);
    assert.equal(checkRules(both, [rule('p99>+10%')], { strict: true })[0]?.violated, false);
  });
});

describe('renderComparison', () => {
  it('prints both runs, a header and one aligned row per metric, then how noise was judged', () => {
    const a = run(BASE);
    const b = run({ ...BASE, p99Us: 13_500, seed: 2, noise: 0.05 });
    const text = renderComparison(a, b, compareSummaries(a, b), { a: 'a.json', b: 'b.json' });
    const lines = text.split('\n');
    assert.match(
      lines[0] ?? '',
      /^A: a\.json {2}http:\/\/127\.0\.0\.1:8080\/ {2}2025-01-31T12:00:00\.000Z {2}30\.00 s {2}\d+ complete {2}-c 10$/,
    );
    assert.match(lines[1] ?? '', /^B: b\.json /);
    assert.equal(lines[2], '');
    assert.match(lines[3] ?? '', /^ +A +B +Change +95 % interval +Verdict$/);
    const labels = ['Requests/s', 'p50 [ms]', 'p90 [ms]', 'p99 [ms]', 'p99.9 [ms]', 'max [ms]', 'TTFB p50 [ms]', 'TTFB p99 [ms]'];
    const body = lines.slice(4, 12);
    assert.deepEqual(
      body.map((l) => l.split(/ {2,}/)[0]),
      labels,
    );
    assert.match(body[3] ?? '', /^p99 \[ms\] +9\.000 +13\.500 +\+50\.0 % +\[\+\d+\.\d, \+\d+\.\d %\] +beyond noise$/);
    assert.match(body[6] ?? '', /[+-]\d+\.\d % +n\/a \(no per-second TTFB\)$/);
    // The A column ends at the same place on every line: numbers are right-aligned.
    const header = lines[3] ?? '';
    const aEnd = header.indexOf('A') + 1;
    for (const line of body) assert.match(line.slice(aEnd - 1, aEnd), /\d/, line);
    assert.equal(lines[12], '');
    assert.match(lines[13] ?? '', /^Change: \(B - A\) \/ A .*block bootstrap/);
  });

  it('notes different settings and a saturated client', () => {
    const a = run(BASE);
    const b: Summary = { ...run(BASE), settings: { ...a.settings, concurrency: 50 }, client: { ...a.client, saturated: true } };
    const text = renderComparison(a, b, compareSummaries(a, b), { a: 'a', b: 'b' });
    assert.match(text, /^note: concurrency differs: A 10, B 50$/m);
    assert.match(text, /^note: B's load generator was saturated/m);
  });
});

describe('request phases in gb compare', () => {
  const withPhases = (s: Summary, tlsP99Us: number | null): Summary => ({
    ...s,
    phases: {
      dns: null,
      tcp: phase(80, 200, 10),
      tls: tlsP99Us === null ? null : phase(Math.round(tlsP99Us / 2), tlsP99Us, 10),
      blocked: phase(0, 10, s.responses),
      sending: phase(5, 20, s.responses),
      waiting: phase(1500, 8000, s.responses),
      receiving: phase(20, 300, s.responses),
    },
  });
  const rule = (text: string): FailRule => {
    const parsed = parseFailRule(text);
    return parsed.ok ? parsed.value : assert.fail(parsed.error);
  };

  it('compares each phase the runs had at p50 and p99, with no verdict (no per-second phases), and leaves out the ones neither had', () => {
    const a = withPhases(run(BASE), 3000);
    const b = withPhases(run(BASE), 4500);
    const rows = compareSummaries(a, b);
    const tls = row(rows, 'tls-p99');
    assert.equal(tls.a, 3000);
    assert.equal(tls.b, 4500);
    assert.equal(tls.changePercent, 50);
    assert.deepEqual(tls.noise, { kind: 'n/a', reason: 'no per-second phases' });
    assert.equal(row(rows, 'tcp-p50').a, 80);
    assert.equal(row(rows, 'waiting-p99').b, 8000);
    assert.ok(!rows.some((r) => r.metric.startsWith('dns-')), 'neither run looked a name up');
    const text = renderComparison(a, b, rows, { a: 'a', b: 'b' });
    assert.match(text, /^TLS p99 \[ms\] +3\.000 +4\.500 +\+50\.0 % +n\/a \(no per-second phases\)$/m);
    assert.match(text, /^Receiving p50 \[ms\] +0\.020 +0\.020 +\+0\.0 %/m);
    assert.ok(!text.includes('DNS'));
  });

  it('judges tls-p99 rules as it judges ttfb ones: past the limit breaks only with --strict', () => {
    const rows = compareSummaries(withPhases(run(BASE), 3000), withPhases(run(BASE), 4500));
    const [lenient] = checkRules(rows, [rule('tls-p99>+10%')]);
    assert.equal(lenient?.violated, false);
    assert.match(
      messageOf(lenient),
      /^tls-p99>\+10%: ok \(tls-p99 \+50\.0 %, past the limit, noise not judged: no per-second phases; passes without --strict\)$/,
    );
    const [strict] = checkRules(rows, [rule('tls-p99>+10%')], { strict: true });
    assert.equal(strict?.violated, true);
    const [within] = checkRules(rows, [rule('tls-p99>+60%')], { strict: true });
    assert.equal(within?.violated, false);
  });

  it('breaks a phase rule when a result has no such phase (TLS over http), or kept no phases (an older gb)', () => {
    const https = withPhases(run(BASE), 3000);
    const http = withPhases(run(BASE), null);
    const legacy: Summary = { ...run(BASE), phases: null };
    const [noTls] = checkRules(compareSummaries(https, http), [rule('tls-p99>+10%')]);
    assert.equal(noTls?.violated, true);
    assert.match(messageOf(noTls), /cannot check, tls-p99 is missing in one of the results/);
    const rows = compareSummaries(legacy, https);
    assert.equal(row(rows, 'tls-p99').a, null);
    assert.equal(row(rows, 'p99').changePercent, 0, 'the rest compares as before');
    assert.equal(checkRules(rows, [rule('waiting-p99>+10%')])[0]?.violated, true);
    assert.deepEqual(
      compareSummaries(legacy, legacy).filter((r) => r.metric.includes('-') && !r.metric.startsWith('ttfb')),
      [],
    );
  });
});
