// --http2 against HTTP/2 servers gb did not write: nginx (h2c and h2, counted in its access log) and node:http2.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeCertificate } from '../helpers/certificate.js';
import { ranIn } from '../helpers/in-process.js';
import { startNginx } from '../helpers/nginx.js';
import { runArgs } from '../helpers/summaries.js';
import { requireTool } from '../helpers/tools.js';

const skipNginx = requireTool('nginx');
const certificate = makeCertificate();
const skipTls = typeof certificate === 'string' ? certificate : false;

/** nginx's HTTP/2 lines in its access log (the protocol is the request line's last word). */
function http2Lines(dir: string): number {
  return readFileSync(join(dir, 'access.log'), 'latin1')
    .split('\n')
    .filter((line) => line.includes('" 200 ') && line.includes('HTTP/2.0"')).length;
}

describe('--http2 against nginx', { skip: skipNginx }, () => {
  for (const tls of [false, true]) {
    const name = tls ? 'h2 over TLS (ALPN)' : 'h2c with prior knowledge';
    it(
      `${name}: -c 10 --streams 10 -n 20000, 0 failures and exactly 20000 HTTP/2.0 log lines`,
      { timeout: 120_000, skip: tls ? skipTls : false },
      async (t) => {
        const dir = mkdtempSync(join(tmpdir(), 'gb-h2-'));
        let tlsLines = '';
        if (tls && typeof certificate !== 'string') {
          writeFileSync(join(dir, 'cert.pem'), certificate.cert);
          writeFileSync(join(dir, 'key.pem'), certificate.key);
          tlsLines = `ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem;`;
        }
        // nginx ends each connection after 1000 streams (keepalive_requests) with GOAWAY: those gb re-sends count once.
        const nginx = await startNginx(`${tlsLines} location = /hello.txt { return 200 "hello"; }`, '', { http2: true, tls });
        try {
          const s = await runArgs(['-q', '--http2', '-c', '10', '--streams', '10', '-n', '20000', `${nginx.url}/hello.txt`]);
          t.diagnostic(`${s.responses} responses, ${s.resent} re-sent, ${Math.round(s.responses / s.elapsedSeconds)} req/s`);
          assert.equal(s.protocol, tls ? 'h2' : 'h2c');
          assert.equal(s.failed, 0, JSON.stringify(s.errors));
          assert.equal(s.issued, 20_000);
          assert.equal(s.responses, 20_000);
          assert.equal(s.statusCodes['200'], 20_000);
          assert.equal(s.bytes.body, 100_000);
          assert.equal(s.settings.pipeline, 10);
          assert.ok(s.resent > 0, 'nginx sent GOAWAY after 1000 streams, leaving some unprocessed');
          assert.ok(
            s.http2 !== null && s.http2.headerBytes > 0 && s.http2.headerBytesDecoded > s.http2.headerBytes,
            JSON.stringify(s.http2),
          );
          assert.equal(await nginx.loggedRequests(), 20_000);
          assert.equal(http2Lines(nginx.dir), 20_000);
        } finally {
          await nginx.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  }
});

describe('--http2 against node:http2', () => {
  it('h2c: statuses, bodies and a Server header HPACK sends indexed and Huffman-coded', { timeout: 30_000 }, async () => {
    let seen = 0;
    let maxOpen = 0;
    let open = 0;
    const server = http2.createServer();
    server.on('stream', (stream, headers) => {
      seen++;
      open++;
      maxOpen = Math.max(maxOpen, open);
      stream.on('close', () => open--);
      const missing = headers[':path'] === '/missing';
      // A long custom header repeated on every response makes nghttp2's encoder index it.
      stream.respond({ ':status': missing ? 404 : 200, server: 'node-h2-test', 'x-filler': 'z'.repeat(200) });
      stream.end('0123456789');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const s = await runArgs(['-q', '--http2', '-c', '3', '--streams', '4', '-n', '600', `http://127.0.0.1:${port}/ok`]);
      assert.equal(s.failed, 0, JSON.stringify(s.errors));
      assert.equal(s.responses, 600);
      assert.equal(seen, 600);
      assert.ok(maxOpen <= 12, `at most -c × --streams open at once (saw ${maxOpen})`);
      assert.equal(s.serverSoftware, 'node-h2-test');
      assert.equal(s.bytes.body, 6000);
      assert.equal(s.documentLength, 10);
      // The filler is indexed after the first response: later ones send it as one byte.
      assert.ok(s.http2 !== null && s.http2.headerBytes * 5 < s.http2.headerBytesDecoded, JSON.stringify(s.http2));
      seen = 0;
      const missing = await runArgs(['-q', '--http2', '-n', '5', `http://127.0.0.1:${port}/missing`]);
      assert.deepEqual(missing.statusCodes, { 404: 5 });
      assert.equal(missing.non2xx, 5);
      assert.equal(seen, 5);
    } finally {
      server.close();
    }
  });

  it(
    'h2c against an HTTP/1.1-only node:http server: Connect failures, and its 400 to the preface is not counted as transferred',
    { timeout: 30_000 },
    async () => {
      let seen = 0;
      let connections = 0;
      // node:http answers the preface (PRI * HTTP/2.0 ...) with its own 400 Bad Request, 47 bytes, and closes.
      const server = http.createServer((_req, res) => {
        seen++;
        res.end('h1');
      });
      server.on('connection', () => connections++);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const dir = mkdtempSync(join(tmpdir(), 'gb-h2c-h1-'));
      try {
        const json = join(dir, 'r.json');
        const ran = await ranIn([
          '-r',
          '--http2',
          '-c',
          '1',
          '-n',
          '3',
          '--json',
          json,
          `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        ]);
        assert.equal(ran.code, 1, ran.err);
        assert.ok(connections >= 1, 'gb reached the server');
        assert.equal(seen, 0, 'the server processed no request');
        assert.match(ran.out, /^Total transferred: +0 bytes$/m);
        assert.match(ran.out, /^HTML transferred: +0 bytes$/m);
        const s = JSON.parse(readFileSync(json, 'utf8')) as {
          failures: { connect: number };
          errorCodes: Record<string, number>;
          bytes: { received: number; body: number };
        };
        assert.equal(s.failures.connect, 3);
        assert.deepEqual(s.errorCodes, { NOT_HTTP2: 3 });
        assert.equal(s.bytes.received, 0);
        assert.equal(s.bytes.body, 0);
      } finally {
        server.close();
        server.closeAllConnections();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    'h2 over TLS with ALPN; a TLS server offering only http/1.1 is a Connect failure that says so',
    { timeout: 30_000, skip: skipTls },
    async () => {
      if (typeof certificate === 'string') return;
      let seen = 0;
      const server = http2.createSecureServer({ key: certificate.key, cert: certificate.cert });
      server.on('stream', (stream) => {
        seen++;
        stream.respond({ ':status': 200 });
        stream.end('tls');
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const h1 = https.createServer({ key: certificate.key, cert: certificate.cert }, (_req, res) => {
        seen += 1000;
        res.end('h1');
      });
      h1.listen(0, '127.0.0.1');
      await once(h1, 'listening');
      try {
        const s = await runArgs([
          '-q',
          '--http2',
          '-c',
          '2',
          '--streams',
          '3',
          '-n',
          '60',
          `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        ]);
        assert.equal(s.failed, 0, JSON.stringify(s.errors));
        assert.equal(s.responses, 60);
        assert.equal(s.protocol, 'h2');
        assert.ok(s.tlsProtocol !== null);
        assert.equal(seen, 60);
        const refused = await runArgs(['-q', '-r', '--http2', '-n', '3', `https://127.0.0.1:${(h1.address() as AddressInfo).port}/`]);
        assert.equal(refused.failures.connect, 3);
        assert.equal(refused.responses, 0);
        assert.deepEqual(Object.keys(refused.errors), ['the server does not offer HTTP/2 over TLS (it refused ALPN h2)']);
        assert.deepEqual(refused.errorCodes, { NO_H2: 3 });
        assert.equal(refused.bytes.received, 0, 'a refused handshake transferred nothing');
        assert.equal(seen, 60, 'no request reached the HTTP/1.1 server');
      } finally {
        server.close();
        h1.close();
        h1.closeAllConnections();
      }
    },
  );
});
