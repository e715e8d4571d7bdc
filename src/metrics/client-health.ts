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
  /**
   * Rate mode: requests that left late (`server` of them waited for a connection the server held),
   * and of how many; null in closed-loop mode.
   */
  readonly late: { readonly count: number; readonly server: number; readonly of: number; readonly maxUs: number } | null;
  /**
   * Rate mode: request slots at the pool's largest (connections × requests each), the fastest request
   * measured from its actual send, and the rate asked for; null in closed-loop mode or with no response.
   */
  readonly pool: { readonly slots: number; readonly fastestUs: number; readonly targetPerSecond: number } | null;
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
  // Requests that waited for a connection the server held say nothing about gb: only those sent
  // late beside a free connection mean gb could not keep its own schedule.
  const ownLate = f.late === null ? 0 : f.late.count - f.late.server;
  if (f.late !== null && f.late.of > 0 && ownLate / f.late.of > LATE_SATURATED_FRACTION) {
    const pct = ((ownLate / f.late.of) * 100).toFixed(1);
    warnings.push(
      `${ownLate} of ${f.late.of} requests (${pct}%) went out late although a connection was free, by up to ${(f.late.maxUs / 1000).toFixed(1)} ms: gb did not keep the schedule; add workers (-G) or lower the rate.`,
    );
  }
  // Little's law: had every request been as quick as the quickest, the pool still could not carry
  // the rate. Then the requests that waited for a connection waited on gb's too-small pool.
  const p = f.pool;
  if (f.late !== null && p !== null && f.late.of > 0 && f.late.server / f.late.of > LATE_SATURATED_FRACTION && p.fastestUs > 0) {
    const ceiling = (p.slots * 1e6) / p.fastestUs;
    if (ceiling < p.targetPerSecond) {
      warnings.push(
        `${f.late.server} of ${f.late.of} requests waited for a free connection, and ${p.slots} request slots cannot carry ${p.targetPerSecond} req/s even at the fastest response seen (${(p.fastestUs / 1000).toFixed(3)} ms, at most ${Math.floor(ceiling)} req/s): add connections (-c) or let the pool grow (--max-connections).`,
      );
    }
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
