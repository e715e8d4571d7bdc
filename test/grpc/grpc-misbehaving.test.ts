// gb grpc against raw-socket HTTP/2 servers that answer gRPC badly or barely: a length prefix that lies, no
// trailers, trailers-only answers, a non-OK status, messages split across DATA frames, an HTTP error, a reset.
// Each call lands in exactly one bucket, and the request gb sent is read back off the wire.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Summary } from '../../src/metrics/summary.js';
import { F_END_HEADERS, F_END_STREAM, T_DATA, T_HEADERS, writeFrameHeader } from '../../src/transport/h2-frames.js';
import { encodeHeaderBlock } from '../../src/transport/h2-request.js';
import { HpackDecoder } from '../../src/transport/hpack-decoder.js';
import { runGb } from '../helpers/gb-process.js';
import { ECHO_PROTO, PROTO_INCLUDE } from '../helpers/grpc-server.js';
import { startH2RawServer, type H2Peer, type H2RawServer } from '../helpers/h2-raw-server.js';

const T = { timeout: 20_000 };
const CALLS = 20;

function headers(streamId: number, fields: [string, string][], endStream: boolean): Buffer {
  const block = encodeHeaderBlock(fields);
  const frame = Buffer.alloc(9 + block.length);
  writeFrameHeader(frame, 0, block.length, T_HEADERS, F_END_HEADERS | (endStream ? F_END_STREAM : 0), streamId);
  block.copy(frame, 9);
  return frame;
}

function data(streamId: number, bytes: Buffer, endStream = false): Buffer {
  const frame = Buffer.alloc(9 + bytes.length);
  writeFrameHeader(frame, 0, bytes.length, T_DATA, endStream ? F_END_STREAM : 0, streamId);
  bytes.copy(frame, 9);
  return frame;
}

/** A gRPC message of `n` bytes, length-prefixed; `claim` is the length the prefix says. */
function message(n: number, claim = n): Buffer {
  const out = Buffer.alloc(5 + n, 0x61);
  out[0] = 0;
  out.writeUInt32BE(claim, 1);
  return out;
}

const OK_HEADERS: [string, string][] = [
  [':status', '200'],
  ['content-type', 'application/grpc'],
];

async function grpcAgainst(
  onStream: (peer: H2Peer, id: number, index: number) => void,
  extra: readonly string[] = [],
): Promise<{ s: Summary; server: H2RawServer }> {
  const server = await startH2RawServer({ onStream });
  try {
    const args = ['grpc', server.url, '--proto', ECHO_PROTO, '--import-path', PROTO_INCLUDE, '--call', 'gbtest.Echo/Say'];
    const exit = await runGb([...args, '--json', '-', '-q', '-r', '-n', String(CALLS), '-c', '2', ...extra], { killAfterMs: 15_000 });
    assert.ok(exit.stdout.startsWith('{'), `gb printed no JSON: ${exit.stderr}`);
    return { s: JSON.parse(exit.stdout) as Summary, server };
  } finally {
    await server.close();
  }
}

function assertBuckets(s: Summary): void {
  assert.equal(s.issued, CALLS);
  assert.equal(s.completed, CALLS, 'every call was answered, one way or another');
  assert.equal(s.issued, s.responses + s.failures.connect + s.failures.receive + s.failures.exceptions + s.cutOff);
}

describe('gb grpc against misbehaving HTTP/2 servers', () => {
  it('a length prefix that promises more than the stream holds: a bad response (GRPC_CUT_SHORT)', T, async () => {
    const { s, server } = await grpcAgainst((peer, id) =>
      peer.send(headers(id, OK_HEADERS, false), data(id, message(3, 100)), headers(id, [['grpc-status', '0']], true)),
    );
    assertBuckets(s);
    assert.equal(server.seen.requests, CALLS);
    assert.equal(s.failures.exceptions, CALLS);
    assert.deepEqual(s.errorCodes, { GRPC_CUT_SHORT: CALLS });
    assert.equal(s.succeeded, 0);
  });

  it('no trailers (DATA ends the stream): a bad response (GRPC_NO_STATUS)', T, async () => {
    const { s } = await grpcAgainst((peer, id) => peer.send(headers(id, OK_HEADERS, false), data(id, message(4), true)));
    assertBuckets(s);
    assert.equal(s.failures.exceptions, CALLS);
    assert.deepEqual(s.errorCodes, { GRPC_NO_STATUS: CALLS });
  });

  it('trailers-only answers: every other one UNAVAILABLE with its grpc-message decoded, the rest OK with no message', T, async () => {
    const { s } = await grpcAgainst((peer, id, index) =>
      peer.send(
        headers(
          id,
          [
            ...OK_HEADERS,
            ['grpc-status', index % 2 === 0 ? '0' : '14'],
            ...(index % 2 === 0 ? [] : [['grpc-message', 'down%20now'] as [string, string]]),
          ],
          true,
        ),
      ),
    );
    assertBuckets(s);
    assert.deepEqual(s.grpc?.statuses, { OK: CALLS / 2, UNAVAILABLE: CALLS / 2 });
    assert.equal(s.failures.grpc, CALLS / 2);
    assert.equal(s.failed, CALLS / 2);
    assert.equal(s.succeeded, CALLS / 2);
    assert.equal(s.non2xx, 0);
    assert.deepEqual(s.errors, { 'GRPC_UNAVAILABLE: down now': CALLS / 2 });
    assert.equal(s.grpc?.messagesReceived, 0);
  });

  it('messages split across DATA frames and several in one frame: each counted once', T, async () => {
    // Three messages of 10 bytes (45 bytes in all) cut into frames of 7: prefixes and bodies straddle frames.
    const body = Buffer.concat([message(10), message(10), message(10), message(0)]);
    const { s } = await grpcAgainst((peer, id) => {
      const frames = [headers(id, OK_HEADERS, false)];
      for (let at = 0; at < body.length; at += 7) frames.push(data(id, body.subarray(at, at + 7)));
      frames.push(headers(id, [['grpc-status', '0']], true));
      peer.send(...frames);
    });
    assertBuckets(s);
    assert.equal(s.succeeded, CALLS);
    assert.equal(s.grpc?.messagesReceived, CALLS * 4);
    assert.equal(s.failures.length, 0, 'answers of any length are fine');
  });

  it('an HTTP status other than 200 without grpc-status is non-2xx, not a gRPC failure', T, async () => {
    const { s } = await grpcAgainst((peer, id) => peer.send(headers(id, [[':status', '503']], true)));
    assertBuckets(s);
    assert.equal(s.non2xx, CALLS);
    assert.equal(s.failures.grpc, 0);
    assert.deepEqual(s.grpc?.statuses, {});
  });

  it('RST_STREAM: Receive failures, as over HTTP', T, async () => {
    const { s } = await grpcAgainst((peer, id) => peer.reset(id, 0x2));
    assertBuckets(s);
    assert.equal(s.failures.receive, CALLS);
    assert.deepEqual(s.errorCodes, { RST_STREAM: CALLS });
  });

  it(
    'sends POST to the method path with gRPC headers, -H as metadata, --deadline as grpc-timeout, and the message once a call',
    T,
    async () => {
      const { s, server } = await grpcAgainst(
        (peer, id) => peer.send(headers(id, [...OK_HEADERS, ['grpc-status', '0']], true)),
        ['-H', 'x-tenant: blue', '--deadline', '1.5s', '--data', '{"text":"abc"}'],
      );
      assert.equal(s.succeeded, CALLS);
      const first = server.received.find((f) => f.type === T_HEADERS);
      assert.ok(first !== undefined);
      const decoder = new HpackDecoder();
      decoder.wantHead = true;
      assert.ok(decoder.decode(first.payload, 0, first.payload.length));
      for (const line of [
        ':method: POST',
        ':path: /gbtest.Echo/Say',
        'content-type: application/grpc',
        'te: trailers',
        'grpc-timeout: 1500m',
        'x-tenant: blue',
      ])
        assert.ok(decoder.head.includes(line), `${line} in ${decoder.head.join(' | ')}`);
      // {"text":"abc"}: field 1, length 3, "abc" — 5 bytes, with gRPC's 5-byte prefix.
      assert.equal(server.seen.dataBytes, CALLS * 10);
    },
  );
});
