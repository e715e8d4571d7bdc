// The seeded hash behind every random choice a run makes by number (--random's targets, --data's rows), kept in one place so both agree.

/**
 * Which of `count` things place k gets (a target, a data row): a 32-bit integer hash of (seed, k),
 * so any place can be computed on its own (no state to share between workers).
 */
export function pick(seed: number, k: number, count: number): number {
  const low = k >>> 0;
  const high = Math.floor(k / 4294967296) >>> 0;
  let h = mix(seed ^ mix(low ^ 0x9e3779b9));
  h = mix(h ^ high);
  return h % count;
}

function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
