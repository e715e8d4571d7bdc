// Engine and Connection on a fake clock and fake sockets: how many requests a pipelined connection
// holds under a rate schedule, and how every exchange is timed. The clock is exact, so the timings are too.

import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/engine/engine.js';
import { C } from '../../src/metrics/recorder.js';
import type { ClientSocket, Endpoint, SocketHandler } from '../../src/transport/client-socket.js';
import type { ConnectionIo } from '../../src/transport/connection.js';
import { buildRequest } from '../../src/transport/request.js';
import { optionsOf } from '../helpers/summaries.js';

const ENDPOINT: Endpoint = {
  address: '127.0.0.1',
  ipv6: false,
  port: 9,
  tls: null,
  localAddress: null,
  tunnel: null,
  unixPath: null,
};

interface FakeServerOptions {
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
class FakeNetwork {
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

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
afterEach(() => mock.timers.reset());

interface Exchange {
  readonly totalUs: number;
  readonly waitUs: number;
}

/** Runs `args` on the fake network, a loop turn per ms, until the engine finishes. */
async function runFake(args: readonly string[], options: FakeServerOptions) {
  const config = optionsOf([...args, 'http://127.0.0.1:9/']).config;
  const exchanges: Exchange[] = [];
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
    net.turn(1);
    await Promise.resolve();
  }
  assert.ok(done, 'the run ended on its own');
  return { result: await running, exchanges, net };
}

test('rate mode never puts more than --pipeline requests on a connection, and times each from its own write', async () => {
  // 2 × 4 slots answered 2 ms after arrival carry up to 4000/s, but each socket event costs the client
  // 1 ms: the schedule of 2000/s falls behind between the pacer's turns. A response then finds several
  // requests due and fills its connection while it still waits in the idle list; the pacer used to
  // take it from there and send on a full connection, overwriting the oldest request's start time.
  const { result, exchanges, net } = await runFake(['-k', '--pipeline', '4', '-c', '2', '--rate', '2000', '-t', '1'], { answerAfterMs: 2, eventCostMs: 1 });
  const complete = result.recorder.counters[C.complete]!;
  assert.ok(net.maxOutstanding <= 4, `${net.maxOutstanding} requests outstanding on one socket`);
  assert.equal(net.maxOutstanding, 4, 'the schedule kept a connection full');
  assert.ok(complete >= 300, `${complete} complete`);
  assert.equal(exchanges.length, complete);
  for (const e of exchanges) {
    // No answer leaves sooner than 2 ms after its request arrived, and arrival is the write on this clock.
    assert.ok(e.waitUs >= 2000, `waiting ${e.waitUs} µs`);
    assert.ok(e.totalUs >= e.waitUs, `total ${e.totalUs} µs below waiting ${e.waitUs} µs`);
  }
});

test('a closed loop with --pipeline keeps exactly --pipeline requests on each connection', async () => {
  const { result, exchanges, net } = await runFake(['-k', '--pipeline', '3', '-c', '2', '-n', '600'], { answerAfterMs: 2 });
  assert.equal(net.maxOutstanding, 3);
  assert.equal(result.recorder.counters[C.complete], 600);
  assert.equal(net.answered, 600);
  // Without event costs the clock is exact: every answer is 2 ms after its write.
  for (const e of exchanges) assert.equal(e.waitUs, 2000);
});

test('requests behind an announced close are sent again on a new connection, once each, and counted once', async () => {
  // Every 7th response on a socket closes it with up to 3 more pipelined behind it.
  const { result, net } = await runFake(['-k', '--pipeline', '4', '-c', '2', '-n', '500'], { answerAfterMs: 1, closeEvery: 7 });
  const c = result.recorder.counters;
  assert.equal(result.stopReason, 'requests');
  assert.equal(c[C.issued], 500);
  assert.equal(c[C.complete], 500);
  assert.equal(c[C.failConnect]! + c[C.failReceive]! + c[C.failExceptions]!, 0, 'no failures');
  assert.equal(net.answered, 500, 'the server answered each request once');
  assert.ok(c[C.resent]! >= 100, `${c[C.resent]} re-sent`);
  assert.ok(net.connections >= 500 / 7, `${net.connections} connections`);
});
