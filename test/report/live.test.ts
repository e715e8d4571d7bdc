// Tests the live progress line: it fits the terminal, shows the numbers and the bar, and LiveView redraws in place, throttled.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';

import { CLEAR_LINE, LiveView, progressFraction, renderBar, renderLiveLine, type LiveState } from '../../src/report/live.js';

/** What the engine knows; LiveView adds the width from the stream. */
const progress: Omit<LiveState, 'width'> = {
  done: 4500,
  total: 10_000,
  elapsedMs: 3200,
  durationMs: null,
  requestsPerSecond: 1406.4,
  errors: 3,
  p99Us: 12_345,
};
const base: LiveState = { ...progress, width: 100 };

/** A plain Writable that keeps what was written, with a terminal width like a tty stream has. */
class Collector extends Writable {
  readonly chunks: string[] = [];
  columns = 80;

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(String(chunk));
    callback();
  }
}

test('the line shows progress, rate, counts, errors, p99 and time', () => {
  const line = renderLiveLine(base);
  assert.match(line, /^\[=+> +\] /);
  for (const part of ['45%', '1406 req/s', '4500/10000', '3 err', 'p99 12.3ms', '0:03']) {
    assert.ok(line.includes(part), `${part} in ${JSON.stringify(line)}`);
  }
});

test("under a schedule the rate shows the target beside it, and the closed loop's does not", () => {
  assert.ok(renderLiveLine({ ...base, targetPerSecond: 1500.4 }).includes('1406/1500 req/s'));
  assert.ok(renderLiveLine({ ...base, targetPerSecond: null }).includes('  1406 req/s'));
});

test('the line never reaches the last column, at any width', () => {
  const states: LiveState[] = [
    base,
    { ...base, targetPerSecond: 1_000_000 },
    { ...base, total: null, durationMs: 30_000 },
    { ...base, total: null, durationMs: null, p99Us: null },
    { ...base, done: 123_456_789, total: 987_654_321, requestsPerSecond: 1_234_567, errors: 98_765, p99Us: 65_432_100 },
  ];
  for (const state of states) {
    for (let width = 0; width <= 140; width++) {
      const line = renderLiveLine({ ...state, width });
      assert.ok(line.length <= Math.max(0, width - 1), `width ${width}: ${JSON.stringify(line)} is ${line.length} long`);
      assert.ok(!line.includes('\n') && !line.includes('\r'));
    }
  }
});

test('narrow terminals drop the bar first, then the least useful numbers', () => {
  const wide = renderLiveLine({ ...base, width: 120 });
  const narrow = renderLiveLine({ ...base, width: 40 });
  const tiny = renderLiveLine({ ...base, width: 16 });
  assert.ok(wide.startsWith('['));
  assert.ok(!narrow.startsWith('['));
  assert.ok(narrow.startsWith('45%  1406 req/s'));
  assert.equal(tiny, '45%  1406 req/s');
});

test('progress is the larger of the request and time fractions, capped at 1', () => {
  assert.equal(progressFraction({ done: 250, total: 1000, elapsedMs: 0, durationMs: null }), 0.25);
  assert.equal(progressFraction({ done: 250, total: null, elapsedMs: 7500, durationMs: 10_000 }), 0.75);
  assert.equal(progressFraction({ done: 900, total: 1000, elapsedMs: 1000, durationMs: 10_000 }), 0.9);
  assert.equal(progressFraction({ done: 5, total: null, elapsedMs: 12_000, durationMs: 10_000 }), 1);
  assert.equal(progressFraction({ done: 5, total: null, elapsedMs: 1, durationMs: null }), null);
  // A time-limited run shows the time, and the bar follows it.
  const line = renderLiveLine({ ...base, total: null, done: 777, elapsedMs: 15_000, durationMs: 60_000 });
  assert.ok(line.includes('25%') && line.includes('777 done') && line.includes('0:15/1:00'), line);
});

test('the bar fills cells in proportion, with a head while unfinished', () => {
  assert.equal(renderBar(0, 10), '[          ]');
  assert.equal(renderBar(0.5, 10), '[=====>    ]');
  assert.equal(renderBar(0.99, 10), '[=========>]');
  assert.equal(renderBar(1, 10), '[==========]');
  for (let i = 0; i <= 100; i++) assert.equal(renderBar(i / 100, 20).length, 22);
});

test('LiveView rewrites the line in place with \\r and clear-line, at most once per interval, and clear() erases it', () => {
  const out = new Collector();
  let nowMs = 0;
  const view = new LiveView(out, { now: () => nowMs });
  view.update({ ...progress, done: 1 });
  nowMs = 50;
  view.update({ ...progress, done: 2 }); // within 100 ms: skipped
  nowMs = 120;
  view.update({ ...progress, done: 3 });
  assert.equal(out.chunks.length, 2);
  for (const chunk of out.chunks) {
    assert.ok(chunk.startsWith(CLEAR_LINE), JSON.stringify(chunk));
    assert.ok(!chunk.includes('\n'));
    assert.ok(chunk.length - CLEAR_LINE.length <= out.columns - 1, 'uses the stream width');
  }
  assert.ok(out.chunks[0]?.includes('1/10000'));
  assert.ok(out.chunks[1]?.includes('3/10000'));
  view.update({ ...progress, done: 4 }, true); // forced: drawn although within the interval
  assert.equal(out.chunks.length, 3);
  view.writeAbove('Completed 100 requests\n');
  assert.equal(out.chunks[3], `${CLEAR_LINE}Completed 100 requests\n${out.chunks[2]?.slice(CLEAR_LINE.length)}`);
  view.clear();
  assert.equal(out.chunks.at(-1), CLEAR_LINE);
  const count = out.chunks.length;
  view.clear();
  view.writeAbove('after\n');
  assert.deepEqual(out.chunks.slice(count), ['after\n'], 'nothing to erase once cleared');
});

test('LiveView draws a full line on a terminal that reports 0 columns, or none, as if it were 80 wide', () => {
  for (const columns of [0, undefined]) {
    const out = new Collector();
    if (columns === undefined) Reflect.deleteProperty(out, 'columns');
    else out.columns = columns;
    const view = new LiveView(out, { now: () => 0 });
    view.update({ ...progress, done: 3 });
    const line = (out.chunks[0] ?? assert.fail(`columns ${String(columns)}: nothing drawn`)).slice(CLEAR_LINE.length);
    assert.ok(line.includes('3/10000') && line.includes('req/s'), `columns ${String(columns)}: ${JSON.stringify(line)}`);
    assert.ok(line.length <= 79, `columns ${String(columns)}: ${line.length} long`);
    assert.equal(line, renderLiveLine({ ...progress, done: 3, width: 80 }));
  }
});

test('LiveView.supports only interactive terminals', () => {
  assert.equal(LiveView.supports({ isTTY: true }, { TERM: 'xterm-256color' }), true);
  assert.equal(LiveView.supports({ isTTY: true }, { TERM: 'dumb' }), false);
  assert.equal(LiveView.supports({}, {}), false);
});
