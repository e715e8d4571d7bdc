// Journey runs for tests: two engine threads' recorders with hand-recorded iterations, and Summaries of journey runs built from JourneyStats.

import { JourneyStats } from '../../src/metrics/journey-stats.js';
import { journeyResults } from '../../src/metrics/journey-results.js';
import { Recorder } from '../../src/metrics/recorder.js';
import type { JourneyResults, Summary, TimelineRow } from '../../src/metrics/summary.js';
import { Timeline } from '../../src/metrics/timeline.js';
import { summaryFixture } from './summaries.js';

export const T0_MS = Date.UTC(2025, 0, 31, 12, 0, 0);
export const BOOM = 'Error: boom (journey.js:12)';

/**
 * Thread A starts at T0 (its clock reads 1000 ms then), thread B 2 s later (its clock reads 50 000):
 * - A, second 0: two start, one completes in 500 ms; checks 'status is 200' pass twice, 'has id' fails once.
 * - A, second 1: the other fails after 1.2 s with BOOM; a third starts and the end cuts it off.
 * - B, second 0 (the run's second 2): one starts and completes in 400 ms; 'status is 200' passes once.
 */
export function twoThreads(): { readonly a: Recorder; readonly b: Recorder } {
  const journeysA = new JourneyStats(T0_MS, 1000);
  journeysA.usersInitial = 2;
  journeysA.usersPeak = 3;
  journeysA.recordStart(1000.5);
  journeysA.recordStart(1100);
  journeysA.recordCheck('status is 200', true);
  journeysA.recordCheck('status is 200', true);
  journeysA.recordCheck('has id', false);
  journeysA.recordEnd(1500, 500_000, null);
  journeysA.recordEnd(2300, 1_200_000, BOOM);
  journeysA.recordStart(2400);
  journeysA.recordInterrupted();
  const journeysB = new JourneyStats(T0_MS + 2000, 50_000);
  journeysB.usersInitial = 1;
  journeysB.usersPeak = 1;
  journeysB.late = 4;
  journeysB.recordStart(50_000);
  journeysB.recordCheck('status is 200', true);
  journeysB.recordEnd(50_400, 400_000, null);
  return {
    a: new Recorder(new Timeline(T0_MS, 1000), { journeys: journeysA }),
    b: new Recorder(new Timeline(T0_MS + 2000, 50_000), { journeys: journeysB }),
  };
}

/**
 * A journey run's results: `complete` and `failed` iterations, each of `durationUs` (cycled), spread
 * evenly over `seconds` rows from `startEpochMs`; checks by name with [passed, failed]; failures by message.
 */
export function journeyResultsOf(shape: {
  readonly complete: number;
  readonly failed: number;
  readonly durationsUs: readonly number[];
  readonly seconds: number;
  readonly elapsedMs?: number;
  readonly startEpochMs?: number;
  readonly users?: number;
  readonly checks?: Readonly<Record<string, readonly [number, number]>>;
  readonly failures?: Readonly<Record<string, number>>;
}): JourneyResults {
  const stats = new JourneyStats(shape.startEpochMs ?? T0_MS, 0);
  stats.usersInitial = shape.users ?? 1;
  stats.usersPeak = shape.users ?? 1;
  const total = shape.complete + shape.failed;
  const failureMessages = Object.entries(shape.failures ?? {}).flatMap(([message, n]) => Array.from({ length: n }, () => message));
  for (let i = 0; i < total; i++) {
    const atMs = (Math.floor((i * shape.seconds) / Math.max(1, total)) + 0.5) * 1000;
    stats.recordStart(atMs);
    const failed = i >= shape.complete;
    const message = failed ? (failureMessages[i - shape.complete] ?? BOOM) : null;
    stats.recordEnd(atMs, shape.durationsUs[i % shape.durationsUs.length] ?? 1000, message);
  }
  for (const [name, [passed, failed]] of Object.entries(shape.checks ?? {})) {
    for (let i = 0; i < passed; i++) stats.recordCheck(name, true);
    for (let i = 0; i < failed; i++) stats.recordCheck(name, false);
  }
  return journeyResults(stats, shape.elapsedMs ?? shape.seconds * 1000);
}

/** A closed-loop run of `seconds` with `journeys`: a request timeline of as many rows, so reports have seconds to line up. */
export function journeySummary(journeys: JourneyResults | null, seconds: number, overrides: Partial<Summary> = {}): Summary {
  const startEpochMs = journeys?.timeline.startEpochMs ?? T0_MS;
  const rows: TimelineRow[] = Array.from({ length: seconds }, (_, second) => ({
    second,
    scheduled: null,
    complete: 10,
    errors: 0,
    non2xx: 0,
    bytesReceived: 1000,
    p50Us: 2000,
    p90Us: 3000,
    p99Us: 4000,
    maxUs: 5000,
  }));
  return summaryFixture({
    elapsedSeconds: seconds,
    startedAt: new Date(startEpochMs).toISOString(),
    timeline: { startEpochMs, rows },
    journeys,
    ...overrides,
  });
}
