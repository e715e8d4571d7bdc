// Turns the command line's raw strings into the one validated Config, reporting every problem at once; all cross-flag rules live here.

import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { DEFAULT_CONTENT_TYPE, DEFAULT_MAX_ENDPOINTS, DEFAULT_TIMEOUT_MS, MAX_CONCURRENCY } from './config.js';
import type { Config, Header, Proxy, ScheduleConfig, ShardPlan, Target, TargetsConfig } from './config.js';
import { readTargetsFile } from './targets-file.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';
import { parseCount, parseDurationMs } from './units.js';
import { parseTarget, shown } from './target.js';
import { credentialsFrom, parseProxy, proxyAuthFrom } from './proxy.js';
import { readBodyFile } from './files.js';
import { deriveRunId, parseShard, parseStartAt, runIdProblem, seedOfRun } from './shard.js';
import { evenPart } from './even-split.js';
import { stagesFrom } from './stages.js';
import { tlsOptionsFrom, type RawTlsOptions } from './tls.js';

export { parseTarget } from './target.js';
export { outputPathProblem } from './files.js';

/**
 * Parsed but unvalidated options, as typed by the user (absent = not given).
 * Numbers and durations stay strings so that validation can quote the user's own text back.
 */
export interface RawOptions extends RawTlsOptions {
  /** Every positional argument; exactly one URL is expected. */
  readonly urls: readonly string[];
  readonly requests?: string | undefined;
  readonly concurrency?: string | undefined;
  /** --max-connections N: with --rate or --stages, let the pool grow past -c up to N. */
  readonly maxConnections?: string | undefined;
  /** -t / --timelimit / --duration: plain seconds or a duration with a unit. */
  readonly timeLimit?: string | undefined;
  readonly timeout?: string | undefined;
  readonly keepAlive?: boolean | undefined;
  readonly postFile?: string | undefined;
  readonly putFile?: string | undefined;
  readonly contentType?: string | undefined;
  readonly headers?: readonly string[] | undefined;
  readonly cookies?: readonly string[] | undefined;
  readonly auth?: string | undefined;
  readonly head?: boolean | undefined;
  readonly method?: string | undefined;
  readonly variableLength?: boolean | undefined;
  readonly continueOnError?: boolean | undefined;
  readonly verbosity?: string | undefined;
  readonly gzip?: boolean | undefined;
  readonly workers?: string | undefined;
  readonly bind?: string | undefined;
  readonly rate?: string | undefined;
  /** --stages: DURATION:RATE,...; replaces --rate, -t and -n. */
  readonly stages?: string | undefined;
  readonly warmup?: string | undefined;
  readonly pipeline?: string | undefined;
  readonly verifyTls?: boolean | undefined;
  /** -X / --proxy: host[:port]. */
  readonly proxy?: string | undefined;
  /** -P / --proxy-auth: user:password for the proxy. */
  readonly proxyAuth?: string | undefined;
  readonly unixSocket?: string | undefined;
  /** --http1.0: ab's request bytes, HTTP/1.0 and ab's header order. */
  readonly http10?: boolean | undefined;
  /** --http2, and --streams N (HTTP/2's name for --pipeline N). */
  readonly http2?: boolean | undefined;
  readonly streams?: string | undefined;
  /** -b: ab's socket buffer size; checked, then only noted (Node cannot set it). */
  readonly bufferSize?: string | undefined;
  /** --shard I/N: run part I of N of the run the other flags describe. */
  readonly shard?: string | undefined;
  /** --run-id: the name every shard of one run shares. */
  readonly runId?: string | undefined;
  /** --start-at: RFC 3339 time or +DURATION from now. */
  readonly startAt?: string | undefined;
  /** --targets FILE: the requests to send, instead of the one URL. */
  readonly targets?: string | undefined;
  /** --random: pick targets at random (repeatable with --seed) instead of round-robin. */
  readonly random?: boolean | undefined;
  readonly seed?: string | undefined;
  /** --script FILE: hooks (setup, request, response, teardown) in a .ts/.mts/.js/.mjs module. */
  readonly script?: string | undefined;
  /** --max-endpoints N: rows of the per-endpoint table (default 100). */
  readonly maxEndpoints?: string | undefined;
}

export const MAX_WORKERS = 256;
export const MAX_PIPELINE = 1000;

// RFC 9110 §5.6.2 token: the only characters allowed in a header name or a method.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// CR/LF/NUL would let a value end the header line early and inject headers of its own.
const LINE_BREAK = /[\r\n\0]/;

export function validate(raw: RawOptions): Result<Config, readonly string[]> {
  const problems: string[] = [];
  const targets = targetsFrom(raw, problems);
  const target = raw.targets !== undefined ? (targets?.list[0]?.target ?? null) : targetFrom(raw.urls, problems);
  const maxEndpoints = boundedInteger(problems, 'endpoint rows', '--max-endpoints', raw.maxEndpoints ?? String(DEFAULT_MAX_ENDPOINTS), 1, 100_000);
  const script = scriptFrom(raw.script, problems);

  const countGiven = raw.requests !== undefined;
  const requestsParsed = countGiven ? boundedInteger(problems, 'number of requests', '-n', raw.requests, 1, Number.MAX_SAFE_INTEGER) : null;
  const concurrency = boundedInteger(problems, 'concurrency level', '-c', raw.concurrency ?? '1', 1, MAX_CONCURRENCY);
  const workers = boundedInteger(problems, 'number of workers', '-G', raw.workers ?? '1', 1, MAX_WORKERS);
  const pipeline = pipelineFrom(raw, problems);
  const verbosity = boundedInteger(problems, 'verbosity', '-v', raw.verbosity ?? '0', 0, Number.MAX_SAFE_INTEGER);
  if (raw.bufferSize !== undefined) boundedInteger(problems, 'buffer size', '-b', raw.bufferSize, 1, 2 ** 31 - 1);

  const staged = raw.stages === undefined ? null : stagesFrom({ ...raw, stages: raw.stages }, problems);
  const durationMs = staged !== null ? staged.durationMs : raw.timeLimit === undefined ? null : positiveDurationMs(problems, 'time limit', '-t', raw.timeLimit);
  const timeoutMs = raw.timeout === undefined ? DEFAULT_TIMEOUT_MS : positiveDurationMs(problems, 'timeout', '-s', raw.timeout);
  const warmupMs = warmupFrom(raw.warmup, problems);
  const schedule: ScheduleConfig | null =
    raw.stages === undefined ? scheduleFrom(raw.rate, problems) : staged === null ? null : { kind: 'rate', requestsPerSecond: staged.meanPerSecond, stages: staged.stages };

  // ab's -t alone means "as many as fit in the time"; gb's old hidden 50 000 cap is gone on purpose.
  const requests = countGiven ? requestsParsed : raw.timeLimit !== undefined || raw.stages !== undefined ? null : 1;
  // ab's default of one request would turn a rate into a single request, surely not what was meant;
  // the -c check below would then only blame -c for a default -n the user never typed.
  const rateUnbounded = schedule?.kind === 'rate' && !countGiven && raw.timeLimit === undefined && raw.stages === undefined;
  if (rateUnbounded) {
    problems.push('--rate needs -n or -t (how many requests, or for how long)');
  } else if (requests !== null && concurrency !== null && concurrency > requests) {
    problems.push(`Cannot use concurrency level greater than total number of requests (-c ${concurrency} > -n ${requests})`);
  }
  const maxConnections = maxConnectionsFrom(raw, concurrency, problems);
  const startAtMs = raw.startAt === undefined ? null : parseStartAt(raw.startAt, Date.now(), problems);
  const shardParts = raw.shard === undefined ? null : parseShard(raw.shard, problems);
  if (raw.runId !== undefined) {
    const problem = runIdProblem(raw.runId);
    if (problem !== null) problems.push(problem);
  }
  if (targets !== null && concurrency !== null && workers !== null) originsFit(targets, concurrency, workers, shardParts, problems);
  if (shardParts !== null) shardFits(shardParts, concurrency, requests, workers, problems);
  else if (workers !== null && concurrency !== null && workers > concurrency) {
    problems.push(`-G ${workers} workers need at least as many connections, but -c is ${concurrency}`);
  }
  if (raw.caFile !== undefined && raw.verifyTls !== true) {
    problems.push(`--ca ${shown(raw.caFile)} needs --verify (without it no certificate is checked, as in ab)`);
  }
  if (raw.http2 === true) http2Problems(raw, problems);
  if (pipeline !== null && pipeline > 1 && raw.keepAlive !== true && raw.http2 !== true) {
    problems.push(`--pipeline ${pipeline} needs -k (pipelined requests share one kept-alive connection)`);
  }

  // With --targets the file gives each body; -p/-u are refused there (targetsFrom) and not read.
  const body = raw.targets === undefined ? bodyFrom(raw, problems) : null;
  // With --targets the run's method (JSON settings, a merge's check) is the first target's.
  const method = targets !== null ? (targets.list[0]?.method ?? 'GET') : methodFrom(raw, problems);
  const headers = (raw.headers ?? []).flatMap((text) => headerFrom(text, problems));
  const cookies = (raw.cookies ?? []).filter((text) => cookieIsValid(text, problems));
  const basicAuth = authFrom(raw.auth, problems);
  const contentType = contentTypeFrom(raw.contentType, problems);
  const proxy = proxyFrom(raw, problems);
  const unixSocket = unixSocketFrom(raw.unixSocket, raw.bind, problems);
  const peer = proxy !== null ? { what: 'the proxy', ...proxy } : target !== null ? { what: 'the target', ...target } : null;
  // A unix socket has no IP address to send from; unixSocketFrom has said so once already.
  const localAddress = raw.unixSocket === undefined ? localAddressFrom(raw.bind, peer, problems) : null;
  const tlsOptions = tlsOptionsFrom(raw, problems);

  if (
    problems.length > 0 || target === null || maxEndpoints === null || concurrency === null || workers === null || pipeline === null ||
    verbosity === null || timeoutMs === null || warmupMs === null || schedule === null || method === null
  ) {
    return err(problems);
  }
  // --start-at alone makes the run shard 1 of 1, so its result says how late it began like any shard's.
  const sharded = shardParts !== null || raw.runId !== undefined || startAtMs !== null;
  const parts = shardParts ?? { index: 1, count: 1 };
  const identity = { url: target.url, method, requests, concurrency, durationMs, schedule, keepAlive: raw.keepAlive === true, pipeline, shards: parts.count };
  const shard: ShardPlan | null = !sharded
    ? null
    : {
        ...parts,
        runId: raw.runId ?? deriveRunId(identity, startAtMs ?? Date.now()),
        whole: { requests, concurrency, requestsPerSecond: schedule.kind === 'rate' ? schedule.requestsPerSecond : null, maxConnections },
      };
  const config: Config = {
    target,
    // Shards are separate processes: a random seed each would give each its own sequence, so
    // they take one from the run id they share, and their stretches are still of one sequence.
    targets: targets !== null && shard !== null && targets.order === 'random' && raw.seed === undefined ? { ...targets, seed: seedOfRun(shard.runId) } : targets,
    script,
    maxEndpoints,
    sequenceStart: 0,
    method,
    body,
    contentType,
    headers: Object.freeze(headers),
    cookies: Object.freeze(cookies),
    basicAuth,
    proxy,
    requests,
    concurrency,
    maxConnections,
    durationMs,
    warmupMs,
    schedule,
    pipeline,
    workers,
    timeoutMs,
    tlsOptions,
    localAddress,
    unixSocket,
    verbosity,
    // The switches: absent means off.
    acceptGzip: raw.gzip === true,
    keepAlive: raw.keepAlive === true,
    continueOnError: raw.continueOnError === true,
    // Endpoints answer with bodies of their own lengths (and a script's requests vary), so one
    // document length for the whole run would make every other endpoint's response a Length failure.
    variableLength: raw.variableLength === true || targets !== null || script !== null,
    verifyTls: raw.verifyTls === true,
    http10: raw.http10 === true,
    http2: raw.http2 === true,
    shard,
    startAtMs,
  };
  return ok(Object.freeze(config));
}

/**
 * Requests in flight per connection: --pipeline N for HTTP/1.1, --streams N for HTTP/2 (h2load's -m).
 * They are one setting, so the engine and every load model treat both alike.
 */
function pipelineFrom(raw: RawOptions, problems: string[]): number | null {
  const pipeline = raw.pipeline === undefined ? null : boundedInteger(problems, 'pipeline depth', '--pipeline', raw.pipeline, 1, MAX_PIPELINE);
  const streams = raw.streams === undefined ? null : boundedInteger(problems, 'number of streams', '--streams', raw.streams, 1, MAX_PIPELINE);
  if (raw.streams !== undefined && raw.http2 !== true) {
    problems.push(`--streams ${shown(raw.streams)} needs --http2 (for HTTP/1.1, --pipeline N sets the requests in flight per connection)`);
    return null;
  }
  if (pipeline !== null && streams !== null && pipeline !== streams) {
    problems.push(`--pipeline ${pipeline} and --streams ${streams} disagree: they are one setting (requests in flight per connection); give one`);
    return null;
  }
  if ((raw.pipeline !== undefined && pipeline === null) || (raw.streams !== undefined && streams === null)) return null;
  return streams ?? pipeline ?? 1;
}

/** What HTTP/2 cannot go with. */
function http2Problems(raw: RawOptions, problems: string[]): void {
  if (raw.http10 === true) problems.push('--http2 and --http1.0 cannot be used together: pick one protocol');
  if (raw.proxy !== undefined) problems.push(`--http2 cannot go through a proxy (-X ${shown(raw.proxy)}) yet`);
}

/**
 * A targets file of several origins gives each origin connections of its own, at least one in each
 * worker: the connections this process runs (its shard's part of -c) must cover origins × workers.
 */
function originsFit(targets: TargetsConfig, concurrency: number, workers: number, shard: { readonly index: number; readonly count: number } | null, problems: string[]): void {
  const origins = new Set(targets.list.map((t) => originOf(t.target))).size;
  if (origins <= 1) return;
  const own = shard === null ? concurrency : evenPart(concurrency, shard.index, shard.count);
  if (own >= origins * workers) return;
  const each = workers > 1 ? ` in each of ${workers} workers` : '';
  const got = shard === null ? `got ${concurrency}` : `shard ${shard.index}/${shard.count} has ${own} of -c ${concurrency}`;
  problems.push(`--targets ${shown(targets.file)} names ${origins} origins, each with connections of its own${each}: -c must be at least ${origins * workers} (${got})`);
}

/** Every shard must get a connection (and a request, with -n), and its -G workers one connection each. */
function shardFits(
  shard: { readonly index: number; readonly count: number },
  concurrency: number | null,
  requests: number | null,
  workers: number | null,
  problems: string[],
): void {
  const { index, count } = shard;
  const name = `shard ${index}/${count}`;
  if (concurrency !== null && concurrency < index) {
    problems.push(`${name} would get no connection: -c ${concurrency} spreads over ${concurrency} shard${concurrency === 1 ? '' : 's'} at most (use fewer shards or a larger -c)`);
  } else if (requests !== null && requests < index) {
    problems.push(`${name} would get no request: -n ${requests} spreads over ${requests} shard${requests === 1 ? '' : 's'} at most (use fewer shards or a larger -n)`);
  } else if (concurrency !== null && workers !== null) {
    const own = evenPart(concurrency, index, count);
    if (workers > own) problems.push(`-G ${workers} workers need at least as many connections, but ${name} has ${own} of -c ${concurrency}`);
  }
}

/** A growing pool keeps a schedule; the closed loop has none to keep, so the flag means nothing there. */
function maxConnectionsFrom(raw: RawOptions, concurrency: number | null, problems: string[]): number | null {
  if (raw.maxConnections === undefined) return null;
  const max = boundedInteger(problems, 'connection limit', '--max-connections', raw.maxConnections, 1, MAX_CONCURRENCY);
  if (raw.rate === undefined && raw.stages === undefined) {
    problems.push(`--max-connections ${shown(raw.maxConnections)} needs --rate or --stages (only a schedule can leave every connection busy with a request due)`);
    return null;
  }
  if (max !== null && concurrency !== null && max < concurrency) {
    problems.push(`--max-connections ${max} is below -c ${concurrency} (the pool starts at -c and only grows)`);
    return null;
  }
  return max;
}

/** Integer in [min, max]; "1k"-style counts allowed. Zero and negatives parse here only to get the "at least" message. */
function boundedInteger(problems: string[], what: string, flag: string, text: string | undefined, min: number, max: number): number | null {
  if (text === undefined) return null;
  const value = parseCount(text) ?? (/^-?\d+$/.test(text) ? Number(text) : null);
  if (value === null) {
    problems.push(`invalid ${what}: ${flag} ${shown(text)} (not a whole number)`);
    return null;
  }
  if (value < min || value > max) {
    const bound = value < min ? `at least ${min}` : `at most ${max}`;
    problems.push(`invalid ${what}: ${flag} ${shown(text)} (must be ${bound})`);
    return null;
  }
  return value;
}

function positiveDurationMs(problems: string[], what: string, flag: string, text: string): number | null {
  const valueMs = parseDurationMs(text);
  if (valueMs === null || valueMs <= 0) {
    const why = valueMs === null ? 'expected seconds, or a number with ms, s, m or h' : 'must be more than 0';
    problems.push(`invalid ${what}: ${flag} ${shown(text)} (${why})`);
    return null;
  }
  return valueMs;
}

function warmupFrom(text: string | undefined, problems: string[]): number | null {
  if (text === undefined) return 0;
  const valueMs = parseDurationMs(text);
  if (valueMs === null) problems.push(`invalid warm-up: --warmup ${shown(text)} (expected seconds, or a number with ms, s, m or h)`);
  return valueMs;
}

function scheduleFrom(text: string | undefined, problems: string[]): ScheduleConfig | null {
  if (text === undefined) return { kind: 'closed' };
  const requestsPerSecond = /^(\d+(\.\d+)?|\.\d+)$/.test(text) ? Number(text) : parseCount(text);
  if (requestsPerSecond === null || requestsPerSecond <= 0) {
    problems.push(`invalid rate: --rate ${shown(text)} (must be a number of requests per second above 0)`);
    return null;
  }
  return { kind: 'rate', requestsPerSecond };
}

function bodyFrom(raw: RawOptions, problems: string[]): Uint8Array | null {
  if (raw.postFile !== undefined && raw.putFile !== undefined) {
    problems.push('-p (POST) and -u (PUT) cannot be used together: give one request body');
    return null;
  }
  if (raw.head === true && (raw.postFile !== undefined || raw.putFile !== undefined)) {
    problems.push(`-i (HEAD) cannot be used with ${raw.postFile !== undefined ? '-p' : '-u'}: a HEAD request has no body`);
    return null;
  }
  if (raw.postFile !== undefined) return readBodyFile('-p', raw.postFile, problems);
  if (raw.putFile !== undefined) return readBodyFile('-u', raw.putFile, problems);
  return null;
}

function methodFrom(raw: RawOptions, problems: string[]): string | null {
  if (raw.method !== undefined) {
    const method = raw.method.toUpperCase();
    if (!TOKEN.test(method)) {
      problems.push(`invalid method: -m ${shown(raw.method)} (must be a single word such as GET or PATCH)`);
      return null;
    }
    return method;
  }
  if (raw.postFile !== undefined) return 'POST';
  if (raw.putFile !== undefined) return 'PUT';
  return raw.head === true ? 'HEAD' : 'GET';
}

function headerFrom(text: string, problems: string[]): Header[] {
  const colon = text.indexOf(':');
  if (colon < 0) {
    problems.push(`header without a colon: ${shown(text)} (expected -H 'Name: value')`);
    return [];
  }
  const name = text.slice(0, colon);
  // Whitespace before the colon is not trimmed: RFC 9112 §5.1 forbids it, so it makes the name invalid.
  const value = text.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
  if (name === '') {
    problems.push(`header with an empty name: ${shown(text)} (expected -H 'Name: value')`);
    return [];
  }
  if (!TOKEN.test(name)) {
    problems.push(`invalid header name ${shown(name)} in -H ${shown(text)}`);
    return [];
  }
  if (LINE_BREAK.test(value)) {
    problems.push(`header value contains a line break or NUL: -H ${shown(text)}`);
    return [];
  }
  return [{ name, value }];
}

function cookieIsValid(text: string, problems: string[]): boolean {
  const equals = text.indexOf('=');
  if (equals < 0) problems.push(`cookie without '=': -C ${shown(text)} (expected name=value)`);
  else if (equals === 0) problems.push(`cookie with an empty name: -C ${shown(text)}`);
  else if (LINE_BREAK.test(text)) problems.push(`cookie contains a line break or NUL: -C ${shown(text)}`);
  else return true;
  return false;
}

/** Splits -A's "user:password" at the first colon (passwords may contain colons); null without a colon. */
export function parseBasicAuth(text: string): { readonly user: string; readonly password: string } | null {
  const colon = text.indexOf(':');
  return colon < 0 ? null : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

function authFrom(text: string | undefined, problems: string[]): string | null {
  return text === undefined ? null : credentialsFrom('-A', text, problems);
}

function contentTypeFrom(text: string | undefined, problems: string[]): string {
  if (text === undefined) return DEFAULT_CONTENT_TYPE;
  if (text.trim() === '') problems.push('invalid content type: -T is empty');
  else if (LINE_BREAK.test(text)) problems.push(`invalid content type: -T ${shown(text)} contains a line break or NUL`);
  return text;
}

function proxyFrom(raw: RawOptions, problems: string[]): Proxy | null {
  const auth = proxyAuthFrom(raw.proxyAuth, raw.proxy !== undefined, problems);
  if (raw.proxy === undefined) return null;
  const proxy = parseProxy(raw.proxy, auth);
  if (proxy.ok) return proxy.value;
  problems.push(proxy.error);
  return null;
}

/** `peer` is where sockets go: the proxy when there is one, else the target. */
function localAddressFrom(
  text: string | undefined,
  peer: { readonly what: string; readonly host: string; readonly connectHost: string } | null,
  problems: string[],
): string | null {
  if (text === undefined) return null;
  // Brackets are how IPv6 is written in URLs, so accept "[::1]" here too.
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = isIP(address);
  if (family === 0) {
    problems.push(`invalid local address: -B ${shown(text)} (must be an IPv4 or IPv6 address)`);
    return null;
  }
  const peerFamily = peer === null ? 0 : isIP(peer.connectHost);
  if (peer !== null && peerFamily !== 0 && peerFamily !== family) {
    problems.push(`-B ${shown(text)} is IPv${family} but ${peer.what} ${peer.host} is IPv${peerFamily}`);
    return null;
  }
  return address;
}

/**
 * Checked up front so that a typo gives one line naming the path, rather than every request failing
 * with the ENOENT or ECONNREFUSED the connect would get (and a regular file would give ENOTSOCK).
 */
function unixSocketFrom(path: string | undefined, bind: string | undefined, problems: string[]): string | null {
  if (path === undefined) return null;
  if (bind !== undefined) {
    problems.push(`-B ${shown(bind)} cannot be used with --unix-socket: a unix socket has no local IP address to send from`);
  }
  if (path === '') {
    problems.push('invalid --unix-socket "" (expected the path of a unix domain socket)');
    return null;
  }
  let stats;
  try {
    stats = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    problems.push(code === 'ENOENT' ? `--unix-socket ${shown(path)}: no such file (is the server listening there?)` : `cannot use --unix-socket ${shown(path)}: ${code}`);
    return null;
  }
  if (!stats.isSocket()) {
    const kind = stats.isDirectory() ? 'a directory' : stats.isFile() ? 'a regular file' : 'some other kind of file';
    problems.push(`--unix-socket ${shown(path)} is not a unix domain socket (it is ${kind})`);
    return null;
  }
  return path;
}

function targetFrom(urls: readonly string[], problems: string[]): Target | null {
  const [only] = urls;
  if (only === undefined) {
    problems.push('missing URL (usage: gb [options] [http[s]://]hostname[:port]/path)');
    return null;
  }
  if (urls.length > 1) {
    problems.push(`expected one URL, got ${urls.length}: ${urls.map(shown).join(' ')}`);
    return null;
  }
  const target = parseTarget(only);
  if (!target.ok) {
    problems.push(target.error);
    return null;
  }
  return target.value;
}

/** --targets FILE with --random and --seed; the file replaces the URL and the flags that shape the one request. */
function targetsFrom(raw: RawOptions, problems: string[]): TargetsConfig | null {
  const seedText = raw.seed;
  let seed = Math.floor(Math.random() * 2 ** 32);
  if (seedText !== undefined) {
    if (!/^\d+$/.test(seedText) || Number(seedText) > 2 ** 32 - 1) problems.push(`invalid seed: --seed ${shown(seedText)} (must be a whole number 0..4294967295)`);
    else seed = Number(seedText);
    if (raw.random !== true) problems.push('--seed needs --random (round-robin order has no randomness to seed)');
  }
  if (raw.targets === undefined) {
    if (raw.random === true) problems.push('--random needs --targets (it picks among the targets file\'s requests)');
    return null;
  }
  if (raw.urls.length > 0) problems.push(`--targets ${shown(raw.targets)} gives the requests: drop the URL ${raw.urls.map(shown).join(' ')}`);
  const shaping = [
    ['-p', raw.postFile],
    ['-u', raw.putFile],
    ['-m', raw.method],
    ['-i', raw.head === true ? '' : undefined],
  ].filter(([, v]) => v !== undefined).map(([flag]) => flag);
  if (shaping.length > 0) problems.push(`${shaping.join(', ')} cannot be used with --targets: each request's method and body come from the file`);
  if (raw.targets === '') {
    problems.push('option \'--targets\' needs a file name, got an empty one');
    return null;
  }
  const list = readTargetsFile(raw.targets, problems);
  if (list === null) return null;
  const origins = new Set(list.map((t) => originOf(t.target)));
  if (origins.size > 1) {
    if (raw.script !== undefined) problems.push(`--script cannot be used with --targets ${shown(raw.targets)} of ${origins.size} origins (a script's request() gives a path on one origin)`);
    if (raw.proxy !== undefined || raw.unixSocket !== undefined) problems.push(`${raw.proxy !== undefined ? '-X' : '--unix-socket'} cannot be used with --targets ${shown(raw.targets)} of ${origins.size} origins (every connection would go to one place)`);
  }
  return { file: raw.targets, list, order: raw.random === true ? 'random' : 'round-robin', seed, members: null };
}

/** scheme://host:port: targets of one origin share connections. */
export function originOf(target: Target): string {
  return `${target.tls ? 'https' : 'http'}://${target.connectHost.includes(':') ? `[${target.connectHost}]` : target.connectHost}:${target.port}`;
}

/** --script FILE: only the name is checked here; the CLI loads the module before the run. */
function scriptFrom(path: string | undefined, problems: string[]): string | null {
  if (path === undefined) return null;
  if (!/\.(ts|mts|js|mjs)$/.test(path)) {
    problems.push(`--script ${shown(path)}: expected a .ts, .mts, .js or .mjs module`);
    return null;
  }
  try {
    if (!statSync(path).isFile()) {
      problems.push(`--script ${shown(path)} is not a file`);
      return null;
    }
  } catch {
    problems.push(`--script ${shown(path)}: no such file`);
    return null;
  }
  return path;
}
