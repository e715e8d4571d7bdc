// HPACK (RFC 7541) header block decoding: the static and dynamic tables, integers, literal strings.
// It keeps what gb reads of a response (the status, the Server header, the decoded size) and, only
// when asked (-v), the whole header list; every other string is measured, never built.

import type { GbFailureCode } from '../failures.js';
import { huffmanDecode } from './hpack-huffman.js';

/**
 * Why a block did not decode: HPACK itself (COMPRESSION_ERROR), gb's limit on the decoded list, or a
 * :status that is not three digits. The rest of the block is left undecoded either way.
 */
export type HpackErrorCode = Extract<GbFailureCode, 'COMPRESSION_ERROR' | 'HEADERS_TOO_LARGE' | 'BAD_STATUS_LINE'>;

/** RFC 7541 Appendix A, index 1…61. */
export const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];
const STATIC_COUNT = STATIC_TABLE.length;
/** RFC 7541 §4.1: each entry costs its name and value plus 32. */
const ENTRY_OVERHEAD = 32;
/** A header block larger than this is refused (gb's bound on what one response may make it hold). */
export const MAX_HEADER_LIST_BYTES = 1 << 20;

/** Literal names remembered per connection (a few distinct ones is the rule). */
const NAMES_KEPT = 16;

/** Scratch for Huffman strings that are measured, not kept (8/5 of the largest frame, with room). */
let scratch = new Uint8Array(64 * 1024);

export class HpackDecoder {
  // The dynamic table as a ring, newest at #newest; index 62 is the newest entry (§2.3.3).
  #names: string[] = [];
  /** Values are kept only where gb reads them (:status, server, or every one with -v); their lengths always. */
  #values: string[] = [];
  #lengths: number[] = [];
  #newest = -1;
  #count = 0;
  #size = 0;
  #maxSize: number;
  /** What SETTINGS_HEADER_TABLE_SIZE allows the server's encoder (gb leaves the default, 4096). */
  readonly #limit: number;

  /** After decode(): the :status, the decoded size (names and values), and what was asked for. */
  status = 0;
  decodedBytes = 0;
  /** Set wantServer to get the Server header's value ('' when absent). */
  wantServer = false;
  server: string | null = null;
  /** Set wantGrpc to get grpc-status (-1 when absent) and grpc-message (null when absent), a gRPC call's outcome. */
  wantGrpc = false;
  grpcStatus = -1;
  grpcMessage: string | null = null;
  /** Set wantHead to get every field as "name: value" lines. */
  wantHead = false;
  head: string[] = [];
  error: string | null = null;
  errorCode: HpackErrorCode = 'COMPRESSION_ERROR';

  constructor(limit = 4096) {
    this.#limit = limit;
    this.#maxSize = limit;
  }

  get tableSize(): number {
    return this.#size;
  }

  get tableEntries(): number {
    return this.#count;
  }

  /** Decodes one whole header block; false (with `error` and `errorCode`) when it does not, after which the connection is unusable. */
  decode(b: Uint8Array, start: number, end: number): boolean {
    this.status = 0;
    this.decodedBytes = 0;
    this.server = this.wantServer ? '' : null;
    this.grpcStatus = -1;
    this.grpcMessage = null;
    if (this.wantHead) this.head = [];
    this.error = null;
    this.errorCode = 'COMPRESSION_ERROR';
    let p = start;
    let fieldsSeen = false;
    while (p < end) {
      const first = b[p]!;
      if (first & 0x80) {
        // Indexed field (§6.1).
        const r = this.#integer(b, p, end, 7);
        if (r < 0) return false;
        p = this.#next;
        if (!this.#emitIndexed(r)) return false;
        fieldsSeen = true;
      } else if ((first & 0xe0) === 0x20) {
        // Dynamic table size update (§6.3): only before the first field.
        const r = this.#integer(b, p, end, 5);
        if (r < 0) return false;
        p = this.#next;
        if (fieldsSeen) return this.#fail('a table size update after a header field');
        if (r > this.#limit) return this.#fail(`a table size of ${r}, over the ${this.#limit} allowed`);
        this.#maxSize = r;
        this.#evict(0);
      } else {
        // Literal (§6.2): with incremental indexing (01), without (0000) or never indexed (0001).
        const indexing = (first & 0xc0) === 0x40;
        const r = this.#integer(b, p, end, indexing ? 6 : 4);
        if (r < 0) return false;
        p = this.#next;
        let name: string;
        if (r === 0) {
          const s = this.#string(b, p, end, true, true);
          if (s === null) return false;
          p = this.#next;
          name = s;
        } else {
          const n = this.#nameAt(r);
          if (n === null) return false;
          name = n;
        }
        // Building a string costs more than the rest of the field; most values are only measured. The
        // Server header is read once per connection: a string per response was most of gb's garbage
        // per request against nginx, and garbage made V8 grow its young generation (RSS) as a run went on.
        const keep =
          this.wantHead ||
          name === ':status' ||
          (name === 'server' && this.wantServer) ||
          (this.wantGrpc && (name === 'grpc-status' || name === 'grpc-message'));
        const value = this.#string(b, p, end, keep);
        if (value === null && this.error !== null) return false;
        p = this.#next;
        const valueLength = value === null ? this.#stringLength : value.length;
        if (!this.#field(name, value ?? '', valueLength)) return false;
        if (indexing) this.#insert(name, value ?? '', valueLength);
        fieldsSeen = true;
      }
      if (this.decodedBytes > MAX_HEADER_LIST_BYTES) return this.#fail('a header list over 1 MiB', 'HEADERS_TOO_LARGE');
    }
    return true;
  }

  #next = 0;
  #stringLength = 0;

  /** An integer with an n-bit prefix at b[p] (§5.1); sets #next past it; -1 on a truncated or oversized one. */
  #integer(b: Uint8Array, p: number, end: number, n: number): number {
    const mask = (1 << n) - 1;
    let value = b[p]! & mask;
    p++;
    if (value === mask) {
      let shift = 0;
      for (;;) {
        if (p >= end) {
          this.#fail('a header block that ends inside an integer');
          return -1;
        }
        const byte = b[p++]!;
        value += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if ((byte & 0x80) === 0) break;
        if (shift > 28) {
          this.#fail('an integer too large for HPACK');
          return -1;
        }
      }
    }
    this.#next = p;
    return value;
  }

  /** A string literal (§5.2): its text when `keep`, else null with #stringLength set; null with `error` on a fault. */
  #string(b: Uint8Array, p: number, end: number, keep: boolean, name = false): string | null {
    const huffman = (b[p]! & 0x80) !== 0;
    const length = this.#integer(b, p, end, 7);
    if (length < 0) return null;
    const at = this.#next;
    if (at + length > end) {
      this.#fail('a string longer than its header block');
      return null;
    }
    this.#next = at + length;
    let src = b;
    let from = at;
    let to = at + length;
    if (huffman) {
      const room = Math.ceil((length * 8) / 5) + 1;
      if (scratch.length < room) scratch = new Uint8Array(room * 2);
      to = huffmanDecode(b, at, at + length, scratch, 0);
      if (to < 0) {
        this.#fail('a malformed Huffman-coded string');
        return null;
      }
      src = scratch;
      from = 0;
    }
    this.#stringLength = to - from;
    if (!keep) return null;
    return name ? this.#knownName(src, from, to) : latin1(src, from, to);
  }

  /**
   * Names sent as literals, as decoded before. Servers send the same few in every response (nginx:
   * etag, accept-ranges), and a new string for each was garbage per request.
   */
  readonly #literalNames: { readonly bytes: Uint8Array; readonly text: string }[] = [];
  #namesReplaced = 0;

  #knownName(src: Uint8Array, from: number, to: number): string {
    const length = to - from;
    const seen = this.#literalNames;
    search: for (const entry of seen) {
      const bytes = entry.bytes;
      if (bytes.length !== length) continue;
      for (let k = 0; k < length; k++) if (bytes[k] !== src[from + k]) continue search;
      return entry.text;
    }
    const text = latin1(src, from, to);
    if (length > 64) return text;
    const entry = { bytes: src.slice(from, to), text };
    if (seen.length < NAMES_KEPT) seen.push(entry);
    else seen[this.#namesReplaced++ % NAMES_KEPT] = entry;
    return text;
  }

  #emitIndexed(index: number): boolean {
    if (index === 0) return this.#fail('index 0');
    if (index <= STATIC_COUNT) {
      const [name, value] = STATIC_TABLE[index - 1]!;
      return this.#field(name, value, value.length);
    }
    const slot = this.#slot(index);
    if (slot < 0) return false;
    return this.#field(this.#names[slot]!, this.#values[slot]!, this.#lengths[slot]!);
  }

  #nameAt(index: number): string | null {
    if (index <= STATIC_COUNT) return STATIC_TABLE[index - 1]![0];
    const slot = this.#slot(index);
    return slot < 0 ? null : this.#names[slot]!;
  }

  #slot(index: number): number {
    const k = index - STATIC_COUNT - 1;
    if (k >= this.#count) {
      this.#fail(`index ${index}, past the ${this.#count} entries of the dynamic table`);
      return -1;
    }
    const capacity = this.#names.length;
    return (this.#newest - k + capacity) % capacity;
  }

  #field(name: string, value: string, valueLength: number): boolean {
    this.decodedBytes += name.length + valueLength;
    if (name === ':status') {
      const status = statusCode(value);
      if (status < 0) return this.#fail(`a :status of ${JSON.stringify(value)}`, 'BAD_STATUS_LINE');
      // A second :status in one block is malformed; the first wins here.
      if (this.status === 0) this.status = status;
    } else if (name === 'server' && this.server === '') {
      this.server = value;
    } else if (this.wantGrpc && name === 'grpc-status') {
      this.grpcStatus = grpcStatusCode(value);
    } else if (this.wantGrpc && name === 'grpc-message') {
      this.grpcMessage = value;
    }
    if (this.wantHead) this.head.push(`${name}: ${value}`);
    return true;
  }

  #insert(name: string, value: string, valueLength: number): void {
    const size = name.length + valueLength + ENTRY_OVERHEAD;
    // An entry larger than the table empties it and is not added (§4.4).
    this.#evict(size > this.#maxSize ? this.#maxSize : size);
    if (size > this.#maxSize) return;
    if (this.#count === this.#names.length) {
      // Grow the ring, oldest first from 0.
      const names: string[] = [];
      const values: string[] = [];
      const lengths: number[] = [];
      for (let k = this.#count - 1; k >= 0; k--) {
        const slot = this.#slot(STATIC_COUNT + 1 + k);
        names.push(this.#names[slot]!);
        values.push(this.#values[slot]!);
        lengths.push(this.#lengths[slot]!);
      }
      const capacity = Math.max(8, this.#names.length * 2);
      names.length = capacity;
      values.length = capacity;
      lengths.length = capacity;
      this.#names = names;
      this.#values = values;
      this.#lengths = lengths;
      this.#newest = this.#count - 1;
    }
    this.#newest = (this.#newest + 1) % this.#names.length;
    this.#names[this.#newest] = name;
    this.#values[this.#newest] = value;
    this.#lengths[this.#newest] = valueLength;
    this.#count++;
    this.#size += size;
  }

  /** Drops the oldest entries until `room` more bytes fit. */
  #evict(room: number): void {
    while (this.#count > 0 && this.#size + room > this.#maxSize) {
      const slot = this.#slot(STATIC_COUNT + this.#count);
      this.#size -= this.#names[slot]!.length + this.#lengths[slot]! + ENTRY_OVERHEAD;
      this.#count--;
    }
  }

  #fail(message: string, code: HpackErrorCode = 'COMPRESSION_ERROR'): false {
    if (this.error === null) {
      this.error = message;
      this.errorCode = code;
    }
    return false;
  }
}

function latin1(b: Uint8Array, start: number, end: number): string {
  // Short strings are cheaper built by hand than through a Buffer view.
  if (end - start <= 16) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

/** Three digits, 100–999, without a regular expression (this runs once per response); -1 otherwise. */
function statusCode(text: string): number {
  if (text.length !== 3) return -1;
  const a = text.charCodeAt(0) - 48;
  const b = text.charCodeAt(1) - 48;
  const c = text.charCodeAt(2) - 48;
  if (a < 1 || a > 9 || b < 0 || b > 9 || c < 0 || c > 9) return -1;
  return a * 100 + b * 10 + c;
}

/** grpc-status's digits (one to three); a value that is no such number is UNKNOWN (2), as gRPC's clients take it. */
function grpcStatusCode(text: string): number {
  if (text.length === 0 || text.length > 3) return 2;
  let code = 0;
  for (let k = 0; k < text.length; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return 2;
    code = code * 10 + d;
  }
  return code;
}
