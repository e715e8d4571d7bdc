// Scans a response's status line and header lines, and the trailer lines after a chunked body: one scanner, one size limit.

import type { GbFailureCode } from '../failures.js';
import { HeaderValues } from './header-values.js';

export type HeaderBlockErrorCode = Extract<GbFailureCode, 'BAD_STATUS_LINE' | 'BAD_HEADER' | 'HEADERS_TOO_LARGE'>;

// Module-local on purpose, as in header-values.ts: V8 folds these into the code, not imported ones.
const HTAB = 9;
const LF = 10;
const CR = 13;
const SP = 32;
const COLON = 58;

// Far above any real server's header block, low enough that a hostile peer cannot make us scan forever.
const MAX_BLOCK_BYTES = 1024 * 1024;

/*
 * Stray CR/LF bytes allowed before a status line. Some servers send an extra CRLF after a 1xx or
 * between kept-alive responses, and llhttp skips them, so a client that fails on them fails where
 * every browser succeeds. One or two CRLFs are what is seen in the wild; eight bytes (four CRLFs)
 * leave room for that and still fail at once on a server that sends nothing but line ends.
 */
export const MAX_STRAY_BYTES = 8;

/** Whether buf[start, end) is nothing but line ends a parser would skip before the next status line. */
export function onlyStray(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start > MAX_STRAY_BYTES) return false;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== CR && c !== LF) return false;
  }
  return true;
}

// Where scan() is inside the block. ENDED and FAILED are final and the highest.
const VERSION = 0;
const MINOR = 1;
const SPACE_BEFORE_STATUS = 2;
const STATUS = 3;
const SPACE_AFTER_STATUS = 4;
const REASON = 5;
const LINE_START = 6;
const NAME = 7;
const VALUE = 8;
const TRAILER_LINE = 9;
const LINE_FEED = 10;
const ENDED = 11;
const FAILED = 12;

// The line that the next LF ends, which decides the state after it.
const STATUS_LINE = 0;
const FIELD_LINE = 1;
const EMPTY_LINE = 2;

// The header whose value is being read: what HeaderValues.startValue() returned, or one of these.
const NO_FIELD_YET = -1; // so a folded line is invalid
const OTHER_FIELD = 0;

const HTTP_PREFIX = Uint8Array.from('HTTP/1.', (ch) => ch.charCodeAt(0));

// RFC 9110 §5.6.2 tchar: the bytes allowed in a header name.
const TCHAR = new Uint8Array(256);
for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TCHAR[ch.charCodeAt(0)] = 1;
}

/*
 * Every index is kept within [start, stop) and stop <= buf.length, so `buf[i] as number` only drops
 * the `undefined` that noUncheckedIndexedAccess adds; it never hides a real miss.
 */
export class HeaderBlockScanner {
  readonly values = new HeaderValues();
  /** Of the last complete status line; 0 before the first. */
  statusCode = 0;
  /** The status line said HTTP/1.1 or a higher minor version (RFC 9110 §2.5: read as the highest we implement). */
  http11 = true;
  /** Why the block is invalid, once it is, and the stable code for it (BAD_STATUS_LINE, BAD_HEADER, HEADERS_TOO_LARGE). */
  error: string | null = null;
  errorCode: HeaderBlockErrorCode | null = null;

  #state = VERSION;
  #trailers = false;
  /** Bytes of the current block so far, against MAX_BLOCK_BYTES. */
  #blockBytes = 0;
  /** Position inside the literal being matched: "HTTP/1.", the status digits, or a header name. */
  #pos = 0;
  #status = 0;
  #endingLine = STATUS_LINE;
  #field = NO_FIELD_YET;
  #nameCandidates = 0;
  /** Stray CR/LF bytes skipped before this block's status line, against MAX_STRAY_BYTES. */
  #stray = 0;

  get ended(): boolean {
    return this.#state === ENDED;
  }

  /** A new response: forget the last one's status. */
  startResponse(): void {
    this.statusCode = 0;
    this.startHead();
  }

  /** A status line and headers come next: the response's, or the final one's after a 1xx interim response. */
  startHead(): void {
    this.#start(VERSION, false);
    this.values.startBlock();
  }

  /** Trailer lines come next, up to the empty line that ends the chunked body; the head's values stay. */
  startTrailers(): void {
    this.#start(LINE_START, true);
  }

  #start(state: number, trailers: boolean): void {
    this.#state = state;
    this.#trailers = trailers;
    this.#blockBytes = 0;
    this.#pos = 0;
    this.#status = 0;
    this.#field = NO_FIELD_YET;
    this.#stray = 0;
    this.error = null;
    this.errorCode = null;
  }

  /**
   * Scan buf[start, end) until the block ends (`ended`), fails (`error`) or the bytes run out;
   * returns the index it stopped at. captureServer: read the Server value too, unless one was read.
   * One function over every byte of a response's head, longer than any other here on purpose: a
   * byte-level state machine whose state and position stay in locals through one loop, where a method
   * per state would cost a call and a store of both per byte.
   */
  // eslint-disable-next-line max-lines-per-function -- the byte state machine above: one loop, its state in locals
  scan(buf: Uint8Array, start: number, end: number, captureServer: boolean): number {
    // Stopping at the block limit (rather than checking a counter per byte) fails at the same byte whatever the split.
    const allowance = MAX_BLOCK_BYTES - this.#blockBytes;
    const stop = end - start > allowance ? start + allowance : end;
    let state = this.#state;
    let i = start;
    scan: while (i < stop) {
      const c = buf[i] as number;
      switch (state) {
        case VERSION: {
          const p = this.#pos;
          if (c !== HTTP_PREFIX[p]) {
            // Only here, after a mismatch, so a status line that starts with 'H' pays nothing for it.
            if (p === 0 && (c === CR || c === LF)) {
              i = this.skipStray(buf, i, stop);
              if (this.error !== null) {
                state = FAILED;
                break scan;
              }
              break;
            }
            state = this.#fail(
              'BAD_STATUS_LINE',
              p < 5 ? 'not an HTTP/1.x response' : p === 5 ? 'unsupported HTTP version' : 'invalid HTTP version',
            );
            break scan;
          }
          this.#pos = p + 1;
          if (p + 1 === HTTP_PREFIX.length) state = MINOR;
          i++;
          break;
        }
        case MINOR:
        case STATUS:
          // The status line's digits: HTTP/1.x's minor version, then the three of the status code.
          if (c < 0x30 || c > 0x39) {
            state = this.#fail('BAD_STATUS_LINE', state === MINOR ? 'invalid HTTP version' : 'invalid status code');
            break scan;
          }
          if (state === MINOR) {
            this.http11 = c !== 0x30;
            state = SPACE_BEFORE_STATUS;
          } else {
            this.#status = this.#status * 10 + (c - 0x30);
            if (++this.#pos === 3) state = SPACE_AFTER_STATUS;
          }
          i++;
          break;
        case SPACE_BEFORE_STATUS:
          if (c !== SP) {
            state = this.#fail('BAD_STATUS_LINE', 'missing space after HTTP version');
            break scan;
          }
          this.#pos = 0;
          state = STATUS;
          i++;
          break;
        case SPACE_AFTER_STATUS:
          // Some servers end the line right after the code; accepting that costs nothing.
          if (c === SP) {
            state = REASON;
            i++;
          } else if (c === CR || c === LF) {
            i += this.#lineEnds(c, STATUS_LINE);
            state = LINE_FEED;
          } else {
            state = this.#fail('BAD_STATUS_LINE', c >= 0x30 && c <= 0x39 ? 'invalid status code' : 'missing space after status code');
            break scan;
          }
          break;
        case REASON:
          // The reason phrase carries nothing we use (RFC 9112 §4), so skip it wholesale.
          if (c === CR || c === LF) {
            i += this.#lineEnds(c, STATUS_LINE);
            state = LINE_FEED;
          } else {
            i = skipToLineEnd(buf, i + 1, stop);
          }
          break;
        case LINE_START: {
          if (this.#trailers && c !== CR && c !== LF) {
            state = TRAILER_LINE;
            break;
          }
          if (c === SP || c === HTAB) {
            // RFC 9112 §5.2: obs-fold continues the previous value; the value reader takes this byte as whitespace.
            if (this.#field === NO_FIELD_YET) {
              state = this.#fail('BAD_HEADER', 'whitespace before the first header line');
              break scan;
            }
            state = VALUE;
            break;
          }
          // Only now is the previous value known to be complete (no fold follows).
          const field = this.#field;
          if (field > OTHER_FIELD) {
            this.#field = OTHER_FIELD;
            const problem = this.values.finishValue(field);
            if (problem !== null) {
              state = this.#fail('BAD_HEADER', problem);
              break scan;
            }
          }
          if (c === CR || c === LF) {
            i += this.#lineEnds(c, EMPTY_LINE);
            state = LINE_FEED;
            break;
          }
          if (TCHAR[c] === 0) {
            state = this.#fail('BAD_HEADER', 'invalid header name');
            break scan;
          }
          this.#nameCandidates = this.values.namesToMatch(captureServer);
          this.#pos = 0;
          state = NAME;
          break;
        }
        case NAME: {
          const candidates = this.#nameCandidates;
          if (c === COLON) {
            this.#field = this.values.startValue(candidates, this.#pos);
            state = VALUE;
            i++;
            break;
          }
          if (TCHAR[c] === 0) {
            state = this.#fail('BAD_HEADER', c === CR || c === LF ? 'header line without a colon' : 'invalid header name');
            break scan;
          }
          if (candidates === 0) {
            // Not a header we read: run to the colon.
            i++;
            while (i < stop && TCHAR[buf[i] as number] === 1) i++;
            break;
          }
          this.#nameCandidates = this.values.narrowName(candidates, this.#pos, c);
          this.#pos++;
          i++;
          break;
        }
        case VALUE: {
          if (c === CR || c === LF) {
            i += this.#lineEnds(c, FIELD_LINE);
            state = LINE_FEED;
            break;
          }
          const field = this.#field;
          if (field === OTHER_FIELD) {
            i = skipToLineEnd(buf, i + 1, stop);
            break;
          }
          const problem = this.values.valueByte(field, c);
          if (problem !== null) {
            state = this.#fail('BAD_HEADER', problem);
            break scan;
          }
          i++;
          break;
        }
        case TRAILER_LINE:
          // Trailer fields mean nothing to us: only the LF that ends each line matters.
          while (i < stop && buf[i] !== LF) i++;
          if (i < stop) {
            i++;
            state = LINE_START;
          }
          break;
        default: {
          // LINE_FEED: the one place a line ends.
          if (c !== LF) {
            state = this.#fail('BAD_HEADER', 'expected LF after CR');
            break scan;
          }
          i++;
          const line = this.#endingLine;
          if (line === EMPTY_LINE) {
            state = ENDED;
            break scan;
          }
          if (line === STATUS_LINE) {
            if (this.#status < 100) {
              state = this.#fail('BAD_STATUS_LINE', 'invalid status code');
              break scan;
            }
            this.statusCode = this.#status;
          }
          state = LINE_START;
        }
      }
    }
    this.#blockBytes += i - start;
    if (state < ENDED && i === stop && stop < end) {
      state = this.#fail('HEADERS_TOO_LARGE', this.#trailers ? 'trailers too large' : 'headers too large');
    }
    this.#state = state;
    return i;
  }

  /**
   * Skips the CR/LF bytes at buf[start, end) that come before a status line; returns the index of the
   * first other byte (or end). One byte over MAX_STRAY_BYTES fails the block, with `error` set.
   */
  skipStray(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    let stray = this.#stray;
    while (i < end) {
      const c = buf[i] as number;
      if (c !== CR && c !== LF) break;
      if (++stray > MAX_STRAY_BYTES) {
        this.#state = this.#fail('BAD_STATUS_LINE', `more than ${MAX_STRAY_BYTES} CR/LF bytes before the status line`);
        break;
      }
      i++;
    }
    this.#stray = stray;
    return i;
  }

  #fail(code: HeaderBlockErrorCode, reason: string): number {
    this.errorCode = code;
    this.error = reason;
    return FAILED;
  }

  /**
   * c (CR or LF) ends `line`. A CR is taken here and a bare LF is left for LINE_FEED, so that lines end in
   * one place whichever ending the server uses. Returns how many bytes c takes here.
   */
  #lineEnds(c: number, line: number): number {
    this.#endingLine = line;
    return c === CR ? 1 : 0;
  }
}

/** Skip to the next CR or LF (or `stop`): the rest of a line whose bytes carry nothing we use. */
function skipToLineEnd(buf: Uint8Array, start: number, stop: number): number {
  let i = start;
  while (i < stop) {
    const c = buf[i] as number;
    if (c === CR || c === LF) break;
    i++;
  }
  return i;
}
