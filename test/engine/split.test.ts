// Tests of how a run's load is divided among worker threads: exact integer shares, equal rate shares, and whole Configs per worker.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitEvenly } from '../../src/config/even-split.js';
import { scaleSchedule } from '../../src/engine/split.js';
import { shareConfig } from '../../src/engine/workers.js';
import { parseCommandLine } from '../../src/cli/flags.js';
import type { Config } from '../../src/config/config.js';

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Each of `parts` shares of a flat rate, as splitConfig gives them. */
function splitRate(requestsPerSecond: number, parts: number): number[] {
  return Array.from({ length: parts }, () => {
    const share = scaleSchedule({ kind: 'rate', requestsPerSecond }, (rate) => rate / parts);
    return share.kind === 'rate' ? share.requestsPerSecond : Number.NaN;
  });
}

interface EvenRow {
  readonly total: number;
  readonly parts: number;
  readonly shares: readonly number[];
  readonly why: string;
}

const EVEN: readonly EvenRow[] = [
  { total: 10, parts: 2, shares: [5, 5], why: 'divides exactly' },
  { total: 10, parts: 3, shares: [4, 3, 3], why: 'the remainder goes to the first parts, one each' },
  { total: 1001, parts: 2, shares: [501, 500], why: 'an odd -n across 2 workers loses no request' },
  { total: 7, parts: 7, shares: [1, 1, 1, 1, 1, 1, 1], why: 'one each' },
  { total: 2, parts: 5, shares: [1, 1, 0, 0, 0], why: 'fewer than parts: some parts get none (and must finish at once)' },
  { total: 0, parts: 3, shares: [0, 0, 0], why: 'nothing to split' },
  { total: 5, parts: 1, shares: [5], why: 'one part takes everything' },
  {
    total: 2 ** 53 - 1,
    parts: 7,
    shares: [1286742750677285, 1286742750677285, 1286742750677285, 1286742750677284, 1286742750677284, 1286742750677284, 1286742750677284],
    why: 'the largest exact integer: division rounding must not drop or invent a request',
  },
];

for (const row of EVEN) {
  test(`splitEvenly(${row.total}, ${row.parts}): ${row.why}`, () => {
    const shares = splitEvenly(row.total, row.parts);
    assert.deepEqual(shares, row.shares);
    assert.equal(sum(shares), row.total);
  });
}

test('property: splitEvenly sums exactly and its shares differ by at most one', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 256 }), (total, parts) => {
      const shares = splitEvenly(total, parts);
      assert.equal(shares.length, parts);
      assert.equal(sum(shares), total);
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
      assert.ok(shares.every((s) => Number.isInteger(s) && s >= 0));
    }),
    { numRuns: 2000 },
  );
});

interface RateRow {
  readonly rate: number;
  readonly parts: number;
  readonly why: string;
}

const RATES: readonly RateRow[] = [
  { rate: 200, parts: 2, why: 'an even split' },
  { rate: 100, parts: 3, why: 'a share that is not a finite binary fraction (33.33…)' },
  { rate: 0.1, parts: 3, why: 'a fractional total' },
  { rate: 1, parts: 256, why: 'the most workers: shares far below one a second are kept, not rounded to zero' },
  { rate: 1e6, parts: 7, why: 'a large rate' },
  { rate: 333.33, parts: 5, why: 'a decimal rate' },
];

for (const row of RATES) {
  test(`splitRate(${row.rate}, ${row.parts}): equal shares that sum to the rate: ${row.why}`, () => {
    const shares = splitRate(row.rate, row.parts);
    assert.equal(shares.length, row.parts);
    assert.ok(
      shares.every((s) => s === shares[0] && s > 0),
      'equal, positive shares',
    );
    assert.equal(sum(shares), row.rate);
  });
}

test('property: splitRate shares are equal and sum to the rate within float rounding', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.001, max: 1e7, noNaN: true }), fc.integer({ min: 1, max: 256 }), (rate, parts) => {
      const shares = splitRate(rate, parts);
      // Equal float shares may sum a few ulps off; far below anything a schedule can resolve.
      assert.ok(Math.abs(sum(shares) - rate) <= rate * Number.EPSILON * parts, `sum ${sum(shares)} vs ${rate}`);
      assert.ok(shares.every((s) => s === shares[0]));
    }),
    { numRuns: 2000 },
  );
});

/** The Config the command line would build from these arguments. */
function configOf(args: readonly string[]): Config {
  const parsed = parseCommandLine([...args, 'http://127.0.0.1:9/']);
  if (!parsed.ok) assert.fail(`command line rejected: ${parsed.error.join('; ')}`);
  if (parsed.value.kind !== 'run') assert.fail(`expected a run, got ${parsed.value.kind}`);
  return parsed.value.options.config;
}

interface ShareRow {
  readonly args: readonly string[];
  readonly requests: readonly (number | null)[];
  readonly concurrency: readonly number[];
  readonly why: string;
}

const SHARES: readonly ShareRow[] = [
  { args: ['-G', '2', '-n', '1001', '-c', '7'], requests: [501, 500], concurrency: [4, 3], why: 'odd -n and -c: nothing lost' },
  {
    args: ['-G', '3', '-n', '4', '-c', '3'],
    requests: [2, 1, 1],
    concurrency: [1, 1, 1],
    why: 'as few requests as validation allows (-G ≤ -c ≤ -n)',
  },
  {
    args: ['-G', '4', '-t', '2', '-c', '4'],
    requests: [null, null, null, null],
    concurrency: [1, 1, 1, 1],
    why: 'time-bounded: no count to share',
  },
  { args: ['-G', '2', '-n', '1000', '-c', '2', '--rate', '200'], requests: [500, 500], concurrency: [1, 1], why: 'rate with a count' },
  {
    args: ['-G', '3', '-t', '2', '-c', '6', '--rate', '100'],
    requests: [null, null, null],
    concurrency: [2, 2, 2],
    why: 'a rate that does not divide evenly',
  },
  {
    args: ['-G', '7', '-n', '1000000007', '-c', '20000'],
    requests: [142857144, 142857144, 142857144, 142857144, 142857144, 142857144, 142857143],
    concurrency: [2858, 2857, 2857, 2857, 2857, 2857, 2857],
    why: 'large -n and the largest -c',
  },
];

for (const row of SHARES) {
  test(`shareConfig ${row.args.join(' ')}: shares of -n, -c and --rate sum to the whole: ${row.why}`, () => {
    const config = configOf(row.args);
    const shares = shareConfig(config);
    assert.equal(shares.length, config.workers);
    assert.deepEqual(
      shares.map((s) => s.requests),
      row.requests,
    );
    assert.deepEqual(
      shares.map((s) => s.concurrency),
      row.concurrency,
    );
    assert.equal(sum(shares.map((s) => s.concurrency)), config.concurrency);
    if (config.requests !== null) assert.equal(sum(shares.map((s) => s.requests ?? 0)), config.requests);
    if (config.schedule.kind === 'rate') {
      const rates = shares.map((s) => (s.schedule.kind === 'rate' ? s.schedule.requestsPerSecond : Number.NaN));
      assert.equal(sum(rates), config.schedule.requestsPerSecond);
    } else {
      assert.ok(
        shares.every((s) => s.schedule.kind === 'closed'),
        'a closed loop stays closed in every worker',
      );
    }
    for (const s of shares) {
      // A worker must not fan out again, and must keep everything else the run was told.
      assert.equal(s.workers, 1);
      assert.ok(s.concurrency >= 1, 'every worker has a connection (validation requires -c ≥ -G)');
      // A worker with a count but no connection would never finish; -c ≤ -n keeps every count share ≥ its connections.
      if (s.requests !== null) assert.ok(s.requests >= s.concurrency, `worker share -n ${s.requests} < -c ${s.concurrency}`);
      assert.deepEqual(s.target, config.target);
      assert.equal(s.durationMs, config.durationMs);
      assert.equal(s.warmupMs, config.warmupMs);
      assert.equal(s.keepAlive, config.keepAlive);
      assert.equal(s.timeoutMs, config.timeoutMs);
    }
  });
}

test('-G with fewer connections than workers is refused, so no worker is left without a connection', () => {
  const parsed = parseCommandLine(['-G', '3', '-c', '2', 'http://127.0.0.1:9/']);
  assert.equal(parsed.ok, false);
});

test('without -n, every worker of every shard starts its own stretch of the targets sequence (none starts where another does)', () => {
  const starts: number[] = [];
  for (const i of [1, 2, 3]) {
    for (const worker of shareConfig(configOf(['-t', '10', '-c', '12', '-G', '4', '--shard', `${i}/3`, '--run-id', 'r'])))
      starts.push(worker.sequenceStart);
  }
  assert.equal(new Set(starts).size, 12, `distinct starts: ${starts.join(', ')}`);
});

test("scaleSchedule scales the rate and every stage, keeps the stages' durations, and leaves a closed loop alone", () => {
  const staged = scaleSchedule(
    {
      kind: 'rate',
      requestsPerSecond: 50,
      stages: [
        { durationMs: 1000, requestsPerSecond: 0 },
        { durationMs: 3000, requestsPerSecond: 90 },
      ],
    },
    (rate) => rate / 3,
  );
  assert.deepEqual(staged, {
    kind: 'rate',
    requestsPerSecond: 50 / 3,
    stages: [
      { durationMs: 1000, requestsPerSecond: 0 },
      { durationMs: 3000, requestsPerSecond: 30 },
    ],
  });
  assert.deepEqual(
    scaleSchedule({ kind: 'closed' }, (rate) => rate * 2),
    { kind: 'closed' },
  );
});

test("shareConfig with --stages: each stage's shares sum to the stage's rate", () => {
  const config = configOf(['-G', '3', '-c', '6', '--stages', '1s:100,2s:300']);
  const shares = shareConfig(config);
  assert.ok(config.schedule.kind === 'rate' && config.schedule.stages !== undefined);
  config.schedule.stages.forEach((stage, k) => {
    const parts = shares.map((s) => (s.schedule.kind === 'rate' ? (s.schedule.stages?.[k]?.requestsPerSecond ?? Number.NaN) : Number.NaN));
    assert.ok(Math.abs(sum(parts) - stage.requestsPerSecond) <= stage.requestsPerSecond * 1e-12, `stage ${k}: ${parts.join(' + ')}`);
    assert.ok(shares.every((s) => s.schedule.kind === 'rate' && s.schedule.stages?.[k]?.durationMs === stage.durationMs));
  });
});
