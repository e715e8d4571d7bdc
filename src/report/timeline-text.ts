// --timeline: the run second by second as a plain table, so a ramp (--stages) or a stall can be read
// on the terminal, target beside achieved, without opening the HTML report.

import type { JourneyTimeline, JourneyTimelineRow, Timeline } from '../metrics/summary.js';
import { formatFixed, padLeft } from './format.js';

const COLUMNS = ['second', 'target', 'responses', 'errors', 'non-2xx', 'p50 ms', 'p99 ms'] as const;
/** A journey run's: iterations that ended complete or failed in the second, and the most users busy at once. */
const JOURNEY_COLUMNS = ['iterations', 'failed iter.', 'active users'] as const;

function ms(us: number, complete: number): string {
  return complete === 0 ? '-' : formatFixed(us / 1000, us >= 10_000 ? 1 : 2);
}

/** The journey rows by the request timeline's seconds: both count from their own startEpochMs, which a merge may set apart. */
function journeyRowsBySecond(timeline: Timeline, journeys: JourneyTimeline): Map<number, JourneyTimelineRow> {
  const shift = Math.round((journeys.startEpochMs - timeline.startEpochMs) / 1000);
  return new Map(journeys.rows.map((r) => [r.second + shift, r]));
}

/**
 * One row per second. `target` is what the schedule had due that second (- in the closed loop);
 * `responses` counts those that ended in it, so a slow server shows as responses below the target.
 * With `journeys` (a journey run), each row also has its iterations and active users.
 */
export function renderTimelineText(timeline: Timeline, journeys: JourneyTimeline | null = null): string {
  const bySecond = journeys === null ? null : journeyRowsBySecond(timeline, journeys);
  const lastSecond = (rows: Iterable<number>): number => [...rows].reduce((a, b) => Math.max(a, b + 1), 0);
  const seconds = Math.max(lastSecond(timeline.rows.map((r) => r.second)), lastSecond(bySecond?.keys() ?? []));
  if (seconds === 0) return '\nTimeline: no second of the run was recorded\n';
  const requestCells = timeline.rows.map((r) => [
    String(r.second),
    r.scheduled === null ? '-' : String(r.scheduled),
    String(r.complete),
    String(r.errors),
    String(r.non2xx),
    ms(r.p50Us, r.complete),
    ms(r.p99Us, r.complete),
  ]);
  // A merge of runs far apart in time can leave seconds without a row: the journey columns still get theirs.
  const requestBySecond = new Map(timeline.rows.map((r, i) => [r.second, requestCells[i]!]));
  const rows =
    bySecond === null
      ? requestCells
      : Array.from({ length: seconds }, (_, second) => {
          const j = bySecond.get(second);
          const request = requestBySecond.get(second) ?? [String(second), '-', '0', '0', '0', '-', '-'];
          return [...request, String(j?.complete ?? 0), String(j?.failed ?? 0), String(j?.activeUsers ?? 0)];
        });
  const columns: readonly string[] = bySecond === null ? COLUMNS : [...COLUMNS, ...JOURNEY_COLUMNS];
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => padLeft(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return `\nTimeline (per second):\n${[line(columns), ...rows.map(line)].join('\n')}\n`;
}
