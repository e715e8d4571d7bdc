// Load models as pure arithmetic: when requests are due under a constant-rate schedule.
// The closed loop needs no arithmetic — a request starts whenever a connection is free.

/** Intended start of request `index` (0-based), in ms after the schedule's origin. */
export function intendedOffsetMs(index: number, requestsPerSecond: number): number {
  return (index * 1000) / requestsPerSecond;
}

/** How many requests are due once `elapsedMs` have passed: request i is due at intendedOffsetMs(i). */
export function dueCount(elapsedMs: number, requestsPerSecond: number): number {
  if (elapsedMs < 0) return 0;
  // Relative tolerance, so request i is due exactly at its own intended time despite float rounding.
  const exact = (elapsedMs * requestsPerSecond) / 1000;
  return Math.floor(exact * (1 + 1e-12) + 1e-9) + 1;
}
