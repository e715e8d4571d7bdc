// Rate mode's half of the load loop: connections wait for the schedule, a timer sends what comes due,
// and each late request is put down to gb (its timer ran late) or to the server (every connection was busy).

import type { ConnectionIo } from '../transport/connection.js';
import type { LoadConnection } from '../transport/exchange.js';
import type { Pool } from './pool.js';
import type { RateSchedule } from './schedule.js';

/** The engine's side of rate mode: its stop rules, its count of requests, and its one way to send. */
export interface PacedLoop {
  /** Whether the stop rules let another request start now. */
  canIssue(nowMs: number): boolean;
  /** Requests issued in this phase so far: the next one's place in the schedule. */
  issued(): number;
  /** Sends one request on `conn`, timed from `intendedMs`; `byServer`: it left late because it waited for a connection the server held. */
  sendScheduled(conn: LoadConnection, nowMs: number, intendedMs: number, byServer: boolean): void;
}

export class Pacer {
  readonly #rate: RateSchedule;
  readonly #pool: Pool;
  readonly #io: ConnectionIo;
  readonly #loop: PacedLoop;
  /**
   * Connections waiting for the schedule. A connection may fill up while listed (a response frees
   * it, and it catches up at once), so #pace checks capacity when it takes one.
   */
  readonly #idle: LoadConnection[] = [];
  /** The schedule's origin: when this phase (the warm-up, or measuring) began. */
  #originMs = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #onTimer = (): void => this.#pace();
  /**
   * Since when every connection has been busy (no free slot, the pool at its limit); NaN while one
   * is free. A request due since then that leaves late waited for the server to free a connection:
   * its lateness is the server's doing. A slot that frees while a request is overdue is taken at
   * once, so it does not end the busy spell.
   */
  #busySinceMs = Number.NaN;

  constructor(rate: RateSchedule, pool: Pool, io: ConnectionIo, loop: PacedLoop) {
    this.#rate = rate;
    this.#pool = pool;
    this.#io = io;
    this.#loop = loop;
  }

  /** A phase begins at `originMs`: every connection waits afresh for its schedule, and what is due goes out. */
  begin(originMs: number): void {
    for (const conn of this.#idle) conn.parked = false;
    this.#idle.length = 0;
    this.#originMs = originMs;
    this.#busySinceMs = Number.NaN;
    for (const conn of this.#pool.all) this.#park(conn);
    this.#pace();
  }

  /** `conn` has free slots: it catches up on every one (a failure frees all of a pipelined connection's), then waits. */
  freed(conn: LoadConnection, nowMs: number): void {
    while (conn.capacity > 0 && this.#behind(nowMs)) this.#issueScheduled(conn, nowMs, false);
    if (conn.capacity > 0) {
      this.#park(conn);
      this.#busySinceMs = Number.NaN;
      if (this.#timer === null) this.#pace();
    }
  }

  /** No more requests go out on the schedule's time (a stop, the warm-up's end, the run's end). */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #park(conn: LoadConnection): void {
    if (conn.capacity > 0 && !conn.parked) {
      conn.parked = true;
      this.#idle.push(conn);
    }
  }

  #behind(nowMs: number): boolean {
    return this.#loop.canIssue(nowMs) && this.#loop.issued() < this.#rate.dueCount(nowMs - this.#originMs);
  }

  /**
   * Sends the next scheduled request on `conn`, timed from its intended start. From the pacer, a
   * connection was free and only gb's timer was late; from a connection that has just freed, the
   * request waited for it if every connection was busy from its intended time on.
   */
  #issueScheduled(conn: LoadConnection, now: number, fromPacer: boolean): void {
    const intendedMs = this.#originMs + this.#rate.intendedOffsetMs(this.#loop.issued());
    this.#loop.sendScheduled(conn, now, intendedMs, !fromPacer && this.#busySinceMs <= intendedMs);
  }

  /** Sends every request that has come due on idle connections, then sleeps until the next. */
  #pace(): void {
    this.#timer = null;
    const now = this.#io.now();
    while (this.#behind(now)) {
      const conn = this.#idle.pop() ?? this.#pool.grow(now);
      if (conn === undefined) {
        // Behind, at the pool's limit: the next free connection catches up (freed).
        if (Number.isNaN(this.#busySinceMs)) this.#busySinceMs = now;
        return;
      }
      conn.parked = false;
      if (conn.capacity === 0) continue; // filled while listed; a response will list it again
      this.#issueScheduled(conn, now, true);
      this.#park(conn);
      // That took the last free slot: from now on a due request waits for the server to free one.
      if (conn.capacity === 0 && Number.isNaN(this.#busySinceMs) && !this.#pool.canGrow && !this.#idle.some((c) => c.capacity > 0))
        this.#busySinceMs = now;
    }
    if (!this.#loop.canIssue(now)) return;
    const nextMs = this.#originMs + this.#rate.intendedOffsetMs(this.#loop.issued());
    // Past the last stage nothing more is due: the duration timer ends the run.
    if (!Number.isFinite(nextMs)) return;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, nextMs - this.#io.now()));
  }
}
