// WebSocket framing (RFC 6455 §5) as a client speaks it: masked frames out, a streaming decoder of the server's frames in.

import { MAX_WS_MESSAGE_BYTES } from '../config/config.js';

/** The largest message gb accepts (and so the largest frame): anything above is WS_FRAME_TOO_LARGE, not a slow buffer fill. */
export const MAX_MESSAGE_BYTES = MAX_WS_MESSAGE_BYTES;
/** RFC 6455 §5.5: a control frame carries at most 125 bytes. */
const MAX_CONTROL_BYTES = 125;

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** The close code RFC 6455 §7.1.5 says to report when a Close frame carried none. */
export const CLOSE_NO_STATUS = 1005;
/** §7.1.5: the connection ended without a Close frame. */
export const CLOSE_ABNORMAL = 1006;

/**
 * A cheap mask source per connection (xorshift32): RFC 6455 §10.3 wants keys a proxy cannot guess
 * ahead, which matters for content, not for a load generator's fixed message; one crypto call per
 * connection seeds it, none per frame.
 */
export class MaskSource {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }
}

/** A masked frame's header length for `length` payload bytes: 2, 4 or 10 bytes, plus the 4-byte key. */
export function maskedHeaderLength(length: number): number {
  return (length < 126 ? 2 : length < 65_536 ? 4 : 10) + 4;
}

/** Writes a final, masked frame header (key bytes left to the caller) at `out[0..]`; returns where the key goes. */
export function writeHeader(out: Buffer, opcode: number, length: number): number {
  out[0] = 0x80 | opcode;
  if (length < 126) {
    out[1] = 0x80 | length;
    return 2;
  }
  if (length < 65_536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(length, 2);
    return 4;
  }
  out[1] = 0x80 | 127;
  out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  out.writeUInt32BE(length >>> 0, 6);
  return 10;
}

/**
 * Puts `key` at `keyAt` and the masked copy of `payload` after it. Whole words are XORed four
 * bytes at a time where the payload allows it, which is what makes large messages affordable.
 */
export function maskInto(out: Buffer, keyAt: number, key: number, payload: Uint8Array): void {
  out.writeUInt32BE(key, keyAt);
  const start = keyAt + 4;
  const k0 = (key >>> 24) & 0xff;
  const k1 = (key >>> 16) & 0xff;
  const k2 = (key >>> 8) & 0xff;
  const k3 = key & 0xff;
  const n = payload.length;
  const words = n - (n % 4);
  for (let i = 0; i < words; i += 4) {
    out[start + i] = payload[i]! ^ k0;
    out[start + i + 1] = payload[i + 1]! ^ k1;
    out[start + i + 2] = payload[i + 2]! ^ k2;
    out[start + i + 3] = payload[i + 3]! ^ k3;
  }
  for (let i = words; i < n; i++) out[start + i] = payload[i]! ^ ((key >>> (24 - 8 * (i % 4))) & 0xff);
}

/** One whole masked frame in a buffer of its own: for control frames and the rare message a busy socket still holds. */
export function buildFrame(opcode: number, payload: Uint8Array, key: number): Buffer {
  const out = Buffer.allocUnsafe(maskedHeaderLength(payload.length) + payload.length);
  maskInto(out, writeHeader(out, opcode, payload.length), key, payload);
  return out;
}

/** The payload of a Close frame carrying `code`. */
export function closePayload(code: number): Buffer {
  const out = Buffer.allocUnsafe(2);
  out.writeUInt16BE(code, 0);
  return out;
}

/** The decoder needs more bytes. */
export const FRAME_NEED_MORE = -1;
/** The bytes break RFC 6455; `error` and `errorCode` say how. */
export const FRAME_ERROR = -2;

/** What a completed execute() found. */
export const EVENT_MESSAGE = 1;
export const EVENT_PING = 2;
export const EVENT_PONG = 3;
export const EVENT_CLOSE = 4;

export type FrameErrorCode = 'WS_PROTOCOL_ERROR' | 'WS_FRAME_TOO_LARGE';

// Where the decoder is within a frame.
const HEADER = 0,
  PAYLOAD = 1;

/**
 * The server's frames, fed in chunks split anywhere. execute() stops after each complete message or
 * control frame so the caller can act on it; data payloads are only counted (or, with `keepPayload`,
 * collected), control payloads kept in a buffer of their own. No allocation per frame.
 */
export class FrameDecoder {
  /** Collect each message's bytes into `payload()` (a journey reads them); off, they are only counted. */
  keepPayload = false;
  /** The event execute() last completed. */
  event = 0;
  /** The last message's opcode (text or binary) and size. */
  messageOpcode = 0;
  messageBytes = 0;
  /** The last Close frame's code (1005 when it carried none) and reason. */
  closeCode = CLOSE_NO_STATUS;
  error: string | null = null;
  errorCode: FrameErrorCode | null = null;
  /** Whether the current message has had a byte (a frame header counts). */
  started = false;

  readonly #header = Buffer.alloc(14);
  #headerHave = 0;
  #headerNeed = 2;
  #state = HEADER;
  #opcode = 0;
  #fin = false;
  #remaining = 0;
  /** A fragmented message is open: its opcode, and the bytes so far. */
  #inMessage = 0;
  #messageSoFar = 0;
  readonly #control = Buffer.alloc(MAX_CONTROL_BYTES);
  #controlLength = 0;
  #parts: Buffer[] = [];

  /** The last ping's (or pong's, or close's) payload; valid until the next execute(). */
  get control(): Buffer {
    return this.#control.subarray(0, this.#controlLength);
  }

  /** With keepPayload: the last message's bytes. */
  payload(): Buffer {
    const whole = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    this.#parts = [];
    return whole;
  }

  /** Decodes from `pos`: the position after a completed event (see `event`), FRAME_NEED_MORE, or FRAME_ERROR. */
  execute(chunk: Uint8Array, pos: number, end: number): number {
    let p = pos;
    while (p < end) {
      if (this.#state === HEADER) {
        p = this.#readHeader(chunk, p, end);
        if (p < 0) return p;
        continue;
      }
      const take = Math.min(this.#remaining, end - p);
      this.#payloadBytes(chunk, p, take);
      p += take;
      this.#remaining -= take;
      if (this.#remaining === 0 && this.#frameDone()) return p;
    }
    // A frame with no payload completes at its header's last byte, which the loop above may have just read.
    if (this.#state === PAYLOAD && this.#remaining === 0 && this.#frameDone()) return p;
    return FRAME_NEED_MORE;
  }

  #readHeader(chunk: Uint8Array, pos: number, end: number): number {
    let p = pos;
    const h = this.#header;
    while (this.#headerHave < this.#headerNeed && p < end) {
      h[this.#headerHave++] = chunk[p++]!;
      if (this.#headerHave === 2) {
        this.started = true;
        const len7 = h[1]! & 0x7f;
        if ((h[1]! & 0x80) !== 0) return this.#fail('WS_PROTOCOL_ERROR', 'the server masked a frame (RFC 6455 §5.1)');
        this.#headerNeed = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
      }
    }
    if (this.#headerHave < this.#headerNeed) return p;
    const problem = this.#beginFrame();
    return problem === null ? p : problem;
  }

  /** A frame header is complete: check it and set up its payload; FRAME_ERROR when it breaks the protocol. */
  #beginFrame(): number | null {
    const h = this.#header;
    const b0 = h[0]!;
    const len7 = h[1]! & 0x7f;
    const length = len7 === 126 ? h.readUInt16BE(2) : len7 === 127 ? h.readUInt32BE(2) * 2 ** 32 + h.readUInt32BE(6) : len7;
    this.#fin = (b0 & 0x80) !== 0;
    this.#opcode = b0 & 0x0f;
    this.#headerHave = 0;
    this.#headerNeed = 2;
    if ((b0 & 0x70) !== 0) return this.#fail('WS_PROTOCOL_ERROR', 'a frame with RSV bits set, and no extension was agreed');
    if (len7 === 127 && h[2]! >= 0x80) return this.#fail('WS_PROTOCOL_ERROR', 'a frame length with its top bit set');
    const op = this.#opcode;
    if (op >= 0x8) {
      if (op !== OP_CLOSE && op !== OP_PING && op !== OP_PONG)
        return this.#fail('WS_PROTOCOL_ERROR', `unknown control opcode 0x${op.toString(16)}`);
      if (!this.#fin) return this.#fail('WS_PROTOCOL_ERROR', 'a fragmented control frame');
      if (length > MAX_CONTROL_BYTES) return this.#fail('WS_PROTOCOL_ERROR', `a control frame of ${length} bytes (at most 125)`);
      this.#controlLength = 0;
    } else if (op === OP_CONTINUATION) {
      if (this.#inMessage === 0) return this.#fail('WS_PROTOCOL_ERROR', 'a continuation frame with no message to continue');
    } else if (op === OP_TEXT || op === OP_BINARY) {
      if (this.#inMessage !== 0) return this.#fail('WS_PROTOCOL_ERROR', 'a new message began before the last one ended');
      this.#inMessage = op;
      this.#messageSoFar = 0;
    } else {
      return this.#fail('WS_PROTOCOL_ERROR', `unknown data opcode 0x${op.toString(16)}`);
    }
    if (op < 0x8 && this.#messageSoFar + length > MAX_MESSAGE_BYTES)
      return this.#fail('WS_FRAME_TOO_LARGE', `a message of more than ${MAX_MESSAGE_BYTES} bytes (gb's limit is 16 MiB)`);
    this.#remaining = length;
    this.#state = PAYLOAD;
    return null;
  }

  #payloadBytes(chunk: Uint8Array, pos: number, count: number): void {
    if (count === 0) return;
    if (this.#opcode >= 0x8) {
      this.#control.set(chunk.subarray(pos, pos + count), this.#controlLength);
      this.#controlLength += count;
      return;
    }
    this.#messageSoFar += count;
    // The socket reuses its buffer after the call: collected bytes must be copied.
    if (this.keepPayload) this.#parts.push(Buffer.from(chunk.subarray(pos, pos + count)));
  }

  /** The frame's payload is all in: whether it completed an event. */
  #frameDone(): boolean {
    this.#state = HEADER;
    const op = this.#opcode;
    if (op >= 0x8) {
      this.event = op === OP_PING ? EVENT_PING : op === OP_PONG ? EVENT_PONG : EVENT_CLOSE;
      if (op === OP_CLOSE) this.closeCode = this.#controlLength >= 2 ? this.#control.readUInt16BE(0) : CLOSE_NO_STATUS;
      return true;
    }
    if (!this.#fin) return false;
    this.event = EVENT_MESSAGE;
    this.messageOpcode = this.#inMessage;
    this.messageBytes = this.#messageSoFar;
    if (this.keepPayload && this.#parts.length === 0) this.#parts.push(Buffer.alloc(0));
    this.#inMessage = 0;
    this.#messageSoFar = 0;
    this.started = false;
    return true;
  }

  #fail(code: FrameErrorCode, message: string): number {
    this.errorCode = code;
    this.error = message;
    return FRAME_ERROR;
  }

  /** A close of one byte is malformed (§5.5.1): the caller checks after EVENT_CLOSE. */
  get closeMalformed(): boolean {
    return this.#controlLength === 1;
  }

  /** Back to the start of a stream (a new socket). */
  reset(): void {
    this.#state = HEADER;
    this.#headerHave = 0;
    this.#headerNeed = 2;
    this.#inMessage = 0;
    this.#messageSoFar = 0;
    this.#parts = [];
    this.started = false;
    this.error = null;
    this.errorCode = null;
    this.event = 0;
  }
}
