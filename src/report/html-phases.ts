// The HTML report's "where the time went" section: the mean response split into its phases as one stacked SVG bar, and each phase's figures.

import { REQUEST_PHASES, type PhaseStats, type RequestPhase, type RequestPhases, type Summary } from '../metrics/summary.js';
import { formatFixed } from './format.js';
import { PHASE_NAMES } from './gb-extras.js';
import { escapeHtml } from './html-escape.js';

/** The phases that make up a response's Total, in the order they happen (DNS is before the run). */
const IN_TOTAL: readonly RequestPhase[] = ['blocked', 'tcp', 'tls', 'sending', 'waiting', 'receiving'];

export const PHASE_COLORS: Readonly<Record<RequestPhase, string>> = {
  dns: '#8e44ad',
  tcp: '#e08e0b',
  tls: '#c0392b',
  blocked: '#7f8c8d',
  sending: '#16a085',
  waiting: '#1f6fb4',
  receiving: '#2a9d3a',
};

const WIDTH = 760;
const BAR_HEIGHT = 30;
const LEGEND_ROW = 20;

const ms = (us: number): string => formatFixed(us / 1000, 3);

interface Segment {
  readonly phase: RequestPhase;
  /** The phase's share of the mean response: its samples' sum over every response (TCP and TLS happen on few). */
  readonly meanUs: number;
}

/**
 * Means add where percentiles do not: the mean Total is the sum of the phases' means per response,
 * so the bar's segments are each phase's time summed and divided by the responses.
 */
function segments(phases: RequestPhases): { readonly responses: number; readonly parts: readonly Segment[] } {
  const responses = phases.blocked?.count ?? 0;
  const parts = IN_TOTAL.flatMap((phase): Segment[] => {
    const p = phases[phase];
    return p === null || responses === 0 ? [] : [{ phase, meanUs: (p.meanUs * p.count) / responses }];
  });
  return { responses, parts };
}

/** Static SVG like the endpoint bars: no script, so the page's CSP stays as it is. */
function chart(responses: number, parts: readonly Segment[]): string {
  const totalUs = parts.reduce((sum, p) => sum + p.meanUs, 0);
  const scale = totalUs > 0 ? WIDTH / totalUs : 0;
  let x = 0;
  const rects = parts
    .map((p) => {
      const width = p.meanUs * scale;
      const label = `${PHASE_NAMES[p.phase]}: ${ms(p.meanUs)} ms per response`;
      const rect = `<rect data-phase="${p.phase}" data-mean-us="${Math.round(p.meanUs)}" x="${x.toFixed(1)}" y="0" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${PHASE_COLORS[p.phase]}"><title>${escapeHtml(label)}</title></rect>`;
      x += width;
      return rect;
    })
    .join('');
  const legend = parts
    .map((p, i) => {
      const y = BAR_HEIGHT + 12 + i * LEGEND_ROW;
      return (
        `<rect x="0" y="${y}" width="12" height="12" fill="${PHASE_COLORS[p.phase]}"></rect>` +
        `<text class="legend" data-phase="${p.phase}" x="18" y="${y + 11}">${escapeHtml(`${PHASE_NAMES[p.phase]} ${ms(p.meanUs)} ms`)}</text>`
      );
    })
    .join('');
  const totalY = BAR_HEIGHT + 12 + parts.length * LEGEND_ROW + 11;
  const total = `<text class="total" x="0" y="${totalY}" font-weight="600">${escapeHtml(`Mean response ${ms(totalUs)} ms over ${responses} responses`)}</text>`;
  const height = totalY + 6;
  return (
    `<svg class="phases" role="img" aria-label="mean response time by phase" data-responses="${responses}" data-mean-total-us="${Math.round(totalUs)}" ` +
    `width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="12">${rects}${legend}${total}</svg>`
  );
}

function table(phases: RequestPhases, responses: number): string {
  const rows = REQUEST_PHASES.flatMap((phase) => {
    const p: PhaseStats | null = phases[phase];
    if (p === null) return [];
    const perResponse = phase === 'dns' || responses === 0 ? '–' : ms((p.meanUs * p.count) / responses);
    const cells = [String(p.count), perResponse, ms(p.p50Us), ms(p.p99Us), ms(p.maxUs)];
    return [`<tr data-phase="${phase}"><td>${escapeHtml(PHASE_NAMES[phase])}</td>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`];
  });
  const head = ['phase', 'samples', 'ms per response', 'p50 ms', 'p99 ms', 'max ms'].map((h) => `<th>${h}</th>`).join('');
  return `<table class="grid phases"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** The section, or '' when the result has no phases (a gb that kept none, or no response). */
export function phaseSection(summary: Summary): string {
  const phases = summary.phases;
  if (phases === null) return '';
  const { responses, parts } = segments(phases);
  if (responses === 0) return '';
  return (
    `<section><h2>Where the time went</h2>\n` +
    `<p>The mean response, phase by phase: the segments add up to its mean Total. TCP connect and TLS happen once per connection, so a kept-alive run spreads them thin; DNS is looked up before the run and is in no response's time.</p>\n` +
    `${chart(responses, parts)}\n${table(phases, responses)}\n</section>`
  );
}
