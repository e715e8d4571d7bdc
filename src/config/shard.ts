// --shard I/N, --run-id and --start-at: the flags that make one process a part of a run spread over machines.

import { createHash } from 'node:crypto';
import type { ScheduleConfig } from './config.js';
import type { Parse } from './option-spec.js';
import { shown } from './target.js';
import { parseDurationMs } from './units.js';

/** A start further ahead than this is almost surely a typo (a wrong date or zone), not a plan. */
export const MAX_START_AHEAD_MS = 24 * 60 * 60 * 1000;

const SHARD = /^(\d+)\/(\d+)$/;
const RUN_ID = /^[A-Za-z0-9._-]{1,64}$/;
// RFC 3339's date-time: a full date, a time with seconds, and a zone (Z or ±hh:mm).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** "2/3" → { index: 2, count: 3 }, or null after saying why. */
export function parseShard(text: string, problems: string[]): { readonly index: number; readonly count: number } | null {
  const match = SHARD.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null) {
    problems.push(`invalid shard: --shard ${shown(text)} (expected I/N, e.g. 2/3 for the second of three)`);
  } else if (count < 1) {
    problems.push(`invalid shard: --shard ${shown(text)} (a run has at least 1 shard)`);
  } else if (index < 1 || index > count) {
    problems.push(`invalid shard: --shard ${shown(text)} (shards are numbered 1 to ${count})`);
  } else {
    return { index, count };
  }
  return null;
}

/** --start-at: an RFC 3339 time, or "+30s" from `nowMs` (rounded up to the second); null after saying why (a time in the past is not a problem: the run starts at once). */
export function parseStartAt(text: string, nowMs: number, problems: string[]): number | null {
  let atMs: number | null = null;
  if (text.startsWith('+')) {
    const aheadMs = parseDurationMs(text.slice(1));
    // Rounded up to a whole second, so shards launched together with "+30s" (a shell loop, pdsh)
    // agree on the start, and on the run id derived from it, unless they straddle a second.
    if (aheadMs !== null) atMs = Math.ceil((nowMs + aheadMs) / 1000) * 1000;
  } else if (RFC3339.test(text) && fieldsInRange(text)) {
    const parsed = Date.parse(text.replace(' ', 'T'));
    if (Number.isFinite(parsed)) atMs = parsed;
  }
  if (atMs === null) {
    problems.push(
      `invalid start time: --start-at ${shown(text)} (expected an RFC 3339 time such as 2026-11-29T14:00:00Z, or +30s from now)`,
    );
    return null;
  }
  if (atMs - nowMs > MAX_START_AHEAD_MS) {
    const hours = ((atMs - nowMs) / 3_600_000).toFixed(1);
    problems.push(`--start-at ${shown(text)} is ${hours} h ahead; gb waits at most 24 h (check the date and the time zone)`);
    return null;
  }
  return atMs;
}

/** Date.parse rolls 2026-11-31 over to December 1st; a start time with a day or hour that does not exist is a typo. */
function fieldsInRange(text: string): boolean {
  const [year, month, day, hour, minute, second] = [0, 5, 8, 11, 14, 17].map((at) => Number(text.slice(at, at + (at === 0 ? 4 : 2))));
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined)
    return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

export const shard: Parse<string, { readonly index: number; readonly count: number }> = (text, c) => parseShard(text, c.problems);
export const startAt: Parse<string, number> = (text, c) => parseStartAt(text, Date.now(), c.problems);
export const runId: Parse<string, string> = (text, c) => {
  const problem = runIdProblem(text);
  if (problem === null) return text;
  c.problems.push(problem);
  return null;
};

export function runIdProblem(text: string): string | null {
  return RUN_ID.test(text) ? null : `invalid run id: --run-id ${shown(text)} (1 to 64 letters, digits, '.', '_' or '-')`;
}

/** What names a run when --run-id is not given: the settings every shard shares. */
export interface RunIdentity {
  readonly url: string;
  readonly method: string;
  readonly requests: number | null;
  readonly concurrency: number;
  readonly durationMs: number | null;
  readonly schedule: ScheduleConfig;
  readonly keepAlive: boolean;
  readonly pipeline: number;
  readonly shards: number;
}

/**
 * The default run id: a hash of the settings and the start (--start-at when given, so every shard
 * started with the same flags derives the same id untold; else this process's own start time, so
 * shards started apart need one --run-id to be merged as one run).
 */
export function deriveRunId(identity: RunIdentity, startMs: number): string {
  const text = JSON.stringify({ ...identity, startMs });
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** --random's seed for the shards of one run when --seed is not given: the same in every shard, from the run id. */
export function seedOfRun(runId: string): number {
  return createHash('sha256').update(`seed:${runId}`).digest().readUInt32BE(0);
}
