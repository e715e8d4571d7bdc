// Why gb ends an HTTP/2 connection (GOAWAY) or resets a stream (RST_STREAM), the RFC 9113 code (§7) each
// cause puts on the wire, and how the connection's parts report one to the connection.

import { unreachable, type GbFailureCode } from '../failures.js';
import { E_CANCEL, E_COMPRESSION_ERROR, E_FLOW_CONTROL_ERROR, E_FRAME_SIZE_ERROR, E_PROTOCOL_ERROR } from './h2-frames.js';
import type { HpackErrorCode } from './hpack-decoder.js';

/** Why gb ends a connection (GOAWAY), as it records the failure of the streams that were open. */
export type ConnectionErrorCode = Extract<GbFailureCode, 'PROTOCOL_ERROR' | 'FLOW_CONTROL_ERROR' | 'FRAME_SIZE_ERROR'> | HpackErrorCode;
/** Why gb resets one stream whose answer it cannot take (RST_STREAM), as it records that stream's failure. */
export type StreamErrorCode = Extract<
  GbFailureCode,
  'PROTOCOL_ERROR' | 'BAD_HEADER' | 'BAD_STATUS_LINE' | 'FLOW_CONTROL_ERROR' | 'FRAME_SIZE_ERROR' | 'TIMEOUT'
>;

/**
 * Where a part of the connection (header-block assembly, flow control) says what it found wrong:
 * the connection writes the GOAWAY or RST_STREAM and fails the streams, as only it knows how.
 */
export interface ProtocolErrorSink {
  onConnectionError(code: ConnectionErrorCode, message: string): void;
  /** `slot`'s stream (open) cannot go on; the others can. */
  onStreamError(slot: number, code: StreamErrorCode, message: string): void;
}

/** The RFC 9113 error code (§7) gb's GOAWAY or RST_STREAM carries for each cause. */
export function wireCode(cause: ConnectionErrorCode | StreamErrorCode): number {
  switch (cause) {
    case 'PROTOCOL_ERROR':
    // A malformed response (§8.1.1): DATA before its headers, headers without :status or with a bad one.
    case 'BAD_HEADER':
    case 'BAD_STATUS_LINE':
      return E_PROTOCOL_ERROR;
    // §6.9.1: a window past 2^31 − 1.
    case 'FLOW_CONTROL_ERROR':
      return E_FLOW_CONTROL_ERROR;
    // §4.2: over the SETTINGS_MAX_FRAME_SIZE gb advertised, or the wrong length for a fixed-size frame.
    case 'FRAME_SIZE_ERROR':
      return E_FRAME_SIZE_ERROR;
    case 'COMPRESSION_ERROR':
    // §4.3 asks for COMPRESSION_ERROR when a field block is not decompressed, which is what gb's
    // limit does to the rest of one: HPACK's table cannot be kept in step past it.
    case 'HEADERS_TOO_LARGE':
      return E_COMPRESSION_ERROR;
    // §8.7: gb no longer wants the answer (its -s passed).
    case 'TIMEOUT':
      return E_CANCEL;
    default:
      return unreachable(cause);
  }
}
