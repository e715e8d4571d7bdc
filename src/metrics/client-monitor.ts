// Watches gb's own thread while it runs: event-loop delay, GC pauses, heap and RSS.

import { getHeapStatistics } from 'node:v8';
import type { ClientHealth } from './summary.js';
import {
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
  type EventLoopUtilization,
  type IntervalHistogram,
} from 'node:perf_hooks';

/** What one thread saw of itself; threads combine by max (delays, memory) and sum (GC). */
export interface ThreadHealth extends Pick<
  ClientHealth,
  'eventLoopDelayP99Ms' | 'eventLoopDelayMaxMs' | 'gcPauseTotalMs' | 'gcPauseMaxMs' | 'heapUsedMaxBytes' | 'rssMaxBytes'
> {
  /** Share of wall time the event loop was busy (0–1): per thread, unlike process CPU time. */
  readonly loopUtilization: number;
}

const SAMPLE_MS = 1000;
/** Node's loop-delay samples include the sampling timer's own period: subtract it to get the lag. */
const DELAY_RESOLUTION_MS = 10;

export class ClientMonitor {
  readonly #delay: IntervalHistogram;
  readonly #gc: PerformanceObserver;
  readonly #sampler: NodeJS.Timeout;
  readonly #eluStart: EventLoopUtilization;
  #gcTotalMs = 0;
  #gcMaxMs = 0;
  #heapMax = 0;
  #rssMax = 0;

  constructor() {
    this.#eluStart = performance.eventLoopUtilization();
    this.#delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
    this.#delay.enable();
    this.#gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.#gcTotalMs += e.duration;
        if (e.duration > this.#gcMaxMs) this.#gcMaxMs = e.duration;
      }
    });
    this.#gc.observe({ entryTypes: ['gc'] });
    this.#sample();
    this.#sampler = setInterval(() => this.#sample(), SAMPLE_MS);
    this.#sampler.unref();
  }

  #sample(): void {
    // process.memoryUsage() walks every heap space; these two reads are much cheaper.
    const heap = getHeapStatistics().used_heap_size;
    const rss = process.memoryUsage.rss();
    if (heap > this.#heapMax) this.#heapMax = heap;
    if (rss > this.#rssMax) this.#rssMax = rss;
  }

  stop(): ThreadHealth {
    this.#sample();
    clearInterval(this.#sampler);
    this.#gc.disconnect();
    this.#delay.disable();
    const lagMs = (ns: number): number => (this.#delay.count > 0 ? Math.max(0, ns / 1e6 - DELAY_RESOLUTION_MS) : 0);
    const health: ThreadHealth = {
      loopUtilization: performance.eventLoopUtilization(this.#eluStart).utilization,
      eventLoopDelayP99Ms: lagMs(this.#delay.percentile(99)),
      eventLoopDelayMaxMs: lagMs(this.#delay.max),
      gcPauseTotalMs: this.#gcTotalMs,
      gcPauseMaxMs: this.#gcMaxMs,
      heapUsedMaxBytes: this.#heapMax,
      rssMaxBytes: this.#rssMax,
    };
    return health;
  }
}

export function combineThreadHealth(all: readonly ThreadHealth[]): ThreadHealth {
  const max = (f: (h: ThreadHealth) => number): number => all.reduce((m, h) => Math.max(m, f(h)), 0);
  return {
    loopUtilization: max((h) => h.loopUtilization),
    eventLoopDelayP99Ms: max((h) => h.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: max((h) => h.eventLoopDelayMaxMs),
    gcPauseTotalMs: all.reduce((s, h) => s + h.gcPauseTotalMs, 0),
    gcPauseMaxMs: max((h) => h.gcPauseMaxMs),
    heapUsedMaxBytes: all.reduce((s, h) => s + h.heapUsedMaxBytes, 0),
    rssMaxBytes: max((h) => h.rssMaxBytes),
  };
}
