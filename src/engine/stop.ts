// Stop rules as pure functions: a request count, a duration, or both (whichever comes first).

export interface StopRule {
  /** null: no count limit. */
  readonly requests: number | null;
  /** null: no time limit. */
  readonly durationMs: number | null;
}

/** How many requests the rule allows in all. */
export function requestBudget(rule: StopRule): number {
  return rule.requests ?? Number.POSITIVE_INFINITY;
}

/** May another request start, with `issued` started so far and `elapsedMs` gone? */
export function mayIssue(rule: StopRule, issued: number, elapsedMs: number): boolean {
  if (issued >= requestBudget(rule)) return false;
  return rule.durationMs === null || elapsedMs < rule.durationMs;
}
