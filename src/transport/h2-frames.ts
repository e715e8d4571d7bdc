// HTTP/2 framing (RFC 9113 §4, §6): the frame reader, fed any split of the byte stream, and the few frames gb writes.

import type { GbFailureCode } from '../failures.js';

export const FRAME_HEADER_BYTES = 9;
export const T_DATA = 0x0;
export const T_HEADERS = 0x1;
export const T_PRIORITY = 0x2;
export const T_RST_STREAM = 0x3;
export const T_SETTINGS = 0x4;
export const T_PUSH_PROMISE = 0x5;
export const T_PING = 0x6;
export const T_GOAWAY = 0x7;
export const T_WINDOW_UPDATE = 0x8;
export const T_CONTINUATION = 0x9;

export const F_END_STREAM = 0x1;
export const F_ACK = 0x1;
export const F_END_HEADERS = 0x4;
export const F_PADDED = 0x8;
export const F_PRIORITY = 0x20;

export const S_HEADER_TABLE_SIZE = 0x1;
export const S_ENABLE_PUSH = 0x2;
export const S_MAX_CONCURRENT_STREAMS = 0x3;
export const S_INITIAL_WINDOW_SIZE = 0x4;
export const S_MAX_FRAME_SIZE = 0x5;

export const E_NO_ERROR = 0x0;
export const E_PROTOCOL_ERROR = 0x1;
export const E_FLOW_CONTROL_ERROR = 0x3;
export const E_FRAME_SIZE_ERROR = 0x6;
export const E_REFUSED_STREAM = 0x7;
export const E_CANCEL = 0x8;
export const E_COMPRESSION_ERROR = 0x9;

const ERROR_NAMES = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

/** RFC 9113 §7's name of an error code, or its number for one it does not define. */
export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `error 0x${code.toString(16)}`;
}

/** What the client sends first on every connection (RFC 9113 §3.4). */
export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** The largest window HTTP/2 allows (§6.9.1). */
export const MAX_WINDOW = 2 ** 31 - 1;
/** The frame payload limit every peer accepts until told more (§6.5.2); gb never asks for more. */
export const DEFAULT_MAX_FRAME_SIZE = 16_384;
export const DEFAULT_WINDOW = 65_535;

/** Writes a frame header at `at`. */
export function writeFrameHeader(out: Uint8Array, at: number, length: number, type: number, flags: number, streamId: number): void {
  out[at] = length >>> 16;
  out[at + 1] = (length >>> 8) & 0xff;
  out[at + 2] = length & 0xff;
  out[at + 3] = type;
  out[at + 4] = flags;
  writeUint32(out, at + 5, streamId);
}

export function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 24) & 0xff;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

export function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** A whole frame with a small payload (SETTINGS, WINDOW_UPDATE, RST_STREAM, PING, GOAWAY). */
export function controlFrame(type: number, flags: number, streamId: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(out, 0, payload.length, type, flags, streamId);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export function settingsFrame(settings: readonly (readonly [id: number, value: number])[]): Buffer {
  const payload = new Uint8Array(settings.length * 6);
  settings.forEach(([id, value], i) => {
    payload[i * 6] = id >>> 8;
    payload[i * 6 + 1] = id & 0xff;
    writeUint32(payload, i * 6 + 2, value);
  });
  return controlFrame(T_SETTINGS, 0, 0, payload);
}

export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const payload = new Uint8Array(4);
  writeUint32(payload, 0, increment);
  return controlFrame(T_WINDOW_UPDATE, 0, streamId, payload);
}

export function rstStreamFrame(streamId: number, code: number): Buffer {
  const payload = new Uint8Array(4);
  writeUint32(payload, 0, code);
  return controlFrame(T_RST_STREAM, 0, streamId, payload);
}

export function goawayFrame(lastStreamId: number, code: number): Buffer {
  const payload = new Uint8Array(8);
  writeUint32(payload, 0, lastStreamId);
  writeUint32(payload, 4, code);
  return controlFrame(T_GOAWAY, 0, 0, payload);
}

export const SETTINGS_ACK = controlFrame(T_SETTINGS, F_ACK, 0, new Uint8Array(0));

/**
 * What gb says first on each connection: the preface, its SETTINGS (no push; stream windows as
 * large as HTTP/2 allows, so no response is throttled by gb), and the connection window opened the same.
 */
export const CLIENT_OPENING = Buffer.concat([
  CLIENT_PREFACE,
  settingsFrame([
    [S_ENABLE_PUSH, 0],
    [S_INITIAL_WINDOW_SIZE, MAX_WINDOW],
  ]),
  windowUpdateFrame(0, MAX_WINDOW - DEFAULT_WINDOW),
]);

/** Where the reader sends what it finds; the reader allocates nothing per frame. */
export interface FrameSink {
  /**
   * A whole frame other than DATA: its payload is bytes[start, start + length), valid only during
   * the call (a view into the socket's chunk, or into the reader's own buffer when it was split).
   */
  onFrame(type: number, flags: number, streamId: number, bytes: Uint8Array, start: number, length: number): void;
  /**
   * A whole DATA frame: `length` is its payload as flow control counts it (padding included),
   * `dataLength` the body bytes in it. The body itself is never kept.
   */
  onDataFrame(streamId: number, flags: number, length: number, dataLength: number): void;
  /** With FrameReader.keepData: body bytes[start, end) of a DATA frame, as they arrive (before its onDataFrame). */
  onDataBytes?(streamId: number, bytes: Uint8Array, start: number, end: number): void;
  /** The stream is not HTTP/2 framing; nothing follows. */
  onFramingError(code: FramingErrorCode, message: string): void;
}

/** What the reader finds wrong: no HTTP/2 at all, or a frame no HTTP/2 peer may send (each the RFC 9113 error's name). */
export type FramingErrorCode = Extract<GbFailureCode, 'NOT_HTTP2' | 'FRAME_SIZE_ERROR' | 'PROTOCOL_ERROR'>;

/**
 * Reads frames from a byte stream split anywhere. The first frame must be the server's SETTINGS
 * (§3.4): anything else (an HTTP/1.1 answer, most often) is reported as such.
 */
export class FrameReader {
  readonly #sink: FrameSink;
  readonly #head = new Uint8Array(FRAME_HEADER_BYTES);
  #headFill = 0;
  /** The current frame, once its header is read. */
  #type = 0;
  #flags = 0;
  #streamId = 0;
  #length = 0;
  /** Payload bytes of the current frame read so far. */
  #got = 0;
  /** DATA: the pad length, once its byte is seen (-1 before, when PADDED). */
  #padLength = 0;
  /** A split non-DATA payload is gathered here. */
  #payload: Uint8Array | null = null;
  #sawFirst = false;
  #halted = false;
  /** Frames larger than this are a FRAME_SIZE_ERROR (what gb advertises: the default). */
  maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  /** Hand DATA's body bytes to the sink (a script's response() reads bodies); off, they are only counted. */
  keepData = false;

  constructor(sink: FrameSink) {
    this.#sink = sink;
  }

  /** Stops reading: the sink gave up on this stream (the rest of the chunk is ignored). */
  halt(): void {
    this.#halted = true;
  }

  get halted(): boolean {
    return this.#halted;
  }

  feed(bytes: Uint8Array, start: number, end: number): void {
    let pos = start;
    while (pos < end && !this.#halted) {
      if (this.#headFill < FRAME_HEADER_BYTES) {
        // The common case, a whole header in the chunk, skips the copy.
        if (this.#headFill === 0 && end - pos >= FRAME_HEADER_BYTES) {
          if (!this.#beginFrame(bytes, pos)) return;
          pos += FRAME_HEADER_BYTES;
        } else {
          const take = Math.min(FRAME_HEADER_BYTES - this.#headFill, end - pos);
          this.#head.set(bytes.subarray(pos, pos + take), this.#headFill);
          this.#headFill += take;
          pos += take;
          if (this.#headFill < FRAME_HEADER_BYTES) return;
          if (!this.#beginFrame(this.#head, 0)) return;
        }
        this.#headFill = FRAME_HEADER_BYTES;
        if (this.#length === 0) {
          this.#endFrame(bytes, pos);
          continue;
        }
      }
      const want = this.#length - this.#got;
      const avail = end - pos;
      if (this.#type === T_DATA) {
        const take = Math.min(want, avail);
        if (this.#padLength < 0 && take > 0) this.#padLength = bytes[pos]!;
        if (this.keepData && take > 0) this.#dataBytes(bytes, pos, take);
        this.#got += take;
        pos += take;
        if (this.#got === this.#length) this.#endFrame(bytes, pos);
        continue;
      }
      if (this.#got === 0 && avail >= want) {
        // The whole payload is in this chunk: hand out a view of it.
        const at = pos;
        pos += want;
        this.#got = want;
        this.#finish(bytes, at);
        continue;
      }
      const take = Math.min(want, avail);
      this.#payload ??= new Uint8Array(DEFAULT_MAX_FRAME_SIZE);
      this.#payload.set(bytes.subarray(pos, pos + take), this.#got);
      this.#got += take;
      pos += take;
      if (this.#got === this.#length) this.#finish(this.#payload, 0);
    }
  }

  #beginFrame(h: Uint8Array, at: number): boolean {
    const length = (h[at]! << 16) | (h[at + 1]! << 8) | h[at + 2]!;
    const type = h[at + 3]!;
    if (!this.#sawFirst) {
      this.#sawFirst = true;
      // A SETTINGS of the wrong length is still an HTTP/2 peer's, and its sink says what is wrong with it.
      if (type !== T_SETTINGS || (h[at + 4]! & F_ACK) !== 0 || length > this.maxFrameSize) {
        this.#fail('NOT_HTTP2', notHttp2(h, at));
        return false;
      }
    }
    if (length > this.maxFrameSize) {
      this.#fail('FRAME_SIZE_ERROR', `a frame of ${length} bytes, over the ${this.maxFrameSize} allowed (type ${type})`);
      return false;
    }
    this.#type = type;
    this.#flags = h[at + 4]!;
    this.#streamId = readUint32(h, at + 5) & 0x7fffffff;
    this.#length = length;
    this.#got = 0;
    this.#padLength = type === T_DATA && (this.#flags & F_PADDED) !== 0 ? -1 : 0;
    if (type === T_DATA && this.#padLength < 0 && length === 0) {
      // Too short for a field it must carry (§4.2).
      this.#fail('FRAME_SIZE_ERROR', 'a padded DATA frame with no room for its pad length');
      return false;
    }
    return true;
  }

  /** The body bytes (not the pad length or padding) among payload bytes[pos, pos + take). */
  #dataBytes(bytes: Uint8Array, pos: number, take: number): void {
    const padded = (this.#flags & F_PADDED) !== 0;
    const lo = padded ? 1 : 0;
    const hi = padded ? this.#length - this.#padLength : this.#length;
    const from = Math.max(lo, this.#got);
    const to = Math.min(hi, this.#got + take);
    if (to > from) this.#sink.onDataBytes?.(this.#streamId, bytes, pos + from - this.#got, pos + to - this.#got);
  }

  /** A frame with an empty payload, or a DATA frame, is complete. */
  #endFrame(bytes: Uint8Array, pos: number): void {
    if (this.#type === T_DATA) {
      const padded = (this.#flags & F_PADDED) !== 0;
      const dataLength = padded ? this.#length - 1 - this.#padLength : this.#length;
      this.#headFill = 0;
      if (dataLength < 0) {
        this.#fail('PROTOCOL_ERROR', 'a DATA frame whose padding is longer than the frame');
        return;
      }
      this.#sink.onDataFrame(this.#streamId, this.#flags, this.#length, dataLength);
      return;
    }
    this.#finish(bytes, pos);
  }

  #finish(bytes: Uint8Array, at: number): void {
    this.#headFill = 0;
    this.#sink.onFrame(this.#type, this.#flags, this.#streamId, bytes, at, this.#length);
  }

  #fail(code: FramingErrorCode, message: string): void {
    this.#halted = true;
    this.#sink.onFramingError(code, message);
  }
}

/** Why the first bytes are not a server preface; an HTTP/1 answer is quoted, up to its line end. */
function notHttp2(h: Uint8Array, at: number): string {
  const text = Buffer.from(h.subarray(at, at + FRAME_HEADER_BYTES)).toString('latin1');
  if (text.startsWith('HTTP/')) return `the server answered in ${text.slice(0, 8)}, not HTTP/2 (it does not take h2c with prior knowledge)`;
  return 'the server did not start with an HTTP/2 SETTINGS frame';
}
