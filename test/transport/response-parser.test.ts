// Tests for ResponseParser: the fixture table whole and split at every offset, pipelining, header limits, real socket delivery, and fuzzing.

import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import net from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NEED_MORE, PARSE_ERROR, ResponseParser } from '../../src/transport/response-parser.js';
import { RESPONSE_FIXTURES, headerBlockOf, type ResponseFixture } from './response-fixtures.js';

const MAX_HEADER_BLOCK_BYTES = 1024 * 1024;

/** Everything observable after feeding some bytes (and, if the message had not ended, closing). */
interface Outcome {
  /** Absolute index just past the message, NEED_MORE or PARSE_ERROR. */
  readonly result: number;
  /** finishOnClose() after the last byte, when the message had not ended by then. */
  readonly closedOk: boolean | null;
  readonly error: string | null;
  readonly statusCode: number;
  readonly keepAlive: boolean;
  readonly bodyBytes: number;
  readonly headersComplete: boolean;
  readonly started: boolean;
  readonly serverHeader: string | null;
}

interface Feed {
  readonly isHead: boolean;
  readonly captureServer: boolean;
}

const PLAIN: Feed = { isHead: false, captureServer: false };

function snapshot(parser: ResponseParser, result: number, closedOk: boolean | null): Outcome {
  return {
    result,
    closedOk,
    error: parser.error,
    statusCode: parser.statusCode,
    keepAlive: parser.keepAlive,
    bodyBytes: parser.bodyBytes,
    headersComplete: parser.headersComplete,
    started: parser.started,
    serverHeader: parser.serverHeader,
  };
}

function assertReturnInRange(r: number, start: number, end: number): void {
  if (r === NEED_MORE || r === PARSE_ERROR) return;
  assert.ok(Number.isInteger(r) && r > start && r <= end, `execute returned ${r} for [${start}, ${end})`);
}

/**
 * Feed raw cut at `cuts` (ascending), each piece in its own view as socket chunks arrive, into one
 * parser; stop at the end of the message, or close after the last byte.
 */
function parseInPieces(raw: Uint8Array, cuts: readonly number[], feed: Feed, parser = new ResponseParser()): Outcome {
  parser.captureServer = feed.captureServer;
  parser.reset(feed.isHead);
  let from = 0;
  for (const to of [...cuts, raw.length]) {
    const piece = raw.subarray(from, to);
    const r = parser.execute(piece, 0, piece.length);
    assertReturnInRange(r, 0, piece.length);
    if (r !== NEED_MORE) return snapshot(parser, r >= 0 ? from + r : r, null);
    from = to;
  }
  return snapshot(parser, NEED_MORE, parser.finishOnClose());
}

const byteByByte = (length: number): number[] => Array.from({ length: Math.max(0, length - 1) }, (_, k) => k + 1);

/**
 * Every offset for ordinary fixtures. A full sweep of the 64 KiB one is quadratic (seconds), so there it
 * is every offset in the first and last 4 KiB plus every 61st: 61 is coprime with its 64-byte filler
 * lines, so each position inside a line is still a cut somewhere.
 */
function splitOffsets(length: number): number[] {
  if (length <= 8192) return byteByByte(length);
  const offsets: number[] = [];
  for (let k = 1; k < length; k++) {
    if (k <= 4096 || k >= length - 4096 || k % 61 === 0) offsets.push(k);
  }
  return offsets;
}

function assertMatchesFixture(outcome: Outcome, fixture: ResponseFixture): void {
  const expectedResult = { message: fixture.raw.length, close: NEED_MORE, cut: NEED_MORE, error: PARSE_ERROR }[fixture.end];
  const expectedClose = { message: null, close: true, cut: false, error: null }[fixture.end];
  assert.equal(outcome.result, expectedResult, `result (error: ${outcome.error ?? 'none'})`);
  assert.equal(outcome.closedOk, expectedClose, 'finishOnClose()');
  assert.equal(outcome.error, fixture.error);
  const expected = fixture.expected;
  if (expected === null) return;
  assert.deepEqual(factsOf(outcome), factsOf(expected));
  assert.equal(outcome.serverHeader, expected.serverHeader);
  assert.equal(outcome.started, true);
  assert.equal(outcome.headersComplete, expected.headBytes !== null);
}

/** What a connection reads from the parser once a message has ended. */
const factsOf = ({ statusCode, keepAlive, bodyBytes }: { statusCode: number; keepAlive: boolean; bodyBytes: number }) => ({
  statusCode,
  keepAlive,
  bodyBytes,
});

/** Feed raw[0, length) to a fresh parser, as a connection would up to that byte. */
function parsePrefix(raw: Uint8Array, length: number, feed: Feed): { result: number; parser: ResponseParser } {
  const parser = new ResponseParser();
  parser.captureServer = feed.captureServer;
  parser.reset(feed.isHead);
  return { result: parser.execute(raw, 0, length), parser };
}

describe('ResponseParser fixtures', () => {
  for (const fixture of RESPONSE_FIXTURES) {
    const feed: Feed = { isHead: fixture.isHead, captureServer: fixture.captureServer };

    it(`${fixture.name}: parses in one piece as expected`, () => {
      assertMatchesFixture(parseInPieces(fixture.raw, [], feed), fixture);
    });

    it(`${fixture.name}: gives the same result split in two anywhere and fed one byte at a time`, () => {
      const whole = parseInPieces(fixture.raw, [], feed);
      for (const cut of splitOffsets(fixture.raw.length)) {
        assert.deepEqual(parseInPieces(fixture.raw, [cut], feed), whole, `split at ${cut}`);
      }
      assert.deepEqual(parseInPieces(fixture.raw, byteByByte(fixture.raw.length), feed), whole, 'one byte at a time');
    });
  }

  it('completes the headers exactly at the end of the final header block', () => {
    for (const fixture of RESPONSE_FIXTURES) {
      const headBytes = fixture.expected?.headBytes ?? null;
      if (headBytes === null) continue;
      const feed: Feed = { isHead: fixture.isHead, captureServer: fixture.captureServer };
      const before = parsePrefix(fixture.raw, headBytes - 1, feed);
      assert.equal(before.result, NEED_MORE, fixture.name);
      assert.equal(before.parser.headersComplete, false, fixture.name);
      const at = parsePrefix(fixture.raw, headBytes, feed);
      assert.ok(at.result === NEED_MORE || at.result === headBytes, `${fixture.name}: ${at.result}`);
      assert.equal(at.parser.headersComplete, true, fixture.name);
    }
  });

  it('a message is its head and body, with chunk framing and trailers besides when chunked', () => {
    for (const fixture of RESPONSE_FIXTURES) {
      const expected = fixture.expected;
      if (expected === null || expected.headBytes === null) continue;
      const framedBytes = fixture.raw.length - expected.headBytes - expected.bodyBytes;
      if (expected.chunked && !fixture.isHead) {
        assert.ok(framedBytes > 0, fixture.name);
      } else {
        assert.equal(framedBytes, 0, fixture.name);
      }
    }
  });

  it('a close one byte before the end names the framing: the Content-Length, or a chunked body', () => {
    for (const fixture of RESPONSE_FIXTURES) {
      const expected = fixture.expected;
      if (expected === null || fixture.end !== 'message' || expected.headBytes === fixture.raw.length) continue;
      const feed: Feed = { isHead: fixture.isHead, captureServer: fixture.captureServer };
      const { result, parser } = parsePrefix(fixture.raw, fixture.raw.length - 1, feed);
      assert.equal(result, NEED_MORE, fixture.name);
      assert.equal(parser.finishOnClose(), false, fixture.name);
      const framing = expected.chunked
        ? /^connection closed inside the chunked body after \d+ body bytes$/
        : new RegExp(`^connection closed after ${expected.bodyBytes - 1} of ${expected.bodyBytes} body bytes$`);
      assert.match(parser.error ?? '', framing, fixture.name);
    }
  });

  it('one parser reused with reset() gives the same results as a fresh parser for every fixture', () => {
    const shared = new ResponseParser();
    for (const fixture of [...RESPONSE_FIXTURES, ...RESPONSE_FIXTURES]) {
      const feed: Feed = { isHead: fixture.isHead, captureServer: fixture.captureServer };
      assert.deepEqual(parseInPieces(fixture.raw, [], feed, shared), parseInPieces(fixture.raw, [], feed), fixture.name);
    }
  });
});

describe('ResponseParser header size limit', () => {
  it('accepts a header block of exactly 1 MiB', () => {
    const raw = headerBlockOf(MAX_HEADER_BLOCK_BYTES);
    assert.equal(raw.length, MAX_HEADER_BLOCK_BYTES);
    for (const cuts of [[], [1], [raw.length - 1], [raw.length >> 1], [100, 200_000, 900_000]]) {
      const outcome = parseInPieces(raw, cuts, PLAIN);
      assert.equal(outcome.result, raw.length, outcome.error ?? '');
      assert.equal(outcome.bodyBytes, 0);
    }
  });

  it('fails a header block one byte over 1 MiB with "headers too large", wherever it is split', () => {
    const raw = headerBlockOf(MAX_HEADER_BLOCK_BYTES + 1);
    const whole = parseInPieces(raw, [], PLAIN);
    assert.equal(whole.result, PARSE_ERROR);
    assert.equal(whole.error, 'headers too large');
    // The limit is met at its own byte: 1 MiB is still only incomplete, the next byte is too many.
    const parser = new ResponseParser();
    parser.reset(false);
    assert.equal(parser.execute(raw, 0, MAX_HEADER_BLOCK_BYTES), NEED_MORE);
    assert.equal(parser.error, null);
    assert.equal(parser.execute(raw, MAX_HEADER_BLOCK_BYTES, MAX_HEADER_BLOCK_BYTES + 1), PARSE_ERROR);
    assert.equal(parser.error, 'headers too large');
    for (const cuts of [[1], [raw.length - 1], [raw.length - 2], [MAX_HEADER_BLOCK_BYTES], [1000, 500_000]]) {
      assert.deepEqual(parseInPieces(raw, cuts, PLAIN), whole, `cuts ${cuts.join(',')}`);
    }
    const step = 4096;
    const cuts = Array.from({ length: Math.floor(raw.length / step) }, (_, k) => (k + 1) * step);
    assert.deepEqual(parseInPieces(raw, cuts, PLAIN), whole, '4 KiB socket reads');
  });

  it('limits each interim and final header block separately', () => {
    const interim = `HTTP/1.1 103 Early Hints\r\nLink: ${'l'.repeat(700_000)}\r\n\r\n`;
    const final = headerBlockOf(700_000);
    const raw = Buffer.concat([Buffer.from(interim, 'latin1'), final]);
    const outcome = parseInPieces(raw, [], PLAIN);
    assert.equal(outcome.result, raw.length, outcome.error ?? '');
    assert.equal(outcome.statusCode, 200);
    assert.equal(outcome.bodyBytes, 0);
  });

  it('fails trailers over 1 MiB with "trailers too large"', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n';
    const raw = Buffer.from(`${head}X-Big: ${'t'.repeat(MAX_HEADER_BLOCK_BYTES)}\r\n\r\n`, 'latin1');
    const outcome = parseInPieces(raw, [head.length + 3], PLAIN);
    assert.equal(outcome.result, PARSE_ERROR);
    assert.equal(outcome.error, 'trailers too large');
  });
});

describe('ResponseParser pipelining', () => {
  const first = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
  const second = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
  const third = 'HTTP/1.1 404 Not Found\r\nContent-Length: 100\r\n\r\n';

  it('returns the boundary of the first of two responses and continues from it after reset()', () => {
    const buf = Buffer.from(first + second, 'latin1');
    const parser = new ResponseParser();
    parser.reset(false);
    const boundary = parser.execute(buf, 0, buf.length);
    assert.equal(boundary, first.length);
    assert.equal(parser.bodyBytes, 5);
    parser.reset(false);
    const end = parser.execute(buf, boundary, buf.length);
    assert.equal(end - boundary, second.length);
    assert.equal(end, buf.length);
    assert.equal(parser.bodyBytes, 3);
  });

  it('walks three responses in one buffer, the middle answering a HEAD request', () => {
    // The HEAD response announces 100 bytes that never come, so the third status line follows at once.
    const buf = Buffer.from(first + third + second, 'latin1');
    const parser = new ResponseParser();
    const seen: [number, number, number][] = [];
    let pos = 0;
    for (const isHead of [false, true, false]) {
      parser.reset(isHead);
      const r = parser.execute(buf, pos, buf.length);
      assert.ok(r > pos, `execute returned ${r}`);
      seen.push([parser.statusCode, parser.bodyBytes, r - pos]);
      pos = r;
    }
    assert.equal(pos, buf.length);
    assert.deepEqual(seen, [
      [200, 5, first.length],
      [404, 0, third.length],
      [200, 3, second.length],
    ]);
  });

  it('finds the same boundaries when the stream is cut at every offset', () => {
    const buf = Buffer.from(first + second + first, 'latin1');
    const heads = [false, false, false];
    const whole = parseStream(buf, [], heads);
    assert.deepEqual(
      whole.map((o) => o.result),
      [first.length, first.length + second.length, buf.length],
    );
    for (let cut = 1; cut < buf.length; cut++) assert.deepEqual(parseStream(buf, [cut], heads), whole, `cut at ${cut}`);
    assert.deepEqual(parseStream(buf, byteByByte(buf.length), heads), whole, 'one byte at a time');
  });
});

/**
 * Drive one parser over a stream of pipelined responses delivered in pieces, as a connection does:
 * results are absolute offsets, one outcome per ended message (and one for the close at the end).
 */
function parseStream(buf: Buffer, cuts: readonly number[], heads: readonly boolean[], captureFirst = false): Outcome[] {
  const parser = new ResponseParser();
  const outcomes: Outcome[] = [];
  parser.captureServer = captureFirst;
  parser.reset(heads[0] ?? false);
  let from = 0;
  for (const to of [...cuts, buf.length]) {
    const piece = buf.subarray(from, to);
    let pos = 0;
    while (pos < piece.length) {
      const r = parser.execute(piece, pos, piece.length);
      assertReturnInRange(r, pos, piece.length);
      if (r === NEED_MORE) break;
      outcomes.push(snapshot(parser, r === PARSE_ERROR ? r : from + r, null));
      if (r === PARSE_ERROR) return outcomes;
      parser.captureServer = false;
      parser.reset(heads[outcomes.length] ?? false);
      pos = r;
    }
    from = to;
  }
  if (parser.started) outcomes.push(snapshot(parser, NEED_MORE, parser.finishOnClose()));
  return outcomes;
}

describe('ResponseParser API edges', () => {
  it('reports NEED_MORE for an empty range and stays not started', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    assert.equal(parser.execute(Buffer.from('HTTP'), 2, 2), NEED_MORE);
    assert.equal(parser.started, false);
    assert.equal(parser.finishOnClose(), false);
    assert.equal(parser.error, 'connection closed before any response byte');
  });

  it('marks started on the first byte, before the headers are complete', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    assert.equal(parser.execute(Buffer.from('H'), 0, 1), NEED_MORE);
    assert.equal(parser.started, true);
    assert.equal(parser.headersComplete, false);
  });

  it('stray line ends before the status line are not its first byte, and a close after them is one before any response byte', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    assert.equal(parser.execute(Buffer.from('\r\n'), 0, 2), NEED_MORE);
    assert.equal(parser.started, false);
    assert.equal(parser.execute(Buffer.from('\nH'), 0, 2), NEED_MORE);
    assert.equal(parser.started, true);
    parser.reset(false);
    assert.equal(parser.execute(Buffer.from('\r\n\r\n'), 0, 4), NEED_MORE);
    assert.equal(parser.finishOnClose(), false);
    assert.equal(parser.error, 'connection closed before any response byte');
  });

  it('skipStray() counts against the same bound as the stray bytes execute() skips, until reset()', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    const crlfs = Buffer.from('\r\n\r\n\r\n');
    assert.equal(parser.skipStray(crlfs, 0, 6), 6);
    assert.equal(parser.started, false);
    assert.equal(parser.execute(crlfs, 0, 3), PARSE_ERROR);
    assert.equal(parser.error, 'more than 8 CR/LF bytes before the status line');
    parser.reset(false);
    assert.equal(parser.skipStray(crlfs, 0, 6), 6);
    assert.equal(parser.skipStray(Buffer.from('\r\nHTTP'), 0, 6), 2);
    assert.equal(parser.skipStray(Buffer.from('\n'), 0, 1), PARSE_ERROR);
  });

  it('sets headersComplete before the body has arrived', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    const buf = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 'latin1');
    assert.equal(parser.execute(buf, 0, buf.length), NEED_MORE);
    assert.equal(parser.headersComplete, true);
    assert.equal(parser.bodyBytes, 3);
  });

  it('keeps failing after PARSE_ERROR until reset(), then parses again', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    assert.equal(parser.execute(Buffer.from('XTTP/1.1 200 OK\r\n\r\n'), 0, 19), PARSE_ERROR);
    const good = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    assert.equal(parser.execute(good, 0, good.length), PARSE_ERROR);
    assert.equal(parser.finishOnClose(), false);
    parser.reset(false);
    assert.equal(parser.error, null);
    assert.equal(parser.execute(good, 0, good.length), good.length);
  });

  it('refuses bytes after the message ended without reset()', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    const good = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    assert.equal(parser.execute(good, 0, good.length), good.length);
    assert.equal(parser.finishOnClose(), true);
    assert.equal(parser.execute(good, 0, good.length), PARSE_ERROR);
    assert.match(parser.error ?? '', /reset/);
  });

  it('clamps an end beyond the buffer instead of reading past it', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    const buf = Buffer.from('HTTP/1.1 204 No Content\r\n\r\n');
    assert.equal(parser.execute(buf, 0, buf.length + 50), buf.length);
  });

  it('clears serverHeader on reset() so a later response cannot report a stale value', () => {
    const parser = new ResponseParser();
    parser.captureServer = true;
    parser.reset(false);
    const buf = Buffer.from('HTTP/1.1 204 No Content\r\nServer: one\r\n\r\n');
    assert.equal(parser.execute(buf, 0, buf.length), buf.length);
    assert.equal(parser.serverHeader, 'one');
    parser.reset(false);
    assert.equal(parser.serverHeader, null);
  });
});

describe('ResponseParser over a real socket', () => {
  it('parses pipelined responses as a raw server delivers them, ending the last on close', { timeout: 5000 }, async () => {
    const responses = [
      'HTTP/1.1 200 OK\r\nServer: raw-test\r\nContent-Length: 6\r\n\r\nfirst!',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nsec-\r\n3\r\nond\r\n0\r\n\r\n',
      'HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\nuntil close',
    ];
    const wire = Buffer.from(responses.join(''), 'latin1');
    // Writes that cut through status lines, header names, chunk sizes and bodies.
    const writeCuts = [0, 7, 40, 41, 63, 90, 101, 102, 150, wire.length];
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      let k = 0;
      const writeNext = (): void => {
        const from = writeCuts[k];
        const to = writeCuts[k + 1];
        if (from === undefined || to === undefined) {
          socket.end();
          return;
        }
        k++;
        socket.write(wire.subarray(from, to), () => setTimeout(writeNext, 2));
      };
      writeNext();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    try {
      const socket = net.connect(address.port, '127.0.0.1');
      const parser = new ResponseParser();
      parser.captureServer = true;
      parser.reset(false);
      const got: (string | number | boolean | null)[][] = [];
      socket.on('data', (chunk: Buffer) => {
        let pos = 0;
        while (pos < chunk.length) {
          const r = parser.execute(chunk, pos, chunk.length);
          if (r === NEED_MORE) return;
          assert.notEqual(r, PARSE_ERROR, parser.error ?? '');
          got.push([parser.statusCode, parser.bodyBytes, parser.keepAlive, parser.serverHeader]);
          parser.captureServer = false;
          parser.reset(false);
          pos = r;
        }
      });
      await once(socket, 'end');
      assert.equal(parser.finishOnClose(), true);
      got.push([parser.statusCode, parser.bodyBytes, parser.keepAlive, parser.serverHeader]);
      socket.destroy();
      assert.deepEqual(got, [
        [200, 6, true, 'raw-test'],
        [200, 7, true, null],
        [500, 11, false, null],
      ]);
    } finally {
      server.close();
    }
  });
});

// --- property tests ---

const SMALL_FIXTURES = RESPONSE_FIXTURES.filter((f) => f.raw.length <= 512);
const COMPLETE_FIXTURES = RESPONSE_FIXTURES.filter((f) => f.end === 'message' && f.raw.length <= 8192);

/** Bytes that steer the state machine: line ends, separators, digits, hex, the version prefix, high bytes. */
const interestingByte = fc.oneof(
  fc.constantFrom(13, 10, 32, 9, 58, 44, 59, 48, 49, 53, 57, 97, 102, 103, 65, 70, 72, 84, 80, 47, 46, 0, 0x7f, 0x80, 0xff),
  fc.integer({ min: 0, max: 255 }),
);

/** One edit at `at` (taken modulo the length): set or insert `byte`, delete one byte, cut the rest, or repeat `length` bytes. */
interface Mutation {
  readonly op: 'replace' | 'insert' | 'delete' | 'truncate' | 'duplicate';
  readonly at: number;
  readonly byte: number;
  readonly length: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const, 'truncate' as const, 'duplicate' as const),
  at: fc.nat(),
  byte: interestingByte,
  length: fc.integer({ min: 1, max: 40 }),
});

function mutate(raw: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = raw;
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    if (m.op === 'replace') {
      bytes = Buffer.from(bytes);
      if (bytes.length > 0) bytes[at] = m.byte;
    } else if (m.op === 'insert') {
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.of(m.byte), bytes.subarray(at)]);
    } else if (m.op === 'delete') {
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    } else if (m.op === 'truncate') {
      bytes = bytes.subarray(0, at);
    } else {
      bytes = Buffer.concat([bytes.subarray(0, at + m.length), bytes.subarray(at)]);
    }
  }
  return bytes;
}

/** Turn fractions in [0, 1) into ascending cut offsets inside [0, length]. */
const cutsFrom = (fractions: readonly number[], length: number): number[] =>
  fractions.map((f) => Math.floor(f * (length + 1))).sort((a, b) => a - b);

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('ResponseParser properties', () => {
  it('random bytes never throw and split anywhere give the same result as whole', () => {
    const statusPrefix = Buffer.from('HTTP/1.1 200 OK\r\n', 'latin1');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(interestingByte, { maxLength: 300 }).map((tail) => Buffer.concat([statusPrefix, Buffer.from(tail)])),
    );
    fc.assert(
      fc.property(bytes, fc.array(fraction, { maxLength: 3 }), fc.boolean(), (raw, fractions, isHead) => {
        const feed: Feed = { isHead, captureServer: true };
        const whole = parseInPieces(raw, [], feed);
        assert.deepEqual(parseInPieces(raw, cutsFrom(fractions, raw.length), feed), whole);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated fixtures never throw and parse the same whole, split and byte by byte', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SMALL_FIXTURES),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fraction, { maxLength: 3 }),
        (fixture, mutations, fractions) => {
          const raw = mutate(fixture.raw, mutations);
          const feed: Feed = { isHead: fixture.isHead, captureServer: fixture.captureServer };
          const whole = parseInPieces(raw, [], feed);
          assert.ok(whole.result === NEED_MORE || whole.result === PARSE_ERROR || (whole.result > 0 && whole.result <= raw.length));
          assert.equal(whole.result === PARSE_ERROR || whole.closedOk === false, whole.error !== null);
          assert.deepEqual(parseInPieces(raw, cutsFrom(fractions, raw.length), feed), whole);
          assert.deepEqual(parseInPieces(raw, byteByByte(raw.length), feed), whole);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the letter case of anything but the HTTP version does not change the result', () => {
    const candidates = RESPONSE_FIXTURES.filter((f) => !f.captureServer && f.raw.length <= 2048);
    fc.assert(
      fc.property(fc.constantFrom(...candidates), fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }), (fixture, flips) => {
        const raw = Buffer.from(fixture.raw);
        const text = raw.toString('latin1').toUpperCase();
        for (let k = 0; k < raw.length; k++) {
          const c = raw[k] ?? 0;
          const isLetter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
          const versionAt = text.lastIndexOf('HTTP/', k);
          const inVersion = versionAt >= 0 && k - versionAt < 8;
          if (isLetter && !inVersion && flips[k % flips.length] === true) raw[k] = c ^ 0x20;
        }
        const feed: Feed = { isHead: fixture.isHead, captureServer: false };
        assert.deepEqual(parseInPieces(raw, [], feed), parseInPieces(fixture.raw, [], feed));
      }),
      { numRuns: 500 },
    );
  });

  it('pipelined fixtures cut anywhere end at the same boundaries with the same results', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...COMPLETE_FIXTURES), { minLength: 1, maxLength: 4 }),
        fc.array(fraction, { maxLength: 8 }),
        (sequence, fractions) => {
          const buf = Buffer.concat(sequence.map((f) => f.raw));
          const heads = sequence.map((f) => f.isHead);
          const outcomes = parseStream(buf, cutsFrom(fractions, buf.length), heads);
          assert.equal(outcomes.length, sequence.length);
          let end = 0;
          sequence.forEach((fixture, k) => {
            end += fixture.raw.length;
            const outcome = outcomes[k];
            assert.ok(outcome !== undefined);
            assert.equal(outcome.result, end);
            const expected = fixture.expected ?? assert.fail('complete fixture without expectations');
            assert.deepEqual(factsOf(outcome), factsOf(expected));
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
