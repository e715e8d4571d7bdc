// Starts a --script in one engine thread: load it, then its setup(), before the first request.

import type { Config } from '../config/config.js';
import { loadScript } from './script-loader.js';
import { ScriptStartError } from './start-error.js';
import { ScriptRunner } from './script-runner.js';

/** Loads the script and runs its setup() for one engine thread; throws ScriptStartError with the script's own message. */
export async function startScript(config: Config, version: string, worker: number): Promise<ScriptRunner | null> {
  if (config.script === null) return null;
  const loaded = await loadScript(config.script);
  if (!loaded.ok) throw new ScriptStartError(loaded.error);
  const runner = new ScriptRunner(loaded.value, config, version, worker);
  const problem = await runner.setup();
  if (problem !== null) throw new ScriptStartError(problem);
  return runner;
}
