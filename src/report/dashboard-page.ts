// Renders the live dashboard's page: a shell with tiles, charts and tables that its script fills from the run's server-sent frames.

import { PAGE_CSS, uplotAssets } from './html-assets.js';
import { escapeHtml } from './html-escape.js';

/** One endpoint's row in a frame, its latency over the run so far. */
export interface DashboardEndpoint {
  readonly name: string;
  readonly requests: number;
  readonly failures: number;
  readonly non2xx: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/**
 * What the page is sent once a second: figures of the run so far (cumulative) and of the second just
 * past (`rps`, `secondP50Ms`, `secondP99Ms`). The last frame (`final`) holds the report's own figures.
 */
export interface DashboardFrame {
  readonly elapsedSeconds: number;
  /** ab's Complete requests so far. */
  readonly completed: number;
  readonly failed: number;
  /** Failed requests by kind (connect, receive, length, exceptions, script, grpc), so far. */
  readonly failures: Readonly<Record<string, number>>;
  /** Responses in the second just past; in the final frame, the report's Requests per second. */
  readonly rps: number;
  /** The schedule's rate now (--rate, --stages); null in the closed loop. */
  readonly targetRps: number | null;
  /** Total time of the successful responses so far, as the report's latency block; null before the first. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** The same over the second just past; null when none ended in it. */
  readonly secondP50Ms: number | null;
  readonly secondP99Ms: number | null;
  readonly connections: number;
  /** gb's own busiest thread, event-loop busy share in percent: near 100 the numbers describe gb. */
  readonly busyPercent: number;
  readonly endpoints: readonly DashboardEndpoint[];
  /** True on the last frame: the run is over and these are the report's figures. */
  readonly final: boolean;
}

export interface DashboardHead {
  /** The URL (or the targets file) under load, and the run's settings in one line. */
  readonly target: string;
  readonly settings: string;
}

const DASHBOARD_CSS = `
.status { display: inline-block; padding: 2px 8px; border-radius: 10px; background: #e3f0ff; color: #1f4f82; font-size: 12px; }
.status.done { background: #e4f5e7; color: #1e6b2c; }
.save[aria-disabled="true"] { color: var(--muted); pointer-events: none; text-decoration: none; }
`;

/**
 * Runs in the browser. Every figure and name reaches the DOM through textContent, never as markup, so
 * an endpoint named <script> is shown, not run. Frames arrive as server-sent events.
 */
const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var HEIGHT = 260;
  var history = [];
  var charts = {};
  function $(sel) { return document.querySelector(sel); }
  function fmt(v, digits) { return v == null ? '–' : v.toFixed(digits); }
  function fmtMs(v) { return v == null ? '–' : (v < 10 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(1)); }
  function setMetric(name, text) { var el = document.querySelector('[data-metric="' + name + '"]'); if (el) el.textContent = text; }
  function widthOf(el) { return Math.max(320, Math.floor(el.clientWidth || 800)); }
  function chart(id, title, labels, colors, unit) {
    var el = document.getElementById(id);
    var series = [{ label: 'second' }];
    labels.forEach(function (label, i) { series.push({ label: label, stroke: colors[i], width: 2, dash: label === 'target/s' ? [8, 4] : undefined }); });
    var opts = {
      title: title, width: widthOf(el), height: HEIGHT,
      scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } } },
      axes: [{ label: 'seconds since start' }, { label: unit, size: 60 }],
      series: series
    };
    var data = [[]];
    labels.forEach(function () { data.push([]); });
    charts[id] = { el: el, plot: new uPlot(opts, data, el), pick: null };
    return charts[id];
  }
  var rate = chart('chart-rate', 'Achieved against target', ['responses/s', 'target/s'], ['#1f6fb4', '#555'], 'per second');
  rate.pick = function (f) { return [f.rps, f.targetRps]; };
  var latency = chart('chart-latency', 'Total time per second', ['p50', 'p99'], ['#2a9d3a', '#c0392b'], 'ms');
  latency.pick = function (f) { return [f.secondP50Ms, f.secondP99Ms]; };
  var errors = chart('chart-errors', 'Failed requests so far, by kind', ['connect', 'receive', 'length', 'exceptions', 'script', 'grpc'], ['#c0392b', '#e08e0b', '#8e44ad', '#7f8c8d', '#16a085', '#2c3e50'], 'requests');
  errors.pick = function (f) { return ['connect', 'receive', 'length', 'exceptions', 'script', 'grpc'].map(function (k) { return f.failures[k] || 0; }); };
  var client = chart('chart-client', 'Open connections and gb busy', ['connections', 'gb busy %'], ['#1f6fb4', '#c0392b'], 'count / %');
  client.pick = function (f) { return [f.connections, f.busyPercent]; };
  function redraw() {
    var running = history.filter(function (f) { return !f.final; });
    Object.keys(charts).forEach(function (id) {
      var c = charts[id];
      var data = [running.map(function (f) { return f.elapsedSeconds; })];
      var columns = running.map(c.pick);
      var n = columns.length > 0 ? columns[0].length : c.plot.series.length - 1;
      for (var i = 0; i < n; i++) data.push(columns.map(function (col) { return col[i]; }));
      c.plot.setData(data);
    });
  }
  function cell(row, text) { var td = document.createElement('td'); td.textContent = text; row.appendChild(td); }
  function showEndpoints(f) {
    var body = $('#endpoints tbody');
    body.textContent = '';
    $('#endpoints-section').hidden = f.endpoints.length === 0;
    f.endpoints.forEach(function (e) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-endpoint', e.name);
      cell(tr, e.name); cell(tr, String(e.requests)); cell(tr, String(e.failures)); cell(tr, String(e.non2xx));
      cell(tr, fmtMs(e.p50Ms)); cell(tr, fmtMs(e.p99Ms));
      body.appendChild(tr);
    });
  }
  function showFailures(f) {
    var body = $('#failures tbody');
    body.textContent = '';
    Object.keys(f.failures).forEach(function (k) {
      if (!f.failures[k]) return;
      var tr = document.createElement('tr');
      tr.setAttribute('data-failure', k);
      cell(tr, k); cell(tr, String(f.failures[k]));
      body.appendChild(tr);
    });
  }
  function show(f) {
    setMetric('completed', String(f.completed));
    setMetric('rps', fmt(f.rps, f.final ? 2 : 0));
    setMetric('target', f.targetRps == null ? '–' : fmt(f.targetRps, 0));
    setMetric('p50', fmtMs(f.p50Ms));
    setMetric('p99', fmtMs(f.p99Ms));
    setMetric('errors', String(f.failed));
    setMetric('connections', String(f.connections));
    setMetric('busy', fmt(f.busyPercent, 0));
    setMetric('elapsed', fmt(f.elapsedSeconds, f.final ? 3 : 0));
    showEndpoints(f);
    showFailures(f);
    if (f.final) {
      var status = $('#status');
      status.textContent = 'finished: the report\\'s figures';
      status.className = 'status done';
      var save = $('#save');
      save.removeAttribute('aria-disabled');
      save.setAttribute('href', 'report.html');
    }
  }
  function take(frames) {
    frames.forEach(function (f) { history.push(f); });
    if (history.length > 0) show(history[history.length - 1]);
    redraw();
  }
  var source = new EventSource('events');
  source.addEventListener('frames', function (e) { take(JSON.parse(e.data)); });
  source.addEventListener('end', function () { source.close(); });
  var pending = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      Object.keys(charts).forEach(function (id) { var c = charts[id]; c.plot.setSize({ width: widthOf(c.el), height: HEIGHT }); });
    });
  });
})();
`;

const TILES: readonly (readonly [metric: string, label: string])[] = [
  ['completed', 'Complete requests'],
  ['rps', 'Requests per second'],
  ['target', 'Target per second'],
  ['p50', 'p50 latency (ms)'],
  ['p99', 'p99 latency (ms)'],
  ['errors', 'Failed requests'],
  ['connections', 'Open connections'],
  ['busy', 'gb busy (%)'],
  ['elapsed', 'Seconds'],
];

/** The page; the same for every viewer, with nothing of the run in it but its head, escaped. */
export function renderDashboardPage(head: DashboardHead): string {
  const { js, css } = uplotAssets();
  const tiles = TILES.map(
    ([metric, label]) => `<div class="tile"><div class="v" data-metric="${metric}">–</div><div class="k">${escapeHtml(label)}</div></div>`,
  ).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gb live: ${escapeHtml(head.target)}</title>
<style>${css}</style>
<style>${PAGE_CSS}${DASHBOARD_CSS}</style>
</head>
<body>
<h1>gb live <span id="status" class="status">running</span></h1>
<p class="target">${escapeHtml(head.target)}</p>
<p class="meta">${escapeHtml(head.settings)} · <a id="save" class="save" aria-disabled="true" download="gb-report.html">save the report (when the run ends)</a></p>
<div class="tiles">
${tiles}
</div>
<section><h2>Throughput</h2><div id="chart-rate" class="chart"></div></section>
<section><h2>Latency</h2><div id="chart-latency" class="chart"></div></section>
<section><h2>Errors</h2>
<div class="cols"><div id="chart-errors" class="chart"></div>
<div><table id="failures" class="grid"><thead><tr><th>Kind</th><th>Failed</th></tr></thead><tbody></tbody></table></div></div>
</section>
<section><h2>Connections and client</h2><div id="chart-client" class="chart"></div></section>
<section id="endpoints-section" hidden><h2>Per endpoint</h2>
<table id="endpoints" class="grid"><thead><tr><th>Endpoint</th><th>Requests</th><th>Failures</th><th>Non-2xx</th><th>p50 ms</th><th>p99 ms</th></tr></thead><tbody></tbody></table>
</section>
<footer>Served by gb while the run runs; read-only.</footer>
<script>${js}</script>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
}
