// The words for failures that transport (which sees them), metrics (which counts them) and reports share.

/**
 * ab's failure classes, plus the two timeouts that ab folds into Receive and Connect, plus gb's
 * 'script': a --script hook that threw (request() before sending, response() after reading) or a
 * response() that returned false.
 */
export type FailureKind = 'connect' | 'receive' | 'exceptions' | 'timeout' | 'connectTimeout' | 'script';

/**
 * gRPC's status codes by number (grpc/doc/statuscodes.md): a call's grpc-status is reported by name,
 * and a non-OK one is a failure whose code is GRPC_<name>.
 */
// prettier-ignore
export const GRPC_STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

export type GrpcStatusName = (typeof GRPC_STATUS_NAMES)[number];

/** A grpc-status by name; a number outside the 17 codes is named by its digits. */
export function grpcStatusName(status: number): string {
  return GRPC_STATUS_NAMES[status] ?? String(status);
}

/** The failure code of a non-OK grpc-status (GRPC_UNKNOWN for a number outside the list). */
export function grpcFailureCode(status: number): GrpcFailureCode {
  const name = GRPC_STATUS_NAMES[status];
  return name === undefined || name === 'OK' ? 'GRPC_UNKNOWN' : `GRPC_${name}`;
}

export type GrpcFailureCode = `GRPC_${Exclude<GrpcStatusName, 'OK'>}`;

/** gb's own stable failure codes, with what each means. */
export const GB_FAILURE_CODES = {
  TIMEOUT: 'no answer within -s',
  CONNECT_TIMEOUT: 'no connection (or TLS handshake) within -s',
  CLOSED: 'the server closed the connection before the response ended',
  UNANSWERED: 'the server closed the connection twice before answering the request',
  UNEXPECTED_BYTES: 'bytes arrived that answer no request',
  BAD_STATUS_LINE: 'the status line is not HTTP/1.x (HTTP/2: response headers without :status)',
  BAD_HEADER: 'a malformed header line or value (HTTP/2: DATA before the response headers)',
  HEADERS_TOO_LARGE: 'the header block passed 1 MiB',
  BAD_CHUNK: 'malformed chunked framing',
  PROXY_REFUSED: 'the proxy (-X) answered CONNECT with a status other than 2xx',
  PROXY_CLOSED: 'the proxy (-X) closed the connection before answering CONNECT',
  PROXY_BAD_ANSWER: 'the proxy (-X) answered CONNECT with something that is not HTTP/1.x',
  NO_H2: '--http2 over TLS: the server did not agree to h2 by ALPN',
  NOT_HTTP2: '--http2: the server did not start with HTTP/2 SETTINGS (an HTTP/1.x answer to h2c, say)',
  RST_STREAM: 'HTTP/2: the server reset the stream',
  PROTOCOL_ERROR: 'HTTP/2: the server broke the protocol (a malformed or unexpected frame)',
  FRAME_SIZE_ERROR: 'HTTP/2: a frame larger than gb allows (16 KiB), or of the wrong length for its type',
  FLOW_CONTROL_ERROR: 'HTTP/2: a flow-control window taken past 2^31 − 1',
  COMPRESSION_ERROR: 'HTTP/2: a header block that does not decode (HPACK)',
  WS_HANDSHAKE_STATUS: 'WebSocket: the server answered the upgrade with a status other than 101',
  WS_BAD_ACCEPT: 'WebSocket: the 101 answer lacks the Sec-WebSocket-Accept that matches the key sent',
  WS_BAD_HANDSHAKE: 'WebSocket: the upgrade answer is not one (no Upgrade or Connection header, not HTTP/1.1, an extension not offered)',
  WS_PROTOCOL_ERROR: 'WebSocket: the server broke RFC 6455 framing (a masked frame, RSV bits, a bad opcode or control frame)',
  WS_FRAME_TOO_LARGE: 'WebSocket: a message larger than gb allows (16 MiB)',
  WS_CLOSED: 'WebSocket: the connection closed (a Close frame, or none) with a message unanswered',
  SCRIPT: 'a --script hook threw, returned something that is not a request, or response() returned false',
  SCRIPT_TIMEOUT: 'a --script response() did not finish within -s',
  INTERNAL: 'a fault in gb itself',
  GRPC_NO_STATUS: 'gb grpc: the call ended without a grpc-status (no trailers)',
  GRPC_CUT_SHORT: 'gb grpc: the call ended inside a message (a length prefix promised more than came)',
} as const;

export type GbFailureCode = keyof typeof GB_FAILURE_CODES;

/**
 * The socket errors gb tells apart, by Node's (libuv's) errno names, which they keep in the JSON.
 * SOCKET_ERROR is any other: the layer's own code (or message, when it has none) is kept as the
 * failure's message, so a code this list lacks still reaches the report.
 */
// prettier-ignore
export const SOCKET_ERROR_CODES = [
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH',
  'ENETDOWN', 'EADDRNOTAVAIL', 'EADDRINUSE', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EMFILE', 'ENFILE', 'ENOBUFS',
  'ENOMEM', 'EACCES', 'EPERM', 'ENOENT', 'ENOTSOCK', 'ECANCELED', 'EPROTO', 'SOCKET_ERROR',
] as const;

export type SocketErrorCode = (typeof SOCKET_ERROR_CODES)[number];

/**
 * Node's codes for a server certificate that failed verification (--verify), as Node names OpenSSL's
 * X509_V_ERR_* (its list is fixed; doc/api/tls.md), and Node's own code for a certificate that does
 * not name the host.
 */
// prettier-ignore
export const CERTIFICATE_ERROR_CODES = [
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_CRL', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE', 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED', 'CRL_NOT_YET_VALID', 'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD', 'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD', 'OUT_OF_MEM', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_CHAIN_TOO_LONG', 'CERT_REVOKED',
  'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
] as const;

export type CertificateErrorCode = (typeof CERTIFICATE_ERROR_CODES)[number];

/**
 * The TLS alerts (the IANA registry of RFC 8446 §6 and earlier TLS), spelled as OpenSSL's reasons
 * spell them (USER_CANCELLED). An alert the peer sent is the code TLS_ALERT_<name>.
 */
// prettier-ignore
export const TLS_ALERTS = [
  'UNEXPECTED_MESSAGE', 'BAD_RECORD_MAC', 'DECRYPTION_FAILED', 'RECORD_OVERFLOW', 'DECOMPRESSION_FAILURE',
  'HANDSHAKE_FAILURE', 'NO_CERTIFICATE', 'BAD_CERTIFICATE', 'UNSUPPORTED_CERTIFICATE', 'CERTIFICATE_REVOKED',
  'CERTIFICATE_EXPIRED', 'CERTIFICATE_UNKNOWN', 'ILLEGAL_PARAMETER', 'UNKNOWN_CA', 'ACCESS_DENIED', 'DECODE_ERROR',
  'DECRYPT_ERROR', 'EXPORT_RESTRICTION', 'PROTOCOL_VERSION', 'INSUFFICIENT_SECURITY', 'INTERNAL_ERROR',
  'INAPPROPRIATE_FALLBACK', 'USER_CANCELLED', 'NO_RENEGOTIATION', 'MISSING_EXTENSION', 'UNSUPPORTED_EXTENSION',
  'CERTIFICATE_UNOBTAINABLE', 'UNRECOGNIZED_NAME', 'BAD_CERTIFICATE_STATUS_RESPONSE', 'BAD_CERTIFICATE_HASH_VALUE',
  'UNKNOWN_PSK_IDENTITY', 'CERTIFICATE_REQUIRED', 'NO_APPLICATION_PROTOCOL', 'ECH_REQUIRED',
] as const;

export type TlsAlertCode = `TLS_ALERT_${(typeof TLS_ALERTS)[number]}`;

/**
 * TLS failures. OpenSSL's codes (Node's ERR_SSL_*) are open-ended, a word per reason of each
 * OpenSSL version, so only those with a fixed list become their own codes: certificate
 * verification, and alerts by their registry name. TLS_ALERT is an alert outside that list,
 * TLS_ERROR any other TLS failure (ERR_SSL_WRONG_VERSION_NUMBER, ...); for every TLS code the
 * library's exact code is the failure's message (the JSON's `errors`), so nothing is lost.
 */
export type TlsFailureCode = CertificateErrorCode | TlsAlertCode | 'TLS_ALERT' | 'TLS_ERROR';

/** Every code a failure can carry, from the socket that saw it to the JSON's errorCodes. */
export type FailureCode = GbFailureCode | SocketErrorCode | TlsFailureCode | GrpcFailureCode;

const TLS_ALERT_CODES: readonly TlsAlertCode[] = TLS_ALERTS.map((name): TlsAlertCode => `TLS_ALERT_${name}`);

export const FAILURE_CODES: readonly FailureCode[] = [
  ...(Object.keys(GB_FAILURE_CODES) as GbFailureCode[]),
  ...SOCKET_ERROR_CODES,
  ...CERTIFICATE_ERROR_CODES,
  ...TLS_ALERT_CODES,
  'TLS_ALERT',
  'TLS_ERROR',
  ...GRPC_STATUS_NAMES.slice(1).map((name): GrpcFailureCode => `GRPC_${name as Exclude<GrpcStatusName, 'OK'>}`),
];

const KNOWN = new Set<string>(FAILURE_CODES);
const SOCKET_CODES = new Set<string>(SOCKET_ERROR_CODES);
const CERTIFICATE_CODES = new Set<string>(CERTIFICATE_ERROR_CODES);
const ALERTS = new Set<string>(TLS_ALERTS);
const ALERT_CODES = new Set<FailureCode>([...TLS_ALERT_CODES, 'TLS_ALERT']);

export function isFailureCode(code: string): code is FailureCode {
  return KNOWN.has(code);
}

/** The server ended the handshake or the connection with a TLS alert. */
export function isTlsAlert(code: FailureCode): boolean {
  return ALERT_CODES.has(code);
}

/**
 * OpenSSL's reasons for a received alert: ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE, ERR_SSL_TLSV1_UNRECOGNIZED_NAME, ...
 * OpenSSL 3.5 (Node 24 on) renamed the SSLv3 ones "ssl/tls alert ...": ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE.
 */
const OPENSSL_ALERT = /^ERR_SSL_(?:SSLV3_ALERT|SSL\/TLS_ALERT|TLSV13_ALERT|TLSV1_ALERT|TLSV1)_([A-Z0-9_]+)$/;

/**
 * The failure code for what a socket layer reported: Node's `code` (an errno name, an OpenSSL or
 * certificate code), or null when the error had none. Anything unknown lands on a catch-all, never
 * a crash; callers keep the library's own code as the message.
 */
export function socketFailureCode(libraryCode: string | null): SocketErrorCode | TlsFailureCode {
  if (libraryCode === null) return 'SOCKET_ERROR';
  if (SOCKET_CODES.has(libraryCode) || CERTIFICATE_CODES.has(libraryCode)) return libraryCode as SocketErrorCode | CertificateErrorCode;
  const alert = OPENSSL_ALERT.exec(libraryCode);
  if (alert !== null) {
    if (ALERTS.has(alert[1]!)) return `TLS_ALERT_${alert[1]!}` as TlsAlertCode;
    if (libraryCode.includes('_ALERT_')) return 'TLS_ALERT';
  }
  // Node's TLS codes (ERR_SSL_* from OpenSSL, ERR_TLS_* its own), and UNSPECIFIED, Node's word for a
  // certificate verification error it has no name for.
  if (libraryCode.startsWith('ERR_SSL_') || libraryCode.startsWith('ERR_TLS_') || libraryCode === 'UNSPECIFIED') return 'TLS_ERROR';
  return 'SOCKET_ERROR';
}

/**
 * A code read from a saved result: results of an older gb kept OpenSSL's and unlisted errno codes
 * as they were; they count under the code gb writes for them now.
 */
export function currentFailureCode(saved: string): FailureCode {
  return isFailureCode(saved) ? saved : socketFailureCode(saved);
}

/** For the default of a switch that handles every member of a union: a member left out does not compile. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
