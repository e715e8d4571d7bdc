// gb's programmatic API: the same run the command line does, as a library.

import type { Config } from './config/config.js';
import { resolveEndpoint } from './engine/endpoint.js';
import { runInThread, type RunHooks } from './engine/run.js';
import { runWorkers } from './engine/workers.js';
import { summarize } from './metrics/summarize.js';
import type { Summary } from './metrics/summary.js';
import { err, ok, type Result } from './result.js';
import { VERSION } from './version.js';

export interface RunOutcome {
  readonly summary: Summary;
  /** The first failure's message (ab prints it when a run stops on an error), or null. */
  readonly firstError: string | null;
}

/** Runs a validated Config. Fails only when the run cannot start (e.g. the host does not resolve). */
export async function runConfig(config: Config, hooks: RunHooks = {}): Promise<Result<RunOutcome, string>> {
  const endpoint = await resolveEndpoint(config);
  if (!endpoint.ok) return err(endpoint.error);
  const run = config.workers > 1 ? runWorkers : runInThread;
  const result = await run(config, endpoint.value, VERSION, hooks);
  return ok({ summary: summarize(config, result), firstError: result.firstError });
}

export type { Config } from './config/config.js';
export type { Summary, PhaseStats } from './metrics/summary.js';
export type { RunHooks } from './engine/run.js';
export { startTargetServer, type TargetServer, type TargetStats } from './server/target.js';
export { renderAbReport } from './report/ab-text.js';
export { VERSION } from './version.js';
export { parseCommandLine, type CliOptions, type CliCommand } from './cli/flags.js';
export { renderJson, parseSummaryJson } from './report/json.js';
export { renderHtml } from './report/html.js';
export { mergeSummaries } from './report/merge.js';
export { compareSummaries } from './report/compare.js';
