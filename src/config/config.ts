// The one validated, immutable description of a run. Every unit is in the field's name.

import type { DataRows } from './data-rows.js';

export interface Target {
  /** The URL as the user typed it (after adding a missing scheme). */
  readonly url: string;
  readonly tls: boolean;
  /** Host as given on the command line, brackets kept for IPv6: ab prints this as "Server Hostname". */
  readonly host: string;
  /** Host to connect to (IPv6 without brackets). */
  readonly connectHost: string;
  readonly port: number;
  /** Path plus query, as sent on the request line. */
  readonly path: string;
  /** Value of the Host header: host, plus the port when it is not the scheme's default. */
  readonly hostHeader: string;
}

export interface Header {
  readonly name: string;
  readonly value: string;
}

/** An HTTP proxy every connection goes through (-X); the target stays what the report names. */
export interface Proxy {
  /** As typed, brackets kept for IPv6, for messages. */
  readonly host: string;
  /** Host to connect to (IPv6 without brackets). */
  readonly connectHost: string;
  readonly port: number;
  /** "user:password" from -P, sent as Proxy-Authorization: Basic. */
  readonly auth: string | null;
}

/** A TLS protocol version as node:tls names it. */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** How to speak TLS (-f, -Z, -E, --ca); null fields keep Node's defaults. The PEM files are read once, before validation (src/inputs). */
export interface TlsOptions {
  readonly minVersion: TlsVersion | null;
  readonly maxVersion: TlsVersion | null;
  /** OpenSSL cipher list; node:tls sends TLS 1.3 suite names (TLS_...) to the 1.3 list itself. */
  readonly ciphers: string | null;
  /** -E: the client certificate and its private key, both in this one PEM text (as ab reads it). */
  readonly clientPem: string | null;
  /** --ca: the certificates --verify trusts instead of Node's bundled roots. */
  readonly caPem: string | null;
}

/** One stage of --stages: the rate moves linearly from where the last stage ended to `requestsPerSecond` over `durationMs`. */
export interface RateStage {
  readonly durationMs: number;
  readonly requestsPerSecond: number;
}

export type ScheduleConfig =
  | { readonly kind: 'closed' }
  /**
   * `requestsPerSecond` is the rate of --rate, or with --stages their mean (what the report calls the
   * target); `stages`, when present, shape the rate over time instead of holding it flat.
   */
  | { readonly kind: 'rate'; readonly requestsPerSecond: number; readonly stages?: readonly RateStage[] };

/** One request of a targets file (--targets), built to bytes once per run. */
export interface RequestTarget {
  /** The endpoint row it is reported under: its `name`, or "METHOD path". */
  readonly name: string;
  readonly method: string;
  readonly target: Target;
  /** The target's own headers; -H, -C and -A add theirs unless a name here overrides them. */
  readonly headers: readonly Header[];
  readonly body: Uint8Array | null;
}

/** --targets FILE with its order: every request goes to one of `list`, picked by its place in the run's sequence. */
export interface TargetsConfig {
  readonly file: string;
  readonly list: readonly RequestTarget[];
  /** Round-robin by default; --random picks by a hash of (seed, place in the sequence), so a seed repeats the run. */
  readonly order: 'round-robin' | 'random';
  readonly seed: number;
  /**
   * The targets this engine sends (indices into `list`): one origin's, when the file names several
   * and each origin has its own engine and connections; null: every target.
   */
  readonly members: readonly number[] | null;
}

/**
 * --users: a journey, each virtual user running the script's iteration() in turn. The users are the
 * run's `concurrency` (and --max-users its `maxConnections`), so -G and --shard split them as they
 * split connections; `requests` is null, as a journey counts iterations.
 */
export interface JourneyConfig {
  /** --iterations in all (this part's share); null when only -t or --stages bound the run. */
  readonly iterations: number | null;
  /** --data's rows, or null. */
  readonly data: DataRows | null;
  readonly dataOrder: 'round-robin' | 'random';
  readonly seed: number;
  /** vu.id of this part's first user: the users of earlier workers and shards come before. */
  readonly firstUser: number;
}

/** A WebSocket run (a ws:// or wss:// URL): each message's round trip is one exchange, as a request is over HTTP. */
export interface WebSocketConfig {
  /** Every message's payload: --message TEXT (UTF-8), or the bytes of --message @FILE. */
  readonly message: Uint8Array;
  /** --binary: send binary messages (opcode 2) instead of text (opcode 1). */
  readonly binary: boolean;
  /** echo: each connection waits for the reply before its next message (the default); rate: --rate or --stages send on a schedule. */
  readonly mode: 'echo' | 'rate';
}

/** How a gRPC method streams (its request and response `stream` keywords). */
export type GrpcKind = 'unary' | 'server' | 'client' | 'bidi';

/**
 * gb grpc: every call POSTs `body` (its messages, length-prefixed, encoded once) to the method's
 * path over HTTP/2 and reads the grpc-status of its answer. Plain data: workers get it with the Config.
 */
export interface GrpcConfig {
  /** pkg.Service/Method, as --call named it. */
  readonly method: string;
  readonly kind: GrpcKind;
  /** Messages each call sends: its body holds them all, and a streaming call's stream ends after them. */
  readonly messagesPerCall: number;
  /** --deadline, sent as grpc-timeout; null for none. */
  readonly deadlineMs: number | null;
}

export interface Config {
  /** The URL's target; with --targets, the first target's (what ab's report names). */
  readonly target: Target;
  /** --targets: many requests instead of the one URL; null for a single-URL run. */
  readonly targets: TargetsConfig | null;
  /** --script FILE: a module whose hooks run per worker and per request; null for none. */
  readonly script: string | null;
  /** --users: the script is a journey; null for a run of requests. */
  readonly journey: JourneyConfig | null;
  /** --max-endpoints: rows of the per-endpoint table; the rest are counted under "other". */
  readonly maxEndpoints: number;
  /**
   * Where this engine's share starts in the run's request sequence: 0 for a whole run; a worker's
   * share starts after the earlier workers' requests, so each request keeps its place in one global
   * round-robin and per-target counts stay exact however the run is split.
   */
  readonly sequenceStart: number;
  readonly method: string;
  /** Request body for -p/-u (null for none). */
  readonly body: Uint8Array | null;
  readonly contentType: string;
  /** User headers from -H, in order; a name given here replaces gb's default of that name. */
  readonly headers: readonly Header[];
  /** Cookie pairs from -C, sent as one Cookie header joined by "; ". */
  readonly cookies: readonly string[];
  /** "user:password" from -A, sent as Basic authorization. */
  readonly basicAuth: string | null;
  readonly acceptGzip: boolean;
  readonly keepAlive: boolean;
  /** -X: plain HTTP goes to it in absolute form, HTTPS through a CONNECT tunnel; null for none. */
  readonly proxy: Proxy | null;

  /** Total requests to send; null when only a time limit bounds the run. */
  readonly requests: number | null;
  readonly concurrency: number;
  /** Rate mode's open model: the pool may grow to this many connections when a request is due and none is free; null keeps -c fixed. */
  readonly maxConnections: number | null;
  /** Time limit of the measured run (-t / --duration); null for none. */
  readonly durationMs: number | null;
  /** Run this long first, unmeasured. 0 for no warm-up. */
  readonly warmupMs: number;
  readonly schedule: ScheduleConfig;
  /** Requests in flight per connection (1 = no pipelining): pipelined HTTP/1.1 requests, or HTTP/2 streams (--streams). */
  readonly pipeline: number;
  /** Worker threads that share the load. */
  readonly workers: number;

  /** Per-request timeout (-s), ab's default 30 s. */
  readonly timeoutMs: number;
  /** Keep going after socket errors (-r); without it the first one stops the run, as in ab. */
  readonly continueOnError: boolean;
  /** Accept responses whose length differs from the first one (-l). */
  readonly variableLength: boolean;
  readonly verifyTls: boolean;
  readonly tlsOptions: TlsOptions;
  /** Local address to bind (-B), or null. */
  readonly localAddress: string | null;
  /** Send over this unix domain socket instead of TCP (--unix-socket); the URL still gives Host and path. */
  readonly unixSocket: string | null;
  readonly verbosity: number;
  /** --http1.0: send ab's request bytes (HTTP/1.0, ab's header order) instead of gb's HTTP/1.1 ones. */
  readonly http10: boolean;
  /** --http2: HTTP/2, h2 over TLS (ALPN) or h2c with prior knowledge; `pipeline` is then the streams per connection. */
  readonly http2: boolean;
  /** A ws:// or wss:// URL: the run's messages; null for HTTP. */
  readonly websocket: WebSocketConfig | null;
  /** --shard I/N: which part of a run spread over several processes or machines this is; null for a whole run. */
  readonly shard: ShardPlan | null;
  /** --start-at: Unix time in ms at which the measured run begins (after any warm-up); null to begin at once. */
  readonly startAtMs: number | null;
  /** gb grpc: the calls' method and messages; null for an HTTP run. */
  readonly grpc: GrpcConfig | null;
}

/**
 * One part of a run spread over N processes. The Config's own counts (requests, concurrency, rate)
 * are already this part's share; `whole` keeps the unsplit ones, which N parts add up to.
 */
export interface ShardPlan {
  /** 1-based: shard 1 of N up to N of N. */
  readonly index: number;
  readonly count: number;
  /** Names the run so `gb merge` can tell its shards from another run's: --run-id, or derived from the settings and --start-at. */
  readonly runId: string;
  readonly whole: WholeRun;
}

/** The settings as given, before --shard split them. */
export interface WholeRun {
  readonly requests: number | null;
  readonly concurrency: number;
  readonly requestsPerSecond: number | null;
  readonly maxConnections: number | null;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_ENDPOINTS = 100;
export const DEFAULT_CONTENT_TYPE = 'text/plain';
export const MAX_CONCURRENCY = 20_000;
export const MAX_WORKERS = 256;
export const MAX_PIPELINE = 1000;
/** The largest WebSocket message gb sends or accepts: a bigger one from the server is a WS_FRAME_TOO_LARGE failure. */
export const MAX_WS_MESSAGE_BYTES = 16 * 1024 * 1024;
/** With --rate, a WebSocket connection's messages in flight (replies matched in order) unless --pipeline says otherwise. */
export const DEFAULT_WS_IN_FLIGHT = 64;
/** The message of a WebSocket run without --message. */
export const DEFAULT_WS_MESSAGE = 'hello from gb';
/** -X without a port: HTTP's own port, as for a URL without one (ab's man page documents no default). */
export const DEFAULT_PROXY_PORT = 80;
