// HTTP/2 requests as HPACK header blocks and HEADERS frames, encoded once per run (per request only for a
// script's request()): every stream sends a copy with its stream id written in.

import type { Config, RequestTarget } from '../config/config.js';
import {
  DEFAULT_MAX_FRAME_SIZE,
  F_END_HEADERS,
  F_END_STREAM,
  FRAME_HEADER_BYTES,
  T_CONTINUATION,
  T_DATA,
  T_HEADERS,
  writeFrameHeader,
} from './h2-frames.js';
import { STATIC_TABLE } from './hpack-decoder.js';
import { requestParts } from './request-parts.js';
import { USER_AGENT_PREFIX, basic } from './request.js';

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2) or carries otherwise (Host becomes :authority). */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'te']);

export interface H2Request {
  /** The HPACK block of every stream's HEADERS frame. */
  readonly headerBlock: Buffer;
  /** The request body, sent as DATA; null for none. */
  readonly body: Uint8Array | null;
  /** The fields as name/value pairs, for -v's request print. */
  readonly fields: readonly (readonly [string, string])[];
  /** What a stream sends: the HEADERS frames carrying headerBlock (stream id 0), and the body. */
  readonly frames: H2Frames;
}

/** The run's request, or with `one` a --targets entry's (or a script's request), with the headers requestParts gives it, as over HTTP/1.1. */
export function buildH2Request(config: Config, version: string, one?: RequestTarget): H2Request {
  const parts = requestParts(config, one);
  const { target } = parts;
  const userNames = new Set(parts.headers.map((h) => h.name.toLowerCase()));
  const hostOverride = parts.headers.filter((h) => h.name.toLowerCase() === 'host').at(-1);
  const fields: [string, string][] = [
    [':method', parts.method],
    [':scheme', target.tls ? 'https' : 'http'],
    [':authority', hostOverride?.value ?? target.hostHeader],
    [':path', target.path],
  ];
  const grpc = config.grpc;
  const defaults: [string, string | null][] = [
    ['user-agent', `${USER_AGENT_PREFIX}${version}`],
    ['accept', grpc === null ? '*/*' : null],
    ['accept-encoding', config.acceptGzip ? 'gzip' : null],
    ['cookie', config.cookies.length > 0 ? config.cookies.join('; ') : null],
    ['authorization', config.basicAuth === null ? null : basic(config.basicAuth)],
    ['content-type', parts.body === null && grpc === null ? null : config.contentType],
    ['content-length', parts.body === null || grpc !== null ? null : String(parts.body.byteLength)],
    // gRPC over HTTP/2: the one TE value HTTP/2 allows (RFC 9113 §8.2.2), which gRPC servers require.
    ['te', grpc === null ? null : 'trailers'],
    ['grpc-timeout', grpc?.deadlineMs == null ? null : grpcTimeout(grpc.deadlineMs)],
  ];
  for (const [name, value] of defaults) if (value !== null && !userNames.has(name)) fields.push([name, value]);
  for (const h of parts.headers) {
    const name = h.name.toLowerCase();
    if (!CONNECTION_SPECIFIC.has(name)) fields.push([name, h.value]);
  }
  const body = parts.body === null || parts.body.byteLength === 0 ? null : parts.body;
  const headerBlock = encodeHeaderBlock(fields);
  return { headerBlock, body, fields, frames: h2Frames(headerBlock, body) };
}

/** gRPC's TimeoutValue is at most 8 digits: milliseconds while they fit, else seconds. */
function grpcTimeout(ms: number): string {
  const whole = Math.max(1, Math.ceil(ms));
  return whole < 1e8 ? `${whole}m` : `${Math.ceil(whole / 1000)}S`;
}

/** One target's request: buildH2Request with the target. */
export const buildH2TargetRequest: (config: Config, version: string, one: RequestTarget) => H2Request = buildH2Request;

/**
 * A stream's HEADERS (and CONTINUATION) frames with stream id 0, built once per request: a stream
 * sends a copy with its id written at each of `idOffsets`.
 */
export interface H2Frames {
  readonly bytes: Buffer;
  readonly idOffsets: readonly number[];
  /** The request body, sent as DATA within the server's windows; null for none. */
  readonly body: Uint8Array | null;
  /**
   * A body that fits one frame of the smallest size a server may set (gRPC's messages, most POSTs):
   * `bytes` followed by that one DATA frame with END_STREAM, id offsets and all, so a stream whose
   * windows take the body goes out whole in the HEADERS' write; null for a larger body or none.
   */
  readonly whole: { readonly bytes: Buffer; readonly idOffsets: readonly number[] } | null;
}

/** The HEADERS (and CONTINUATION) frames that carry `block`; END_STREAM unless a body follows as DATA. */
export function h2Frames(block: Buffer, body: Uint8Array | null): H2Frames {
  const endStream = body === null;
  const frames: Buffer[] = [];
  const idOffsets: number[] = [];
  let at = 0;
  let pos = 0;
  do {
    const piece = block.subarray(pos, pos + DEFAULT_MAX_FRAME_SIZE);
    const first = pos === 0;
    pos += piece.length;
    const last = pos >= block.length;
    const frame = Buffer.alloc(FRAME_HEADER_BYTES + piece.length);
    writeFrameHeader(
      frame,
      0,
      piece.length,
      first ? T_HEADERS : T_CONTINUATION,
      (first && endStream ? F_END_STREAM : 0) | (last ? F_END_HEADERS : 0),
      0,
    );
    frame.set(piece, FRAME_HEADER_BYTES);
    frames.push(frame);
    idOffsets.push(at + 5);
    at += frame.length;
  } while (pos < block.length);
  const bytes = Buffer.concat(frames);
  return { bytes, idOffsets, body, whole: wholeFrames(bytes, idOffsets, body) };
}

function wholeFrames(bytes: Buffer, idOffsets: readonly number[], body: Uint8Array | null): H2Frames['whole'] {
  if (body === null || body.length > DEFAULT_MAX_FRAME_SIZE) return null;
  const data = Buffer.alloc(FRAME_HEADER_BYTES + body.length);
  writeFrameHeader(data, 0, body.length, T_DATA, F_END_STREAM, 0);
  data.set(body, FRAME_HEADER_BYTES);
  return { bytes: Buffer.concat([bytes, data]), idOffsets: [...idOffsets, bytes.length + 5] };
}

/** Literal fields without indexing (RFC 7541 §6.2.2), no Huffman: a name in the static table goes by its index. */
export function encodeHeaderBlock(fields: readonly (readonly [string, string])[]): Buffer {
  const out: number[] = [];
  for (const [name, value] of fields) {
    const exact = STATIC_TABLE.findIndex(([n, v]) => n === name && v === value);
    if (exact >= 0) {
      writeInteger(out, 0x80, 7, exact + 1);
      continue;
    }
    const index = STATIC_TABLE.findIndex(([n]) => n === name);
    if (index >= 0) {
      writeInteger(out, 0x00, 4, index + 1);
    } else {
      out.push(0x00);
      writeString(out, name);
    }
    writeString(out, value);
  }
  return Buffer.from(out);
}

function writeString(out: number[], text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  writeInteger(out, 0x00, 7, bytes.length);
  for (const b of bytes) out.push(b);
}

/** RFC 7541 §5.1: an integer with an n-bit prefix after the first byte's `high` bits. */
export function writeInteger(out: number[], high: number, n: number, value: number): void {
  const max = (1 << n) - 1;
  if (value < max) {
    out.push(high | value);
    return;
  }
  out.push(high | max);
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}
