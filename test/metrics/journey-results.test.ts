// Tests journey results from the recorder to the JSON: threads' snapshots merged by wall clock, the Summary's journeys, the schema and the reader.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

import { summarize, type SummaryFacts } from '../../src/engine/summarize.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { phaseStats } from '../../src/metrics/phase-stats.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { parseSummaryJson, toSummary } from '../../src/metrics/result-json.js';
import type { Summary } from '../../src/metrics/summary.js';
import { Timeline } from '../../src/metrics/timeline.js';
import { renderJson } from '../../src/report/json.js';
import { BOOM, T0_MS, twoThreads } from '../helpers/journeys.js';
import { optionsOf } from '../helpers/summaries.js';

const schema: unknown = JSON.parse(readFileSync(new URL('../../../schema/gb-result.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema as object);

/** The main thread's recorder after both threads' snapshots came through postMessage (structured clone). */
function mergedThreads(): Recorder {
  const { a, b } = twoThreads();
  const merged = new Recorder(new Timeline(T0_MS, 0));
  merged.merge(structuredClone(a.snapshot()));
  merged.merge(structuredClone(b.snapshot()));
  return merged;
}

function summaryOf(recorder: Recorder, elapsedMs = 4000): Summary {
  const facts: SummaryFacts = {
    recorder,
    startedAtMs: T0_MS,
    elapsedMs,
    stopReason: 'duration',
    thread: {
      loopUtilization: 0.1,
      eventLoopDelayP99Ms: 1,
      eventLoopDelayMaxMs: 2,
      gcPauseTotalMs: 0,
      gcPauseMaxMs: 0,
      heapUsedMaxBytes: 1,
      rssMaxBytes: 1,
    },
    cpuUserUs: 1000,
    cpuSystemUs: 1000,
    wallMs: elapsedMs,
    threads: 2,
  };
  return summarize(optionsOf(['-t', '4', 'http://127.0.0.1:8080/']).config, facts);
}

type Json = { [key: string]: unknown };
const jsonOf = (s: Summary): Json => JSON.parse(renderJson(s)) as Json;

describe('the recorder carries journeys', () => {
  it('snapshots them and merges two threads exactly, their rows on the wall clock', () => {
    const j = mergedThreads().journeys;
    assert.ok(j !== null);
    assert.deepEqual([j.started, j.complete, j.failed, j.interrupted, j.late], [4, 2, 1, 1, 4]);
    assert.deepEqual([j.usersInitial, j.usersPeak], [3, 4]);
    assert.equal(j.duration.count, 3);
    assert.equal(j.duration.max, 1_200_000);
    assert.deepEqual(Object.fromEntries(j.checks), { 'status is 200': [3, 0], 'has id': [0, 1] });
    assert.deepEqual(Object.fromEntries(j.failures), { [BOOM]: 1 });
    // B began 2 s after A: its second 0 is the run's second 2.
    assert.deepEqual(
      j.timeline().map((r) => [r.second, r.started, r.complete, r.failed, r.activeUsers]),
      [
        [0, 2, 1, 0, 2],
        [1, 1, 0, 1, 1],
        [2, 1, 1, 0, 1],
      ],
    );
  });

  it('leaves a recorder without journeys at null, in its snapshot and after merging snapshots without them', () => {
    const plain = new Recorder(new Timeline(T0_MS, 0));
    assert.equal(plain.snapshot().journeys, null);
    const merged = new Recorder(new Timeline(T0_MS, 0));
    merged.merge(plain.snapshot());
    assert.equal(merged.journeys, null);
  });
});

describe('summarize', () => {
  const summary = summaryOf(mergedThreads());

  it('writes iterations, users and the rate over the elapsed time', () => {
    const j = summary.journeys;
    assert.ok(j !== null);
    // 2 complete + 1 failed over 4 s.
    assert.deepEqual(j.iterations, { started: 4, complete: 2, failed: 1, interrupted: 1, late: 4, perSecond: 0.75 });
    assert.deepEqual(j.users, { initial: 3, peak: 4 });
  });

  it('gives the durations the statistics of request latency, in µs', () => {
    const h = new Histogram();
    for (const us of [500_000, 1_200_000, 400_000]) h.record(us);
    const expected = phaseStats(h);
    assert.ok(expected !== null);
    assert.deepEqual(summary.journeys?.duration, expected);
    assert.equal(summary.journeys?.duration?.abPercentilesUs.length, 8);
    assert.equal(Histogram.decode(summary.journeys?.duration?.histogram ?? '').count, 3);
  });

  it('lists checks by name and failures by count, and the timeline from its start', () => {
    const j = summary.journeys;
    assert.deepEqual(j?.checks, [
      { name: 'has id', passed: 0, failed: 1 },
      { name: 'status is 200', passed: 3, failed: 0 },
    ]);
    assert.deepEqual(j?.failures, [{ message: BOOM, count: 1 }]);
    assert.equal(j?.timeline.startEpochMs, T0_MS);
    assert.deepEqual(j?.timeline.rows[2], { second: 2, started: 1, complete: 1, failed: 0, activeUsers: 1 });
  });

  it('gives a run without journeys journeys: null', () => {
    assert.equal(summaryOf(new Recorder(new Timeline(T0_MS, 0))).journeys, null);
  });
});

describe('journeys in the JSON', () => {
  const summary = summaryOf(mergedThreads());

  it('validate against the schema and parse back to the same Summary', () => {
    const text = renderJson(summary);
    assert.equal(validate(JSON.parse(text)), true, JSON.stringify(validate.errors));
    const read = parseSummaryJson(text);
    assert.ok(read.ok, read.ok ? '' : read.error);
    assert.deepEqual(read.value.journeys, summary.journeys);
    assert.deepEqual(read.value, JSON.parse(text));
  });

  it('are written as null for a run without journeys, which validates', () => {
    const plain = jsonOf(summaryOf(new Recorder(new Timeline(T0_MS, 0))));
    assert.equal(plain['journeys'], null);
    assert.equal(validate(plain), true, JSON.stringify(validate.errors));
  });

  it('are read as null from a result saved before journeys existed', () => {
    const old = jsonOf(summary);
    delete old['journeys'];
    const read = toSummary(old);
    assert.ok(read.ok, read.ok ? '' : read.error);
    assert.equal(read.value.journeys, null);
  });

  const breakages: readonly { readonly name: string; readonly breakIt: (j: Json) => void }[] = [
    { name: 'a negative iteration count', breakIt: (j) => void ((j['iterations'] as Json)['failed'] = -1) },
    { name: 'iterations without perSecond', breakIt: (j) => delete (j['iterations'] as Json)['perSecond'] },
    { name: 'an unknown journey field', breakIt: (j) => void (j['vus'] = 3) },
    { name: 'a check without its name', breakIt: (j) => delete ((j['checks'] as Json[])[0] as Json)['name'] },
    { name: 'a failure count as a string', breakIt: (j) => void (((j['failures'] as Json[])[0] as Json)['count'] = '1') },
    {
      name: 'a timeline row without activeUsers',
      breakIt: (j) => delete (((j['timeline'] as Json)['rows'] as Json[])[0] as Json)['activeUsers'],
    },
    { name: 'a duration without its histogram', breakIt: (j) => delete (j['duration'] as Json)['histogram'] },
  ];
  for (const { name, breakIt } of breakages) {
    it(`are refused, by the schema and the reader, with ${name}`, () => {
      const broken = jsonOf(summary);
      breakIt(broken['journeys'] as Json);
      assert.equal(validate(broken), false, 'the JSON Schema accepted it');
      assert.equal(toSummary(broken).ok, false, 'the runtime reader accepted it');
    });
  }
});
