// Tests the capacity search on a fake measurement: which rates it visits, where it stops, and what it answers.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { ClientHealth, Summary } from '../../src/metrics/summary.js';
import { parseThreshold, type Threshold } from '../../src/metrics/thresholds.js';

import { CAPACITY_DEFAULTS, checkObjectives, clientLimited, searchCapacity, type CapacityOptions, type StepVerdict } from '../../src/metrics/capacity.js';

/** A server that meets the objectives up to `capacity` req/s; gb itself gives out from `clientCeiling`. */
function fake(capacity: number, clientCeiling = Infinity): (rate: number) => Promise<StepVerdict> {
  return (rate) => Promise.resolve({ pass: rate <= capacity && rate < clientCeiling, clientLimited: rate >= clientCeiling });
}

const options = (o: Partial<CapacityOptions> = {}): CapacityOptions => ({ ...CAPACITY_DEFAULTS, ...o });

describe('searchCapacity', () => {
  const cases: readonly { name: string; capacity: number; o: Partial<CapacityOptions>; rates: number[]; answer: unknown; budget?: boolean }[] = [
    { name: 'ramps ×2, then bisects to within 5 %', capacity: 200, o: {}, rates: [10, 20, 40, 80, 160, 320, 240, 200, 220, 210], answer: { kind: 'found', rate: 200, firstBad: 210, atMaxRate: false } },
    { name: 'stops at --max-rate when it still holds there', capacity: 1000, o: { maxRate: 50 }, rates: [10, 20, 40, 50], answer: { kind: 'found', rate: 50, firstBad: null, atMaxRate: true } },
    { name: 'bisects below --max-rate when that breaks', capacity: 45, o: { maxRate: 50 }, rates: [10, 20, 40, 50, 45, 48, 47], answer: { kind: 'found', rate: 45, firstBad: 47, atMaxRate: false } },
    { name: 'answers none when the first rate breaks', capacity: 5, o: {}, rates: [10], answer: { kind: 'none', firstBad: 10 } },
    { name: 'starts at --start-rate', capacity: 130, o: { startRate: 100 }, rates: [100, 200, 150, 125, 138, 132, 129], answer: { kind: 'found', rate: 129, firstBad: 132, atMaxRate: false } },
    { name: 'gives the last good rate when the step budget runs out mid-bisection', capacity: 200, o: { maxSteps: 7 }, rates: [10, 20, 40, 80, 160, 320, 240], answer: { kind: 'found', rate: 160, firstBad: 240, atMaxRate: false }, budget: true },
    { name: 'gives the last good rate when the budget runs out while ramping', capacity: 10_000, o: { maxSteps: 3 }, rates: [10, 20, 40], answer: { kind: 'found', rate: 40, firstBad: null, atMaxRate: false }, budget: true },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await searchCapacity(options(c.o), fake(c.capacity));
      assert.deepEqual(r.steps.map((s) => s.rate), c.rates);
      assert.deepEqual(r.answer, c.answer);
      assert.equal(r.budgetExhausted, c.budget ?? false);
    });
  }

  it('claims no capacity when gb itself limited the failing step, ramping or bisecting', async () => {
    const ramp = await searchCapacity(options(), fake(1000, 300));
    assert.deepEqual(ramp.steps.map((s) => s.rate), [10, 20, 40, 80, 160, 320]);
    assert.deepEqual(ramp.answer, { kind: 'client-limited', rate: 320, lastGood: 160 });
    // Limited only between 230 and 300: the ramp's 320 fails on the server, the bisection's 240 on gb.
    const bisect = await searchCapacity(options(), (rate) => Promise.resolve({ pass: rate <= 200, clientLimited: rate > 230 && rate < 300 }));
    assert.deepEqual(bisect.steps.map((s) => s.rate), [10, 20, 40, 80, 160, 320, 240]);
    assert.deepEqual(bisect.answer, { kind: 'client-limited', rate: 240, lastGood: 160 });
  });
});

const CALM: ClientHealth = {
  cpuUserSeconds: 1, cpuSystemSeconds: 0, cpuPercent: 10, cores: 1, loopUtilizationPercent: 20, eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 2,
  gcPauseTotalMs: 0, gcPauseMaxMs: 0, heapUsedMaxBytes: 1, rssMaxBytes: 1, saturated: false, warnings: [],
};

/** Only the fields the capacity verdicts read; the rest of a Summary does not matter to them. */
function step(late: number, client: Partial<ClientHealth> = {}, p99Us = 30_000, failed = 0): Summary {
  const rate = { targetPerSecond: 100, achievedPerSecond: 100, late, maxLateUs: 0, meanLateUs: 0, uncorrectedTotal: null };
  const total = { p50Us: 10_000, p90Us: 20_000, p99Us, p999Us: p99Us, maxUs: p99Us };
  return { issued: 100, completed: 100, failed, elapsedSeconds: 1, rate, total, client: { ...CALM, ...client } } as unknown as Summary;
}

function rule(text: string): Threshold {
  const parsed = parseThreshold(text);
  if (!parsed.ok) assert.fail(parsed.error);
  return parsed.value;
}

describe('clientLimited', () => {
  it('blames gb for a busy or lagging event loop, or for most requests sent late', () => {
    assert.equal(clientLimited(step(0)), false);
    assert.equal(clientLimited(step(0, { saturated: true, loopUtilizationPercent: 97 })), true);
    assert.equal(clientLimited(step(0, { saturated: true, eventLoopDelayP99Ms: 25 })), true);
    assert.equal(clientLimited(step(51)), true);
  });

  it('does not blame gb for some late requests alone: connections waiting on a slow server make those', () => {
    assert.equal(clientLimited(step(30, { saturated: true, warnings: ['30 of 100 requests (30.0%) went out late'] })), false);
  });
});

describe('checkObjectives', () => {
  it('holds an objective when its comparison is true, and not when there is no figure', () => {
    const held = checkObjectives(step(0, {}, 30_000, 2), [rule('p99<50ms'), rule('errors<1%'), rule('errors<=2%')]);
    assert.deepEqual(held.map((o) => [o.value, o.held]), [[30_000, true], [2, false], [2, true]]);
    const empty = checkObjectives({ ...step(0), total: null }, [rule('p99<50ms')]);
    assert.deepEqual(empty.map((o) => o.held), [false]);
  });
});
