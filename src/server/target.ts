// gb's built-in HTTP target server: fixed routes with canned responses and exact counters, for benchmarks, tests and first tries.

import { createServer, STATUS_CODES } from 'node:http';
import http2 from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lstatSync, unlinkSync } from 'node:fs';
import { createConnection, type AddressInfo } from 'node:net';
import { TargetApi, type ApiStats } from './target-api.js';

export interface TargetStats {
  /** Requests whose headers arrived (counted on 'request', before the handler answers). */
  readonly requests: number;
  /** Requests per path (pathname without query), e.g. { "/10k.dat": 20000 }. */
  readonly byPath: Readonly<Record<string, number>>;
  /** TCP connections accepted. */
  readonly connections: number;
  /** Request body bytes received in total. */
  readonly bodyBytesReceived: number;
  /** The last request, for tests that check what arrived: method, url, raw headers as [name, value] pairs in order (from req.rawHeaders), and its body as a Buffer. */
  readonly lastRequest: { readonly method: string; readonly url: string; readonly headers: readonly (readonly [string, string])[]; readonly body: Buffer } | null;
  /** POST /login and /api/items/:id: logins, and item requests with and without a valid token. */
  readonly api: ApiStats;
}

export interface TargetServer {
  /** e.g. "http://127.0.0.1:40123"; "http://localhost" on a unix socket (the URL gb sends as Host and path). */
  readonly url: string;
  readonly host: string;
  /** 0 on a unix socket. */
  readonly port: number;
  /** The unix socket's path when listening on one, else null. */
  readonly unixSocket: string | null;
  /** A snapshot copy. */
  stats(): TargetStats;
  resetStats(): void;
  /** Ends every open connection and pending delay; resolves once the listener is closed. */
  close(): Promise<void>;
}

export interface TargetOptions {
  readonly port?: number; // default 0: any free port
  readonly host?: string; // default "127.0.0.1"
  /** Listen on this unix domain socket instead of a TCP port (port and host are then ignored). */
  readonly unixSocket?: string;
  /**
   * Speak HTTP/2 (node:http2's compatibility API, with the same routes): 'h2c' in clear text (prior
   * knowledge), or 'h2' over TLS with `tls`'s key and certificate, where HTTP/1.1 clients are served too (ALPN).
   */
  readonly http2?: 'h2c' | 'h2';
  readonly tls?: { readonly key: Buffer | string; readonly cert: Buffer | string };
}

export const TARGET_ROUTES = '/ /bytes/N /10k.dat /delay/MS /status/CODE /echo /chunked/N /headers /login /api/items/ID';

const MAX_BODY_BYTES = 100 * 1024 * 1024;
const MAX_DELAY_MS = 60_000;
const CHUNK_BYTES = 4096;
// Longer than common client idle timeouts (and than ALB's 60 s), so keep-alive runs are never cut by us.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const HEADERS_TIMEOUT_MS = 66_000;
// Bounds what /bytes/N may pin in memory; one maximal body always fits.
const BYTES_CACHE_MAX_ENTRIES = 64;
const BYTES_CACHE_MAX_BYTES = 256 * 1024 * 1024;
const FILL_BYTE = 0x78; // 'x': printable, so a curl to the terminal stays readable

/** A response whose status, header list and body are built once and reused for every request. */
interface Canned {
  readonly status: number;
  readonly headers: readonly string[];
  readonly body: Buffer;
}

// node:http accepts a flat [name, value, name, value…] list and writes it without building a header object.
function canned(status: number, contentType: string | null, body: Buffer, withLength = true): Canned {
  const headers = ['Server', 'gb-target'];
  if (contentType !== null) headers.push('Content-Type', contentType);
  if (withLength) headers.push('Content-Length', String(body.length));
  return { status, headers, body };
}

const EMPTY = Buffer.alloc(0);
const HELLO = canned(200, 'text/plain', Buffer.from('Hello, World!'));
const TEN_K = canned(200, 'application/octet-stream', Buffer.alloc(10240, FILL_BYTE));
const NOT_FOUND = canned(404, 'text/plain', Buffer.from('Not Found'));
const BAD_REQUEST = canned(400, 'text/plain', Buffer.from('Bad Request'));
const CHUNK = Buffer.alloc(CHUNK_BYTES, FILL_BYTE);
const CHUNKED_HEADERS = ['Server', 'gb-target', 'Content-Type', 'application/octet-stream', 'Transfer-Encoding', 'chunked'];

const statusCache = new Map<number, Canned>();
function statusResponse(code: number): Canned {
  let hit = statusCache.get(code);
  if (hit === undefined) {
    // RFC 9110 forbids a body for 204 and 304, and Content-Length for 204.
    const noBody = code === 204 || code === 304;
    const text = noBody ? '' : `${code} ${STATUS_CODES[code] ?? 'Status'}`;
    hit = canned(code, noBody ? null : 'text/plain', Buffer.from(text), code !== 204);
    statusCache.set(code, hit);
  }
  return hit;
}

const bytesCache = new Map<number, Canned>();
let bytesCacheTotal = 0;
function bytesResponse(sizeBytes: number): Canned {
  let hit = bytesCache.get(sizeBytes);
  if (hit === undefined) {
    // Oldest-first eviction is enough: benchmarks reuse one or two sizes.
    for (const [size] of bytesCache) {
      if (bytesCache.size < BYTES_CACHE_MAX_ENTRIES && bytesCacheTotal + sizeBytes <= BYTES_CACHE_MAX_BYTES) break;
      bytesCache.delete(size);
      bytesCacheTotal -= size;
    }
    hit = canned(200, 'application/octet-stream', Buffer.alloc(sizeBytes, FILL_BYTE));
    bytesCache.set(sizeBytes, hit);
    bytesCacheTotal += sizeBytes;
  }
  return hit;
}

function send(res: ServerResponse, response: Canned): void {
  // HEAD needs no branch: node:http drops the body of HEAD (and 204/304) responses but keeps Content-Length.
  res.writeHead(response.status, response.headers as string[]);
  res.end(response.body);
}

/** Parses path[start..] as a plain decimal in [0, max] without allocating; -1 when it is not one. */
function parseDecimal(path: string, start: number, max: number): number {
  const end = path.length;
  if (start >= end || end - start > 10) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = path.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value <= max ? value : -1;
}

/** Requests arriving with a body: Content-Length other than 0, or any Transfer-Encoding. */
function hasBody(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 14 && name.toLowerCase() === 'content-length') {
      if ((rawHeaders[i + 1] as string).trim() !== '0') return true;
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') {
      return true;
    }
  }
  return false;
}

function headerPairs(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i] as string, rawHeaders[i + 1] as string]);
  return pairs;
}

function pathnameOf(url: string): string {
  if (url.charCodeAt(0) !== 47 /* '/' */) {
    // Absolute-form ("GET http://h/p") or "*": rare, so the URL parser's cost does not matter.
    try {
      return new URL(url).pathname;
    } catch {
      return url;
    }
  }
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** Body state of one request that carries a body; chunks are kept only while someone may still want them. */
interface BodyState {
  readonly chunks: Buffer[];
  /** Echo needs its own body even after a newer request has become the last one. */
  readonly keep: boolean;
}

function writeChunked(req: IncomingMessage, res: ServerResponse, totalBytes: number): void {
  res.writeHead(200, CHUNKED_HEADERS);
  // node:http would silently drop every write of a HEAD response; skip producing them.
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let leftBytes = totalBytes;
  // One chunk per event-loop turn: Node 24 on joins the writes of one turn into a single chunk,
  // and this route exists to put several on the wire. Backpressure is honoured so a 100 MiB
  // response does not sit in memory at once.
  const pump = (): void => {
    if (res.destroyed) return;
    if (leftBytes === 0) {
      res.end();
      return;
    }
    const chunk = leftBytes >= CHUNK_BYTES ? CHUNK : CHUNK.subarray(0, leftBytes);
    leftBytes -= chunk.length;
    if (res.write(chunk)) setImmediate(pump);
    else res.once('drain', pump);
  };
  pump();
}

/** Whether a server accepts connections on the unix socket at `path`. */
function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * A socket file left by a server that died would make listen() fail with EADDRINUSE. It is removed
 * only when it is a socket nobody answers on: never a regular file (a typo must not delete data),
 * never a live server's socket.
 */
async function removeStaleSocket(path: string): Promise<void> {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!stats.isSocket()) throw new Error(`${path} exists and is not a socket (not removing it)`);
  if (await socketAccepts(path)) throw new Error(`${path} is in use: a server is listening on it`);
  unlinkSync(path);
}

export async function startTargetServer(options: TargetOptions = {}): Promise<TargetServer> {
  const unixSocket = options.unixSocket ?? null;
  if (unixSocket !== null) await removeStaleSocket(unixSocket);
  const host = options.host ?? '127.0.0.1';
  let requests = 0;
  let connections = 0;
  let bodyBytesReceived = 0;
  let byPath = new Map<string, number>();
  // The last request itself (not a copy) so the hot path stores two references and allocates nothing.
  let lastRequest: IncomingMessage | null = null;
  let lastBody: BodyState | null = null;
  const delayTimers = new Set<NodeJS.Timeout>();
  const api = new TargetApi();

  const delay = (res: ServerResponse, delayMs: number): void => {
    const onClose = (): void => {
      clearTimeout(timer);
      delayTimers.delete(timer);
    };
    const timer = setTimeout(() => {
      delayTimers.delete(timer);
      res.off('close', onClose);
      send(res, HELLO);
    }, delayMs);
    delayTimers.add(timer);
    res.once('close', onClose);
  };

  const route = (req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): void => {
    switch (path) {
      case '/': return send(res, HELLO);
      case '/10k.dat': return send(res, TEN_K);
      case '/echo': {
        const contentType = req.headers['content-type'] ?? 'application/octet-stream';
        return send(res, canned(200, contentType, body));
      }
      case '/headers': {
        const json = Buffer.from(JSON.stringify(headerPairs(req.rawHeaders)));
        return send(res, canned(200, 'application/json', json));
      }
      case '/login': {
        const answer = api.login(req);
        return send(res, canned(answer.status, 'application/json', answer.body));
      }
    }
    if (path.startsWith('/api/items/')) {
      const answer = api.item(req, path);
      return send(res, canned(answer.status, 'application/json', answer.body));
    }
    if (path.startsWith('/bytes/')) {
      const sizeBytes = parseDecimal(path, 7, MAX_BODY_BYTES);
      return send(res, sizeBytes < 0 ? BAD_REQUEST : bytesResponse(sizeBytes));
    }
    if (path.startsWith('/delay/')) {
      const delayMs = parseDecimal(path, 7, MAX_DELAY_MS);
      if (delayMs < 0) return send(res, BAD_REQUEST);
      return delayMs === 0 ? send(res, HELLO) : delay(res, delayMs);
    }
    if (path.startsWith('/status/')) {
      const code = parseDecimal(path, 8, 599);
      return send(res, code < 200 ? BAD_REQUEST : statusResponse(code));
    }
    if (path.startsWith('/chunked/')) {
      const totalBytes = parseDecimal(path, 9, MAX_BODY_BYTES);
      if (totalBytes < 0) return send(res, BAD_REQUEST);
      // HTTP/1.0 clients cannot read chunked framing, so they get a plain Content-Length body; HTTP/2 has no chunked framing.
      if ((req.httpVersionMinor === 0 && req.httpVersionMajor === 1) || req.httpVersionMajor === 2) return send(res, bytesResponse(totalBytes));
      return writeChunked(req, res, totalBytes);
    }
    return send(res, NOT_FOUND);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    requests++;
    const url = req.url ?? '/';
    const path = pathnameOf(url);
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
    lastRequest = req;
    if (!hasBody(req.rawHeaders)) {
      // Fast path (nearly every benchmark request): no closures, no body buffers.
      lastBody = null;
      return route(req, res, path, EMPTY);
    }
    const state: BodyState = { chunks: [], keep: path === '/echo' };
    lastBody = state;
    req.on('data', (chunk: Buffer) => {
      bodyBytesReceived += chunk.length;
      // A superseded, non-echo request's body is wanted by nobody; drop it rather than pin a large upload.
      if (state.keep || lastRequest === req) state.chunks.push(chunk);
      else state.chunks.length = 0;
    });
    req.once('end', () => {
      // Answer only after the whole body is in, so stats are exact by the time the client has its response.
      route(req, res, path, state.keep ? Buffer.concat(state.chunks) : EMPTY);
    });
  };

  const server = options.http2 === undefined ? createServer(onRequest) : createHttp2Server(options, onRequest);
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = HEADERS_TIMEOUT_MS;
  }
  server.on(options.http2 === 'h2' ? 'secureConnection' : 'connection', () => void connections++);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of delayTimers) clearTimeout(timer);
      delayTimers.clear();
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
      for (const session of sessions) session.destroy();
    });
    return closing;
  };

  const stats = (): TargetStats => ({
    requests,
    connections,
    bodyBytesReceived,
    byPath: Object.fromEntries(byPath),
    api: api.stats(),
    lastRequest: lastRequest === null ? null : {
      method: lastRequest.method ?? 'GET',
      url: lastRequest.url ?? '/',
      headers: headerPairs(lastRequest.rawHeaders),
      body: lastBody === null ? EMPTY : Buffer.concat(lastBody.chunks),
    },
  });

  const resetStats = (): void => {
    requests = 0;
    connections = 0;
    bodyBytesReceived = 0;
    byPath = new Map();
    lastRequest = null;
    lastBody = null;
    api.reset();
  };

  return new Promise<TargetServer>((resolve, reject) => {
    server.once('error', reject);
    const listening = (): void => {
      server.off('error', reject);
      // Accept failures under load (EMFILE) must not crash the target in the middle of a benchmark; the client sees them.
      server.on('error', () => {});
      if (unixSocket !== null) {
        resolve({ url: 'http://localhost', host: 'localhost', port: 0, unixSocket, stats, resetStats, close });
        return;
      }
      const port = (server.address() as AddressInfo).port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({ url: `${options.http2 === 'h2' ? 'https' : 'http'}://${urlHost}:${port}`, host, port, unixSocket: null, stats, resetStats, close });
    };
    if (unixSocket !== null) server.listen(unixSocket, listening);
    else server.listen(options.port ?? 0, host, listening);
  });
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * node:http2's compatibility API hands the handler request and response objects with node:http's
 * shape (method, url, rawHeaders, httpVersionMajor, writeHead with a flat header list, end), so the
 * routes serve HTTP/2 unchanged.
 */
function createHttp2Server(options: TargetOptions, onRequest: RequestHandler): http2.Http2Server | http2.Http2SecureServer {
  const handler = onRequest as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;
  // Benchmarks open many streams per connection: node's default of 100 would refuse deeper --streams.
  const settings = { maxConcurrentStreams: 1000, initialWindowSize: 1 << 20 };
  if (options.http2 === 'h2c') return http2.createServer({ settings }, handler);
  if (options.tls === undefined) throw new Error('HTTP/2 over TLS needs a key and a certificate');
  return http2.createSecureServer({ settings, key: options.tls.key, cert: options.tls.cert, allowHTTP1: true }, handler);
}

