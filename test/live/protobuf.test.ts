// gb's protobuf writer against protobufjs decoding the same bytes with a schema of every field kind gb writes.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import fc from 'fast-check';
import { ProtoWriter } from '../../src/live/protobuf.js';

const root = protobuf.parse(`
syntax = "proto3";
message Inner { string name = 1; sint64 delta = 2; }
message All {
  uint64 u = 1;
  int64 i = 2;
  sint64 s = 3;
  bool b = 4;
  double d = 5;
  fixed64 f = 6;
  sfixed64 sf = 7;
  string text = 8;
  bytes raw = 9;
  Inner inner = 10;
  repeated Inner many = 11;
  repeated uint64 packed = 12;
  repeated sint64 packed_signed = 13;
}
`).root;
const All = root.lookupType('All');

function decode(bytes: Buffer): Record<string, unknown> {
  return All.toObject(All.decode(bytes), { longs: String, bytes: Array, defaults: false });
}

describe('ProtoWriter', () => {
  it('writes every scalar kind as protobufjs reads it, at the edges of each', () => {
    const w = new ProtoWriter(8); // tiny, so growth is exercised
    w.uint(1, 2 ** 53 - 1)
      .int(2, -5)
      .sint(3, -(2 ** 40))
      .bool(4, true)
      .double(5, -0.125);
    w.fixed64(6, 1_700_000_000_000n * 1_000_000n)
      .sfixed64(7, -3)
      .string(8, 'é∑ ok')
      .bytes(9, Uint8Array.of(0, 255, 7));
    assert.deepEqual(decode(w.finish()), {
      u: String(2 ** 53 - 1),
      i: '-5',
      s: String(-(2 ** 40)),
      b: true,
      d: -0.125,
      f: '1700000000000000000',
      sf: '-3',
      text: 'é∑ ok',
      raw: [0, 255, 7],
    });
  });

  it('nests messages of any length (the length moved up against its bytes) and packs repeated varints', () => {
    const long = 'x'.repeat(70_000); // a length of three varint bytes
    const w = new ProtoWriter();
    w.begin(10).string(1, 'one').sint(2, -1).end();
    w.begin(11).string(1, long).end();
    w.begin(11).end();
    w.begin(12)
      .rawUint(0)
      .rawUint(300)
      .rawUint(2 ** 35)
      .end();
    w.begin(13).rawSint(-2).rawSint(5).end();
    const out = decode(w.finish());
    assert.deepEqual(out['inner'], { name: 'one', delta: '-1' });
    assert.equal((out['many'] as { name?: string }[])[0]!.name, long);
    assert.equal((out['many'] as unknown[]).length, 2);
    assert.deepEqual(out['packed'], ['0', '300', String(2 ** 35)]);
    assert.deepEqual(out['packedSigned'], ['-2', '5']);
  });

  it('round-trips arbitrary values (property)', () => {
    fc.assert(
      fc.property(
        fc.maxSafeNat(),
        fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
        fc.double({ noNaN: true }),
        fc.string(),
        (u, s, d, text) => {
          const w = new ProtoWriter(1);
          w.uint(1, u).sint(3, s).double(5, d).begin(10).string(1, text).end();
          const out = All.toObject(All.decode(w.finish()), { longs: Number, defaults: true });
          assert.equal(out['u'], u);
          assert.equal(out['s'], s);
          assert.ok(Object.is(out['d'], d));
          assert.equal((out['inner'] as { name: string }).name, text);
        },
      ),
    );
  });

  it('refuses to finish inside an open field', () => {
    const w = new ProtoWriter();
    w.begin(10);
    assert.throws(() => w.finish(), /open field/);
  });
});
