// gRPC's length-prefixed messages (a flag byte, a 4-byte big-endian length, the message) counted as DATA brings
// their bytes, whatever the frame boundaries: per slot of the stream table, so a call costs no allocation.

import type { StreamTable } from './h2-stream-table.js';

/** gRPC's prefix: the compressed flag and the length. */
const PREFIX_BYTES = 5;

/** Reads bytes[start, end) of slot `i`'s response body: every message that ends in them is counted. */
export function countGrpcMessages(table: StreamTable, i: number, bytes: Uint8Array, start: number, end: number): void {
  let p = start;
  let remaining = table.grpcRemaining[i]!;
  let got = table.grpcPrefixGot[i]!;
  let length = table.grpcLength[i]!;
  let messages = table.grpcMessages[i]!;
  while (p < end) {
    if (remaining > 0) {
      // A message's own bytes are skipped in one step: only prefixes are read byte by byte.
      const take = Math.min(remaining, end - p);
      remaining -= take;
      p += take;
      if (remaining === 0) messages++;
      continue;
    }
    const b = bytes[p++]!;
    if (got > 0) length = length * 256 + b;
    got++;
    if (got < PREFIX_BYTES) continue;
    if (length === 0) messages++;
    else remaining = length;
    got = 0;
    length = 0;
  }
  table.grpcRemaining[i] = remaining;
  table.grpcPrefixGot[i] = got;
  table.grpcLength[i] = length;
  table.grpcMessages[i] = messages;
}

/** Slot `i`'s response ended inside a message: its length prefix promised more bytes than came. */
export function grpcCutShort(table: StreamTable, i: number): boolean {
  return table.grpcRemaining[i]! > 0 || table.grpcPrefixGot[i]! > 0;
}
