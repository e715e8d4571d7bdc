// Renders ab's -w output: the banner as an HTML paragraph and the report as ab 2.4's one HTML table, row for row.

import type { PhaseStats, Summary } from '../metrics/summary.js';
import { escapeHtml } from './html-escape.js';
import { formatFixed, formatInt, roundUsToMs } from './format.js';

/**
 * ab's -x, -y and -z attribute strings (gb: -x, -y, --td-attributes), pasted raw as ab does: they are
 * the user's own HTML. The odd spacing ("<table >", "<tr >") is what ab prints with empty strings.
 */
export interface AbHtmlAttributes {
  readonly table?: string | null;
  readonly tr?: string | null;
  readonly td?: string | null;
}

const AB_DEFAULTS = { table: '', tr: '', td: 'bgcolor=white' } as const;

/** ab -w prints its banner this way instead of as text; the caller prints it where ab -w would, before the run. */
export function renderAbHtmlBanner(version: string): string {
  return (
    '<p>\n' +
    ` This is gb, Version ${escapeHtml(version)}, an ApacheBench-compatible HTTP benchmark<br>\n` +
    ' Copyright 2026 the gb authors; report layout after ApacheBench, Version 2.3<br>\n' +
    ' Licensed under the MIT license<br>\n' +
    '</p>\n' +
    '<p>\n'
  );
}

interface Attrs {
  readonly table: string;
  readonly tr: string;
  readonly td: string;
}

/**
 * ab sums each phase in µs, rounds the sum to ms and divides by the count in integers: a floored mean of
 * ms, unlike the text report. gb only has the µs mean, so the sum is rebuilt from it (off by < count µs).
 */
function sumMs(stats: PhaseStats): number {
  return roundUsToMs(stats.meanUs * stats.count);
}

/**
 * The report proper, from ab's two leading newlines to "</table>". Unlike ab, every user string (server
 * software, host, path) is HTML-escaped: ab pastes them raw, which breaks the table for a path like "/a<b".
 * ab's failure breakdown in this mode leaves out Receive, and its Processing row is (min total − min
 * connect, …, max total − max connect), not the Processing statistics; both quirks are kept.
 */
export function renderAbHtml(summary: Summary, attributes: AbHtmlAttributes = {}): string {
  const {
    table: tableAttrs,
    tr: trAttrs,
    td: tdAttrs,
  }: Attrs = {
    table: attributes.table ?? AB_DEFAULTS.table,
    tr: attributes.tr ?? AB_DEFAULTS.tr,
    td: attributes.td ?? AB_DEFAULTS.td,
  };
  const field = (label: string, value: string): string =>
    `<tr ${trAttrs}><th colspan=2 ${tdAttrs}>${label}</th><td colspan=2 ${tdAttrs}>${value}</td></tr>`;
  const continuation = (value: string): string =>
    `<tr ${trAttrs}><td colspan=2 ${tdAttrs}>&nbsp;</td><td colspan=2 ${tdAttrs}>${value}</td></tr>`;
  const timesRow = (label: string, minMs: number, avgMs: number, maxMs: number): string => {
    const td = (v: number): string => `<td ${tdAttrs}>${formatInt(v, 5)}</td>`;
    return `<tr ${trAttrs}><th ${tdAttrs}>${label}</th>${td(minMs)}${td(avgMs)}${td(maxMs)}</tr>`;
  };
  const { settings, failures, bytes } = summary;
  const lines = [
    `<table ${tableAttrs}>`,
    field('Server Software:', escapeHtml(summary.serverSoftware)),
    field('Server Hostname:', escapeHtml(summary.target.host)),
    field('Server Port:', String(summary.target.port)),
    field('Document Path:', escapeHtml(summary.target.path)),
    field('Document Length:', settings.variableLength ? 'Variable' : `${summary.documentLength ?? 0} bytes`),
    field('Concurrency Level:', String(settings.concurrency)),
    field('Time taken for tests:', `${formatFixed(summary.elapsedSeconds, 3)} seconds`),
    field('Complete requests:', String(summary.completed)),
    field('Failed requests:', String(summary.failed)),
  ];
  if (summary.failed > 0) {
    lines.push(
      `<tr ${trAttrs}><td colspan=4 ${tdAttrs} >   (Connect: ${failures.connect}, Length: ${failures.length}, Exceptions: ${failures.exceptions})</td></tr>`,
    );
  }
  if (summary.non2xx > 0) lines.push(field('Non-2xx responses:', String(summary.non2xx)));
  if (settings.keepAlive) lines.push(field('Keep-Alive requests:', String(summary.keepAliveRequests)));
  lines.push(field('Total transferred:', `${bytes.received} bytes`));
  if (settings.hasBody) lines.push(field('Total body sent:', String(bytes.sent)));
  lines.push(field('HTML transferred:', `${bytes.body} bytes`));
  const elapsed = summary.elapsedSeconds;
  if (elapsed > 0) {
    lines.push(
      field('Requests per second:', formatFixed(summary.completed / elapsed, 2)),
      field('Transfer rate:', `${formatFixed(bytes.received / 1024 / elapsed, 2)} kb/s received`),
    );
    if (settings.hasBody) {
      lines.push(
        continuation(`${formatFixed(bytes.sent / 1024 / elapsed, 2)} kb/s sent`),
        continuation(`${formatFixed((bytes.received + bytes.sent) / 1024 / elapsed, 2)} kb/s total`),
      );
    }
  }
  const { connect, total } = summary;
  if (connect !== null && total !== null && summary.completed > 0) {
    const n = total.count;
    const connectSumMs = sumMs(connect);
    const totalSumMs = sumMs(total);
    const minConnectMs = roundUsToMs(connect.minUs);
    const maxConnectMs = roundUsToMs(connect.maxUs);
    const minTotalMs = roundUsToMs(total.minUs);
    const maxTotalMs = roundUsToMs(total.maxUs);
    lines.push(
      `<tr ${trAttrs}><th ${tdAttrs} colspan=4>Connection Times (ms)</th></tr>`,
      `<tr ${trAttrs}><th ${tdAttrs}>&nbsp;</th> <th ${tdAttrs}>min</th>   <th ${tdAttrs}>avg</th>   <th ${tdAttrs}>max</th></tr>`,
      timesRow('Connect:', minConnectMs, Math.trunc(connectSumMs / n), maxConnectMs),
      timesRow('Processing:', minTotalMs - minConnectMs, Math.trunc((totalSumMs - connectSumMs) / n), maxTotalMs - maxConnectMs),
      timesRow('Total:', minTotalMs, Math.trunc(totalSumMs / n), maxTotalMs),
    );
  }
  lines.push('</table>');
  return '\n\n' + lines.map((line) => line + '\n').join('');
}
