// gb grpc's results on their own: messages counted whatever the DATA frames' split, statuses by name,
// shards merged (and refused when they are not of one method), old results read, the text and HTML lines.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrpcStats } from '../../src/metrics/grpc-stats.js';
import { mergeSummaries } from '../../src/metrics/merge.js';
import { parseSummaryJson } from '../../src/metrics/result-json.js';
import type { Summary } from '../../src/metrics/summary.js';
import { compareSummaries } from '../../src/metrics/compare.js';
import { renderComparison } from '../../src/report/compare-text.js';
import { renderGbExtras } from '../../src/report/gb-extras.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { countGrpcMessages, grpcCutShort } from '../../src/transport/grpc-messages.js';
import { encodeHeaderBlock, h2Frames } from '../../src/transport/h2-request.js';
import { StreamTable } from '../../src/transport/h2-stream-table.js';
import { summaryFixture } from '../helpers/summaries.js';

const REQUEST = h2Frames(encodeHeaderBlock([[':method', 'POST']]), null);

function framed(sizes: readonly number[]): Buffer {
  return Buffer.concat(
    sizes.map((n) => {
      const m = Buffer.alloc(5 + n, 7);
      m[0] = 0;
      m.writeUInt32BE(n, 1);
      return m;
    }),
  );
}

describe('counting length-prefixed messages', () => {
  it('counts each message once, for every way of cutting the body into DATA frames', () => {
    const body = framed([0, 1, 300, 4, 70_000, 0]);
    let seed = 1;
    const next = (): number => (seed = (seed * 48271) % 2147483647);
    for (let round = 0; round < 200; round++) {
      const table = new StreamTable(2, REQUEST);
      table.open(1, 1, 0, 65535);
      for (let at = 0; at < body.length;) {
        const piece = 1 + (next() % (round < 20 ? 3 : 20_000));
        countGrpcMessages(table, 1, body, at, Math.min(body.length, at + piece));
        at += piece;
      }
      assert.equal(table.grpcMessages[1], 6);
      assert.equal(grpcCutShort(table, 1), false);
    }
  });

  it('a body that ends inside a prefix or inside a message is cut short', () => {
    for (const cut of [2, 10, 20]) {
      const table = new StreamTable(1, REQUEST);
      table.open(0, 1, 0, 65535);
      countGrpcMessages(table, 0, framed([3, 40]), 0, cut);
      assert.equal(grpcCutShort(table, 0), true, `cut at ${cut}`);
    }
  });
});

describe('gRPC results', () => {
  it('names the statuses seen, a number outside the 17 codes by its digits', () => {
    const stats = new GrpcStats();
    for (const status of [0, 0, 14, 4, 42, -1]) stats.record(status, 2);
    assert.deepEqual(stats.byName(), { OK: 2, DEADLINE_EXCEEDED: 1, UNAVAILABLE: 1, '42': 1 });
    assert.equal(stats.failed, 3);
    assert.equal(stats.messagesReceived, 12);
  });

  const shard = (ok: number, unavailable: number): Summary =>
    summaryFixture({
      grpc: {
        method: 'a.B/C',
        kind: 'unary',
        statuses: { OK: ok, UNAVAILABLE: unavailable },
        messagesSent: ok + unavailable,
        messagesReceived: ok,
      },
      failures: { connect: 0, receive: 0, length: 0, exceptions: 0, script: 0, grpc: unavailable },
    });

  it('gb merge adds the shards of one method, and refuses other methods and HTTP results', () => {
    const merged = mergeSummaries([shard(10, 1), shard(5, 2)]);
    assert.ok(merged.ok, merged.ok ? '' : merged.error);
    assert.deepEqual(merged.value.grpc, {
      method: 'a.B/C',
      kind: 'unary',
      statuses: { OK: 15, UNAVAILABLE: 3 },
      messagesSent: 18,
      messagesReceived: 15,
    });
    assert.equal(merged.value.failures.grpc, 3);
    const other = summaryFixture({ grpc: { ...shard(1, 0).grpc!, method: 'a.B/D' } });
    const mixed = mergeSummaries([shard(1, 0), other]);
    assert.ok(!mixed.ok && /different methods/.test(mixed.error));
    const http = mergeSummaries([shard(1, 0), summaryFixture()]);
    assert.ok(!http.ok && /gRPC result with an HTTP one/.test(http.error));
  });

  it('reads a result of a gb without gb grpc as an HTTP run: grpc null, no gRPC failures', () => {
    const json = JSON.parse(renderJson(summaryFixture())) as Record<string, unknown>;
    delete json['grpc'];
    delete (json['failures'] as Record<string, unknown>)['grpc'];
    const parsed = parseSummaryJson(JSON.stringify(json));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.equal(parsed.value.grpc, null);
    assert.equal(parsed.value.failures.grpc, 0);
  });

  it('a gRPC result round-trips through JSON and the schema', () => {
    const parsed = parseSummaryJson(renderJson(shard(9, 1)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.deepEqual(parsed.value.grpc, shard(9, 1).grpc);
  });

  it('prints the method, statuses, failures and messages in text, and a gRPC section in HTML', () => {
    const text = renderGbExtras(shard(9, 1));
    assert.match(text, /gRPC method: +a\.B\/C \(unary\)/);
    assert.match(text, /gRPC statuses: +OK ×9, UNAVAILABLE ×1/);
    assert.match(text, /gRPC failures: +1 calls answered with a status other than OK/);
    assert.match(text, /gRPC messages: +10 sent, 9 received/);
    assert.doesNotMatch(renderGbExtras(summaryFixture()), /gRPC/);
    const html = renderHtml(shard(9, 1));
    assert.match(html, /<h2>gRPC<\/h2>/);
    assert.match(html, /<td>UNAVAILABLE<\/td><td>1<\/td><td>10\.00 %<\/td>/);
    assert.doesNotMatch(renderHtml(summaryFixture()), /<h2>gRPC<\/h2>/);
  });

  it('gb compare puts the statuses side by side, as shares of the answered calls, and says when one run is not gRPC', () => {
    const a = shard(90, 10);
    const b = shard(99, 1);
    const text = renderComparison(a, b, compareSummaries(a, b), { a: 'a.json', b: 'b.json' });
    assert.match(text, /gRPC statuses \(share of the answered calls\):/);
    assert.match(text, /OK +90\.00 % +99\.00 % +\+9\.00 pt/);
    assert.match(text, /UNAVAILABLE +10\.00 % +1\.00 % +-9\.00 pt/);
    const http = summaryFixture();
    assert.match(renderComparison(a, http, compareSummaries(a, http), { a: 'a', b: 'b' }), /only A is a gRPC run/);
    assert.doesNotMatch(renderComparison(http, http, compareSummaries(http, http), { a: 'a', b: 'b' }), /gRPC/);
  });
});
