// `gb capacity --html FILE`: the answer, a chart of the steps (p99 against the rate tried) and their table, as one small page.

import type { CapacityStep } from '../metrics/capacity.js';
import { CAPACITY_COLUMNS, capacityRows, type MeasuredVerdict } from './capacity-text.js';
import { formatFixed } from './format.js';
import { escapeHtml } from './html-escape.js';

const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { left: 64, right: 16, top: 16, bottom: 44 };
const TICKS = 5;

/** A round step for about TICKS ticks up to `max`: 1, 2 or 5 times a power of ten. */
function tickStep(max: number): number {
  const raw = max / TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
}

/**
 * Each step as a point, p99 over the rate it tried, numbered in the order the search ran them:
 * green passed, red failed, so the knee and the bisection around it can be seen at once. Plain
 * SVG, no script: the page stays readable anywhere.
 */
function renderCapacityChart(steps: readonly CapacityStep<MeasuredVerdict>[]): string {
  const points = steps.map((st, i) => ({
    n: i + 1,
    rate: st.rate,
    p99Ms: (st.verdict.summary.total?.p99Us ?? 0) / 1000,
    pass: st.verdict.pass,
  }));
  if (points.length === 0) return '';
  const xStep = tickStep(Math.max(1, ...points.map((p) => p.rate)) * 1.05);
  const yStep = tickStep(Math.max(0.001, ...points.map((p) => p.p99Ms)) * 1.1);
  const xMax = xStep * Math.ceil((Math.max(...points.map((p) => p.rate)) * 1.05) / xStep);
  const yMax = yStep * Math.ceil((Math.max(0.001, ...points.map((p) => p.p99Ms)) * 1.1) / yStep);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (rate: number): number => MARGIN.left + (rate / xMax) * plotW;
  const y = (ms: number): number => MARGIN.top + plotH - (ms / yMax) * plotH;
  const decimals = (step: number): number => Math.max(0, -Math.floor(Math.log10(step)));
  const parts: string[] = [];
  for (let v = 0; v <= xMax + xStep / 2; v += xStep) {
    parts.push(
      `<line x1="${x(v)}" y1="${MARGIN.top}" x2="${x(v)}" y2="${MARGIN.top + plotH}" class="grid"/><text x="${x(v)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${formatFixed(v, decimals(xStep))}</text>`,
    );
  }
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(v)}" x2="${MARGIN.left + plotW}" y2="${y(v)}" class="grid"/><text x="${MARGIN.left - 6}" y="${y(v) + 4}" text-anchor="end">${formatFixed(v, decimals(yStep))}</text>`,
    );
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">rate tried (requests/s)</text>`);
  parts.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">p99 (ms)</text>`);
  for (const p of points) {
    const title = `<title>step ${p.n}: ${p.rate}/s, p99 ${formatFixed(p.p99Ms, 2)} ms, ${p.pass ? 'pass' : 'FAIL'}</title>`;
    parts.push(
      `<g class="${p.pass ? 'pass' : 'fail'}">${title}<circle cx="${x(p.rate)}" cy="${y(p.p99Ms)}" r="5"/><text x="${x(p.rate) + 7}" y="${y(p.p99Ms) - 7}">${p.n}</text></g>`,
    );
  }
  return `<svg class="steps" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="p99 of each step against the rate it tried">
${parts.join('\n')}
</svg>`;
}

export function renderCapacityHtml(url: string, steps: readonly CapacityStep<MeasuredVerdict>[], answerLine: string): string {
  const cell = (tag: 'th' | 'td', text: string): string => `<${tag}>${escapeHtml(text)}</${tag}>`;
  const head = `<tr>${CAPACITY_COLUMNS.map((c) => cell('th', c)).join('')}</tr>`;
  const body = capacityRows(steps)
    .map((r) => `<tr${r[6] === 'FAIL' ? ' class="fail"' : ''}>${r.map((c) => cell('td', c)).join('')}</tr>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>gb capacity: ${escapeHtml(url)}</title>
<style>body{font-family:sans-serif;margin:2em}svg.steps{font-size:11px;margin-bottom:1em}svg .grid{stroke:#e4e4e4}g.pass circle{fill:#2a9d3a}g.fail circle{fill:#c0392b}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}td:last-child{text-align:left}tr.fail{background:#fde8e8}</style>
</head><body>
<h1>gb capacity: ${escapeHtml(url)}</h1>
<p><strong>${escapeHtml(answerLine.trim())}</strong></p>
${renderCapacityChart(steps)}
<table>
${head}
${body}
</table>
</body></html>
`;
}
