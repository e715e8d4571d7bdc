// `gb capacity --html FILE`: the steps' table and the answer as one small page.

import type { CapacityStep } from '../metrics/capacity.js';
import { CAPACITY_COLUMNS, capacityRows, type MeasuredVerdict } from './capacity-text.js';
import { escapeHtml } from './html.js';

export function renderCapacityHtml(url: string, steps: readonly CapacityStep<MeasuredVerdict>[], answerLine: string): string {
  const cell = (tag: 'th' | 'td', text: string): string => `<${tag}>${escapeHtml(text)}</${tag}>`;
  const head = `<tr>${CAPACITY_COLUMNS.map((c) => cell('th', c)).join('')}</tr>`;
  const body = capacityRows(steps).map((r) => `<tr${r[6] === 'FAIL' ? ' class="fail"' : ''}>${r.map((c) => cell('td', c)).join('')}</tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>gb capacity: ${escapeHtml(url)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}td:last-child{text-align:left}tr.fail{background:#fde8e8}</style>
</head><body>
<h1>gb capacity: ${escapeHtml(url)}</h1>
<p><strong>${escapeHtml(answerLine.trim())}</strong></p>
<table>
${head}
${body}
</table>
</body></html>
`;
}
