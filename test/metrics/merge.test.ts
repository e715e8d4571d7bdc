// Tests merging Summaries: exact histogram addition, counters, wall-clock alignment of timelines, and refusals.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { Histogram } from '../../src/metrics/histogram.js';
import { phaseStats } from '../../src/metrics/phase-stats.js';
import type { ClientHealth, PhaseStats, RequestPhases, Summary, TimelineRow } from '../../src/metrics/summary.js';
import { renderGbExtras } from '../../src/report/gb-extras.js';
import { mergeSummaries, mergeTimelines } from '../../src/metrics/merge.js';
import { allAnswered, clientFixture, settingsFixture, summaryFixture } from '../helpers/summaries.js';

const T0_MS = Date.UTC(2025, 0, 31, 12, 0, 0);

function histogramOf(values: readonly number[]): Histogram {
  const h = new Histogram();
  for (const v of values) h.record(v);
  return h;
}

function statsOf(values: readonly number[]): PhaseStats | null {
  return phaseStats(histogramOf(values));
}

const idleClient = clientFixture({
  cpuSystemSeconds: 0.5,
  cpuPercent: 20,
  loopUtilizationPercent: 15,
  eventLoopDelayP99Ms: 2,
  eventLoopDelayMaxMs: 5,
  gcPauseTotalMs: 10,
  gcPauseMaxMs: 3,
  heapUsedMaxBytes: 50_000_000,
  rssMaxBytes: 90_000_000,
});

/** A run whose every response took `totalUs[i]`, with connect and waiting derived from it. */
function summaryOf(totalUs: readonly number[], overrides: Partial<Summary> = {}): Summary {
  const n = totalUs.length;
  const connectUs = totalUs.map((t) => Math.floor(t / 10));
  return summaryFixture({
    settings: settingsFixture({ requests: n }),
    serverSoftware: 'test',
    elapsedSeconds: 10,
    startedAt: new Date(T0_MS).toISOString(),
    ...allAnswered(n),
    bytes: { received: 100 * n, body: 12 * n, sent: 80 * n },
    connect: statsOf(connectUs),
    processing: statsOf(totalUs.map((t, i) => t - (connectUs[i] ?? 0))),
    waiting: statsOf(totalUs.map((t) => Math.floor(t * 0.8))),
    total: statsOf(totalUs),
    successTotal: statsOf(totalUs),
    successWaiting: statsOf(totalUs.map((t) => Math.floor(t * 0.8))),
    timeline: { startEpochMs: T0_MS, rows: [] },
    client: idleClient,
    ...overrides,
  });
}

/** Phases of responses whose Total was `totalUs[i]`: every `perConnection`-th opened its connection (TCP, and TLS with `tls`). */
function phasesOf(
  totalUs: readonly number[],
  options: { readonly tls: boolean; readonly lookupsUs: readonly number[]; readonly perConnection: number },
): RequestPhases {
  const opened = totalUs.filter((_, i) => i % options.perConnection === 0);
  return {
    dns: statsOf(options.lookupsUs),
    tcp: statsOf(opened.map((t) => Math.floor(t / 20))),
    tls: options.tls ? statsOf(opened.map((t) => Math.floor(t / 5))) : null,
    blocked: statsOf(totalUs.map((t) => t % 7)),
    sending: statsOf(totalUs.map((t) => t % 13)),
    waiting: statsOf(totalUs.map((t) => Math.floor(t * 0.6))),
    receiving: statsOf(totalUs.map((t) => Math.floor(t * 0.1))),
  };
}

/** Deterministic latencies from ~100 µs to a few seconds: many HDR buckets, wide ones at the top. */
function latencies(count: number, seed: number): number[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  return Array.from({ length: count }, () => Math.round(100 * Math.exp(next() * 10)));
}

function assertSamePercentiles(merged: PhaseStats | null, whole: PhaseStats | null, name: string): void {
  assert.ok(merged !== null && whole !== null, `${name} present`);
  assert.equal(merged.count, whole.count, `${name} count`);
  assert.equal(merged.minUs, whole.minUs, `${name} min`);
  assert.equal(merged.maxUs, whole.maxUs, `${name} max`);
  assert.equal(merged.medianUs, whole.medianUs, `${name} median`);
  assert.deepEqual(merged.abPercentilesUs, whole.abPercentilesUs, `${name} ab percentiles`);
  assert.deepEqual(
    [merged.p50Us, merged.p90Us, merged.p99Us, merged.p999Us, merged.p9999Us],
    [whole.p50Us, whole.p90Us, whole.p99Us, whole.p999Us, whole.p9999Us],
    `${name} HDR percentiles`,
  );
  assert.equal(merged.histogram, whole.histogram, `${name} histogram encoding`);
  // The encoding has no sums: mean and sd are pooled from the runs' truncated means.
  assert.ok(Math.abs(merged.meanUs - whole.meanUs) <= 1, `${name} mean ${merged.meanUs} vs ${whole.meanUs}`);
  assert.ok(Math.abs(merged.sdUs - whole.sdUs) <= whole.sdUs * 1e-3 + 1, `${name} sd ${merged.sdUs} vs ${whole.sdUs}`);
}

describe('mergeSummaries', () => {
  it('gives exactly the percentiles of one run that recorded every sample', () => {
    const all = latencies(20_000, 7);
    const first = all.filter((_, i) => i % 3 === 0);
    const second = all.filter((_, i) => i % 3 !== 0);
    const merged = mergeSummaries([summaryOf(first), summaryOf(second)]);
    assert.ok(merged.ok, merged.ok ? '' : merged.error);
    const whole = summaryOf(all);
    for (const key of ['connect', 'processing', 'waiting', 'total', 'successTotal', 'successWaiting'] as const) {
      assertSamePercentiles(merged.value[key], whole[key], key);
    }
    assert.equal(merged.value.responses, 20_000);
    assert.equal(merged.value.issued, 20_000);
  });

  it("adds the request phases exactly: each merged histogram is the sum of the runs' and its percentiles those of one run that saw all", () => {
    const all = latencies(9000, 11);
    const first = all.filter((_, i) => i % 2 === 0);
    const second = all.filter((_, i) => i % 2 !== 0);
    // Every 10th response opened a connection; each run looked its host up once.
    const options = { tls: true, perConnection: 10 };
    const a = summaryOf(first, { phases: phasesOf(first, { ...options, lookupsUs: [1200] }) });
    const b = summaryOf(second, { phases: phasesOf(second, { ...options, lookupsUs: [900] }) });
    const merged = mergeSummaries([a, b]);
    assert.ok(merged.ok, merged.ok ? '' : merged.error);
    const phases = merged.value.phases;
    assert.ok(phases !== null && a.phases !== null && b.phases !== null);
    for (const key of ['dns', 'tcp', 'tls', 'blocked', 'sending', 'waiting', 'receiving'] as const) {
      const m: PhaseStats | null = phases[key];
      const x: PhaseStats | null = a.phases[key];
      const y: PhaseStats | null = b.phases[key];
      assert.ok(m !== null && x !== null && y !== null, key);
      const sum = Histogram.decode(x.histogram);
      sum.add(Histogram.decode(y.histogram));
      assert.equal(m.histogram, sum.encode(), `${key}: the merged histogram is the runs' added bucket by bucket`);
      assert.equal(m.count, x.count + y.count, key);
    }
    // The same samples recorded by one run: identical percentiles (the connections' phases count their own samples).
    const whole = {
      blocked: statsOf([...first, ...second].map((t) => t % 7)),
      waiting: statsOf([...first, ...second].map((t) => Math.floor(t * 0.6))),
      dns: statsOf([1200, 900]),
    };
    assertSamePercentiles(phases.blocked, whole.blocked, 'blocked');
    assertSamePercentiles(phases.waiting, whole.waiting, 'waiting');
    assertSamePercentiles(phases.dns, whole.dns, 'dns');
    assert.equal(phases.dns?.count, 2, 'one lookup per run');
    assert.ok(!renderGbExtras(merged.value).includes('NaN'));
  });

  it('keeps a phase only one run had (DNS for a name, none for an IP), and has no phases when a result kept none', () => {
    const all = latencies(400, 3);
    const byName = summaryOf(all, { phases: phasesOf(all, { tls: false, lookupsUs: [800], perConnection: 50 }) });
    const byIp = summaryOf(all, { phases: phasesOf(all, { tls: false, lookupsUs: [], perConnection: 50 }) });
    const merged = mergeSummaries([byName, byIp]);
    assert.ok(merged.ok, merged.ok ? '' : merged.error);
    assert.equal(merged.value.phases?.dns?.count, 1);
    assert.equal(merged.value.phases?.dns?.maxUs, 800);
    assert.equal(merged.value.phases?.tls, null, 'no run had TLS');
    assert.equal(merged.value.phases?.receiving?.count, 800);
    // A result saved by a gb that kept no phases: the others' alone would cover only some responses.
    const legacy = summaryOf(all, { phases: null });
    const withLegacy = mergeSummaries([byName, legacy]);
    assert.ok(withLegacy.ok, withLegacy.ok ? '' : withLegacy.error);
    assert.equal(withLegacy.value.phases, null);
    assert.equal(withLegacy.value.responses, 800);
  });

  it('gives the same percentiles for any split of any samples into any number of runs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 300 }),
        (samples) => {
          const parts = [0, 1, 2, 3]
            .map((part) => samples.filter(([, p]) => p === part).map(([v]) => v))
            .filter((values) => values.length > 0);
          const merged = mergeSummaries(parts.map((values) => summaryOf(values)));
          assert.ok(merged.ok);
          assertSamePercentiles(merged.value.total, summaryOf(samples.map(([v]) => v)).total, 'total');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('says so when the runs saw different document lengths, each having judged Length failures by its own', () => {
    const a = summaryOf(latencies(4, 1), { documentLength: 5, resent: 2 });
    const b = summaryOf(latencies(4, 2), { documentLength: 6, resent: 1 });
    const merged = mergeSummaries([a, b]);
    assert.ok(merged.ok);
    assert.deepEqual(merged.value.documentLengthConflict, [5, 6]);
    assert.equal(merged.value.resent, 3);
    assert.match(renderGbExtras(merged.value), /Document lengths:\s+5, 6 bytes in the merged runs/);
    // A merge of that merge keeps every length it saw; runs that agree have no conflict.
    const again = mergeSummaries([merged.value, summaryOf(latencies(2, 3), { documentLength: 5 })]);
    assert.ok(again.ok);
    assert.deepEqual(again.value.documentLengthConflict, [5, 6, 5]);
    const agree = mergeSummaries([a, summaryOf(latencies(2, 3), { documentLength: 5 })]);
    assert.ok(agree.ok);
    assert.equal(agree.value.documentLengthConflict, null);
    assert.doesNotMatch(renderGbExtras(agree.value), /Document lengths/);
  });

  it('adds growing pools and takes the earliest first growth, counted from the merged start', () => {
    const a = summaryOf(latencies(4, 1), { connections: { initial: 5, peak: 40, grewAtSeconds: 1.5 } });
    // Started 1 s after a, it grew 0.2 s in: 1.2 s after the merged start, before a did.
    const b = summaryOf(latencies(4, 2), {
      startedAt: new Date(T0_MS + 1000).toISOString(),
      connections: { initial: 5, peak: 12, grewAtSeconds: 0.2 },
    });
    const merged = mergeSummaries([a, b]);
    assert.ok(merged.ok);
    assert.ok(merged.value.connections !== null);
    assert.equal(merged.value.connections.initial, 10);
    assert.equal(merged.value.connections.peak, 52);
    assert.ok(Math.abs(merged.value.connections.grewAtSeconds! - 1.2) < 1e-9, `${merged.value.connections.grewAtSeconds}`);
    assert.match(renderGbExtras(merged.value), /\nConnections: +10 at the start, grew to 52 \(first at 1\.2 s\)\n/);
    // A fixed pool adds its -c to both sizes; pools that never grew say so; no growing pool at all, no field.
    const fixed = summaryOf(latencies(2, 3));
    const withFixed = mergeSummaries([summaryOf(latencies(2, 1), { connections: { initial: 2, peak: 2, grewAtSeconds: null } }), fixed]);
    assert.ok(withFixed.ok);
    assert.deepEqual(withFixed.value.connections, {
      initial: 2 + fixed.settings.concurrency,
      peak: 2 + fixed.settings.concurrency,
      grewAtSeconds: null,
    });
    assert.match(renderGbExtras(withFixed.value), /Connections: +\d+ at the start, never grew\n/);
    const none = mergeSummaries([fixed, summaryOf(latencies(2, 4))]);
    assert.ok(none.ok);
    assert.equal(none.value.connections, null);
  });

  it('adds counts, failures, status codes, errors and bytes', () => {
    const a = summaryOf(latencies(8, 1), {
      issued: 10,
      failed: 2,
      failures: { connect: 1, receive: 1, length: 0, exceptions: 0, script: 0, grpc: 0 },
      timeouts: 1,
      non2xx: 1,
      statusCodes: { '200': 7, '404': 1 },
      errors: { ECONNRESET: 2 },
    });
    const b = summaryOf(latencies(3, 2), {
      issued: 5,
      failed: 4,
      failures: { connect: 0, receive: 0, length: 1, exceptions: 3, script: 0, grpc: 0 },
      cutOff: 2,
      statusCodes: { '200': 3 },
      errors: { ECONNRESET: 1, ETIMEDOUT: 4 },
    });
    const merged = mergeSummaries([a, b]);
    assert.ok(merged.ok);
    const m = merged.value;
    assert.equal(m.issued, 15);
    assert.equal(m.responses, 11);
    assert.equal(m.failed, 6);
    assert.deepEqual(m.failures, { connect: 1, receive: 1, length: 1, exceptions: 3, script: 0, grpc: 0 });
    assert.equal(m.timeouts, 1);
    assert.equal(m.cutOff, 2);
    assert.equal(m.non2xx, 1);
    assert.deepEqual(m.statusCodes, { '200': 10, '404': 1 });
    assert.deepEqual(m.errors, { ECONNRESET: 3, ETIMEDOUT: 4 });
    assert.deepEqual(m.bytes, { received: 1100, body: 132, sent: 880 });
  });

  it('spans the elapsed time from the earliest start to the latest end and adds the settings that add', () => {
    const a = summaryOf(latencies(10, 3), { elapsedSeconds: 10 });
    const b = summaryOf(latencies(10, 4), {
      startedAt: new Date(T0_MS + 2500).toISOString(),
      elapsedSeconds: 10,
      timeline: { startEpochMs: T0_MS + 2500, rows: [] },
    });
    const merged = mergeSummaries([b, a]);
    assert.ok(merged.ok);
    assert.equal(merged.value.startedAt, new Date(T0_MS).toISOString());
    assert.equal(merged.value.elapsedSeconds, 12.5);
    assert.equal(merged.value.settings.concurrency, 20);
    assert.equal(merged.value.settings.requests, 20);
    assert.equal(merged.value.settings.workers, 2);
    const timed = mergeSummaries([a, summaryOf([5], { settings: { ...a.settings, requests: null, durationMs: 30_000 } })]);
    assert.ok(timed.ok);
    assert.equal(timed.value.settings.requests, null);
    assert.equal(timed.value.settings.durationMs, 30_000);
  });

  it('sums CPU time and cores, keeps the worst delays and peaks, and any saturation', () => {
    const busy: ClientHealth = {
      ...idleClient,
      cpuPercent: 97,
      loopUtilizationPercent: 99,
      eventLoopDelayMaxMs: 80,
      saturated: true,
      warnings: ['gb used 97 % CPU.'],
    };
    const merged = mergeSummaries([summaryOf([100]), summaryOf([200], { client: busy })]);
    assert.ok(merged.ok);
    const c = merged.value.client;
    assert.equal(c.cpuUserSeconds, 2);
    assert.equal(c.cores, 8);
    assert.equal(c.gcPauseTotalMs, 20);
    assert.equal(c.cpuPercent, 97);
    assert.equal(c.loopUtilizationPercent, 99);
    assert.equal(c.eventLoopDelayMaxMs, 80);
    assert.equal(c.saturated, true);
    assert.deepEqual(c.warnings, ['gb used 97 % CPU.']);
  });

  it('refuses results of different URLs, naming both', () => {
    const other = summaryOf([100], { target: { url: 'http://127.0.0.1:9090/x', host: '127.0.0.1', port: 9090, path: '/x', tls: false } });
    const merged = mergeSummaries([summaryOf([100]), other]);
    assert.deepEqual(merged, {
      ok: false,
      error: 'cannot merge results for different URLs: result 1 is http://127.0.0.1:8080/, result 2 is http://127.0.0.1:9090/x',
    });
  });

  it('refuses an empty list, a closed-loop result next to a constant-rate one, and a corrupt histogram', () => {
    assert.equal(mergeSummaries([]).ok, false);
    const rated = summaryOf([100], {
      rate: {
        targetPerSecond: 100,
        stages: null,
        achievedPerSecond: 99,
        late: 0,
        lateServer: 0,
        lateClient: 0,
        maxLateUs: 0,
        meanLateUs: 0,
        uncorrectedTotal: statsOf([90]),
      },
    });
    const mixed = mergeSummaries([summaryOf([100]), rated]);
    assert.match(mixed.ok ? '' : mixed.error, /constant-rate/);
    const good = summaryOf([100, 200]);
    const corrupt = summaryOf([300], { total: { ...(good.total ?? assert.fail()), count: 1, histogram: 'bm90IGEgaGlzdG9ncmFt' } });
    const bad = mergeSummaries([good, corrupt]);
    assert.match(bad.ok ? '' : bad.error, /^total: unreadable histogram/);
  });

  it('merges constant-rate results, weighting lateness by the late counts', () => {
    const rate = (late: number, meanLateUs: number, values: number[]) => ({
      targetPerSecond: 100,
      stages: null,
      achievedPerSecond: 98,
      late,
      lateServer: late - 1,
      lateClient: 1,
      maxLateUs: meanLateUs * 2,
      meanLateUs,
      uncorrectedTotal: statsOf(values),
    });
    const merged = mergeSummaries([summaryOf([100], { rate: rate(1, 1000, [90]) }), summaryOf([200], { rate: rate(3, 2000, [190, 10]) })]);
    assert.ok(merged.ok && merged.value.rate !== null);
    assert.equal(merged.value.rate.targetPerSecond, 200);
    assert.equal(merged.value.rate.late, 4);
    assert.deepEqual([merged.value.rate.lateServer, merged.value.rate.lateClient], [2, 2], 'each cause adds up on its own');
    assert.equal(merged.value.rate.meanLateUs, 1750);
    assert.equal(merged.value.rate.uncorrectedTotal?.count, 3);
  });

  it('adds --stages shapes stage by stage when their durations agree, and drops them when not', () => {
    const staged = (stages: { durationMs: number; requestsPerSecond: number }[] | null) => ({
      targetPerSecond: 100,
      stages,
      achievedPerSecond: 98,
      late: 0,
      lateServer: 0,
      lateClient: 0,
      maxLateUs: 0,
      meanLateUs: 0,
      uncorrectedTotal: statsOf([90]),
    });
    const a = [
      { durationMs: 5000, requestsPerSecond: 50 },
      { durationMs: 5000, requestsPerSecond: 500 },
    ];
    const b = [
      { durationMs: 5000, requestsPerSecond: 50 },
      { durationMs: 5000, requestsPerSecond: 501 },
    ];
    const same = mergeSummaries([summaryOf([100], { rate: staged(a) }), summaryOf([200], { rate: staged(b) })]);
    assert.ok(same.ok && same.value.rate !== null);
    assert.deepEqual(same.value.rate.stages, [
      { durationMs: 5000, requestsPerSecond: 100 },
      { durationMs: 5000, requestsPerSecond: 1001 },
    ]);
    const other = mergeSummaries([summaryOf([100], { rate: staged(a) }), summaryOf([200], { rate: staged(a.slice(1)) })]);
    assert.ok(other.ok && other.value.rate !== null);
    assert.equal(other.value.rate.stages, null);
    const flat = mergeSummaries([summaryOf([100], { rate: staged(a) }), summaryOf([200], { rate: staged(null) })]);
    assert.ok(flat.ok && flat.value.rate?.stages === null);
  });

  it('keeps the transport the results share, and says mixed when they differ', () => {
    const same = mergeSummaries([summaryOf([1]), summaryOf([2])]);
    assert.ok(same.ok);
    assert.equal(same.value.transport, 'raw-tcp');
    const mixed = mergeSummaries([summaryOf([1]), summaryOf([2], { transport: 'net' }), summaryOf([3])]);
    assert.ok(mixed.ok);
    assert.equal(mixed.value.transport, 'mixed');
    const unix = mergeSummaries([summaryOf([1], { transport: 'unix' }), summaryOf([2], { transport: 'unix' })]);
    assert.ok(unix.ok);
    assert.equal(unix.value.transport, 'unix');
    const unixAndTcp = mergeSummaries([summaryOf([1], { transport: 'unix' }), summaryOf([2])]);
    assert.ok(unixAndTcp.ok);
    assert.equal(unixAndTcp.value.transport, 'mixed');
  });

  it('returns a single result as it is', () => {
    const one = summaryOf([1, 2, 3]);
    assert.deepEqual(mergeSummaries([one]), { ok: true, value: one });
  });
});

describe('mergeTimelines', () => {
  const row = (second: number, complete: number, p50Us: number, p99Us: number): TimelineRow => ({
    second,
    scheduled: null,
    complete,
    errors: 1,
    non2xx: 0,
    bytesReceived: complete * 10,
    p50Us,
    p90Us: p50Us * 2,
    p99Us,
    maxUs: p99Us + 1,
  });

  it('aligns rows by wall clock, adds counts, takes the largest p99 and a count-weighted p50', () => {
    const merged = mergeTimelines([
      { startEpochMs: T0_MS + 2000, rows: [row(0, 300, 1000, 5000), row(1, 100, 1000, 5000)] },
      { startEpochMs: T0_MS, rows: [row(0, 50, 200, 900), row(1, 50, 200, 900), row(2, 100, 4000, 9000)] },
    ]);
    assert.equal(merged.startEpochMs, T0_MS);
    assert.deepEqual(
      merged.rows.map((r) => [r.second, r.complete, r.errors, r.bytesReceived, r.p50Us, r.p90Us, r.p99Us, r.maxUs]),
      [
        [0, 50, 1, 500, 200, 400, 900, 901],
        [1, 50, 1, 500, 200, 400, 900, 901],
        [2, 400, 2, 4000, 1750, 3500, 9000, 9001],
        [3, 100, 1, 1000, 1000, 2000, 5000, 5001],
      ],
    );
  });

  it('puts a run that started 0.4 s later on the same seconds and one 0.6 s later one second on', () => {
    const early = { startEpochMs: T0_MS, rows: [row(0, 10, 100, 100)] };
    assert.deepEqual(
      mergeTimelines([early, { startEpochMs: T0_MS + 400, rows: [row(0, 10, 100, 100)] }]).rows.map((r) => r.second),
      [0],
    );
    assert.deepEqual(
      mergeTimelines([early, { startEpochMs: T0_MS + 600, rows: [row(0, 10, 100, 100)] }]).rows.map((r) => r.second),
      [0, 1],
    );
  });

  it("adds the schedule's targets of the same second, and keeps null where no run had a schedule", () => {
    const due = (second: number, scheduled: number | null): TimelineRow => ({ ...row(second, 10, 100, 100), scheduled });
    const merged = mergeTimelines([
      { startEpochMs: T0_MS, rows: [due(0, 100), due(1, 200)] },
      { startEpochMs: T0_MS, rows: [due(0, 50), due(1, null), due(2, null)] },
    ]);
    assert.deepEqual(
      merged.rows.map((r) => r.scheduled),
      [150, 200, null],
    );
  });
});
