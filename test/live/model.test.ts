// The live model's request table: cells by endpoint × status class × result, merged across threads by name, capped to a bounded set.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  capEndpoints,
  completedRequests,
  OTHER_ENDPOINT,
  requestSlot,
  RequestTable,
  STATUS_CLASSES,
  statusClassIndex,
} from '../../src/live/model.js';

describe('RequestTable', () => {
  it('puts a status in its class (none for a read that failed before one), and a failed request apart', () => {
    assert.deepEqual(
      [-1, 0, 99, 100, 204, 399, 404, 503, 999, 1000].map((s) => STATUS_CLASSES[statusClassIndex(s)]),
      ['none', 'none', 'none', '1xx', '2xx', '3xx', '4xx', '5xx', '9xx', 'none'],
    );
    const t = new RequestTable(['a', 'b']);
    t.record(1, 200, false);
    t.record(1, 200, true);
    t.record(0, -1, true);
    const s = t.snapshot();
    assert.equal(s.counts[requestSlot(1, 2, false)], 1);
    assert.equal(s.counts[requestSlot(1, 2, true)], 1);
    assert.equal(s.counts[requestSlot(0, 0, true)], 1);
    assert.equal(completedRequests(s), 3);
  });

  it("grows for rows a script opens later, and adds another thread's table by endpoint name", () => {
    const main = new RequestTable(['a']);
    main.record(0, 200, false);
    const worker = new RequestTable(['b', 'a']);
    worker.record(0, 500, false);
    worker.record(1, 200, false);
    worker.name(2, 'c');
    worker.record(2, 302, false);
    main.add(worker.snapshot());
    const s = main.snapshot();
    assert.deepEqual(s.endpoints, ['a', 'b', 'c']);
    assert.equal(s.counts[requestSlot(0, 2, false)], 2);
    assert.equal(s.counts[requestSlot(1, 5, false)], 1);
    assert.equal(s.counts[requestSlot(2, 3, false)], 1);
    // A snapshot is a copy: recording on does not change it.
    main.record(0, 200, false);
    assert.equal(s.counts[requestSlot(0, 2, false)], 2);
  });

  it('caps to the first N endpoints, adding the rest and an existing "other" row into one "other" row', () => {
    const t = new RequestTable(['a', OTHER_ENDPOINT, 'b', 'c', 'd']);
    ['a', OTHER_ENDPOINT, 'b', 'c', 'd'].forEach((_, row) => t.record(row, 200, row === 4));
    const capped = capEndpoints(t.snapshot(), 2);
    assert.deepEqual(capped.endpoints, ['a', 'b', OTHER_ENDPOINT]);
    assert.equal(capped.counts[requestSlot(2, 2, false)], 2);
    assert.equal(capped.counts[requestSlot(2, 2, true)], 1);
    assert.equal(completedRequests(capped), 5);
    assert.deepEqual(capEndpoints(t.snapshot(), 10).endpoints, ['a', 'b', 'c', 'd', OTHER_ENDPOINT]);
  });
});
