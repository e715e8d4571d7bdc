// HEADERS go out from one buffer reused flush after flush, but only while the socket says it is done
// with each write: bytes it still holds (a write the kernel took only part of) must stay as written.
// On a fake socket (the ConnectionIo seam) that takes writes at once or holds them, as told.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientSocket, Endpoint, SocketHandler } from '../../src/transport/client-socket.js';
import type { ConnectionIo } from '../../src/transport/exchange.js';
import { quietOwner } from '../helpers/connection-owner.js';
import {
  F_END_HEADERS,
  F_END_STREAM,
  FRAME_HEADER_BYTES,
  T_HEADERS,
  settingsFrame,
  writeFrameHeader,
} from '../../src/transport/h2-frames.js';
import { encodeHeaderBlock, h2Frames } from '../../src/transport/h2-request.js';
import { Http2Connection } from '../../src/transport/http2-connection.js';

const STREAMS = 4;
const ROUNDS = 50;

/** :status 200 ending the stream, in one HEADERS frame. */
function response(streamId: number): Buffer {
  const out = Buffer.alloc(FRAME_HEADER_BYTES + 1);
  writeFrameHeader(out, 0, 1, T_HEADERS, F_END_HEADERS | F_END_STREAM, streamId);
  out[FRAME_HEADER_BYTES] = 0x88;
  return out;
}

/** Every HEADERS write gb made, as handed over, with a copy of its bytes taken then. */
function run(holds: (write: number) => boolean): { written: Buffer[]; copies: Buffer[]; responses: number } {
  const written: Buffer[] = [];
  const copies: Buffer[] = [];
  let socket: ClientSocket | null = null;
  let responses = 0;
  const io: ConnectionIo = {
    now: () => 1,
    open: (_endpoint: Endpoint, handler: SocketHandler): ClientSocket => {
      socket = {
        handler,
        write: (bytes: Buffer): boolean => {
          if (bytes[3] !== T_HEADERS) return true; // the opening and SETTINGS ACK
          const held = holds(written.length);
          written.push(bytes);
          copies.push(Buffer.from(bytes));
          return !held;
        },
        destroy: (): void => {},
        tlsInfo: () => null,
        alpnProtocol: () => null,
      };
      return socket;
    },
  };
  let conn: Http2Connection | null = null;
  const owner = quietOwner({
    onResponse: (c) => {
      responses++;
      if (responses <= STREAMS * ROUNDS) c.send(1, 1);
    },
    onFailure: (_c, _now, kind, count, code, message) => assert.fail(`${kind} ${count} ${code} ${message}`),
  });
  const endpoint: Endpoint = { address: '127.0.0.1', ipv6: false, port: 9, localAddress: null, tunnel: null, unixPath: null, tls: null };
  const request = h2Frames(
    encodeHeaderBlock([
      [':method', 'GET'],
      [':path', '/'],
      [':scheme', 'http'],
      [':authority', 'x'],
    ]),
    null,
  );
  conn = new Http2Connection(
    endpoint,
    owner,
    {
      request,
      source: null,
      bodies: false,
      streams: STREAMS,
      isHead: false,
      measureUncorrected: false,
      captureHead: false,
      captureBodyBytes: -1,
    },
    io,
  );
  conn.send(0, STREAMS);
  assert.ok(socket !== null);
  const s: ClientSocket = socket;
  conn.onConnect(s);
  const settings = settingsFrame([]);
  conn.onData(s, settings, settings.length);
  // Each round answers every open stream in one chunk: their successors go out in one write.
  for (let round = 0; round < ROUNDS; round++) {
    const chunk = Buffer.concat(Array.from({ length: STREAMS }, (_, k) => response(1 + 2 * (round * STREAMS + k))));
    conn.onData(s, chunk, chunk.length);
  }
  conn.close();
  return { written, copies, responses };
}

describe('HTTP/2 HEADERS write buffer', () => {
  it('is reused while the socket takes each write at once', () => {
    const { written, copies, responses } = run(() => false);
    assert.equal(responses, STREAMS * ROUNDS);
    assert.equal(written.length, ROUNDS + 1);
    assert.equal(new Set(written.map((b) => b.buffer)).size, 1, 'one buffer for every flush');
    // Each write carried its own stream ids when it was made.
    for (let w = 0; w < written.length; w++) assert.equal(copies[w]!.readUInt32BE(5), 1 + 2 * STREAMS * w);
  });

  it('is left to the socket while it holds a write (as TLS does): held bytes never change', () => {
    const { written, copies, responses } = run(() => true);
    assert.equal(responses, STREAMS * ROUNDS);
    assert.equal(written.length, ROUNDS + 1);
    for (let w = 0; w < written.length; w++) assert.ok(written[w]!.equals(copies[w]!), `write ${w} was overwritten`);
  });

  it('after writes held for a while, one buffer is reused again once the socket takes them at once', () => {
    const { written, copies, responses } = run((w) => w >= 10 && w < 20);
    assert.equal(responses, STREAMS * ROUNDS);
    assert.equal(written.length, ROUNDS + 1);
    for (let w = 10; w < 20; w++) assert.ok(written[w]!.equals(copies[w]!), `write ${w} was overwritten`);
    // Write 10 went out from the reused buffer and was held: that buffer is the socket's from then on.
    assert.equal(written[10]!.buffer, written[0]!.buffer);
    assert.ok(
      written.slice(11).every((b) => b.buffer !== written[0]!.buffer),
      'the held buffer was filled again',
    );
    assert.equal(new Set(written.slice(21).map((b) => b.buffer)).size, 1, 'one buffer again after');
  });
});
