// Re-queueing alone, on a stream table and its report: streams a GOAWAY or a clean close left unprocessed go
// back to the queue's front in the order they were sent, once; a second time they fail as UNANSWERED, each
// timed and told to the owner (with its endpoint row) before the failure is.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailureCode, FailureKind } from '../../src/failures.js';
import type { Http2Settings, LoadConnection } from '../../src/transport/exchange.js';
import { encodeHeaderBlock, h2Frames } from '../../src/transport/h2-request.js';
import { requeue, requeueAbove, requeueUnanswered } from '../../src/transport/h2-requeue.js';
import { StreamReport } from '../../src/transport/h2-stream-report.js';
import { OPEN, QUEUED, StreamTable } from '../../src/transport/h2-stream-table.js';
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
const UNANSWERED = 'server closed the connection twice with the stream unanswered';

interface Rig {
  table: StreamTable;
  report: StreamReport;
  /** What the owner heard, in order. */
  told: string[];
}

/** `open` streams open (slots 0…, streams 1, 3, ...; slot k has endpoint row 10 + k), then `queued` more queued behind them. */
function rig(open: number, queued = 0): Rig {
  const told: string[] = [];
  const owner = quietOwner({
    onFailedRead: (nowMs, e) => told.push(`failedRead row ${e.row} at ${nowMs}`),
    onRowFailed: (row) => told.push(`rowFailed ${row}`),
    onResent: (count) => told.push(`resent ${count}`),
    onFailure: (_conn, _nowMs, kind: FailureKind, count: number, code: FailureCode, message: string) =>
      told.push(`failure ${kind} ${count} ${code}: ${message}`),
  });
  const size = open + queued;
  const settings: Http2Settings = {
    request: REQUEST,
    source: { row: 0, nextH2: () => REQUEST, giveBackH2: () => {} },
    bodies: false,
    streams: size,
    isHead: false,
    measureUncorrected: false,
    captureHead: false,
    captureBodyBytes: -1,
  };
  const table = new StreamTable(size, REQUEST);
  const conn: LoadConnection = {
    capacity: 0,
    lastExchangeMs: 0,
    waitingSinceMs: 0,
    parked: false,
    withdraw: () => 0,
    send: () => {},
    checkTimeout: () => {},
    close: () => 0,
  };
  const report = new StreamReport(conn, owner, table, settings, new Float64Array(1));
  for (let k = 0; k < size; k++) table.start(1, 1, REQUEST, 10 + k);
  table.openQueued(open, 2, 65_535);
  table.queue.dropFront(open);
  return { table, report, told };
}

const queued = (table: StreamTable): number[] => Array.from({ length: table.queue.length }, (_, j) => table.queue.at(j));

describe('HTTP/2 re-queueing', () => {
  it('a GOAWAY sends the streams above its last stream id again, first in the queue, in the order they were sent', () => {
    const { table, report, told } = rig(4, 1);
    requeueAbove(table, report, 3, 9);
    assert.deepEqual(queued(table), [2, 3, 4], 'streams 5 and 7, then the one that was queued already');
    assert.deepEqual([table.state[2], table.state[3], table.resent[2], table.resent[3]], [QUEUED, QUEUED, 1, 1]);
    assert.deepEqual([table.state[0], table.state[1], table.openStreams], [OPEN, OPEN, 2]);
    assert.deepEqual(told, ['resent 2']);
  });

  it('keeps the order they were sent in, whatever slots they hold', () => {
    const { table, report } = rig(2);
    // On a new socket slot 1 opens first (stream 1), slot 0 after it (stream 3).
    table.requeue(0);
    table.requeue(1);
    table.queue.unshift(0);
    table.queue.unshift(1);
    table.newSocket();
    table.openQueued(2, 3, 65_535);
    table.queue.dropFront(2);
    table.resent.fill(0);
    requeue(table, report, [0, 1], 4);
    assert.deepEqual(queued(table), [1, 0]);
  });

  it('a stream sent again already fails the second time, timed and told with its row before the failure', () => {
    const { table, report, told } = rig(2);
    requeueAbove(table, report, 0, 5);
    table.openQueued(2, 6, 65_535);
    table.queue.dropFront(2);
    told.length = 0;
    requeueAbove(table, report, 0, 8);
    assert.deepEqual(told, [
      'failedRead row 10 at 8',
      'rowFailed 10',
      'failedRead row 11 at 8',
      'rowFailed 11',
      `failure receive 2 UNANSWERED: ${UNANSWERED}`,
    ]);
    assert.deepEqual([table.inflight, table.queue.length], [0, 0]);
  });

  it('of several, those not sent before go again and those sent before fail: the re-send is told first', () => {
    const { table, report, told } = rig(2);
    table.resent[1] = 1;
    requeue(table, report, [0, 1], 3);
    assert.deepEqual(told, ['failedRead row 11 at 3', 'rowFailed 11', 'resent 1', `failure receive 1 UNANSWERED: ${UNANSWERED}`]);
    assert.deepEqual(queued(table), [0]);
  });

  it('a clean close sends again the open streams with no frame of their answer; the others fail, for the caller to report', () => {
    const { table, report, told } = rig(3);
    table.firstFrameMs[1] = 3; // its answer had begun
    const lost = requeueUnanswered(table, report, true, 7);
    assert.equal(lost, 1);
    assert.deepEqual(told, ['failedRead row 11 at 7', 'rowFailed 11', 'resent 2']);
    assert.deepEqual(queued(table), [0, 2]);
  });

  it('a close that is not clean (an error, or after a GOAWAY) fails every open stream', () => {
    const { table, report, told } = rig(2);
    assert.equal(requeueUnanswered(table, report, false, 7), 2);
    assert.deepEqual(told, ['failedRead row 10 at 7', 'rowFailed 10', 'failedRead row 11 at 7', 'rowFailed 11']);
    assert.deepEqual([table.inflight, table.queue.length], [0, 0]);
  });
});
