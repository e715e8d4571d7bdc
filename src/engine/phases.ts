// The phases of an engine's run and the timers that move it on: idle → waiting for --start-at → warm-up → draining → measuring → done.

import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';

/** Draining: the warm-up's time is up and its last requests finish, unmeasured, before measuring begins. */
export type Phase = 'idle' | 'waiting' | 'warmup' | 'draining' | 'measuring' | 'done';

/** What the engine does as the phases change. */
export interface PhaseSteps {
  /** The warm-up begins: requests go out, unmeasured. */
  warmUp(): void;
  /** The warm-up's time is up: no more of its requests start. Whether none is still in flight. */
  drain(): boolean;
  /** Measuring begins (on the connections a warm-up left open). */
  measure(): void;
}

export class RunPhases {
  /**
   * A plain field, read on every request. The engine writes it once itself: a stop before measuring
   * began makes an empty measured run of the moment (Engine.stop).
   */
  current: Phase = 'idle';
  readonly #config: Pick<Config, 'warmupMs' | 'startAtMs'>;
  readonly #steps: PhaseSteps;
  /** Every timer of the run (its phases', the engine's sweep and a stop's grace), all cleared when it ends. */
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(config: Pick<Config, 'warmupMs' | 'startAtMs'>, steps: PhaseSteps) {
    this.#config = config;
    this.#steps = steps;
  }

  /** Begins the run: at once, or after a wait so that the warm-up, if any, ends and measuring begins at --start-at. */
  start(): void {
    const { warmupMs, startAtMs } = this.#config;
    const untilStartMs = startAtMs === null ? 0 : Math.max(0, startAtMs - Date.now());
    const waitMs = warmupMs > 0 ? Math.max(0, untilStartMs - warmupMs) : untilStartMs;
    if (waitMs <= 0) {
      this.#begin();
    } else {
      this.current = 'waiting';
      // startAtMs is set here: waitMs > 0 only with --start-at.
      this.#at(startAtMs! - (warmupMs > 0 ? warmupMs : 0), () => this.#begin());
    }
  }

  #begin(): void {
    const { warmupMs, startAtMs } = this.#config;
    if (warmupMs <= 0) {
      this.#measure();
      return;
    }
    this.current = 'warmup';
    // Taken from the clock again after the wait, which may have ended late: measuring still begins at --start-at.
    if (startAtMs === null) this.after(warmupMs, () => this.#endWarmup());
    else this.#at(startAtMs, () => this.#endWarmup());
    this.#steps.warmUp();
  }

  /** Warm-up over: in-flight requests finish unmeasured, then measuring starts afresh on warm connections. */
  #endWarmup(): void {
    this.current = 'draining';
    if (this.#steps.drain()) this.drained();
  }

  /** While draining: the last warm-up request in flight has ended. */
  drained(): void {
    this.#measure();
  }

  #measure(): void {
    this.current = 'measuring';
    this.#steps.measure();
  }

  after(ms: number, run: () => void): void {
    this.#timers.push(setTimeout(run, ms));
  }

  /**
   * Runs `run` once the wall clock reaches `epochMs`, never before: Node's timers run on the loop's
   * cached clock and can fire a fraction of a millisecond early, which would begin a shard's
   * measured run just before --start-at. One that fires early is set again for the rest.
   */
  #at(epochMs: number, run: () => void): void {
    const now = performance.timeOrigin + performance.now();
    if (now >= epochMs) run();
    else this.after(Math.max(1, Math.ceil(epochMs - now)), () => this.#at(epochMs, run));
  }

  every(ms: number, run: () => void): void {
    this.#timers.push(setInterval(run, ms));
  }

  /** The run is over: none of its timers fires again. */
  end(): void {
    this.current = 'done';
    for (const t of this.#timers) clearTimeout(t);
  }
}
