// The HTTP/2 frame reader fed every split of its fixtures, and HPACK decoding against RFC 7541's examples and a Huffman round trip.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  F_END_HEADERS,
  F_END_STREAM,
  F_PADDED,
  FrameReader,
  T_CONTINUATION,
  T_DATA,
  T_HEADERS,
  T_PING,
  goawayFrame,
  settingsFrame,
  writeFrameHeader,
  type FrameSink,
} from '../../src/transport/h2-frames.js';
import { HpackDecoder } from '../../src/transport/hpack-decoder.js';
import { EOS, huffmanCodes, huffmanDecode } from '../../src/transport/hpack-huffman.js';
import { encodeHeaderBlock, writeInteger } from '../../src/transport/h2-request.js';

function frame(type: number, flags: number, stream: number, payload: Uint8Array | number[]): Buffer {
  const body = Buffer.from(payload);
  const out = Buffer.alloc(9 + body.length);
  writeFrameHeader(out, 0, body.length, type, flags, stream);
  body.copy(out, 9);
  return out;
}

/** Every event as text, payloads copied out of the reader's views. */
function recorder(): { sink: FrameSink; events: string[] } {
  const events: string[] = [];
  return {
    events,
    sink: {
      onFrame: (type, flags, stream, bytes, start, length) =>
        events.push(`frame ${type} ${flags} ${stream} ${Buffer.from(bytes.subarray(start, start + length)).toString('hex')}`),
      onDataFrame: (stream, flags, length, dataLength) => events.push(`data ${stream} ${flags} ${length} ${dataLength}`),
      onFramingError: (code, message) => events.push(`error ${code} ${message}`),
    },
  };
}

/** Feeds `bytes` whole, then split in two at every offset, then a byte at a time: every way gives the same events. */
function eventsAtEverySplit(bytes: Buffer): string[] {
  const whole = recorder();
  new FrameReader(whole.sink).feed(bytes, 0, bytes.length);
  for (let cut = 1; cut < bytes.length; cut++) {
    const r = recorder();
    const reader = new FrameReader(r.sink);
    // Fresh copies, so a reader that kept a view of an earlier chunk would show it.
    const a = Buffer.from(bytes.subarray(0, cut));
    const b = Buffer.from(bytes.subarray(cut));
    reader.feed(a, 0, a.length);
    a.fill(0xee);
    reader.feed(b, 0, b.length);
    assert.deepEqual(r.events, whole.events, `split at ${cut}`);
  }
  const single = recorder();
  const reader = new FrameReader(single.sink);
  for (let i = 0; i < bytes.length; i++) reader.feed(Buffer.from([bytes[i]!]), 0, 1);
  assert.deepEqual(single.events, whole.events, 'a byte at a time');
  return whole.events;
}

describe('HTTP/2 frame reader', () => {
  it('reads SETTINGS, HEADERS + CONTINUATION, padded DATA, PING and GOAWAY the same at every split', () => {
    const padded = frame(T_DATA, F_PADDED, 1, [3, 0x61, 0x62, 0x63, 0x64, 0, 0, 0]);
    const stream = Buffer.concat([
      settingsFrame([
        [3, 100],
        [4, 65535],
      ]),
      frame(T_HEADERS, 0, 1, [0x88, 0x40]),
      frame(T_CONTINUATION, F_END_HEADERS, 1, [0x01, 0x78, 0x01, 0x79]),
      padded,
      frame(T_DATA, F_END_STREAM, 1, []),
      frame(T_PING, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8]),
      goawayFrame(7, 0),
    ]);
    const events = eventsAtEverySplit(stream);
    assert.deepEqual(events, [
      'frame 4 0 0 00030000006400040000ffff',
      'frame 1 0 1 8840',
      'frame 9 4 1 01780179',
      'data 1 8 8 4',
      'data 1 1 0 0',
      'frame 6 0 0 0102030405060708',
      'frame 7 0 0 0000000700000000',
    ]);
  });

  it('reports an HTTP/1.1 answer to the preface as not HTTP/2, at every split', () => {
    const events = eventsAtEverySplit(Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    assert.equal(events.length, 1);
    assert.match(events[0]!, /^error NOT_HTTP2 the server answered in HTTP\/1\.1, not HTTP\/2/);
  });

  it('refuses a frame over the maximum size, and DATA whose padding outgrows it', () => {
    const big = Buffer.alloc(9);
    writeFrameHeader(big, 0, 0x100000, T_DATA, 0, 1);
    const events = eventsAtEverySplit(Buffer.concat([settingsFrame([]), big]));
    assert.deepEqual(events.slice(0, 1), ['frame 4 0 0 ']);
    assert.match(events[1]!, /^error FRAME_SIZE_ERROR a frame of 1048576 bytes/);
    const overPadded = eventsAtEverySplit(Buffer.concat([settingsFrame([]), frame(T_DATA, F_PADDED, 1, [5, 1, 2])]));
    assert.match(overPadded[1]!, /^error PROTOCOL_ERROR a DATA frame whose padding/);
  });
});

/** An HPACK encoder for tests: Huffman strings, with or without incremental indexing. */
function huffmanEncode(text: string): number[] {
  const { codes, lengths } = huffmanCodes();
  let bits = 0n;
  let count = 0;
  for (const byte of Buffer.from(text, 'latin1')) {
    bits = (bits << BigInt(lengths[byte]!)) | BigInt(codes[byte]!);
    count += lengths[byte]!;
  }
  const pad = (8 - (count % 8)) % 8;
  bits = (bits << BigInt(pad)) | ((1n << BigInt(pad)) - 1n);
  count += pad;
  const out: number[] = [];
  for (let shift = count - 8; shift >= 0; shift -= 8) out.push(Number((bits >> BigInt(shift)) & 0xffn));
  return out;
}

function literal(name: string, value: string, indexing: boolean): number[] {
  const out: number[] = [indexing ? 0x40 : 0x00];
  for (const s of [name, value]) {
    const h = huffmanEncode(s);
    writeInteger(out, 0x80, 7, h.length);
    out.push(...h);
  }
  return out;
}

describe('HPACK decoder', () => {
  it("decodes RFC 7541 C.4's three requests (Huffman, dynamic table) with the table sizes it gives", () => {
    const d = new HpackDecoder();
    d.wantHead = true;
    const hex = ['828684418cf1e3c2e5f23a6ba0ab90f4ff', '828684be5886a8eb10649cbf', '828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf'];
    const expected = [
      [':method: GET', ':scheme: http', ':path: /', ':authority: www.example.com'],
      [':method: GET', ':scheme: http', ':path: /', ':authority: www.example.com', 'cache-control: no-cache'],
      [':method: GET', ':scheme: https', ':path: /index.html', ':authority: www.example.com', 'custom-key: custom-value'],
    ];
    const sizes = [57, 110, 164];
    hex.forEach((h, k) => {
      const block = Buffer.from(h, 'hex');
      assert.ok(d.decode(block, 0, block.length), d.error ?? '');
      assert.deepEqual(d.head, expected[k]);
      assert.equal(d.tableSize, sizes[k]);
    });
  });

  it('reads :status and Server, counts decoded bytes, evicts, and honours a size update', () => {
    const d = new HpackDecoder(256);
    d.wantServer = true;
    const first = Buffer.from([0x88, ...literal('server', 'gb-test/1.0', true), ...literal('x-long', 'v'.repeat(150), true)]);
    assert.ok(d.decode(first, 0, first.length), d.error ?? '');
    assert.equal(d.status, 200);
    assert.equal(d.server, 'gb-test/1.0');
    assert.equal(d.decodedBytes, ':status'.length + 3 + 'server'.length + 11 + 'x-long'.length + 150);
    assert.equal(d.tableEntries, 2);
    // A third entry pushes the oldest out (256 bytes hold two of these, not three).
    const second = Buffer.from([...literal(':status', '404', false), 0xbe, ...literal('x-b', 'w'.repeat(10), true)]);
    assert.ok(d.decode(second, 0, second.length), d.error ?? '');
    assert.equal(d.status, 404);
    assert.equal(d.server, '', 'index 62 is now x-long, not server');
    assert.equal(d.tableEntries, 2);
    const shrink = Buffer.from([0x20, 0x88]);
    assert.ok(d.decode(shrink, 0, shrink.length));
    assert.equal(d.tableEntries, 0);
    const stale = Buffer.from([0xbe]);
    assert.equal(d.decode(stale, 0, stale.length), false);
    assert.match(d.error ?? '', /past the 0 entries/);
  });

  it('refuses malformed blocks: an update over the limit, a bad :status, a truncated string, bad Huffman padding', () => {
    for (const [bytes, why] of [
      [[0x3f, 0xe2, 0x1f], /a table size of 4097, over the 4096 allowed/],
      [[...literal(':status', '20', false)], /:status/],
      [[0x00, 0x05, 0x61], /longer than its header block/],
      [[0x00, 0x81, 0x00, 0x81, 0x00], /Huffman/],
    ] as const) {
      const d = new HpackDecoder();
      const block = Buffer.from(bytes);
      assert.equal(d.decode(block, 0, block.length), false, String(why));
      assert.match(d.error ?? '', why);
    }
  });

  it('Huffman-decodes every byte value, and rejects EOS inside a string', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
    const encoded = Buffer.from(huffmanEncode(all));
    const out = new Uint8Array(512);
    const end = huffmanDecode(encoded, 0, encoded.length, out, 0);
    assert.equal(Buffer.from(out.subarray(0, end)).toString('latin1'), all);
    const { codes, lengths } = huffmanCodes();
    assert.equal(lengths[EOS], 30);
    assert.equal(codes[EOS], 0x3fffffff);
    assert.equal(huffmanDecode(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4, out, 0), -1);
  });

  it("encodes gb's request once, as literals a decoder reads back", () => {
    const block = encodeHeaderBlock([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':authority', '127.0.0.1:8080'],
      [':path', '/a?b'],
      ['user-agent', 'gb/1'],
      ['x-custom', 'é'],
    ]);
    const d = new HpackDecoder();
    d.wantHead = true;
    assert.ok(d.decode(block, 0, block.length), d.error ?? '');
    assert.deepEqual(d.head, [
      ':method: GET',
      ':scheme: http',
      ':authority: 127.0.0.1:8080',
      ':path: /a?b',
      'user-agent: gb/1',
      `x-custom: ${Buffer.from('é').toString('latin1')}`,
    ]);
    assert.equal(d.tableEntries, 0, 'nothing indexed');
  });
});
