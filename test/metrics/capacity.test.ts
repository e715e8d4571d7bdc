// Tests the capacity search on a fake measurement: which rates it visits, where it stops, and what it answers.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { ClientHealth, Summary } from '../../src/metrics/summary.js';
import { parseThreshold, type Threshold } from '../../src/metrics/thresholds.js';

import {
  CAPACITY_DEFAULTS,
  checkObjectives,
  clientLimit,
  poolCeilingPerSecond,
  searchCapacity,
  type CapacityOptions,
  type StepVerdict,
} from '../../src/metrics/capacity.js';
import { clientFixture, phaseFixture, settingsFixture, summaryFixture } from '../helpers/summaries.js';

/** A server that meets the objectives up to `capacity` req/s; gb itself gives out from `clientCeiling`. */
function fake(capacity: number, clientCeiling = Infinity): (rate: number) => Promise<StepVerdict> {
  return (rate) => Promise.resolve({ pass: rate <= capacity && rate < clientCeiling, clientLimit: rate >= clientCeiling ? 'busy' : null });
}

const options = (o: Partial<CapacityOptions> = {}): CapacityOptions => ({ ...CAPACITY_DEFAULTS, ...o });

describe('searchCapacity', () => {
  const cases: readonly {
    name: string;
    capacity: number;
    o: Partial<CapacityOptions>;
    rates: number[];
    answer: unknown;
    budget?: boolean;
  }[] = [
    {
      name: 'ramps ×2, then bisects to within 5 %',
      capacity: 200,
      o: {},
      rates: [10, 20, 40, 80, 160, 320, 240, 200, 220, 210],
      answer: { kind: 'found', rate: 200, firstBad: 210, atMaxRate: false },
    },
    {
      name: 'stops at --max-rate when it still holds there',
      capacity: 1000,
      o: { maxRate: 50 },
      rates: [10, 20, 40, 50],
      answer: { kind: 'found', rate: 50, firstBad: null, atMaxRate: true },
    },
    {
      name: 'bisects below --max-rate when that breaks',
      capacity: 45,
      o: { maxRate: 50 },
      rates: [10, 20, 40, 50, 45, 48, 47],
      answer: { kind: 'found', rate: 45, firstBad: 47, atMaxRate: false },
    },
    { name: 'answers none when the first rate breaks', capacity: 5, o: {}, rates: [10], answer: { kind: 'none', firstBad: 10 } },
    {
      name: 'starts at --start-rate',
      capacity: 130,
      o: { startRate: 100 },
      rates: [100, 200, 150, 125, 138, 132, 129],
      answer: { kind: 'found', rate: 129, firstBad: 132, atMaxRate: false },
    },
    {
      name: 'gives the last good rate when the step budget runs out mid-bisection',
      capacity: 200,
      o: { maxSteps: 7 },
      rates: [10, 20, 40, 80, 160, 320, 240],
      answer: { kind: 'found', rate: 160, firstBad: 240, atMaxRate: false },
      budget: true,
    },
    {
      name: 'gives the last good rate when the budget runs out while ramping',
      capacity: 10_000,
      o: { maxSteps: 3 },
      rates: [10, 20, 40],
      answer: { kind: 'found', rate: 40, firstBad: null, atMaxRate: false },
      budget: true,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await searchCapacity(options(c.o), fake(c.capacity));
      assert.deepEqual(
        r.steps.map((s) => s.rate),
        c.rates,
      );
      assert.deepEqual(r.answer, c.answer);
      assert.equal(r.budgetExhausted, c.budget ?? false);
    });
  }

  it('claims no capacity when gb itself limited the lowest failing rate, after bisecting below it', async () => {
    const ramp = await searchCapacity(options(), fake(1000, 300));
    assert.deepEqual(
      ramp.steps.map((s) => s.rate),
      [10, 20, 40, 80, 160, 320, 240, 280, 300, 290],
    );
    assert.deepEqual(ramp.answer, { kind: 'client-limited', rate: 300, lastGood: 290, limit: 'busy' });
    const first = await searchCapacity(options({ startRate: 400 }), fake(1000, 300));
    assert.deepEqual(first.answer, { kind: 'client-limited', rate: 400, lastGood: null, limit: 'busy' });
  });

  it("finds the server's capacity below a rate gb could not carry: the bisection's failures there are the server's", async () => {
    // gb gives out from 300 on, the server from 201: the ramp's 320 says nothing, but 240 fails on the server.
    const r = await searchCapacity(options(), (rate) =>
      Promise.resolve({ pass: rate <= 200, clientLimit: rate >= 300 ? 'connections' : null }),
    );
    assert.deepEqual(
      r.steps.map((s) => s.rate),
      [10, 20, 40, 80, 160, 320, 240, 200, 220, 210],
    );
    assert.deepEqual(r.answer, { kind: 'found', rate: 200, firstBad: 210, atMaxRate: false });
  });
});

const CALM = clientFixture({ cpuSystemSeconds: 0, cores: 1, loopUtilizationPercent: 20, gcPauseTotalMs: 0, gcPauseMaxMs: 0 });

interface StepShape {
  readonly lateServer?: number;
  readonly lateClient?: number;
  readonly client?: Partial<ClientHealth>;
  readonly target?: number;
  readonly concurrency?: number;
  /** Uncorrected p50, µs: the baseline's stands for the unhurried server. */
  readonly p50Us?: number;
}

/** A step's Summary: the fields the capacity verdicts read are set from `shape`; the rest do not matter to them. */
function step(shape: StepShape = {}, p99Us = 30_000, failed = 0): Summary {
  const { lateServer = 0, lateClient = 0, target = 100, concurrency = 10, p50Us = 10_000 } = shape;
  return summaryFixture({
    issued: 100,
    completed: 100,
    failed,
    elapsedSeconds: 1,
    rate: {
      targetPerSecond: target,
      stages: null,
      achievedPerSecond: target,
      late: lateServer + lateClient,
      lateServer,
      lateClient,
      maxLateUs: 0,
      meanLateUs: 0,
      uncorrectedTotal: phaseFixture({ p50Us }),
    },
    total: phaseFixture({ p50Us: 10_000, p90Us: 20_000, p99Us, p999Us: p99Us, maxUs: p99Us }),
    settings: settingsFixture({ concurrency, pipeline: 1 }),
    client: { ...CALM, ...shape.client },
  });
}

function rule(text: string): Threshold {
  const parsed = parseThreshold(text);
  if (!parsed.ok) assert.fail(parsed.error);
  return parsed.value;
}

describe('clientLimit', () => {
  const calm = step();
  it('blames gb for a busy or lagging event loop, or for most requests sent late beside a free connection', () => {
    assert.equal(clientLimit(step(), calm), null);
    assert.equal(clientLimit(step({ client: { saturated: true, loopUtilizationPercent: 97 } }), calm), 'busy');
    assert.equal(clientLimit(step({ client: { saturated: true, eventLoopDelayP99Ms: 25 } }), calm), 'busy');
    assert.equal(clientLimit(step({ lateClient: 51 }), calm), 'late');
    assert.equal(clientLimit(step({ lateClient: 50 }), calm), null, 'half is not most');
  });

  it('does not blame gb for requests that waited for connections a slowing server held', () => {
    // -c 100 against a server that carries 400/s: at 640/s every connection waits on it, yet 100
    // connections at its unhurried 10 ms would carry 10 000/s.
    assert.equal(
      clientLimit(step({ lateServer: 99, target: 640, concurrency: 100 }), step({ target: 10, concurrency: 100, p50Us: 10_000 })),
      null,
    );
    assert.equal(clientLimit(step({ lateServer: 30, client: { saturated: true, warnings: ['late'] } }), calm), null);
  });

  it('blames gb when its connections could not carry the rate even at the unhurried latency', () => {
    // -c 1 against a fast server (0.2 ms unhurried): one connection carries 5 000/s at most.
    const fast = step({ target: 10, concurrency: 1, p50Us: 200 });
    assert.equal(poolCeilingPerSecond(step({ concurrency: 1 }), fast), 5000);
    assert.equal(clientLimit(step({ lateServer: 90, target: 10_240, concurrency: 1 }), fast), 'connections');
    assert.equal(clientLimit(step({ lateServer: 90, target: 4000, concurrency: 1 }), fast), null, 'below the ceiling it is the server');
    assert.equal(clientLimit(step({ lateServer: 40, target: 10_240, concurrency: 1 }), fast), null, 'only when most requests waited');
  });
});

describe('checkObjectives', () => {
  it('holds an objective when its comparison is true, and not when there is no figure', () => {
    const held = checkObjectives(step({}, 30_000, 2), [rule('p99<50ms'), rule('errors<1%'), rule('errors<=2%')]);
    assert.deepEqual(
      held.map((o) => [o.value, o.held]),
      [
        [30_000, true],
        [2, false],
        [2, true],
      ],
    );
    const empty = checkObjectives({ ...step(), total: null }, [rule('p99<50ms')]);
    assert.deepEqual(
      empty.map((o) => o.held),
      [false],
    );
  });
});
