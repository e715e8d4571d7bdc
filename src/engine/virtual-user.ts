// One virtual user of a journey: its own kept-alive connection, cookies, state and data, and the steps its iteration() awaits.

import type { FailureCode, FailureKind } from '../failures.js';
import { C, type Recorder } from '../metrics/recorder.js';
import type { TlsInfo } from '../transport/client-socket.js';
import type { ConnectionOwner, Exchange, H2RequestSource, LoadConnection, RequestSource } from '../transport/exchange.js';
import type { H2Frames } from '../transport/h2-request.js';
import type { StepOptions, StepRequest, StepResponse, VirtualUser as VirtualUserApi } from './journey-api.js';
import { headersOf } from './response-headers.js';
import type { ScriptResponseHeaders } from './script-api.js';
import type { StepBuilder } from './step-request.js';
import { UserCookies } from './user-cookies.js';
import type { UserWebSocket } from './journey-api.js';
import { JourneySocket } from './journey-ws.js';
import type { WsClient, WsClientEvents } from '../transport/ws-client.js';

/** Thrown into an iteration that the run's end (or Ctrl-C) cuts off: it is counted as interrupted, not failed. */
export class IterationInterrupted extends Error {
  constructor() {
    super('the run ended during this iteration');
    this.name = 'IterationInterrupted';
  }
}

/** What a user needs of the engine that runs it: where to record, and the run's state. */
export interface UserHost {
  readonly recorder: Recorder;
  readonly steps: StepBuilder;
  /** Rate mode: a step's latency counts from when it was due, so lateness is carried into it. */
  readonly rateMode: boolean;
  /** No new step may start (the run is ending). */
  readonly stopping: boolean;
  now(): number;
  rowOf(name: string): number;
  /** A step's request goes out: counted as issued and in flight. */
  issued(): void;
  /** A response was read to the end (recorded here), or `count` requests failed. */
  answered(nowMs: number, exchange: Exchange): void;
  failed(nowMs: number, kind: FailureKind, count: number, code: FailureCode, message: string): void;
  readonly wantsTlsInfo: boolean;
  onTlsInfo(info: TlsInfo, serverName: string | null): void;
  /** -s: how long a WebSocket's next() waits. */
  readonly timeoutMs: number;
  /** Opens a WebSocket to `path` with the user's `cookie` header value; a string says why it cannot. */
  openWebSocket(path: string, cookie: string | null, events: WsClientEvents): WsClient | string;
}

type Settle = (answer: StepAnswer | IterationInterrupted) => void;

/** A step's answer: its headers parsed only when read, text() and json() on the prototype, so an answer is one object. */
class StepAnswer implements StepResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly latencyMs: number;
  readonly name: string;
  readonly error: string | null;
  readonly #head: string | null;
  #headers: ScriptResponseHeaders | null = null;

  constructor(status: number, head: string | null, body: Buffer, latencyMs: number, name: string, error: string | null) {
    this.status = status;
    this.#head = head;
    this.body = body;
    this.latencyMs = latencyMs;
    this.name = name;
    this.error = error;
  }

  get headers(): ScriptResponseHeaders {
    return (this.#headers ??= headersOf(this.#head));
  }

  text(): string {
    return this.body.toString('utf8');
  }

  json<T>(): T {
    return JSON.parse(this.body.toString('utf8')) as T;
  }
}

const EMPTY = Buffer.alloc(0);
const IGNORE = (): void => {};

/**
 * A step or sleep a script did not await (fire and forget) may still reject when the run ends: that
 * must not be an unhandled rejection, which would end the process and lose the report. A script
 * that awaits the promise still gets the rejection.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(IGNORE);
  return promise;
}
const SET_COOKIE = /\r\nset-cookie:/i;

export class VirtualUser implements VirtualUserApi, ConnectionOwner<LoadConnection>, RequestSource, H2RequestSource {
  readonly id: number;
  iteration = 0;
  state: Record<string, unknown> = {};
  readonly data: Record<string, string>;
  // The connection's RequestSource: the one step in flight.
  row = 0;
  isHead = false;
  #pending: Buffer = EMPTY;
  #pendingFrames: H2Frames | null = null;
  #path = '/';
  #conn: LoadConnection | null = null;
  readonly #host: UserHost;
  readonly #cookies: UserCookies;
  #settle: Settle | null = null;
  #sleepTimer: NodeJS.Timeout | null = null;
  #wake: (() => void) | null = null;
  /** Rate mode: ms the next step is behind its due time (a late start, a sleep that woke late). */
  #owedMs = 0;
  /** When the user last did anything (a step ended, a sleep ended, an iteration began): the engine's watchdog reads it. */
  lastActiveMs = 0;
  /** Steps and sleeps this iteration: one that did neither yields to the event loop before the next. */
  actions = 0;
  /** Given up on by the engine's watchdog: its connection is closed and its steps go nowhere. */
  retired = false;
  /** The WebSockets this user opened (vu.ws), closed when the run ends. */
  readonly #sockets = new Set<JourneySocket>();

  constructor(id: number, data: Record<string, string>, host: UserHost, origin: string) {
    this.id = id;
    this.data = data;
    this.#host = host;
    this.#cookies = new UserCookies(origin);
  }

  /** Its connection, opened by the engine once (the engine shares the settings, with this user as the source). */
  attach(conn: LoadConnection): void {
    this.#conn = conn;
  }

  get connection(): LoadConnection | null {
    return this.#conn;
  }

  /** Waiting on a step or a sleep: the watchdog leaves it alone (a step is bounded by -s, a sleep by its length). */
  get waiting(): boolean {
    return this.#settle !== null || this.#wake !== null;
  }

  /** An iteration begins `lateMs` after it was due (open model; 0 in the closed loop). */
  begin(nowMs: number, lateMs: number): void {
    this.#owedMs = this.#host.rateMode ? lateMs : 0;
    this.lastActiveMs = nowMs;
    this.actions = 0;
  }

  request(step: StepRequest): Promise<StepResponse> {
    const host = this.#host;
    if (host.stopping || this.retired) return handled(Promise.reject(new IterationInterrupted()));
    if (this.#settle !== null)
      return handled(Promise.reject(new Error('a step is already in flight for this user: await each step before the next')));
    const now = host.now();
    const built = host.steps.build(step, this.#cookies.headerFor(step.path, now));
    if (typeof built === 'string') return handled(Promise.reject(new Error(`bad step: ${built}`)));
    if (built.bytes !== null) this.#pending = built.bytes;
    this.#pendingFrames = built.frames;
    this.#path = step.path;
    this.row = host.rowOf(built.name);
    this.isHead = built.isHead;
    this.actions++;
    const startMs = now - this.#owedMs;
    this.#owedMs = 0;
    host.issued();
    const promise = new Promise<StepResponse>((resolve, reject) => {
      this.#settle = (answer) => (answer instanceof StepAnswer ? resolve(answer) : reject(answer));
    });
    this.#conn!.send(startMs, 1);
    return handled(promise);
  }

  get(path: string, options?: StepOptions): Promise<StepResponse> {
    return this.request({ ...options, method: 'GET', path });
  }

  post(path: string, options?: StepOptions): Promise<StepResponse> {
    return this.request({ ...options, method: 'POST', path });
  }

  put(path: string, options?: StepOptions): Promise<StepResponse> {
    return this.request({ ...options, method: 'PUT', path });
  }

  patch(path: string, options?: StepOptions): Promise<StepResponse> {
    return this.request({ ...options, method: 'PATCH', path });
  }

  delete(path: string, options?: StepOptions): Promise<StepResponse> {
    return this.request({ ...options, method: 'DELETE', path });
  }

  ws(path: string): Promise<UserWebSocket> {
    const host = this.#host;
    if (host.stopping || this.retired) return handled(Promise.reject(new IterationInterrupted()));
    if (typeof path !== 'string' || !path.startsWith('/'))
      return handled(Promise.reject(new Error('bad step: vu.ws(path) needs a path starting with "/"')));
    this.actions++;
    const cookie = this.#cookies.headerFor(path, host.now());
    const socket = new JourneySocket(host, `WS ${path.split('?')[0] ?? path}`, (ended) => this.#sockets.delete(ended));
    const client = host.openWebSocket(path, cookie === '' ? null : cookie, socket);
    if (typeof client === 'string') return handled(Promise.reject(new Error(client)));
    this.#sockets.add(socket);
    return handled(socket.attach(client));
  }

  sleep(ms: number): Promise<void> {
    const host = this.#host;
    if (host.stopping || this.retired) return handled(Promise.reject(new IterationInterrupted()));
    this.actions++;
    const wait = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const dueMs = host.now() + wait;
    return handled(
      new Promise<void>((resolve, reject) => {
        this.#wake = () => {
          const now = host.now();
          const stopped = host.stopping || this.retired;
          // Node's timers run on the loop's cached clock and can fire a fraction of a millisecond early: sleep the rest.
          if (!stopped && now < dueMs) {
            this.#sleepTimer = setTimeout(this.#wake!, Math.ceil(dueMs - now));
            return;
          }
          this.#wake = null;
          this.#sleepTimer = null;
          if (stopped) {
            reject(new IterationInterrupted());
            return;
          }
          this.lastActiveMs = now;
          // A timer that fired late delays the next step: in rate mode that counts against its latency.
          if (host.rateMode) this.#owedMs += Math.max(0, now - dueMs);
          resolve();
        };
        this.#sleepTimer = setTimeout(this.#wake, wait);
      }),
    );
  }

  check(name: string, passed: unknown): boolean {
    const ok = Boolean(passed);
    this.#host.recorder.journeys?.recordCheck(String(name), ok);
    return ok;
  }

  /** The run ends: a sleep wakes at once and a step in flight is cut off; returns how many requests were cut. */
  interrupt(): number {
    if (this.#sleepTimer !== null) {
      clearTimeout(this.#sleepTimer);
      this.#wake?.();
    }
    let cut = this.#conn?.close() ?? 0;
    for (const socket of [...this.#sockets]) cut += socket.interrupt(new IterationInterrupted());
    this.#deliver(new IterationInterrupted());
    return cut;
  }

  /** The watchdog gave up on this user: it is interrupted for good; returns how many requests were cut. */
  retire(): number {
    this.retired = true;
    return this.interrupt();
  }

  #deliver(answer: StepAnswer | IterationInterrupted): void {
    const settle = this.#settle;
    this.#settle = null;
    settle?.(answer);
  }

  // The connection's RequestSource.
  next(): Buffer {
    return this.#pending;
  }

  giveBack(request: Buffer, row: number, isHead: boolean): void {
    this.#pending = request;
    this.row = row;
    this.isHead = isHead;
  }

  // Over HTTP/2, the same as HEADERS frames.
  nextH2(): H2Frames {
    return this.#pendingFrames!;
  }

  giveBackH2(frames: H2Frames, row: number): void {
    this.#pendingFrames = frames;
    this.row = row;
  }

  // The connection's owner.
  onResponse(_conn: LoadConnection, nowMs: number, exchange: Exchange): void {
    const host = this.#host;
    host.answered(nowMs, exchange);
    this.lastActiveMs = nowMs;
    const head = exchange.head;
    const answer = new StepAnswer(
      exchange.status,
      head,
      exchange.body ?? EMPTY,
      exchange.totalUs / 1000,
      host.recorder.endpoints?.names[exchange.row] ?? '',
      null,
    );
    // Most answers set no cookie: only those pay for parsing their headers, once, for the jar and the script.
    if (head !== null && SET_COOKIE.test(head)) this.#cookies.store(answer.headers['set-cookie'] ?? [], this.#path);
    this.#deliver(answer);
  }

  onFailedRead(nowMs: number, exchange: Exchange): void {
    this.#host.recorder.recordFailedRead(nowMs, exchange);
  }

  onFailure(_conn: LoadConnection, nowMs: number, kind: FailureKind, count: number, code: FailureCode, message: string): void {
    const host = this.#host;
    this.lastActiveMs = nowMs;
    const name = host.recorder.endpoints?.names[this.row] ?? '';
    host.failed(nowMs, kind, count, code, message);
    this.#deliver(new StepAnswer(0, null, EMPTY, 0, name, message));
  }

  onBytesRead(nowMs: number, bytes: number): void {
    this.#host.recorder.recordBytes(nowMs, bytes);
  }

  onBytesWritten(bytes: number): void {
    this.#host.recorder.counters[C.bytesSent]! += bytes;
  }

  onWriteErrors(count: number): void {
    this.#host.recorder.counters[C.writeErrors]! += count;
  }

  onRowFailed(row: number): void {
    this.#host.recorder.recordRowFailure(row);
  }

  onResent(count: number): void {
    this.#host.recorder.counters[C.resent]! += count;
  }

  get wantsTlsInfo(): boolean {
    return this.#host.wantsTlsInfo;
  }

  onTlsInfo(info: TlsInfo, serverName: string | null): void {
    this.#host.onTlsInfo(info, serverName);
  }

  onStreamLimit(): void {
    // A user has one stream in flight at a time: no server limit is below that.
  }
}
