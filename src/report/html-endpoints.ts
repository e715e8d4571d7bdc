// The HTML report's per-endpoint section (--targets, a script): a bar chart of each endpoint's latency and its table.

import type { EndpointResult, Summary } from '../metrics/summary.js';
import { formatFixed } from './format.js';
import { escapeHtml as escape } from './html-escape.js';

const BAR_HEIGHT = 22;
const LABEL_WIDTH = 220;
const PLOT_WIDTH = 520;

/**
 * Static SVG, not uPlot: a handful of bars needs no script, and the page's CSP stays as it is.
 * Each endpoint gets a bar to its p99 with its p50 drawn darker inside it, on one shared ms scale.
 */
function chart(rows: readonly EndpointResult[]): string {
  const scaleUs = Math.max(1, ...rows.map((r) => r.p99Us));
  const height = rows.length * BAR_HEIGHT + 24;
  const bars = rows
    .map((r, i) => {
      const y = i * BAR_HEIGHT + 4;
      const p99 = (r.p99Us / scaleUs) * PLOT_WIDTH;
      const p50 = (r.p50Us / scaleUs) * PLOT_WIDTH;
      const label = `p50 ${formatFixed(r.p50Us / 1000, 3)} ms, p99 ${formatFixed(r.p99Us / 1000, 3)} ms`;
      return (
        `<text x="${LABEL_WIDTH - 6}" y="${y + 14}" text-anchor="end">${escape(r.name)}</text>` +
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${p99.toFixed(1)}" height="16" fill="#9ecae1"><title>${escape(label)}</title></rect>` +
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${p50.toFixed(1)}" height="16" fill="#3182bd"><title>${escape(label)}</title></rect>` +
        `<text x="${(LABEL_WIDTH + p99 + 4).toFixed(1)}" y="${y + 13}" font-size="11">${escape(label)}</text>`
      );
    })
    .join('');
  const axis = `<text x="${LABEL_WIDTH}" y="${height - 4}" font-size="11">0</text><text x="${LABEL_WIDTH + PLOT_WIDTH}" y="${height - 4}" font-size="11" text-anchor="end">${formatFixed(scaleUs / 1000, 3)} ms</text>`;
  return `<svg class="endpoints" role="img" aria-label="latency per endpoint: p50 (dark) and p99 (light)" width="${LABEL_WIDTH + PLOT_WIDTH + 260}" height="${height}" font-family="sans-serif" font-size="12">${bars}${axis}</svg>`;
}

function table(rows: readonly EndpointResult[]): string {
  const head = ['endpoint', 'requests', 'failures', 'non-2xx', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms']
    .map((h) => `<th>${h}</th>`)
    .join('');
  const body = rows
    .map((r) => {
      const cells = [
        String(r.requests),
        String(r.failures),
        String(r.non2xx),
        formatFixed(r.requestsPerSecond, 2),
        ...[r.p50Us, r.p90Us, r.p99Us, r.maxUs].map((us) => formatFixed(us / 1000, 3)),
      ];
      return `<tr><td>${escape(r.name)}</td>${cells.map((c) => `<td class="num">${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table class="endpoints"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The section, or '' for a single-URL run. */
export function endpointSection(summary: Summary): string {
  const rows = summary.endpoints;
  if (rows === null || rows.length === 0) return '';
  return `<section><h2>Per endpoint</h2>\n<p>Bars: p50 (dark) and p99 (light) of Total, on one scale.</p>\n${chart(rows)}\n${table(rows)}\n</section>`;
}
