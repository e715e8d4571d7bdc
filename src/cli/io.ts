// The process-facing pieces a command needs, passed in so commands stay testable in-process.

export interface CliIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** Aborts on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  readonly errIsTTY: boolean;
}

/** Exit codes (gb -h lists them): 0 success, 1 the run stopped on an error or nothing succeeded, 2 bad input, 130 interrupted. */
export const EXIT = { ok: 0, runError: 1, usage: 2, interrupted: 130 } as const;
