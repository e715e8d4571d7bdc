// The HTML report's gRPC section (gb grpc): the method and its kind, the calls by grpc-status, the messages.

import type { Summary } from '../metrics/summary.js';
import { formatFixed } from './format.js';
import { escapeHtml } from './html-escape.js';

export function grpcSection(summary: Summary): string {
  const g = summary.grpc;
  if (g === null) return '';
  const answered = Object.values(g.statuses).reduce((a, b) => a + b, 0);
  const figures: [string, string | number][] = [
    ['Method', `${g.method} (${g.kind})`],
    ['Calls answered with a grpc-status', answered],
    ['Failed with a status other than OK', summary.failures.grpc],
    ['Messages sent', g.messagesSent],
    ['Messages received', g.messagesReceived],
  ];
  const kv = figures.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`).join('\n');
  const rows = Object.entries(g.statuses)
    .sort((a, b) => b[1] - a[1])
    .map(
      ([name, n]) =>
        `<tr><td>${escapeHtml(name)}</td><td>${n}</td><td>${answered > 0 ? formatFixed((100 * n) / answered, 2) : '–'} %</td></tr>`,
    )
    .join('\n');
  const statuses =
    rows === ''
      ? '<p class="empty">No call was answered with a grpc-status.</p>'
      : `<table class="grid grpc-statuses">\n<thead><tr><th>grpc-status</th><th>calls</th><th>share</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
  return `\n<section class="grpc"><h2>gRPC</h2>\n<table class="kv grpc">\n${kv}\n</table>\n${statuses}\n</section>`;
}
