// Engine and Connection on a fake clock and fake sockets: how many requests a pipelined connection
// holds under a rate schedule, and how every exchange is timed. The clock is exact, so the timings are too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { C } from '../../src/metrics/recorder.js';
import { runFake, useFakeTimers } from '../helpers/fake-network.js';

useFakeTimers();

test('rate mode never puts more than --pipeline requests on a connection, and times each from its own write', async () => {
  // 2 × 4 slots answered 2 ms after arrival carry up to 4000/s, but each socket event costs the client
  // 1 ms: the schedule of 2000/s falls behind between the pacer's turns. A response then finds several
  // requests due and fills its connection while it still waits in the idle list; the pacer used to
  // take it from there and send on a full connection, overwriting the oldest request's start time.
  const { result, exchanges, net } = await runFake(['-k', '--pipeline', '4', '-c', '2', '--rate', '2000', '-t', '1'], {
    answerAfterMs: 2,
    eventCostMs: 1,
  });
  const complete = result.recorder.counters[C.complete]!;
  assert.ok(net.maxOutstanding <= 4, `${net.maxOutstanding} requests outstanding on one socket`);
  assert.equal(net.maxOutstanding, 4, 'the schedule kept a connection full');
  assert.ok(complete >= 300, `${complete} complete`);
  assert.equal(exchanges.length, complete);
  for (const e of exchanges) {
    // No answer leaves sooner than 2 ms after its request arrived, and arrival is the write on this clock.
    assert.ok(e.waitUs >= 2000, `waiting ${e.waitUs} µs`);
    assert.ok(e.totalUs >= e.waitUs, `total ${e.totalUs} µs below waiting ${e.waitUs} µs`);
  }
});

test('a closed loop with --pipeline keeps exactly --pipeline requests on each connection', async () => {
  const { result, exchanges, net } = await runFake(['-k', '--pipeline', '3', '-c', '2', '-n', '600'], { answerAfterMs: 2 });
  assert.equal(net.maxOutstanding, 3);
  assert.equal(result.recorder.counters[C.complete], 600);
  assert.equal(net.answered, 600);
  // Without event costs the clock is exact: every answer is 2 ms after its write.
  for (const e of exchanges) assert.equal(e.waitUs, 2000);
});

test('requests behind an announced close are sent again on a new connection, once each, and counted once', async () => {
  // Every 7th response on a socket closes it with up to 3 more pipelined behind it.
  const { result, net } = await runFake(['-k', '--pipeline', '4', '-c', '2', '-n', '500'], { answerAfterMs: 1, closeEvery: 7 });
  const c = result.recorder.counters;
  assert.equal(result.stopReason, 'requests');
  assert.equal(c[C.issued], 500);
  assert.equal(c[C.complete], 500);
  assert.equal(c[C.failConnect]! + c[C.failReceive]! + c[C.failExceptions]!, 0, 'no failures');
  assert.equal(net.answered, 500, 'the server answered each request once');
  assert.ok(c[C.resent]! >= 100, `${c[C.resent]} re-sent`);
  assert.ok(net.connections >= 500 / 7, `${net.connections} connections`);
});
