// gb compare's words: the comparison table, its notes, and each --fail-if rule's verdict.

import {
  COMPARE_DEFAULTS,
  compareEndpoints,
  CONFIDENCE_PERCENT,
  type EndpointComparison,
  type MetricComparison,
  type MetricName,
  type NoiseOptions,
  type NoiseVerdict,
  type RuleOutcome,
} from '../metrics/compare.js';
import type { CheckResult, Summary } from '../metrics/summary.js';
import { formatFixed, padLeft } from './format.js';
import { grpcComparison } from './grpc-text.js';

/** One line per rule: 'p99>+10%: FAILED (p99 +20.0 %, beyond noise)'. */
export function ruleMessage(o: RuleOutcome): string {
  const { rule, verdict } = o;
  const head = `${rule.text}: ${o.violated ? 'FAILED' : 'ok'}`;
  if (verdict.kind === 'missing') return `${head} (cannot check, ${rule.metric} is missing in one of the results)`;
  const strictNote = o.strict ? 'failed by --strict' : 'passes without --strict';
  if (o.changePercent === null)
    return `${head} (${verdict.kind === 'unjudged' ? verdict.reason : ''}, so a relative change cannot be judged; ${strictNote})`;
  const changeText = `${rule.metric} ${formatPercent(o.changePercent)}`;
  if (verdict.kind === 'unjudged') {
    const note = `noise not judged: ${verdict.reason}`;
    return verdict.pastLimit ? `${head} (${changeText}, past the limit, ${note}; ${strictNote})` : `${head} (${changeText}, ${note})`;
  }
  const interval = `[${formatPercent(verdict.lowPercent).replace(' %', '')}, ${formatPercent(verdict.highPercent)}]`;
  if (verdict.basis === 'requests') {
    // Judged on requests, whose interval holds sampling noise only, the rule looks at where the whole interval lies.
    const basis = 'judged on the requests: too few seconds';
    const why =
      verdict.noise === 'beyond'
        ? verdict.pastLimit
          ? `interval ${interval} past the limit`
          : 'beyond noise'
        : verdict.noise === 'reaches-limit'
          ? `past the limit, but its interval ${interval} reaches inside it`
          : verdict.noise === 'other-way'
            ? 'resampled requests moved the other way'
            : verdict.pastLimit
              ? 'past the limit but within noise'
              : 'within noise';
    return `${head} (${changeText}, ${why}; ${basis})`;
  }
  const why =
    verdict.noise === 'beyond' || verdict.noise === 'reaches-limit'
      ? 'beyond noise'
      : verdict.noise === 'other-way'
        ? 'per-second figures moved the other way'
        : verdict.pastLimit
          ? 'past the limit but within noise'
          : 'within noise';
  return `${head} (${changeText}, ${why})`;
}

function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return percent > 0 ? '+inf %' : '-inf %';
  const text = formatFixed(percent, 1);
  return `${percent >= 0 && !text.startsWith('-') ? '+' : ''}${text} %`;
}

function formatValue(metric: MetricName, value: number | null): string {
  if (value === null) return '-';
  return metric === 'rps' || metric === 'iteration-rate' ? formatFixed(value, 2) : formatFixed(value / 1000, 3);
}

function verdictText(noise: NoiseVerdict): string {
  return noise.kind === 'n/a' ? `n/a (${noise.reason})` : noise.kind === 'beyond-noise' ? 'beyond noise' : 'within noise';
}

function intervalText(noise: NoiseVerdict): string {
  if (noise.kind === 'n/a') return '';
  return `[${formatPercent(noise.lowPercent).replace(' %', '')}, ${formatPercent(noise.highPercent)}]`;
}

function describeRun(name: string, source: string, s: Summary): string {
  return `${name}: ${source}  ${s.target.url}  ${s.startedAt}  ${formatFixed(s.elapsedSeconds, 2)} s  ${s.completed} complete  -c ${s.settings.concurrency}${s.protocol === 'HTTP/1.1' ? '' : `  ${s.protocol}`}`;
}

/** Settings whose difference changes what the numbers mean, and client trouble that makes them suspect. */
function notes(a: Summary, b: Summary): string[] {
  const lines: string[] = [];
  const differs = (what: string, va: unknown, vb: unknown): void => {
    if (va !== vb) lines.push(`note: ${what} differs: A ${String(va)}, B ${String(vb)}`);
  };
  differs('URL', a.target.url, b.target.url);
  differs('method', a.settings.method, b.settings.method);
  differs('concurrency', a.settings.concurrency, b.settings.concurrency);
  differs('protocol', a.protocol, b.protocol);
  differs('keep-alive', a.settings.keepAlive, b.settings.keepAlive);
  differs('rate', a.settings.requestsPerSecond ?? 'closed loop', b.settings.requestsPerSecond ?? 'closed loop');
  for (const [name, s] of [
    ['A', a],
    ['B', b],
  ] as const) {
    if (s.client.saturated)
      lines.push(`note: ${name}'s load generator was saturated, so its numbers may describe gb rather than the server`);
  }
  if ((a.journeys === null) !== (b.journeys === null))
    lines.push(`note: only ${a.journeys === null ? 'B' : 'A'} is a journey run, so its iterations are not compared`);
  if ((a.websocket == null) !== (b.websocket == null))
    lines.push(`note: only ${a.websocket == null ? 'B' : 'A'} is a WebSocket run, so its requests are messages and the other's are not`);
  return lines;
}

/** The comparison table, then notes; sources name the two results (file names). */
export function renderComparison(
  a: Summary,
  b: Summary,
  rows: readonly MetricComparison[],
  sources: { readonly a: string; readonly b: string },
  options: NoiseOptions = {},
): string {
  const header = ['', 'A', 'B', 'Change', `${CONFIDENCE_PERCENT} % interval`, 'Verdict'];
  const cells = rows.map((r) => [
    r.label,
    formatValue(r.metric, r.a),
    formatValue(r.metric, r.b),
    r.changePercent === null ? '-' : formatPercent(r.changePercent),
    intervalText(r.noise),
    verdictText(r.noise),
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...cells.map((c) => (c[col] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c
      .map((text, col) => {
        const width = widths[col] ?? 0;
        // Labels and verdicts read left to right; numbers line up on the right.
        return col === 0 || col === 5 ? text.padEnd(width) : padLeft(text, width);
      })
      .join('  ')
      .trimEnd();
  const resamples = options.resamples ?? COMPARE_DEFAULTS.resamples;
  const bases = new Set(rows.map((r) => (r.noise.kind === 'n/a' ? null : r.noise.basis)));
  const minSeconds = options.minSeconds ?? COMPARE_DEFAULTS.minSeconds;
  const secondsLines = (lead: string): string[] => [
    `${lead}: block bootstrap (${resamples} resamples) of the change`,
    'in the mean per-second figure; p99.9 and max use per-second maxima, and per-second latencies are coarse',
  ];
  const how = bases.has('requests')
    ? [
        `Change: (B - A) / A of the whole-run figures. Interval: with under ${minSeconds} whole seconds in a run, each run's`,
        `requests are resampled from its histogram (${resamples} resamples) and the interval is of the change in the`,
        'percentile; it takes requests as independent, so it holds their sampling noise, not drift within or',
        'between runs.',
        ...(bases.has('seconds') ? [...secondsLines('Other rows'), '(about 12 %).'] : []),
        'Beyond noise: the interval excludes 0.',
      ]
    : [...secondsLines('Change: (B - A) / A of the whole-run figures. Interval'), '(about 12 %). Beyond noise: the interval excludes 0.'];
  return [
    describeRun('A', sources.a, a),
    describeRun('B', sources.b, b),
    '',
    line(header),
    ...cells.map(line),
    '',
    ...how,
    ...notes(a, b),
    ...endpointTable(compareEndpoints(a, b)),
    ...checkTable(a, b),
    ...grpcComparison(a, b),
    '',
  ].join('\n');
}

/** Each check of either journey run by name: the share that passed in A and in B, in points, as a check is judged by its pass rate. */
function checkTable(a: Summary, b: Summary): string[] {
  const ja = a.journeys;
  const jb = b.journeys;
  if (ja === null || jb === null) return [];
  const passed = (checks: readonly CheckResult[], name: string): number | null => {
    const c = checks.find((x) => x.name === name);
    return c === undefined || c.passed + c.failed === 0 ? null : (100 * c.passed) / (c.passed + c.failed);
  };
  const names = [...new Set([...ja.checks, ...jb.checks].map((c) => c.name))].sort();
  if (names.length === 0) return [];
  const pct = (v: number | null): string => (v === null ? '-' : `${formatFixed(v, 2)} %`);
  const header = ['Check', 'A passed', 'B passed', 'Change'];
  const cells = names.map((name) => {
    const pa = passed(ja.checks, name);
    const pb = passed(jb.checks, name);
    const points = pa === null || pb === null ? '-' : `${pb - pa >= 0 ? '+' : ''}${formatFixed(pb - pa, 2)} pt`;
    return [name, pct(pa), pct(pb), points];
  });
  const widths = header.map((h, col) => Math.max(h.length, ...cells.map((c) => (c[col] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c
      .map((text, col) => (col === 0 ? text.padEnd(widths[col] ?? 0) : padLeft(text, widths[col] ?? 0)))
      .join('  ')
      .trimEnd();
  return ['', 'Checks, matched by name (share passed):', line(header), ...cells.map(line)];
}

/** Per-endpoint rows matched by name: throughput and p50/p99 of Total, A then B then the change. */
function endpointTable(rows: readonly EndpointComparison[]): string[] {
  if (rows.length === 0) return [];
  const change = (x: number | undefined, y: number | undefined): string =>
    x === undefined || y === undefined ? '-' : x === 0 ? (y === 0 ? formatPercent(0) : '-') : formatPercent(100 * (y / x - 1));
  const ms = (us: number | undefined): string => (us === undefined ? '-' : (us / 1000).toFixed(3));
  const rps = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(2));
  const header = ['Endpoint', 'A req/s', 'B req/s', 'Change', 'A p50', 'B p50', 'Change', 'A p99', 'B p99', 'Change'];
  const cells = rows.map((r) => [
    r.name,
    rps(r.a?.requestsPerSecond),
    rps(r.b?.requestsPerSecond),
    change(r.a?.requestsPerSecond, r.b?.requestsPerSecond),
    ms(r.a?.p50Us),
    ms(r.b?.p50Us),
    change(r.a?.p50Us, r.b?.p50Us),
    ms(r.a?.p99Us),
    ms(r.b?.p99Us),
    change(r.a?.p99Us, r.b?.p99Us),
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...cells.map((c) => (c[col] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c
      .map((text, col) => (col === 0 ? text.padEnd(widths[col] ?? 0) : padLeft(text, widths[col] ?? 0)))
      .join('  ')
      .trimEnd();
  return ['', 'Per endpoint, matched by name (latency of Total, ms):', line(header), ...cells.map(line)];
}
