// Header-block assembly alone: a block cut into HEADERS and CONTINUATION frames at every byte comes out whole
// and the same, padding and priority taken off; each way a block can be malformed is a connection error with
// its code; and the 1 MiB limit holds to the byte.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionErrorCode } from '../../src/transport/h2-error-codes.js';
import {
  F_END_HEADERS,
  F_END_STREAM,
  F_PADDED,
  F_PRIORITY,
  T_CONTINUATION,
  T_DATA,
  T_HEADERS,
  T_PING,
} from '../../src/transport/h2-frames.js';
import { HeaderBlockAssembler, MAX_HEADER_BLOCK_BYTES, type HeaderBlockSink } from '../../src/transport/h2-header-assembly.js';

interface Seen {
  blocks: { streamId: number; block: string; endStream: boolean }[];
  errors: { code: ConnectionErrorCode; message: string }[];
}

function assembler(): { headers: HeaderBlockAssembler; seen: Seen } {
  const seen: Seen = { blocks: [], errors: [] };
  const sink: HeaderBlockSink = {
    // The bytes are valid only during the call: copied here, as hex.
    onHeaderBlock: (streamId, bytes, start, end, endStream) =>
      seen.blocks.push({ streamId, block: Buffer.from(bytes.subarray(start, end)).toString('hex'), endStream }),
    onConnectionError: (code, message) => seen.errors.push({ code, message }),
  };
  return { headers: new HeaderBlockAssembler(sink), seen };
}

/** A payload in a fresh array with bytes either side, scribbled over after the call, so no view of it may be kept. */
function feed(call: (bytes: Uint8Array, start: number, length: number) => void, payload: Uint8Array): void {
  const bytes = new Uint8Array(payload.length + 6).fill(0xaa);
  bytes.set(payload, 3);
  call(bytes, 3, payload.length);
  bytes.fill(0xee);
}

const BLOCK = Uint8Array.from({ length: 200 }, (_, k) => (k * 37 + 11) & 0xff);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('HeaderBlockAssembler', () => {
  it('hands a block in one HEADERS frame on whole, padding and priority taken off', () => {
    for (const [padded, priority] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const { headers, seen } = assembler();
      const pad = padded ? 5 : 0;
      const fixed = (padded ? 1 : 0) + (priority ? 5 : 0);
      const payload = new Uint8Array(fixed + BLOCK.length + pad).fill(0x55);
      if (padded) payload[0] = pad;
      payload.set(BLOCK, fixed);
      const flags = F_END_HEADERS | F_END_STREAM | (padded ? F_PADDED : 0) | (priority ? F_PRIORITY : 0);
      feed((b, s, l) => headers.onHeaders(flags, 1, b, s, l), payload);
      assert.deepEqual(
        seen,
        { blocks: [{ streamId: 1, block: hex(BLOCK), endStream: true }], errors: [] },
        `padded ${padded}, priority ${priority}`,
      );
    }
  });

  it('gathers a block cut into HEADERS + CONTINUATION, or HEADERS + 2 CONTINUATIONs, the same at every byte', () => {
    const n = BLOCK.length;
    for (let a = 0; a <= n; a++) {
      for (const b of a % 7 === 0 ? [...Array(n - a + 1).keys()].map((k) => a + k) : [n]) {
        const { headers, seen } = assembler();
        feed((x, s, l) => headers.onHeaders(0, 5, x, s, l), BLOCK.subarray(0, a));
        assert.equal(headers.interrupts(T_CONTINUATION), false);
        if (b < n) feed((x, s, l) => headers.onContinuation(0, 5, x, s, l), BLOCK.subarray(a, b));
        feed((x, s, l) => headers.onContinuation(F_END_HEADERS, 5, x, s, l), BLOCK.subarray(b < n ? b : a));
        assert.deepEqual(seen, { blocks: [{ streamId: 5, block: hex(BLOCK), endStream: false }], errors: [] }, `cut at ${a} and ${b}`);
        assert.equal(headers.interrupts(T_DATA), false, 'the block is closed');
      }
    }
  });

  it('keeps END_STREAM from the HEADERS frame, and a later block after a large one reuses its buffer', () => {
    const { headers, seen } = assembler();
    const large = new Uint8Array(100_000).fill(1);
    feed((b, s, l) => headers.onHeaders(F_END_STREAM, 1, b, s, l), large.subarray(0, 16_000));
    for (let p = 16_000; p < large.length; p += 16_000) {
      const last = p + 16_000 >= large.length;
      feed((b, s, l) => headers.onContinuation(last ? F_END_HEADERS : 0, 1, b, s, l), large.subarray(p, p + 16_000));
    }
    feed((b, s, l) => headers.onHeaders(0, 3, b, s, l), BLOCK.subarray(0, 10));
    feed((b, s, l) => headers.onContinuation(F_END_HEADERS, 3, b, s, l), BLOCK.subarray(10));
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(
      seen.blocks.map((x) => [x.streamId, x.block.length / 2, x.endStream]),
      [
        [1, large.length, true],
        [3, BLOCK.length, false],
      ],
    );
    assert.equal(seen.blocks[1]!.block, hex(BLOCK));
  });

  it('allows a block of exactly 1 MiB and refuses one a byte over (HEADERS_TOO_LARGE)', () => {
    for (const extra of [0, 1]) {
      const { headers, seen } = assembler();
      const piece = new Uint8Array(16_384);
      let got = 0;
      feed((b, s, l) => headers.onHeaders(0, 1, b, s, l), piece);
      got += piece.length;
      while (got < MAX_HEADER_BLOCK_BYTES + extra && seen.errors.length === 0) {
        const size = Math.min(piece.length, MAX_HEADER_BLOCK_BYTES + extra - got);
        got += size;
        const last = got === MAX_HEADER_BLOCK_BYTES + extra;
        feed((b, s, l) => headers.onContinuation(last ? F_END_HEADERS : 0, 1, b, s, l), piece.subarray(0, size));
      }
      if (extra === 0) {
        assert.deepEqual(seen.errors, []);
        assert.equal(seen.blocks[0]!.block.length / 2, MAX_HEADER_BLOCK_BYTES);
      } else {
        assert.deepEqual(seen.blocks, []);
        assert.deepEqual(seen.errors, [{ code: 'HEADERS_TOO_LARGE', message: 'a header block over 1 MiB' }]);
      }
    }
  });

  const malformed: [string, (h: HeaderBlockAssembler) => void, ConnectionErrorCode, string][] = [
    [
      'HEADERS on stream 0',
      (h) => feed((b, s, l) => h.onHeaders(F_END_HEADERS, 0, b, s, l), BLOCK),
      'PROTOCOL_ERROR',
      'HEADERS on stream 0, which gb did not open',
    ],
    [
      'HEADERS on an even stream',
      (h) => feed((b, s, l) => h.onHeaders(F_END_HEADERS, 2, b, s, l), BLOCK),
      'PROTOCOL_ERROR',
      'HEADERS on stream 2, which gb did not open',
    ],
    [
      'a HEADERS frame too short for its priority',
      (h) => feed((b, s, l) => h.onHeaders(F_END_HEADERS | F_PRIORITY | F_PADDED, 1, b, s, l), new Uint8Array(5)),
      'FRAME_SIZE_ERROR',
      'a HEADERS frame of 5 bytes, too short for its pad length and priority',
    ],
    [
      'padding longer than the frame',
      (h) => feed((b, s, l) => h.onHeaders(F_END_HEADERS | F_PADDED, 1, b, s, l), Uint8Array.of(9, 1, 2, 3)),
      'PROTOCOL_ERROR',
      'a HEADERS frame whose padding is longer than the frame',
    ],
    [
      'a CONTINUATION with no block open',
      (h) => feed((b, s, l) => h.onContinuation(F_END_HEADERS, 1, b, s, l), BLOCK),
      'PROTOCOL_ERROR',
      'a CONTINUATION frame that continues no header block',
    ],
    [
      'a CONTINUATION on another stream',
      (h) => {
        feed((b, s, l) => h.onHeaders(0, 1, b, s, l), BLOCK.subarray(0, 5));
        feed((b, s, l) => h.onContinuation(F_END_HEADERS, 3, b, s, l), BLOCK.subarray(5));
      },
      'PROTOCOL_ERROR',
      'a CONTINUATION frame that continues no header block',
    ],
    [
      'another frame inside the block',
      (h) => {
        feed((b, s, l) => h.onHeaders(0, 1, b, s, l), BLOCK.subarray(0, 5));
        assert.equal(h.interrupts(T_PING), true);
      },
      'PROTOCOL_ERROR',
      'a header block interrupted by another frame',
    ],
    [
      'a second HEADERS inside the block',
      (h) => {
        feed((b, s, l) => h.onHeaders(0, 1, b, s, l), BLOCK.subarray(0, 5));
        assert.equal(h.interrupts(T_HEADERS), true);
      },
      'PROTOCOL_ERROR',
      'a header block interrupted by another frame',
    ],
  ];
  for (const [name, act, code, message] of malformed) {
    it(`${name} is a connection error (${code}), and no block is handed on`, () => {
      const { headers, seen } = assembler();
      act(headers);
      assert.deepEqual(seen, { blocks: [], errors: [{ code, message }] });
    });
  }

  it('forgets an open block on reset (a new socket)', () => {
    const { headers, seen } = assembler();
    feed((b, s, l) => headers.onHeaders(0, 1, b, s, l), BLOCK.subarray(0, 5));
    headers.reset();
    assert.equal(headers.interrupts(T_DATA), false);
    feed((b, s, l) => headers.onHeaders(F_END_HEADERS, 1, b, s, l), BLOCK);
    assert.deepEqual(seen, { blocks: [{ streamId: 1, block: hex(BLOCK), endStream: false }], errors: [] });
  });
});
