// A script's async response() verdicts still to come: each request stays in flight until its verdict comes, -s passes, or a stop withdraws it.

import type { Recorder } from '../metrics/recorder.js';
import type { Exchange, LoadConnection } from '../transport/exchange.js';
import type { Verdict } from './script-runner.js';

/**
 * A verdict that came in time (or the -s timeout's Script failure in its place), with the facts of its
 * response as they were when the response ended and the recorder that was current then.
 */
export type VerdictIn = (conn: LoadConnection, nowMs: number, facts: Exchange, verdict: Verdict, recorder: Recorder) => void;

export class PendingVerdicts {
  /**
   * Each pending verdict's way to withdraw itself. Their requests have left their connections, so a
   * stop cannot cut them off through conn.close(): it withdraws them here.
   */
  readonly #pending = new Set<() => void>();
  readonly #timeoutMs: number;
  readonly #verdictIn: VerdictIn;

  constructor(timeoutMs: number, verdictIn: VerdictIn) {
    this.#timeoutMs = timeoutMs;
    this.#verdictIn = verdictIn;
  }

  /** Waits for `pending`, the verdict on `exchange` (lent by its connection, so copied here), for at most -s. */
  await(conn: LoadConnection, nowMs: number, exchange: Exchange, recorder: Recorder, pending: Promise<Verdict>): void {
    const facts = { ...exchange };
    let done = false;
    const withdraw = (): void => {
      done = true;
      clearTimeout(timer);
      this.#pending.delete(withdraw);
    };
    const settle = (verdict: Verdict): void => {
      if (done) return;
      withdraw();
      this.#verdictIn(conn, nowMs, facts, verdict, recorder);
    };
    const seconds = this.#timeoutMs / 1000;
    const timer = setTimeout(
      () =>
        settle({
          rejected: true,
          code: 'SCRIPT_TIMEOUT',
          message: `script: response() did not finish within ${seconds} s (-s)`,
          threw: true,
        }),
      this.#timeoutMs,
    );
    this.#pending.add(withdraw);
    void pending.then(settle);
  }

  /** Stops waiting for every pending verdict (and its -s timer); how many there were. */
  withdrawAll(): number {
    const count = this.#pending.size;
    for (const withdraw of this.#pending) withdraw();
    return count;
  }
}
