// Tests of the per-second timeline: rows by second, coarse percentiles against exact ones, errors and bytes, worker merges, the row cap.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FINE_ROW_MS, FINE_ROWS, MAX_TIMELINE_ROWS, Timeline } from '../../src/metrics/timeline.js';

/** An origin like performance.now() gives: fractional, and not near zero. */
const ORIGIN_MS = 123_456.789;
const EPOCH_MS = 1_700_000_000_000;

/** The exact percentile the timeline approximates: the ceil(p·n)-th smallest value. */
function exactPercentile(values: readonly number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((percent / 100) * sorted.length)) - 1]!;
}

function fillRow(t: Timeline, second: number, valuesUs: readonly number[]): void {
  // Half a ms into the second: a float sum landing exactly on a row edge could round either way.
  valuesUs.forEach((us, i) => t.recordResponse(ORIGIN_MS + second * 1000 + 0.5 + (i % 1000) * 0.9, us, false));
}

test('responses land in the row of the second they completed in, counted from the origin', () => {
  const t = new Timeline(EPOCH_MS, ORIGIN_MS);
  // Row edges are half-open: [0, 1000) ms is row 0, 1000 ms exactly is row 1.
  for (const [offsetMs, non2xx] of [
    [0, false],
    [999.999, true],
    [1000, false],
    [1500, false],
    [3999.5, true],
  ] as const) {
    t.recordResponse(ORIGIN_MS + offsetMs, 1000, non2xx);
  }
  // Before the origin (a response to a request started just before a worker's clock began) folds into row 0.
  t.recordResponse(ORIGIN_MS - 5, 1000, false);
  const rows = t.rows();
  assert.deepEqual(
    rows.map((r) => r.second),
    [0, 1, 2, 3],
  );
  assert.deepEqual(
    rows.map((r) => r.complete),
    [3, 2, 0, 1],
  );
  assert.deepEqual(
    rows.map((r) => r.non2xx),
    [1, 0, 0, 1],
  );
  // A second with no response is a row of zeros, not a gap, so plots keep a time axis.
  assert.deepEqual(
    { ...rows[2]!, second: 0 },
    { second: 0, scheduled: null, complete: 0, errors: 0, non2xx: 0, bytesReceived: 0, p50Us: 0, p90Us: 0, p99Us: 0, maxUs: 0 },
  );
  assert.equal(t.snapshot().startEpochMs, EPOCH_MS);
});

test("with the schedule's targets, rows run as long as the schedule did and each carries its target", () => {
  const t = new Timeline(EPOCH_MS, ORIGIN_MS);
  t.recordResponse(ORIGIN_MS + 10, 1000, false);
  // A server that stalled after the first second: nothing ended in seconds 1 and 2, yet both were due.
  const rows = t.rows([100, 100, 50]);
  assert.deepEqual(
    rows.map((r) => [r.second, r.scheduled, r.complete]),
    [
      [0, 100, 1],
      [1, 100, 0],
      [2, 50, 0],
    ],
  );
  assert.deepEqual(
    t.fineRows([10, 10]).map((r) => [r.startMs, r.scheduled, r.complete]),
    [
      [0, 10, 1],
      [100, 10, 0],
    ],
  );
  assert.deepEqual(
    t.rows().map((r) => r.scheduled),
    [null],
  );
});

test('errors and bytes are counted in their own second', () => {
  const t = new Timeline(EPOCH_MS, ORIGIN_MS);
  t.recordResponse(ORIGIN_MS + 5, 1000, false);
  t.recordErrors(ORIGIN_MS + 10, 3);
  t.recordErrors(ORIGIN_MS + 2500, 1);
  t.recordBytes(ORIGIN_MS + 20, 100);
  t.recordBytes(ORIGIN_MS + 900, 50);
  t.recordBytes(ORIGIN_MS + 1100, 7);
  const rows = t.rows();
  assert.deepEqual(
    rows.map((r) => r.errors),
    [3, 0, 1],
  );
  assert.deepEqual(
    rows.map((r) => r.bytesReceived),
    [150, 7, 0],
  );
  // Errors are not completions: a second with only failures has no latency.
  assert.deepEqual(
    rows.map((r) => r.complete),
    [1, 0, 0],
  );
  assert.equal(rows[2]!.p99Us, 0);
});

test('errors and bytes are kept when they are the first record of a timeline or of a new 64-row block', () => {
  // Growing the arrays replaces them: a write that read the old array first would vanish (the first bytes of every run).
  const t = new Timeline(EPOCH_MS, ORIGIN_MS);
  t.recordErrors(ORIGIN_MS + 10, 3);
  t.recordBytes(ORIGIN_MS + 64_000.5, 500);
  t.recordErrors(ORIGIN_MS + 128_000.5, 2);
  const rows = t.rows();
  assert.equal(rows[0]!.errors, 3, 'the very first record (an error)');
  assert.equal(rows[64]!.bytesReceived, 500, 'the first record of row 64 (bytes)');
  assert.equal(rows[128]!.errors, 2, 'the first record of row 128 (an error)');
});

/** Latency samples in µs that a run could produce: spread, skewed, constant, and on bucket edges. */
const DISTRIBUTIONS: readonly { readonly name: string; readonly valuesUs: readonly number[] }[] = [
  { name: 'uniform 1–50 ms', valuesUs: Array.from({ length: 1000 }, (_, i) => 1000 + i * 49) },
  { name: 'constant 20 ms', valuesUs: Array.from({ length: 200 }, () => 20_000) },
  { name: 'mostly fast with a slow tail', valuesUs: Array.from({ length: 500 }, (_, i) => (i < 490 ? 300 + i : 900_000 + i)) },
  { name: 'powers of two (bucket bottoms)', valuesUs: Array.from({ length: 200 }, (_, i) => 2 ** (4 + (i % 16))) },
  { name: 'one sample', valuesUs: [12_345] },
  { name: 'sub-microsecond', valuesUs: [0, 0.4, 1, 2] },
  { name: 'half an hour', valuesUs: [1000, 1_800_000_000] },
];

for (const { name, valuesUs } of DISTRIBUTIONS) {
  test(`percentiles within ±12.5 % of the exact values, never above the row's max (${name})`, () => {
    // Bucket midpoints: 4 buckets per power of two put every value within 12.5 % of its bucket's middle.
    // The 1 µs allows for rounding the midpoint to whole µs, which only matters below ~8 µs.
    const t = new Timeline(EPOCH_MS, ORIGIN_MS);
    fillRow(t, 0, valuesUs);
    const [row] = t.rows();
    assert.ok(row !== undefined);
    assert.equal(row.complete, valuesUs.length);
    assert.equal(row.maxUs, Math.max(...valuesUs));
    for (const [percent, got] of [
      [50, row.p50Us],
      [90, row.p90Us],
      [99, row.p99Us],
    ] as const) {
      const exact = exactPercentile(valuesUs, percent);
      assert.ok(Math.abs(got - exact) <= exact * 0.125 + 1, `p${percent} ${got} µs vs exact ${exact} µs`);
      assert.ok(got <= row.maxUs, `p${percent} ${got} µs above the max ${row.maxUs} µs`);
    }
  });
}

test("a value at a bucket's bottom next to a slower one is still within 12.5 %", () => {
  // The worst case for a bucket's top (+25 %): 100 × 1024 µs and one 2000 µs.
  const t = new Timeline(EPOCH_MS, ORIGIN_MS);
  fillRow(t, 0, [...Array.from({ length: 100 }, () => 1024), 2000]);
  const p50 = t.rows()[0]!.p50Us;
  assert.ok(Math.abs(p50 - 1024) <= 1024 * 0.125, `p50 ${p50} µs for 100 × 1024 µs + 1 × 2000 µs`);
});

test('a latency above the last bucket (~35.8 min) is reported as the row max, not understated', () => {
  // Values beyond 2^31 − 1 µs are clamped into the last bucket, whose midpoint would say ~30 min.
  const t = new Timeline(EPOCH_MS, ORIGIN_MS);
  fillRow(t, 0, [3_600_000_000]);
  fillRow(t, 1, [1000, 2000, 3_600_000_000, 7_200_000_000]);
  const rows = t.rows();
  assert.equal(rows[0]!.p50Us, 3_600_000_000);
  assert.equal(rows[1]!.p99Us, 7_200_000_000);
});

test('each row has its own percentiles: a slow second does not leak into its neighbours', () => {
  const t = new Timeline(EPOCH_MS, ORIGIN_MS);
  fillRow(
    t,
    0,
    Array.from({ length: 100 }, () => 1000),
  );
  fillRow(
    t,
    1,
    Array.from({ length: 100 }, () => 1_000_000),
  );
  fillRow(
    t,
    2,
    Array.from({ length: 100 }, () => 1000),
  );
  const rows = t.rows();
  assert.deepEqual(
    rows.map((r) => r.maxUs),
    [1000, 1_000_000, 1000],
  );
  // 1000 µs and 1 s sit in buckets whose midpoints are 960 µs and 983 040 µs.
  assert.deepEqual(
    rows.map((r) => r.p99Us),
    [960, 983_040, 960],
  );
});

/** Two timelines of one run whose clocks started 1 s apart; the later one's row 0 is the earlier one's row 1. */
function twoWorkers(receiverOriginMs: number): Timeline {
  const merged = new Timeline(EPOCH_MS, receiverOriginMs);
  const a = new Timeline(EPOCH_MS, 5000.25);
  const b = new Timeline(EPOCH_MS + 1000, 77_000.5);
  for (let s = 0; s < 30; s++) {
    a.recordResponse(5000.25 + s * 1000 + 10, 1000, false);
    a.recordBytes(5000.25 + s * 1000 + 10, 10);
    b.recordResponse(77_000.5 + s * 1000 + 10, 4000, false);
    b.recordResponse(77_000.5 + s * 1000 + 20, 4000, true);
    b.recordErrors(77_000.5 + s * 1000 + 30, 1);
  }
  merged.merge(a.snapshot());
  merged.merge(b.snapshot());
  return merged;
}

function assertAligned(merged: Timeline): void {
  const rows = merged.rows();
  assert.equal(rows.length, 31, 'b runs one second past a');
  // 960 µs: the midpoint of the bucket holding 1000 µs.
  assert.deepEqual(rows[0], {
    second: 0,
    scheduled: null,
    complete: 1,
    errors: 0,
    non2xx: 0,
    bytesReceived: 10,
    p50Us: 960,
    p90Us: 960,
    p99Us: 960,
    maxUs: 1000,
  });
  for (let s = 1; s < 30; s++) {
    const r = rows[s]!;
    assert.equal(r.complete, 3, `second ${s}: a's 1 + b's 2`);
    assert.equal(r.errors, 1, `second ${s}: b's error`);
    assert.equal(r.non2xx, 1, `second ${s}`);
    assert.equal(r.bytesReceived, 10, `second ${s}`);
    assert.equal(r.maxUs, 4000, `second ${s}`);
  }
  assert.equal(rows[30]!.complete, 2, "the last second is b's alone");
}

test('merging two timelines started 1 s apart aligns their rows by wall clock (receiver origin 0, as workers.ts builds it)', () => {
  assertAligned(twoWorkers(0));
});

test("merging aligns rows whatever the receiving timeline's origin", () => {
  // Going through a time (origin + k·1000 ms) and back loses a row to float rounding for some origins, e.g. this second one.
  for (const origin of [ORIGIN_MS, 44_351.397149395845, 9_876_543.21]) assertAligned(twoWorkers(origin));
});

test('rows stop at MAX_TIMELINE_ROWS: later seconds fold into the last row and memory does not grow', () => {
  const t = new Timeline(EPOCH_MS, ORIGIN_MS);
  t.recordResponse(ORIGIN_MS + 10, 500, false);
  const farMs = ORIGIN_MS + MAX_TIMELINE_ROWS * 1000 * 10;
  t.recordResponse(farMs, 2000, false);
  t.recordErrors(farMs + 1000, 2);
  t.recordBytes(farMs + 1e9, 64);
  const capped = t.snapshot();
  assert.equal(capped.rows, MAX_TIMELINE_ROWS);
  // Recording still later must not reallocate beyond the cap.
  t.recordResponse(ORIGIN_MS + 1e12, 3000, true);
  const again = t.snapshot();
  assert.equal(again.rows, MAX_TIMELINE_ROWS);
  assert.equal(again.fields.length, capped.fields.length);
  assert.equal(again.latency.length, capped.latency.length);
  assert.equal(again.maxUs.length, MAX_TIMELINE_ROWS);
  const rows = t.rows();
  assert.equal(rows.length, MAX_TIMELINE_ROWS);
  const last = rows[MAX_TIMELINE_ROWS - 1]!;
  assert.equal(last.complete, 2);
  assert.equal(last.errors, 2);
  assert.equal(last.bytesReceived, 64);
  assert.equal(last.non2xx, 1);
  assert.equal(last.maxUs, 3000);
  assert.equal(rows[0]!.complete, 1);
});

test('a worker timeline merged past the cap folds into the last row', () => {
  // The worker started two seconds before the cap's last row, and ran five seconds.
  const worker = new Timeline(EPOCH_MS + (MAX_TIMELINE_ROWS - 2) * 1000, ORIGIN_MS);
  for (let s = 0; s < 5; s++) worker.recordResponse(ORIGIN_MS + s * 1000 + 1, 1000 * (s + 1), false);
  const merged = new Timeline(EPOCH_MS, 0);
  merged.recordResponse(10, 100, false);
  merged.merge(worker.snapshot());
  const rows = merged.rows();
  assert.equal(rows.length, MAX_TIMELINE_ROWS);
  assert.equal(rows[0]!.complete, 1);
  assert.equal(rows[MAX_TIMELINE_ROWS - 2]!.complete, 1);
  assert.equal(rows[MAX_TIMELINE_ROWS - 1]!.complete, 4, "the worker's last four seconds");
  assert.equal(rows[MAX_TIMELINE_ROWS - 1]!.maxUs, 5000);
});

test('the first seconds are also kept in 100 ms rows, which stop after FINE_ROWS without growing', () => {
  assert.equal(FINE_ROW_MS, 100);
  const t = new Timeline(EPOCH_MS, ORIGIN_MS);
  t.recordResponse(ORIGIN_MS + 5, 1000, false);
  t.recordResponse(ORIGIN_MS + 99.5, 3000, true);
  t.recordResponse(ORIGIN_MS + 250, 2000, false);
  t.recordErrors(ORIGIN_MS + 120, 2);
  t.recordBytes(ORIGIN_MS + 260, 40);
  assert.equal(t.snapshot().fine.rows, 3);
  t.recordResponse(ORIGIN_MS + FINE_ROWS * FINE_ROW_MS - 1, 500, false); // the last fine row
  t.recordResponse(ORIGIN_MS + FINE_ROWS * FINE_ROW_MS, 9000, false); // past it: per-second rows only
  t.recordErrors(ORIGIN_MS + 60_000, 1);
  const rows = t.fineRows();
  assert.equal(rows.length, FINE_ROWS);
  assert.deepEqual(
    rows.slice(0, 3).map((r) => [r.startMs, r.complete, r.non2xx, r.errors, r.bytesReceived, r.maxUs]),
    [
      [0, 2, 1, 0, 0, 3000],
      [100, 0, 0, 2, 0, 0],
      [200, 1, 0, 0, 40, 2000],
    ],
  );
  assert.equal(rows.at(-1)?.maxUs, 500);
  assert.equal(
    rows.reduce((sum, r) => sum + r.complete, 0),
    4,
  );
  assert.equal(t.snapshot().fine.rows, FINE_ROWS, 'records past the fine rows add none');
  assert.equal(
    t.rows().reduce((sum, r) => sum + r.complete, 0),
    5,
    'the per-second rows still count everything',
  );
  // Workers share the run's start, so their fine rows add row by row.
  const merged = new Timeline(EPOCH_MS, 0);
  merged.merge(t.snapshot());
  merged.merge(t.snapshot());
  assert.deepEqual(
    merged
      .fineRows()
      .slice(0, 3)
      .map((r) => r.complete),
    [4, 0, 2],
  );
});
