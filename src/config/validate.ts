// The cross-flag rules: the run options, each parsed by its own entry of the option table, made into the one validated Config, every problem at once.

import { isIP } from 'node:net';
import type { Config, Proxy, ScheduleConfig, ShardPlan, Target, TargetsConfig, TlsOptions } from './config.js';
import { evenPart } from './even-split.js';
import { OptionValues } from './option-values.js';
import type { DirectFields, LoadedFiles, MisfitFields, RawOptions } from './options.js';
import { deriveRunId, seedOfRun } from './shard.js';
import { parseTarget, shown } from './target.js';
import { tlsOptionsOf } from './tls.js';
import { iterationsFrom, journeyFrom, maxUsersFrom, usersFrom } from './journey-rules.js';
import { isWebSocketRun, websocketFrom, websocketInFlight } from './websocket-rules.js';
import { err, ok, type Result } from '../result.js';

export { parseTarget } from './target.js';
export { parseBasicAuth } from './parsers.js';
export type { LoadedFiles, RawOptions } from './options.js';

/** An entry whose `field` its value does not fit stops the build here, naming the entry. */
const everyFieldFits: [MisfitFields] extends [never] ? true : MisfitFields = true;
void everyFieldFits;

/**
 * The Config from the options and the files the loading step read for them (src/inputs/load.ts
 * does both). Pure: it reads no file and writes nothing.
 */
export function configFrom(raw: RawOptions, files: LoadedFiles): Result<Config, readonly string[]> {
  return validateOptions(new OptionValues(raw, files));
}

interface Load {
  readonly requests: number | null;
  readonly concurrency: number;
  readonly pipeline: number;
  readonly durationMs: number | null;
  readonly schedule: ScheduleConfig;
  readonly maxConnections: number | null;
  readonly shardParts: { readonly index: number; readonly count: number } | null;
  /** --users: iterations in all (null: -t or --stages bound the run); null in a run of requests too. */
  readonly iterations: number | null;
}

/** The rules, in the order their problems have always been reported; exported for the test that every option is consulted. */
export function validateOptions(o: OptionValues): Result<Config, readonly string[]> {
  const targets = targetsFrom(o);
  const target = o.given('targets') ? (targets?.list[0]?.target ?? null) : targetFrom(o.urls, o.problems);
  // Options that fill their Config field as they are (o.direct()) are still consulted here, for
  // their problems to come where they always have: the command line prints the first one.
  o.value('maxEndpoints');
  const script = o.value('script');
  const load = loadFrom(o, targets);
  const body = bodyFrom(o);
  const method = methodFrom(o, targets);
  for (const key of ['headers', 'cookies', 'basicAuth', 'contentType'] as const) o.value(key);
  const proxy = proxyFrom(o);
  const localAddress = localAddressFrom(
    o,
    proxy !== null ? { what: 'the proxy', ...proxy } : target !== null ? { what: 'the target', ...target } : null,
  );
  const tlsOptions = tlsOptionsFrom(o);
  const journey = journeyFrom(o, load?.iterations ?? null);
  const websocket = websocketFrom(o);
  if (websocket === null) o.skip('message');
  o.finish();
  if (o.problems.length > 0 || target === null || load === null || method === null) return err(o.problems);

  const direct: DirectFields = o.direct();
  const shard = shardPlanOf(o, load, { url: target.url, method, keepAlive: direct.keepAlive, startAtMs: direct.startAtMs });
  const computed: Omit<Config, keyof DirectFields> = {
    target,
    // Shards are separate processes: a random seed each would give each its own sequence, so
    // they take one from the run id they share, and their stretches are still of one sequence.
    targets:
      targets !== null && shard !== null && targets.order === 'random' && !o.given('seed')
        ? { ...targets, seed: seedOfRun(shard.runId) }
        : targets,
    sequenceStart: 0,
    grpc: null,
    method,
    body,
    proxy,
    requests: load.requests,
    durationMs: load.durationMs,
    schedule: load.schedule,
    pipeline: load.pipeline,
    // Endpoints answer with bodies of their own lengths (and a script's requests vary), so one
    // document length for the whole run would make every other endpoint's response a Length failure.
    variableLength: o.on('variableLength') || targets !== null || script !== null,
    tlsOptions,
    localAddress,
    shard,
    journey:
      journey !== null && shard !== null && journey.dataOrder === 'random' && !o.given('seed')
        ? { ...journey, seed: seedOfRun(shard.runId) }
        : journey,
    websocket,
  };
  // A journey's users are its concurrency, each on one connection kept alive as a browser keeps it.
  const users = journey === null ? {} : { concurrency: load.concurrency, maxConnections: load.maxConnections, keepAlive: true };
  // A WebSocket stays open for every message, and messages are as long as the server makes them.
  const ws = websocket === null ? {} : { keepAlive: true, variableLength: true };
  return ok(Object.freeze({ ...direct, ...computed, ...users, ...ws }));
}

/** How many requests, how fast, on how many connections: the rules between -n, -c, -t, -G, --rate, --stages, --pipeline and --shard. */
function loadFrom(o: OptionValues, targets: TargetsConfig | null): Load | null {
  const { problems } = o;
  const countGiven = o.given('requests');
  const requestsParsed = countGiven ? o.value('requests') : null;
  const journeyRun = o.given('users');
  const concurrency = journeyRun ? usersFrom(o) : o.value('concurrency');
  const workers = o.value('workers');
  const ws = isWebSocketRun(o);
  const pipeline = ws ? websocketInFlight(o, pipelineFrom(o)) : pipelineFrom(o);
  o.value('verbosity');
  o.value('bufferSize');
  const timed = timingFrom(o);

  // ab's -t alone means "as many as fit in the time"; gb's old hidden 50 000 cap is gone on purpose.
  const stagesGiven = o.given('stages');
  const requests = journeyRun ? null : countGiven ? requestsParsed : o.given('duration') || stagesGiven ? null : 1;
  const iterations = journeyRun ? iterationsFrom(o, concurrency) : null;
  // ab's default of one request would turn a rate into a single request, surely not what was meant;
  // the -c check below would then only blame -c for a default -n the user never typed.
  if (journeyRun) {
    // The journey's own rules (journey-rules.ts) bound it.
  } else if (timed.schedule?.kind === 'rate' && !countGiven && !o.given('duration') && !stagesGiven) {
    problems.push('--rate needs -n or -t (how many requests, or for how long)');
  } else if (requests !== null && concurrency !== null && concurrency > requests) {
    problems.push(`Cannot use concurrency level greater than total number of requests (-c ${concurrency} > -n ${requests})`);
  }
  const maxConnections = journeyRun ? maxUsersFrom(o, concurrency) : maxConnectionsFrom(o, concurrency);
  o.value('startAt');
  const shardParts = o.value('shard');
  if (o.given('runId')) o.value('runId');
  if (targets !== null && concurrency !== null && workers !== null) originsFit(targets, concurrency, workers, shardParts, problems);
  if (shardParts !== null) shardFits(shardParts, concurrency, requests, workers, problems);
  else if (workers !== null && concurrency !== null && workers > concurrency) {
    problems.push(`-G ${workers} workers need at least as many connections, but -c is ${concurrency}`);
  }
  if (o.given('ca') && !o.on('verify'))
    problems.push(`--ca ${shown(o.text('ca') ?? '')} needs --verify (without it no certificate is checked, as in ab)`);
  if (o.on('http2')) http2Problems(o);
  if (pipeline !== null && pipeline > 1 && !o.on('keepalive') && !o.on('http2') && !ws) {
    problems.push(`--pipeline ${pipeline} needs -k (pipelined requests share one kept-alive connection)`);
  }
  if (concurrency === null || workers === null || pipeline === null || timed.schedule === null) return null;
  return {
    requests,
    concurrency,
    pipeline,
    durationMs: timed.durationMs,
    schedule: timed.schedule,
    maxConnections,
    shardParts,
    iterations,
  };
}

/** How long (-t, --stages) and on what schedule (--rate, --stages); --stages replaces the other three. */
function timingFrom(o: OptionValues): { readonly durationMs: number | null; readonly schedule: ScheduleConfig | null } {
  const stagesGiven = o.given('stages');
  if (stagesGiven) {
    // Each of these would be a second, conflicting answer to "how fast" or "how long".
    const clash = (flag: string, text: string | undefined, why: string): void => {
      if (text !== undefined) o.problems.push(`--stages and ${flag} ${shown(text)} cannot be used together: ${why}`);
    };
    clash('--rate', o.text('rate'), 'the stages set the rate');
    clash('-t', o.text('duration'), 'the run lasts as long as the stages');
    clash('-n', o.text('requests'), 'the stages decide how many requests are sent');
  }
  const staged = stagesGiven ? o.value('stages') : null;
  if (staged !== null) o.skip('duration');
  const durationMs = staged !== null ? staged.durationMs : o.given('duration') ? o.value('duration') : null;
  o.value('timeout');
  o.value('warmup');
  let schedule: ScheduleConfig | null;
  if (stagesGiven) {
    o.skip('rate');
    schedule = staged === null ? null : { kind: 'rate', requestsPerSecond: staged.meanPerSecond, stages: staged.stages };
  } else {
    const rate = o.given('rate') ? o.value('rate') : undefined;
    schedule = rate === undefined ? { kind: 'closed' } : rate === null ? null : { kind: 'rate', requestsPerSecond: rate };
  }
  return { durationMs, schedule };
}

/**
 * Requests in flight per connection: --pipeline N for HTTP/1.1, --streams N for HTTP/2 (h2load's -m).
 * They are one setting, so the engine and every load model treat both alike.
 */
function pipelineFrom(o: OptionValues): number | null {
  const pipeline = o.value('pipeline');
  const streams = o.value('streams');
  if (o.given('streams') && !o.on('http2')) {
    o.problems.push(
      `--streams ${shown(o.text('streams') ?? '')} needs --http2 (for HTTP/1.1, --pipeline N sets the requests in flight per connection)`,
    );
    return null;
  }
  if (pipeline !== null && streams !== null && pipeline !== streams) {
    o.problems.push(
      `--pipeline ${pipeline} and --streams ${streams} disagree: they are one setting (requests in flight per connection); give one`,
    );
    return null;
  }
  if ((o.given('pipeline') && pipeline === null) || (o.given('streams') && streams === null)) return null;
  return streams ?? pipeline ?? 1;
}

/** A growing pool keeps a schedule; the closed loop has none to keep, so the flag means nothing there. */
function maxConnectionsFrom(o: OptionValues, concurrency: number | null): number | null {
  if (!o.given('maxConnections')) return null;
  const max = o.value('maxConnections');
  if (!o.given('rate') && !o.given('stages')) {
    o.problems.push(
      `--max-connections ${shown(o.text('maxConnections') ?? '')} needs --rate or --stages (only a schedule can leave every connection busy with a request due)`,
    );
    return null;
  }
  if (max !== null && concurrency !== null && max < concurrency) {
    o.problems.push(`--max-connections ${max} is below -c ${concurrency} (the pool starts at -c and only grows)`);
    return null;
  }
  return max;
}

/** What HTTP/2 cannot go with. */
function http2Problems(o: OptionValues): void {
  if (o.on('http10')) o.problems.push('--http2 and --http1.0 cannot be used together: pick one protocol');
  const proxy = o.text('proxy');
  if (proxy !== undefined) o.problems.push(`--http2 cannot go through a proxy (-X ${shown(proxy)}) yet`);
}

/**
 * A targets file of several origins gives each origin connections of its own, at least one in each
 * worker: the connections this process runs (its shard's part of -c) must cover origins × workers.
 */
function originsFit(
  targets: TargetsConfig,
  concurrency: number,
  workers: number,
  shard: { readonly index: number; readonly count: number } | null,
  problems: string[],
): void {
  const origins = new Set(targets.list.map((t) => originOf(t.target))).size;
  if (origins <= 1) return;
  const own = shard === null ? concurrency : evenPart(concurrency, shard.index, shard.count);
  if (own >= origins * workers) return;
  const each = workers > 1 ? ` in each of ${workers} workers` : '';
  const got = shard === null ? `got ${concurrency}` : `shard ${shard.index}/${shard.count} has ${own} of -c ${concurrency}`;
  problems.push(
    `--targets ${shown(targets.file)} names ${origins} origins, each with connections of its own${each}: -c must be at least ${origins * workers} (${got})`,
  );
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
    problems.push(
      `${name} would get no connection: -c ${concurrency} spreads over ${concurrency} shard${concurrency === 1 ? '' : 's'} at most (use fewer shards or a larger -c)`,
    );
  } else if (requests !== null && requests < index) {
    problems.push(
      `${name} would get no request: -n ${requests} spreads over ${requests} shard${requests === 1 ? '' : 's'} at most (use fewer shards or a larger -n)`,
    );
  } else if (concurrency !== null && workers !== null) {
    const own = evenPart(concurrency, index, count);
    if (workers > own)
      problems.push(`-G ${workers} workers need at least as many connections, but ${name} has ${own} of -c ${concurrency}`);
  }
}

/** --start-at alone makes the run shard 1 of 1, so its result says how late it began like any shard's. */
function shardPlanOf(
  o: OptionValues,
  load: Load,
  run: { readonly url: string; readonly method: string; readonly keepAlive: boolean; readonly startAtMs: number | null },
): ShardPlan | null {
  const { shardParts, requests, concurrency, durationMs, schedule, pipeline, maxConnections } = load;
  const runId = o.value('runId');
  if (shardParts === null && runId === null && run.startAtMs === null) return null;
  const parts = shardParts ?? { index: 1, count: 1 };
  const identity = {
    url: run.url,
    method: run.method,
    requests,
    concurrency,
    durationMs,
    schedule,
    keepAlive: run.keepAlive,
    pipeline,
    shards: parts.count,
  };
  return {
    ...parts,
    runId: runId ?? deriveRunId(identity, run.startAtMs ?? Date.now()),
    whole: { requests, concurrency, requestsPerSecond: schedule.kind === 'rate' ? schedule.requestsPerSecond : null, maxConnections },
  };
}

/** -p or -u; with --targets the file gives each body, and -p/-u, refused there (targetsFrom), are not read. */
function bodyFrom(o: OptionValues): Uint8Array | null {
  const post = o.given('postFile');
  const put = o.given('putFile');
  const refuse = (problem: string | null): null => {
    if (problem !== null) o.problems.push(problem);
    o.skip('postFile');
    o.skip('putFile');
    return null;
  };
  if (o.given('targets')) return refuse(null);
  if (post && put) return refuse('-p (POST) and -u (PUT) cannot be used together: give one request body');
  if (o.on('head') && (post || put)) return refuse(`-i (HEAD) cannot be used with ${post ? '-p' : '-u'}: a HEAD request has no body`);
  if (post) return o.value('postFile');
  if (put) return o.value('putFile');
  return null;
}

/** -m, else what -p, -u or -i imply; with --targets the run's method (JSON settings, a merge's check) is the first target's. */
function methodFrom(o: OptionValues, targets: TargetsConfig | null): string | null {
  if (targets !== null) {
    o.skip('method');
    return targets.list[0]?.method ?? 'GET';
  }
  if (o.given('method')) return o.value('method');
  if (o.given('postFile')) return 'POST';
  if (o.given('putFile')) return 'PUT';
  return o.on('head') ? 'HEAD' : 'GET';
}

/** -X, with -P's credentials; -P without -X is refused before either is parsed. */
function proxyFrom(o: OptionValues): Proxy | null {
  let auth: string | null = null;
  if (o.given('proxyAuth')) {
    if (o.given('proxy')) auth = o.value('proxyAuth');
    else {
      o.problems.push('-P (proxy credentials) needs -X (the proxy to send them to)');
      o.skip('proxyAuth');
    }
  }
  if (!o.given('proxy')) return null;
  const proxy = o.value('proxy');
  return proxy === null ? null : { ...proxy, auth };
}

/** `peer` is where sockets go: the proxy when there is one, else the target. A unix socket has no IP address to send from. */
function localAddressFrom(
  o: OptionValues,
  peer: { readonly what: string; readonly host: string; readonly connectHost: string } | null,
): string | null {
  const bind = o.text('bind');
  if (o.given('unixSocket')) {
    if (bind !== undefined)
      o.problems.push(`-B ${shown(bind)} cannot be used with --unix-socket: a unix socket has no local IP address to send from`);
    o.value('unixSocket');
    o.skip('bind');
    return null;
  }
  const address = o.value('bind');
  if (bind === undefined || address === null) return null;
  const family = isIP(address);
  const peerFamily = peer === null ? 0 : isIP(peer.connectHost);
  if (peer !== null && peerFamily !== 0 && peerFamily !== family) {
    o.problems.push(`-B ${shown(bind)} is IPv${family} but ${peer.what} ${peer.host} is IPv${peerFamily}`);
    return null;
  }
  return address;
}

function tlsOptionsFrom(o: OptionValues): TlsOptions {
  const versions = o.value('protocol');
  const ciphers = o.given('ciphers') ? o.value('ciphers') : undefined;
  return tlsOptionsOf(versions, ciphers, o.value('certificate'), o.value('ca'));
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
  const target = parseTarget(only, true);
  if (!target.ok) {
    problems.push(target.error);
    return null;
  }
  return target.value;
}

/** --targets FILE with --random and --seed; the file replaces the URL and the flags that shape the one request. */
function targetsFrom(o: OptionValues): TargetsConfig | null {
  const { problems } = o;
  let seed = Math.floor(Math.random() * 2 ** 32);
  if (o.given('seed')) {
    seed = o.value('seed') ?? seed;
    if (!o.on('random') && !o.on('dataRandom'))
      problems.push('--seed needs --random or --data-random (round-robin order has no randomness to seed)');
  }
  const file = o.text('targets');
  if (file === undefined) {
    if (o.on('random')) problems.push("--random needs --targets (it picks among the targets file's requests)");
    return null;
  }
  if (o.urls.length > 0) problems.push(`--targets ${shown(file)} gives the requests: drop the URL ${o.urls.map(shown).join(' ')}`);
  const shaping = (
    [
      ['-p', o.given('postFile')],
      ['-u', o.given('putFile')],
      ['-m', o.given('method')],
      ['-i', o.on('head')],
    ] as const
  )
    .filter(([, given]) => given)
    .map(([flag]) => flag);
  if (shaping.length > 0)
    problems.push(`${shaping.join(', ')} cannot be used with --targets: each request's method and body come from the file`);
  const list = o.value('targets');
  if (list === null) return null;
  const origins = new Set(list.map((t) => originOf(t.target)));
  if (origins.size > 1) {
    if (o.given('script'))
      problems.push(
        `--script cannot be used with --targets ${shown(file)} of ${origins.size} origins (a script's request() gives a path on one origin)`,
      );
    const proxy = o.given('proxy');
    if (proxy || o.given('unixSocket'))
      problems.push(
        `${proxy ? '-X' : '--unix-socket'} cannot be used with --targets ${shown(file)} of ${origins.size} origins (every connection would go to one place)`,
      );
  }
  return { file, list, order: o.on('random') ? 'random' : 'round-robin', seed, members: null };
}

/** scheme://host:port: targets of one origin share connections. */
export function originOf(target: Target): string {
  return `${target.tls ? 'https' : 'http'}://${target.connectHost.includes(':') ? `[${target.connectHost}]` : target.connectHost}:${target.port}`;
}
