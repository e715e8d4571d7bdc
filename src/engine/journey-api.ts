// The types a journey script is written against: `import type { Journey, VirtualUser } from 'gb-bench'`.

import type { ScriptResponseHeaders } from './script-api.js';

/** What a step may set; everything left out keeps the run's own (-H, -C, -A; no body). */
export interface StepOptions {
  /** Added to -H, -C and -A, replacing a header of the same name (a Cookie given here replaces the jar's). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The request body as it is. */
  readonly body?: string | Uint8Array;
  /** Sent as JSON (Content-Type: application/json unless headers name one); instead of body. */
  readonly json?: unknown;
  /** The per-endpoint row the step counts under (e.g. "GET /products/:id"); default "METHOD path" without the query. */
  readonly name?: string;
}

/** One step of a journey: a request, relative to the run's URL. */
export interface StepRequest extends StepOptions {
  /** Default GET. */
  readonly method?: string;
  /** Path and query, e.g. "/api/items/42?full=1"; must start with "/". */
  readonly path: string;
}

/** A step's answer. A request that failed (refused, reset, timed out) resolves too, with status 0 and `error` set. */
export interface StepResponse {
  /** The status code; 0 when the request failed before a response was read. */
  readonly status: number;
  /** Header names in lower case; repeated headers joined with ", ", but `set-cookie` always a list. */
  readonly headers: ScriptResponseHeaders;
  /** The body's first bytes (up to the journey's `options.responseBody`, 1 MiB by default), de-chunked. */
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; throws when it is not JSON (a thrown error fails the iteration). */
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any -- a response's shape is the script's to know
  /** The request's time from when it was due to its last byte, in milliseconds (think time excluded). */
  readonly latencyMs: number;
  /** The endpoint row it counts under. */
  readonly name: string;
  /** Why the request failed (a message, as in the report's errors); null when a response was read. */
  readonly error: string | null;
}

/**
 * One virtual user: its own keep-alive connection, cookie jar, state and data row, running the
 * journey's iteration() again and again. Its methods are the journey's steps.
 */
export interface VirtualUser<State = Record<string, unknown>, Data = Record<string, string>> {
  /** 0-based, unique in the whole run: across worker threads (-G) and shards (--shard). */
  readonly id: number;
  /** How many iterations this user has started before the current one (0 in its first). */
  readonly iteration: number;
  /** The user's own values, kept between iterations. Starts as {}. */
  state: State;
  /** Its row of --data (CSV by the header's names, or a JSON Lines object); {} without --data. */
  readonly data: Data;
  request(step: StepRequest): Promise<StepResponse>;
  get(path: string, options?: StepOptions): Promise<StepResponse>;
  post(path: string, options?: StepOptions): Promise<StepResponse>;
  put(path: string, options?: StepOptions): Promise<StepResponse>;
  patch(path: string, options?: StepOptions): Promise<StepResponse>;
  delete(path: string, options?: StepOptions): Promise<StepResponse>;
  /**
   * Opens a WebSocket to `path` on the run's origin (ws:// for http://, wss:// for https://), with
   * the user's cookies: the handshake counts as one request (endpoint "WS path"); rejects when it fails.
   */
  ws(path: string): Promise<UserWebSocket>;
  /** Think time: waits `ms`; counted in the iteration's duration, in no request's latency. */
  sleep(ms: number): Promise<void>;
  /** Counts a check under `name` as passed (truthy) or failed; returns whether it passed. Does not end the iteration. */
  check(name: string, passed: unknown): boolean;
}

/** A message from the server on a journey's WebSocket. */
export interface WebSocketMessage {
  readonly data: Buffer;
  /** A binary message (opcode 2); false for text. */
  readonly binary: boolean;
  /** The data as UTF-8 text. */
  text(): string;
  /** The data parsed as JSON; throws when it is not JSON. */
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any -- a message's shape is the script's to know
}

/** A WebSocket a user opened with vu.ws(path): it stays open until close() or the run's end. */
export interface UserWebSocket {
  /** Sends a text message (a string) or a binary one (bytes). Throws once the socket has closed. */
  send(data: string | Uint8Array): void;
  /** The next message from the server, in order; rejects when the socket closes first, or after -s with none. */
  next(): Promise<WebSocketMessage>;
  /** Sends Close 1000 and ends the socket. */
  close(): Promise<void>;
}

export interface JourneyOptions {
  /** Bytes of each response body kept for text() and json(); default 1 MiB. The rest is read and counted, not kept. */
  readonly responseBody?: number;
}

/**
 * A journey script exports iteration() (as a named export, or on one default-exported object). A
 * throw (or a rejected promise) ends that iteration as failed; the user then starts its next.
 */
export interface Journey<State = Record<string, unknown>, Data = Record<string, string>> {
  readonly options?: JourneyOptions;
  iteration(vu: VirtualUser<State, Data>): Promise<void>;
}
