// Adds up one timing phase's PhaseStats from several runs exactly, through their encoded histograms (gb merge).

import { Histogram } from './histogram.js';
import { phaseStats } from './phase-stats.js';
import type { PhaseStats } from './summary.js';
import { err, ok, type Result } from '../result.js';

/**
 * Adds the phase histograms bucket by bucket, so every percentile of the result is exactly what one
 * process recording all samples would report. The V2 encoding carries only bucket counts, so min and
 * max come from the runs' exact figures and the sums behind mean and sd are rebuilt from each run's
 * meanUs and sdUs (ab truncates meanUs, so the pooled mean may be up to 1 µs low).
 */
export function mergePhases(phases: readonly (PhaseStats | null)[]): Result<PhaseStats | null, string> {
  const present = phases.filter((p): p is PhaseStats => p !== null);
  if (present.length === 0) return ok(null);
  if (present.length === 1) return ok(present[0] ?? null);
  let combined: Histogram | null = null;
  let minUs = Infinity;
  let maxUs = 0;
  let sumUs = 0;
  let sumOfSquares = 0;
  for (const p of present) {
    let h: Histogram;
    try {
      h = Histogram.decode(p.histogram);
    } catch (e) {
      return err(`unreadable histogram: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (h.count !== p.count) return err(`histogram holds ${h.count} samples but count says ${p.count}`);
    try {
      if (combined === null) combined = h;
      else combined.add(h);
    } catch (e) {
      return err(e instanceof Error ? e.message : String(e));
    }
    minUs = Math.min(minUs, p.minUs);
    maxUs = Math.max(maxUs, p.maxUs);
    const runSum = p.meanUs * p.count;
    sumUs += runSum;
    // From s² = (Σx² − (Σx)²/n) / (n − 1), solved for Σx².
    sumOfSquares += p.sdUs * p.sdUs * (p.count - 1) + (runSum * runSum) / p.count;
  }
  if (combined === null) return ok(null);
  const snapshot = combined.toSnapshot();
  const exact = Histogram.fromSnapshot({ ...snapshot, min: minUs, max: maxUs, sum: sumUs, sumOfSquares });
  return ok(phaseStats(exact));
}
