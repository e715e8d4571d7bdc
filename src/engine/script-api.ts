// The types a --script module is written against: `import type { Script } from 'gb-bench'`.

import type { Summary } from '../metrics/summary.js';
import type { VirtualUser } from './journey-api.js';

/** What every hook of one worker thread sees; `state` is the script's own, kept between calls. */
export interface ScriptContext<State = Record<string, unknown>> {
  /** 0-based index of the worker thread (-G); 0 without -G. */
  readonly worker: number;
  /** The run's URL (with --targets, the first target's): its origin and path. */
  readonly url: string;
  /** scheme://host:port of the URL, the port always given, for setup() requests of its own (fetch a token). */
  readonly origin: string;
  /** How many requests the targets file holds (request() may return an index below it); 0 without --targets. */
  readonly targets: number;
  /** Values the script keeps: a token from setup(), an ID from a response. Starts as {}. */
  state: State;
}

/** The next request, relative to the run's URL: each field left out keeps the run's own (-m, the URL's path, -H, -p). */
export interface ScriptRequest {
  readonly method?: string;
  /** Path and query, e.g. "/api/items/42?full=1"; must start with "/". */
  readonly path?: string;
  /** Added to -H, -C and -A, replacing a header of the same name. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** The per-endpoint row to count it under (e.g. "GET /api/items/:id"); default "METHOD path". */
  readonly name?: string;
}

/**
 * A response's headers by lower-case name. A header sent several times has its values joined with
 * ", " (RFC 9110 §5.3), except Set-Cookie: a cookie's Expires date holds a comma, so joined cookies
 * could not be split again, and `set-cookie` is a list with one entry per header, in order. The
 * names below are typed as the single string they always are; the index signature cannot tell any
 * other name from `set-cookie`, so it allows both: narrow it (`typeof v === 'string'`) or `String(v)`.
 */
export interface ScriptResponseHeaders {
  readonly 'set-cookie'?: readonly string[];
  readonly 'content-type'?: string;
  readonly 'content-length'?: string;
  readonly 'content-encoding'?: string;
  readonly 'cache-control'?: string;
  readonly etag?: string;
  readonly location?: string;
  readonly 'last-modified'?: string;
  readonly date?: string;
  readonly server?: string;
  readonly [name: string]: string | readonly string[] | undefined;
}

/** A response as response() sees it. */
export interface ScriptResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with ", ", but `set-cookie` always a list. */
  readonly headers: ScriptResponseHeaders;
  /**
   * The body's first bytes (at most `options.responseBody`), de-chunked; null unless the script asks
   * for bodies with `export const options = { responseBody: 65536 }` (or true, for 64 KiB).
   */
  readonly body: Buffer | null;
  /** The body as UTF-8 text ('' when not captured). */
  text(): string;
  /** The body parsed as JSON; throws (a Script failure) when it is not JSON. */
  json(): unknown;
  /** Total time of the request, in milliseconds. */
  readonly latencyMs: number;
  /** The endpoint row it counts under. */
  readonly name: string;
}

export interface ScriptOptions {
  /**
   * Hand response() the body, up to this many bytes (true: 64 KiB). Off by default: reading bodies
   * costs a copy. A journey's steps keep 1 MiB of each body unless this says otherwise.
   */
  readonly responseBody?: boolean | number;
}

/**
 * A --script module exports any of these (as named exports, or one default-exported object). Only
 * what is exported runs: a run without request() sends the prebuilt bytes as usual.
 */
export interface Script<State = Record<string, unknown>> {
  readonly options?: ScriptOptions;
  /** Once per worker, before its first request; may be async (log in, fetch a token). A throw stops gb before any request. */
  setup?(ctx: ScriptContext<State>): void | Promise<void>;
  /** The next request: an object, or the index of a --targets target. Synchronous. A throw is a Script failure of that request. */
  request?(ctx: ScriptContext<State>): ScriptRequest | number;
  /** Judges a response: false (or a throw) makes it a Script failure. May be async; bounded by -s. */
  response?(ctx: ScriptContext<State>, res: ScriptResponse): boolean | void | Promise<boolean | void>;
  /** Once per worker after the run, with the run's Summary (with -G, of that worker's share). */
  teardown?(ctx: ScriptContext<State>, summary: Summary): void | Promise<void>;
  /** A journey (--users): what each virtual user runs again and again (journey-api.ts). */
  iteration?(vu: VirtualUser): Promise<void>;
}
