// The phase histograms of a recorder (DNS, TCP, TLS, blocked, sending, waiting, receiving): recorded, moved between threads and summarized.

import { Histogram, type HistogramSnapshot } from './histogram.js';
import { phaseStats } from './phase-stats.js';
import { REQUEST_PHASES, type RequestPhase, type RequestPhases } from './summary.js';

export type PhaseSnapshots = { readonly [K in RequestPhase]: HistogramSnapshot };

export class PhaseHistograms {
  // Fields, not a map, so that recording a response is a direct call on each histogram.
  readonly dns: Histogram;
  readonly tcp: Histogram;
  readonly tls: Histogram;
  readonly blocked: Histogram;
  readonly sending: Histogram;
  readonly waiting: Histogram;
  readonly receiving: Histogram;

  constructor() {
    this.dns = new Histogram();
    this.tcp = new Histogram();
    this.tls = new Histogram();
    this.blocked = new Histogram();
    this.sending = new Histogram();
    this.waiting = new Histogram();
    this.receiving = new Histogram();
  }

  /**
   * One response read to the end. waitUs is ab's Waiting (from the write's start), so the phase
   * waiting is what is left of it after sending; blocked is what is left of Total after the rest, so
   * the phases add up to Total by construction. tcpUs and tlsUs are negative for a response that
   * opened no connection (or had no TLS).
   */
  record(totalUs: number, waitUs: number, tcpUs: number, tlsUs: number, sendUs: number, receiveUs: number): void {
    let rest = totalUs - waitUs - receiveUs;
    if (tcpUs >= 0) {
      this.tcp.record(tcpUs);
      rest -= tcpUs;
    }
    if (tlsUs >= 0) {
      this.tls.record(tlsUs);
      rest -= tlsUs;
    }
    // Each part was rounded to µs on its own: a blocked time of nothing can come out at -1.
    this.blocked.record(rest > 0 ? rest : 0);
    this.sending.record(sendUs);
    this.waiting.record(waitUs - sendUs);
    this.receiving.record(receiveUs);
  }

  snapshot(): PhaseSnapshots {
    return byPhase((key) => this[key].toSnapshot());
  }

  /** Adds a worker's (or another engine's) phases: exact, bucket by bucket. */
  merge(s: PhaseSnapshots): void {
    for (const key of REQUEST_PHASES) this[key].add(Histogram.fromSnapshot(s[key]));
  }

  stats(): RequestPhases {
    return byPhase((key) => phaseStats(this[key]));
  }
}

/** One value per phase, in REQUEST_PHASES' order. */
function byPhase<T>(value: (phase: RequestPhase) => T): { readonly [K in RequestPhase]: T } {
  return Object.fromEntries(REQUEST_PHASES.map((key) => [key, value(key)])) as { readonly [K in RequestPhase]: T };
}
