// Recognises a few known words (header names, tokens) in a byte stream one byte at a time, ignoring ASCII case.

/**
 * Word k is bit 1 << k of a candidate mask. Feeding a byte narrows the mask with one table lookup,
 * so adding a word costs nothing per byte. Folding case with `byte | 0x20` is exact for the bytes
 * the words are made of (lower-case letters and '-'); the one other byte it maps onto '-' is CR,
 * which callers never feed.
 */
export class KnownWords {
  /** Every word: the mask to start a match with. */
  readonly all: number;
  readonly #longest: number;
  /** [position * 256 + (byte | 0x20)]: the words that have that byte at that position. */
  readonly #byteAt: Uint8Array;
  /** [length]: the words of exactly that length. */
  readonly #ofLength: Uint8Array;

  constructor(words: readonly string[]) {
    if (words.length > 8) throw new RangeError('a Uint8Array mask holds at most 8 words');
    this.all = (1 << words.length) - 1;
    this.#longest = Math.max(...words.map((word) => word.length));
    this.#byteAt = new Uint8Array(this.#longest * 256);
    this.#ofLength = new Uint8Array(this.#longest + 1);
    words.forEach((word, k) => {
      for (let p = 0; p < word.length; p++) {
        const at = p * 256 + word.charCodeAt(p);
        this.#byteAt[at] = (this.#byteAt[at] as number) | (1 << k);
      }
      this.#ofLength[word.length] = (this.#ofLength[word.length] as number) | (1 << k);
    });
  }

  /** The candidates that still match once `byte` is read at `position`. */
  narrow(candidates: number, position: number, byte: number): number {
    if (position >= this.#longest) return 0;
    return candidates & (this.#byteAt[position * 256 + (byte | 0x20)] as number);
  }

  /** The candidate that the first `length` bytes spell in full, or 0. */
  whole(candidates: number, length: number): number {
    if (length > this.#longest) return 0;
    return candidates & (this.#ofLength[length] as number);
  }
}
