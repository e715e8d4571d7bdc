// run()'s options object: the command line's long flags, camelCased, turned into the raw strings
// validate() takes, so that the API and the CLI share every rule and every message.

import type { RawOptions } from '../config/validate.js';

/** What validate() takes, writable while it is being filled in. */
type MutableRaw = { -readonly [K in keyof RawOptions]: RawOptions[K] };
type RawField = Exclude<keyof RawOptions, 'urls'>;

/**
 * How one option's value becomes the string (or switch, or list) a command-line flag would have
 * given. `T` is the value type the option accepts, for RunOptions; `toRaw` returns undefined when a
 * JavaScript caller passed some other type.
 */
export interface OptionKind<T> {
  /** Completes "option 'x' must be ..." when the value has the wrong type. */
  readonly expected: string;
  readonly toRaw: (value: unknown) => string | boolean | readonly string[] | undefined;
  /** Never set: carries T to the RunOptions type. */
  readonly accepts?: T;
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextList = (value: unknown): value is readonly string[] => Array.isArray(value) && value.every(isText);

/** A count (-n, -c, -G, ...): a number, or a string as the command line takes it ('1k'). */
const COUNT: OptionKind<number | string> = {
  expected: "a number or a string such as '1k'",
  toRaw: (v) => (typeof v === 'number' ? String(v) : isText(v) ? v : undefined),
};

/** A rate in requests per second: a number or a string. */
const RATE: OptionKind<number | string> = {
  expected: "a number of requests per second or a string such as '2k'",
  toRaw: (v) => (typeof v === 'number' ? String(v) : isText(v) ? v : undefined),
};

/** A duration: a number of milliseconds, or a string as the command line takes it ('10s', '500ms', '1m30s'; a plain '2' is seconds). */
const DURATION: OptionKind<number | string> = {
  expected: "a number of milliseconds or a string such as '10s'",
  toRaw: (v) => (typeof v === 'number' ? `${v}ms` : isText(v) ? v : undefined),
};

/** --seed: a whole number, or its digits as a string ('42'; not '1k': a seed is no count). */
const SEED: OptionKind<number | `${bigint}`> = {
  expected: "a whole number or a string of digits such as '42'",
  toRaw: (v) => (typeof v === 'number' ? String(v) : isText(v) ? v : undefined),
};

const TEXT: OptionKind<string> = { expected: 'a string', toRaw: (v) => (isText(v) ? v : undefined) };

/** A wall-clock time: a Date, or a string as the command line takes it (RFC 3339, or '+30s' from now). */
const TIME: OptionKind<string | Date> = {
  expected: "a Date or a string such as '2026-11-29T14:00:00Z' or '+30s'",
  toRaw: (v) => (v instanceof Date ? v.toISOString() : isText(v) ? v : undefined),
};

const SWITCH: OptionKind<boolean> = { expected: 'true or false', toRaw: (v) => (typeof v === 'boolean' ? v : undefined) };

/** A repeatable flag (-C): one string or several. */
const LIST: OptionKind<string | readonly string[]> = {
  expected: 'a string or an array of strings',
  toRaw: (v) => (isText(v) ? [v] : isTextList(v) ? v : undefined),
};

export type HeadersOption = Readonly<Record<string, string>> | readonly (string | readonly [name: string, value: string])[];

/** -H: { name: value }, or a list of 'Name: value' lines and [name, value] pairs (a name may repeat). */
const HEADERS: OptionKind<HeadersOption> = {
  expected: "an object of name: value, or an array of 'Name: value' strings and [name, value] pairs",
  toRaw: (v) => {
    if (Array.isArray(v)) {
      const lines: string[] = [];
      for (const item of v as unknown[]) {
        if (isText(item)) lines.push(item);
        else if (Array.isArray(item) && item.length === 2 && item.every(isText)) lines.push(`${item[0]}: ${item[1]}`);
        else return undefined;
      }
      return lines;
    }
    if (typeof v !== 'object' || v === null) return undefined;
    const entries = Object.entries(v);
    return entries.every(([, value]) => isText(value)) ? entries.map(([name, value]) => `${name}: ${value as string}`) : undefined;
  },
};

export type CredentialsOption = string | { readonly user: string; readonly password: string };

/** -A / -P: 'user:password' (split at the first colon, as the command line does) or { user, password }. */
const CREDENTIALS: OptionKind<CredentialsOption> = {
  expected: "a 'user:password' string or { user, password }",
  toRaw: (v) => {
    if (isText(v)) return v;
    if (typeof v !== 'object' || v === null) return undefined;
    const { user, password } = v as { user?: unknown; password?: unknown };
    return isText(user) && isText(password) ? `${user}:${password}` : undefined;
  },
};

export type StagesOption = string | readonly (readonly [duration: number | string, requestsPerSecond: number])[];

/** --stages: '30s:100,60s:1000' or [[30_000, 100], ['60s', 1000]] (a number of milliseconds or a duration string, then a rate). */
const STAGES: OptionKind<StagesOption> = {
  expected: "a string such as '30s:100,60s:1000' or an array of [duration, rate] pairs",
  toRaw: (v) => {
    if (isText(v)) return v;
    if (!Array.isArray(v)) return undefined;
    const parts: string[] = [];
    for (const stage of v as unknown[]) {
      if (!Array.isArray(stage) || stage.length !== 2) return undefined;
      const [duration, rate] = stage as unknown[];
      const durationText = DURATION.toRaw(duration);
      if (!isText(durationText) || typeof rate !== 'number') return undefined;
      parts.push(`${durationText}:${rate}`);
    }
    return parts.join(',');
  },
};

interface OptionRow<T, F extends RawField = RawField> {
  /** The field of validate()'s RawOptions this option fills. */
  readonly raw: F;
  readonly kind: OptionKind<T>;
}
const row = <F extends RawField, T>(raw: F, kind: OptionKind<T>): OptionRow<T, F> => ({ raw, kind });

/**
 * Every command-line flag run() takes, by its option name. Adding a flag to run() is one row here:
 * its name (the long flag, camelCased), the RawOptions field it fills, and the kind of its value.
 * The command line's messages name the flag (`-n`), since validation is the command line's own.
 */
export const FLAG_OPTIONS = {
  /** -n: requests to send (default 1; no limit when only `duration` is given). */
  requests: row('requests', COUNT),
  /** -c: connections, one request in flight on each (default 1). */
  concurrency: row('concurrency', COUNT),
  /** -t / --duration: stop after this long; a number is milliseconds, a string takes a unit ('30s'). */
  duration: row('timeLimit', DURATION),
  /** -s: per-request inactivity timeout (default 30 s); a number is milliseconds. */
  timeout: row('timeout', DURATION),
  /** -k: reuse connections. */
  keepalive: row('keepAlive', SWITCH),
  /** -p: POST this file's bytes. */
  postFile: row('postFile', TEXT),
  /** -u: PUT this file's bytes. */
  putFile: row('putFile', TEXT),
  /** -T: Content-Type of the body (default text/plain). */
  contentType: row('contentType', TEXT),
  /** -H: extra headers; a name given here replaces gb's default of that name. */
  headers: row('headers', HEADERS),
  /** -C: cookies, 'name=value' each, sent in one Cookie header. */
  cookies: row('cookies', LIST),
  /** -A: basic authentication. */
  basicAuth: row('auth', CREDENTIALS),
  /** -X: send through this HTTP proxy, 'host[:port]'. */
  proxy: row('proxy', TEXT),
  /** -P: basic authentication to the proxy (needs `proxy`). */
  proxyAuth: row('proxyAuth', CREDENTIALS),
  /** -i: HEAD requests. */
  head: row('head', SWITCH),
  /** -m: the method (overrides the one `postFile`, `putFile`, `body` and `head` imply). */
  method: row('method', TEXT),
  /** -l: responses of another length than the first are not Length failures. */
  variableLength: row('variableLength', SWITCH),
  /** -r: do not stop at the first socket error. */
  continueOnError: row('continueOnError', SWITCH),
  /** -z: ask for gzip (Accept-Encoding: gzip). */
  gzip: row('gzip', SWITCH),
  /** -G: worker threads sharing the load (default 1); requests, connections and rate are split exactly. */
  workers: row('workers', COUNT),
  /** -B: local address to send from. */
  bind: row('bind', TEXT),
  /** --unix-socket: send over this unix domain socket; the URL still gives Host and path. */
  unixSocket: row('unixSocket', TEXT),
  /** --http1.0: ab's exact request bytes (HTTP/1.0, ab's header order). */
  http10: row('http10', SWITCH),
  /** --rate: requests per second in total on a fixed schedule (needs `requests` or `duration`). */
  rate: row('rate', RATE),
  /** --stages: a rate that changes linearly from stage to stage; sets the run's length. */
  stages: row('stages', STAGES),
  /** --max-connections: with `rate` or `stages`, let the pool grow up to this many connections. */
  maxConnections: row('maxConnections', COUNT),
  /** --shard: 'I/N', run shard I of N of this run; requests, connections and rate are split exactly. */
  shard: row('shard', TEXT),
  /** --start-at: begin measuring at this wall-clock time, after any warm-up. */
  startAt: row('startAt', TIME),
  /** --run-id: the name the shards of one run share. */
  runId: row('runId', TEXT),
  /** --warmup: run this long first, unmeasured; a number is milliseconds. */
  warmup: row('warmup', DURATION),
  /** --pipeline: requests in flight per connection (needs `keepalive`). */
  pipeline: row('pipeline', COUNT),
  /** --http2: speak HTTP/2 (h2 by ALPN over https://, h2c with prior knowledge over http://). */
  http2: row('http2', SWITCH),
  /** --streams: with `http2`, requests in flight per connection (the same setting as `pipeline`). */
  streams: row('streams', COUNT),
  /** --verify: verify TLS certificates (off by default, as in ab). */
  verify: row('verifyTls', SWITCH),
  /** --ca: with `verify`, trust the CA certificates in this PEM file. */
  ca: row('caFile', TEXT),
  /** -f: pin the TLS version: 'TLS1', 'TLS1.1', 'TLS1.2', 'TLS1.3' or 'ALL'. */
  protocol: row('protocol', TEXT),
  /** -Z: OpenSSL cipher list. */
  ciphers: row('ciphers', TEXT),
  /** -E: a PEM file with the client certificate and its unencrypted key. */
  certificate: row('clientCertFile', TEXT),
  /** --targets: a targets file (vegeta's plain format or JSON Lines) whose requests are sent instead of `url`'s. */
  targets: row('targets', TEXT),
  /** --random: with `targets`, pick each request at random instead of round-robin. */
  random: row('random', SWITCH),
  /** --seed: with `random`, the seed, so the sequence repeats. */
  seed: row('seed', SEED),
  /** --script: a .ts/.mts/.js/.mjs module of hooks (setup, request, response, teardown). */
  script: row('script', TEXT),
  /** --max-endpoints: rows of the per-endpoint table (default 100). */
  maxEndpoints: row('maxEndpoints', COUNT),
} satisfies Record<string, OptionRow<unknown>>;

/**
 * The RawOptions fields run() deliberately has no option for: -v only adds output (run() writes
 * none), and -b is accepted by the command line only to say that Node cannot honour it.
 */
type NotAnOption = 'verbosity' | 'bufferSize';
/**
 * A flag added to RawOptions without a row above, or a reason in NotAnOption, stops the build here,
 * naming the field: run() must not silently lag behind the command line.
 */
type FieldsWithoutOption = Exclude<RawField, (typeof FLAG_OPTIONS)[keyof typeof FLAG_OPTIONS]['raw'] | NotAnOption>;
const everyFlagHasAnOption: [FieldsWithoutOption] extends [never] ? true : FieldsWithoutOption = true;
void everyFlagHasAnOption;

type AcceptedBy<R> = R extends OptionRow<infer T> ? T : never;

/** The command-line flags as run() options; every one is optional. */
export type FlagOptions = { readonly [N in keyof typeof FLAG_OPTIONS]?: AcceptedBy<(typeof FLAG_OPTIONS)[N]> | undefined };

/** Names that are not options but that a user of the command line may try; each points at the option. */
const KNOWN_MISNAMES: Readonly<Record<string, string>> = {
  timelimit: 'duration',
  auth: 'basicAuth',
  'http1.0': 'http10',
  verifyTls: 'verify',
  clientCert: 'certificate',
  timeLimit: 'duration',
};

/** The closest name, when one is close enough to be a typo: same letters but for case, or at most two edits. */
export function didYouMean(name: string, names: readonly string[]): string | null {
  const known = KNOWN_MISNAMES[name];
  if (known !== undefined) return known;
  const lower = name.toLowerCase();
  let best: { readonly name: string; readonly distance: number } | null = null;
  for (const candidate of names) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance <= Math.min(2, Math.floor(name.length / 3)) && (best === null || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
};

/**
 * Fills RawOptions from the flag options in `options`, pushing a problem for each value of the
 * wrong type. Names not in FLAG_OPTIONS are left to the caller, which knows its other names.
 */
export function rawFromFlagOptions(options: Readonly<Record<string, unknown>>, urls: readonly string[], problems: string[]): RawOptions {
  const raw: MutableRaw = { urls };
  for (const [name, { raw: field, kind }] of Object.entries(FLAG_OPTIONS) as [string, OptionRow<unknown>][]) {
    const value = options[name];
    if (value === undefined) continue;
    const converted = kind.toRaw(value);
    if (converted === undefined) problems.push(`option '${name}' must be ${kind.expected}, got ${describe(value)}`);
    else (raw as Record<string, unknown>)[field] = converted;
  }
  return raw;
}

export { describe as describeValue };
