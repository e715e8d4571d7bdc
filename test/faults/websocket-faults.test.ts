// WebSocket servers that misbehave, by hand on node:net: each failure lands in its class with its code, and a reply split anywhere still completes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Summary } from '../../src/metrics/summary.js';
import { ranIn } from '../helpers/in-process.js';
import { listenLoopback } from '../helpers/loopback.js';
import { frame, startRawWsServer, switching, type RawWsOptions } from '../helpers/raw-ws-server.js';

const T = { timeout: 30_000 };

/** Runs gb -q -r ARGS URL --json - against a raw server that behaves as `options` say; returns the summary and the server. */
async function against(
  options: RawWsOptions,
  args: readonly string[],
): Promise<{ s: Summary; handshakes: number; messages: number; request: string }> {
  const server = await startRawWsServer(options);
  try {
    const ran = await ranIn(['-q', '-r', '-s', '5', ...args, '--json', '-', server.url]);
    assert.ok(ran.code === 0 || ran.code === 1, ran.err);
    return {
      s: JSON.parse(ran.out) as Summary,
      handshakes: server.handshakes(),
      messages: server.messages(),
      request: server.firstRequest(),
    };
  } finally {
    await server.close();
  }
}

describe('WebSocket handshake failures are Connect failures with their codes', () => {
  for (const [what, answer, code] of [
    [
      'a wrong Sec-WebSocket-Accept',
      (key: string) => switching(key).replace(/Accept: [^\r]*/, 'Accept: bm90IHRoZSByaWdodCBrZXk='),
      'WS_BAD_ACCEPT',
    ],
    ['no Sec-WebSocket-Accept', (key: string) => switching(key).replace(/Sec-WebSocket-Accept: [^\r]*\r\n/, ''), 'WS_BAD_ACCEPT'],
    ['a 404 instead of 101', () => 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n', 'WS_HANDSHAKE_STATUS'],
    ['a 101 without Upgrade: websocket', (key: string) => switching(key).replace('Upgrade: websocket\r\n', ''), 'WS_BAD_HANDSHAKE'],
    ['an answer that is not HTTP', () => 'SSH-2.0-OpenSSH\r\n\r\n', 'WS_BAD_HANDSHAKE'],
  ] as const) {
    it(`${what}: ${code}`, T, async () => {
      const { s, messages } = await against({ answer }, ['-c', '2', '-n', '6']);
      assert.equal(s.failures.connect, 6);
      assert.equal(s.completed, 0);
      assert.deepEqual(s.errorCodes, { [code]: 6 });
      assert.deepEqual(s.websocket?.connections, { opened: 0, failed: 6 });
      assert.equal(messages, 0, 'no message goes out before the handshake succeeded');
    });
  }

  it('a 404 names its status in the error', T, async () => {
    const { s } = await against({ answer: () => 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n' }, ['-n', '1']);
    assert.deepEqual(Object.keys(s.errors), ['WebSocket handshake answered 404 Not Found, not 101']);
  });

  it('a refused connection: ECONNREFUSED, counted as a connection that failed to open', T, async () => {
    const closed = await listenLoopback(() => {});
    const url = `ws://127.0.0.1:${closed.port}/`;
    await closed.close();
    const ran = await ranIn(['-q', '-r', '-n', '3', '--json', '-', url]);
    const s = JSON.parse(ran.out) as Summary;
    assert.deepEqual(s.errorCodes, { ECONNREFUSED: 3 });
    assert.equal(s.failures.connect, 3);
    assert.deepEqual(s.websocket?.connections, { opened: 0, failed: 3 });
  });

  it('sends the upgrade request RFC 6455 asks for, with the -H headers', T, async () => {
    const { s, request } = await against({}, ['-n', '1', '-H', 'Origin: http://example.test']);
    assert.equal(s.completed, 1);
    assert.match(request, /^GET \/ HTTP\/1\.1\r\n/);
    for (const line of [/\r\nHost: 127\.0\.0\.1:\d+/, /\r\nUpgrade: websocket/, /\r\nConnection: Upgrade/, /\r\nSec-WebSocket-Version: 13/])
      assert.match(request, line);
    assert.match(request, /\r\nSec-WebSocket-Key: [A-Za-z0-9+/]{22}==/);
    assert.match(request, /\r\nOrigin: http:\/\/example\.test/);
  });
});

describe('WebSocket frames from the server', () => {
  it('a reply split at every offset of its frame still completes each round trip', T, async () => {
    const message = 'x'.repeat(130);
    // 2 header bytes + 2 of extended length + 130: a split at each of its 134 inner offsets, then one whole.
    const length = 4 + message.length;
    const { s, messages } = await against(
      {
        reply: (index, payload) => {
          const bytes = frame(0x1, payload);
          const at = index % (length + 1);
          return at === 0 || at === length ? [bytes] : [bytes.subarray(0, at), bytes.subarray(at)];
        },
      },
      ['-c', '1', '-n', String(length + 1), '--message', message],
    );
    assert.equal(messages, length + 1);
    assert.equal(s.completed, length + 1);
    assert.equal(s.failed, 0);
    assert.deepEqual(s.websocket?.bytes, { sent: (length + 1) * 130, received: (length + 1) * 130 });
  });

  it('a reply fragmented in three frames with a ping between them is one message, and the ping is answered', T, async () => {
    const { s } = await against(
      {
        reply: (_index, payload) => [
          frame(0x1, payload.subarray(0, 3), false),
          frame(0x9, Buffer.from('hi')),
          frame(0x0, payload.subarray(3, 5), false),
          frame(0x0, payload.subarray(5), true),
        ],
      },
      ['-n', '5'],
    );
    assert.equal(s.completed, 5);
    assert.equal(s.failed, 0);
    assert.equal(s.websocket?.pingsAnswered, 5);
    assert.equal(s.websocket?.messages.received, 5);
  });

  for (const [what, reply, code, says] of [
    [
      'a frame over 16 MiB',
      () => [Buffer.from([0x82, 127, 0, 0, 0, 0, 0x01, 0x10, 0, 0])],
      'WS_FRAME_TOO_LARGE',
      /more than 16777216 bytes/,
    ],
    ['a masked frame', () => [Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61])], 'WS_PROTOCOL_ERROR', /masked a frame/],
    [
      'a close in the middle of a message',
      (_i: number, p: Buffer) => [frame(0x1, p).subarray(0, 6), 'destroy' as const],
      'WS_CLOSED',
      /in the middle of a message/,
    ],
    ['a Close frame with the message unanswered', () => [frame(0x8, Buffer.from([0x03, 0xf3]))], 'WS_CLOSED', /code 1011/],
  ] as const) {
    it(`${what}: a Receive failure, ${code}`, T, async () => {
      const { s } = await against({ reply }, ['-c', '1', '-n', '3']);
      assert.equal(s.failures.receive, 3, JSON.stringify(s.errors));
      assert.equal(s.completed, 3, 'ab counts a failed read as complete');
      assert.deepEqual(s.errorCodes, { [code]: 3 });
      assert.match(Object.keys(s.errors)[0] ?? '', says);
      assert.equal(s.websocket?.connections.opened, 3, 'each failure ends its connection: the next message opens another');
    });
  }

  it('a message nobody waits for (a server that pushes) is counted as received and answers no message', T, async () => {
    const { s, messages } = await against(
      { reply: (_i, payload) => [Buffer.concat([frame(0x1, payload), frame(0x1, Buffer.from('pushed'))])] },
      ['-c', '1', '-n', '5'],
    );
    assert.equal(messages, 5);
    assert.equal(s.completed, 5);
    assert.equal(s.failed, 0);
    // Every reply brings a push; the last one's is never read, as the run ends with the reply before it.
    assert.deepEqual(s.websocket?.messages, { sent: 5, received: 9 });
  });

  it('a server that never replies: each message times out after -s, a Receive failure', T, async () => {
    const { s, messages } = await against({ reply: () => [] }, ['-c', '2', '-n', '2', '-s', '1']);
    assert.equal(messages, 2);
    assert.deepEqual(s.errorCodes, { TIMEOUT: 2 });
    assert.equal(s.failures.receive, 2);
    assert.equal(s.timeouts, 2);
  });

  it('records the close code the server sent', T, async () => {
    const { s } = await against({ reply: () => [frame(0x8, Buffer.from([0x03, 0xf3]))] }, ['-c', '1', '-n', '2']);
    assert.deepEqual(s.websocket?.closeCodes, { 1011: 2 });
  });
});
