// The bench's reading of Artillery's closing summary (bench/journeys.ts measures Artillery by it).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArtilleryReport } from '../../bench/tools.js';

const summary = (lines: readonly string[]): string =>
  ['http.requests: ........ 1', '--------------------------------', 'Summary report @ 12:17:30(+0000)', '-----', '', ...lines, ''].join(
    '\n',
  );

test('Artillery: requests, rate and no errors from a clean summary (the intermediate reports before it are ignored)', () => {
  const report = parseArtilleryReport(
    summary([
      'http.codes.200: ................................................................ 3000',
      'http.request_rate: ............................................................. 1366/sec',
      'http.requests: ................................................................. 3000',
      'vusers.failed: ................................................................. 0',
    ]),
  );
  assert.deepEqual(report, { requests: 3000, requestsPerSec: 1366, errors: 0 });
});

test('Artillery: non-2xx codes and errors.* counts (a failed capture among them) are errors', () => {
  const report = parseArtilleryReport(
    summary([
      'errors.ECONNRESET: ..... 2',
      'errors.Failed capture or match: ..... 3',
      'http.codes.200: ..... 10',
      'http.codes.401: ..... 4',
      'http.requests: ..... 16',
    ]),
  );
  assert.deepEqual(report, { requests: 16, requestsPerSec: null, errors: 9 });
});

test('Artillery: no summary, nothing read', () => {
  assert.deepEqual(parseArtilleryReport('Error: connect ECONNREFUSED\n'), { requests: null, requestsPerSec: null, errors: null });
});
