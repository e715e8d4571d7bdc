// A minimal protobuf writer: varints, zig-zag, fixed 64-bit and doubles, strings, packed fields and nested messages.

/** Wire types (protobuf encoding spec). */
const VARINT = 0;
const I64 = 1;
const LEN = 2;

/** A nested message's length is written in this many bytes' room, then moved back: messages stay below 2^35 bytes. */
const LENGTH_ROOM = 5;

/**
 * Writes one message front to back. Integers are JavaScript numbers up to 2^53 (counts,
 * timestamps in ms) or bigints for fixed 64-bit fields (nanoseconds). Nested messages and packed
 * fields are begun with begin() and closed with end(), so nothing is encoded twice to learn a length.
 */
export class ProtoWriter {
  #buf: Buffer;
  #at = 0;
  readonly #open: number[] = [];

  constructor(initialBytes = 4096) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Field `field` as a varint of a non-negative integer (uint32, uint64, int64 ≥ 0, bool, enum). */
  uint(field: number, value: number): this {
    this.#key(field, VARINT);
    return this.rawUint(value);
  }

  /** int64 or int32 that may be negative: ten bytes of two's complement, as protobuf does. */
  int(field: number, value: number): this {
    if (value >= 0) return this.uint(field, value);
    this.#key(field, VARINT);
    let rest = BigInt.asUintN(64, BigInt(value));
    this.#room(10);
    while (rest >= 0x80n) {
      this.#buf[this.#at++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.#buf[this.#at++] = Number(rest);
    return this;
  }

  /** sint32 / sint64: zig-zag, so small negative numbers stay short. */
  sint(field: number, value: number): this {
    this.#key(field, VARINT);
    return this.rawSint(value);
  }

  bool(field: number, value: boolean): this {
    return this.uint(field, value ? 1 : 0);
  }

  double(field: number, value: number): this {
    this.#eightBytes(field).writeDoubleLE(value, this.#at - 8);
    return this;
  }

  /** fixed64: a number below 2^53 or a bigint (OTLP's nanosecond times pass 2^53). */
  fixed64(field: number, value: number | bigint): this {
    this.#eightBytes(field).writeBigUInt64LE(BigInt(value), this.#at - 8);
    return this;
  }

  /** sfixed64. */
  sfixed64(field: number, value: number | bigint): this {
    this.#eightBytes(field).writeBigInt64LE(BigInt(value), this.#at - 8);
    return this;
  }

  /** The key of a 64-bit field and room for its value, which the caller writes into the last 8 bytes. */
  #eightBytes(field: number): Buffer {
    this.#key(field, I64);
    this.#room(8);
    this.#at += 8;
    return this.#buf;
  }

  string(field: number, value: string): this {
    const length = Buffer.byteLength(value);
    this.#key(field, LEN);
    this.rawUint(length);
    this.#room(length);
    this.#at += this.#buf.write(value, this.#at, 'utf8');
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.#key(field, LEN);
    this.rawUint(value.length);
    this.#room(value.length);
    this.#buf.set(value, this.#at);
    this.#at += value.length;
    return this;
  }

  /** Opens a length-delimited field: a nested message, or a packed repeated field written with the raw* methods. */
  begin(field: number): this {
    this.#key(field, LEN);
    this.#room(LENGTH_ROOM);
    this.#at += LENGTH_ROOM;
    this.#open.push(this.#at);
    return this;
  }

  /** Closes the innermost begin(): writes its length and moves its bytes up against it. */
  end(): this {
    const start = this.#open.pop();
    if (start === undefined) throw new Error('ProtoWriter.end() without begin()');
    const length = this.#at - start;
    const lengthAt = start - LENGTH_ROOM;
    const lengthBytes = varintSize(length);
    if (lengthBytes > LENGTH_ROOM) throw new Error('protobuf message too large');
    this.#at = lengthAt;
    this.rawUint(length);
    if (lengthBytes < LENGTH_ROOM) this.#buf.copyWithin(this.#at, start, start + length);
    this.#at += length;
    return this;
  }

  /** A varint with no field key (inside a packed field). */
  rawUint(value: number): this {
    this.#room(10);
    let rest = value;
    // Arithmetic, not shifts: values pass 2^32.
    while (rest >= 0x80) {
      this.#buf[this.#at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#buf[this.#at++] = rest;
    return this;
  }

  /** A zig-zag varint with no field key. */
  rawSint(value: number): this {
    return this.rawUint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** The message so far, copied out; the writer can go on. */
  finish(): Buffer {
    if (this.#open.length > 0) throw new Error('ProtoWriter.finish() inside an open field');
    return Buffer.from(this.#buf.subarray(0, this.#at));
  }

  get length(): number {
    return this.#at;
  }

  #key(field: number, wireType: number): void {
    this.rawUint(field * 8 + wireType);
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#at + bytes));
    this.#buf.copy(grown, 0, 0, this.#at);
    this.#buf = grown;
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}
