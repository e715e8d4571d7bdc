// Tests for the built-in target server and the `gb serve` command, over real loopback sockets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { startTargetServer } from '../../src/server/target.js';
import type { TargetServer } from '../../src/server/target.js';
import { serveCommand } from '../../src/cli/serve.js';
import { runArgs } from '../helpers/summaries.js';
import { requireTool } from '../helpers/tools.js';
import { withTarget } from '../helpers/target.js';

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | readonly Buffer[];
  readonly agent?: Agent;
}

function send(url: string, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const body = options.body;
    if (Buffer.isBuffer(body)) req.end(body);
    else if (body !== undefined) {
      for (const part of body) req.write(part);
      req.end();
    } else req.end();
  });
}

/** Writes raw request bytes and collects everything the server sends until it closes the connection. */
function rawExchange(port: number, requestText: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.write(requestText);
  });
}

/** Opens a raw socket and resolves once it is connected. */
function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function readUntil(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('latin1');
      if (seen.includes(text)) {
        socket.off('data', onData);
        resolve(seen);
      }
    };
    socket.on('data', onData);
  });
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

function splitHead(raw: Buffer): { head: string; body: Buffer } {
  const end = raw.indexOf('\r\n\r\n');
  assert.ok(end > 0, 'response has a header block');
  return { head: raw.subarray(0, end).toString('latin1'), body: raw.subarray(end + 4) };
}

/** Decodes chunked framing strictly; returns each chunk so tests can see the framing was real. */
function decodeChunked(body: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    assert.ok(lineEnd > at, `chunk-size line at offset ${at}`);
    const sizeText = body.subarray(at, lineEnd).toString('latin1');
    assert.match(sizeText, /^[0-9a-f]+$/i);
    const size = parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) {
      assert.equal(body.subarray(at).toString('latin1'), '\r\n', 'last-chunk then empty trailer ends the body');
      return chunks;
    }
    chunks.push(body.subarray(at, at + size));
    assert.equal(body.subarray(at + size, at + size + 2).toString('latin1'), '\r\n');
    at += size + 2;
  }
}

function countResources(kind: string): number {
  return process.getActiveResourcesInfo().filter((name) => name === kind).length;
}

/** Lets I/O callbacks run without adding a timer of our own (which would skew Timeout counts). */
async function until(condition: () => boolean, maxTurns = 20_000): Promise<void> {
  for (let turn = 0; turn < maxTurns && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(condition(), 'condition reached');
}

async function withServer(body: (server: TargetServer) => Promise<void> | void): Promise<void> {
  await withTarget(async (server) => {
    await body(server);
  });
}

test('listens on 127.0.0.1 with a free port and reports its url', async () => {
  await withServer((server) => {
    assert.equal(server.host, '127.0.0.1');
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  });
});

test('/ answers 200 text/plain "Hello, World!" with Content-Length and Server headers', async () => {
  await withServer(async (server) => {
    for (const method of ['GET', 'POST', 'PUT']) {
      const reply = await send(`${server.url}/`, { method });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['content-type'], 'text/plain');
      assert.equal(reply.headers['content-length'], '13');
      assert.equal(reply.headers['server'], 'gb-target');
      assert.equal(reply.body.toString(), 'Hello, World!');
    }
  });
});

test('/bytes/N answers exactly N bytes of application/octet-stream, ignoring the query', async () => {
  await withServer(async (server) => {
    for (const sizeBytes of [0, 1, 4097, 1_048_576]) {
      const reply = await send(`${server.url}/bytes/${sizeBytes}?cache=${sizeBytes}`);
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['content-type'], 'application/octet-stream');
      assert.equal(reply.headers['content-length'], String(sizeBytes));
      assert.equal(reply.body.length, sizeBytes);
    }
    // A second request for a cached size gets the same answer.
    assert.equal((await send(`${server.url}/bytes/4097`)).body.length, 4097);
  });
});

test('/10k.dat answers 10240 bytes', async () => {
  await withServer(async (server) => {
    const reply = await send(`${server.url}/10k.dat`);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-length'], '10240');
    assert.equal(reply.body.length, 10240);
  });
});

test('/status/CODE answers that status with a short body, none for 204 and 304', async () => {
  await withServer(async (server) => {
    for (const code of [200, 201, 404, 418, 503, 599]) {
      const reply = await send(`${server.url}/status/${code}`);
      assert.equal(reply.status, code);
      assert.equal(reply.headers['server'], 'gb-target');
      assert.ok(reply.body.length > 0 && reply.body.length < 64);
      assert.equal(reply.headers['content-length'], String(reply.body.length));
      assert.ok(reply.body.toString().startsWith(String(code)));
    }
    const noContent = await send(`${server.url}/status/204`);
    assert.equal(noContent.status, 204);
    assert.equal(noContent.body.length, 0);
    assert.equal(noContent.headers['content-length'], undefined);
    const notModified = await send(`${server.url}/status/304`);
    assert.equal(notModified.status, 304);
    assert.equal(notModified.body.length, 0);
  });
});

test('bad numbers in a path answer 400, unknown paths 404', async () => {
  await withServer(async (server) => {
    const bad = [
      '/bytes/abc',
      '/bytes/',
      '/bytes/-1',
      '/bytes/1.5',
      '/bytes/104857601',
      '/delay/-1',
      '/delay/abc',
      '/delay/60001',
      '/status/100',
      '/status/199',
      '/status/99',
      '/status/600',
      '/status/x',
      '/chunked/abc',
    ];
    for (const path of bad) {
      const reply = await send(`${server.url}${path}`);
      assert.equal(reply.status, 400, path);
      assert.equal(reply.body.toString(), 'Bad Request');
    }
    for (const path of ['/nope', '/bytes', '/echo/x', '/10k.dat/']) {
      const reply = await send(`${server.url}${path}`);
      assert.equal(reply.status, 404, path);
      assert.equal(reply.body.toString(), 'Not Found');
      assert.equal(reply.headers['content-length'], '9');
    }
  });
});

test('HEAD answers the same headers and no body bytes on the wire', async () => {
  await withServer(async (server) => {
    // Pipeline HEAD then GET: if HEAD leaked a body, the second status line would not follow its header block.
    const raw = await rawExchange(
      server.port,
      'HEAD /bytes/1000 HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
    );
    const first = splitHead(raw);
    assert.match(first.head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(first.head, /\r\nContent-Length: 1000\r\n/i);
    assert.match(first.head, /\r\nServer: gb-target\r\n/i);
    const second = splitHead(first.body);
    assert.match(second.head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(second.body.toString(), 'Hello, World!');

    const viaClient = await send(`${server.url}/chunked/5000`, { method: 'HEAD' });
    assert.equal(viaClient.status, 200);
    assert.equal(viaClient.headers['transfer-encoding'], 'chunked');
    assert.equal(viaClient.body.length, 0);
  });
});

test('/chunked/N is sent with real chunked framing in several chunks', async () => {
  await withServer(async (server) => {
    const raw = await rawExchange(server.port, 'GET /chunked/10000 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    const { head, body } = splitHead(raw);
    assert.match(head, /\r\nTransfer-Encoding: chunked(\r\n|$)/i);
    assert.doesNotMatch(head, /Content-Length/i);
    const chunks = decodeChunked(body);
    assert.ok(chunks.length >= 3, `got ${chunks.length} chunks`);
    assert.equal(
      chunks.reduce((sum, chunk) => sum + chunk.length, 0),
      10000,
    );

    const empty = splitHead(await rawExchange(server.port, 'GET /chunked/0 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'));
    assert.deepEqual(decodeChunked(empty.body), []);

    const viaClient = await send(`${server.url}/chunked/70000`);
    assert.equal(viaClient.body.length, 70000);
  });
});

test('/chunked/N falls back to Content-Length for an HTTP/1.0 client', async () => {
  await withServer(async (server) => {
    const { head, body } = splitHead(await rawExchange(server.port, 'GET /chunked/5000 HTTP/1.0\r\n\r\n'));
    assert.match(head, /\r\nContent-Length: 5000(\r\n|$)/i);
    assert.doesNotMatch(head, /Transfer-Encoding/i);
    assert.equal(body.length, 5000);
  });
});

test('/echo returns a binary body byte for byte with the request Content-Type', async () => {
  await withServer(async (server) => {
    const payload = Buffer.alloc(70_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >> 8)) & 0xff;
    const reply = await send(`${server.url}/echo`, {
      method: 'POST',
      body: payload,
      headers: { 'Content-Type': 'application/x-gb-test' },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/x-gb-test');
    assert.equal(reply.headers['content-length'], String(payload.length));
    assert.ok(reply.body.equals(payload));
    assert.equal(server.stats().bodyBytesReceived, payload.length);
    assert.ok(server.stats().lastRequest?.body.equals(payload));
  });
});

test('/echo accepts a chunked request body and an empty one', async () => {
  await withServer(async (server) => {
    const parts = [Buffer.from([0, 1, 2, 255]), Buffer.from('\r\n0\r\n'), Buffer.alloc(5000, 0xfe)];
    const reply = await send(`${server.url}/echo`, { method: 'PUT', body: parts });
    assert.ok(reply.body.equals(Buffer.concat(parts)));
    assert.equal(reply.headers['content-type'], 'application/octet-stream');
    const lastHeaders = server.stats().lastRequest?.headers ?? [];
    assert.ok(lastHeaders.some(([name, value]) => name.toLowerCase() === 'transfer-encoding' && value === 'chunked'));

    const emptyReply = await send(`${server.url}/echo`, { method: 'POST', body: Buffer.alloc(0) });
    assert.equal(emptyReply.status, 200);
    assert.equal(emptyReply.body.length, 0);
    assert.equal(emptyReply.headers['content-length'], '0');
  });
});

test('/headers answers the raw request headers as [name, value] pairs', async () => {
  await withServer(async (server) => {
    const raw = await rawExchange(server.port, 'GET /headers HTTP/1.1\r\nHost: t\r\nX-Mixed-Case: a b\r\nConnection: close\r\n\r\n');
    const { head, body } = splitHead(raw);
    assert.match(head, /\r\nContent-Type: application\/json\r\n/i);
    assert.deepEqual(JSON.parse(body.toString()), [
      ['Host', 't'],
      ['X-Mixed-Case', 'a b'],
      ['Connection', 'close'],
    ]);
  });
});

test('stats count requests, paths, connections and body bytes exactly', async () => {
  await withServer(async (server) => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 3; i++) await send(`${server.url}/10k.dat?i=${i}`, { agent: keepAlive });
    } finally {
      keepAlive.destroy();
    }
    // agent: false means one connection per request.
    await send(`${server.url}/`, { method: 'POST', body: Buffer.alloc(1234, 1) });
    await send(`${server.url}/bytes/7`, { method: 'PUT', body: Buffer.alloc(66, 2) });
    const stats = server.stats();
    assert.equal(stats.requests, 5);
    assert.equal(stats.connections, 3);
    assert.deepEqual(stats.byPath, { '/10k.dat': 3, '/': 1, '/bytes/7': 1 });
    assert.equal(stats.bodyBytesReceived, 1300);

    // stats() is a snapshot: later traffic does not change it.
    await send(`${server.url}/`);
    assert.equal(stats.requests, 5);
    assert.equal(server.stats().requests, 6);

    server.resetStats();
    assert.deepEqual(server.stats(), {
      requests: 0,
      connections: 0,
      bodyBytesReceived: 0,
      byPath: {},
      lastRequest: null,
      api: { logins: 0, authorized: 0, unauthorized: 0 },
    });
    await send(`${server.url}/status/500`);
    assert.equal(server.stats().requests, 1);
    assert.deepEqual(server.stats().byPath, { '/status/500': 1 });
  });
});

test('stats count pipelined keep-alive requests on one raw connection', async () => {
  await withServer(async (server) => {
    const raw = await rawExchange(
      server.port,
      'GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /a?x HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
    );
    assert.equal(raw.toString('latin1').match(/HTTP\/1\.1 404/g)?.length, 3);
    const stats = server.stats();
    assert.equal(stats.connections, 1);
    assert.equal(stats.requests, 3);
    assert.deepEqual(stats.byPath, { '/a': 2, '/b': 1 });
  });
});

test('lastRequest holds method, url, raw headers in order and body', async () => {
  await withServer(async (server) => {
    assert.equal(server.stats().lastRequest, null);
    await rawExchange(
      server.port,
      'POST /status/201?q=1 HTTP/1.1\r\nHost: t\r\nX-One: 1\r\nx-two: two\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
    );
    assert.deepEqual(server.stats().lastRequest, {
      method: 'POST',
      url: '/status/201?q=1',
      headers: [
        ['Host', 't'],
        ['X-One', '1'],
        ['x-two', 'two'],
        ['Content-Length', '5'],
        ['Connection', 'close'],
      ],
      body: Buffer.from('hello'),
    });
    assert.equal(server.stats().bodyBytesReceived, 5);
  });
});

test('/delay/MS waits at least MS before answering', async () => {
  await withServer(async (server) => {
    const delayMs = 150;
    const startedMs = performance.now();
    const reply = await send(`${server.url}/delay/${delayMs}`);
    const elapsedMs = performance.now() - startedMs;
    assert.equal(reply.status, 200);
    assert.equal(reply.body.toString(), 'Hello, World!');
    // libuv's timer clock has 1 ms resolution, so allow that much rounding.
    assert.ok(elapsedMs >= delayMs - 1, `elapsed ${elapsedMs} ms`);
    assert.ok(elapsedMs < delayMs + 3000, `elapsed ${elapsedMs} ms`);
    assert.equal((await send(`${server.url}/delay/0`)).status, 200);
  });
});

test('a pending /delay timer is cleared when its client goes away', { timeout: 5000 }, async () => {
  await withServer(async (server) => {
    const baselineTimers = countResources('Timeout');
    const socket = await openSocket(server.port);
    socket.write('GET /delay/30000 HTTP/1.1\r\nHost: t\r\n\r\n');
    await until(() => server.stats().requests === 1);
    assert.equal(countResources('Timeout'), baselineTimers + 1);
    socket.destroy();
    await until(() => countResources('Timeout') === baselineTimers);
  });
});

test('close() ends keep-alive and pending connections and leaves no handles behind', { timeout: 5000 }, async () => {
  const baselineTimers = countResources('Timeout');
  const server = await startTargetServer();
  const idle = await openSocket(server.port);
  idle.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
  await readUntil(idle, 'Hello, World!');
  const pending = await openSocket(server.port);
  pending.write('GET /delay/30000 HTTP/1.1\r\nHost: t\r\n\r\n');
  const reading = await openSocket(server.port);
  reading.write('GET / HTTP/1.1\r\nHost: t\r\n'); // headers never finish
  await until(() => server.stats().requests === 2 && server.stats().connections === 3);

  await server.close();
  await server.close(); // idempotent
  await Promise.all([closed(idle), closed(pending), closed(reading)]);
  await until(() => countResources('TCPSocketWrap') === 0);
  assert.equal(countResources('TCPServerWrap'), 0);
  assert.equal(countResources('TCPSocketWrap'), 0);
  assert.equal(countResources('Timeout'), baselineTimers);
});

test('a second server can bind while the first one runs, and host is honoured', async () => {
  const first = await startTargetServer({ host: '127.0.0.1' });
  const second = await startTargetServer({ host: '127.0.0.1', port: 0 });
  try {
    assert.notEqual(first.port, second.port);
    await assert.rejects(startTargetServer({ port: first.port }), /EADDRINUSE/);
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
});

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

test('serveCommand serves until aborted, then reports the request count and returns 0', { timeout: 5000 }, async () => {
  const out = new Collector();
  const err = new Collector();
  const controller = new AbortController();
  const exit = serveCommand(['--port', '0', '--host', '127.0.0.1'], out, err, controller.signal);
  await until(() => out.text.includes('\n'));
  const match =
    /^gb target listening on (http:\/\/127\.0\.0\.1:\d+) \(routes: \/ \/bytes\/N \/10k\.dat \/delay\/MS \/status\/CODE \/echo \/chunked\/N \/headers \/login \/api\/items\/ID\)\n$/.exec(
      out.text,
    );
  assert.ok(match, out.text);
  const reply = await send(`${match[1]}/`);
  assert.equal(reply.body.toString(), 'Hello, World!');
  controller.abort();
  assert.equal(await exit, 0);
  assert.equal(err.text, '');
  const lines = out.text.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1] ?? '', /\b1 request\b/);
});

test('serveCommand rejects a bad port or unknown option with one "gb: " line and exit 2', async () => {
  for (const args of [['--port', 'abc'], ['--port', '70000'], ['--port', '-1'], ['--bogus'], ['extra']]) {
    const out = new Collector();
    const err = new Collector();
    const code = await serveCommand(args, out, err, new AbortController().signal);
    assert.equal(code, 2, args.join(' '));
    assert.equal(out.text, '');
    assert.match(err.text, /^gb: [^\n]+\n$/, args.join(' '));
  }
});

test(
  'serveCommand --http2 [--tls]: the routes over h2c and h2 (self-signed), counted; --tls alone is exit 2',
  { timeout: 30_000, skip: requireTool('openssl') },
  async () => {
    for (const [args, scheme, words] of [
      [['--http2'], 'http', 'HTTP/2, h2c'],
      [['--http2', '--tls'], 'https', 'HTTP/2 over TLS, self-signed'],
    ] as const) {
      const out = new Collector();
      const err = new Collector();
      const controller = new AbortController();
      const exit = serveCommand(['--port', '0', ...args], out, err, controller.signal);
      await until(() => out.text.includes('\n') || err.text !== '');
      const match = new RegExp(`^gb target listening on (${scheme}://127\\.0\\.0\\.1:\\d+) \\(${words.replace(/[()/.]/g, '\\$&')}`).exec(
        out.text,
      );
      assert.ok(match, out.text + err.text);
      const s = await runArgs(['-q', '--http2', '-c', '2', '--streams', '3', '-n', '30', `${match[1]}/10k.dat`]);
      assert.equal(s.responses, 30);
      assert.equal(s.failed, 0);
      assert.equal(s.protocol, scheme === 'https' ? 'h2' : 'h2c');
      assert.equal(s.bytes.body, 30 * 10240);
      controller.abort();
      assert.equal(await exit, 0);
      assert.match(out.text, /stopped after serving 30 requests/);
    }
    const err = new Collector();
    assert.equal(await serveCommand(['--tls'], new Collector(), err, new AbortController().signal), 2);
    assert.match(err.text, /^gb: serve --tls needs --http2/);
  },
);
