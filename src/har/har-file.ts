// Reads a HAR 1.2 recording into requests in the order they started, and decides which of them a journey replays.

import { err, ok, type Result } from '../result.js';

export interface HarHeader {
  readonly name: string;
  readonly value: string;
}

/** One recorded exchange, with what the journey writer and the correlation need from it. */
export interface RecordedRequest {
  /** Its place in startedDateTime order, from 0. */
  readonly index: number;
  readonly startMs: number;
  /** startedDateTime + time: when the browser had the whole response. */
  readonly endMs: number;
  readonly method: string;
  readonly url: URL;
  readonly headers: readonly HarHeader[];
  readonly body: { readonly mimeType: string; readonly text: string } | null;
  /** 0 (or below, as some recorders write) when the request got no response. */
  readonly status: number;
  readonly responseHeaders: readonly HarHeader[];
  readonly responseMime: string;
  /** The response body as text when it may be JSON (the only body values are taken from); null otherwise or when not recorded. */
  readonly responseText: string | null;
  /** Chromium's resource type ("document", "fetch", "image", ...), when the recorder wrote one. */
  readonly resourceType: string | null;
}

export interface Recording {
  /** "Playwright 1.65.1", or "" when the file does not say. */
  readonly creator: string;
  readonly requests: readonly RecordedRequest[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function headerList(v: unknown): HarHeader[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).map((h) => ({ name: text(h['name']), value: text(h['value']) }));
}

function requestBody(postData: unknown): RecordedRequest['body'] {
  if (!isObject(postData)) return null;
  const mimeType = text(postData['mimeType']);
  if (typeof postData['text'] === 'string') return { mimeType, text: postData['text'] };
  // Some recorders give a form only as params.
  if (!Array.isArray(postData['params'])) return null;
  const form = new URLSearchParams(headerList(postData['params']).map((p): [string, string] => [p.name, p.value]));
  return { mimeType, text: form.toString() };
}

function responseText(content: Json, mime: string): string | null {
  const body = content['text'];
  if (typeof body !== 'string' || !(mime === '' || /json/i.test(mime))) return null;
  return content['encoding'] === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
}

function readEntry(entry: unknown, at: number): Result<Omit<RecordedRequest, 'index'>, string> {
  if (!isObject(entry) || !isObject(entry['request'])) return err(`entry ${at} has no request`);
  const request = entry['request'];
  const startMs = Date.parse(text(entry['startedDateTime']));
  if (!Number.isFinite(startMs)) return err(`entry ${at} has no startedDateTime`);
  if (typeof request['method'] !== 'string' || request['method'] === '') return err(`entry ${at} has no request.method`);
  let url: URL;
  try {
    url = new URL(text(request['url']));
  } catch {
    return err(`entry ${at}'s request.url is not a URL`);
  }
  const time = typeof entry['time'] === 'number' && entry['time'] > 0 ? entry['time'] : 0;
  const response = isObject(entry['response']) ? entry['response'] : {};
  const content = isObject(response['content']) ? response['content'] : {};
  const responseMime = text(content['mimeType']);
  return ok({
    startMs,
    endMs: startMs + time,
    method: request['method'].toUpperCase(),
    url,
    headers: headerList(request['headers']),
    body: requestBody(request['postData']),
    status: typeof response['status'] === 'number' ? response['status'] : 0,
    responseHeaders: headerList(response['headers']),
    responseMime,
    responseText: responseText(content, responseMime),
    resourceType: typeof entry['_resourceType'] === 'string' ? entry['_resourceType'] : null,
  });
}

/** Parses a HAR file's text; the error is one line that says what is wrong with it. */
export function parseHar(source: string): Result<Recording, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch (e) {
    return err(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const log = isObject(doc) ? doc['log'] : undefined;
  if (!isObject(log) || !Array.isArray(log['entries'])) return err('not a HAR file: it has no log.entries');
  const read: Omit<RecordedRequest, 'index'>[] = [];
  for (const [at, entry] of log['entries'].entries()) {
    const one = readEntry(entry, at);
    if (!one.ok) return one;
    read.push(one.value);
  }
  // Recorders write entries as requests finish; a journey replays them as they started (sort is stable for ties).
  read.sort((a, b) => a.startMs - b.startMs);
  const creator = isObject(log['creator']) ? `${text(log['creator']['name'])} ${text(log['creator']['version'])}`.trim() : '';
  return ok({ creator, requests: read.map((r, index) => ({ ...r, index })) });
}

/** The value of a header by name (any case), or null. */
export function headerValue(headers: readonly HarHeader[], name: string): string | null {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value ?? null;
}

const STATIC_MIME = /^(image|font|video|audio)\/|^text\/css\b|javascript|ecmascript|^application\/(wasm|font-|x-font-|vnd\.ms-fontobject)/i;
const STATIC_EXTENSION =
  /\.(m?js|cjs|css|map|png|jpe?g|gif|svg|ico|webp|avif|bmp|tiff?|woff2?|ttf|otf|eot|mp4|webm|mp3|wav|ogg|m4a|flac|mov|wasm|webmanifest)$/i;
const STATIC_RESOURCE = new Set(['stylesheet', 'image', 'media', 'font', 'script', 'texttrack', 'manifest']);

/** A page the browser navigated to (or framed): kept even when its URL looks like a file. */
export function isDocument(r: RecordedRequest): boolean {
  return r.resourceType === 'document' || /^text\/html\b/i.test(r.responseMime);
}

/** An asset the browser loads for the page (style, script, image, font, media), which a load test of the app leaves out. */
export function isStatic(r: RecordedRequest): boolean {
  if (isDocument(r)) return false;
  return STATIC_MIME.test(r.responseMime) || STATIC_EXTENSION.test(r.url.pathname) || STATIC_RESOURCE.has(r.resourceType ?? '');
}

export type DropReason = 'not HTTP' | 'other origin' | 'CORS preflight' | 'static' | 'no response';

export type Step =
  | { readonly kind: 'replay'; readonly request: RecordedRequest }
  | { readonly kind: 'drop'; readonly request: RecordedRequest; readonly reason: DropReason };

export interface Selection {
  /** scheme://host[:port] of the requests replayed. */
  readonly origin: string;
  /** Every recorded request in order: replayed, or left out (where it was, so the script can say so). */
  readonly steps: readonly Step[];
  readonly replayed: readonly RecordedRequest[];
}

export interface SelectOptions {
  readonly includeStatic: boolean;
  /** The origin to replay; default: that of the first request that is not a static asset. */
  readonly origin?: string;
}

const isHttp = (r: RecordedRequest): boolean => r.url.protocol === 'http:' || r.url.protocol === 'https:';
// A browser asks before a cross-origin call with custom headers; gb is no browser and sends the call itself.
const isPreflight = (r: RecordedRequest): boolean =>
  r.method === 'OPTIONS' && headerValue(r.headers, 'access-control-request-method') !== null;

function dropReason(r: RecordedRequest, origin: string, includeStatic: boolean): DropReason | null {
  if (!isHttp(r)) return 'not HTTP';
  if (r.url.origin !== origin) return 'other origin';
  if (isPreflight(r)) return 'CORS preflight';
  if (!includeStatic && isStatic(r)) return 'static';
  if (r.status <= 0) return 'no response';
  return null;
}

function mainOrigin(requests: readonly RecordedRequest[]): string | null {
  const http = requests.filter((r) => isHttp(r) && !isPreflight(r));
  return (http.find((r) => !isStatic(r)) ?? http[0])?.url.origin ?? null;
}

function counted(steps: readonly Step[]): string {
  const counts = new Map<string, number>();
  for (const s of steps) if (s.kind === 'drop') counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason}`).join(', ');
}

/** Chooses what to replay; an error when nothing is left (with how many were left out for which reason). */
export function selectRequests(recording: Recording, options: SelectOptions): Result<Selection, string> {
  const all = recording.requests;
  if (all.length === 0) return err('the recording holds no requests');
  const origin = options.origin ?? mainOrigin(all);
  if (origin === null) return err(`none of its ${all.length} requests is an HTTP request`);
  const steps = all.map((request): Step => {
    const reason = dropReason(request, origin, options.includeStatic);
    return reason === null ? { kind: 'replay', request } : { kind: 'drop', request, reason };
  });
  const replayed = steps.flatMap((s) => (s.kind === 'replay' ? [s.request] : []));
  if (replayed.length === 0) {
    const hint =
      !options.includeStatic && steps.some((s) => s.kind === 'drop' && s.reason === 'static') ? '; --include-static keeps static ones' : '';
    return err(`no requests left to replay from ${origin}: ${all.length} recorded, left out: ${counted(steps)}${hint}`);
  }
  return ok({ origin, steps, replayed });
}

const DROPPED_HEADERS = new Set([
  // Hop-by-hop and framing: gb writes its own.
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  // The user's cookie jar sends cookies; gb does not decode compressed bodies.
  'cookie',
  'accept-encoding',
  // Browser noise, and the recorded page's address, which is wrong against another host.
  'user-agent',
  'upgrade-insecure-requests',
  'priority',
  'purpose',
  'dnt',
  'referer',
  'origin',
]);

function keptHeader(name: string): boolean {
  return !(DROPPED_HEADERS.has(name) || name.startsWith(':') || /^(proxy-|sec-ch-|sec-fetch-|sec-purpose)/.test(name));
}

/** The request's headers a replay sends: lower-case names, repeats joined with ", ", the dropped ones (see DROPPED_HEADERS) left out. */
export function replayHeaders(r: RecordedRequest): HarHeader[] {
  const joined = new Map<string, string>();
  for (const h of r.headers) {
    const name = h.name.toLowerCase();
    if (!keptHeader(name)) continue;
    const before = joined.get(name);
    joined.set(name, before === undefined ? h.value : `${before}, ${h.value}`);
  }
  return [...joined].map(([name, value]) => ({ name, value }));
}
