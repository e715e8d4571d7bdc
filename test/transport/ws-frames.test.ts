// The WebSocket frame codec: masked frames a server can unmask, and a decoder that finds the same events however the bytes are split.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildFrame,
  CLOSE_NO_STATUS,
  EVENT_CLOSE,
  EVENT_MESSAGE,
  EVENT_PING,
  EVENT_PONG,
  FRAME_ERROR,
  FRAME_NEED_MORE,
  FrameDecoder,
  MaskSource,
  MAX_MESSAGE_BYTES,
  OP_BINARY,
  OP_TEXT,
} from '../../src/transport/ws-frames.js';

/** A server's (unmasked) frame. */
function serverFrame(opcode: number, payload: Uint8Array, fin = true, rsv = 0): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0, n]) : n < 65_536 ? Buffer.from([0, 126, n >> 8, n & 0xff]) : Buffer.alloc(10);
  if (n >= 65_536) {
    head[1] = 127;
    head.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    head.writeUInt32BE(n >>> 0, 6);
  }
  head[0] = (fin ? 0x80 : 0) | rsv | opcode;
  return Buffer.concat([head, payload]);
}

/** Every event the decoder finds in `chunks`, in order, as text a test can compare. */
function events(chunks: readonly Uint8Array[], keepPayload = false): string[] {
  const d = new FrameDecoder();
  d.keepPayload = keepPayload;
  const out: string[] = [];
  for (const chunk of chunks) {
    let pos = 0;
    while (pos < chunk.length) {
      const r = d.execute(chunk, pos, chunk.length);
      if (r === FRAME_NEED_MORE) break;
      if (r === FRAME_ERROR) {
        out.push(`error ${d.errorCode ?? ''}`);
        return out;
      }
      pos = r;
      if (d.event === EVENT_MESSAGE)
        out.push(`message ${d.messageOpcode} ${d.messageBytes}${keepPayload ? ` ${d.payload().toString('latin1')}` : ''}`);
      else if (d.event === EVENT_PING) out.push(`ping ${d.control.toString('latin1')}`);
      else if (d.event === EVENT_PONG) out.push(`pong ${d.control.toString('latin1')}`);
      else if (d.event === EVENT_CLOSE) out.push(`close ${d.closeCode}`);
    }
  }
  return out;
}

const close1001 = Buffer.from([0x03, 0xe9]);
const stream = Buffer.concat([
  serverFrame(OP_TEXT, Buffer.from('hello')),
  serverFrame(OP_BINARY, Buffer.alloc(300, 7)),
  serverFrame(OP_TEXT, Buffer.from('')),
  // A fragmented message with a ping between its fragments.
  serverFrame(OP_TEXT, Buffer.from('ab'), false),
  serverFrame(0x9, Buffer.from('p!')),
  serverFrame(0x0, Buffer.from('cd'), false),
  serverFrame(0x0, Buffer.from('e'), true),
  serverFrame(0xa, Buffer.from('')),
  serverFrame(OP_BINARY, Buffer.alloc(70_000, 1)),
  serverFrame(0x8, close1001),
]);
const expected = ['message 1 5', 'message 2 300', 'message 1 0', 'ping p!', 'message 1 5', 'pong ', 'message 2 70000', 'close 1001'];

describe('WebSocket frame decoder', () => {
  it('finds every message and control frame of a stream in one chunk', () => {
    assert.deepEqual(events([stream]), expected);
  });

  it('finds the same events with the stream split in two at every offset', () => {
    for (let at = 0; at <= stream.length; at++) {
      assert.deepEqual(events([stream.subarray(0, at), stream.subarray(at)]), expected, `split at ${at}`);
    }
  });

  it('finds the same events fed one byte at a time, and keeps payloads across fragments when asked', () => {
    const small = Buffer.concat([
      serverFrame(OP_TEXT, Buffer.from('ab'), false),
      serverFrame(0x0, Buffer.from('cd')),
      serverFrame(OP_TEXT, Buffer.from('x'.repeat(200))),
    ]);
    const bytes = [...small].map((b) => Buffer.from([b]));
    assert.deepEqual(events(bytes, true), ['message 1 4 abcd', `message 1 200 ${'x'.repeat(200)}`]);
  });

  it('reports a Close without a code as 1005', () => {
    assert.deepEqual(events([serverFrame(0x8, Buffer.alloc(0))]), [`close ${CLOSE_NO_STATUS}`]);
  });

  for (const [what, bytes, code] of [
    ['a masked frame from the server', Buffer.from([0x81, 0x80, 1, 2, 3, 4]), 'WS_PROTOCOL_ERROR'],
    ['RSV bits with no extension', serverFrame(OP_TEXT, Buffer.from('x'), true, 0x40), 'WS_PROTOCOL_ERROR'],
    ['an unknown data opcode', serverFrame(0x3, Buffer.from('x')), 'WS_PROTOCOL_ERROR'],
    ['an unknown control opcode', serverFrame(0xb, Buffer.from('x')), 'WS_PROTOCOL_ERROR'],
    ['a fragmented ping', serverFrame(0x9, Buffer.from('x'), false), 'WS_PROTOCOL_ERROR'],
    ['a ping of 126 bytes', serverFrame(0x9, Buffer.alloc(126)), 'WS_PROTOCOL_ERROR'],
    ['a continuation with no message', serverFrame(0x0, Buffer.from('x')), 'WS_PROTOCOL_ERROR'],
    [
      'a new message inside a fragmented one',
      Buffer.concat([serverFrame(OP_TEXT, Buffer.from('a'), false), serverFrame(OP_TEXT, Buffer.from('b'))]),
      'WS_PROTOCOL_ERROR',
    ],
    ['a 64-bit length with its top bit set', Buffer.from([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]), 'WS_PROTOCOL_ERROR'],
  ] as const) {
    it(`refuses ${what}`, () => assert.deepEqual(events([bytes]), [`error ${code}`]));
  }

  it('refuses a frame over 16 MiB from its header alone, before any payload arrives', () => {
    const header = Buffer.from([0x82, 127, 0, 0, 0, 0, 0, 0, 0, 0]);
    header.writeUInt32BE(MAX_MESSAGE_BYTES + 1, 6);
    assert.deepEqual(events([header]), ['error WS_FRAME_TOO_LARGE']);
  });

  it('refuses a fragmented message whose fragments together pass 16 MiB', () => {
    const first = Buffer.from([0x02, 127, 0, 0, 0, 0, 0, 0, 0, 0]);
    first.writeUInt32BE(MAX_MESSAGE_BYTES, 6);
    const d = new FrameDecoder();
    assert.equal(d.execute(first, 0, first.length), FRAME_NEED_MORE);
    const payload = Buffer.alloc(MAX_MESSAGE_BYTES);
    assert.equal(d.execute(payload, 0, payload.length), FRAME_NEED_MORE);
    const next = serverFrame(0x0, Buffer.from('x'));
    assert.equal(d.execute(next, 0, next.length), FRAME_ERROR);
    assert.equal(d.errorCode, 'WS_FRAME_TOO_LARGE');
  });
});

describe('WebSocket frame encoder', () => {
  it('masks a frame of each length class so that unmasking gives the payload back', () => {
    const masks = new MaskSource(12345);
    for (const length of [0, 1, 5, 125, 126, 127, 65_535, 65_536, 100_003]) {
      const payload = Buffer.alloc(length);
      for (let i = 0; i < length; i++) payload[i] = (i * 31) & 0xff;
      const key = masks.next();
      const frame = buildFrame(OP_BINARY, payload, key);
      assert.equal(frame[0], 0x82);
      assert.equal(frame[1]! & 0x80, 0x80, 'a client frame is masked');
      const len7 = frame[1]! & 0x7f;
      const keyAt = len7 < 126 ? 2 : len7 === 126 ? 4 : 10;
      const size = len7 < 126 ? len7 : len7 === 126 ? frame.readUInt16BE(2) : frame.readUInt32BE(6);
      assert.equal(size, length);
      const k = frame.subarray(keyAt, keyAt + 4);
      assert.equal(k.readUInt32BE(0), key);
      const body = frame.subarray(keyAt + 4);
      const unmasked = Buffer.from(body.map((b, i) => b ^ k[i % 4]!));
      assert.ok(unmasked.equals(payload), `length ${length}`);
    }
  });

  it('draws a different key for each frame', () => {
    const masks = new MaskSource(1);
    const keys = new Set(Array.from({ length: 1000 }, () => masks.next()));
    assert.equal(keys.size, 1000);
  });
});
