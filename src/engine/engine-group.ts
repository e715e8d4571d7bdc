// The engines of one thread: one, or one per origin of a targets file that names several, run side by side as one.

import type { Config } from '../config/config.js';
import { Histogram } from '../metrics/histogram.js';
import type { ThreadLive } from '../metrics/live-totals.js';
import { Recorder, type RecorderLiveSnapshot, type RecorderSnapshot } from '../metrics/recorder.js';
import { weightiestStop, type StopReason } from '../metrics/summary.js';
import { Timeline } from '../metrics/timeline.js';
import type { Endpoint } from '../transport/connection.js';
import { resolveEndpoint } from './endpoint.js';
import { Engine, type EngineOptions, type EngineResult } from './engine.js';
import type { JourneyEngine } from './journey-engine.js';
import { splitByOrigin } from './origins.js';
import { StartError } from './start-error.js';

/** What a live view shows of the run so far. */
export interface LiveSample {
  readonly settled: number;
  readonly failed: number;
  /** p99 of Total so far, null before the first response. */
  readonly p99Us: number | null;
}

/**
 * Looks like one Engine to its thread. With several origins each engine has its own connections,
 * schedule and share of -n (origins.ts); a failure that stops one (no -r) stops them all, progress
 * adds up, and the results merge by addition, as workers' do.
 */
export class EngineGroup {
  readonly #engines: (Engine | JourneyEngine)[];
  /** Name lookups this group made itself (each origin of a targets file), in µs: added to the merged recorder. */
  #lookupsUs: readonly number[] = [];
  /** With several engines, the sum of their Total histograms for sample(), refilled each time. */
  #summedTotal: Histogram | null = null;

  private constructor(engines: (Engine | JourneyEngine)[]) {
    this.#engines = engines;
  }

  /** `endpoint` is where config.target's sockets go; another origin's is resolved here (an IP literal needs no lookup). */
  static async create(config: Config, endpoint: Endpoint, version: string, options: EngineOptions): Promise<EngineGroup> {
    if (config.journey !== null) {
      // Loaded only for a journey: a run of requests never pays for it (nor for its cookie library).
      const { JourneyEngine } = await import('./journey-engine.js');
      return new EngineGroup([new JourneyEngine(config, endpoint, version, options)]);
    }
    const configs = splitByOrigin(config);
    if (configs.length === 1) return new EngineGroup([new Engine(config, endpoint, version, options)]);
    const resolved = await Promise.all(
      configs.map(async (c) => {
        const r = await resolveEndpoint(c);
        if (!r.ok) throw new StartError(r.error);
        return r.value;
      }),
    );
    const endpoints = resolved.map((r) => r.endpoint);
    const group = new EngineGroup([]);
    group.#lookupsUs = resolved.flatMap((r) => (r.lookupUs === null ? [] : [r.lookupUs]));
    const step = options.progressEvery ?? 0;
    const settledBy = new Array<number>(configs.length).fill(0);
    let nextProgress = step > 0 ? step : Number.POSITIVE_INFINITY;
    configs.forEach((c, i) => {
      group.#engines.push(
        new Engine(c, endpoints[i]!, version, {
          ...options,
          progressEvery: step > 0 ? Math.max(1, Math.floor(step / (4 * configs.length))) : 0,
          onProgress: (settled) => {
            settledBy[i] = settled;
            const total = settledBy.reduce((a, b) => a + b, 0);
            while (total >= nextProgress) {
              options.onProgress?.(nextProgress);
              nextProgress += step;
            }
          },
          onErrorStop: () => {
            for (const e of group.#engines) e.stop('error', 0);
            options.onErrorStop?.();
          },
        }),
      );
    });
    return group;
  }

  /**
   * The run so far, for a live view (every SAMPLE_EVERY_MS): with several engines their sums, and
   * the p99 of their Total histograms added into one kept here, so a sample allocates nothing.
   */
  sample(): LiveSample {
    const engines = this.#engines;
    let total = engines[0]!.recorder.total;
    if (engines.length > 1) {
      total = this.#summedTotal ??= new Histogram();
      total.reset();
      for (const e of engines) total.add(e.recorder.total);
    }
    let settled = 0;
    let failed = 0;
    for (const e of engines) {
      settled += e.recorder.settled;
      failed += e.recorder.failed;
    }
    return { settled, failed, p99Us: total.count > 0 ? total.valueAtPercentile(99) : null };
  }

  /** The thread's part of the live outputs: its engines' measured runs so far; busyRatio is the thread's own. */
  live(busyRatio: number): ThreadLive {
    let startedAtMs: number | null = null;
    const recorders: RecorderLiveSnapshot[] = [];
    let connections = 0;
    for (const e of this.#engines) {
      connections += e.connections;
      const part = e.live();
      if (part === null) continue;
      startedAtMs = startedAtMs === null ? part.startedAtMs : Math.min(startedAtMs, part.startedAtMs);
      if (part.recorder !== null) recorders.push(part.recorder);
    }
    return { startedAtMs, recorders, connections, busyRatio };
  }

  stop(reason: StopReason, graceMs: number): void {
    for (const e of this.#engines) e.stop(reason, graceMs);
  }

  async run(): Promise<EngineResult> {
    const results = await Promise.all(this.#engines.map((e) => e.run()));
    if (results.length === 1) return results[0]!;
    const merged = addUp(results.map((r) => ({ ...r, recorder: r.recorder.snapshot() })));
    for (const us of this.#lookupsUs) merged.recorder.recordLookup(us);
    return merged;
  }
}

/** What one of several runs made side by side left: its recorder's counts, when it ran, and how it stopped. */
export interface PartResult {
  readonly recorder: RecorderSnapshot;
  readonly startedAtMs: number;
  readonly elapsedMs: number;
  readonly stopReason: StopReason;
  readonly firstError: string | null;
}

/** Runs made side by side (one per origin, or per worker) as one: their counts added up, over the span from the first start to the last end. */
export function addUp(parts: readonly PartResult[]): EngineResult {
  const startedAtMs = Math.min(...parts.map((r) => r.startedAtMs));
  const endedAtMs = Math.max(...parts.map((r) => r.startedAtMs + r.elapsedMs));
  const recorder = new Recorder(new Timeline(startedAtMs, 0));
  for (const r of parts) recorder.merge(r.recorder);
  return {
    recorder,
    startedAtMs,
    elapsedMs: endedAtMs - startedAtMs,
    stopReason: weightiestStop(parts.map((r) => r.stopReason)),
    firstError: parts.find((r) => r.firstError !== null)?.firstError ?? null,
  };
}
