// A copy of a response's status line and headers as they arrive, for -v 2 and up (ab's "LOG: header received"),
// and of the start of its body when a --script response() asks for it.

/** A header block is at most 1 MiB (header-block.ts); the copy stops there too, plus the body bytes asked for. */
const MAX_HEAD_COPY = 1024 * 1024;
const FIRST_SIZE = 4096;

export class HeadCopy {
  /** Allocated on the first copy and grown as needed: runs without -v or a script never pay for it. */
  #bytes: Buffer | null = null;
  #length = 0;
  readonly #max: number;
  /** The body bytes of the response take() last returned (de-chunked, at most the limit); null when bodies are not kept. */
  body: Buffer | null = null;
  readonly #bodyLimit: number;

  /** bodyLimit: body bytes to keep after the head (-1: none). */
  constructor(bodyLimit = -1) {
    this.#bodyLimit = bodyLimit;
    this.#max = MAX_HEAD_COPY + Math.max(0, bodyLimit);
  }

  add(chunk: Uint8Array, from: number, to: number): void {
    const length = Math.min(to - from, this.#max - this.#length);
    if (length <= 0) return;
    let copy = (this.#bytes ??= Buffer.allocUnsafe(Math.min(this.#max, Math.max(FIRST_SIZE, length))));
    if (this.#length + length > copy.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.#max, Math.max(2 * copy.length, this.#length + length)));
      copy.copy(grown, 0, 0, this.#length);
      copy = this.#bytes = grown;
    }
    copy.set(chunk.subarray(from, from + length), this.#length);
    this.#length += length;
  }

  clear(): void {
    this.#length = 0;
  }

  /** The final response's status line and headers (interim 1xx blocks skipped), without the empty line; then forgets them. */
  take(): string {
    const text = this.#bytes?.toString('latin1', 0, this.#length) ?? '';
    const length = this.#length;
    this.#length = 0;
    let end = 0;
    for (;;) {
      const blank = text.indexOf('\r\n\r\n', end);
      if (blank < 0) {
        this.body = this.#bodyLimit < 0 ? null : Buffer.alloc(0);
        return text;
      }
      const interim = /^HTTP\/\d\.\d 1\d\d/.test(text.slice(end, blank));
      const head = text.slice(end, blank);
      end = blank + 4;
      if (!interim) {
        this.body =
          this.#bodyLimit < 0 || this.#bytes === null
            ? null
            : bodyOf(this.#bytes.subarray(end, length), /\r\ntransfer-encoding:[^\r]*chunked/i.test(head), this.#bodyLimit);
        return text.slice(0, blank);
      }
    }
  }
}

/** A copy of the body (at most `limit` bytes); chunked framing removed as far as the copy reaches. */
function bodyOf(raw: Buffer, chunked: boolean, limit: number): Buffer {
  if (!chunked) return Buffer.from(raw.subarray(0, limit));
  const parts: Buffer[] = [];
  let kept = 0;
  let at = 0;
  while (at < raw.length && kept < limit) {
    const lineEnd = raw.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) break;
    const size = parseInt(raw.toString('latin1', at, lineEnd).split(';')[0]!, 16);
    if (!Number.isFinite(size) || size <= 0) break;
    const piece = raw.subarray(lineEnd + 2, Math.min(lineEnd + 2 + size, raw.length, lineEnd + 2 + limit - kept));
    parts.push(piece);
    kept += piece.length;
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
