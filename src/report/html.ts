// Renders a run's Summary as one self-contained HTML page: tables, uPlot charts (inlined from node_modules) and the data as JSON.

import { createHash } from 'node:crypto';

import { AB_PERCENTS } from '../metrics/summary.js';
import type { PhaseStats, Summary } from '../metrics/summary.js';
import { renderAbReport } from './ab-text.js';
import { formatFixed, roundUsToMs, usToMs } from './format.js';
import { PAGE_CSS, PAGE_SCRIPT, uplotAssets } from './html-assets.js';
import { chartData, type HtmlOptions } from './html-charts.js';
import { endpointSection } from './html-endpoints.js';
import { escapeHtml } from './html-escape.js';
import { journeySection } from './html-journeys.js';
import { websocketSection } from './html-websocket.js';
import { grpcSection } from './html-grpc.js';
import { phaseSection } from './html-phases.js';

export type { HtmlOptions } from './html-charts.js';

export { escapeHtml } from './html-escape.js';

/** JSON that can sit inside a <script> element: with no "<" left, nothing in it can close the element or open a comment. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

// ---------------------------------------------------------------- formatting

function ms(us: number): string {
  const value = usToMs(us);
  return `${formatFixed(value, value < 10 ? 3 : value < 100 ? 2 : 1)} ms`;
}

function bytes(count: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = count;
  let unit = '';
  for (const u of units) {
    if (scaled < 1024) break;
    scaled /= 1024;
    unit = u;
  }
  return unit === '' ? `${count} bytes` : `${count} bytes (${formatFixed(scaled, 1)} ${unit})`;
}

function durationText(durationMs: number | null): string {
  return durationMs === null ? 'none' : `${formatFixed(durationMs / 1000, 3)} s`;
}

type Cell = string | number;

/** Label/value rows; both sides pass through escapeHtml, numbers included, so nothing can slip by unescaped. */
function keyValueTable(rows: readonly (readonly [string, Cell])[], className = 'kv'): string {
  const body = rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`).join('\n');
  return `<table class="${className}">\n${body}\n</table>`;
}

function gridTable(head: readonly string[], rows: readonly (readonly Cell[])[], className = 'grid'): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}">\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

// ---------------------------------------------------------------- sections

function tiles(summary: Summary): string {
  const rps = summary.elapsedSeconds > 0 ? summary.completed / summary.elapsedSeconds : 0;
  const items: [string, string][] = [
    ['Requests per second', formatFixed(rps, 2)],
    ['Complete requests', String(summary.completed)],
    ['Failed requests', String(summary.failed)],
    ['Non-2xx responses', String(summary.non2xx)],
    ['Mean latency', summary.total === null ? '–' : ms(summary.total.meanUs)],
    ['p99 latency', summary.total === null ? '–' : ms(summary.total.p99Us)],
    ['Time taken', `${formatFixed(summary.elapsedSeconds, 3)} s`],
  ];
  const bad = (label: string, value: string): boolean => (label === 'Failed requests' || label === 'Non-2xx responses') && value !== '0';
  return `<div class="tiles">\n${items
    .map(
      ([label, value]) =>
        `<div class="tile${bad(label, value) ? ' bad' : ''}"><div class="v">${escapeHtml(value)}</div><div class="k">${escapeHtml(label)}</div></div>`,
    )
    .join('\n')}\n</div>`;
}

function abFields(summary: Summary): string {
  const { bytes: b, failures, settings } = summary;
  const rows: [string, Cell][] = [
    ['Server Software', summary.serverSoftware],
    ['Server Hostname', summary.target.host],
    ['Server Port', summary.target.port],
  ];
  if (summary.tlsProtocol !== null) rows.push(['SSL/TLS Protocol', summary.tlsProtocol]);
  if (summary.tlsTempKey !== null) rows.push(['Server Temp Key', summary.tlsTempKey]);
  if (summary.tlsServerName !== null) rows.push(['TLS Server Name', summary.tlsServerName]);
  rows.push(
    ['Document Path', summary.target.path],
    ['Document Length', settings.variableLength ? 'Variable' : `${summary.documentLength ?? 0} bytes`],
    ['Concurrency Level', settings.concurrency],
    ['Time taken for tests', `${formatFixed(summary.elapsedSeconds, 3)} seconds`],
    ['Complete requests', summary.completed],
    ['Failed requests', summary.failed],
  );
  if (summary.failed > 0) {
    rows.push([
      '',
      `(Connect: ${failures.connect}, Receive: ${failures.receive}, Length: ${failures.length}, Exceptions: ${failures.exceptions})`,
    ]);
  }
  if (summary.timeouts > 0) rows.push(['of which timeouts', summary.timeouts]);
  if (summary.cutOff > 0) rows.push(['Cut off at stop', summary.cutOff]);
  if (summary.non2xx > 0) rows.push(['Non-2xx responses', summary.non2xx]);
  if (settings.keepAlive) rows.push(['Keep-Alive requests', summary.keepAliveRequests]);
  rows.push(['Total transferred', bytes(b.received)]);
  if (settings.hasBody) rows.push(['Total body sent', bytes(b.sent)]);
  rows.push(['HTML transferred', bytes(b.body)]);
  const elapsed = summary.elapsedSeconds;
  if (elapsed > 0 && summary.completed > 0) {
    rows.push(
      ['Requests per second', `${formatFixed(summary.completed / elapsed, 2)} [#/sec] (mean)`],
      ['Time per request', `${formatFixed((settings.concurrency * elapsed * 1000) / summary.completed, 3)} [ms] (mean)`],
      ['Time per request', `${formatFixed((elapsed * 1000) / summary.completed, 3)} [ms] (mean, across all concurrent requests)`],
      ['Transfer rate', `${formatFixed(b.received / 1024 / elapsed, 2)} [Kbytes/sec] received`],
    );
  }
  return keyValueTable(rows);
}

function connectionTimes(summary: Summary): string {
  const phases: [string, PhaseStats | null][] = [
    ['Connect', summary.connect],
    ['Processing', summary.processing],
    ['Waiting', summary.waiting],
    ['Total', summary.total],
  ];
  const rows = phases
    .filter((p): p is [string, PhaseStats] => p[1] !== null)
    .map(([name, s]) => [
      name,
      roundUsToMs(s.minUs),
      roundUsToMs(s.meanUs),
      formatFixed(usToMs(s.sdUs), 1),
      roundUsToMs(s.medianUs),
      roundUsToMs(s.maxUs),
    ]);
  if (rows.length === 0) return '<p class="empty">No response completed, so there are no connection times.</p>';
  return gridTable(['Connection Times (ms)', 'min', 'mean', '[+/-sd]', 'median', 'max'], rows);
}

function percentileTable(summary: Summary): string {
  const columns: [string, PhaseStats | null][] = [
    ['all responses', summary.total],
    ['successful', summary.successTotal],
  ];
  if (summary.rate !== null) columns.push(['uncorrected', summary.rate.uncorrectedTotal]);
  const present = columns.filter((c): c is [string, PhaseStats] => c[1] !== null);
  if (present.length === 0) return '';
  const picks: [string, (s: PhaseStats) => number][] = [
    ['min', (s) => s.minUs],
    ['p50', (s) => s.p50Us],
    ['p90', (s) => s.p90Us],
    ['p99', (s) => s.p99Us],
    ['p99.9', (s) => s.p999Us],
    ['p99.99', (s) => s.p9999Us],
    ['max', (s) => s.maxUs],
  ];
  const rows = picks.map(([name, pick]) => [name, ...present.map(([, s]) => ms(pick(s)))]);
  const head = ['Total time', ...present.map(([label]) => label)];
  const total = summary.total;
  const abRows =
    total === null
      ? ''
      : gridTable(
          ['ab: % served within', 'ms'],
          [
            ...AB_PERCENTS.map((p, i) => [`${p}%`, roundUsToMs(total.abPercentilesUs[i] ?? total.maxUs)]),
            ['100% (longest request)', roundUsToMs(total.maxUs)],
          ],
        );
  return `<div class="side">${gridTable(head, rows)}\n${abRows}</div>`;
}

function codeTables(summary: Summary): string {
  const codes = Object.entries(summary.statusCodes).sort(([a], [b]) => Number(a) - Number(b));
  const errors = Object.entries(summary.errors).sort(([, a], [, b]) => b - a);
  const total = codes.reduce((sum, [, n]) => sum + n, 0);
  const share = (n: number, of: number): string => (of > 0 ? `${formatFixed((100 * n) / of, 2)} %` : '–');
  const codeTable =
    codes.length === 0
      ? '<p class="empty">No responses.</p>'
      : gridTable(
          ['Status', 'Responses', 'Share'],
          codes.map(([code, n]) => [code, n, share(n, total)]),
        );
  const errorTable =
    errors.length === 0
      ? '<p class="empty">No errors.</p>'
      : gridTable(
          ['Error', 'Count', 'Share of issued'],
          errors.map(([message, n]) => [message, n, share(n, summary.issued)]),
          'grid errors',
        );
  return `<div class="cols"><div><h3>Status codes</h3>\n${codeTable}</div><div><h3>Errors</h3>\n${errorTable}</div></div>`;
}

function rateSection(summary: Summary): string {
  const rate = summary.rate;
  if (rate === null) return '';
  return `<section><h2>Constant-rate schedule</h2>\n${keyValueTable([
    ['Target rate', `${formatFixed(rate.targetPerSecond, 2)} req/s`],
    ['Achieved rate', `${formatFixed(rate.achievedPerSecond, 2)} req/s`],
    ['Sent late (> 10 ms)', rate.late],
    ['… waiting for a connection the server held', rate.lateServer],
    ['… late by gb itself (a connection was free)', rate.lateClient],
    ['Mean lateness', ms(rate.meanLateUs)],
    ['Max lateness', ms(rate.maxLateUs)],
  ])}\n</section>`;
}

function warningsBox(summary: Summary): string {
  const { client } = summary;
  if (!client.saturated && client.warnings.length === 0) return '';
  const title = client.saturated ? 'The load generator itself may have limited these numbers' : 'Client warnings';
  const items = client.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('\n');
  return `<div class="warning" role="alert"><strong>${escapeHtml(title)}</strong>${items === '' ? '' : `<ul>\n${items}\n</ul>`}</div>`;
}

function clientSection(summary: Summary): string {
  const c = summary.client;
  const table = keyValueTable([
    ['Saturated', c.saturated ? 'yes' : 'no'],
    [
      'CPU',
      `${formatFixed(c.cpuPercent, 1)} % of ${c.cores} core${c.cores === 1 ? '' : 's'} (user ${formatFixed(c.cpuUserSeconds, 2)} s, system ${formatFixed(c.cpuSystemSeconds, 2)} s)`,
    ],
    ['Event-loop utilization', `${formatFixed(c.loopUtilizationPercent, 1)} % (busiest engine thread)`],
    ['Event-loop delay', `p99 ${formatFixed(c.eventLoopDelayP99Ms, 2)} ms, max ${formatFixed(c.eventLoopDelayMaxMs, 2)} ms`],
    ['GC pauses', `total ${formatFixed(c.gcPauseTotalMs, 1)} ms, max ${formatFixed(c.gcPauseMaxMs, 1)} ms`],
    ['Max heap used', bytes(c.heapUsedMaxBytes)],
    ['Max RSS', bytes(c.rssMaxBytes)],
  ]);
  return `<section><h2>Client health</h2>\n${warningsBox(summary)}\n${table}\n</section>`;
}

function settingsSection(summary: Summary): string {
  const s = summary.settings;
  return `<section><h2>Settings</h2>\n${keyValueTable([
    ['URL', summary.target.url],
    ['Method', s.method],
    ['Concurrency', s.concurrency],
    ['Requests', s.requests ?? 'no limit'],
    ['Time limit', durationText(s.durationMs)],
    ['Constant rate', s.requestsPerSecond === null ? 'no (closed loop)' : `${s.requestsPerSecond} req/s`],
    ['Keep-alive', s.keepAlive ? 'yes' : 'no'],
    ['Protocol', summary.protocol],
    [
      summary.http2 === null ? 'Pipeline depth' : 'Streams per connection',
      summary.http2?.streamLimit == null ? s.pipeline : `${s.pipeline} (the server allowed ${summary.http2.streamLimit})`,
    ],
    ['Worker threads', s.workers],
    ['Variable length accepted', s.variableLength ? 'yes' : 'no'],
    ['Request body', s.hasBody ? 'yes' : 'no'],
    ['TLS', summary.target.tls ? 'yes' : 'no'],
    ['Started at', summary.startedAt],
    ['Stopped because', STOP_REASONS[summary.stopReason]],
    ['gb version', summary.tool.version],
  ])}\n</section>`;
}

const STOP_REASONS: Readonly<Record<Summary['stopReason'], string>> = {
  requests: 'all requests were done',
  duration: 'the time limit was reached',
  interrupted: 'it was interrupted',
  error: 'of an error (use -r to go on after errors)',
};

function chartBox(id: string, hasData: boolean, emptyText: string): string {
  return `<div class="chart" id="${id}">${hasData ? '' : `<p class="empty">${escapeHtml(emptyText)}</p>`}</div>`;
}

// ---------------------------------------------------------------- page

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function renderHtml(summary: Summary, options: HtmlOptions = {}): string {
  const assets = uplotAssets();
  const charts = chartData(summary, options);
  const data = jsonForScript({ summary, charts });
  // Hashes instead of 'unsafe-inline': even text that escaped the escaping could not run, and nothing may be fetched.
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(assets.js)} ${sha256(PAGE_SCRIPT)}`,
    `style-src 'unsafe-inline'`,
    'img-src data:',
  ].join('; ');
  const { target, settings } = summary;
  const title = `gb: ${settings.method} ${target.url}`;
  const timelineNote = 'No per-second timeline was recorded for this run.';
  const timeline = charts.timeline;
  const latencyNote = timeline === null ? timelineNote : 'No response was received (every request failed), so there is no latency to plot.';
  const hasLatency = timeline !== null && timeline.p50Ms.some((v) => v !== null);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${assets.css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>gb benchmark report</h1>
<p class="target">${escapeHtml(`${settings.method} ${target.url}`)}</p>
<p class="meta">${escapeHtml(`started ${summary.startedAt} · ${formatFixed(summary.elapsedSeconds, 3)} s · concurrency ${settings.concurrency} · stopped because ${STOP_REASONS[summary.stopReason]} · gb ${summary.tool.version}`)}</p>
</header>
${warningsBox(summary)}
${tiles(summary)}
<section><h2>Latency percentiles</h2>
${chartBox('chart-percentiles', charts.percentiles !== null, 'No response completed, so there is no latency distribution.')}
${percentileTable(summary)}
</section>
${phaseSection(summary)}
${endpointSection(summary)}${journeySection(summary, charts.journeys !== null)}${websocketSection(summary)}${grpcSection(summary)}
<section><h2>Latency over time</h2>
${chartBox('chart-latency-time', hasLatency, latencyNote)}
</section>
<section><h2>Throughput and errors over time</h2>
${chartBox('chart-throughput-time', timeline !== null, timelineNote)}
</section>
<section><h2>Responses</h2>
${codeTables(summary)}
</section>
<section><h2>Results (ab fields)</h2>
${abFields(summary)}
${connectionTimes(summary)}
<details><summary>ab text report</summary><pre>${escapeHtml(renderAbReport(summary).replace(/^\n+/, ''))}</pre></details>
</section>
${rateSection(summary)}
${clientSection(summary)}
${settingsSection(summary)}
<footer>Generated by gb ${escapeHtml(summary.tool.version)}. The run's full Summary is embedded as JSON in the element #gb-data. Charts by uPlot (MIT).</footer>
<script type="application/json" id="gb-data">${data}</script>
<script>${assets.js}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
