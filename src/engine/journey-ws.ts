// A journey's WebSocket (vu.ws): its opening counted as one request of the journey, its messages queued for next(), its end for every waiter.

import type { FailureCode, FailureKind } from '../failures.js';
import type { Recorder } from '../metrics/recorder.js';
import { WsStats } from '../metrics/ws-stats.js';
import { Exchange } from '../transport/exchange.js';
import type { WsClient, WsClientEvents } from '../transport/ws-client.js';
import type { UserWebSocket, WebSocketMessage } from './journey-api.js';

/** What a user's socket needs of the journey engine. */
export interface WsHost {
  readonly recorder: Recorder;
  readonly timeoutMs: number;
  now(): number;
  rowOf(name: string): number;
  issued(): void;
  answered(nowMs: number, exchange: Exchange): void;
  failed(nowMs: number, kind: FailureKind, count: number, code: FailureCode, message: string): void;
}

class Message implements WebSocketMessage {
  constructor(
    readonly data: Buffer,
    readonly binary: boolean,
  ) {}

  text(): string {
    return this.data.toString('utf8');
  }

  json<T>(): T {
    return JSON.parse(this.data.toString('utf8')) as T;
  }
}

type Waiter = { readonly resolve: (m: WebSocketMessage) => void; readonly reject: (e: Error) => void; readonly timer: NodeJS.Timeout };

/** One vu.ws(path): opened by the engine, settled into the promise vu.ws returned. */
export class JourneySocket implements UserWebSocket, WsClientEvents {
  readonly #host: WsHost;
  readonly #name: string;
  #row = 0;
  #startMs = 0;
  readonly #queue: WebSocketMessage[] = [];
  readonly #waiters: Waiter[] = [];
  #client: WsClient | null = null;
  #ended: Error | null = null;
  #opening: { resolve: (s: UserWebSocket) => void; reject: (e: Error) => void } | null = null;
  /** The run's end cut the handshake off: it counts as cut off, not as a connection that failed. */
  #cut = false;

  /** Called once the socket has ended, so its user stops holding it. */
  readonly #forget: (socket: JourneySocket) => void;

  constructor(host: WsHost, name: string, forget: (socket: JourneySocket) => void) {
    this.#host = host;
    this.#forget = forget;
    this.#name = name;
  }

  /** Hands over the client and returns the promise of vu.ws: it settles once the handshake is done or failed. */
  attach(client: WsClient): Promise<UserWebSocket> {
    // Counted from here: a socket the engine would not open (--http2) is no request.
    this.#row = this.#host.rowOf(this.#name);
    this.#startMs = client.startMs;
    this.#host.issued();
    this.#client = client;
    return new Promise((resolve, reject) => (this.#opening = { resolve, reject }));
  }

  #stats(): WsStats {
    return (this.#host.recorder.websocket ??= new WsStats());
  }

  send(data: string | Uint8Array): void {
    if (this.#ended !== null) throw this.#ended;
    const binary = typeof data !== 'string';
    const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.#stats().sent(1, payload.length);
    this.#client?.send(payload, binary);
  }

  next(): Promise<WebSocketMessage> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#ended !== null) return Promise.reject(this.#ended);
    const timeoutMs = this.#host.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.findIndex((w) => w.timer === timer);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`WebSocket: no message within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#waiters.push({ resolve, reject, timer });
    });
  }

  close(): Promise<void> {
    this.#client?.close();
    return Promise.resolve();
  }

  /** The run ends: the socket closes and whatever awaits it gets `why`; returns 1 when its handshake was cut off. */
  interrupt(why: Error): number {
    this.#ended ??= why;
    const cut = this.#opening !== null ? 1 : 0;
    this.#cut = cut === 1;
    this.#client?.close();
    return cut;
  }

  // WsClientEvents.
  opened(connectUs: number, handshakeUs: number): void {
    const now = this.#host.now();
    this.#stats().opened(handshakeUs);
    const e = new Exchange();
    // The handshake is no HTTP response the report counts by status: like a message, it has none.
    e.status = -1;
    e.connectUs = connectUs;
    e.totalUs = Math.round((now - this.#startMs) * 1000);
    e.waitUs = handshakeUs;
    e.row = this.#row;
    this.#host.answered(now, e);
    const opening = this.#opening;
    this.#opening = null;
    opening?.resolve(this);
  }

  message(payload: Buffer, binary: boolean): void {
    this.#stats().received(payload.length);
    const m = new Message(payload, binary);
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#queue.push(m);
    else {
      clearTimeout(waiter.timer);
      waiter.resolve(m);
    }
  }

  pingAnswered(): void {
    this.#stats().pingAnswered();
  }

  ended(failure: { readonly code: FailureCode; readonly message: string; readonly opened: boolean } | null, closeCode: number): void {
    const stats = this.#stats();
    if (this.#cut) {
      // Counted as cut off by the engine.
    } else if (failure !== null && !failure.opened) {
      stats.openFailed();
      this.#host.failed(this.#host.now(), 'connect', 1, failure.code, failure.message);
    } else stats.closed(closeCode);
    const why = this.#ended ?? new Error(failure?.message ?? 'WebSocket closed');
    this.#ended = why;
    this.#forget(this);
    const opening = this.#opening;
    this.#opening = null;
    opening?.reject(why);
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(why);
    }
  }

  bytesRead(bytes: number): void {
    this.#host.recorder.recordBytes(this.#host.now(), bytes);
  }

  bytesWritten(): void {
    // The journey's bytes sent count its requests; a socket's frames are in its WebSocket figures.
  }
}
