// Why a scheduled request left late, on a fake clock: waiting for a connection the server held is the
// server's doing; leaving late beside a free connection is gb's (its timers ran late).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { C } from '../../src/metrics/recorder.js';
import { runFake, useFakeTimers } from '../helpers/fake-network.js';

useFakeTimers();

test('requests that wait for connections a slow server holds are late by the server, none by gb', async () => {
  // Two connections answered 50 ms after each request carry 40/s; the schedule asks 100/s.
  const { result } = await runFake(['-k', '-c', '2', '--rate', '100', '-t', '2'], { answerAfterMs: 50 });
  const c = result.recorder.counters;
  assert.ok(c[C.late]! > c[C.issued]! * 0.5, `${c[C.late]} of ${c[C.issued]} late`);
  assert.equal(c[C.lateServer], c[C.late], 'every late request waited for a connection');
});

test('requests that leave late beside idle connections are late by gb, none by the server', async () => {
  // A hundred connections answered in 1 ms carry far more than 1000/s, but each loop turn takes 25 ms,
  // so the pacer's timer fires up to 25 ms after a request's time while connections sit idle.
  const { result } = await runFake(['-k', '-c', '100', '--rate', '1000', '-t', '1'], { answerAfterMs: 1 }, 25);
  const c = result.recorder.counters;
  assert.ok(c[C.late]! > c[C.issued]! * 0.3, `${c[C.late]} of ${c[C.issued]} late`);
  assert.equal(c[C.lateServer], 0, 'no request waited for a connection');
});

test("a late timer is not gb's fault when no connection was free at the request's time", async () => {
  // One connection answered in 30 ms carries 33/s against 100/s asked. The 15 ms turns make every
  // timer late too, but from the first request on the one connection is busy whenever the next is due.
  const { result } = await runFake(['-k', '-c', '1', '--rate', '100', '-t', '2'], { answerAfterMs: 30 }, 15);
  const c = result.recorder.counters;
  assert.ok(c[C.late]! > c[C.issued]! * 0.5, `${c[C.late]} of ${c[C.issued]} late`);
  assert.equal(c[C.lateServer], c[C.late], 'each waited for the busy connection');
});
