// The words for failures that transport (which sees them), metrics (which counts them) and reports share.

/**
 * ab's failure classes, plus the two timeouts that ab folds into Receive and Connect, plus gb's
 * 'script': a --script hook that threw (request() before sending, response() after reading) or a
 * response() that returned false.
 */
export type FailureKind = 'connect' | 'receive' | 'exceptions' | 'timeout' | 'connectTimeout' | 'script';

/**
 * gb's own stable failure codes, written to JSON next to each human message. A socket error keeps
 * the code its layer gives it instead: ECONNRESET, ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ...
 */
export const GB_FAILURE_CODES = {
  TIMEOUT: 'no answer within -s',
  CONNECT_TIMEOUT: 'no connection (or TLS handshake) within -s',
  CLOSED: 'the server closed the connection before the response ended',
  UNANSWERED: 'the server closed the connection twice before answering the request',
  UNEXPECTED_BYTES: 'bytes arrived that answer no request',
  BAD_STATUS_LINE: 'the status line is not HTTP/1.x',
  BAD_HEADER: 'a malformed header line or value',
  HEADERS_TOO_LARGE: 'the header block passed 1 MiB',
  BAD_CHUNK: 'malformed chunked framing',
  PROXY_REFUSED: 'the proxy (-X) answered CONNECT with a status other than 2xx',
  PROXY_CLOSED: 'the proxy (-X) closed the connection before answering CONNECT',
  PROXY_BAD_ANSWER: 'the proxy (-X) answered CONNECT with something that is not HTTP/1.x',
  NO_H2: '--http2 over TLS: the server did not agree to h2 by ALPN',
  NOT_HTTP2: '--http2: the server did not start with HTTP/2 SETTINGS (an HTTP/1.x answer to h2c, say)',
  RST_STREAM: 'HTTP/2: the server reset the stream',
  PROTOCOL_ERROR: 'HTTP/2: the server broke the protocol (a malformed or unexpected frame)',
  FRAME_SIZE_ERROR: 'HTTP/2: a frame larger than gb allows (16 KiB)',
  FLOW_CONTROL_ERROR: 'HTTP/2: a flow-control window out of range',
  SCRIPT: "a --script hook threw, returned something that is not a request, or response() returned false",
  SCRIPT_TIMEOUT: 'a --script response() did not finish within -s',
  INTERNAL: 'a fault in gb itself',
} as const;

export type GbFailureCode = keyof typeof GB_FAILURE_CODES;
