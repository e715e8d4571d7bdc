// A response header block split over HEADERS + CONTINUATION frames, fed to the real Http2Connection
// at every byte offset (on a fake socket, the ConnectionIo seam, so each split reaches onData as
// cut); and header blocks broken by a frame in between or continued on another stream, which are
// connection errors counted as bad responses.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailureKind } from '../../src/failures.js';
import type { ClientSocket, Endpoint, SocketHandler, TlsInfo } from '../../src/transport/client-socket.js';
import type { ConnectionIo, Exchange } from '../../src/transport/exchange.js';
import { quietOwner } from '../helpers/connection-owner.js';
import {
  F_END_HEADERS,
  F_END_STREAM,
  FRAME_HEADER_BYTES,
  T_CONTINUATION,
  T_DATA,
  T_GOAWAY,
  T_HEADERS,
  T_PING,
  settingsFrame,
  writeFrameHeader,
} from '../../src/transport/h2-frames.js';
import { encodeHeaderBlock, h2Frames } from '../../src/transport/h2-request.js';
import { Http2Connection } from '../../src/transport/http2-connection.js';

/** Owner hooks other branches add (per-row failures): spread, so this compiles with and without them. */

const ENDPOINT: Endpoint = { address: '127.0.0.1', ipv6: false, port: 9, tls: null, localAddress: null, tunnel: null, unixPath: null };

function frame(type: number, flags: number, stream: number, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(out, 0, payload.length, type, flags, stream);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

interface Seen {
  responses: { status: number; server: string | null; head: string | null; headerBytes: number; bodyBytes: number }[];
  failures: { kind: FailureKind; count: number; code: string; message: string }[];
  /** Frame types gb wrote after its opening (preface, SETTINGS, WINDOW_UPDATE), in order. */
  written: number[];
  sockets: number;
}

/** One Http2Connection with one stream (stream 1) sent, its socket connected and the server's SETTINGS read. */
function openStream(): { conn: Http2Connection; socket: ClientSocket; seen: Seen } {
  const seen: Seen = { responses: [], failures: [], written: [], sockets: 0 };
  let opening = true;
  let socket: ClientSocket | null = null;
  const io: ConnectionIo = {
    now: () => 1,
    open: (_endpoint: Endpoint, handler: SocketHandler): ClientSocket => {
      seen.sockets++;
      const s: ClientSocket = {
        handler,
        write: (bytes: Buffer): boolean => {
          if (opening) {
            opening = false; // the preface, SETTINGS and WINDOW_UPDATE, in one write
            return true;
          }
          for (let p = 0; p + FRAME_HEADER_BYTES <= bytes.length;) {
            const length = (bytes[p]! << 16) | (bytes[p + 1]! << 8) | bytes[p + 2]!;
            seen.written.push(bytes[p + 3]!);
            p += FRAME_HEADER_BYTES + length;
          }
          return true;
        },
        destroy: (): void => {},
        tlsInfo: (): TlsInfo | null => null,
        alpnProtocol: (): string | null => null,
      };
      socket = s;
      return s;
    },
  };
  const owner = quietOwner({
    onResponse: (_conn, _now, e: Exchange) =>
      seen.responses.push({ status: e.status, server: e.server, head: e.head, headerBytes: e.headerBytes, bodyBytes: e.bodyBytes }),
    onFailure: (_conn, _now, kind, count, code, message) => seen.failures.push({ kind, count, code, message }),
  });
  const conn = new Http2Connection(
    ENDPOINT,
    owner,
    {
      request: h2Frames(
        encodeHeaderBlock([
          [':method', 'GET'],
          [':path', '/'],
          [':scheme', 'http'],
          [':authority', 'x'],
        ]),
        null,
      ),
      source: null,
      bodies: false,
      streams: 1,
      isHead: false,
      measureUncorrected: false,
      captureHead: true,
      captureBodyBytes: -1,
    },
    io,
  );
  conn.send(0, 1);
  assert.ok(socket !== null);
  const s: ClientSocket = socket;
  conn.onConnect(s);
  const settings = settingsFrame([]);
  conn.onData(s, settings, settings.length);
  assert.deepEqual(seen.written, [T_SETTINGS_ACK_TYPE, T_HEADERS], 'SETTINGS acknowledged, then the request HEADERS');
  seen.written.length = 0;
  return { conn, socket: s, seen };
}
const T_SETTINGS_ACK_TYPE = 0x4;

/** Feeds `bytes` cut at `cut` (0: whole), each piece a fresh copy that is scribbled over once fed. */
function feedSplit(conn: Http2Connection, socket: ClientSocket, bytes: Buffer, cut: number): void {
  for (const piece of cut === 0 ? [bytes] : [bytes.subarray(0, cut), bytes.subarray(cut)]) {
    const copy = Buffer.from(piece);
    conn.onData(socket, copy, copy.length);
    copy.fill(0xee); // a connection that kept a view of an earlier chunk would read this
  }
}

// The response's header block: :status 200 (static index 8), a server header, and fields long
// enough that the block spans three frames, cut inside a field's name, its length and its value.
const FIELDS: [string, string][] = [
  ['server', 'split-test/1'],
  ['x-first', 'a'.repeat(40)],
  ['x-second-field', 'b'.repeat(150)],
  ['content-type', 'text/plain'],
];
const BLOCK = Buffer.concat([Buffer.from([0x88]), encodeHeaderBlock(FIELDS)]);
const CUT_A = 23;
const CUT_B = 120;
const BODY = Buffer.from('hello');

function splitResponse(): Buffer {
  return Buffer.concat([
    frame(T_HEADERS, 0, 1, BLOCK.subarray(0, CUT_A)),
    frame(T_CONTINUATION, 0, 1, BLOCK.subarray(CUT_A, CUT_B)),
    frame(T_CONTINUATION, F_END_HEADERS, 1, BLOCK.subarray(CUT_B)),
    frame(T_DATA, F_END_STREAM, 1, BODY),
  ]);
}

const EXPECTED_HEAD = `HTTP/2 200\r\n${FIELDS.map(([n, v]) => `${n}: ${v}\r\n`).join('')}`;

describe('HTTP/2 CONTINUATION reassembly through Http2Connection', () => {
  it('decodes a header block split over HEADERS + 2 CONTINUATION frames the same at every byte offset', () => {
    const bytes = splitResponse();
    for (let cut = 0; cut < bytes.length; cut++) {
      const { conn, socket, seen } = openStream();
      feedSplit(conn, socket, bytes, cut);
      assert.deepEqual(seen.failures, [], `split at ${cut}`);
      assert.deepEqual(
        seen.responses,
        [{ status: 200, server: 'split-test/1', head: EXPECTED_HEAD, headerBytes: BLOCK.length, bodyBytes: BODY.length }],
        `split at ${cut}`,
      );
      assert.deepEqual(seen.written, [], `split at ${cut}: nothing sent back (no reset, no GOAWAY)`);
    }
  });

  it('decodes the same when the bytes come one at a time', () => {
    const bytes = splitResponse();
    const { conn, socket, seen } = openStream();
    for (let i = 0; i < bytes.length; i++) conn.onData(socket, Buffer.from([bytes[i]!]), 1);
    assert.deepEqual(seen.failures, []);
    assert.equal(seen.responses.length, 1);
    assert.equal(seen.responses[0]!.head, EXPECTED_HEAD);
  });

  const malformed: [string, () => Buffer, string][] = [
    [
      'a CONTINUATION on another stream',
      () =>
        Buffer.concat([frame(T_HEADERS, 0, 1, BLOCK.subarray(0, CUT_A)), frame(T_CONTINUATION, F_END_HEADERS, 3, BLOCK.subarray(CUT_A))]),
      'a CONTINUATION frame that continues no header block',
    ],
    [
      'a PING between HEADERS and CONTINUATION',
      () =>
        Buffer.concat([
          frame(T_HEADERS, 0, 1, BLOCK.subarray(0, CUT_A)),
          frame(T_PING, 0, 0, new Uint8Array(8)),
          frame(T_CONTINUATION, F_END_HEADERS, 1, BLOCK.subarray(CUT_A)),
        ]),
      'a header block interrupted by another frame',
    ],
    [
      'a DATA frame between HEADERS and CONTINUATION',
      () =>
        Buffer.concat([
          frame(T_HEADERS, 0, 1, BLOCK.subarray(0, CUT_A)),
          frame(T_DATA, 0, 1, BODY),
          frame(T_CONTINUATION, F_END_HEADERS, 1, BLOCK.subarray(CUT_A)),
        ]),
      'a header block interrupted by another frame',
    ],
  ];
  for (const [name, build, message] of malformed) {
    it(`${name} is a connection error: GOAWAY, and the open stream counted once as a bad response, at every split`, () => {
      const bytes = build();
      for (let cut = 0; cut < bytes.length; cut++) {
        const { conn, socket, seen } = openStream();
        feedSplit(conn, socket, bytes, cut);
        assert.deepEqual(seen.responses, [], `split at ${cut}`);
        assert.deepEqual(
          seen.failures,
          [{ kind: 'exceptions', count: 1, code: 'PROTOCOL_ERROR', message: `bad response: ${message}` }],
          `split at ${cut}`,
        );
        assert.deepEqual(seen.written, [T_GOAWAY], `split at ${cut}: gb said why it closed`);
        assert.equal(seen.sockets, 1, `split at ${cut}: nothing was left to send on a new connection`);
        // The connection is done with that socket: later bytes on it are not read.
        feedSplit(conn, socket, frame(T_CONTINUATION, F_END_HEADERS, 1, BLOCK.subarray(CUT_A)), 0);
        assert.equal(seen.responses.length + seen.failures.length, 1, `split at ${cut}: counted once`);
      }
    });
  }
});
