// A command-line run's live outputs: the --out exporters and the --dashboard, fed the engine's view of the run so far.

import type { Config } from '../config/config.js';
import type { RunHooks } from '../engine/run.js';
import { scheduleOf } from '../engine/schedule.js';
import type { Dashboard } from '../live/dashboard-server.js';
import { createExporter, deliveryWarning, type LiveExporter } from '../live/exporters.js';
import type { LiveRunLabels, LiveSnapshot } from '../live/model.js';
import { Histogram, type HistogramSnapshot } from '../metrics/histogram.js';
import type { LiveTotals } from '../metrics/live-totals.js';
import type { Summary } from '../metrics/summary.js';
import type { DashboardEndpoint, DashboardFrame } from '../report/dashboard-page.js';
import { EXIT, type CliIo } from './io.js';
import type { LiveOptions } from './live-options.js';

/** The dashboard's frames come once a second, whatever --out-period says. */
const FRAME_EVERY_MS = 1000;
/** After the report, queued pushes get this long to arrive before they count as not delivered. */
const CLOSE_DEADLINE_MS = 5000;
/** A push is due once its period has all but passed: the engine's ticks are a few ms apart from the period's. */
const PERIOD_SLACK_MS = 100;

export interface LiveOutputs {
  readonly hooks: Pick<RunHooks, 'onLive' | 'liveEveryMs'>;
  /** The run is over and its report printed: the dashboard gets the report's figures; returns the lines for stderr (warnings). */
  finish(summary: Summary, reportHtml: () => Promise<string>): Promise<string[]>;
  /** Keeps the dashboard up for --dashboard-linger (less if `signal` aborts), then stops serving it; without finish(), drops the exporters' queues. */
  close(signal: AbortSignal): Promise<void>;
}

/**
 * Starts the dashboard's server (a port in use is bad input: one line, exit 2, before any request)
 * and the exporters; null when the run asked for no live output.
 */
export async function openLiveOutputs(
  config: Config,
  live: LiveOptions,
  argv: readonly string[],
  io: Pick<CliIo, 'err'>,
): Promise<LiveOutputs | null | number> {
  if (live.outs.length === 0 && live.dashboard === null) return null;
  let dashboard: Dashboard | null = null;
  if (live.dashboard !== null) {
    const [{ startDashboard }, { renderDashboardPage }] = await Promise.all([
      import('../live/dashboard-server.js'),
      import('../report/dashboard-page.js'),
    ]);
    const page = renderDashboardPage({ target: config.targets === null ? config.target.url : 'targets file', settings: argv.join(' ') });
    const started = await startDashboard(live.dashboard.host, live.dashboard.port, page);
    if (!started.ok) {
      io.err.write(`gb: ${started.error}\n`);
      return EXIT.usage;
    }
    dashboard = started.value;
    io.err.write(`gb: dashboard at ${dashboard.url}\n`);
  }
  return liveOutputs(config, live, dashboard);
}

/** The labels of every series: the shards of one run share its run id (--run-id), an unsharded run is shard 1 of 1. */
export function runLabelsOf(config: Config, live: LiveOptions, nowMs: number): LiveRunLabels {
  const shard = config.shard;
  return {
    runId: shard?.runId ?? `gb-${Math.floor(nowMs / 1000).toString(36)}`,
    shard: { index: shard?.index ?? 1, count: shard?.count ?? 1 },
    tags: live.tags,
  };
}

/** The exporters for --out and the dashboard (started by the caller, so a port in use fails before the run). */
export function liveOutputs(config: Config, live: LiveOptions, dashboard: Dashboard | null, nowMs = Date.now()): LiveOutputs {
  const labels = runLabelsOf(config, live, nowMs);
  const exporters: LiveExporter[] = live.outs.map((target) =>
    createExporter(target, labels, { maxEndpoints: config.maxEndpoints, nativeHistograms: 'auto' }),
  );
  const schedule = scheduleOf(config.schedule);
  const targetAt = (t: LiveTotals, atMs: number): number | null =>
    schedule === null || t.startedAtMs === null ? null : schedule.rateAt(Math.max(0, atMs - t.startedAtMs));
  const frames = dashboard === null ? null : new FrameMaker();
  let lastPushMs = -Infinity;

  const onLive = (t: LiveTotals): void => {
    const nowMs = Date.now();
    const targetRate = targetAt(t, nowMs);
    if (frames !== null && dashboard !== null && !t.final) dashboard.publish(frames.frame(t, nowMs, targetRate));
    // Nothing is counted before the measured run begins (a warm-up, a wait for --start-at).
    if (exporters.length === 0 || t.startedAtMs === null) return;
    if (!t.final && nowMs - lastPushMs < live.periodMs - PERIOD_SLACK_MS) return;
    lastPushMs = nowMs;
    const snapshot = snapshotOf(t, nowMs, t.final ? lastRate(config) : targetRate);
    for (const exporter of exporters) exporter.push(snapshot);
  };

  let finished = false;
  return {
    hooks: { onLive, liveEveryMs: dashboard === null ? live.periodMs : Math.min(FRAME_EVERY_MS, live.periodMs) },
    async finish(summary, reportHtml) {
      finished = true;
      if (dashboard !== null) dashboard.finish(finalFrame(summary), await reportHtml());
      const stats = await Promise.all(exporters.map((e) => e.close(CLOSE_DEADLINE_MS)));
      return exporters.flatMap((e, i) => deliveryWarning(e.target, stats[i]!) ?? []);
    },
    async close(signal) {
      // A run that never reached its report: what is queued is given up, so no socket or retry outlives gb.
      if (!finished) await Promise.all(exporters.map((e) => e.close(0)));
      if (dashboard === null) return;
      await linger(live.lingerMs, signal);
      await dashboard.close();
    },
  };
}

function linger(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The schedule's rate at the end of the run, for the last push's gb_target_rate. */
function lastRate(config: Config): number | null {
  const schedule = scheduleOf(config.schedule);
  return schedule === null ? null : schedule.rateAt(config.durationMs ?? 0);
}

function snapshotOf(t: LiveTotals, nowMs: number, targetRate: number | null): LiveSnapshot {
  return {
    timestampMs: nowMs,
    startMs: t.startedAtMs ?? nowMs,
    requests: t.requests,
    failures: t.failures,
    timeouts: t.timeouts,
    bytesReceived: t.bytesReceived,
    bytesSent: t.bytesSent,
    total: t.total,
    phases: [
      { phase: 'connect', histogram: t.connect },
      { phase: 'waiting', histogram: t.waiting },
    ],
    connections: t.connections,
    targetRate,
    clientBusyRatio: t.busyRatio,
  };
}

const ms = (us: number): number => us / 1000;
const percentileMs = (h: Histogram, p: number): number | null => (h.count === 0 ? null : ms(h.valueAtPercentile(p)));

/** The requests that ended since `before`: the cumulative histogram less what it held then (its buckets only grow). */
function since(now: Histogram, before: HistogramSnapshot | null): Histogram {
  if (before === null) return now;
  const s = now.toSnapshot();
  const counts = s.counts.slice();
  for (let i = 0; i < before.counts.length; i++) counts[i]! -= before.counts[i]!; // before.counts.length <= counts.length
  return Histogram.fromSnapshot({
    ...s,
    counts,
    count: s.count - before.count,
    sum: s.sum - before.sum,
    sumOfSquares: s.sumOfSquares - before.sumOfSquares,
  });
}

/** Dashboard frames from the run so far: cumulative figures, and the second just past from the difference with the last frame. */
class FrameMaker {
  #previous: { readonly atMs: number; readonly completed: number; readonly total: HistogramSnapshot } | null = null;

  frame(t: LiveTotals, nowMs: number, targetRps: number | null): DashboardFrame {
    const previous = this.#previous;
    const second = since(t.total, previous?.total ?? null);
    const spanMs = previous === null ? nowMs - (t.startedAtMs ?? nowMs) : nowMs - previous.atMs;
    const completed = t.completed;
    this.#previous = { atMs: nowMs, completed, total: t.total.toSnapshot() };
    const failed = t.failures.connect + t.failures.receive + t.failures.length + t.failures.exceptions + t.failures.script;
    return {
      elapsedSeconds: t.startedAtMs === null ? 0 : Math.max(0, nowMs - t.startedAtMs) / 1000,
      completed,
      failed,
      failures: { ...t.failures },
      rps: spanMs > 0 ? ((completed - (previous?.completed ?? 0)) * 1000) / spanMs : 0,
      targetRps,
      p50Ms: percentileMs(t.total, 50),
      p99Ms: percentileMs(t.total, 99),
      secondP50Ms: percentileMs(second, 50),
      secondP99Ms: percentileMs(second, 99),
      connections: t.connections,
      busyPercent: t.busyRatio * 100,
      endpoints: liveEndpoints(t),
      final: false,
    };
  }
}

function liveEndpoints(t: LiveTotals): DashboardEndpoint[] {
  const e = t.endpoints;
  if (e === null) return [];
  return e.names.map((name, row) => {
    const total = e.totals[row];
    return {
      name,
      requests: e.requests(row),
      failures: e.failures(row),
      non2xx: e.non2xx(row),
      p50Ms: total === undefined ? null : percentileMs(total, 50),
      p99Ms: total === undefined ? null : percentileMs(total, 99),
    };
  });
}

/** The last frame: the report's own figures, so the page ends on what the report says. */
export function finalFrame(s: Summary): DashboardFrame {
  const done = s.completed;
  return {
    elapsedSeconds: s.elapsedSeconds,
    completed: done,
    failed: s.failed,
    failures: { ...s.failures },
    // ab's Requests per second.
    rps: s.elapsedSeconds > 0 ? done / s.elapsedSeconds : 0,
    targetRps: s.settings.requestsPerSecond,
    p50Ms: s.total === null ? null : ms(s.total.p50Us),
    p99Ms: s.total === null ? null : ms(s.total.p99Us),
    secondP50Ms: null,
    secondP99Ms: null,
    connections: 0,
    busyPercent: s.client.loopUtilizationPercent,
    endpoints: (s.endpoints ?? []).map((e) => ({
      name: e.name,
      requests: e.requests,
      failures: e.failures,
      non2xx: e.non2xx,
      p50Ms: e.requests === 0 ? null : ms(e.p50Us),
      p99Ms: e.requests === 0 ? null : ms(e.p99Us),
    })),
    final: true,
  };
}
