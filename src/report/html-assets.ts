// Owns the report page's inlined assets: the uPlot script and stylesheet read from node_modules, the page CSS and the page's client-side script.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface UplotAssets {
  readonly js: string;
  readonly css: string;
}

let cachedAssets: UplotAssets | null = null;

/** Read once per process from the installed uplot package, so the page needs no network. */
export function uplotAssets(): UplotAssets {
  if (cachedAssets !== null) return cachedAssets;
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  // Inlined text must not close its own element; a future uplot build that did would need escaping here.
  if (/<\/script/i.test(js) || /<\/style/i.test(css)) throw new Error('uplot assets contain a closing tag and cannot be inlined');
  cachedAssets = { js, css };
  return cachedAssets;
}

export const PAGE_CSS = `
:root { color-scheme: light; --fg: #1d232a; --muted: #5b6570; --line: #d9dee3; --bg: #fff; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 10px 0 6px; }
.target { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; margin: 0; }
.meta { color: var(--muted); margin: 2px 0 12px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; margin: 16px 0; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.tile .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile .k { color: var(--muted); font-size: 12px; }
.tile.bad { border-color: #e0a0a0; background: #fdf0f0; }
table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
table.grid td:not(:first-child) { text-align: right; }
table.errors td:first-child { word-break: break-word; max-width: 520px; }
table.kv th { font-weight: 500; color: var(--muted); white-space: nowrap; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 20px; }
.side { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
.chart { min-height: 60px; width: 100%; margin: 8px 0; }
.empty { color: var(--muted); font-style: italic; }
.warning { background: #fff4d6; border: 1px solid #e6b000; border-left: 6px solid #e6b000; border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.warning ul { margin: 6px 0 0 18px; padding: 0; }
details pre { background: var(--panel); border: 1px solid var(--line); padding: 10px; overflow-x: auto; }
footer { color: var(--muted); margin-top: 32px; font-size: 12px; }
`;

/** Runs in the browser; reads only numbers from #gb-data, so no user text ever reaches the DOM through script. */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('gb-data').textContent).charts;
  var charts = [];
  var HEIGHT = 320;
  function fmtMs(v) { return v == null ? '-' : (v < 10 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(1)) + ' ms'; }
  var SECOND_INCRS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];
  function fmtPct(x) { var p = 100 * (1 - 1 / x); return (Math.round(p * 1000) / 1000) + '%'; }
  function widthOf(el) { return Math.max(320, Math.floor(el.clientWidth || 800)); }
  function draw(id, opts, rows) {
    var el = document.getElementById(id);
    if (!el) return;
    opts.width = widthOf(el);
    opts.height = HEIGHT;
    charts.push({ el: el, chart: new uPlot(opts, rows, el) });
  }
  if (data.percentiles) {
    var pc = data.percentiles;
    var series = [{ label: 'percentile', value: function (u, v) { return v == null ? '-' : fmtPct(v); } }];
    var rows = [pc.x];
    pc.series.forEach(function (s) {
      var opts = { label: s.label, stroke: s.color, width: 2, value: function (u, v) { return fmtMs(v); } };
      if (s.dash) opts.dash = s.dash;
      series.push(opts);
      rows.push(s.valuesMs);
    });
    draw('chart-percentiles', {
      title: 'Total time by percentile',
      scales: { x: { time: false, distr: 3, log: 10 }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } } },
      axes: [
        {
          label: 'percentile',
          splits: function () { return [1, 2, 10, 100, 1000, 10000]; },
          filter: function (u, splits) { return splits; },
          values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : fmtPct(v); }); }
        },
        { label: 'ms', size: 60 }
      ],
      series: series
    }, rows);
  }
  if (data.timeline) {
    var t = data.timeline;
    var showPoints = t.seconds.length < 3;
    var fine = t.rowSeconds < 1;
    function line(label, color, values) { return { label: label, stroke: color, width: 2, points: { show: showPoints }, value: values }; }
    var msValue = function (u, v) { return fmtMs(v); };
    var countValue = function (u, v) { return v == null ? '-' : String(Math.round(v)); };
    var xSeries = { label: fine ? 'from' : 'second', value: function (u, v) { return v == null ? '-' : (fine ? v.toFixed(1) : v) + ' s'; } };
    // The run's own length, so a short run fills the chart instead of sitting in a corner of a default range.
    var xScale = { time: false, range: function () { return [0, t.endSeconds]; } };
    var yScale = { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } };
    var xAxis = { label: 'seconds since start', incrs: SECOND_INCRS };
    if (t.p50Ms.some(function (v) { return v != null; })) {
      draw('chart-latency-time', {
        title: fine ? 'Total time per 100 ms of the run' : 'Total time per second of the run',
        scales: { x: xScale, y: yScale },
        axes: [xAxis, { label: 'ms', size: 60 }],
        series: [xSeries, line('p50', '#2a9d3a', msValue), line('p90', '#e08e0b', msValue), line('p99', '#c0392b', msValue), line('max', '#7f8c8d', msValue)]
      }, [t.seconds, t.p50Ms, t.p90Ms, t.p99Ms, t.maxMs]);
    }
    var rateSeries = [xSeries, line('responses/s', '#1f6fb4', countValue), line('non-2xx/s', '#e08e0b', countValue), line('errors/s', '#c0392b', countValue)];
    var rateData = [t.seconds, t.complete, t.non2xx, t.errors];
    if (t.scheduled) {
      // The schedule's target, dashed, so a ramp that the server could not follow shows as a gap.
      rateSeries.push({ label: 'target/s', stroke: '#555', width: 2, dash: [8, 4], points: { show: showPoints }, value: countValue });
      rateData.push(t.scheduled);
    }
    draw('chart-throughput-time', {
      title: (t.scheduled ? 'Responses against the schedule' : 'Responses and errors') + (fine ? ' per second, in 100 ms steps' : ' per second'),
      scales: { x: xScale, y: yScale },
      axes: [xAxis, { label: 'per second', size: 60 }],
      series: rateSeries
    }, rateData);
  }
  if (data.journeys) {
    var jt = data.journeys;
    var jPoints = jt.seconds.length < 3;
    var jCount = function (u, v) { return v == null ? '-' : String(Math.round(v)); };
    var jZero = { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } };
    function jLine(label, color, scale) { return { label: label, stroke: color, width: 2, scale: scale, points: { show: jPoints }, value: jCount }; }
    // Users on their own right-hand axis: a count of people, not a rate, often far from the iteration rate.
    draw('chart-journeys-time', {
      title: 'Iterations per second and active users',
      scales: { x: { time: false, range: function () { return [0, jt.endSeconds]; } }, y: jZero, users: jZero },
      axes: [
        { label: 'seconds since start', incrs: SECOND_INCRS },
        { label: 'iterations per second', size: 60 },
        { label: 'users', scale: 'users', side: 1, size: 60, grid: { show: false } }
      ],
      series: [
        { label: 'second', value: function (u, v) { return v == null ? '-' : v + ' s'; } },
        jLine('complete/s', '#2a9d3a', 'y'),
        jLine('failed/s', '#c0392b', 'y'),
        jLine('active users', '#1f6fb4', 'users')
      ]
    }, [jt.seconds, jt.complete, jt.failed, jt.activeUsers]);
  }
  var pending = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      charts.forEach(function (c) { c.chart.setSize({ width: widthOf(c.el), height: HEIGHT }); });
    });
  });
})();
`;
