// Raw HTTP/1.x responses and what ResponseParser must make of them, shared by the parser tests (data only: importing it runs nothing).

import { Buffer } from 'node:buffer';

/** How the bytes end: the message completes inside them, only when the peer closes, is cut short by the close, or fails to parse. */
export type FixtureEnd = 'message' | 'close' | 'cut' | 'error';

export interface ExpectedResponse {
  readonly statusCode: number;
  readonly keepAlive: boolean;
  readonly bodyBytes: number;
  readonly serverHeader: string | null;
  /** Where the final header block ends (after any 1xx interim responses); null when it never does. */
  readonly headBytes: number | null;
  /** The body is chunked, so cutting it short is reported as a cut chunked body rather than a short Content-Length one. */
  readonly chunked: boolean;
}

export interface ResponseFixture {
  readonly name: string;
  readonly raw: Buffer;
  readonly isHead: boolean;
  readonly captureServer: boolean;
  readonly end: FixtureEnd;
  /** For 'message', 'close' and 'cut'. */
  readonly expected: ExpectedResponse | null;
  /** For 'error' and 'cut': the parser's `error`. */
  readonly error: string | null;
}

interface Options {
  readonly isHead?: boolean;
  readonly captureServer?: boolean;
}

/** What the parser must find; headBytes, unless given, is the length of the response's `head`. */
type Facts = Partial<ExpectedResponse> & { readonly bodyBytes: number };

const fixtures: ResponseFixture[] = [];

function withDefaults(head: string, facts: Facts): ExpectedResponse {
  return {
    statusCode: 200,
    chunked: false,
    keepAlive: true,
    serverHeader: null,
    headBytes: head.length,
    ...facts,
  };
}

/** Each fixture's bytes are a response's `head` (its header block, after any interim responses) and then `body`. */
function add(
  name: string,
  head: string,
  body: string,
  end: Exclude<FixtureEnd, 'error'>,
  facts: Facts,
  error: string | null,
  options: Options = {},
): void {
  fixtures.push({
    name,
    raw: Buffer.from(head + body, 'latin1'),
    isHead: options.isHead ?? false,
    captureServer: options.captureServer ?? false,
    end,
    // Only a message that completes leaves the connection open.
    expected: withDefaults(head, end === 'message' ? facts : { keepAlive: false, ...facts }),
    error,
  });
}

/** A response that completes exactly at the end of its body. */
function message(name: string, head: string, body: string, facts: Facts, options: Options = {}): void {
  add(name, head, body, 'message', facts, null, options);
}

/** A response whose body ends when the server closes the connection. */
function closeDelimited(name: string, head: string, body: string, facts: Facts): void {
  add(name, head, body, 'close', facts, null);
}

/** A response cut short by the server closing the connection. */
function cut(name: string, head: string, body: string, error: string, facts: Facts): void {
  add(name, head, body, 'cut', facts, error);
}

function invalid(name: string, text: string, error: string): void {
  fixtures.push({ name, raw: Buffer.from(text, 'latin1'), isHead: false, captureServer: false, end: 'error', expected: null, error });
}

// --- Content-Length framing ---
message('Content-Length body', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n', 'hello', { bodyBytes: 5 });
message('zero Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', '', { bodyBytes: 0 });
{
  // Body bytes are never interpreted: CRLFs and a fake status line inside the body change nothing.
  const body = '\r\n\r\nHTTP/1.1 500 Oops\r\n\r\n';
  message('body that looks like HTTP', `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, body, { bodyBytes: body.length });
}
message('repeated identical Content-Length values', 'HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\ncontent-length:3\r\n\r\n', 'abc', {
  bodyBytes: 3,
});
message('Content-Length with whitespace around the value', 'HTTP/1.1 200 OK\r\nContent-Length:\t 4 \t\r\n\r\n', 'abcd', { bodyBytes: 4 });

// --- chunked framing ---
{
  const trailers = 'X-Checksum: abc\r\nX-Other:\r\n';
  const body = '5;name=value\r\nhello\r\n' + 'B ; a=1;b="x y"\r\n world! :-)\r\n' + '0\r\n' + trailers + '\r\n';
  message('chunked with extensions and trailers', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', body, {
    chunked: true,
    bodyBytes: 16,
  });
}
message(
  'chunked without trailers, upper-case hex, leading zeros',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
  '00A\r\n0123456789\r\n000\r\n\r\n',
  { chunked: true, bodyBytes: 10 },
);
// RFC 9112 §6.3: Transfer-Encoding overrides Content-Length.
message(
  'chunked wins over Content-Length',
  'HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
  '2\r\nhi\r\n0\r\n\r\n',
  { chunked: true, bodyBytes: 2 },
);
message('chunked with bare LF line ends', 'HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n', '3\nabc\n0\nX-T: 1\n\n', {
  chunked: true,
  bodyBytes: 3,
});

// --- close-delimited framing ---
closeDelimited('close-delimited body', 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n', '<html>until the end</html>', {
  bodyBytes: 26,
});
closeDelimited(
  'final coding not chunked: read until close',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\n',
  'xyz-more',
  { bodyBytes: 8 },
);
closeDelimited('HTTP/1.0 keep-alive without length still ends on close', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n', 'abc', {
  bodyBytes: 3,
});

// --- responses without a body ---
message('HEAD response with Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n', '', { bodyBytes: 0 }, { isHead: true });
message(
  'HEAD response with chunked',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
  '',
  { chunked: true, bodyBytes: 0 },
  { isHead: true },
);
message('204 No Content', 'HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n', '', { statusCode: 204, bodyBytes: 0 });
message('304 with Content-Length has no body', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: "a"\r\n\r\n', '', {
  statusCode: 304,
  bodyBytes: 0,
});
message(
  '101 Switching Protocols ends the message at its headers',
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
  '',
  { statusCode: 101, keepAlive: false, bodyBytes: 0 },
);

// --- interim responses ---
{
  const interim = 'HTTP/1.1 100 Continue\r\n\r\n';
  message('100 Continue then 200', interim + 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n', 'ok', { bodyBytes: 2 });
}
{
  const interim = 'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\nContent-Length: 99\r\nConnection: close\r\n\r\n';
  message(
    '103 then 201: interim headers do not leak into the final response',
    interim + 'HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\n',
    'x',
    { statusCode: 201, bodyBytes: 1 },
  );
}
{
  const interims = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n';
  message('two interim responses then 204', interims + 'HTTP/1.1 204 No Content\r\n\r\n', '', { statusCode: 204, bodyBytes: 0 });
}

// --- stray line ends before a status line (llhttp skips them; some servers send them) ---
message('CRLF before the status line', '\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n', 'ok', { bodyBytes: 2 });
{
  const interim = 'HTTP/1.1 100 Continue\r\n\r\n\r\n';
  message('CRLF after a 100 Continue', interim + 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n', 'ok', { bodyBytes: 2 });
}
message('LF-only stray line ends before the status line', '\n\nHTTP/1.1 200 OK\nContent-Length: 2\n\n', 'ok', { bodyBytes: 2 });
message(
  'eight stray bytes before each status line are the most taken',
  '\r\n\r\n\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n\n\r\n\r\n\r\n\rHTTP/1.1 204 No Content\r\n\r\n',
  '',
  { statusCode: 204, bodyBytes: 0 },
);
invalid(
  'nine stray CR/LF bytes before the status line',
  '\r\n\r\n\r\n\r\n\nHTTP/1.1 200 OK\r\n\r\n',
  'more than 8 CR/LF bytes before the status line',
);
invalid('nothing but CRLFs', '\r\n'.repeat(50), 'more than 8 CR/LF bytes before the status line');
invalid(
  'too many CRLFs after a 100 Continue',
  'HTTP/1.1 100 Continue\r\n\r\n' + '\r\n'.repeat(5) + 'HTTP/1.1 200 OK\r\n\r\n',
  'more than 8 CR/LF bytes before the status line',
);
invalid('a CRLF inside the protocol name', 'HT\r\nTP/1.1 200 OK\r\n\r\n', 'not an HTTP/1.x response');

// --- keep-alive ---
message('HTTP/1.0 without keep-alive closes', 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n', 'hi', { keepAlive: false, bodyBytes: 2 });
message('HTTP/1.0 with Connection: Keep-Alive stays open', 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n', 'hi', {
  bodyBytes: 2,
});
message(
  'HTTP/1.0 with Transfer-Encoding is not reused',
  'HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n',
  '1\r\na\r\n0\r\n\r\n',
  { chunked: true, keepAlive: false, bodyBytes: 1 },
);
message('Connection: close on HTTP/1.1', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n', 'hi', {
  keepAlive: false,
  bodyBytes: 2,
});
message('close among several Connection tokens', 'HTTP/1.1 200 OK\r\nConnection: Upgrade , CLOSE\r\nContent-Length: 0\r\n\r\n', '', {
  keepAlive: false,
  bodyBytes: 0,
});
message(
  'tokens that only resemble close keep the connection',
  'HTTP/1.1 200 OK\r\nConnection: closed, close-ish, x close\r\nContent-Length: 0\r\n\r\n',
  '',
  { bodyBytes: 0 },
);
message(
  'obs-fold continues the Connection value',
  'HTTP/1.1 200 OK\r\nConnection: keep-alive,\r\n  close\r\nContent-Length: 0\r\n\r\n',
  '',
  { keepAlive: false, bodyBytes: 0 },
);

// --- header syntax ---
message(
  'mixed-case header names',
  'HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh: 3\r\nCONNECTION: CLOSE\r\nsErVeR: Mixed/1.0\r\n\r\n',
  'abc',
  { keepAlive: false, bodyBytes: 3, serverHeader: 'Mixed/1.0' },
  { captureServer: true },
);
message('mixed-case Transfer-Encoding name and value', 'HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: ChUnKeD\r\n\r\n', '1\r\nz\r\n0\r\n\r\n', {
  chunked: true,
  bodyBytes: 1,
});
message('empty reason phrase', 'HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\n', '.', { bodyBytes: 1 });
message('no space and no reason after the status code', 'HTTP/1.1 404\r\nContent-Length: 1\r\n\r\n', '.', {
  statusCode: 404,
  bodyBytes: 1,
});
message('bare LF line ends', 'HTTP/1.1 503 Service Unavailable\nContent-Length: 2\nX-Empty:\n\n', '..', { statusCode: 503, bodyBytes: 2 });
message(
  'names that only start like Content-Length are ignored',
  'HTTP/1.1 200 OK\r\nContent-Lengthy: 7\r\nX-Content-Length: 8\r\nContent-Lengt: 9\r\nContent-Length: 1\r\n\r\n',
  '.',
  { bodyBytes: 1 },
);
message('a higher HTTP/1 minor version is read as 1.1', 'HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n', '', { bodyBytes: 0 });
{
  // 1024 lines of 64 bytes: a 64 KiB header block, with the framing header at its very end.
  let lines = '';
  for (let n = 0; n < 1024; n++) lines += `X-Filler-${String(n).padStart(4, '0')}: ${'v'.repeat(47)}\r\n`;
  message('64 KiB of headers', `HTTP/1.1 200 OK\r\n${lines}Content-Length: 3\r\n\r\n`, 'end', { bodyBytes: 3 });
}

// --- Server capture ---
message(
  'Server capture skips leading whitespace, stops at the first space as ab does, and keeps the first',
  'HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nServer:   nginx/1.25.3 (Ubuntu)  \r\nServer: second\r\nContent-Length: 0\r\n\r\n',
  '',
  { bodyBytes: 0, serverHeader: 'nginx/1.25.3' },
  { captureServer: true },
);
message(
  'Server capture stops at a tab too (ab stops at any byte <= 32)',
  'HTTP/1.1 200 OK\r\nServer: Apache/2.4.71\t(Debian)\r\nContent-Length: 0\r\n\r\n',
  '',
  { bodyBytes: 0, serverHeader: 'Apache/2.4.71' },
  { captureServer: true },
);
message(
  'Server capture decodes latin1',
  'HTTP/1.1 200 OK\r\nServer: caf\xe9\r\nContent-Length: 0\r\n\r\n',
  '',
  { bodyBytes: 0, serverHeader: 'caf\xe9' },
  { captureServer: true },
);
{
  const long = 'S'.repeat(5000);
  message(
    'Server capture keeps the first 4096 bytes',
    `HTTP/1.1 200 OK\r\nServer: ${long}\r\nContent-Length: 0\r\n\r\n`,
    '',
    { bodyBytes: 0, serverHeader: long.slice(0, 4096) },
    { captureServer: true },
  );
}
message('Server is not captured unless asked', 'HTTP/1.1 200 OK\r\nServer: hidden\r\nContent-Length: 0\r\n\r\n', '', { bodyBytes: 0 });
{
  const interim = 'HTTP/1.1 100 Continue\r\nServer: interim\r\n\r\n';
  message(
    'Server is taken from the final response',
    interim + 'HTTP/1.1 200 OK\r\nServer: final\r\nContent-Length: 0\r\n\r\n',
    '',
    { bodyBytes: 0, serverHeader: 'final' },
    { captureServer: true },
  );
}

// --- cut short by the peer ---
cut(
  'short body then close',
  'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n',
  '0123456789',
  'connection closed after 10 of 100 body bytes',
  { bodyBytes: 10 },
);
cut(
  'close inside a chunk',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
  'a\r\n01234',
  'connection closed inside the chunked body after 5 body bytes',
  { chunked: true, bodyBytes: 5 },
);
cut('close inside the headers', 'HTTP/1.1 200 OK\r\nContent-Le', '', 'connection closed inside the response headers', {
  bodyBytes: 0,
  headBytes: null,
});

// --- not HTTP/1.x ---
invalid('garbage', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 'not an HTTP/1.x response');
invalid('lower-case protocol name', 'http/1.1 200 OK\r\n\r\n', 'not an HTTP/1.x response');
invalid('HTTP/2', 'HTTP/2 200 OK\r\n\r\n', 'unsupported HTTP version');
invalid('HTTP/1 without minor version', 'HTTP/1 200 OK\r\n\r\n', 'invalid HTTP version');
invalid('non-digit minor version', 'HTTP/1.x 200 OK\r\n\r\n', 'invalid HTTP version');
invalid('missing space after the version', 'HTTP/1.1200 OK\r\n\r\n', 'missing space after HTTP version');
invalid('non-digit status code', 'HTTP/1.1 2x0 OK\r\n\r\n', 'invalid status code');
invalid('four-digit status code', 'HTTP/1.1 2000 OK\r\n\r\n', 'invalid status code');
invalid('two-digit status code', 'HTTP/1.1 20 OK\r\n\r\n', 'invalid status code');
invalid('status code below 100', 'HTTP/1.1 099 Low\r\n\r\n', 'invalid status code');
invalid('missing space after the status code', 'HTTP/1.1 200OK\r\n\r\n', 'missing space after status code');
invalid('CR without LF in the status line', 'HTTP/1.1 200 OK\rX', 'expected LF after CR');
invalid('header line without a colon', 'HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n', 'header line without a colon');
invalid('known header name without a colon', 'HTTP/1.1 200 OK\r\nConnection\r\n\r\n', 'header line without a colon');
invalid('space inside a header name', 'HTTP/1.1 200 OK\r\nContent Length: 5\r\n\r\n', 'invalid header name');
invalid('space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n', 'invalid header name');
invalid('empty header name', 'HTTP/1.1 200 OK\r\n: 5\r\n\r\n', 'invalid header name');
invalid('whitespace before the first header', 'HTTP/1.1 200 OK\r\n X: 1\r\n\r\n', 'whitespace before the first header line');
invalid('bare CR in a header value', 'HTTP/1.1 200 OK\r\nX-A: 1\r2\r\n\r\n', 'expected LF after CR');
invalid('CR without LF ending the header block', 'HTTP/1.1 200 OK\r\n\rX', 'expected LF after CR');

// --- bad framing ---
invalid('non-digit Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n', 'invalid Content-Length');
invalid('negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'invalid Content-Length');
invalid('empty Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n', 'invalid Content-Length');
invalid('Content-Length with inner space', 'HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n', 'invalid Content-Length');
invalid('Content-Length list with an empty element', 'HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\n', 'invalid Content-Length');
invalid(
  'conflicting Content-Length headers',
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n',
  'conflicting Content-Length',
);
invalid('conflicting Content-Length list', 'HTTP/1.1 200 OK\r\nContent-Length: 5, 50\r\n\r\n', 'conflicting Content-Length');
invalid('Content-Length beyond 2^53', 'HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n', 'Content-Length too large');
invalid('non-hex chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'invalid chunk size');
invalid('empty chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n', 'invalid chunk size');
invalid('chunk size followed by junk', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n', 'invalid chunk size');
invalid('chunk size beyond 2^53', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n', 'chunk size too large');
invalid(
  'chunk data longer than its size',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n',
  'missing CRLF after chunk data',
);
invalid('CR without LF after the chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\rabc', 'expected LF after CR');
invalid('CR without LF ending the trailers', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\rX', 'expected LF after CR');

export const RESPONSE_FIXTURES: readonly ResponseFixture[] = fixtures;

/** The bytes of a header block of exactly `blockBytes` (status line through the empty line), with Content-Length: 0. */
export function headerBlockOf(blockBytes: number): Buffer {
  const prefix = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Fill: ';
  const suffix = '\r\n\r\n';
  return Buffer.from(prefix + 'f'.repeat(blockBytes - prefix.length - suffix.length) + suffix, 'latin1');
}
