// The error codes gb puts on the wire when an HTTP/2 server misbehaves, read off the wire by a raw-socket
// server (RFC 9113 §7: GOAWAY for the connection, RST_STREAM for one stream), next to the code gb
// records for itself in errorCodes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailureCode } from '../../src/failures.js';
import {
  F_ACK,
  F_END_HEADERS,
  F_END_STREAM,
  F_PADDED,
  FRAME_HEADER_BYTES,
  MAX_WINDOW,
  S_ENABLE_PUSH,
  S_INITIAL_WINDOW_SIZE,
  T_CONTINUATION,
  T_DATA,
  T_GOAWAY,
  T_HEADERS,
  T_PING,
  T_PRIORITY,
  T_PUSH_PROMISE,
  T_RST_STREAM,
  T_SETTINGS,
  T_WINDOW_UPDATE,
  settingsFrame,
  windowUpdateFrame,
  writeFrameHeader,
} from '../../src/transport/h2-frames.js';
import { writeInteger } from '../../src/transport/h2-request.js';
import type { Summary } from '../../src/metrics/summary.js';
import { startH2RawServer, type H2Peer, type H2RawServer } from '../helpers/h2-raw-server.js';
import { runArgs } from '../helpers/summaries.js';

const T = { timeout: 20_000 };

// RFC 9113 §7.
const PROTOCOL_ERROR = 0x1;
const FLOW_CONTROL_ERROR = 0x3;
const FRAME_SIZE_ERROR = 0x6;
const CANCEL = 0x8;
const COMPRESSION_ERROR = 0x9;

function frame(type: number, flags: number, stream: number, payload: Uint8Array | number[] = []): Buffer {
  const body = Buffer.from(payload);
  const out = Buffer.alloc(FRAME_HEADER_BYTES + body.length);
  writeFrameHeader(out, 0, body.length, type, flags, stream);
  body.copy(out, FRAME_HEADER_BYTES);
  return out;
}

/** A frame header announcing `length` bytes, without them. */
function header(type: number, length: number, stream: number): Buffer {
  const out = Buffer.alloc(FRAME_HEADER_BYTES);
  writeFrameHeader(out, 0, length, type, 0, stream);
  return out;
}

/** `:status 200` from the static table (index 8). */
const STATUS_200 = [0x88];

/** A header block that decodes to more than gb's 1 MiB: one 4000-byte field put in the dynamic table, then named 300 times. */
function hpackBomb(): Buffer {
  const out: number[] = [0x40];
  writeInteger(out, 0x00, 7, 1);
  out.push(0x78); // "x"
  writeInteger(out, 0x00, 7, 4000);
  for (let i = 0; i < 4000; i++) out.push(0x61);
  for (let i = 0; i < 300; i++) out.push(0x80 | 62); // the newest dynamic entry
  return Buffer.from(out);
}

async function withServer(server: H2RawServer, body: (server: H2RawServer) => Promise<void>): Promise<void> {
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/**
 * Runs gb against a server whose first stream gets `misbehave`'s frames (and every later one an
 * answer), then checks the run and what the server read.
 */
async function runAgainst(
  args: readonly string[],
  misbehave: (peer: H2Peer, streamId: number) => void,
  check: (summary: Summary, server: H2RawServer) => void,
): Promise<void> {
  await withServer(
    await startH2RawServer({ onStream: (peer, id, index) => (index === 0 ? misbehave(peer, id) : peer.respond(id)) }),
    async (server) => {
      const summary = await runArgs(['-q', '-r', '--http2', ...args, `${server.url}/`]);
      // gb closes its sockets by the run's end: once the server has seen them close, it has read every frame gb sent.
      await server.allClosed();
      check(summary, server);
    },
  );
}

interface ConnectionCase {
  readonly name: string;
  readonly misbehave: (peer: H2Peer, streamId: number) => void;
  /** What gb's GOAWAY says (RFC 9113 §7). */
  readonly wire: number;
  /** What gb records for the stream that was open. */
  readonly code: FailureCode;
}

const connectionErrors: readonly ConnectionCase[] = [
  // Flow control (§6.9.1, §6.9.2): gb's send window starts at 65 535.
  {
    name: "a WINDOW_UPDATE that takes the connection's window past 2^31 − 1",
    misbehave: (p) => p.send(windowUpdateFrame(0, MAX_WINDOW)),
    wire: FLOW_CONTROL_ERROR,
    code: 'FLOW_CONTROL_ERROR',
  },
  {
    name: "a SETTINGS_INITIAL_WINDOW_SIZE change that takes an open stream's window past 2^31 − 1",
    misbehave: (p, id) => p.send(windowUpdateFrame(id, MAX_WINDOW - 65_535), settingsFrame([[S_INITIAL_WINDOW_SIZE, 65_536]])),
    wire: FLOW_CONTROL_ERROR,
    code: 'FLOW_CONTROL_ERROR',
  },
  {
    name: 'a SETTINGS_INITIAL_WINDOW_SIZE over 2^31 − 1',
    misbehave: (p) => p.send(settingsFrame([[S_INITIAL_WINDOW_SIZE, 2 ** 31]])),
    wire: FLOW_CONTROL_ERROR,
    code: 'FLOW_CONTROL_ERROR',
  },
  // Frame sizes (§4.2): over the 16 KiB gb advertised, or the wrong length for the frame's type.
  {
    name: 'a frame over the 16 KiB gb advertised',
    misbehave: (p, id) => p.send(header(T_DATA, 0x100000, id)),
    wire: FRAME_SIZE_ERROR,
    code: 'FRAME_SIZE_ERROR',
  },
  {
    name: 'a SETTINGS frame of 7 bytes',
    misbehave: (p) => p.send(frame(T_SETTINGS, 0, 0, new Uint8Array(7))),
    wire: FRAME_SIZE_ERROR,
    code: 'FRAME_SIZE_ERROR',
  },
  {
    name: 'a SETTINGS ACK with a payload',
    misbehave: (p) => p.send(frame(T_SETTINGS, F_ACK, 0, new Uint8Array(6))),
    wire: FRAME_SIZE_ERROR,
    code: 'FRAME_SIZE_ERROR',
  },
  {
    name: 'a PING of 4 bytes',
    misbehave: (p) => p.send(frame(T_PING, 0, 0, new Uint8Array(4))),
    wire: FRAME_SIZE_ERROR,
    code: 'FRAME_SIZE_ERROR',
  },
  {
    name: 'a WINDOW_UPDATE of 3 bytes',
    misbehave: (p, id) => p.send(frame(T_WINDOW_UPDATE, 0, id, [0, 0, 1])),
    wire: FRAME_SIZE_ERROR,
    code: 'FRAME_SIZE_ERROR',
  },
  {
    name: 'a RST_STREAM of 5 bytes',
    misbehave: (p, id) => p.send(frame(T_RST_STREAM, 0, id, new Uint8Array(5))),
    wire: FRAME_SIZE_ERROR,
    code: 'FRAME_SIZE_ERROR',
  },
  {
    name: 'a GOAWAY of 4 bytes',
    misbehave: (p) => p.send(frame(T_GOAWAY, 0, 0, new Uint8Array(4))),
    wire: FRAME_SIZE_ERROR,
    code: 'FRAME_SIZE_ERROR',
  },
  {
    name: 'a PADDED HEADERS frame with no room for its pad length',
    misbehave: (p, id) => p.send(frame(T_HEADERS, F_PADDED | F_END_HEADERS, id)),
    wire: FRAME_SIZE_ERROR,
    code: 'FRAME_SIZE_ERROR',
  },
  {
    name: 'a PADDED DATA frame with no room for its pad length',
    misbehave: (p, id) => p.send(frame(T_DATA, F_PADDED, id)),
    wire: FRAME_SIZE_ERROR,
    code: 'FRAME_SIZE_ERROR',
  },
  // Header blocks broken up (§6.10).
  {
    name: 'a CONTINUATION with no HEADERS before it',
    misbehave: (p, id) => p.send(frame(T_CONTINUATION, F_END_HEADERS, id, STATUS_200)),
    wire: PROTOCOL_ERROR,
    code: 'PROTOCOL_ERROR',
  },
  {
    name: 'a PING between HEADERS and its CONTINUATION',
    misbehave: (p, id) =>
      p.send(frame(T_HEADERS, 0, id, STATUS_200), frame(T_PING, 0, 0, new Uint8Array(8)), frame(T_CONTINUATION, F_END_HEADERS, id)),
    wire: PROTOCOL_ERROR,
    code: 'PROTOCOL_ERROR',
  },
  {
    name: 'a CONTINUATION on another stream than its HEADERS',
    misbehave: (p, id) => p.send(frame(T_HEADERS, 0, id, STATUS_200), frame(T_CONTINUATION, F_END_HEADERS, id + 2)),
    wire: PROTOCOL_ERROR,
    code: 'PROTOCOL_ERROR',
  },
  // Frames no server may send.
  { name: 'a DATA frame on stream 0', misbehave: (p) => p.send(frame(T_DATA, 0, 0, [0x61])), wire: PROTOCOL_ERROR, code: 'PROTOCOL_ERROR' },
  {
    name: 'a RST_STREAM on stream 0',
    misbehave: (p) => p.send(frame(T_RST_STREAM, 0, 0, new Uint8Array(4))),
    wire: PROTOCOL_ERROR,
    code: 'PROTOCOL_ERROR',
  },
  {
    name: 'a PING on a stream',
    misbehave: (p, id) => p.send(frame(T_PING, 0, id, new Uint8Array(8))),
    wire: PROTOCOL_ERROR,
    code: 'PROTOCOL_ERROR',
  },
  {
    name: 'a PRIORITY frame on stream 0',
    misbehave: (p) => p.send(frame(T_PRIORITY, 0, 0, new Uint8Array(5))),
    wire: PROTOCOL_ERROR,
    code: 'PROTOCOL_ERROR',
  },
  {
    name: 'a PUSH_PROMISE, though gb turned push off',
    misbehave: (p, id) => p.send(frame(T_PUSH_PROMISE, F_END_HEADERS, id, [0, 0, 0, 2, ...STATUS_200])),
    wire: PROTOCOL_ERROR,
    code: 'PROTOCOL_ERROR',
  },
  {
    name: 'SETTINGS_ENABLE_PUSH 1 from the server',
    misbehave: (p) => p.send(settingsFrame([[S_ENABLE_PUSH, 1]])),
    wire: PROTOCOL_ERROR,
    code: 'PROTOCOL_ERROR',
  },
  {
    name: 'a WINDOW_UPDATE of 0 for the connection',
    misbehave: (p) => p.send(windowUpdateFrame(0, 0)),
    wire: PROTOCOL_ERROR,
    code: 'PROTOCOL_ERROR',
  },
  // Header blocks that do not decode (§4.3), or not within gb's limits.
  {
    name: 'a header block naming index 0',
    misbehave: (p, id) => p.send(frame(T_HEADERS, F_END_HEADERS | F_END_STREAM, id, [0x80])),
    wire: COMPRESSION_ERROR,
    code: 'COMPRESSION_ERROR',
  },
  {
    name: 'a header block naming an empty dynamic table',
    misbehave: (p, id) => p.send(frame(T_HEADERS, F_END_HEADERS | F_END_STREAM, id, [0x80 | 62])),
    wire: COMPRESSION_ERROR,
    code: 'COMPRESSION_ERROR',
  },
  {
    name: "a header block over gb's 1 MiB, gathered over CONTINUATION frames",
    misbehave: (p, id) => {
      const piece = new Uint8Array(16_384);
      p.send(frame(T_HEADERS, 0, id, piece), ...Array.from({ length: 64 }, () => frame(T_CONTINUATION, 0, id, piece)));
    },
    wire: COMPRESSION_ERROR,
    code: 'HEADERS_TOO_LARGE',
  },
  {
    name: 'a small header block that decodes to over 1 MiB',
    misbehave: (p, id) => p.send(frame(T_HEADERS, F_END_HEADERS | F_END_STREAM, id, hpackBomb())),
    wire: COMPRESSION_ERROR,
    code: 'HEADERS_TOO_LARGE',
  },
  // :status literal (name index 8) with the value "ab".
  {
    name: 'a :status that is not three digits',
    misbehave: (p, id) => p.send(frame(T_HEADERS, F_END_HEADERS | F_END_STREAM, id, [0x08, 2, 0x61, 0x62])),
    wire: PROTOCOL_ERROR,
    code: 'BAD_STATUS_LINE',
  },
];

describe('gb ends the connection with GOAWAY carrying the RFC 9113 code for the cause', () => {
  for (const c of connectionErrors) {
    it(`${c.name}: GOAWAY ${c.wire}, last stream 0; the open stream is a bad response (${c.code})`, T, () =>
      runAgainst(['-c', '1', '--streams', '1', '-n', '1'], c.misbehave, (summary, server) => {
        assert.deepEqual(server.goaways(), [{ connection: 1, lastStreamId: 0, code: c.wire }]);
        assert.deepEqual(server.resets(), [], 'a connection error resets no stream on its own');
        assert.equal(server.received.at(-1)?.type, T_GOAWAY, 'GOAWAY is the last frame gb sent');
        assert.equal(summary.failures.exceptions, 1);
        assert.equal(summary.responses, 0);
        assert.deepEqual(summary.errorCodes, { [c.code]: 1 });
      }),
    );
  }
});

describe('a malformed first SETTINGS: GOAWAY too, and every request fails to connect', () => {
  const prefaces: readonly { name: string; preface: Buffer; wire: number; code: FailureCode }[] = [
    {
      name: 'a SETTINGS of 7 bytes',
      preface: frame(T_SETTINGS, 0, 0, new Uint8Array(7)),
      wire: FRAME_SIZE_ERROR,
      code: 'FRAME_SIZE_ERROR',
    },
    { name: 'SETTINGS_ENABLE_PUSH 1', preface: settingsFrame([[S_ENABLE_PUSH, 1]]), wire: PROTOCOL_ERROR, code: 'PROTOCOL_ERROR' },
    {
      name: 'SETTINGS_INITIAL_WINDOW_SIZE 2^31',
      preface: settingsFrame([[S_INITIAL_WINDOW_SIZE, 2 ** 31]]),
      wire: FLOW_CONTROL_ERROR,
      code: 'FLOW_CONTROL_ERROR',
    },
  ];
  for (const c of prefaces) {
    it(`${c.name}: GOAWAY ${c.wire}, a Connect failure (${c.code}), no request sent`, T, async () =>
      withServer(await startH2RawServer({ preface: c.preface, onStream: () => assert.fail('no stream expected') }), async (server) => {
        const summary = await runArgs(['-q', '-r', '--http2', '-c', '1', '--streams', '2', '-n', '2', `${server.url}/`]);
        await server.allClosed();
        assert.equal(server.seen.requests, 0);
        assert.deepEqual(server.goaways(), [{ connection: 1, lastStreamId: 0, code: c.wire }]);
        assert.ok(!server.received.some((f) => f.type === T_SETTINGS && (f.flags & F_ACK) !== 0), 'gb did not acknowledge the SETTINGS');
        assert.equal(summary.failures.connect, 2);
        assert.deepEqual(summary.errorCodes, { [c.code]: 2 });
      }),
    );
  }
});

describe('gb resets one stream with RST_STREAM carrying the RFC 9113 code; the connection goes on', () => {
  const streamErrors: readonly ConnectionCase[] = [
    {
      name: "a WINDOW_UPDATE that takes a stream's window past 2^31 − 1",
      misbehave: (p, id) => p.send(windowUpdateFrame(id, MAX_WINDOW)),
      wire: FLOW_CONTROL_ERROR,
      code: 'FLOW_CONTROL_ERROR',
    },
    {
      name: 'a WINDOW_UPDATE of 0 for a stream',
      misbehave: (p, id) => p.send(windowUpdateFrame(id, 0)),
      wire: PROTOCOL_ERROR,
      code: 'PROTOCOL_ERROR',
    },
    {
      name: 'a PRIORITY frame of 4 bytes',
      misbehave: (p, id) => p.send(frame(T_PRIORITY, 0, id, new Uint8Array(4))),
      wire: FRAME_SIZE_ERROR,
      code: 'FRAME_SIZE_ERROR',
    },
    {
      name: 'DATA before the response headers',
      misbehave: (p, id) => p.send(frame(T_DATA, F_END_STREAM, id, [0x61])),
      wire: PROTOCOL_ERROR,
      code: 'BAD_HEADER',
    },
    // :method GET (static index 2) and no :status.
    {
      name: 'response headers without :status',
      misbehave: (p, id) => p.send(frame(T_HEADERS, F_END_HEADERS | F_END_STREAM, id, [0x82])),
      wire: PROTOCOL_ERROR,
      code: 'BAD_STATUS_LINE',
    },
  ];
  for (const c of streamErrors) {
    it(`${c.name}: RST_STREAM ${c.wire} on that stream (${c.code}), the other streams answered`, T, () =>
      runAgainst(['-c', '1', '--streams', '2', '-n', '4'], c.misbehave, (summary, server) => {
        assert.deepEqual(server.resets(), [{ connection: 1, streamId: 1, code: c.wire }]);
        assert.deepEqual(server.goaways(), []);
        assert.equal(server.seen.connections, 1);
        assert.equal(summary.failures.exceptions, 1);
        assert.equal(summary.responses, 3);
        assert.deepEqual(summary.errorCodes, { [c.code]: 1 });
      }),
    );
  }

  it('a frame of a type gb does not know is ignored (§4.1, §5.5): no reset, no GOAWAY, the answer counts', T, () =>
    runAgainst(
      ['-c', '1', '--streams', '1', '-n', '2'],
      (p, id) => {
        p.send(frame(0xfa, 0xff, id, [1, 2, 3]), frame(0xfb, 0, 0, new Uint8Array(40)));
        p.respond(id);
      },
      (summary, server) => {
        assert.deepEqual(server.resets(), []);
        assert.deepEqual(server.goaways(), []);
        assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
        assert.equal(summary.responses, 2);
      },
    ),
  );
});

describe('streams gb abandons are reset with CANCEL', () => {
  it('-s passes with no answer: RST_STREAM CANCEL on that stream only, a timeout', T, () =>
    runAgainst(
      ['-s', '1', '-c', '1', '--streams', '2', '-n', '3'],
      () => {},
      (summary, server) => {
        assert.deepEqual(server.resets(), [{ connection: 1, streamId: 1, code: CANCEL }]);
        assert.deepEqual(server.goaways(), []);
        assert.equal(summary.timeouts, 1);
        assert.equal(summary.responses, 2);
        assert.deepEqual(summary.errorCodes, { TIMEOUT: 1 });
      },
    ),
  );

  it('a stop (-t) with streams open: each is reset with CANCEL before the connection closes', T, async () =>
    withServer(await startH2RawServer({ onStream: () => {} }), async (server) => {
      const summary = await runArgs(['-q', '--http2', '-c', '1', '--streams', '3', '-t', '1', `${server.url}/`]);
      await server.allClosed();
      assert.equal(server.seen.requests, 3);
      assert.equal(summary.cutOff, 3);
      assert.deepEqual(
        server.resets(),
        [1, 3, 5].map((streamId) => ({ connection: 1, streamId, code: CANCEL })),
      );
    }),
  );
});
