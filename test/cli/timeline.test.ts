// Tests --timeline: the per-second table after the report, with the schedule's target beside what was done.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTimelineText } from '../../src/report/timeline-text.js';
import { ranIn } from '../helpers/in-process.js';
import { withTarget } from '../helpers/target.js';

test('--timeline under --rate prints one row per second with the target due in it', async () => {
  await withTarget(async (server) => {
    const { code, out } = await ranIn(['-q', '-k', '-c', '4', '--rate', '300', '-n', '450', '--timeline', `${server.url}/`]);
    assert.equal(code, 0);
    const table = out.slice(out.indexOf('Timeline (per second):'));
    const lines = table.trim().split('\n');
    assert.match(lines[1] ?? '', /^second\s+target\s+responses\s+errors\s+non-2xx\s+p50 ms\s+p99 ms$/);
    // 450 requests at 300/s: 300 due in second 0, the other 150 in second 1.
    const targets = lines.slice(2).map((l) => Number(l.trim().split(/\s+/)[1]));
    assert.deepEqual(targets, [300, 150]);
    const responses = lines.slice(2).reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[2]), 0);
    assert.equal(responses, 450);
  });
});

test('a closed-loop timeline has no target, and a second without responses shows no latency', () => {
  const row = { scheduled: null, errors: 2, non2xx: 0, bytesReceived: 0, p50Us: 0, p90Us: 0, p99Us: 0, maxUs: 0 };
  const text = renderTimelineText({
    startEpochMs: 0,
    rows: [
      { ...row, second: 0, complete: 12, errors: 0, p50Us: 1500, p99Us: 25_000 },
      { ...row, second: 1, complete: 0 },
    ],
  });
  assert.deepEqual(
    text
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => l.trim().split(/\s+/)),
    [
      ['0', '-', '12', '0', '0', '1.50', '25.0'],
      ['1', '-', '0', '2', '0', '-', '-'],
    ],
  );
});
