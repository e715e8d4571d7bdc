// Tests the --stages schedule's arithmetic: the intended time of each request under a piecewise-linear rate, and the count due at a time.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RateStage } from '../../src/config/config.js';
import { stagesTotal } from '../../src/config/stages.js';
import { flatSchedule, scheduledPerRow, stagedSchedule } from '../../src/engine/schedule.js';

const stage = (durationMs: number, requestsPerSecond: number): RateStage => ({ durationMs, requestsPerSecond });
const near = (actual: number, expected: number, why: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${why}: ${actual} ≠ ${expected}`);

describe('stagedSchedule.intendedOffsetMs', () => {
  const rows: readonly (readonly [string, readonly RateStage[], number, number])[] = [
    // A ramp 0 → 100/s over 1 s: the area by t (s) is 50 t², so request i is due at √(i / 50) s.
    ['a ramp from 0 sends request 0 at the origin', [stage(1000, 100)], 0, 0],
    ['a ramp from 0: request 2 at √(2/50) s = 200 ms', [stage(1000, 100)], 2, 200],
    ['a ramp from 0: request 50, the last, at the end of the stage', [stage(1000, 100)], 50, 1000],
    ['a leading 0s stage starts flat at its rate: 10 ms apart at 100/s', [stage(0, 100), stage(1000, 100)], 7, 70],
    ["a flat stage after a ramp continues from the ramp's area", [stage(1000, 100), stage(1000, 100)], 60, 1100],
    ['a ramp up from 100 to 300/s: area 100t + 100t², request 200 at 1 s', [stage(0, 100), stage(1000, 300)], 200, 1000],
    ['a ramp up from 100 to 300/s: request 56 at 0.4 s (40 + 16)', [stage(0, 100), stage(1000, 300)], 56, 400],
    ['a ramp down from 100 to 0/s: area 100t − 50t², request 50 at the end', [stage(0, 100), stage(1000, 0)], 50, 1000],
    ['a ramp down: request 32 at 0.4 s (40 − 8)', [stage(0, 100), stage(1000, 0)], 32, 400],
    [
      'a zero-rate stage sends nothing: the next request waits for the stage after it',
      [stage(0, 100), stage(1000, 100), stage(0, 0), stage(1000, 0), stage(0, 100), stage(1000, 100)],
      101,
      2010,
    ],
    ['a stage of 1 ms at 1000/s holds one request after the first', [stage(0, 1000), stage(1, 1000)], 1, 1],
  ];
  for (const [why, stages, index, offsetMs] of rows) {
    it(why, () => near(stagedSchedule(stages).intendedOffsetMs(index), offsetMs, why));
  }

  it('has no time for a request past the last stage', () => {
    assert.equal(stagedSchedule([stage(1000, 100)]).intendedOffsetMs(51), Infinity);
    assert.equal(stagedSchedule([stage(0, 100), stage(1000, 100), stage(1000, 0)]).intendedOffsetMs(151), Infinity);
    assert.equal(stagedSchedule([stage(1000, 0)]).intendedOffsetMs(1), Infinity, 'all rates 0: only the origin request');
  });

  it("a very short stage keeps its requests between its neighbours' and never goes back in time", () => {
    const s = stagedSchedule([stage(0, 10), stage(1000, 10), stage(0.5, 100_000), stage(1000, 10)]);
    let previous = -1;
    for (let i = 0; i <= 70; i += 1) {
      const at = s.intendedOffsetMs(i);
      assert.ok(at >= previous, `request ${i} at ${at} before request ${i - 1} at ${previous}`);
      previous = at;
    }
    // The spike: ~25 requests in half a millisecond right after the first second.
    near(s.intendedOffsetMs(10), 1000, 'request 10 ends the first flat second');
    assert.ok(s.intendedOffsetMs(30) > 1000 && s.intendedOffsetMs(30) <= 1000.5, `request 30 within the spike: ${s.intendedOffsetMs(30)}`);
  });

  it('one flat stage is the flat --rate schedule', () => {
    const staged = stagedSchedule([stage(0, 250), stage(60_000, 250)]);
    const flat = flatSchedule(250);
    for (const i of [0, 1, 7, 250, 9999]) near(staged.intendedOffsetMs(i), flat.intendedOffsetMs(i), `request ${i}`);
    for (const t of [0, 3.999, 4, 1000, 59_999]) assert.equal(staged.dueCount(t), flat.dueCount(t), `due at ${t} ms`);
  });
});

describe('stagedSchedule.dueCount', () => {
  const rows: readonly (readonly [string, readonly RateStage[], number, number])[] = [
    ['before the origin nothing is due', [stage(1000, 100)], -1, 0],
    ['at the origin the first request is due', [stage(1000, 100)], 0, 1],
    ['a ramp from 0: 50 t² + 1 due at 0.5 s', [stage(1000, 100)], 500, 13],
    ['a ramp from 0: 51 due at its end', [stage(1000, 100)], 1000, 51],
    ['1s:100,1s:400 — 50 in the first second, 250 more in the second', [stage(1000, 100), stage(1000, 400)], 2000, 301],
    ['past the last stage the count stops growing', [stage(1000, 100)], 5000, 51],
    ['a zero-rate stage adds nothing', [stage(0, 100), stage(1000, 100), stage(1000, 0), stage(1000, 0)], 3000, 151],
  ];
  for (const [why, stages, elapsedMs, due] of rows) {
    it(why, () => assert.equal(stagedSchedule(stages).dueCount(elapsedMs), due));
  }

  it('request i is due exactly at its own intended time, not one tick later', () => {
    const s = stagedSchedule([stage(1000, 100), stage(1000, 400), stage(500, 0)]);
    for (let i = 0; i < 350; i += 1) {
      const at = s.intendedOffsetMs(i);
      if (!Number.isFinite(at)) break;
      assert.ok(s.dueCount(at) >= i + 1, `request ${i} at ${at} ms: due ${s.dueCount(at)}`);
    }
  });
});

describe('rateAt', () => {
  const rows: readonly (readonly [string, readonly RateStage[], number, number])[] = [
    ['a ramp from 0 to 100/s is at 25/s a quarter of the way', [stage(1000, 100)], 250, 25],
    ['a leading 0s stage starts at its rate', [stage(0, 100), stage(1000, 300)], 0, 100],
    ['halfway up from 100 to 300/s', [stage(0, 100), stage(1000, 300)], 500, 200],
    ['a second stage starts where the first ended', [stage(1000, 100), stage(1000, 0)], 1000, 100],
    ['nothing is due past the last stage', [stage(1000, 100)], 1000, 0],
  ];
  for (const [why, stages, atMs, perSecond] of rows) it(why, () => near(stagedSchedule(stages).rateAt(atMs), perSecond, why));

  it('a flat rate is the same at any time', () => assert.equal(flatSchedule(250).rateAt(12_345), 250));
});

describe('scheduledPerRow', () => {
  it('a flat 100/s has 100 due in each second, a request on a boundary counted in the second it opens', () => {
    assert.deepEqual(scheduledPerRow(flatSchedule(100), 1000, 3, 3000, null), [100, 100, 100]);
  });

  it('-n stops the count: 250 requests at 100/s are 100, 100, 50', () => {
    assert.deepEqual(scheduledPerRow(flatSchedule(100), 1000, 3, 3000, 250), [100, 100, 50]);
  });

  it('a run that ended early has a partial last row', () => {
    assert.deepEqual(scheduledPerRow(flatSchedule(100), 1000, 2, 1500, null), [100, 50]);
  });

  it('a ramp 100 → 1000/s over 5 s then 1000/s: the targets climb by 180 a second, then hold', () => {
    const rows = scheduledPerRow(stagedSchedule([stage(0, 100), stage(5000, 1000), stage(2000, 1000)]), 1000, 7, 7000, null);
    // Second k of the ramp holds the area between k and k+1 s: 100 + 180 (k + ½).
    assert.deepEqual(rows, [190, 370, 550, 730, 910, 1000, 1000]);
  });

  it('rows of 100 ms split the same schedule tenfold', () => {
    assert.deepEqual(scheduledPerRow(flatSchedule(100), 100, 5, 500, null), [10, 10, 10, 10, 10]);
  });

  it('adds up to the run: the sum over rows is every request due', () => {
    const schedule = stagedSchedule([stage(3000, 777), stage(2000, 0)]);
    const rows = scheduledPerRow(schedule, 1000, 5, 5000, null);
    assert.equal(
      rows.reduce((a, b) => a + b, 0),
      schedule.dueCount(5000 - 1e-6),
    );
  });
});

describe('stagesTotal', () => {
  it('adds the durations and gives the mean rate over them', () => {
    assert.deepEqual(stagesTotal([stage(1000, 100), stage(1000, 400)]), { durationMs: 2000, meanPerSecond: 150 });
    assert.deepEqual(stagesTotal([stage(0, 100), stage(30_000, 100)]), { durationMs: 30_000, meanPerSecond: 100 });
    assert.deepEqual(stagesTotal([stage(0, 0)]), { durationMs: 0, meanPerSecond: 0 });
  });
});
