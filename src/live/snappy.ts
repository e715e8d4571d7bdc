// Snappy's block format (what remote write's Content-Encoding: snappy means), compressed by a greedy hash-match encoder.

/**
 * Literal tags say length − 1 in six bits up to 59; 60–63 mean that 1–4 bytes of length − 1 follow.
 * A copy with a 2-byte offset carries 1–64 bytes; one with a 1-byte offset 4–11 bytes, 11 bits of offset.
 */
const TAG_LITERAL = 0;
const TAG_COPY_1 = 1;
const TAG_COPY_2 = 2;
const MAX_OFFSET = 0xffff;
const MIN_MATCH = 4;
const HASH_BITS = 14;

/**
 * Compresses `input` into snappy's block format: the uncompressed length as a varint, then
 * literals and back-references of at most 64 KiB. Matches are found as snappy's reference
 * encoder finds them (a hash of the next four bytes, the last position seen with it), without its
 * skipping heuristics: a remote-write body repeats its label names and values in every series,
 * so nearly all of it becomes copies.
 */
export function snappyCompress(input: Uint8Array): Buffer {
  const n = input.length;
  // Snappy's own bound on the worst case (all literals, with their tags).
  const out = Buffer.allocUnsafe(32 + n + Math.ceil(n / 6));
  let at = 0;
  for (let rest = n; ; rest = Math.floor(rest / 0x80)) {
    if (rest < 0x80) {
      out[at++] = rest;
      break;
    }
    out[at++] = (rest % 0x80) | 0x80;
  }

  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let literalStart = 0;
  let i = 0;
  while (i + MIN_MATCH <= n) {
    const word = read32(input, i);
    const slot = Math.imul(word, 0x1e35a7bd) >>> (32 - HASH_BITS);
    const candidate = table[slot]!; // slot < 2^HASH_BITS
    table[slot] = i;
    if (candidate < 0 || i - candidate > MAX_OFFSET || read32(input, candidate) !== word) {
      i++;
      continue;
    }
    let length = MIN_MATCH;
    while (i + length < n && input[candidate + length] === input[i + length]) length++;
    at = emitLiteral(input, literalStart, i, out, at);
    at = emitCopy(i - candidate, length, out, at);
    i += length;
    literalStart = i;
  }
  at = emitLiteral(input, literalStart, n, out, at);
  return out.subarray(0, at);
}

function read32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0; // callers keep i + 3 < length
}

function emitLiteral(input: Uint8Array, from: number, to: number, out: Buffer, at: number): number {
  const length = to - from;
  if (length === 0) return at;
  const n = length - 1;
  if (n < 60) {
    out[at++] = (n << 2) | TAG_LITERAL;
  } else {
    const bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
    out[at++] = ((59 + bytes) << 2) | TAG_LITERAL;
    for (let k = 0, rest = n; k < bytes; k++, rest = Math.floor(rest / 0x100)) out[at++] = rest & 0xff;
  }
  out.set(input.subarray(from, to), at);
  return at + length;
}

function emitCopy(offset: number, length: number, out: Buffer, at: number): number {
  let rest = length;
  // As snappy does: 64-byte copies, but never leave a tail below 4, which a 1-byte-offset copy cannot carry.
  while (rest >= 68) {
    at = copy2(offset, 64, out, at);
    rest -= 64;
  }
  if (rest > 64) {
    at = copy2(offset, 60, out, at);
    rest -= 60;
  }
  if (rest <= 11 && offset < 2048) {
    out[at++] = ((offset >> 8) << 5) | ((rest - 4) << 2) | TAG_COPY_1;
    out[at++] = offset & 0xff;
    return at;
  }
  return copy2(offset, rest, out, at);
}

function copy2(offset: number, length: number, out: Buffer, at: number): number {
  out[at++] = ((length - 1) << 2) | TAG_COPY_2;
  out[at++] = offset & 0xff;
  out[at++] = offset >> 8;
  return at;
}
