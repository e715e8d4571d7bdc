// Starts a --script in one engine thread: load it, then its setup(), before the first request.

import type { Config } from '../config/config.js';
import { loadScript } from './script-loader.js';
import { ScriptStartError } from './start-error.js';
import { ScriptRunner } from './script-runner.js';
import type { Script } from './script-api.js';

/** Loads the script and runs its setup() for one engine thread; throws ScriptStartError with the script's own message. */
export async function startScript(config: Config, version: string, worker: number): Promise<ScriptRunner | null> {
  if (config.script === null) return null;
  const loaded = await loadScript(config.script);
  if (!loaded.ok) throw new ScriptStartError(loaded.error);
  const journeyProblem = journeyMismatch(config, loaded.value.script);
  if (journeyProblem !== null) throw new ScriptStartError(journeyProblem);
  const runner = new ScriptRunner(loaded.value, config, version, worker);
  const problem = await runner.setup();
  if (problem !== null) throw new ScriptStartError(problem);
  return runner;
}

/** A journey needs iteration() and does without request() and response(); a journey script needs --users. */
export function journeyMismatch(config: Config, script: Script): string | null {
  const file = config.script;
  if (config.journey === null) {
    return script.iteration === undefined ? null : `--script ${file} exports iteration(vu), a journey: run it with --users N`;
  }
  if (script.iteration === undefined)
    return `--script ${file} exports no iteration(vu): --users runs a journey (export iteration, or drop --users)`;
  const hooks = (['request', 'response'] as const).filter((h) => script[h] !== undefined);
  if (hooks.length > 0)
    return `--script ${file}: ${hooks.join(' and ')}() cannot be used with --users (a journey's steps are its requests)`;
  return null;
}
