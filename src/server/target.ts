// gb's built-in HTTP target server: fixed routes with canned responses and exact counters, for benchmarks, tests and first tries.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import http2 from 'node:http2';
import { lstatSync, unlinkSync } from 'node:fs';
import { createConnection, type AddressInfo } from 'node:net';
import { TargetApi, type ApiStats } from './target-api.js';
import { EMPTY, headerPairs, route, type RouteContext } from './target-routes.js';

export { TARGET_ROUTES } from './target-routes.js';

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
  readonly lastRequest: {
    readonly method: string;
    readonly url: string;
    readonly headers: readonly (readonly [string, string])[];
    readonly body: Buffer;
  } | null;
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

// Longer than common client idle timeouts (and than ALB's 60 s), so keep-alive runs are never cut by us.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const HEADERS_TIMEOUT_MS = 66_000;

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

/** Body state of one request that carries a body; chunks are kept only while someone may still want them. */
interface BodyState {
  readonly chunks: Buffer[];
  /** Echo needs its own body even after a newer request has become the last one. */
  readonly keep: boolean;
}

/** One server's counters and what its routes keep (the API's tokens, pending delays). */
class Target implements RouteContext {
  requests = 0;
  connections = 0;
  bodyBytesReceived = 0;
  byPath = new Map<string, number>();
  // The last request itself (not a copy) so the hot path stores two references and allocates nothing.
  lastRequest: IncomingMessage | null = null;
  lastBody: BodyState | null = null;
  readonly delayTimers = new Set<NodeJS.Timeout>();
  readonly api = new TargetApi();

  readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    this.requests++;
    const path = pathnameOf(req.url ?? '/');
    this.byPath.set(path, (this.byPath.get(path) ?? 0) + 1);
    this.lastRequest = req;
    if (!hasBody(req.rawHeaders)) {
      // Fast path (nearly every benchmark request): no closures, no body buffers.
      this.lastBody = null;
      route(this, req, res, path, EMPTY);
      return;
    }
    this.#readBody(req, res, path);
  };

  #readBody(req: IncomingMessage, res: ServerResponse, path: string): void {
    const state: BodyState = { chunks: [], keep: path === '/echo' };
    this.lastBody = state;
    req.on('data', (chunk: Buffer) => {
      this.bodyBytesReceived += chunk.length;
      // A superseded, non-echo request's body is wanted by nobody; drop it rather than pin a large upload.
      if (state.keep || this.lastRequest === req) state.chunks.push(chunk);
      else state.chunks.length = 0;
    });
    req.once('end', () => {
      // Answer only after the whole body is in, so stats are exact by the time the client has its response.
      route(this, req, res, path, state.keep ? Buffer.concat(state.chunks) : EMPTY);
    });
  }

  stats(): TargetStats {
    const last = this.lastRequest;
    return {
      requests: this.requests,
      connections: this.connections,
      bodyBytesReceived: this.bodyBytesReceived,
      byPath: Object.fromEntries(this.byPath),
      api: this.api.stats(),
      lastRequest:
        last === null
          ? null
          : {
              method: last.method ?? 'GET',
              url: last.url ?? '/',
              headers: headerPairs(last.rawHeaders),
              body: this.lastBody === null ? EMPTY : Buffer.concat(this.lastBody.chunks),
            },
    };
  }

  resetStats(): void {
    this.requests = 0;
    this.connections = 0;
    this.bodyBytesReceived = 0;
    this.byPath = new Map();
    this.lastRequest = null;
    this.lastBody = null;
    this.api.reset();
  }
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
  const target = new Target();
  const server = options.http2 === undefined ? createServer(target.onRequest) : createHttp2Server(options, target.onRequest);
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = HEADERS_TIMEOUT_MS;
  }
  server.on(options.http2 === 'h2' ? 'secureConnection' : 'connection', () => void target.connections++);
  const close = closer(server, target.delayTimers);
  const stats = (): TargetStats => target.stats();
  const resetStats = (): void => target.resetStats();
  await listen(server, unixSocket, options.port ?? 0, host);
  if (unixSocket !== null) return { url: 'http://localhost', host: 'localhost', port: 0, unixSocket, stats, resetStats, close };
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.http2 === 'h2' ? 'https' : 'http'}://${urlHost}:${port}`,
    host,
    port,
    unixSocket: null,
    stats,
    resetStats,
    close,
  };
}

type AnyServer = ReturnType<typeof createServer> | http2.Http2Server | http2.Http2SecureServer;

/** Listens on the unix socket, else on host:port; rejects if that fails. */
function listen(server: AnyServer, unixSocket: string | null, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = (): void => {
      server.off('error', reject);
      // Accept failures under load (EMFILE) must not crash the target in the middle of a benchmark; the client sees them.
      server.on('error', () => {});
      resolve();
    };
    if (unixSocket !== null) server.listen(unixSocket, listening);
    else server.listen(port, host, listening);
  });
}

/** The server's close(): ends every open connection, HTTP/2 session and pending delay; the same promise however often it is called. */
function closer(server: AnyServer, delayTimers: Set<NodeJS.Timeout>): () => Promise<void> {
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of delayTimers) clearTimeout(timer);
      delayTimers.clear();
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
      for (const session of sessions) session.destroy();
    });
    return closing;
  };
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
