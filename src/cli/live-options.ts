// --out, --out-period, --tag, --dashboard and --dashboard-linger: the command line's text into the live outputs' settings.

import { parseDurationMs } from '../config/units.js';
import { DEFAULT_PERIOD_MS, MIN_PERIOD_MS, parseOut, type OutTarget } from '../live/exporters.js';
import { parseTag } from '../live/labels.js';

/** The dashboard listens on loopback unless HOST says otherwise: it shows the run to whoever can reach it. */
export const DASHBOARD_HOST = '127.0.0.1';

export interface DashboardAddress {
  readonly host: string;
  readonly port: number;
}

export interface LiveOptions {
  readonly outs: readonly OutTarget[];
  readonly periodMs: number;
  readonly tags: readonly (readonly [string, string])[];
  readonly dashboard: DashboardAddress | null;
  readonly lingerMs: number;
}

/** The options as the command line gave them (CliOutputs' fields of these names). */
export interface LiveTexts {
  readonly out: readonly string[];
  readonly outPeriod: string | null;
  readonly tag: readonly string[];
  readonly dashboard: string | null;
  readonly dashboardLinger: string | null;
}

/** The live settings; a problem is pushed for each bad value (and the run does not start). */
export function liveOptionsOf(texts: LiveTexts, problems: string[]): LiveOptions {
  const outs: OutTarget[] = [];
  for (const spec of texts.out) {
    const target = parseOut(spec);
    if (typeof target === 'string') problems.push(target);
    else outs.push(target);
  }
  const tags: (readonly [string, string])[] = [];
  for (const text of texts.tag) {
    const tag = parseTag(text);
    if (typeof tag === 'string') problems.push(tag);
    else tags.push(tag);
  }
  const periodMs = durationOf('--out-period', texts.outPeriod, DEFAULT_PERIOD_MS, MIN_PERIOD_MS, problems);
  const lingerMs = durationOf('--dashboard-linger', texts.dashboardLinger, 0, 0, problems);
  const dashboard = texts.dashboard === null ? null : dashboardAddress(texts.dashboard, problems);
  if (texts.outPeriod !== null && outs.length === 0) problems.push('--out-period needs --out');
  if (texts.tag.length > 0 && outs.length === 0) problems.push('--tag needs --out');
  if (texts.dashboardLinger !== null && texts.dashboard === null) problems.push('--dashboard-linger needs --dashboard');
  return { outs, periodMs: periodMs ?? DEFAULT_PERIOD_MS, tags, dashboard, lingerMs: lingerMs ?? 0 };
}

function durationOf(flag: string, text: string | null, fallback: number, minMs: number, problems: string[]): number | null {
  if (text === null) return fallback;
  const ms = parseDurationMs(text);
  if (ms === null) {
    problems.push(`invalid duration: ${flag} '${text}' (expected seconds, or a number with ms, s, m or h)`);
    return null;
  }
  if (ms < minMs) {
    problems.push(`${flag} ${text}: must be at least ${minMs / 1000}s`);
    return null;
  }
  return ms;
}

/** "PORT", "HOST:PORT" or "[v6]:PORT". */
function dashboardAddress(text: string, problems: string[]): DashboardAddress | null {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || port > 65535) {
    problems.push(`invalid address: --dashboard '${text}' (expected PORT or HOST:PORT)`);
    return null;
  }
  const host = match[1] === undefined ? DASHBOARD_HOST : match[1].replace(/^\[|\]$/g, '');
  return { host, port };
}
