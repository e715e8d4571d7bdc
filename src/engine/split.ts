// Exact division of work among workers: every remainder is handed out, none dropped.

/** Splits an integer total into `parts` integers that differ by at most one and sum to it. */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Splits a rate (which may be fractional) into equal shares that sum to it. */
export function splitRate(requestsPerSecond: number, parts: number): number[] {
  return Array.from({ length: parts }, () => requestsPerSecond / parts);
}
