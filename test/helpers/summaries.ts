// Summaries for reporter tests: phase statistics from given samples, and a real run's Summary.

import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/cli/flags.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { phaseStats } from '../../src/metrics/summarize.js';
import type { PhaseStats, Summary } from '../../src/metrics/summary.js';
import { runConfig } from '../../src/run-config.js';
import { startTargetServer } from '../../src/server/target.js';

/** The PhaseStats gb would report for exactly these samples (µs). */
export function phaseOf(samplesUs: readonly number[]): PhaseStats {
  const h = new Histogram();
  for (const us of samplesUs) h.record(us);
  const s = phaseStats(h);
  assert.ok(s !== null, 'at least one sample');
  return s;
}

/** Runs gb with `args` against `path` on a built-in target of its own, and returns the Summary. */
export async function runSummary(args: readonly string[], path: string): Promise<Summary> {
  const server = await startTargetServer();
  try {
    const parsed = parseCommandLine([...args, `${server.url}${path}`]);
    assert.ok(parsed.ok && parsed.value.kind === 'run', 'command line parses');
    const outcome = await runConfig(parsed.value.options.config);
    assert.ok(outcome.ok, 'run starts');
    return outcome.value.summary;
  } finally {
    await server.close();
  }
}
