// Follows a chunked body's framing (RFC 9112 §7.1): chunk-size lines, chunk data and the CRLF after it, up to the last chunk.

// Module-local on purpose, as in header-values.ts: V8 folds these into the code, not imported ones.
const HTAB = 9;
const LF = 10;
const CR = 13;
const SP = 32;
const SEMICOLON = 59;

// Where scan() is. LAST_CHUNK (the trailers come next) and FAILED are final.
const SIZE = 0;
const SPACE_AFTER_SIZE = 1;
const EXTENSION = 2;
const LF_AFTER_SIZE = 3;
const DATA = 4;
const CR_AFTER_DATA = 5;
const LF_AFTER_DATA = 6;
const LAST_CHUNK = 7;
const FAILED = 8;

const NOT_HEX = 255;
const HEX_VALUE = new Uint8Array(256).fill(NOT_HEX);
for (let d = 0; d < 16; d++) {
  const digit = d.toString(16);
  HEX_VALUE[digit.charCodeAt(0)] = d;
  HEX_VALUE[digit.toUpperCase().charCodeAt(0)] = d;
}

// Above this a chunk size would lose integer precision after one more hex digit.
const MAX_SIZE_BEFORE_DIGIT = Math.floor((Number.MAX_SAFE_INTEGER - 15) / 16);

/** Chunk data is counted, never looked at. Indexes stay within [start, end), as in HeaderBlockScanner. */
export class ChunkedBody {
  /** Chunk data bytes since start(). */
  dataBytes = 0;
  /** Why the framing is invalid, once it is. */
  error: string | null = null;

  #state = SIZE;
  #size = 0;
  #sizeDigits = 0;
  #remaining = 0;

  start(): void {
    this.dataBytes = 0;
    this.error = null;
    this.#startChunk();
  }

  get ended(): boolean {
    return this.#state === LAST_CHUNK;
  }

  /** Scan buf[start, end) until the last-chunk line ends (`ended`), the framing fails (`error`) or the bytes run out. */
  scan(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end) {
      const state = this.#state;
      if (state === DATA) {
        const available = end - i;
        const remaining = this.#remaining;
        if (available < remaining) {
          this.dataBytes += available;
          this.#remaining = remaining - available;
          return end;
        }
        this.dataBytes += remaining;
        this.#remaining = 0;
        this.#state = CR_AFTER_DATA;
        i += remaining;
        continue;
      }
      const c = buf[i] as number;
      switch (state) {
        case SIZE: {
          const digit = HEX_VALUE[c] as number;
          if (digit !== NOT_HEX) {
            if (this.#size > MAX_SIZE_BEFORE_DIGIT) return this.#fail('chunk size too large', i);
            this.#size = this.#size * 16 + digit;
            this.#sizeDigits++;
          } else if (this.#sizeDigits === 0 || (!this.#endsSizeLine(c) && !this.#leadsToExtension(c))) {
            return this.#fail('invalid chunk size', i);
          }
          break;
        }
        case SPACE_AFTER_SIZE:
          // RFC 9112 §7.1.1 allows whitespace only before an extension; a bare line end is tolerated too.
          if (!this.#endsSizeLine(c) && !this.#leadsToExtension(c)) return this.#fail('invalid chunk size', i);
          break;
        case EXTENSION:
          // Extensions mean nothing to us; skip to the line end.
          this.#endsSizeLine(c);
          break;
        case LF_AFTER_SIZE:
          if (c !== LF) return this.#fail('expected LF after CR', i);
          this.#endSizeLine();
          break;
        case CR_AFTER_DATA:
          if (c === CR) this.#state = LF_AFTER_DATA;
          else if (c === LF) this.#startChunk();
          else return this.#fail('missing CRLF after chunk data', i);
          break;
        case LF_AFTER_DATA:
          if (c !== LF) return this.#fail('missing CRLF after chunk data', i);
          this.#startChunk();
          break;
        default:
          return i; // the last chunk ended, or the framing failed
      }
      i++;
    }
    return i;
  }

  #fail(reason: string, index: number): number {
    this.error = reason;
    this.#state = FAILED;
    return index;
  }

  /** Whether c ends the chunk-size line: a CR waits for its LF, a bare LF ends it now. */
  #endsSizeLine(c: number): boolean {
    if (c === CR) {
      this.#state = LF_AFTER_SIZE;
    } else if (c === LF) {
      this.#endSizeLine();
    } else {
      return false;
    }
    return true;
  }

  /** Whether c is the ';' that starts an extension or whitespace before it. */
  #leadsToExtension(c: number): boolean {
    if (c === SEMICOLON) {
      this.#state = EXTENSION;
    } else if (c === SP || c === HTAB) {
      this.#state = SPACE_AFTER_SIZE;
    } else {
      return false;
    }
    return true;
  }

  #startChunk(): void {
    this.#size = 0;
    this.#sizeDigits = 0;
    this.#state = SIZE;
  }

  #endSizeLine(): void {
    if (this.#size === 0) {
      this.#state = LAST_CHUNK;
    } else {
      this.#remaining = this.#size;
      this.#state = DATA;
    }
  }
}
