// Pure parsers for the unit-bearing values of the command line: durations ("30s", "250ms") and counts ("1k").

const DURATION_UNIT_MS: Readonly<Record<string, bigint>> = { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n };
const COUNT_MULTIPLIER: Readonly<Record<string, bigint>> = { '': 1n, k: 1000n, m: 1_000_000n };

const DECIMAL = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const PLAIN_SECONDS = new RegExp(`^${DECIMAL}$`);
// Go-style compound durations ("1m30s") are accepted because gb's users come from Go tools.
const DURATION = new RegExp(`^(?:${DECIMAL}(ms|s|m|h))+$`);
const DURATION_PART = new RegExp(`${DECIMAL}(ms|s|m|h)`, 'g');
const COUNT = new RegExp(`^${DECIMAL}([kKmM]?)$`);

/**
 * Exact decimal × integer multiplier as a fraction, so "0.7s" is 700 ms and not 699.9999….
 * Floating-point only enters at the final division, which rounds correctly.
 */
function scaleDecimal(decimal: string, multiplier: bigint): { numerator: bigint; denominator: bigint } {
  const [whole = '', fraction = ''] = decimal.split('.');
  const numerator = BigInt((whole === '' ? '0' : whole) + fraction) * multiplier;
  return { numerator, denominator: 10n ** BigInt(fraction.length) };
}

/** "30s" → 30000, "250ms" → 250, "2m", "1h", "1m30s", and plain seconds "1.5" → 1500; anything else (incl. negative) → null. */
export function parseDurationMs(text: string): number | null {
  if (PLAIN_SECONDS.test(text)) return toFiniteMs([[text, 1000n]]);
  if (!DURATION.test(text)) return null;
  const parts: [string, bigint][] = [];
  for (const match of text.matchAll(DURATION_PART)) {
    const unitMs = DURATION_UNIT_MS[match[2] ?? ''];
    if (match[1] === undefined || unitMs === undefined) return null;
    parts.push([match[1], unitMs]);
  }
  return toFiniteMs(parts);
}

function toFiniteMs(parts: readonly (readonly [string, bigint])[]): number | null {
  let totalMs = 0;
  for (const [decimal, unitMs] of parts) {
    const { numerator, denominator } = scaleDecimal(decimal, unitMs);
    totalMs += Number(numerator) / Number(denominator);
  }
  return Number.isFinite(totalMs) && totalMs <= Number.MAX_SAFE_INTEGER ? totalMs : null;
}

/** Positive safe integers, optionally with k (×1000) or m (×1 000 000): "1k" → 1000, "1.5k" → 1500; "0", "1.5", "-3" → null. */
export function parseCount(text: string): number | null {
  const match = COUNT.exec(text);
  const decimal = match?.[1];
  const multiplier = COUNT_MULTIPLIER[(match?.[2] ?? '').toLowerCase()];
  if (decimal === undefined || multiplier === undefined) return null;
  const { numerator, denominator } = scaleDecimal(decimal, multiplier);
  if (numerator % denominator !== 0n) return null;
  const count = numerator / denominator;
  if (count < 1n || count > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(count);
}
