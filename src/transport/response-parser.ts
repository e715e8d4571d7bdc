// Incremental HTTP/1.x response parser (RFC 9112) for the load generator's hot path: status, framing and keep-alive, with no allocation per response.

import type { GbFailureCode } from '../failures.js';
import { ChunkedBody } from './chunked-body.js';
import { HeaderBlockScanner, type HeaderBlockErrorCode } from './header-block.js';

/** Every byte given was consumed; the message is not complete yet. */
export const NEED_MORE = -1;
/** The bytes are not a valid HTTP/1.x response; `error` says why. */
export const PARSE_ERROR = -2;

// Where execute() is in the message.
const HEAD = 0,
  BODY_LENGTH = 1,
  BODY_UNTIL_CLOSE = 2,
  CHUNKS = 3,
  TRAILERS = 4,
  DONE = 5,
  FAILED = 6;

const H = 0x48;

export class ResponseParser {
  /** Copy the Server header value into `serverHeader` (only for the first response of a run). */
  captureServer = false;
  bodyBytes = 0;
  keepAlive = false;
  headersComplete = false;
  started = false;
  error: string | null = null;
  /** The stable code for `error`. */
  errorCode: HeaderBlockErrorCode | Extract<GbFailureCode, 'BAD_CHUNK' | 'CLOSED' | 'INTERNAL'> | null = null;

  // Field initializers run in the constructor, so every instance has the same shape from birth.
  readonly #head = new HeaderBlockScanner();
  readonly #chunks = new ChunkedBody();
  #state = HEAD;
  #isHead = false;
  #remaining = 0;

  /** Of the response being parsed; once `headersComplete`, of the final (non-1xx) response. */
  get statusCode(): number {
    return this.#head.statusCode;
  }

  /** The final response's Server value (latin1, at most 4096 bytes), when captured; cleared by reset(). */
  get serverHeader(): string | null {
    return this.#head.values.server;
  }

  /** Before the response's first byte: whether it answers a HEAD request (requests of a run may differ in method). */
  expectHead(isHead: boolean): void {
    this.#isHead = isHead;
  }

  /** Prepare for the next response. isHead: the request was HEAD, so the response has no body whatever its headers say. */
  reset(isHead: boolean): void {
    this.#isHead = isHead;
    this.#state = HEAD;
    this.#remaining = 0;
    this.#head.startResponse();
    this.bodyBytes = 0;
    this.keepAlive = false;
    this.headersComplete = false;
    this.started = false;
    this.error = null;
  }

  /**
   * Parse buf[start, end). Returns the index just past the end of the message when it completed
   * (later bytes belong to the next pipelined response), NEED_MORE, or PARSE_ERROR.
   */
  execute(buf: Uint8Array, start: number, end: number): number {
    if (this.#state === FAILED) return PARSE_ERROR;
    if (this.#state === DONE) {
      this.#fail('INTERNAL', 'execute() after the message ended; call reset() first');
      return PARSE_ERROR;
    }
    if (end > buf.length) end = buf.length;
    if (!(start >= 0)) start = 0;
    if (!(start < end)) return NEED_MORE;
    if (!this.started) {
      // Nearly every response starts with 'H', so one compare per response is all the skip costs.
      if (buf[start] !== H) {
        start = this.skipStray(buf, start, end);
        if (start === PARSE_ERROR) return PARSE_ERROR;
        if (start === end) return NEED_MORE;
      }
      // Stray line ends are not the response: its first byte (and the time of it) is the status line's.
      this.started = true;
    }
    let i = start;
    for (;;) {
      const state = this.#state;
      if (state === DONE) return i;
      if (state === FAILED) return PARSE_ERROR;
      if (i >= end) return NEED_MORE;
      if (state === HEAD || state === TRAILERS) {
        i = this.#scanHeaderBlock(buf, i, end);
      } else if (state === BODY_LENGTH) {
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
          this.#state = DONE;
          i += remaining;
        }
      } else if (state === BODY_UNTIL_CLOSE) {
        this.bodyBytes += end - i;
        i = end;
      } else {
        i = this.#scanChunks(buf, i, end);
      }
    }
  }

  /**
   * Skips stray CR/LF bytes at buf[start, end) that precede the next status line (see
   * MAX_STRAY_BYTES), leaving `started` false. Returns the index of the first other byte, or
   * PARSE_ERROR once there were too many. A connection also calls it on bytes that arrive when no
   * request is awaited, so a CRLF after the last response is not taken for an answer to nothing.
   */
  skipStray(buf: Uint8Array, start: number, end: number): number {
    const head = this.#head;
    const i = head.skipStray(buf, start, end);
    if (head.error === null) return i;
    this.#fail(head.errorCode ?? 'BAD_STATUS_LINE', head.error);
    return PARSE_ERROR;
  }

  /**
   * The peer closed the connection. True when that properly ends the current message (a
   * close-delimited body); false when it was cut short, with `error` saying where.
   */
  finishOnClose(): boolean {
    const state = this.#state;
    if (state === DONE) return true;
    if (state === FAILED) return false;
    this.keepAlive = false;
    if (state === BODY_UNTIL_CLOSE) {
      this.#state = DONE;
      return true;
    }
    if (state === HEAD) {
      this.#fail('CLOSED', this.started ? 'connection closed inside the response headers' : 'connection closed before any response byte');
    } else if (state === BODY_LENGTH) {
      this.#fail('CLOSED', `connection closed after ${this.bodyBytes} of ${this.#head.values.contentLength} body bytes`);
    } else {
      this.#fail('CLOSED', `connection closed inside the chunked body after ${this.bodyBytes} body bytes`);
    }
    return false;
  }

  #fail(code: NonNullable<ResponseParser['errorCode']>, reason: string): void {
    this.errorCode = code;
    this.error = reason;
    this.#state = FAILED;
  }

  #scanHeaderBlock(buf: Uint8Array, start: number, end: number): number {
    const head = this.#head;
    const i = head.scan(buf, start, end, this.captureServer);
    if (head.error !== null) {
      this.#fail(head.errorCode ?? 'BAD_HEADER', head.error);
    } else if (head.ended) {
      if (this.#state === TRAILERS) this.#state = DONE;
      else this.#endHead();
    }
    return i;
  }

  #scanChunks(buf: Uint8Array, start: number, end: number): number {
    const chunks = this.#chunks;
    const i = chunks.scan(buf, start, end);
    this.bodyBytes = chunks.dataBytes;
    if (chunks.error !== null) {
      this.#fail('BAD_CHUNK', chunks.error);
    } else if (chunks.ended) {
      this.#head.startTrailers();
      this.#state = TRAILERS;
    }
    return i;
  }

  /** The empty line after the headers: either another status line follows (1xx) or the body framing is known. */
  #endHead(): void {
    const head = this.#head;
    const status = head.statusCode;
    if (status < 200 && status !== 101) {
      // RFC 9110 §15.2: interim responses carry no body; the final response follows on the same bytes.
      head.startHead();
      return;
    }
    const values = head.values;
    this.headersComplete = true;
    this.keepAlive = values.allowsReuse(head.http11);
    if (status === 101) {
      // After 101 the bytes are another protocol's; this parser cannot follow them.
      this.keepAlive = false;
      this.#state = DONE;
    } else if (this.#isHead || status === 204 || status === 304) {
      this.#state = DONE;
    } else if (values.chunked) {
      this.#chunks.start();
      this.#state = CHUNKS;
    } else if (values.hasTransferEncoding || values.contentLength < 0) {
      // RFC 9112 §6.3 items 4 and 8: the body runs until the server closes.
      this.keepAlive = false;
      this.#state = BODY_UNTIL_CLOSE;
    } else if (values.contentLength === 0) {
      this.#state = DONE;
    } else {
      this.#remaining = values.contentLength;
      this.#state = BODY_LENGTH;
    }
  }
}
