// The built-in target's routes as a table, path pattern → handler, with the canned responses they send.

import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TargetApi } from './target-api.js';

const MAX_BODY_BYTES = 100 * 1024 * 1024;
const MAX_DELAY_MS = 60_000;
const CHUNK_BYTES = 4096;
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

export const EMPTY = Buffer.alloc(0);
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

export function headerPairs(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i] as string, rawHeaders[i + 1] as string]);
  return pairs;
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

/** What routes need of their server: its API's tokens and counts, and the delays it ends when it closes. */
export interface RouteContext {
  readonly api: TargetApi;
  readonly delayTimers: Set<NodeJS.Timeout>;
}

function delay(context: RouteContext, res: ServerResponse, delayMs: number): void {
  const timers = context.delayTimers;
  const onClose = (): void => {
    clearTimeout(timer);
    timers.delete(timer);
  };
  const timer = setTimeout(() => {
    timers.delete(timer);
    res.off('close', onClose);
    send(res, HELLO);
  }, delayMs);
  timers.add(timer);
  res.once('close', onClose);
}

/** Answers one request; `paramAt` is where the path's parameter (N, MS, CODE, ID) begins, `body` the request's body (echo only). */
type Handler = (context: RouteContext, req: IncomingMessage, res: ServerResponse, path: string, paramAt: number, body: Buffer) => void;

/**
 * Every route, in the order `gb serve` lists them. A pattern ending in an upper-case word takes the
 * rest of the path after its last '/' as that parameter; any other pattern is an exact path.
 */
const ROUTES: readonly (readonly [pattern: string, handler: Handler])[] = [
  ['/', (_c, _req, res) => send(res, HELLO)],
  [
    '/bytes/N',
    (_c, _req, res, path, at) => {
      const sizeBytes = parseDecimal(path, at, MAX_BODY_BYTES);
      send(res, sizeBytes < 0 ? BAD_REQUEST : bytesResponse(sizeBytes));
    },
  ],
  ['/10k.dat', (_c, _req, res) => send(res, TEN_K)],
  [
    '/delay/MS',
    (c, _req, res, path, at) => {
      const delayMs = parseDecimal(path, at, MAX_DELAY_MS);
      if (delayMs < 0) send(res, BAD_REQUEST);
      else if (delayMs === 0) send(res, HELLO);
      else delay(c, res, delayMs);
    },
  ],
  [
    '/status/CODE',
    (_c, _req, res, path, at) => {
      const code = parseDecimal(path, at, 599);
      send(res, code < 200 ? BAD_REQUEST : statusResponse(code));
    },
  ],
  ['/echo', (_c, req, res, _path, _at, body) => send(res, canned(200, req.headers['content-type'] ?? 'application/octet-stream', body))],
  [
    '/chunked/N',
    (_c, req, res, path, at) => {
      const totalBytes = parseDecimal(path, at, MAX_BODY_BYTES);
      if (totalBytes < 0) send(res, BAD_REQUEST);
      // HTTP/1.0 clients cannot read chunked framing, so they get a plain Content-Length body; HTTP/2 has no chunked framing.
      else if ((req.httpVersionMinor === 0 && req.httpVersionMajor === 1) || req.httpVersionMajor === 2)
        send(res, bytesResponse(totalBytes));
      else writeChunked(req, res, totalBytes);
    },
  ],
  ['/headers', (_c, req, res) => send(res, canned(200, 'application/json', Buffer.from(JSON.stringify(headerPairs(req.rawHeaders)))))],
  [
    '/login',
    (c, req, res) => {
      const answer = c.api.login(req);
      send(res, canned(answer.status, 'application/json', answer.body));
    },
  ],
  [
    '/api/items/ID',
    (c, req, res, path) => {
      const answer = c.api.item(req, path);
      send(res, canned(answer.status, 'application/json', answer.body));
    },
  ],
];

export const TARGET_ROUTES = ROUTES.map(([pattern]) => pattern).join(' ');

const PARAMETER = /\/[A-Z]+$/;
const exactRoutes = new Map<string, Handler>();
/** The routes with a parameter: the path before it (up to and with its '/'), and the handler. */
const prefixRoutes: { readonly prefix: string; readonly handler: Handler }[] = [];
for (const [pattern, handler] of ROUTES) {
  if (PARAMETER.test(pattern)) prefixRoutes.push({ prefix: pattern.slice(0, pattern.lastIndexOf('/') + 1), handler });
  else exactRoutes.set(pattern, handler);
}

/** Answers a request for `path` (its pathname, no query) by the table: an exact path first, then a parameter's prefix, else 404. */
export function route(context: RouteContext, req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): void {
  const exact = exactRoutes.get(path);
  if (exact !== undefined) {
    exact(context, req, res, path, path.length, body);
    return;
  }
  for (let i = 0; i < prefixRoutes.length; i++) {
    const { prefix, handler } = prefixRoutes[i]!;
    if (path.startsWith(prefix)) {
      handler(context, req, res, path, prefix.length, body);
      return;
    }
  }
  send(res, NOT_FOUND);
}
