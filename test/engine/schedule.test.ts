// Tests of the constant-rate schedule's arithmetic: when each request is intended to start, and how many are due at a given time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dueCount, intendedOffsetMs } from '../../src/engine/schedule.js';

/** Far below anything a timer can resolve, yet far above float rounding of a ms-sized offset. */
const ONE_MICROSECOND_MS = 0.001;
const ONE_DAY_MS = 86_400_000;

interface OffsetRow {
  readonly index: number;
  readonly ratePerSecond: number;
  readonly offsetMs: number;
  readonly why: string;
}

const OFFSETS: readonly OffsetRow[] = [
  { index: 0, ratePerSecond: 100, offsetMs: 0, why: 'the first request goes at the origin, not one interval later' },
  { index: 1, ratePerSecond: 1, offsetMs: 1000, why: 'rate 1: one request a second' },
  { index: 3, ratePerSecond: 1, offsetMs: 3000, why: 'rate 1: offsets are whole seconds' },
  { index: 1, ratePerSecond: 200, offsetMs: 5, why: 'a typical rate: 5 ms apart' },
  { index: 600, ratePerSecond: 200, offsetMs: 3000, why: 'offsets do not accumulate rounding: the 600th is exactly at 3 s' },
  { index: 1, ratePerSecond: 0.5, offsetMs: 2000, why: 'a fractional rate below 1: one request every 2 s' },
  { index: 3, ratePerSecond: 2.5, offsetMs: 1200, why: 'a fractional rate above 1' },
  { index: 1, ratePerSecond: 1e9, offsetMs: 1e-6, why: 'a huge rate: requests a nanosecond apart, not rounded to 0' },
  { index: 1e6, ratePerSecond: 1e6, offsetMs: 1000, why: 'a million a second: the millionth lands exactly at 1 s' },
];

for (const row of OFFSETS) {
  test(`intendedOffsetMs(${row.index}, ${row.ratePerSecond}) = ${row.offsetMs} ms: ${row.why}`, () => {
    assert.equal(intendedOffsetMs(row.index, row.ratePerSecond), row.offsetMs);
  });
}

interface DueRow {
  readonly elapsedMs: number;
  readonly ratePerSecond: number;
  readonly due: number;
  readonly why: string;
}

const DUE: readonly DueRow[] = [
  { elapsedMs: -1, ratePerSecond: 100, due: 0, why: 'before the origin nothing is due' },
  { elapsedMs: -ONE_MICROSECOND_MS, ratePerSecond: 1e9, due: 0, why: 'even at a huge rate, nothing is due a hair before the origin' },
  { elapsedMs: 0, ratePerSecond: 100, due: 1, why: 'request 0 is due at the origin itself' },
  { elapsedMs: 9.999, ratePerSecond: 100, due: 1, why: 'request 1 (at 10 ms) is not due 1 µs early' },
  { elapsedMs: 10, ratePerSecond: 100, due: 2, why: 'request 1 is due exactly at 10 ms' },
  { elapsedMs: 999.999, ratePerSecond: 1, due: 1, why: 'rate 1: the second request waits the whole second' },
  { elapsedMs: 1000, ratePerSecond: 1, due: 2, why: 'rate 1: the second request is due at 1 s' },
  { elapsedMs: 1999.999, ratePerSecond: 0.5, due: 1, why: 'rate 0.5: nothing more before 2 s' },
  { elapsedMs: 2000, ratePerSecond: 0.5, due: 2, why: 'rate 0.5: the second request at 2 s' },
  { elapsedMs: 1000, ratePerSecond: 1 / 3, due: 1, why: 'rate 1/3: offsets (3000 ms) are not representable exactly in the rate' },
  { elapsedMs: 3000, ratePerSecond: 1 / 3, due: 2, why: 'rate 1/3: still exact at its own intended time despite 1/3 being inexact' },
  {
    elapsedMs: 3000,
    ratePerSecond: 200,
    due: 601,
    why: '-t 3 at 200/s: requests 0..600 due at 3 s (the stop rule, not dueCount, ends at 600)',
  },
  { elapsedMs: 1, ratePerSecond: 1e9, due: 1e6 + 1, why: 'a huge rate: a million due after 1 ms, no overflow or precision loss' },
  { elapsedMs: 1000, ratePerSecond: 1e9, due: 1e9 + 1, why: 'a huge rate over a second: a billion and one' },
  { elapsedMs: 86_400_000, ratePerSecond: 1000, due: 86_400_001, why: 'a day at 1000/s: large counts stay exact' },
];

for (const row of DUE) {
  test(`dueCount(${row.elapsedMs} ms, ${row.ratePerSecond}/s) = ${row.due}: ${row.why}`, () => {
    assert.equal(dueCount(row.elapsedMs, row.ratePerSecond), row.due);
  });
}

/** Rates whose intervals are not exact binary fractions, where rounding could make a request due late or early. */
const AWKWARD_RATES = [1, 3, 7, 0.1, 0.3, 0.7, 1 / 3, 2.5, 333.33, 1e6 / 7, 12_345.678, 99_999.9, 3e5, 1e9] as const;

test('every request is due exactly at its own intended time and not 1 µs before (awkward rates, first 20 000 requests)', () => {
  // A request due a hair late would wait for the next pacer wake-up; one due early would run ahead of the schedule.
  for (const rate of AWKWARD_RATES) {
    for (let i = 1; i < 20_000; i++) {
      const atMs = intendedOffsetMs(i, rate);
      assert.equal(dueCount(atMs, rate), i + 1, `rate ${rate}: request ${i} not due at its intended ${atMs} ms`);
      if (atMs - ONE_MICROSECOND_MS > intendedOffsetMs(i - 1, rate)) {
        assert.equal(dueCount(atMs - ONE_MICROSECOND_MS, rate), i, `rate ${rate}: request ${i} due 1 µs early`);
      }
    }
  }
});

test('exact at its own intended time up to ten million requests (e.g. 100 000/s for 100 s)', () => {
  for (const rate of AWKWARD_RATES) {
    for (let i = 10_000_000 - 5000; i < 10_000_000; i++) {
      assert.equal(dueCount(intendedOffsetMs(i, rate), rate), i + 1, `rate ${rate}: request ${i}`);
    }
  }
});

test('exact at its own intended time beyond 10^9 requests (a float ulp there exceeds any fixed tolerance)', () => {
  for (const rate of AWKWARD_RATES) {
    for (let i = 1_000_000_000; i < 1_000_000_000 + 5000; i++) {
      const atMs = intendedOffsetMs(i, rate);
      assert.equal(dueCount(atMs, rate), i + 1, `rate ${rate}: request ${i}`);
      // Within a day-long run (rates ≥ ~11 600/s reach 10^9 by then), never due 1 µs early either.
      if (atMs <= ONE_DAY_MS && atMs - ONE_MICROSECOND_MS > intendedOffsetMs(i - 1, rate)) {
        assert.equal(dueCount(atMs - ONE_MICROSECOND_MS, rate), i, `rate ${rate}: request ${i} due 1 µs early`);
      }
    }
  }
});

test('property: dueCount never decreases with time and counts requests whose offset has passed', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.01, max: 1e6, noNaN: true }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.double({ min: 0, max: 1e3, noNaN: true }),
      (rate, elapsedMs, laterByMs) => {
        const due = dueCount(elapsedMs, rate);
        assert.ok(dueCount(elapsedMs + laterByMs, rate) >= due, 'monotone');
        // The last due request's offset has passed (to within float rounding); the next one's has not, by more than 1 µs.
        assert.ok(intendedOffsetMs(due - 1, rate) <= elapsedMs + ONE_MICROSECOND_MS, 'the last due request is really due');
        assert.ok(intendedOffsetMs(due, rate) > elapsedMs - ONE_MICROSECOND_MS, 'the first undue request is really not due');
      },
    ),
    { numRuns: 2000 },
  );
});
