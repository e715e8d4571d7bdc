// Incremental HTTP/1.x response parser (RFC 9112) for the load generator's hot path: status, framing and keep-alive, with no allocation per response.

import { Buffer } from 'node:buffer';

/** Every byte given was consumed; the message is not complete yet. */
export const NEED_MORE = -1;
/** The bytes are not a valid HTTP/1.x response; `error` says why. */
export const PARSE_ERROR = -2;

// Far above any real server's header block, low enough that a hostile peer cannot make us scan forever.
const MAX_HEADER_BLOCK_BYTES = 1024 * 1024;
const MAX_SERVER_BYTES = 4096;

const HTAB = 9;
const LF = 10;
const CR = 13;
const SP = 32;
const COMMA = 44;
const COLON = 58;
const SEMICOLON = 59;

// Where execute() is in the message. Chunk states are consecutive so one range test dispatches them.
const ST_HEAD = 0;
const ST_BODY_LENGTH = 1;
const ST_BODY_CLOSE = 2;
const ST_CHUNK_SIZE = 3;
const ST_CHUNK_SIZE_WS = 4;
const ST_CHUNK_EXT = 5;
const ST_CHUNK_SIZE_LF = 6;
const ST_CHUNK_DATA = 7;
const ST_CHUNK_DATA_CR = 8;
const ST_CHUNK_DATA_LF = 9;
const ST_TRAILER_LINE_START = 10;
const ST_TRAILER_LINE = 11;
const ST_TRAILER_END_LF = 12;
const ST_DONE = 13;
const ST_ERROR = 14;

// Where #parseHead() is inside a status line + header block.
const H_VERSION = 0;
const H_MINOR = 1;
const H_SP1 = 2;
const H_STATUS = 3;
const H_SP2 = 4;
const H_REASON = 5;
const H_STATUS_LF = 6;
const H_LINE_START = 7;
const H_NAME = 8;
const H_VALUE = 9;
const H_VALUE_LF = 10;
const H_END_LF = 11;

// The header whose value is being read. K_NONE: no header line yet, so a folded line is invalid.
const K_NONE = 0;
const K_OTHER = 1;
const K_CONTENT_LENGTH = 2;
const K_TRANSFER_ENCODING = 3;
const K_CONNECTION = 4;
const K_SERVER = 5;

// Candidate header names still matching the name read so far.
const M_CONTENT_LENGTH = 1;
const M_TRANSFER_ENCODING = 2;
const M_CONNECTION = 4;
const M_SERVER = 8;

// Candidate tokens: "chunked" in Transfer-Encoding; "close" and "keep-alive" in Connection.
const T_CHUNKED = 1;
const T_CLOSE = 1;
const T_KEEP_ALIVE = 2;

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
const HTTP_PREFIX = ascii('HTTP/1.');
const NAME_CONTENT_LENGTH = ascii('content-length');
const NAME_TRANSFER_ENCODING = ascii('transfer-encoding');
const NAME_CONNECTION = ascii('connection');
const NAME_SERVER = ascii('server');
const TOKEN_CHUNKED = ascii('chunked');
const TOKEN_CLOSE = ascii('close');
const TOKEN_KEEP_ALIVE = ascii('keep-alive');

// RFC 9110 §5.6.2 tchar: the bytes allowed in a header name.
const TCHAR = new Uint8Array(256);
for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TCHAR[ch.charCodeAt(0)] = 1;
}

const NOT_HEX = 255;
const HEX_VALUE = new Uint8Array(256).fill(NOT_HEX);
for (let d = 0; d < 16; d++) {
  const digit = d.toString(16);
  HEX_VALUE[digit.charCodeAt(0)] = d;
  HEX_VALUE[digit.toUpperCase().charCodeAt(0)] = d;
}

// Above this a chunk size would lose integer precision after one more hex digit.
const MAX_CHUNK_SIZE_BEFORE_DIGIT = Math.floor((Number.MAX_SAFE_INTEGER - 15) / 16);

/*
 * Reading bytes: every index is kept within [start, end) and end <= buf.length, so `buf[i] as number`
 * only drops the `undefined` that noUncheckedIndexedAccess adds; it never hides a real miss.
 * Comparing names and tokens with `byte | 0x20` folds ASCII upper case to lower case; it is only
 * applied to bytes already known to be tchar, and the expected bytes are lower-case letters and '-'.
 */
export class ResponseParser {
  /** Copy the Server header value into `serverHeader` (only for the first response of a run). */
  captureServer = false;
  /** The final response's Server value (latin1, at most 4096 bytes), when captured; cleared by reset(). */
  serverHeader: string | null = null;
  /** Of the response being parsed; once `headersComplete`, of the final (non-1xx) response. */
  statusCode = 0;
  httpMinor = 1;
  /** The Content-Length value, -1 when absent; it does not frame the body when Transfer-Encoding is present. */
  contentLength = -1;
  /** The last transfer coding is chunked. */
  chunked = false;
  bodyBytes = 0;
  /** Status lines and header lines, including 1xx interim responses and chunked trailer lines. */
  headerBytes = 0;
  wireBytes = 0;
  keepAlive = false;
  headersComplete = false;
  started = false;
  error: string | null = null;

  // Field initializers run in the constructor, so every instance has the same shape from birth.
  #state = ST_HEAD;
  #headState = H_VERSION;
  #isHead = false;
  /** Position inside the literal being matched: "HTTP/1.", the status digits, or a header name. */
  #pos = 0;
  #status = 0;
  /** Bytes of the current header or trailer block, against MAX_HEADER_BLOCK_BYTES. */
  #blockBytes = 0;
  #kind = K_NONE;
  #nameMask = 0;
  #contentLengthValue = 0;
  /** 0: expecting a digit, 1: inside digits, 2: whitespace after digits. */
  #contentLengthState = 0;
  #tokenMask = 0;
  #tokenLength = 0;
  #tokenEnded = false;
  #hasTransferEncoding = false;
  #sawClose = false;
  #sawKeepAlive = false;
  #remaining = 0;
  #chunkSize = 0;
  #chunkDigits = 0;
  #serverBuf: Buffer | null = null;
  #serverLength = 0;
  #serverTrimmedLength = 0;

  /** Prepare for the next response. isHead: the request was HEAD, so the response has no body whatever its headers say. */
  reset(isHead: boolean): void {
    this.#isHead = isHead;
    this.#state = ST_HEAD;
    this.serverHeader = null;
    this.statusCode = 0;
    this.httpMinor = 1;
    this.bodyBytes = 0;
    this.headerBytes = 0;
    this.wireBytes = 0;
    this.keepAlive = false;
    this.headersComplete = false;
    this.started = false;
    this.error = null;
    this.#remaining = 0;
    this.#startHeaderBlock();
  }

  /**
   * Parse buf[start, end). Returns the index just past the end of the message when it completed
   * (later bytes belong to the next pipelined response), NEED_MORE, or PARSE_ERROR.
   */
  execute(buf: Uint8Array, start: number, end: number): number {
    if (this.#state === ST_ERROR) return PARSE_ERROR;
    if (this.#state === ST_DONE) {
      this.#fail('execute() after the message ended; call reset() first');
      return PARSE_ERROR;
    }
    if (end > buf.length) end = buf.length;
    if (!(start >= 0)) start = 0;
    if (!(start < end)) return NEED_MORE;
    this.started = true;
    let i = start;
    for (;;) {
      const state = this.#state;
      if (state === ST_DONE) {
        this.wireBytes += i - start;
        return i;
      }
      if (state === ST_ERROR) {
        this.wireBytes += i - start;
        return PARSE_ERROR;
      }
      if (i >= end) {
        this.wireBytes += end - start;
        return NEED_MORE;
      }
      if (state === ST_HEAD) {
        i = this.#parseHead(buf, i, end);
      } else if (state === ST_BODY_LENGTH) {
        // Body bytes are counted, never looked at.
        const available = end - i;
        const remaining = this.#remaining;
        if (available < remaining) {
          this.bodyBytes += available;
          this.#remaining = remaining - available;
          i = end;
        } else {
          this.bodyBytes += remaining;
          this.#remaining = 0;
          this.#state = ST_DONE;
          i += remaining;
        }
      } else if (state === ST_BODY_CLOSE) {
        this.bodyBytes += end - i;
        i = end;
      } else if (state >= ST_TRAILER_LINE_START) {
        i = this.#parseTrailers(buf, i, end);
      } else {
        i = this.#parseChunked(buf, i, end);
      }
    }
  }

  /**
   * The peer closed the connection. True when that properly ends the current message (a
   * close-delimited body); false when it was cut short, with `error` saying where.
   */
  finishOnClose(): boolean {
    const state = this.#state;
    if (state === ST_DONE) return true;
    if (state === ST_ERROR) return false;
    if (state === ST_BODY_CLOSE) {
      this.#state = ST_DONE;
      this.keepAlive = false;
      return true;
    }
    this.keepAlive = false;
    if (state === ST_HEAD) {
      this.#fail(this.started ? 'connection closed inside the response headers' : 'connection closed before any response byte');
    } else if (state === ST_BODY_LENGTH) {
      this.#fail(`connection closed after ${this.bodyBytes} of ${this.contentLength} body bytes`);
    } else {
      this.#fail(`connection closed inside the chunked body after ${this.bodyBytes} body bytes`);
    }
    return false;
  }

  #failAt(reason: string, index: number): number {
    this.#fail(reason);
    return index;
  }

  #fail(reason: string): false {
    this.error = reason;
    this.#state = ST_ERROR;
    return false;
  }

  /** Per-response header facts; called by reset() and again after each 1xx interim response. */
  #startHeaderBlock(): void {
    this.#headState = H_VERSION;
    this.#pos = 0;
    this.#status = 0;
    this.#blockBytes = 0;
    this.#kind = K_NONE;
    this.contentLength = -1;
    this.chunked = false;
    this.#hasTransferEncoding = false;
    this.#sawClose = false;
    this.#sawKeepAlive = false;
  }

  /** Status line and header lines, one byte at a time except inside values and names nobody cares about. */
  #parseHead(buf: Uint8Array, start: number, end: number): number {
    // Stopping at the block limit (rather than checking a counter per byte) fails at the same byte whatever the split.
    const allowance = MAX_HEADER_BLOCK_BYTES - this.#blockBytes;
    const stop = end - start > allowance ? start + allowance : end;
    let hs = this.#headState;
    let ended = false;
    let i = start;
    scan: while (i < stop) {
      const c = buf[i] as number;
      switch (hs) {
        case H_VERSION: {
          const p = this.#pos;
          if (c !== HTTP_PREFIX[p]) {
            this.#fail(p < 5 ? 'not an HTTP/1.x response' : p === 5 ? 'unsupported HTTP version' : 'invalid HTTP version');
            break scan;
          }
          this.#pos = p + 1;
          if (p + 1 === HTTP_PREFIX.length) hs = H_MINOR;
          i++;
          break;
        }
        case H_MINOR:
          if (c < 0x30 || c > 0x39) {
            this.#fail('invalid HTTP version');
            break scan;
          }
          // RFC 9110 §2.5: a higher minor version is treated as the highest we implement.
          this.httpMinor = c === 0x30 ? 0 : 1;
          hs = H_SP1;
          i++;
          break;
        case H_SP1:
          if (c !== SP) {
            this.#fail('missing space after HTTP version');
            break scan;
          }
          this.#pos = 0;
          this.#status = 0;
          hs = H_STATUS;
          i++;
          break;
        case H_STATUS:
          if (c < 0x30 || c > 0x39) {
            this.#fail('invalid status code');
            break scan;
          }
          this.#status = this.#status * 10 + (c - 0x30);
          if (++this.#pos === 3) hs = H_SP2;
          i++;
          break;
        case H_SP2:
          // Some servers end the line right after the code; accepting that costs nothing.
          if (c === SP) {
            hs = H_REASON;
          } else if (c === CR) {
            hs = H_STATUS_LF;
          } else if (c === LF) {
            if (!this.#endStatusLine()) break scan;
            hs = H_LINE_START;
          } else {
            this.#fail(c >= 0x30 && c <= 0x39 ? 'invalid status code' : 'missing space after status code');
            break scan;
          }
          i++;
          break;
        case H_REASON:
          if (c === CR) {
            hs = H_STATUS_LF;
          } else if (c === LF) {
            if (!this.#endStatusLine()) break scan;
            hs = H_LINE_START;
          } else {
            // The reason phrase carries nothing we use (RFC 9112 §4), so skip it wholesale.
            i++;
            while (i < stop) {
              const b = buf[i] as number;
              if (b === CR || b === LF) break;
              i++;
            }
            break;
          }
          i++;
          break;
        case H_STATUS_LF:
          if (c !== LF) {
            this.#fail('expected LF after CR');
            break scan;
          }
          i++;
          if (!this.#endStatusLine()) break scan;
          hs = H_LINE_START;
          break;
        case H_LINE_START:
          if (c === SP || c === HTAB) {
            // RFC 9112 §5.2: obs-fold continues the previous value; the value reader takes this byte as whitespace.
            if (this.#kind === K_NONE) {
              this.#fail('whitespace before the first header line');
              break scan;
            }
            hs = H_VALUE;
            break;
          }
          // Only now is the previous value known to be complete (no fold follows).
          if (this.#kind > K_OTHER && !this.#finishValue()) break scan;
          if (c === CR) {
            hs = H_END_LF;
            i++;
            break;
          }
          if (c === LF) {
            i++;
            ended = true;
            break scan;
          }
          if (TCHAR[c] === 0) {
            this.#fail('invalid header name');
            break scan;
          }
          this.#nameMask =
            this.captureServer && this.serverHeader === null
              ? M_CONTENT_LENGTH | M_TRANSFER_ENCODING | M_CONNECTION | M_SERVER
              : M_CONTENT_LENGTH | M_TRANSFER_ENCODING | M_CONNECTION;
          this.#pos = 0;
          hs = H_NAME;
          break;
        case H_NAME: {
          let mask = this.#nameMask;
          if (c === COLON) {
            this.#startValue(mask, this.#pos);
            hs = H_VALUE;
            i++;
            break;
          }
          if (TCHAR[c] === 0) {
            this.#fail(c === CR || c === LF ? 'header line without a colon' : 'invalid header name');
            break scan;
          }
          if (mask === 0) {
            // Not a header we read: run to the colon.
            i++;
            while (i < stop && TCHAR[buf[i] as number] === 1) i++;
            break;
          }
          const p = this.#pos;
          const lower = c | 0x20;
          if ((mask & M_CONTENT_LENGTH) !== 0 && (p >= NAME_CONTENT_LENGTH.length || NAME_CONTENT_LENGTH[p] !== lower)) {
            mask &= ~M_CONTENT_LENGTH;
          }
          if ((mask & M_TRANSFER_ENCODING) !== 0 && (p >= NAME_TRANSFER_ENCODING.length || NAME_TRANSFER_ENCODING[p] !== lower)) {
            mask &= ~M_TRANSFER_ENCODING;
          }
          if ((mask & M_CONNECTION) !== 0 && (p >= NAME_CONNECTION.length || NAME_CONNECTION[p] !== lower)) {
            mask &= ~M_CONNECTION;
          }
          if ((mask & M_SERVER) !== 0 && (p >= NAME_SERVER.length || NAME_SERVER[p] !== lower)) {
            mask &= ~M_SERVER;
          }
          this.#nameMask = mask;
          this.#pos = p + 1;
          i++;
          break;
        }
        case H_VALUE: {
          if (c === CR) {
            hs = H_VALUE_LF;
            i++;
            break;
          }
          if (c === LF) {
            hs = H_LINE_START;
            i++;
            break;
          }
          const kind = this.#kind;
          if (kind === K_OTHER) {
            i++;
            while (i < stop) {
              const b = buf[i] as number;
              if (b === CR || b === LF) break;
              i++;
            }
            break;
          }
          if (kind === K_CONTENT_LENGTH) {
            if (!this.#contentLengthByte(c)) break scan;
          } else if (kind === K_SERVER) {
            this.#serverByte(c);
          } else {
            this.#tokenByte(c);
          }
          i++;
          break;
        }
        case H_VALUE_LF:
          if (c !== LF) {
            this.#fail('expected LF after CR');
            break scan;
          }
          hs = H_LINE_START;
          i++;
          break;
        default: // H_END_LF
          if (c !== LF) {
            this.#fail('expected LF after CR');
            break scan;
          }
          i++;
          ended = true;
          break scan;
      }
    }
    this.#headState = hs;
    const consumed = i - start;
    this.headerBytes += consumed;
    this.#blockBytes += consumed;
    if (this.#state === ST_ERROR) return i;
    if (ended) {
      this.#endHeaders();
    } else if (i === stop && stop < end) {
      this.#fail('headers too large');
    }
    return i;
  }

  #endStatusLine(): boolean {
    if (this.#status < 100) return this.#fail('invalid status code');
    this.statusCode = this.#status;
    return true;
  }

  /** The name ended at a colon: decide which header this is and prepare to read its value. */
  #startValue(mask: number, nameLength: number): void {
    let kind = K_OTHER;
    if ((mask & M_CONTENT_LENGTH) !== 0 && nameLength === NAME_CONTENT_LENGTH.length) {
      kind = K_CONTENT_LENGTH;
      this.#contentLengthValue = 0;
      this.#contentLengthState = 0;
    } else if ((mask & M_TRANSFER_ENCODING) !== 0 && nameLength === NAME_TRANSFER_ENCODING.length) {
      kind = K_TRANSFER_ENCODING;
      this.#startToken(kind);
    } else if ((mask & M_CONNECTION) !== 0 && nameLength === NAME_CONNECTION.length) {
      kind = K_CONNECTION;
      this.#startToken(kind);
    } else if ((mask & M_SERVER) !== 0 && nameLength === NAME_SERVER.length) {
      kind = K_SERVER;
      this.#serverLength = 0;
      this.#serverTrimmedLength = 0;
      this.#serverBuf ??= Buffer.alloc(MAX_SERVER_BYTES);
    }
    this.#kind = kind;
  }

  /** The value (with any folded lines) is complete. */
  #finishValue(): boolean {
    const kind = this.#kind;
    this.#kind = K_OTHER;
    if (kind === K_CONTENT_LENGTH) {
      if (this.#contentLengthState === 0) return this.#fail('invalid Content-Length');
      return this.#commitContentLength();
    }
    if (kind === K_SERVER) {
      const serverBuf = this.#serverBuf;
      if (serverBuf !== null) this.serverHeader = serverBuf.toString('latin1', 0, this.#serverTrimmedLength);
      return true;
    }
    this.#finishToken(kind);
    return true;
  }

  #contentLengthByte(c: number): boolean {
    if (c >= 0x30 && c <= 0x39) {
      if (this.#contentLengthState === 2) return this.#fail('invalid Content-Length');
      const value = this.#contentLengthValue * 10 + (c - 0x30);
      if (value > Number.MAX_SAFE_INTEGER) return this.#fail('Content-Length too large');
      this.#contentLengthValue = value;
      this.#contentLengthState = 1;
      return true;
    }
    if (c === SP || c === HTAB) {
      if (this.#contentLengthState === 1) this.#contentLengthState = 2;
      return true;
    }
    // RFC 9110 §8.6: a list of identical values ("42, 42") is the one non-digit form to accept.
    if (c === COMMA && this.#contentLengthState !== 0) return this.#commitContentLength();
    return this.#fail('invalid Content-Length');
  }

  #commitContentLength(): boolean {
    const value = this.#contentLengthValue;
    if (this.contentLength === -1) {
      this.contentLength = value;
    } else if (this.contentLength !== value) {
      return this.#fail('conflicting Content-Length');
    }
    this.#contentLengthValue = 0;
    this.#contentLengthState = 0;
    return true;
  }

  #startToken(kind: number): void {
    this.#tokenMask = kind === K_TRANSFER_ENCODING ? T_CHUNKED : T_CLOSE | T_KEEP_ALIVE;
    this.#tokenLength = 0;
    this.#tokenEnded = false;
  }

  /** One byte of a comma-separated token list (Transfer-Encoding or Connection). */
  #tokenByte(c: number): void {
    if (c === COMMA) {
      this.#finishToken(this.#kind);
      return;
    }
    if (c === SP || c === HTAB || c === SEMICOLON) {
      // Whitespace ends a token; ';' starts transfer-coding parameters, which we skip.
      if (this.#tokenLength === 0 && c === SEMICOLON) {
        this.#tokenMask = 0;
        this.#tokenLength = 1;
      }
      if (this.#tokenLength > 0) this.#tokenEnded = true;
      return;
    }
    if (this.#tokenEnded) {
      this.#tokenMask = 0;
      return;
    }
    const p = this.#tokenLength;
    const lower = c | 0x20;
    let mask = this.#tokenMask;
    if (this.#kind === K_TRANSFER_ENCODING) {
      if ((mask & T_CHUNKED) !== 0 && (p >= TOKEN_CHUNKED.length || TOKEN_CHUNKED[p] !== lower)) mask = 0;
    } else {
      if ((mask & T_CLOSE) !== 0 && (p >= TOKEN_CLOSE.length || TOKEN_CLOSE[p] !== lower)) mask &= ~T_CLOSE;
      if ((mask & T_KEEP_ALIVE) !== 0 && (p >= TOKEN_KEEP_ALIVE.length || TOKEN_KEEP_ALIVE[p] !== lower)) {
        mask &= ~T_KEEP_ALIVE;
      }
    }
    this.#tokenMask = mask;
    this.#tokenLength = p + 1;
  }

  #finishToken(kind: number): void {
    const length = this.#tokenLength;
    if (length > 0) {
      const mask = this.#tokenMask;
      if (kind === K_TRANSFER_ENCODING) {
        // RFC 9112 §6.3: only a final "chunked" frames the body; each coding seen replaces the verdict.
        this.#hasTransferEncoding = true;
        this.chunked = (mask & T_CHUNKED) !== 0 && length === TOKEN_CHUNKED.length;
      } else {
        if ((mask & T_CLOSE) !== 0 && length === TOKEN_CLOSE.length) this.#sawClose = true;
        if ((mask & T_KEEP_ALIVE) !== 0 && length === TOKEN_KEEP_ALIVE.length) this.#sawKeepAlive = true;
      }
    }
    this.#startToken(kind);
  }

  #serverByte(c: number): void {
    const length = this.#serverLength;
    const serverBuf = this.#serverBuf;
    if (length >= MAX_SERVER_BYTES || serverBuf === null) return;
    if (c === SP || c === HTAB) {
      if (length === 0) return; // leading whitespace
    } else {
      this.#serverTrimmedLength = length + 1; // trailing whitespace is dropped by ending at the last other byte
    }
    serverBuf[length] = c;
    this.#serverLength = length + 1;
  }

  /** The empty line after the headers: either another status line follows (1xx) or the body framing is known. */
  #endHeaders(): void {
    const status = this.#status;
    if (status < 200 && status !== 101) {
      // RFC 9110 §15.2: interim responses carry no body; the final response follows on the same bytes.
      this.serverHeader = null;
      this.#startHeaderBlock();
      return;
    }
    this.headersComplete = true;
    this.keepAlive = this.httpMinor === 1 ? !this.#sawClose : this.#sawKeepAlive && !this.#sawClose;
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing cannot be trusted past this message.
    if (this.#hasTransferEncoding && this.httpMinor === 0) this.keepAlive = false;
    if (status === 101) {
      // After 101 the bytes are another protocol's; this parser cannot follow them.
      this.keepAlive = false;
      this.#state = ST_DONE;
    } else if (this.#isHead || status === 204 || status === 304) {
      this.#state = ST_DONE;
    } else if (this.chunked) {
      this.#chunkSize = 0;
      this.#chunkDigits = 0;
      this.#state = ST_CHUNK_SIZE;
    } else if (this.#hasTransferEncoding || this.contentLength < 0) {
      // RFC 9112 §6.3 items 4 and 8: the body runs until the server closes.
      this.keepAlive = false;
      this.#state = ST_BODY_CLOSE;
    } else if (this.contentLength === 0) {
      this.#state = ST_DONE;
    } else {
      this.#remaining = this.contentLength;
      this.#state = ST_BODY_LENGTH;
    }
  }

  /** Chunk-size lines, chunk data and the CRLF after it, up to the last-chunk line. */
  #parseChunked(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end) {
      const state = this.#state;
      if (state === ST_CHUNK_DATA) {
        const available = end - i;
        const remaining = this.#remaining;
        if (available < remaining) {
          this.bodyBytes += available;
          this.#remaining = remaining - available;
          return end;
        }
        this.bodyBytes += remaining;
        this.#remaining = 0;
        this.#state = ST_CHUNK_DATA_CR;
        i += remaining;
        continue;
      }
      const c = buf[i] as number;
      switch (state) {
        case ST_CHUNK_SIZE: {
          const digit = HEX_VALUE[c] as number;
          if (digit !== NOT_HEX) {
            if (this.#chunkSize > MAX_CHUNK_SIZE_BEFORE_DIGIT) return this.#failAt('chunk size too large', i);
            this.#chunkSize = this.#chunkSize * 16 + digit;
            this.#chunkDigits++;
          } else if (this.#chunkDigits === 0) {
            return this.#failAt('invalid chunk size', i);
          } else if (c === CR) {
            this.#state = ST_CHUNK_SIZE_LF;
          } else if (c === LF) {
            this.#endChunkSizeLine();
          } else if (c === SEMICOLON) {
            this.#state = ST_CHUNK_EXT;
          } else if (c === SP || c === HTAB) {
            this.#state = ST_CHUNK_SIZE_WS;
          } else {
            return this.#failAt('invalid chunk size', i);
          }
          break;
        }
        case ST_CHUNK_SIZE_WS:
          // RFC 9112 §7.1.1 allows whitespace only before an extension; a bare line end is tolerated too.
          if (c === SEMICOLON) this.#state = ST_CHUNK_EXT;
          else if (c === CR) this.#state = ST_CHUNK_SIZE_LF;
          else if (c === LF) this.#endChunkSizeLine();
          else if (c !== SP && c !== HTAB) return this.#failAt('invalid chunk size', i);
          break;
        case ST_CHUNK_EXT:
          // Extensions mean nothing to us; skip to the line end.
          if (c === CR) this.#state = ST_CHUNK_SIZE_LF;
          else if (c === LF) this.#endChunkSizeLine();
          break;
        case ST_CHUNK_SIZE_LF:
          if (c !== LF) return this.#failAt('expected LF after CR', i);
          this.#endChunkSizeLine();
          break;
        case ST_CHUNK_DATA_CR:
          if (c === CR) this.#state = ST_CHUNK_DATA_LF;
          else if (c === LF) this.#startChunk();
          else return this.#failAt('missing CRLF after chunk data', i);
          break;
        case ST_CHUNK_DATA_LF:
          if (c !== LF) return this.#failAt('missing CRLF after chunk data', i);
          this.#startChunk();
          break;
        default:
          return i; // trailers, done or failed: execute() dispatches
      }
      i++;
    }
    return i;
  }

  #startChunk(): void {
    this.#chunkSize = 0;
    this.#chunkDigits = 0;
    this.#state = ST_CHUNK_SIZE;
  }

  #endChunkSizeLine(): void {
    if (this.#chunkSize === 0) {
      this.#blockBytes = 0;
      this.#state = ST_TRAILER_LINE_START;
    } else {
      this.#remaining = this.#chunkSize;
      this.#state = ST_CHUNK_DATA;
    }
  }

  /** Trailer lines after the last chunk are skipped (counted as header bytes) until the empty line. */
  #parseTrailers(buf: Uint8Array, start: number, end: number): number {
    const allowance = MAX_HEADER_BLOCK_BYTES - this.#blockBytes;
    const stop = end - start > allowance ? start + allowance : end;
    let i = start;
    while (i < stop) {
      const state = this.#state;
      const c = buf[i] as number;
      if (state === ST_TRAILER_LINE_START) {
        if (c === CR) {
          this.#state = ST_TRAILER_END_LF;
        } else if (c === LF) {
          this.#state = ST_DONE;
          i++;
          break;
        } else {
          this.#state = ST_TRAILER_LINE;
          continue;
        }
        i++;
      } else if (state === ST_TRAILER_LINE) {
        const lineStart = i;
        while (i < stop && buf[i] !== LF) i++;
        if (i < stop) {
          i++;
          this.#state = ST_TRAILER_LINE_START;
        }
        this.headerBytes += i - lineStart;
      } else {
        if (c !== LF) {
          this.#fail('expected LF after CR');
          break;
        }
        this.#state = ST_DONE;
        i++;
        break;
      }
    }
    this.#blockBytes += i - start;
    if (this.#state !== ST_DONE && this.#state !== ST_ERROR && i === stop && stop < end) {
      this.#fail('trailers too large');
    }
    return i;
  }
}
