// The server's SETTINGS alone: each setting checked and applied (the stream limit, told to the owner once;
// the initial window and frame size, to flow control), each malformed frame or value a connection error with
// its code, and an ACK or an unknown setting nothing at all.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProtocolErrorSink } from '../../src/transport/h2-error-codes.js';
import { FlowControl } from '../../src/transport/h2-flow-control.js';
import {
  F_ACK,
  S_ENABLE_PUSH,
  S_HEADER_TABLE_SIZE,
  S_INITIAL_WINDOW_SIZE,
  S_MAX_CONCURRENT_STREAMS,
  S_MAX_FRAME_SIZE,
} from '../../src/transport/h2-frames.js';
import { H2Output } from '../../src/transport/h2-output.js';
import { PeerSettings } from '../../src/transport/h2-peer-settings.js';
import { encodeHeaderBlock, h2Frames } from '../../src/transport/h2-request.js';
import { StreamTable } from '../../src/transport/h2-stream-table.js';
import { quietOwner } from '../helpers/connection-owner.js';

const STREAMS = 10;

function peer(): { settings: PeerSettings; flow: FlowControl; errors: string[]; limits: number[] } {
  const errors: string[] = [];
  const limits: number[] = [];
  const owner = quietOwner({ onStreamLimit: (limit) => limits.push(limit) });
  const table = new StreamTable(STREAMS, h2Frames(encodeHeaderBlock([[':method', 'GET']]), null));
  const sink: ProtocolErrorSink = {
    onConnectionError: (code, message) => errors.push(`${code}: ${message}`),
    onStreamError: (slot, code, message) => errors.push(`slot ${slot} ${code}: ${message}`),
  };
  const flow = new FlowControl(table, new H2Output(owner, table, true), sink);
  return { settings: new PeerSettings(flow, sink, owner, STREAMS), flow, errors, limits };
}

/** A SETTINGS payload of (id, value) pairs. */
function payload(...pairs: [number, number][]): Uint8Array {
  const out = new Uint8Array(pairs.length * 6);
  const view = new DataView(out.buffer);
  pairs.forEach(([id, value], k) => {
    view.setUint16(k * 6, id);
    view.setUint32(k * 6 + 2, value);
  });
  return out;
}

describe('PeerSettings', () => {
  it('applies the server’s settings: the stream limit, the initial window, the frame size; unknown ones are ignored', () => {
    const { settings, flow, errors, limits } = peer();
    assert.equal(settings.streamLimit, STREAMS, 'no limit of the server’s yet: --streams');
    const p = payload(
      [S_MAX_CONCURRENT_STREAMS, 4],
      [S_INITIAL_WINDOW_SIZE, 1_000],
      [S_MAX_FRAME_SIZE, 32_768],
      [S_HEADER_TABLE_SIZE, 0],
      [0x99, 7],
      [S_ENABLE_PUSH, 0],
    );
    assert.equal(settings.onSettings(0, 0, p, 0, p.length), true);
    assert.deepEqual([settings.streamLimit, flow.initialWindow, errors, limits], [4, 1_000, [], [4]]);
    settings.reset();
    assert.equal(settings.streamLimit, STREAMS, 'a new socket: its server has said nothing yet');
  });

  it('tells the owner of a limit below --streams once, over every socket; a limit above it changes nothing', () => {
    const { settings, limits } = peer();
    const high = payload([S_MAX_CONCURRENT_STREAMS, 100]);
    assert.equal(settings.onSettings(0, 0, high, 0, high.length), true);
    assert.deepEqual([settings.streamLimit, limits], [STREAMS, []]);
    for (const limit of [3, 2]) {
      settings.reset();
      const low = payload([S_MAX_CONCURRENT_STREAMS, limit]);
      assert.equal(settings.onSettings(0, 0, low, 0, low.length), true);
      assert.equal(settings.streamLimit, limit);
    }
    assert.deepEqual(limits, [3]);
  });

  it('takes an ACK without a word, and acknowledges nothing for it', () => {
    const { settings, errors } = peer();
    assert.equal(settings.onSettings(F_ACK, 0, new Uint8Array(0), 0, 0), false);
    assert.deepEqual(errors, []);
  });

  const malformed: [string, number, number, Uint8Array, string][] = [
    ['on a stream', 0, 1, payload([S_MAX_CONCURRENT_STREAMS, 1]), 'PROTOCOL_ERROR: a SETTINGS frame on stream 1'],
    ['not a whole number of settings', 0, 0, new Uint8Array(7), 'FRAME_SIZE_ERROR: a SETTINGS frame of 7 bytes'],
    ['an ACK with a payload', F_ACK, 0, payload([S_MAX_CONCURRENT_STREAMS, 1]), 'FRAME_SIZE_ERROR: a SETTINGS ACK of 6 bytes'],
    ['push turned on by the server', 0, 0, payload([S_ENABLE_PUSH, 1]), 'PROTOCOL_ERROR: SETTINGS_ENABLE_PUSH 1 from the server'],
    [
      'an initial window over 2^31 − 1',
      0,
      0,
      payload([S_INITIAL_WINDOW_SIZE, 2 ** 31]),
      'FLOW_CONTROL_ERROR: an initial window of 2147483648, over 2^31 − 1',
    ],
    ['a frame size below 16 384', 0, 0, payload([S_MAX_FRAME_SIZE, 100]), 'PROTOCOL_ERROR: a maximum frame size of 100'],
  ];
  for (const [name, flags, streamId, bytes, error] of malformed) {
    it(`a SETTINGS frame ${name} is a connection error, and not acknowledged`, () => {
      const { settings, errors } = peer();
      assert.equal(settings.onSettings(flags, streamId, bytes, 0, bytes.length), false);
      assert.deepEqual(errors, [error]);
    });
  }

  it('stops at the first bad setting: those after it are not applied', () => {
    const { settings, errors } = peer();
    const p = payload([S_ENABLE_PUSH, 1], [S_MAX_CONCURRENT_STREAMS, 2]);
    assert.equal(settings.onSettings(0, 0, p, 0, p.length), false);
    assert.equal(errors.length, 1);
    assert.equal(settings.streamLimit, STREAMS);
  });
});
