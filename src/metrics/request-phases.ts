// The phase histograms of a recorder (DNS, TCP, TLS, blocked, sending, waiting, receiving): recorded, moved between threads and summarized.

import { Histogram, type HistogramSnapshot } from './histogram.js';
import { phaseStats } from './phase-stats.js';
import { REQUEST_PHASES, type RequestPhase, type RequestPhases } from './summary.js';

export type PhaseSnapshots = { readonly [K in RequestPhase]: HistogramSnapshot };

export class PhaseHistograms {
  readonly dns = new Histogram();
  readonly tcp = new Histogram();
  readonly tls = new Histogram();
  readonly blocked = new Histogram();
  readonly sending = new Histogram();
  readonly waiting = new Histogram();
  readonly receiving = new Histogram();

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
    return {
      dns: this.dns.toSnapshot(),
      tcp: this.tcp.toSnapshot(),
      tls: this.tls.toSnapshot(),
      blocked: this.blocked.toSnapshot(),
      sending: this.sending.toSnapshot(),
      waiting: this.waiting.toSnapshot(),
      receiving: this.receiving.toSnapshot(),
    };
  }

  /** Adds a worker's (or another engine's) phases: exact, bucket by bucket. */
  merge(s: PhaseSnapshots): void {
    for (const key of REQUEST_PHASES) this[key].add(Histogram.fromSnapshot(s[key]));
  }

  stats(): RequestPhases {
    return {
      dns: phaseStats(this.dns),
      tcp: phaseStats(this.tcp),
      tls: phaseStats(this.tls),
      blocked: phaseStats(this.blocked),
      sending: phaseStats(this.sending),
      waiting: phaseStats(this.waiting),
      receiving: phaseStats(this.receiving),
    };
  }
}
