// The fault tests' harness: a raw-socket HTTP/1.1 server on 127.0.0.1 whose paths break the protocol on purpose and count every request head they read, plus the runners that check gb's accounting against it.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseCommandLine } from '../../src/cli/flags.js';
import { runConfig, type RunHooks, type Summary } from '../../src/index.js';

/** What the server saw and did on one path. */
export interface PathStats {
  /** Request heads read (the request reached the server). */
  requests: number;
  /** Connections it ended with an RST. */
  resets: number;
  /** Responses that announced `Connection: close` (or were HTTP/1.0) and closed the socket. */
  closes: number;
  /** Body bytes each response announced, in the order sent (only for /varlen). */
  readonly bodyLengths: number[];
}

export interface FaultServerOptions {
  /** Stop listening once this many connections were accepted: later connects are refused. */
  readonly acceptLimit?: number;
}

export interface FaultServer {
  readonly port: number;
  url(path: string): string;
  /** Stats of a path (its pathname, without the query); zeros for a path never asked for. */
  stats(path: string): PathStats;
  /** Request heads read on every path. */
  readonly totalRequests: number;
  /** Connections accepted. */
  readonly connections: number;
  /** Client connections that have ended (by either side). */
  readonly closedConnections: number;
  /** Resolves once `path` has seen `count` request heads; rejects after timeoutMs. */
  waitForRequests(path: string, count: number, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once no client connection is open, so every byte gb sent has been read and counted.
   * Rejects after timeoutMs: a connection gb never closed is a leak worth failing on.
   */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Every misbehaving path, with what it does; docs/faults.md lists gb's report for each. */
export const FAULT_PATHS: Readonly<Record<string, string>> = {
  '/ok': '200 with a 64-byte body, keep-alive as the client asks',
  '/short-body': 'announces Content-Length 100, sends 40 bytes, then closes (FIN)',
  '/short-chunked': 'chunked body: one 10-byte chunk, then closes before the last chunk',
  '/long-body': 'announces Content-Length 10, sends 25 bytes in the same write',
  '/rst-mid-body': 'announces 1000 body bytes, sends 100, then resets the connection',
  '/rst-on-arrival': 'resets the connection as soon as the request head arrives',
  '/never': 'accepts and reads the request, never answers',
  '/delay': 'answers 200 after ?ms= milliseconds (default 200)',
  '/drip': 'sends ?bytes= body bytes (default 20) one at a time every ?ms= ms (default 20)',
  '/garbage': 'answers with bytes that are not HTTP, then closes',
  '/bad-status': 'answers with a malformed status line (HTTP/1.1 2x0 OK)',
  '/huge-headers': 'answers with 64 KiB of header lines, then a 5-byte body',
  '/giant-headers': "answers with 1.5 MiB of header lines (above gb's 1 MiB limit)",
  '/bad-chunk': 'chunked body whose first chunk size is not hex (zz)',
  '/status/500': '500 Internal Server Error with a body',
  '/status/404': '404 Not Found with a body',
  '/redirect': '302 Found with a Location header and a body',
  '/varlen': 'body length 10 + (n mod 4) for the n-th request on the path',
  '/close-every-3rd': 'every third response says Connection: close and closes',
  '/close-quietly': 'answers with keep-alive, then closes the connection without saying so',
  '/close-lie': 'says Connection: close but keeps the connection open',
  '/http10': 'answers HTTP/1.0 without keep-alive, then closes',
  '/continue': 'sends 100 Continue, then the 200 answer',
  '/head': 'announces Content-Length 1000; sends the body for GET, none for HEAD',
  '/reset-every': 'resets every ?n=-th request on the path (default 10), answers 200 to the others',
};

const OK_BODY = Buffer.alloc(64, 'k');
const MAX_REQUEST_HEAD_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

interface Request {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The client asked to close after this exchange (gb does without -k). */
  readonly wantsClose: boolean;
  /** 1-based position of this request among those on its path. */
  readonly index: number;
}

interface ClientState {
  readonly socket: net.Socket;
  pending: Buffer;
  /** A handler is running: later requests wait so responses stay in order. */
  busy: boolean;
  /** No more responses on this socket (it was closed or reset by a handler). */
  finished: boolean;
}

type Handler = (client: ClientState, req: Request, stats: PathStats) => void | Promise<void>;

function responseHead(status: string, headers: readonly string[], close: boolean): string {
  const lines = [`HTTP/1.1 ${status}`, 'Server: gb-fault-server', ...headers];
  if (close) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const statsByPath = new Map<string, PathStats>();
  const clients = new Set<ClientState>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let totalRequests = 0;
  let connections = 0;
  let closedConnections = 0;
  let closing = false;

  const statsOf = (path: string): PathStats => {
    let s = statsByPath.get(path);
    if (s === undefined) {
      s = { requests: 0, resets: 0, closes: 0, bodyLengths: [] };
      statsByPath.set(path, s);
    }
    return s;
  };
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  // Timers are tracked so close() can cancel them and never keep the test process alive.
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const writeAndMaybeClose = (client: ClientState, bytes: Buffer | string, close: boolean, stats: PathStats): void => {
    client.socket.write(bytes);
    if (close) {
      stats.closes += 1;
      client.finished = true;
      client.socket.end();
    }
  };
  const reply = (
    client: ClientState,
    req: Request,
    stats: PathStats,
    status: string,
    body: Buffer,
    extra: readonly string[] = [],
  ): void => {
    const bytes = Buffer.concat([
      Buffer.from(responseHead(status, [`Content-Length: ${body.length}`, ...extra], req.wantsClose), 'latin1'),
      body,
    ]);
    writeAndMaybeClose(client, bytes, req.wantsClose, stats);
  };
  const reset = (client: ClientState, stats: PathStats): void => {
    stats.resets += 1;
    client.finished = true;
    client.socket.resetAndDestroy();
  };

  const handlers: Readonly<Record<string, Handler>> = {
    '/ok': (c, r, s) => reply(c, r, s, '200 OK', OK_BODY),
    '/short-body': (c, _r, s) => {
      writeAndMaybeClose(c, responseHead('200 OK', ['Content-Length: 100'], false) + 's'.repeat(40), true, s);
    },
    '/short-chunked': (c, _r, s) => {
      writeAndMaybeClose(c, responseHead('200 OK', ['Transfer-Encoding: chunked'], false) + 'a\r\n0123456789\r\n', true, s);
    },
    '/long-body': (c, r, s) => {
      writeAndMaybeClose(c, responseHead('200 OK', ['Content-Length: 10'], r.wantsClose) + 'L'.repeat(25), r.wantsClose, s);
    },
    '/rst-mid-body': async (c, _r, s) => {
      c.socket.write(responseHead('200 OK', ['Content-Length: 1000'], false) + 'm'.repeat(100));
      c.finished = true;
      // Let the partial body reach the client first, so it is a reset in the middle of a body.
      await sleep(20);
      reset(c, s);
    },
    '/rst-on-arrival': (c, _r, s) => reset(c, s),
    '/never': (c) => {
      c.finished = true;
    },
    '/delay': async (c, r, s) => {
      await sleep(Number(r.query.get('ms') ?? '200'));
      if (!c.socket.destroyed) reply(c, r, s, '200 OK', OK_BODY);
    },
    '/drip': async (c, r, s) => {
      const bodyBytes = Number(r.query.get('bytes') ?? '20');
      const everyMs = Number(r.query.get('ms') ?? '20');
      c.socket.write(responseHead('200 OK', [`Content-Length: ${bodyBytes}`], r.wantsClose));
      for (let i = 0; i < bodyBytes && !c.socket.destroyed; i++) {
        await sleep(everyMs);
        c.socket.write('d');
      }
      if (r.wantsClose) writeAndMaybeClose(c, '', true, s);
    },
    '/garbage': (c, _r, s) => writeAndMaybeClose(c, 'SSH-2.0-OpenSSH_9.6\r\n\x00\xff\xfe binary junk \x01\x02\r\n\r\n', true, s),
    '/bad-status': (c, _r, s) => writeAndMaybeClose(c, 'HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nhi', true, s),
    '/huge-headers': (c, r, s) => {
      const filler = Array.from({ length: 1024 }, (_, i) => `X-Filler-${String(i).padStart(4, '0')}: ${'f'.repeat(47)}`);
      reply(c, r, s, '200 OK', Buffer.from('hello'), filler);
    },
    '/giant-headers': (c, r, s) => {
      const filler = Array.from({ length: 24 * 1024 }, (_, i) => `X-Filler-${String(i).padStart(5, '0')}: ${'g'.repeat(48)}`);
      reply(c, r, s, '200 OK', Buffer.from('hello'), filler);
    },
    '/bad-chunk': (c, _r, s) =>
      writeAndMaybeClose(c, responseHead('200 OK', ['Transfer-Encoding: chunked'], false) + 'zz\r\nhello\r\n0\r\n\r\n', true, s),
    '/status/500': (c, r, s) => reply(c, r, s, '500 Internal Server Error', Buffer.from('server error')),
    '/status/404': (c, r, s) => reply(c, r, s, '404 Not Found', Buffer.from('not found!!!')),
    '/redirect': (c, r, s) => reply(c, r, s, '302 Found', Buffer.from('moved'), ['Location: /ok']),
    '/varlen': (c, r, s) => {
      const bodyBytes = 10 + (r.index % 4);
      s.bodyLengths.push(bodyBytes);
      reply(c, r, s, '200 OK', Buffer.alloc(bodyBytes, 'v'));
    },
    '/close-every-3rd': (c, r, s) => {
      const close = r.wantsClose || r.index % 3 === 0;
      writeAndMaybeClose(c, responseHead('200 OK', ['Content-Length: 64'], close) + OK_BODY.toString('latin1'), close, s);
    },
    '/close-quietly': (c, _r, s) => {
      writeAndMaybeClose(c, responseHead('200 OK', ['Content-Length: 64'], false) + OK_BODY.toString('latin1'), true, s);
    },
    '/close-lie': (c, _r, s) => {
      c.socket.write(responseHead('200 OK', ['Content-Length: 64'], true) + OK_BODY.toString('latin1'));
      s.closes += 1;
      c.finished = true;
    },
    '/http10': (c, _r, s) => writeAndMaybeClose(c, 'HTTP/1.0 200 OK\r\nServer: gb-fault-server\r\nContent-Length: 5\r\n\r\nhello', true, s),
    '/continue': (c, r, s) => {
      c.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      reply(c, r, s, '200 OK', OK_BODY);
    },
    '/head': (c, r, s) => {
      const announced = responseHead('200 OK', ['Content-Length: 1000'], r.wantsClose);
      writeAndMaybeClose(c, r.method === 'HEAD' ? announced : announced + 'h'.repeat(1000), r.wantsClose, s);
    },
    '/reset-every': (c, r, s) => {
      if (r.index % Number(r.query.get('n') ?? '10') === 0) reset(c, s);
      else reply(c, r, s, '200 OK', OK_BODY);
    },
  };

  /** Takes the next complete request (head plus any Content-Length body) off the buffer, or null. */
  const takeRequest = (client: ClientState): Omit<Request, 'index'> | null => {
    const buf = client.pending;
    const end = buf.indexOf(HEAD_END);
    if (end < 0) return null;
    const lines = buf.toString('latin1', 0, end).split('\r\n');
    const [method = '', target = '/'] = (lines[0] ?? '').split(' ');
    let bodyBytes = 0;
    let wantsClose = false;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') bodyBytes = Number(value);
      if (name === 'connection' && value.toLowerCase() === 'close') wantsClose = true;
    }
    const total = end + HEAD_END.length + bodyBytes;
    if (buf.length < total) return null;
    client.pending = buf.subarray(total);
    let url: URL;
    try {
      url = new URL(target, 'http://fault.test');
    } catch {
      url = new URL('/unparsable-target', 'http://fault.test');
    }
    return { method, path: url.pathname, query: url.searchParams, wantsClose };
  };

  const pump = async (client: ClientState): Promise<void> => {
    if (client.busy) return;
    client.busy = true;
    try {
      while (!client.finished && !client.socket.destroyed) {
        const parsed = takeRequest(client);
        if (parsed === null) {
          // A head this large without an end is not from gb: stop reading it.
          if (client.pending.length > MAX_REQUEST_HEAD_BYTES) client.socket.destroy();
          break;
        }
        totalRequests += 1;
        const stats = statsOf(parsed.path);
        stats.requests += 1;
        notify();
        const handler = handlers[parsed.path] ?? handlers['/ok']!;
        const done = handler(client, { ...parsed, index: stats.requests }, stats);
        if (done !== undefined) await done;
      }
    } finally {
      client.busy = false;
    }
  };

  const server = net.createServer((socket) => {
    connections += 1;
    if (options.acceptLimit !== undefined && connections >= options.acceptLimit) server.close();
    const client: ClientState = { socket, pending: Buffer.alloc(0), busy: false, finished: false };
    clients.add(client);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (client.finished) return;
      client.pending = client.pending.length === 0 ? chunk : Buffer.concat([client.pending, chunk]);
      void pump(client);
    });
    // Clients vanish mid-exchange on purpose in these tests; their errors are expected.
    socket.on('error', () => {});
    socket.on('close', () => {
      closedConnections += 1;
      clients.delete(client);
      notify();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault server has no TCP address');
  const port = address.port;

  const waitFor = (ready: () => boolean, timeoutMs: number, what: () => string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (ready()) {
        resolve();
        return;
      }
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`fault server: timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      waiters.add(check);
    });

  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    stats: (path) => {
      const s = statsByPath.get(path);
      return s === undefined ? { requests: 0, resets: 0, closes: 0, bodyLengths: [] } : { ...s, bodyLengths: [...s.bodyLengths] };
    },
    get totalRequests() {
      return totalRequests;
    },
    get connections() {
      return connections;
    },
    get closedConnections() {
      return closedConnections;
    },
    waitForRequests: (path, count, timeoutMs = 5000) =>
      waitFor(
        () => (statsByPath.get(path)?.requests ?? 0) >= count,
        timeoutMs,
        () => `${count} requests on ${path}`,
      ),
    idle: (timeoutMs = 3000) =>
      waitFor(
        () => clients.size === 0,
        timeoutMs,
        () => `${clients.size} open connection(s) to close`,
      ),
    close: async () => {
      if (closing) return;
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const c of clients) c.socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 with nothing listening: bound once to learn a free number, then released. */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('probe server has no TCP address');
  return address.port;
}

// ---- Running gb against it ----

export interface GbRun {
  readonly summary: Summary;
  readonly firstError: string | null;
  readonly wallMs: number;
}

export interface RunAccountedOptions {
  /** The run must end by itself within this long (default 5000 ms). */
  readonly maxMs?: number;
  readonly hooks?: RunHooks;
}

let processErrors: unknown[] | null = null;

/** Collects uncaught exceptions and unhandled rejections from the first run on: gb must cause none. */
function watchProcessErrors(): unknown[] {
  if (processErrors === null) {
    const seen: unknown[] = [];
    process.on('uncaughtException', (e) => seen.push(e));
    process.on('unhandledRejection', (e) => seen.push(e));
    processErrors = seen;
  }
  return processErrors;
}

/** The bucket equation as text, for assertion messages. */
export function bucketText(s: Summary): string {
  const f = s.failures;
  return `issued ${s.issued} = ${s.responses} responses + ${f.connect} connect + ${f.receive} receive + ${f.exceptions} exceptions + ${s.cutOff} cut off (length ${f.length}, timeouts ${s.timeouts}, stop ${s.stopReason})`;
}

/** Every request ends in exactly one bucket, and the side counts agree with the buckets. */
export function assertAccounted(s: Summary): void {
  const f = s.failures;
  assert.equal(s.responses + f.connect + f.receive + f.exceptions + s.cutOff, s.issued, `buckets: ${bucketText(s)}`);
  assert.equal(s.failed, f.connect + f.receive + f.length + f.exceptions, `failed: ${bucketText(s)}`);
  assert.ok(f.length <= s.responses, `Length failures are complete responses: ${bucketText(s)}`);
  assert.ok(s.timeouts <= f.receive + f.connect, `timeouts are Receive or Connect failures: ${bucketText(s)}`);
  const messages = Object.values(s.errors).reduce((sum, n) => sum + n, 0);
  assert.equal(messages, f.connect + f.receive + f.exceptions, `one error message per failed request: ${JSON.stringify(s.errors)}`);
  const coded = Object.values(s.errorCodes).reduce((sum, n) => sum + n, 0);
  assert.equal(coded, messages, `one stable code per failed request: ${JSON.stringify(s.errorCodes)}`);
  const statuses = Object.values(s.statusCodes).reduce((sum, n) => sum + n, 0);
  assert.equal(statuses, s.responses, `one status per complete response: ${JSON.stringify(s.statusCodes)}`);
  if (s.stopReason === 'requests' && s.settings.requests !== null) assert.equal(s.issued, s.settings.requests, bucketText(s));
}

/** Runs gb in this process as the API does (flags → Config → runConfig), bounded, and checks its accounting. */
export async function runAccounted(args: readonly string[], options: RunAccountedOptions = {}): Promise<GbRun> {
  const errors = watchProcessErrors();
  const errorsBefore = errors.length;
  const parsed = parseCommandLine(args);
  if (!parsed.ok) assert.fail(`gb ${args.join(' ')}: ${parsed.error.join('; ')}`);
  if (parsed.value.kind !== 'run') assert.fail(`gb ${args.join(' ')} is not a run`);
  const maxMs = options.maxMs ?? 5000;
  const startMs = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gb ${args.join(' ')} still running after ${maxMs} ms`)), maxMs);
  });
  try {
    const outcome = await Promise.race([runConfig(parsed.value.options.config, options.hooks ?? {}), deadline]);
    const wallMs = performance.now() - startMs;
    // Socket events that trail the run get a turn to throw before the check.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(errors.slice(errorsBefore), [], 'gb caused uncaught exceptions or unhandled rejections');
    if (!outcome.ok) assert.fail(`gb ${args.join(' ')} could not start: ${outcome.error}`);
    assertAccounted(outcome.value.summary);
    return { summary: outcome.value.summary, firstError: outcome.value.firstError, wallMs };
  } finally {
    clearTimeout(timer);
  }
}

/** A JavaScript stack trace in gb's output means something threw that should have been reported. */
export function assertNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /^\s+at .+(:\d+:\d+\)?|\[native code\])$/m, `stack trace in output:\n${text}`);
  assert.doesNotMatch(text, /Uncaught|UnhandledPromiseRejection|node:internal/, `crash text in output:\n${text}`);
}

/** The value after a report label such as "Complete requests:", or undefined. */
export function reportField(report: string, label: string): string | undefined {
  const line = report.split('\n').find((l) => l.startsWith(label));
  return line?.slice(label.length).trim();
}

// ---- Measuring gb's memory in a process of its own ----

export interface MemorySample {
  readonly settled: number;
  readonly heapUsedBytes: number;
  readonly rssBytes: number;
}

export interface MeasuredRun {
  readonly summary: Summary;
  readonly samples: readonly MemorySample[];
  readonly wallMs: number;
}

// The child runs gb through its API with --expose-gc, so the heap it reports is gb's alone (the
// server stays in this process) and a full GC precedes each sample.
const CHILD = `
const [indexUrl, flagsUrl, argsJson, everyText] = process.argv.slice(1);
const { runConfig } = await import(indexUrl);
const { parseCommandLine } = await import(flagsUrl);
const parsed = parseCommandLine(JSON.parse(argsJson));
if (!parsed.ok || parsed.value.kind !== 'run') throw new Error('bad arguments: ' + argsJson);
const samples = [];
const sample = (settled) => {
  globalThis.gc();
  const m = process.memoryUsage();
  samples.push({ settled, heapUsedBytes: m.heapUsed, rssBytes: m.rss });
};
const outcome = await runConfig(parsed.value.options.config, { progressEvery: Number(everyText), onProgress: sample });
if (!outcome.ok) throw new Error(outcome.error);
process.stdout.write(JSON.stringify({ summary: outcome.value.summary, samples }));
`;

/** Runs gb in a child with --expose-gc, sampling heap and RSS after a full GC every `sampleEvery` settled requests. */
export function measureGb(args: readonly string[], sampleEvery: number, killAfterMs: number): Promise<MeasuredRun> {
  const indexUrl = new URL('../../src/index.js', import.meta.url).href;
  const flagsUrl = new URL('../../src/cli/flags.js', import.meta.url).href;
  const startMs = performance.now();
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--input-type=module', '-e', CHILD, indexUrl, flagsUrl, JSON.stringify(args), String(sampleEvery)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (code !== 0) {
        reject(new Error(`gb child ended with ${code ?? signal} after ${Math.round(performance.now() - startMs)} ms:\n${stderr}`));
        return;
      }
      const { summary, samples } = JSON.parse(stdout) as { summary: Summary; samples: MemorySample[] };
      resolve({ summary, samples, wallMs: performance.now() - startMs });
    });
  });
}

export function sampleAt(run: MeasuredRun, settled: number): MemorySample {
  const found = run.samples.find((s) => s.settled === settled);
  assert.ok(found !== undefined, `no sample at ${settled}: ${JSON.stringify(run.samples)}`);
  return found;
}

export function describeSamples(run: MeasuredRun): string {
  return run.samples
    .map(
      (s) => `${s.settled}: heap ${(s.heapUsedBytes / (1024 * 1024)).toFixed(1)} MiB, rss ${(s.rssBytes / (1024 * 1024)).toFixed(0)} MiB`,
    )
    .join('; ');
}
