// HTTP/2 flow control alone, on a stream table and an output writing to a fake socket: request bodies go
// out in DATA frames within the connection's window, the stream's and the server's frame size; WINDOW_UPDATE
// and SETTINGS_INITIAL_WINDOW_SIZE move the windows or are errors with their codes; received DATA is handed
// back a step at a time.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientSocket } from '../../src/transport/client-socket.js';
import type { ConnectionErrorCode, ProtocolErrorSink, StreamErrorCode } from '../../src/transport/h2-error-codes.js';
import { FlowControl, WINDOW_STEP } from '../../src/transport/h2-flow-control.js';
import {
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_WINDOW,
  F_END_STREAM,
  FRAME_HEADER_BYTES,
  MAX_WINDOW,
  T_DATA,
  T_WINDOW_UPDATE,
  readUint32,
} from '../../src/transport/h2-frames.js';
import { H2Output } from '../../src/transport/h2-output.js';
import { encodeHeaderBlock, h2Frames } from '../../src/transport/h2-request.js';
import { StreamTable } from '../../src/transport/h2-stream-table.js';
import { quietOwner } from '../helpers/connection-owner.js';

interface Frame {
  type: number;
  flags: number;
  streamId: number;
  length: number;
  /** WINDOW_UPDATE: its increment. */
  increment?: number;
}

interface Rig {
  table: StreamTable;
  flow: FlowControl;
  frames: Frame[];
  errors: string[];
}

const BLOCK = encodeHeaderBlock([
  [':method', 'POST'],
  [':path', '/'],
  [':scheme', 'http'],
  [':authority', 'x'],
]);

/** A flow control over `streams` open streams, each with a `bodyBytes` body to send (0: none); `queued`: left queued, not opened. */
function rig(streams: number, bodyBytes: number, queued = false): Rig & { output: H2Output; writes: number[] } {
  const writes: number[] = [];
  const frames: Frame[] = [];
  const errors: string[] = [];
  const request = h2Frames(BLOCK, bodyBytes > 0 ? new Uint8Array(bodyBytes).fill(0x61) : null);
  const table = new StreamTable(streams, request);
  const output = new H2Output(quietOwner({}), table, true);
  const socket: ClientSocket = {
    handler: { onConnect: () => {}, onData: () => {}, onError: () => {}, onClose: () => {} },
    write: (bytes: Buffer): boolean => {
      writes.push(bytes.length);
      for (let p = 0; p < bytes.length;) {
        const length = (bytes[p]! << 16) | (bytes[p + 1]! << 8) | bytes[p + 2]!;
        const frame: Frame = { type: bytes[p + 3]!, flags: bytes[p + 4]!, streamId: readUint32(bytes, p + 5), length };
        if (frame.type === T_WINDOW_UPDATE) frame.increment = readUint32(bytes, p + FRAME_HEADER_BYTES);
        frames.push(frame);
        p += FRAME_HEADER_BYTES + length;
      }
      return true;
    },
    destroy: () => {},
    tlsInfo: () => null,
    alpnProtocol: () => null,
  };
  output.socket = socket;
  const sink: ProtocolErrorSink = {
    onConnectionError: (code: ConnectionErrorCode, message: string) => errors.push(`connection ${code}: ${message}`),
    onStreamError: (slot: number, code: StreamErrorCode, message: string) => errors.push(`slot ${slot} ${code}: ${message}`),
  };
  const flow = new FlowControl(table, output, sink);
  for (let i = 0; i < streams; i++) table.start(0, 0, request, 0);
  if (!queued) {
    table.openQueued(streams, 1, flow.initialWindow);
    table.queue.dropFront(streams);
  }
  return { table, flow, frames, errors, output, writes };
}

function windowUpdate(increment: number): Uint8Array {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setUint32(0, increment);
  return payload;
}

const dataFrames = (frames: Frame[]): [number, number, boolean][] =>
  frames.filter((f) => f.type === T_DATA).map((f) => [f.streamId, f.length, (f.flags & F_END_STREAM) !== 0]);

describe('FlowControl', () => {
  it('sends a body that fits one frame in its HEADERS’ write while the windows take it; the rest are pumped after', () => {
    // 5 streams of 16 000 bytes: the connection's 65 535 takes four whole; the fifth waits for the window.
    const { table, flow, frames, errors, output, writes } = rig(5, 16_000, true);
    table.openQueued(5, 3, flow.initialWindow);
    assert.equal(output.writeHeaders(5, flow), true);
    table.queue.dropFront(5);
    assert.equal(writes.length, 1, 'one write for every stream');
    assert.deepEqual(
      frames.map((f) => [f.type, f.streamId]),
      [1, 3, 5, 7, 9].flatMap((id) =>
        id < 9
          ? [
              [1, id],
              [T_DATA, id],
            ]
          : [[1, id]],
      ),
    );
    assert.deepEqual([...table.sentEndMs], [3, 3, 3, 3, Number.POSITIVE_INFINITY]);
    frames.length = 0;
    flow.pumpBodies(4);
    assert.deepEqual(dataFrames(frames), [[9, 1_535, false]], 'the connection window’s last bytes');
    assert.equal(flow.onWindowUpdate(0, windowUpdate(100_000), 0, 4), true);
    flow.pumpBodies(5);
    assert.deepEqual(dataFrames(frames), [
      [9, 1_535, false],
      [9, 14_465, true],
    ]);
    assert.equal(table.sentEndMs[4], 5);
    assert.deepEqual(errors, []);
  });

  it('pumps a body in frames of the server’s frame size, within the stream’s and the connection’s windows', () => {
    const { table, flow, frames, errors } = rig(1, 100_000);
    flow.pumpBodies(5);
    // 65 535 in all: the default windows, in frames of at most 16 384.
    assert.deepEqual(dataFrames(frames), [
      [1, 16_384, false],
      [1, 16_384, false],
      [1, 16_384, false],
      [1, 16_383, false],
    ]);
    assert.equal(table.bodySent[0], DEFAULT_WINDOW);
    assert.equal(table.sentEndMs[0], Number.POSITIVE_INFINITY, 'not all sent');
    frames.length = 0;
    assert.equal(flow.onWindowUpdate(0, windowUpdate(50_000), 0, 4), true);
    flow.pumpBodies(6);
    assert.deepEqual(frames, [], 'the stream’s own window is still spent');
    assert.equal(flow.onWindowUpdate(1, windowUpdate(40_000), 0, 4), true);
    flow.pumpBodies(7);
    assert.deepEqual(dataFrames(frames), [
      [1, 16_384, false],
      [1, 16_384, false],
      [1, 1_697, true],
    ]);
    assert.equal(table.sentEndMs[0], 7, 'the last frame taken: the request is sent');
    assert.deepEqual(errors, []);
  });

  it('takes a larger SETTINGS_MAX_FRAME_SIZE, and refuses one out of range (PROTOCOL_ERROR)', () => {
    const { flow, frames, errors } = rig(1, 30_000);
    assert.equal(flow.setMaxFrame(DEFAULT_MAX_FRAME_SIZE - 1), false);
    assert.equal(flow.setMaxFrame(16_777_216), false);
    assert.equal(flow.setMaxFrame(40_000), true);
    flow.pumpBodies(1);
    assert.deepEqual(dataFrames(frames), [[1, 30_000, true]]);
    assert.deepEqual(errors, [
      'connection PROTOCOL_ERROR: a maximum frame size of 16383',
      'connection PROTOCOL_ERROR: a maximum frame size of 16777216',
    ]);
  });

  it('applies a new SETTINGS_INITIAL_WINDOW_SIZE to every open stream, and to streams opened after it', () => {
    const { table, flow, errors } = rig(2, 0);
    table.streamWindow[1] = 1_000;
    assert.equal(flow.setInitialWindow(100_000), true);
    assert.deepEqual(
      [table.streamWindow[0], table.streamWindow[1], flow.initialWindow],
      [100_000, 1_000 + 100_000 - DEFAULT_WINDOW, 100_000],
    );
    assert.equal(flow.setInitialWindow(0), true, 'a window may shrink, below 0 even');
    assert.deepEqual([table.streamWindow[0], table.streamWindow[1]], [0, 1_000 - DEFAULT_WINDOW]);
    flow.reset();
    assert.equal(flow.initialWindow, DEFAULT_WINDOW);
    assert.deepEqual(errors, []);
  });

  it('refuses an initial window past 2^31 − 1, or one that takes an open stream’s past it (FLOW_CONTROL_ERROR)', () => {
    const over = rig(1, 0);
    assert.equal(over.flow.setInitialWindow(MAX_WINDOW + 1), false);
    assert.deepEqual(over.errors, [`connection FLOW_CONTROL_ERROR: an initial window of ${MAX_WINDOW + 1}, over 2^31 − 1`]);
    const stream = rig(1, 0);
    assert.equal(stream.flow.onWindowUpdate(1, windowUpdate(1_000), 0, 4), true);
    assert.equal(stream.flow.setInitialWindow(MAX_WINDOW), false);
    assert.deepEqual(stream.errors, [
      `connection FLOW_CONTROL_ERROR: an initial window of ${MAX_WINDOW} takes a stream's window over 2^31 − 1`,
    ]);
  });

  const updates: [string, number, Uint8Array, string | null][] = [
    ['of 3 bytes', 0, new Uint8Array(3), 'connection FRAME_SIZE_ERROR: a WINDOW_UPDATE frame of 3 bytes, not 4'],
    ['of 0 for the connection', 0, windowUpdate(0), 'connection PROTOCOL_ERROR: a WINDOW_UPDATE of 0 for the connection'],
    [
      'past 2^31 − 1 for the connection',
      0,
      windowUpdate(MAX_WINDOW),
      `connection FLOW_CONTROL_ERROR: a WINDOW_UPDATE of ${MAX_WINDOW} takes the connection's window over 2^31 − 1`,
    ],
    ['of 0 for a stream', 1, windowUpdate(0), 'slot 0 PROTOCOL_ERROR: bad response: a WINDOW_UPDATE of 0 for the stream'],
    [
      'past 2^31 − 1 for a stream',
      1,
      windowUpdate(MAX_WINDOW),
      `slot 0 FLOW_CONTROL_ERROR: bad response: a WINDOW_UPDATE of ${MAX_WINDOW} takes the stream's window over 2^31 − 1`,
    ],
    ['for a stream no longer open', 7, windowUpdate(10), null],
  ];
  for (const [name, streamId, payload, error] of updates) {
    it(`a WINDOW_UPDATE ${name} ${error === null ? 'changes nothing' : 'is an error with its code'}, and no window grows`, () => {
      const { table, flow, errors } = rig(1, 0);
      assert.equal(flow.onWindowUpdate(streamId, payload, 0, payload.length), false);
      assert.deepEqual(errors, error === null ? [] : [error]);
      assert.equal(table.streamWindow[0], DEFAULT_WINDOW);
    });
  }

  it('hands received DATA back in steps of 2^30, for the connection and for each stream', () => {
    const { flow, frames } = rig(2, 0);
    flow.onConnectionData(WINDOW_STEP - 1);
    flow.onStreamData(1, WINDOW_STEP - 1);
    assert.deepEqual(frames, []);
    flow.onConnectionData(10);
    flow.onStreamData(1, 10);
    flow.onStreamData(0, 10);
    assert.deepEqual(frames, [
      { type: T_WINDOW_UPDATE, flags: 0, streamId: 0, length: 4, increment: WINDOW_STEP + 9 },
      { type: T_WINDOW_UPDATE, flags: 0, streamId: 3, length: 4, increment: WINDOW_STEP + 9 },
    ]);
    frames.length = 0;
    flow.onConnectionData(WINDOW_STEP - 1);
    assert.deepEqual(frames, [], 'counted afresh after each WINDOW_UPDATE');
  });
});
