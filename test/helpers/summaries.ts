// Summaries for reporter tests: phase statistics from given samples, and a real run's Summary.

import assert from 'node:assert/strict';
import { parseCommandLine, type CliOptions } from '../../src/cli/flags.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { phaseStats } from '../../src/metrics/phase-stats.js';
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

/** The options of a `gb` command line that must parse as a run. */
export function optionsOf(args: readonly string[]): CliOptions {
  const parsed = parseCommandLine(args);
  if (!parsed.ok) assert.fail(`command line rejected: ${parsed.error.join('; ')}`);
  if (parsed.value.kind !== 'run') assert.fail(`expected a run, got ${parsed.value.kind}`);
  return parsed.value.options;
}

/** Runs a `gb` command line (URL included) through the API and returns its Summary. */
export async function runArgs(args: readonly string[]): Promise<Summary> {
  const outcome = await runConfig(optionsOf(args).config);
  if (!outcome.ok) assert.fail(`run did not start: ${outcome.error}`);
  return outcome.value.summary;
}

/** Runs gb with `args` against `path` on a built-in target of its own, and returns the Summary. */
export async function runSummary(args: readonly string[], path: string): Promise<Summary> {
  const server = await startTargetServer();
  try {
    return await runArgs([...args, `${server.url}${path}`]);
  } finally {
    await server.close();
  }
}
