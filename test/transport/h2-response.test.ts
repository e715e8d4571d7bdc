// A stream's answer alone, as ResponseReader reads it into the stream table and StreamReport times it: the
// final status after any 1xx, the Server header for the first response only, DATA counted and kept up to its
// cap, each malformed answer a stream error; then the Exchange from the table's clock readings.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Exchange, Http2Settings } from '../../src/transport/exchange.js';
import { F_END_STREAM } from '../../src/transport/h2-frames.js';
import { encodeHeaderBlock, h2Frames } from '../../src/transport/h2-request.js';
import { ResponseReader, type ResponseSink } from '../../src/transport/h2-response.js';
import { StreamReport } from '../../src/transport/h2-stream-report.js';
import { StreamTable } from '../../src/transport/h2-stream-table.js';
import { quietOwner } from '../helpers/connection-owner.js';

const REQUEST = h2Frames(
  encodeHeaderBlock([
    [':method', 'GET'],
    [':path', '/'],
    [':scheme', 'http'],
    [':authority', 'x'],
  ]),
  null,
);

function settingsOf(captureHead: boolean, captureBodyBytes: number): Http2Settings {
  return {
    request: REQUEST,
    source: null,
    bodies: false,
    streams: 2,
    isHead: false,
    measureUncorrected: false,
    captureHead,
    captureBodyBytes,
  };
}

interface Rig {
  table: StreamTable;
  answers: ResponseReader;
  report: StreamReport;
  clock: Float64Array;
  ends: number[];
  errors: string[];
}

/** Two open streams (slots 0 and 1, streams 1 and 3), their HEADERS written at 10 ms. */
function rig(captureHead = false, captureBodyBytes = -1): Rig {
  const settings = settingsOf(captureHead, captureBodyBytes);
  const table = new StreamTable(2, REQUEST);
  const clock = new Float64Array(1);
  const ends: number[] = [];
  const errors: string[] = [];
  const sink: ResponseSink = {
    onStreamEnd: (i) => ends.push(i),
    onStreamError: (i, code, message) => errors.push(`slot ${i} ${code}: ${message}`),
    onConnectionError: (code, message) => errors.push(`connection ${code}: ${message}`),
  };
  const owner = quietOwner({});
  const conn = {
    capacity: 0,
    lastExchangeMs: 0,
    waitingSinceMs: 0,
    parked: false,
    withdraw: () => 0,
    send: () => {},
    checkTimeout: () => {},
    close: () => 0,
  };
  const report = new StreamReport(conn, owner, table, settings, clock);
  table.start(2, 2, REQUEST, 0);
  table.start(2, 2, REQUEST, 0);
  table.openQueued(2, 10, 65_535);
  table.queue.dropFront(2);
  return { table, answers: new ResponseReader(table, sink, settings, clock), report, clock, ends, errors };
}

function headers(r: Rig, i: number, fields: [string, string][], endStream: boolean, nowMs: number): void {
  r.clock[0] = nowMs;
  const block = encodeHeaderBlock(fields);
  r.answers.onHeaderBlock(i, block, 0, block.length, endStream);
}

describe('ResponseReader and StreamReport', () => {
  it('takes the final status after a 1xx, counts DATA, and times the response from the table', () => {
    const r = rig(true);
    headers(
      r,
      0,
      [
        [':status', '103'],
        ['link', '</a>'],
      ],
      false,
      12,
    );
    assert.equal(r.table.status[0], 0, 'an interim answer is not the response');
    headers(
      r,
      0,
      [
        [':status', '200'],
        ['server', 'test/1'],
        ['content-type', 'text/plain'],
      ],
      false,
      13,
    );
    r.clock[0] = 14;
    assert.equal(r.answers.onData(0, 0, 3), true);
    r.clock[0] = 15;
    assert.equal(r.answers.onData(0, F_END_STREAM, 2), false);
    assert.deepEqual([r.ends, r.errors], [[0], []]);
    const e: Exchange = r.report.response(0, r.answers.takeServer());
    assert.deepEqual(
      [e.status, e.waitUs, e.receiveUs, e.totalUs, e.sendUs, e.bodyBytes, e.server, e.head],
      [200, 2_000, 3_000, 13_000, 0, 5, 'test/1', 'HTTP/2 200\r\nserver: test/1\r\ncontent-type: text/plain\r\n'],
    );
    assert.equal(r.report.lastExchangeMs, 13);
    assert.equal(r.answers.takeServer(), null, 'the Server header is reported with the first response only');
  });

  it('reads a stream gb no longer awaits (slot -1) for HPACK’s sake, and touches no slot', () => {
    const r = rig();
    headers(r, -1, [[':status', '200']], true, 12);
    assert.deepEqual([r.ends, r.errors, r.table.firstFrameMs[0], r.table.firstFrameMs[1]], [[], [], 0, 0]);
  });

  it('keeps a body up to its cap, in the slot’s buffer, and only once the status came', () => {
    const r = rig(false, 4);
    const body = Buffer.from('abcdef');
    r.answers.onBodyBytes(0, body, 0, 2);
    assert.equal(r.table.bodyKept[0], 0, 'no status yet');
    headers(r, 0, [[':status', '200']], false, 12);
    r.answers.onBodyBytes(0, body, 0, 3);
    r.answers.onBodyBytes(0, body, 3, 6);
    assert.equal(r.answers.onData(0, F_END_STREAM, 6), false);
    const e = r.report.response(0, null);
    assert.equal(Buffer.from(e.body!).toString(), 'abcd');
  });

  const bad: [string, (r: Rig) => void, string][] = [
    [
      'headers without :status',
      (r) => headers(r, 1, [['server', 'x']], true, 12),
      'slot 1 BAD_STATUS_LINE: bad response: response headers without :status',
    ],
    [
      'DATA before the headers',
      (r) => r.answers.onData(1, F_END_STREAM, 1),
      'slot 1 BAD_HEADER: bad response: DATA before the response headers',
    ],
    [
      'a block HPACK cannot decode',
      (r) => r.answers.onHeaderBlock(1, Uint8Array.of(0xff), 0, 1, true),
      'connection COMPRESSION_ERROR: HPACK: a header block that ends inside an integer',
    ],
  ];
  for (const [name, act, error] of bad) {
    it(`${name} is an error, and the stream does not end as a response`, () => {
      const r = rig();
      act(r);
      assert.deepEqual([r.ends, r.errors], [[], [error]]);
    });
  }
});
