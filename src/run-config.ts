// Runs a validated Config in this thread or in worker threads and summarizes it.

import type { Config } from './config/config.js';
import { resolveEndpoint } from './engine/endpoint.js';
import { runInThread, type RunHooks } from './engine/run.js';
import { StartError } from './engine/start-error.js';
import { scheduledRows, summarize } from './engine/summarize.js';
import { addLive } from './metrics/live-totals.js';
import type { Summary } from './metrics/summary.js';
import { FINE_ROW_MS, FINE_ROWS, type FineTimelineRow } from './metrics/timeline.js';
import { err, ok, type Result } from './result.js';
import { VERSION } from './version.js';

export interface RunOutcome {
  readonly summary: Summary;
  /** The first failure's message (ab prints it when a run stops on an error), or null. */
  readonly firstError: string | null;
  /**
   * The run's first seconds in 100 ms rows, for the HTML report's charts of short runs. Kept out of
   * the Summary, whose JSON schema is versioned and has no use for them.
   */
  readonly fineTimeline: readonly FineTimelineRow[];
  /** --script: what its teardown() threw, with where; null when it did not (or there is none). */
  readonly scriptError: string | null;
}

/** Runs a validated Config. Fails only when the run cannot start (e.g. the host does not resolve). */
export async function runConfig(config: Config, hooks: RunHooks = {}): Promise<Result<RunOutcome, string>> {
  const resolved = await resolveEndpoint(config);
  if (!resolved.ok) return err(resolved.error);
  const { endpoint, lookupUs } = resolved.value;
  // Worker threads cost start-up time and memory: load them only when asked for.
  const run = config.workers > 1 ? (await import('./engine/workers.js')).runWorkers : runInThread;
  let result;
  try {
    result = await run(config, endpoint, VERSION, hooks);
  } catch (e) {
    // A script that did not load, or whose setup() threw, in this thread or a worker (ScriptStartError),
    // or another origin that did not resolve: nothing was sent.
    if (e instanceof StartError) return err(e.message);
    throw e;
  }
  // Made once, before the run and outside every request's Total: one sample of the DNS phase.
  if (lookupUs !== null) result.recorder.recordLookup(lookupUs);
  const summary = summarize(config, result);
  // The live outputs' last report: the same recorder the summary was made of, so their totals are the report's.
  const live = result.recorder.liveSnapshot();
  if (hooks.onLive !== undefined && live !== null) {
    hooks.onLive(
      addLive(
        [{ startedAtMs: result.startedAtMs, recorders: [live], connections: 0, busyRatio: summary.client.loopUtilizationPercent / 100 }],
        true,
      ),
    );
  }
  const scriptError = (await result.script?.teardown(summary)) ?? result.scriptError ?? null;
  return ok({
    summary,
    firstError: result.firstError,
    fineTimeline: result.recorder.timeline.fineRows(scheduledRows(config, FINE_ROW_MS, FINE_ROWS, result.elapsedMs)),
    scriptError,
  });
}
