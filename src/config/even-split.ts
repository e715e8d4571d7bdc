// Exact division of a whole number among parts (workers, shards): every remainder is handed out, none dropped.

/** Part `index` (1 to `parts`) of `total` split evenly: the first `total mod parts` parts get one more. */
export function evenPart(total: number, index: number, parts: number): number {
  return Math.floor(total / parts) + (index - 1 < total % parts ? 1 : 0);
}

/** Splits an integer total into `parts` integers that differ by at most one and sum to it. */
export function splitEvenly(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => evenPart(total, i + 1, parts));
}
