// gb's snappy block compressor, undone by snappyjs: any input comes back whole, and repetitive bodies shrink.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { snappyCompress } from '../../src/live/snappy.js';
import { random, snappy } from '../helpers/live.js';

function roundTrip(input: Uint8Array): Buffer {
  const compressed = snappyCompress(input);
  assert.deepEqual(Buffer.from(snappy.uncompress(compressed)), Buffer.from(input));
  return compressed;
}

describe('snappyCompress', () => {
  it('round-trips the empty input, short ones and the literal-length edges (60, 256, 65 536 bytes)', () => {
    const next = random(3);
    for (const n of [0, 1, 3, 4, 59, 60, 61, 255, 256, 257, 65_535, 65_536, 65_537, 300_000]) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
      roundTrip(bytes);
    }
  });

  it('round-trips copies of every length and offset kind: runs (overlapping copies), near and far repeats', () => {
    roundTrip(Buffer.alloc(100_000, 'a'));
    for (const length of [4, 5, 11, 12, 63, 64, 65, 66, 67, 68, 69, 130, 1000]) {
      const chunk = Uint8Array.from({ length }, (_, i) => (i * 7919) % 251);
      roundTrip(Buffer.concat([chunk, Buffer.from('-'), chunk]));
      roundTrip(Buffer.concat([chunk, Buffer.alloc(3000, 'z'), chunk])); // offset past 2047: 2-byte offsets
      roundTrip(Buffer.concat([chunk, Buffer.alloc(70_000, 'y'), chunk])); // beyond 64 KiB: no match, literals
    }
  });

  it('round-trips arbitrary bytes and arbitrary repetitive text (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => void roundTrip(bytes)));
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('__name__', 'gb_requests_total', 'le', '0.001', 'run_id', '\u0000', 'é'), { maxLength: 3000 }),
        (words) => void roundTrip(Buffer.from(words.join(''))),
      ),
    );
  });

  it('compresses a remote-write-like body to a fraction of its size', () => {
    const series = Array.from(
      { length: 500 },
      (_, i) =>
        `\n__name__\u0012gb_request_duration_seconds_bucket\nle\u0012${(i * 0.001).toFixed(6)}\nrun_id\u0012test-run\nshard\u00121/1`,
    );
    const body = Buffer.from(series.join(''));
    const compressed = roundTrip(body);
    assert.ok(compressed.length < body.length / 4, `${compressed.length} of ${body.length} bytes`);
  });
});
