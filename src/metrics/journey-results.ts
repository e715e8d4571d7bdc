// Summary.journeys: a journey run's JourneyStats frozen into plain figures, and those of several runs added up (gb merge).

import type { JourneyStats } from './journey-stats.js';
import { mergePhases } from './phase-merge.js';
import { phaseStats } from './phase-stats.js';
import type { CheckResult, IterationFailure, JourneyResults, JourneyTimeline, JourneyTimelineRow, Summary } from './summary.js';
import { err, ok, type Result } from '../result.js';

/** Code-point order, not the locale's: the same result lists its checks alike on every machine. */
const byName = (a: CheckResult, b: CheckResult): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The most frequent first; ties by message, so the order does not depend on which thread saw one first. */
const byCount = (a: IterationFailure, b: IterationFailure): number =>
  b.count - a.count || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);

function perSecond(complete: number, failed: number, elapsedSeconds: number): number {
  return elapsedSeconds > 0 ? (complete + failed) / elapsedSeconds : 0;
}

/** The run's journeys as the Summary keeps them; `elapsedMs` is the run's, so iterations per second sit beside requests per second. */
export function journeyResults(stats: JourneyStats, elapsedMs: number): JourneyResults {
  return {
    iterations: {
      started: stats.started,
      complete: stats.complete,
      failed: stats.failed,
      interrupted: stats.interrupted,
      late: stats.late,
      perSecond: perSecond(stats.complete, stats.failed, elapsedMs / 1000),
    },
    users: { initial: stats.usersInitial, peak: stats.usersPeak },
    duration: phaseStats(stats.duration),
    checks: [...stats.checks].map(([name, [passed, failed]]) => ({ name, passed, failed })).sort(byName),
    failures: [...stats.failures].map(([message, count]) => ({ message, count })).sort(byCount),
    timeline: { startEpochMs: stats.startEpochMs, rows: stats.timeline() },
  };
}

/** Rows on the earliest timeline's clock, to the nearest second as mergeTimelines puts request rows; every figure adds (active users too: runs side by side). */
function mergeJourneyTimelines(timelines: readonly JourneyTimeline[]): JourneyTimeline {
  const startEpochMs = Math.min(...timelines.map((t) => t.startEpochMs));
  const bySecond = new Map<number, { started: number; complete: number; failed: number; activeUsers: number }>();
  for (const t of timelines) {
    const shiftSeconds = Math.round((t.startEpochMs - startEpochMs) / 1000);
    for (const row of t.rows) {
      const second = row.second + shiftSeconds;
      const sum = bySecond.get(second) ?? { started: 0, complete: 0, failed: 0, activeUsers: 0 };
      sum.started += row.started;
      sum.complete += row.complete;
      sum.failed += row.failed;
      sum.activeUsers += row.activeUsers;
      bySecond.set(second, sum);
    }
  }
  const rows = [...bySecond.entries()].sort(([a], [b]) => a - b).map(([second, sum]): JourneyTimelineRow => ({ second, ...sum }));
  return { startEpochMs, rows };
}

function addChecks(all: readonly (readonly CheckResult[])[]): CheckResult[] {
  const sums = new Map<string, { passed: number; failed: number }>();
  for (const c of all.flat()) {
    const sum = sums.get(c.name) ?? { passed: 0, failed: 0 };
    sum.passed += c.passed;
    sum.failed += c.failed;
    sums.set(c.name, sum);
  }
  return [...sums].map(([name, sum]) => ({ name, ...sum })).sort(byName);
}

function addFailures(all: readonly (readonly IterationFailure[])[]): IterationFailure[] {
  const sums = new Map<string, number>();
  for (const f of all.flat()) sums.set(f.message, (sums.get(f.message) ?? 0) + f.count);
  return [...sums].map(([message, count]) => ({ message, count })).sort(byCount);
}

/**
 * The journeys of runs made side by side, as one run with all their users would have counted them:
 * counts, checks and failures add, the durations' histograms add exactly, rows line up by wall clock.
 * Results without journeys add nothing (a mix merges what is there); null when none has any.
 */
export function mergeJourneys(summaries: readonly Summary[], elapsedSeconds: number): Result<JourneyResults | null, string> {
  const present = summaries.flatMap((s) => (s.journeys === null ? [] : [s.journeys]));
  if (present.length === 0) return ok(null);
  const duration = mergePhases(present.map((j) => j.duration));
  if (!duration.ok) return err(`journeys.duration: ${duration.error}`);
  const sum = (pick: (j: JourneyResults) => number): number => present.reduce((total, j) => total + pick(j), 0);
  const complete = sum((j) => j.iterations.complete);
  const failed = sum((j) => j.iterations.failed);
  return ok({
    iterations: {
      started: sum((j) => j.iterations.started),
      complete,
      failed,
      interrupted: sum((j) => j.iterations.interrupted),
      late: sum((j) => j.iterations.late),
      perSecond: perSecond(complete, failed, elapsedSeconds),
    },
    users: { initial: sum((j) => j.users.initial), peak: sum((j) => j.users.peak) },
    duration: duration.value,
    checks: addChecks(present.map((j) => j.checks)),
    failures: addFailures(present.map((j) => j.failures)),
    timeline: mergeJourneyTimelines(present.map((j) => j.timeline)),
  });
}
