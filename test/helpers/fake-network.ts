// An engine on a fake clock and fake sockets: a server that answers each request a fixed time after it
// arrives, and an event loop whose turns run timers late as a busy loop does. The clock is exact, so the timings are too.

import { afterEach, beforeEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/engine/engine.js';
import type { ClientSocket, Endpoint, SocketHandler } from '../../src/transport/client-socket.js';
import type { ConnectionIo } from '../../src/transport/connection.js';
import { buildRequest } from '../../src/transport/request.js';
import { optionsOf } from './summaries.js';

export const ENDPOINT: Endpoint = {
  address: '127.0.0.1',
  ipv6: false,
  port: 9,
  tls: null,
  localAddress: null,
  tunnel: null,
  unixPath: null,
};

export interface FakeServerOptions {
  /** Each request is answered this long after it arrives, in order. */
  readonly answerAfterMs: number;
  /** Every nth response on a socket says Connection: close, and the socket closes after it (0: never). */
  readonly closeEvery?: number;
  /** How long handling one socket event takes the client: the clock moves on between events of one poll. */
  readonly eventCostMs?: number;
}

interface Event {
  readonly atMs: number;
  readonly run: () => void;
}

/**
 * A server and an event loop on a fake clock. Each turn of the loop runs the engine's timers (mocked)
 * with the clock at the turn's end, as a busy loop runs them late, then every socket event due by
 * then, the clock moving on by eventCostMs after each: libuv's timers phase, then its poll phase.
 */
export class FakeNetwork {
  readonly io: ConnectionIo;
  nowMs = 0;
  maxOutstanding = 0;
  /** Requests that got an answer. */
  answered = 0;
  connections = 0;
  readonly #events: Event[] = [];
  readonly #options: FakeServerOptions;

  constructor(requestBytes: number, options: FakeServerOptions) {
    this.#options = options;
    this.io = {
      now: () => this.nowMs,
      open: (_endpoint: Endpoint, handler: SocketHandler): ClientSocket => {
        this.connections++;
        let outstanding = 0;
        let served = 0;
        let closed = false;
        const socket: ClientSocket = {
          handler,
          write: (bytes: Buffer): boolean => {
            assert.equal(bytes.length % requestBytes, 0, 'whole requests only');
            for (let k = 0; k < bytes.length / requestBytes; k++) {
              outstanding++;
              this.maxOutstanding = Math.max(this.maxOutstanding, outstanding);
              this.#at(this.nowMs + options.answerAfterMs, () => {
                if (closed) return;
                outstanding--;
                served++;
                this.answered++;
                const last = (options.closeEvery ?? 0) > 0 && served % options.closeEvery! === 0;
                const response = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n${last ? 'Connection: close\r\n' : ''}\r\nok`);
                socket.handler.onData(socket, response, response.length);
                if (last) {
                  closed = true;
                  socket.handler.onClose(socket);
                }
              });
            }
            return true;
          },
          destroy: (): void => {
            closed = true;
          },
          tlsInfo: () => null,
          alpnProtocol: () => null,
        };
        this.#at(this.nowMs + 1, () => {
          if (!closed) socket.handler.onConnect(socket);
        });
        return socket;
      },
    };
  }

  #at(atMs: number, run: () => void): void {
    this.#events.push({ atMs, run });
  }

  /** One turn of the loop, `ms` long. */
  turn(ms: number): void {
    this.nowMs += ms;
    mock.timers.tick(ms);
    const due = this.#events.filter((e) => e.atMs <= this.nowMs).sort((a, b) => a.atMs - b.atMs);
    this.#events.splice(0, this.#events.length, ...this.#events.filter((e) => e.atMs > this.nowMs));
    for (const e of due) {
      e.run();
      this.nowMs += this.#options.eventCostMs ?? 0;
    }
  }
}

/** Engine timers run on the fake clock: call from a test file's top level. */
export function useFakeTimers(): void {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
  afterEach(() => mock.timers.reset());
}

export interface TimedExchange {
  readonly totalUs: number;
  readonly waitUs: number;
}

/** Runs `args` on the fake network, a loop turn every `turnMs` (1 ms: timers on time), until the engine finishes. */
export async function runFake(args: readonly string[], options: FakeServerOptions, turnMs = 1) {
  const config = optionsOf([...args, 'http://127.0.0.1:9/']).config;
  const exchanges: TimedExchange[] = [];
  const net = new FakeNetwork(buildRequest(config, 'test').length, options);
  const engine = new Engine(config, ENDPOINT, 'test', {
    io: net.io,
    exchangeSink: { record: (_start, _connect, _processing, totalUs, waitUs) => exchanges.push({ totalUs, waitUs }) },
  });
  let done = false;
  const running = engine.run().then((r) => {
    done = true;
    return r;
  });
  for (let turns = 0; turns < 100_000 && !done; turns++) {
    net.turn(turnMs);
    await Promise.resolve();
  }
  assert.ok(done, 'the run ended on its own');
  return { result: await running, exchanges, net };
}
