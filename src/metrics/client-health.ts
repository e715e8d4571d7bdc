// Judges from gb's own figures whether the client, not the server, limited a run — and says what to do.

import type { ThreadHealth } from './client-monitor.js';
import type { ClientHealth } from './summary.js';

export interface ClientFacts {
  readonly thread: ThreadHealth;
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  readonly wallMs: number;
  /** Engine threads that did the work (the -G workers, or 1). */
  readonly threads: number;
  /** Rate mode: requests that left late, and of how many; null in closed-loop mode. */
  readonly late: { readonly count: number; readonly of: number; readonly maxUs: number } | null;
}

/** Thresholds: beyond these a run's numbers start to describe gb itself. */
export const BUSY_SATURATED_PERCENT = 90;
export const LOOP_DELAY_SATURATED_MS = 10;
export const LATE_SATURATED_FRACTION = 0.01;
/** Shorter runs give utilization figures too noisy to judge. */
const MIN_WALL_FOR_BUSY_MS = 300;

const FIXES = 'add workers (-G N), use fewer connections (-c), or pipeline requests (--pipeline N)';

export function assessClient(f: ClientFacts): ClientHealth {
  const cpuUs = f.cpuUserUs + f.cpuSystemUs;
  const cpuPercent = f.wallMs > 0 ? (cpuUs / 1000 / (f.wallMs * f.threads)) * 100 : 0;
  const warnings: string[] = [];
  const t = f.thread;
  // Event-loop utilization is per thread; process CPU time would also count a target server
  // running in the same process (gb demo) and threads that only wait.
  const busyPercent = t.loopUtilization * 100;
  if (f.wallMs >= MIN_WALL_FOR_BUSY_MS && busyPercent >= BUSY_SATURATED_PERCENT) {
    warnings.push(
      `gb's busiest thread was ${busyPercent.toFixed(0)}% busy: the client may be the bottleneck, so these numbers may describe gb rather than the server; ${FIXES}.`,
    );
  }
  if (t.eventLoopDelayP99Ms > LOOP_DELAY_SATURATED_MS) {
    warnings.push(
      `gb's event loop lagged ${t.eventLoopDelayP99Ms.toFixed(1)} ms at p99 (max ${t.eventLoopDelayMaxMs.toFixed(1)} ms): latencies include time gb took to notice responses; ${FIXES}.`,
    );
  }
  if (f.late !== null && f.late.of > 0 && f.late.count / f.late.of > LATE_SATURATED_FRACTION) {
    const pct = ((f.late.count / f.late.of) * 100).toFixed(1);
    warnings.push(
      `${f.late.count} of ${f.late.of} requests (${pct}%) went out late, by up to ${(f.late.maxUs / 1000).toFixed(1)} ms: the schedule was not kept; add connections (-c) or workers (-G), or lower the rate.`,
    );
  }
  return {
    cpuUserSeconds: f.cpuUserUs / 1e6,
    cpuSystemSeconds: f.cpuSystemUs / 1e6,
    cpuPercent,
    cores: f.threads,
    loopUtilizationPercent: busyPercent,
    eventLoopDelayP99Ms: t.eventLoopDelayP99Ms,
    eventLoopDelayMaxMs: t.eventLoopDelayMaxMs,
    gcPauseTotalMs: t.gcPauseTotalMs,
    gcPauseMaxMs: t.gcPauseMaxMs,
    heapUsedMaxBytes: t.heapUsedMaxBytes,
    rssMaxBytes: t.rssMaxBytes,
    saturated: warnings.length > 0,
    warnings,
  };
}
