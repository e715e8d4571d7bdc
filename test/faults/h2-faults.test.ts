// HTTP/2 servers that misbehave, made with raw sockets: each stream lands in exactly one bucket,
// and gb's counts match what the server saw.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  S_INITIAL_WINDOW_SIZE,
  S_MAX_CONCURRENT_STREAMS,
  goawayFrame,
  settingsFrame,
  writeFrameHeader,
} from '../../src/transport/h2-frames.js';
import { renderGbExtras } from '../../src/report/gb-extras.js';
import { startH2RawServer, type H2RawServer } from '../helpers/h2-raw-server.js';
import { ranIn } from '../helpers/in-process.js';
import { runArgs } from '../helpers/summaries.js';

const T = { timeout: 20_000 };
const INTERNAL_ERROR = 0x2;

async function withServer(server: H2RawServer, body: (server: H2RawServer) => Promise<void>): Promise<void> {
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** Every request issued is in exactly one bucket. */
function assertBuckets(s: Awaited<ReturnType<typeof runArgs>>): void {
  assert.equal(s.issued, s.responses + s.failures.connect + s.failures.receive + s.failures.exceptions + s.cutOff);
}

describe('--http2 against misbehaving servers', () => {
  it('RST_STREAM on every 3rd stream: those fail (Receive), the others succeed', T, async () =>
    withServer(
      await startH2RawServer({
        onStream: (peer, id, index) => (index % 3 === 2 ? peer.reset(id, INTERNAL_ERROR) : peer.respond(id)),
      }),
      async (server) => {
        const s = await runArgs(['-q', '-r', '--http2', '-c', '2', '--streams', '3', '-n', '30', `${server.url}/`]);
        assertBuckets(s);
        assert.equal(server.seen.requests, 30);
        assert.equal(s.issued, 30);
        assert.equal(s.responses, 20);
        assert.equal(s.failures.receive, 10);
        assert.deepEqual(s.errorCodes, { RST_STREAM: 10 });
        assert.deepEqual(Object.keys(s.errors), ['stream reset by the server (INTERNAL_ERROR)']);
        assert.equal(s.resent, 0);
      },
    ),
  );

  it('GOAWAY after 5 streams per connection: unprocessed streams go out again once, counted once', T, async () =>
    withServer(
      await startH2RawServer({
        onStream: (peer, id) => {
          if (peer.streams > 5) return; // above the GOAWAY's last stream: never processed
          peer.respond(id);
          if (peer.streams === 5) {
            peer.goaway(id, 0);
            peer.socket.end();
          }
        },
      }),
      async (server) => {
        const s = await runArgs(['-q', '--http2', '-c', '2', '--streams', '4', '-n', '40', `${server.url}/`]);
        assertBuckets(s);
        assert.equal(s.failed, 0, JSON.stringify(s.errors));
        assert.equal(s.responses, 40);
        assert.equal(server.seen.answered, 40, 'the server processed exactly -n streams');
        assert.ok(s.resent > 0, 'some streams crossed the GOAWAY');
        assert.equal(server.seen.requests, 40 + s.resent, 'each re-sent stream reached the server once more');
        assert.ok(server.seen.connections >= 8);
      },
    ),
  );

  it('frames after a GOAWAY in the same chunk belong to the old connection, not the next one', T, async () =>
    withServer(
      await startH2RawServer({
        onStream: (peer, id) => {
          if (peer.streams > 3) return;
          if (peer.streams < 3) {
            peer.respond(id);
            return;
          }
          // The last answer, the GOAWAY and a SETTINGS that would stall a connection (0 streams), in one write.
          const headers = Buffer.alloc(10);
          writeFrameHeader(headers, 0, 1, 0x1, 0x4, id);
          headers[9] = 0x88;
          const data = Buffer.alloc(11);
          writeFrameHeader(data, 0, 2, 0x0, 0x1, id);
          data.write('ok', 9);
          peer.socket.end(Buffer.concat([headers, data, goawayFrame(id, 0), settingsFrame([[S_MAX_CONCURRENT_STREAMS, 0]])]));
        },
      }),
      async (server) => {
        const s = await runArgs(['-q', '-r', '-s', '5', '--http2', '-c', '1', '--streams', '2', '-n', '12', `${server.url}/`]);
        assertBuckets(s);
        assert.equal(s.failed, 0, JSON.stringify(s.errors));
        assert.equal(s.responses, 12);
        assert.equal(server.seen.answered, 12 - server.seen.connections, 'three answers per connection, the last written raw');
      },
    ),
  );

  it('SETTINGS_MAX_CONCURRENT_STREAMS 1 caps --streams 5, and the report says so', T, async () =>
    withServer(
      await startH2RawServer({
        settings: [[S_MAX_CONCURRENT_STREAMS, 1]],
        onStream: (peer, id) => setTimeout(() => peer.respond(id), 2),
      }),
      async (server) => {
        const s = await runArgs(['-q', '--http2', '-c', '1', '--streams', '5', '-n', '20', `${server.url}/`]);
        assertBuckets(s);
        assert.equal(s.failed, 0, JSON.stringify(s.errors));
        assert.equal(s.responses, 20);
        assert.equal(server.seen.requests, 20);
        assert.equal(server.seen.maxOpen, 1, 'never more than one stream open');
        assert.equal(s.http2?.streamLimit, 1);
        assert.match(
          renderGbExtras(s),
          /Protocol: +h2c \(HTTP\/2 in clear text\), 5 streams per connection \(the server allowed 1: SETTINGS_MAX_CONCURRENT_STREAMS\)/,
        );
      },
    ),
  );

  it('a zero window that never opens: the body cannot go, each stream times out at -s and is reset', T, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-h2-body-'));
    const body = join(dir, 'body.txt');
    writeFileSync(body, 'twelve bytes');
    try {
      await withServer(await startH2RawServer({ settings: [[S_INITIAL_WINDOW_SIZE, 0]], onStream: () => {} }), async (server) => {
        const s = await runArgs(['-q', '-r', '--http2', '-s', '1', '-c', '1', '--streams', '2', '-n', '2', '-p', body, `${server.url}/`]);
        assertBuckets(s);
        assert.equal(server.seen.requests, 2);
        assert.equal(server.seen.dataBytes, 0, 'no byte of the body crossed a zero window');
        assert.equal(s.timeouts, 2);
        assert.equal(s.failures.receive, 2);
        assert.equal(s.responses, 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(server.seen.resets, 2, 'gb reset each stream it gave up on');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a garbage frame: the streams still open fail as bad responses, those answered before it succeed', T, async () =>
    withServer(
      await startH2RawServer({
        onStream: (peer) => {
          if (peer.streams < 5) return;
          peer.respond(1);
          peer.respond(3);
          const garbage = Buffer.alloc(9);
          writeFrameHeader(garbage, 0, 0x100000, 0, 0, 5);
          peer.socket.write(garbage);
        },
      }),
      async (server) => {
        const s = await runArgs(['-q', '-r', '--http2', '-c', '1', '--streams', '5', '-n', '5', `${server.url}/`]);
        assertBuckets(s);
        assert.equal(server.seen.requests, 5);
        assert.equal(s.responses, 2);
        assert.equal(s.failures.exceptions, 3);
        assert.deepEqual(s.errorCodes, { FRAME_SIZE_ERROR: 3 });
      },
    ),
  );

  it('a server that answers h2c with HTTP/1.1: every request is a Connect failure that says why', T, async () =>
    withServer(
      await startH2RawServer({
        onStream: () => assert.fail('no stream expected'),
        notHttp2: (socket) => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
      }),
      async (server) => {
        const s = await runArgs(['-q', '-r', '--http2', '-c', '1', '-n', '3', `${server.url}/`]);
        assertBuckets(s);
        assert.equal(server.seen.requests, 0, 'no request went out before the SETTINGS exchange');
        assert.equal(s.failures.connect, 3);
        assert.deepEqual(s.errorCodes, { NOT_HTTP2: 3 });
        assert.match(Object.keys(s.errors)[0]!, /answered in HTTP\/1\.1, not HTTP\/2/);
        const ran = await ranIn(['-q', '--http2', '-n', '1', `${server.url}/`]);
        assert.equal(ran.code, 1);
      },
    ),
  );
});

describe('--http2 bad usage', () => {
  for (const [args, message] of [
    [['--http2', '--pipeline', '4', '--streams', '3'], /^gb: --pipeline 4 and --streams 3 disagree/],
    [['--http2', '--streams', '0'], /^gb: invalid number of streams: --streams 0 \(must be at least 1\)/],
    [['--http2', '--http1.0'], /^gb: --http2 and --http1.0 cannot be used together/],
    [['--streams', '4'], /^gb: --streams 4 needs --http2/],
  ] as const) {
    it(`gb ${args.join(' ')}: one line, exit 2`, async () => {
      const ran = await ranIn([...args, 'http://127.0.0.1:9/']);
      assert.equal(ran.code, 2);
      assert.match(ran.err, message);
      assert.equal(ran.err.trim().split('\n').length, 1, ran.err);
      assert.equal(ran.out, '');
    });
  }
});
