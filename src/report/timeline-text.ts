// --timeline: the run second by second as a plain table, so a ramp (--stages) or a stall can be read
// on the terminal, target beside achieved, without opening the HTML report.

import type { Timeline } from '../metrics/summary.js';
import { formatFixed, padLeft } from './format.js';

const COLUMNS = ['second', 'target', 'responses', 'errors', 'non-2xx', 'p50 ms', 'p99 ms'] as const;

function ms(us: number, complete: number): string {
  return complete === 0 ? '-' : formatFixed(us / 1000, us >= 10_000 ? 1 : 2);
}

/**
 * One row per second. `target` is what the schedule had due that second (- in the closed loop);
 * `responses` counts those that ended in it, so a slow server shows as responses below the target.
 */
export function renderTimelineText(timeline: Timeline): string {
  if (timeline.rows.length === 0) return '\nTimeline: no second of the run was recorded\n';
  const rows = timeline.rows.map((r) => [
    String(r.second),
    r.scheduled === null ? '-' : String(r.scheduled),
    String(r.complete),
    String(r.errors),
    String(r.non2xx),
    ms(r.p50Us, r.complete),
    ms(r.p99Us, r.complete),
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => padLeft(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return `\nTimeline (per second):\n${[line(COLUMNS), ...rows.map(line)].join('\n')}\n`;
}
