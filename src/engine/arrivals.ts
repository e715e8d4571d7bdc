// The open model of a journey: iterations due at a rate (--rate, --stages), each handed out at its intended time.

import type { ConnectionIo } from '../transport/connection.js';
import type { RateSchedule } from './schedule.js';

/**
 * Calls `due(intendedMs)` for each iteration the schedule has due, in order, from one timer set to
 * the next one's time; `limit` (--iterations) bounds how many. A timer that fires late hands out
 * every iteration due meanwhile at once, each with its own intended time, so lateness is measured
 * rather than lost.
 */
export class Arrivals {
  readonly #schedule: RateSchedule;
  readonly #limit: number;
  readonly #io: ConnectionIo;
  readonly #due: (intendedMs: number) => void;
  #originMs = 0;
  #scheduled = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(schedule: RateSchedule, limit: number | null, io: ConnectionIo, due: (intendedMs: number) => void) {
    this.#schedule = schedule;
    this.#limit = limit ?? Number.POSITIVE_INFINITY;
    this.#io = io;
    this.#due = due;
  }

  /** No iteration is left to hand out: the limit is reached, the stages are over, or the run stopped. */
  get exhausted(): boolean {
    return this.#stopped || this.#scheduled >= this.#limit || !Number.isFinite(this.#schedule.intendedOffsetMs(this.#scheduled));
  }

  /** Starts the schedule afresh at `originMs` (after a warm-up, again). */
  begin(originMs: number): void {
    this.#originMs = originMs;
    this.#scheduled = 0;
    this.#stopped = false;
    this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    this.#timer = null;
    if (this.#stopped) return;
    const now = this.#io.now();
    const due = Math.min(this.#schedule.dueCount(now - this.#originMs), this.#limit);
    while (this.#scheduled < due && !this.#stopped) {
      const intended = this.#originMs + this.#schedule.intendedOffsetMs(this.#scheduled);
      this.#scheduled++;
      this.#due(intended);
    }
    if (this.exhausted) return;
    const nextMs = this.#originMs + this.#schedule.intendedOffsetMs(this.#scheduled);
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, nextMs - this.#io.now()));
  }
}
