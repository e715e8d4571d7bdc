// Pure number and column formatting shared by the reporters, reproducing C printf where ab's layout depends on it.

/** ab pads every report label to this many columns, so values start in column 25. */
export const AB_LABEL_WIDTH = 24;

/**
 * C's `%.<decimals>f` (glibc): the exact binary value is rounded to `decimals` places with ties to
 * even. `Number.prototype.toFixed` rounds exact ties away from zero (0.125 → "0.13" where printf
 * gives "0.12"), which is why this does not simply call it.
 */
export function formatFixed(value: number, decimals: number): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 100) {
    throw new RangeError(`decimals must be an integer in 0..100, got ${decimals}`);
  }
  const negative = value < 0 || Object.is(value, -0);
  if (Number.isNaN(value)) return negative ? '-nan' : 'nan';
  if (!Number.isFinite(value)) return negative ? '-inf' : 'inf';
  const scaled = roundScaledHalfEven(Math.abs(value), decimals).toString();
  const sign = negative ? '-' : '';
  if (decimals === 0) return sign + scaled;
  const digits = scaled.padStart(decimals + 1, '0');
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** round(x · 10^decimals) computed exactly on the double's mantissa and exponent, ties to even. */
function roundScaledHalfEven(x: number, decimals: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biasedExponent = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let exponent = -1074; // subnormals: no implicit leading bit
  if (biasedExponent !== 0) {
    mantissa |= 1n << 52n;
    exponent = biasedExponent - 1075;
  }
  const scale = 10n ** BigInt(decimals);
  if (exponent >= 0) return (mantissa << BigInt(exponent)) * scale;
  const numerator = mantissa * scale;
  const denominator = 1n << BigInt(-exponent);
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  const roundUp = twiceRemainder > denominator || (twiceRemainder === denominator && (quotient & 1n) === 1n);
  return roundUp ? quotient + 1n : quotient;
}

/** C's `%<width>.<decimals>f`. */
export function formatFixedWidth(value: number, decimals: number, width: number): string {
  return padLeft(formatFixed(value, decimals), width);
}

/** C's `%<width>d`: an integer right-aligned in `width` columns, never cut when wider. */
export function formatInt(value: number, width = 0): string {
  return padLeft(String(Math.trunc(value)), width);
}

/** Right-aligns text in `width` columns; longer text is kept whole, as printf does. */
export function padLeft(text: string, width: number): string {
  return text.padStart(width, ' ');
}

/** Left-aligns a report label in ab's 24 columns (labels that long or longer get no padding). */
export function padLabel(label: string, width = AB_LABEL_WIDTH): string {
  return label.padEnd(width, ' ');
}

/**
 * ab's `ap_round_ms`: `(apr_time_t)(us + 500) / 1000` in C integer arithmetic, so halves round up
 * for positive values and the division truncates toward zero.
 */
export function roundUsToMs(us: number): number {
  return Math.trunc(Math.trunc(us + 500) / 1000);
}

/** ab's `ap_double_ms`: microseconds as fractional milliseconds, unrounded. */
export function usToMs(us: number): number {
  return us / 1000;
}
