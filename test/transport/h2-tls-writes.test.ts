// Over TLS, the HEADERS of the streams that one read of the socket ended go out in one write (one TLS
// record), not one per response: Node hands a TLS read over a record at a time, each as its own
// callback, and nginx sends a record per response. On a fake socket (the ConnectionIo seam), so the
// records arrive exactly as a real TLS read delivers them.

import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { ClientSocket, Endpoint, SocketHandler, TlsInfo } from '../../src/transport/client-socket.js';
import type { ConnectionIo } from '../../src/transport/exchange.js';
import { quietOwner } from '../helpers/connection-owner.js';
import {
  F_END_HEADERS,
  F_END_STREAM,
  FRAME_HEADER_BYTES,
  T_DATA,
  T_HEADERS,
  settingsFrame,
  writeFrameHeader,
} from '../../src/transport/h2-frames.js';
import { encodeHeaderBlock, h2Frames } from '../../src/transport/h2-request.js';
import { Http2Connection } from '../../src/transport/http2-connection.js';

/** Owner hooks other branches add (per-row failures): spread, so this compiles with and without them. */

const STREAMS = 10;

function endpoint(tls: boolean): Endpoint {
  return {
    address: '127.0.0.1',
    ipv6: false,
    port: 9,
    localAddress: null,
    tunnel: null,
    unixPath: null,
    tls: tls
      ? { minVersion: null, maxVersion: null, ciphers: null, clientPem: null, caPem: null, servername: null, verify: false, alpn: ['h2'] }
      : null,
  };
}

/** One response as its own chunk (its own TLS record): :status 200, then "ok" ending the stream. */
function response(streamId: number): Buffer {
  const out = Buffer.alloc(2 * FRAME_HEADER_BYTES + 3);
  writeFrameHeader(out, 0, 1, T_HEADERS, F_END_HEADERS, streamId);
  out[FRAME_HEADER_BYTES] = 0x88;
  writeFrameHeader(out, FRAME_HEADER_BYTES + 1, 2, T_DATA, F_END_STREAM, streamId);
  out.write('ok', 2 * FRAME_HEADER_BYTES + 1, 'latin1');
  return out;
}

/** HEADERS frames in each write gb made (after its opening), and the stream ids they carry. */
async function writesAfterOneReadOfRecords(tls: boolean): Promise<{ writes: number[]; ids: number[]; responses: number }> {
  const writes: number[] = [];
  const ids: number[] = [];
  let opening = true;
  let socket: ClientSocket | null = null;
  let responses = 0;
  let conn: Http2Connection | null = null;
  const io: ConnectionIo = {
    now: () => 1,
    open: (_endpoint: Endpoint, handler: SocketHandler): ClientSocket => {
      socket = {
        handler,
        write: (bytes: Buffer): boolean => {
          if (opening) {
            opening = false;
            return true;
          }
          let headers = 0;
          for (let p = 0; p + FRAME_HEADER_BYTES <= bytes.length;) {
            const length = (bytes[p]! << 16) | (bytes[p + 1]! << 8) | bytes[p + 2]!;
            if (bytes[p + 3] === T_HEADERS) {
              headers++;
              ids.push(bytes.readUInt32BE(p + 5));
            }
            p += FRAME_HEADER_BYTES + length;
          }
          if (headers > 0) writes.push(headers);
          return true;
        },
        destroy: (): void => {},
        tlsInfo: (): TlsInfo | null => null,
        alpnProtocol: (): string | null => (tls ? 'h2' : null),
      };
      return socket;
    },
  };
  const owner = quietOwner({
    // As the engine does: each answered request is replaced at once.
    onResponse: (c) => {
      responses++;
      c.send(1, 1);
    },
    onFailure: (_c, _now, kind, count, code, message) => assert.fail(`${kind} ${count} ${code} ${message}`),
  });
  conn = new Http2Connection(
    endpoint(tls),
    owner,
    {
      request: h2Frames(
        encodeHeaderBlock([
          [':method', 'GET'],
          [':path', '/'],
          [':scheme', 'https'],
          [':authority', 'x'],
        ]),
        null,
      ),
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
  await nextTurn();
  assert.deepEqual(writes, [STREAMS], 'the first streams go out together once SETTINGS arrive');
  writes.length = 0;
  ids.length = 0;
  // One read of the socket: STREAMS records, each handed over on its own.
  for (let k = 0; k < STREAMS; k++) {
    const bytes = response(1 + 2 * k);
    conn.onData(s, bytes, bytes.length);
  }
  await nextTurn();
  await nextTurn();
  conn.close();
  return { writes, ids, responses };
}

describe('HTTP/2 writes', () => {
  it('over TLS: the streams ended by one read of 10 records go out again in one write', async () => {
    const { writes, ids, responses } = await writesAfterOneReadOfRecords(true);
    assert.equal(responses, STREAMS);
    assert.deepEqual(writes, [STREAMS], 'one write of 10 HEADERS, not one per record');
    assert.deepEqual(
      ids,
      Array.from({ length: STREAMS }, (_, k) => 1 + 2 * (STREAMS + k)),
      'new stream ids, in order',
    );
  });

  it('over plain TCP a chunk is a whole read already: a write per chunk, at once', async () => {
    const { writes, responses } = await writesAfterOneReadOfRecords(false);
    assert.equal(responses, STREAMS);
    assert.deepEqual(
      writes,
      Array.from({ length: STREAMS }, () => 1),
    );
  });
});
