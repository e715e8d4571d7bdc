// Why a run did not start. A module of its own, so that runConfig can tell these errors apart
// (instanceof) without loading the script loader, which only --script runs need.

/** Another origin's host did not resolve: the run does not start. */
export class StartError extends Error {
  override readonly name: string = 'StartError';
}

/** A script that failed to load or whose setup() threw: the run does not start. */
export class ScriptStartError extends StartError {
  override readonly name = 'ScriptStartError';
}
