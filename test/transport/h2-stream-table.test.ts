// The HTTP/2 stream table alone: its two resets (start() for a request, open() for a stream) leave no field
// of a slot as an earlier stream left it, whatever fields it grows; and each slot's life keeps the counts,
// the queue and the stream-id index in step.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { H2RequestSource } from '../../src/transport/exchange.js';
import { encodeHeaderBlock, h2Frames, type H2Frames } from '../../src/transport/h2-request.js';
import { FREE, OPEN, QUEUED, StreamTable } from '../../src/transport/h2-stream-table.js';

const GET = h2Frames(
  encodeHeaderBlock([
    [':method', 'GET'],
    [':path', '/'],
    [':scheme', 'http'],
    [':authority', 'x'],
  ]),
  null,
);
const POST = h2Frames(
  encodeHeaderBlock([
    [':method', 'POST'],
    [':path', '/p'],
    [':scheme', 'http'],
    [':authority', 'x'],
  ]),
  Buffer.from('body'),
);
/** Kept across a slot's streams on purpose: a buffer, allocated once, not a value of the stream. */
const KEPT = new Set(['bodies']);

type Row = ArrayLike<unknown> & { [index: number]: unknown };

/** Every per-slot array of the table, by field name: whatever fields it has, these are all of them. */
function slotFields(table: StreamTable): Map<string, Row> {
  const fields = new Map<string, Row>();
  for (const [name, value] of Object.entries(table)) {
    if (ArrayBuffer.isView(value) || Array.isArray(value)) fields.set(name, value as Row);
  }
  return fields;
}

/** Writes a value into slot `i` of every field that no reset would write by chance. */
function scribble(table: StreamTable, i: number): void {
  for (const [name, field] of slotFields(table)) {
    if (name === 'requests') field[i] = POST;
    else if (Array.isArray(field)) field[i] = 'left by an earlier stream';
    else field[i] = 7;
  }
}

describe('StreamTable', () => {
  it('has its per-stream fields as public arrays, one element a slot', () => {
    const table = new StreamTable(3, GET);
    const fields = slotFields(table);
    // Fewer would mean fields moved out of sight (a private field is not enumerable), and the reset test below proved nothing.
    assert.ok(fields.size >= 20, `${fields.size} per-slot fields: ${[...fields.keys()].join(', ')}`);
    for (const [name, field] of fields) assert.equal(field.length, 3, name);
  });

  it('start() then open() leave every field of a slot as in a table never used, whatever an earlier stream left there', () => {
    const fresh = new StreamTable(2, GET);
    const used = new StreamTable(2, GET);
    scribble(used, 0);
    const body = new Uint8Array(4);
    used.bodies[0] = body;
    for (const table of [fresh, used]) {
      assert.equal(table.start(10, 11, GET, 0), 0);
      table.openQueued(1, 12, 65_535);
      table.queue.dropFront(1);
    }
    const usedFields = slotFields(used);
    for (const [name, field] of slotFields(fresh)) {
      if (KEPT.has(name)) continue;
      assert.deepEqual(usedFields.get(name)![0], field[0], `${name}: a field neither start() nor open() resets`);
    }
    assert.equal(used.bodies[0], body, 'the body buffer is kept for the slot’s next stream');
    assert.equal(used.state[0], OPEN);
    assert.equal(used.streamId[0], 1);
    assert.equal(used.byStream.get(1), 0);
  });

  it('a stream queued again keeps its request and start, is marked re-sent, and open() starts its stream over', () => {
    const table = new StreamTable(2, GET);
    const i = table.start(5, 6, POST, 3);
    table.connectUs[i] = 1_500;
    table.tcpUs[i] = 900;
    table.tlsUs[i] = 600;
    table.openQueued(1, 7, 100);
    table.queue.dropFront(1);
    table.status[i] = 200;
    table.firstFrameMs[i] = 8;
    table.bodySent[i] = 4;
    table.requeue(i);
    assert.equal(table.state[i], QUEUED);
    assert.equal(table.openStreams, 0);
    assert.equal(table.byStream.get(1), -1);
    assert.deepEqual([table.resent[i], table.connectUs[i], table.tcpUs[i], table.tlsUs[i]], [1, 0, -1, -1]);
    table.queue.unshift(i);
    table.newSocket();
    table.openQueued(1, 20, 50);
    assert.deepEqual(
      [table.requests[i], table.rows[i], table.startMs[i], table.sentMs[i], table.resent[i]],
      [POST, 3, 5, 6, 1],
      'the request is the same request, sent again',
    );
    assert.deepEqual(
      [
        table.streamId[i],
        table.writtenMs[i],
        table.status[i],
        table.firstFrameMs[i],
        table.bodySent[i],
        table.streamWindow[i],
        table.sentEndMs[i],
      ],
      [1, 20, 0, 0, 0, 50, Number.POSITIVE_INFINITY],
      'its stream starts over on the new socket (a body still to send: not sent yet)',
    );
  });

  it('keeps the free, in-flight and open counts, the queue and the id index in step through each slot’s life', () => {
    const table = new StreamTable(4, GET);
    assert.deepEqual([table.free, table.inflight, table.openStreams], [4, 0, 0]);
    const slots = [table.start(1, 1, GET, 0), table.start(1, 1, GET, 0), table.start(1, 1, GET, 0)];
    assert.deepEqual([table.free, table.inflight, table.openStreams, table.queue.length], [1, 3, 0, 3]);
    table.openQueued(2, 2, 10);
    table.queue.dropFront(2);
    assert.deepEqual([table.streamId[slots[0]!], table.streamId[slots[1]!]], [1, 3], 'a client’s stream ids: odd, rising');
    assert.deepEqual([table.byStream.get(1), table.byStream.get(3)], [slots[0], slots[1]]);
    assert.deepEqual([table.free, table.inflight, table.openStreams, table.queue.length], [1, 3, 2, 1]);
    table.close(slots[0]!);
    assert.equal(table.byStream.get(1), -1);
    assert.equal(table.state[slots[0]!], FREE);
    table.close(slots[2]!); // still queued
    assert.deepEqual([table.free, table.inflight, table.openStreams, table.queue.length], [3, 1, 1, 0]);
    table.closeAll();
    assert.deepEqual([table.free, table.inflight, table.openStreams, table.queue.length], [4, 0, 0, 0]);
    for (let i = 0; i < 4; i++) assert.equal(table.state[i], FREE);
  });

  it('hands the newest queued requests back to their source in their order, and frees their slots', () => {
    const table = new StreamTable(4, GET);
    const frames = [GET, POST, GET];
    frames.forEach((f, row) => table.start(1, 1, f, row));
    const back: [H2Frames, number][] = [];
    const source: H2RequestSource = { row: 0, nextH2: () => GET, giveBackH2: (f, row) => back.push([f, row]) };
    table.withdraw(2, source);
    assert.deepEqual(back, [
      [POST, 1],
      [GET, 2],
    ]);
    assert.deepEqual([table.free, table.inflight, table.queue.length], [3, 1, 1]);
    table.withdraw(1, null);
    assert.deepEqual([table.free, table.inflight, table.queue.length], [4, 0, 0]);
  });

  it('counts the stream ids a socket has left, and starts them again on a new socket', () => {
    const table = new StreamTable(2, GET);
    assert.equal(table.idsLeft, 2 ** 30);
    table.start(1, 1, GET, 0);
    table.start(1, 1, GET, 0);
    table.openQueued(2, 1, 10);
    assert.equal(table.idsLeft, 2 ** 30 - 2);
    table.newSocket();
    assert.equal(table.idsLeft, 2 ** 30);
  });

  it('marks open streams sent once the socket has taken their whole request, not those whose body waits', () => {
    const table = new StreamTable(2, GET);
    const get = table.start(1, 1, GET, 0);
    const post = table.start(1, 1, POST, 0);
    table.openQueued(2, 2, 10);
    table.sentEndMs[get] = Number.POSITIVE_INFINITY; // the socket held its HEADERS
    table.sent(5);
    assert.equal(table.sentEndMs[get], 5);
    assert.equal(table.sentEndMs[post], Number.POSITIVE_INFINITY, 'its body is not sent yet');
    table.bodySent[post] = 4;
    table.sent(6);
    assert.equal(table.sentEndMs[post], 6);
    assert.equal(table.sentEndMs[get], 5);
  });
});
