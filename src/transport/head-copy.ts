// A copy of a response's status line and headers as they arrive, for -v 2 and up (ab's "LOG: header received").

/** A header block is at most 1 MiB (header-block.ts); the copy stops there too. */
const MAX_HEAD_COPY = 1024 * 1024;

export class HeadCopy {
  /** Allocated on the first copy: runs without -v never pay for it. */
  #bytes: Buffer | null = null;
  #length = 0;

  add(chunk: Uint8Array, from: number, to: number): void {
    const length = Math.min(to - from, MAX_HEAD_COPY - this.#length);
    if (length <= 0) return;
    const copy = (this.#bytes ??= Buffer.alloc(MAX_HEAD_COPY));
    copy.set(chunk.subarray(from, from + length), this.#length);
    this.#length += length;
  }

  clear(): void {
    this.#length = 0;
  }

  /** The final response's status line and headers (interim 1xx blocks skipped), without the empty line; then forgets them. */
  take(): string {
    const text = this.#bytes?.toString('latin1', 0, this.#length) ?? '';
    this.#length = 0;
    let end = 0;
    for (;;) {
      const blank = text.indexOf('\r\n\r\n', end);
      if (blank < 0) return text;
      const interim = /^HTTP\/\d\.\d 1\d\d/.test(text.slice(end, blank));
      end = blank + 4;
      if (!interim) return text.slice(0, blank);
    }
  }
}
