// Reads the values of the response headers that decide framing and reuse, and the Server name ab reports, a byte at a time.

import { Buffer } from 'node:buffer';
import { KnownWords } from './known-words.js';

// Every constant here is module-local on purpose: V8 folds a module's own constants into the code,
// but loads an imported or exported one from memory at each use, which the per-byte paths feel.
const HTAB = 9;
const SP = 32;
const COMMA = 44;
const SEMICOLON = 59;

const HEADER_NAMES = new KnownWords(['content-length', 'transfer-encoding', 'connection', 'server']);
const CONTENT_LENGTH = 1;
const TRANSFER_ENCODING = 2;
const CONNECTION = 4;
const SERVER = 8;
const FRAMING_HEADERS = CONTENT_LENGTH | TRANSFER_ENCODING | CONNECTION;

const CODINGS = new KnownWords(['chunked']);
const CHUNKED = 1;
const CONNECTION_OPTIONS = new KnownWords(['close', 'keep-alive']);
const CLOSE = 1;
const KEEP_ALIVE = 2;

const MAX_SERVER_BYTES = 4096;

const DIGITS_EXPECTED = 0;
const IN_DIGITS = 1;
const AFTER_DIGITS = 2;

/** What one header block said about framing and the connection; startBlock() forgets it for the next block. */
export class HeaderValues {
  /** -1 when absent; it does not frame the body when Transfer-Encoding is present. */
  contentLength = -1;
  hasTransferEncoding = false;
  /** The last transfer coding is chunked. */
  chunked = false;
  closeOption = false;
  keepAliveOption = false;
  /** The Server value as ab reports it (latin1, up to its first space or control byte, at most 4096 bytes), once read. */
  server: string | null = null;

  #lengthValue = 0;
  #lengthState = DIGITS_EXPECTED;
  #tokenWords = CODINGS;
  #tokenCandidates = 0;
  #tokenLength = 0;
  #tokenEnded = false;
  // Allocated on the first Server value a parser reads, then reused: no allocation per response.
  #serverBytes: Buffer | null = null;
  #serverLength = 0;
  #serverTrimmedLength = 0;

  startBlock(): void {
    this.contentLength = -1;
    this.hasTransferEncoding = false;
    this.chunked = false;
    this.closeOption = false;
    this.keepAliveOption = false;
    this.server = null;
  }

  /** Whether the connection may carry the next request (RFC 9112 §9.3). */
  allowsReuse(http11: boolean): boolean {
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing cannot be trusted past this message.
    if (!http11) return this.keepAliveOption && !this.closeOption && !this.hasTransferEncoding;
    return !this.closeOption;
  }

  /** The headers a name may still turn out to be, before its first byte. captureServer: Server too, unless one was read. */
  namesToMatch(captureServer: boolean): number {
    return captureServer && this.server === null ? FRAMING_HEADERS | SERVER : FRAMING_HEADERS;
  }

  /** The candidates left once `byte` is read at `position` of a name (see KnownWords). */
  narrowName(candidates: number, position: number, byte: number): number {
    return HEADER_NAMES.narrow(candidates, position, byte);
  }

  /**
   * The name ended at a colon after `nameLength` bytes. Returns the header whose value follows
   * (to pass to valueByte() and finishValue()), or 0 for a header we do not read.
   */
  startValue(candidates: number, nameLength: number): number {
    const header = HEADER_NAMES.whole(candidates, nameLength);
    if (header === CONTENT_LENGTH) {
      this.#lengthValue = 0;
      this.#lengthState = DIGITS_EXPECTED;
    } else if (header === SERVER) {
      this.#serverLength = 0;
      this.#serverTrimmedLength = 0;
      this.#serverBytes ??= Buffer.alloc(MAX_SERVER_BYTES);
    } else if (header !== 0) {
      this.#tokenWords = header === TRANSFER_ENCODING ? CODINGS : CONNECTION_OPTIONS;
      this.#startToken();
    }
    return header;
  }

  /** One byte of the value (never CR or LF). Returns why the value is invalid, or null. */
  valueByte(header: number, c: number): string | null {
    if (header === CONTENT_LENGTH) return this.#lengthByte(c);
    if (header === SERVER) {
      this.#serverByte(c);
    } else {
      this.#tokenByte(header, c);
    }
    return null;
  }

  /** The value, with any folded lines, is complete. Returns why it is invalid, or null. */
  finishValue(header: number): string | null {
    if (header === CONTENT_LENGTH) {
      if (this.#lengthState === DIGITS_EXPECTED) return 'invalid Content-Length';
      return this.#commitLength();
    }
    if (header === SERVER) {
      const serverBytes = this.#serverBytes;
      if (serverBytes !== null) this.server = serverBytes.toString('latin1', 0, this.#serverTrimmedLength);
    } else {
      this.#finishToken(header);
    }
    return null;
  }

  #lengthByte(c: number): string | null {
    if (c >= 0x30 && c <= 0x39) {
      if (this.#lengthState === AFTER_DIGITS) return 'invalid Content-Length';
      const value = this.#lengthValue * 10 + (c - 0x30);
      if (value > Number.MAX_SAFE_INTEGER) return 'Content-Length too large';
      this.#lengthValue = value;
      this.#lengthState = IN_DIGITS;
      return null;
    }
    if (c === SP || c === HTAB) {
      if (this.#lengthState === IN_DIGITS) this.#lengthState = AFTER_DIGITS;
      return null;
    }
    // RFC 9110 §8.6: a list of identical values ("42, 42") is the one non-digit form to accept.
    if (c === COMMA && this.#lengthState !== DIGITS_EXPECTED) return this.#commitLength();
    return 'invalid Content-Length';
  }

  #commitLength(): string | null {
    const value = this.#lengthValue;
    if (this.contentLength === -1) {
      this.contentLength = value;
    } else if (this.contentLength !== value) {
      return 'conflicting Content-Length';
    }
    this.#lengthValue = 0;
    this.#lengthState = DIGITS_EXPECTED;
    return null;
  }

  #startToken(): void {
    this.#tokenCandidates = this.#tokenWords.all;
    this.#tokenLength = 0;
    this.#tokenEnded = false;
  }

  /** One byte of a comma-separated token list (Transfer-Encoding or Connection). */
  #tokenByte(header: number, c: number): void {
    if (c === COMMA) {
      this.#finishToken(header);
      return;
    }
    if (c === SP || c === HTAB || c === SEMICOLON) {
      // Whitespace ends a token; ';' starts transfer-coding parameters, which we skip.
      if (this.#tokenLength === 0 && c === SEMICOLON) {
        this.#tokenCandidates = 0;
        this.#tokenLength = 1;
      }
      if (this.#tokenLength > 0) this.#tokenEnded = true;
      return;
    }
    if (this.#tokenEnded) {
      this.#tokenCandidates = 0;
      return;
    }
    const p = this.#tokenLength;
    this.#tokenCandidates = this.#tokenWords.narrow(this.#tokenCandidates, p, c);
    this.#tokenLength = p + 1;
  }

  #finishToken(header: number): void {
    const length = this.#tokenLength;
    if (length > 0) {
      const word = this.#tokenWords.whole(this.#tokenCandidates, length);
      if (header === TRANSFER_ENCODING) {
        // RFC 9112 §6.3: only a final "chunked" frames the body; each coding seen replaces the verdict.
        this.hasTransferEncoding = true;
        this.chunked = word === CHUNKED;
      } else if (word === CLOSE) {
        this.closeOption = true;
      } else if (word === KEEP_ALIVE) {
        this.keepAliveOption = true;
      }
    }
    this.#startToken();
  }

  /**
   * ab copies the value up to its first byte <= 32 (a space, a tab, a control byte): "Apache/2.4.71
   * (Debian)" is reported as "Apache/2.4.71", and scripts that read the field expect that.
   */
  #serverByte(c: number): void {
    const length = this.#serverLength;
    const serverBytes = this.#serverBytes;
    if (length >= MAX_SERVER_BYTES || serverBytes === null) return;
    if (c <= SP) {
      // Leading whitespace is the field's own; any other such byte ends what ab would copy.
      if (length > 0 || (c !== SP && c !== HTAB)) this.#serverLength = MAX_SERVER_BYTES;
      return;
    }
    serverBytes[length] = c;
    this.#serverLength = length + 1;
    this.#serverTrimmedLength = length + 1;
  }
}
