// gb grpc through nginx as a gRPC proxy (grpc_pass) to @grpc/grpc-js: h2c and h2 (TLS, ALPN) on nginx's side,
// nginx's access log and the server's count both equal to gb's calls.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Summary } from '../../src/metrics/summary.js';
import { makeCertificate } from '../helpers/certificate.js';
import { runGb } from '../helpers/gb-process.js';
import { ECHO_PROTO, PROTO_INCLUDE, startEchoServer, type EchoServer } from '../helpers/grpc-server.js';
import { startNginx } from '../helpers/nginx.js';
import { requireTool } from '../helpers/tools.js';

const certificate = makeCertificate();
const skip = requireTool('openssl', typeof certificate === 'string' ? certificate : null) || requireTool('nginx');
const schema: unknown = JSON.parse(readFileSync(new URL('../../../schema/gb-result.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema as object);
const CALLS = 3000;

describe('gb grpc through nginx grpc_pass', { skip }, () => {
  let server: EchoServer;
  let dir = '';
  before(async () => {
    server = await startEchoServer();
    assert.ok(typeof certificate !== 'string');
    dir = mkdtempSync(join(tmpdir(), 'gb-grpc-nginx-'));
    writeFileSync(join(dir, 'cert.pem'), certificate.cert);
    writeFileSync(join(dir, 'key.pem'), certificate.key);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const tls of [false, true]) {
    it(
      `${tls ? 'h2 (https://)' : 'h2c (http://)'}: nginx logs every call, the server answered every one`,
      { timeout: 60_000 },
      async () => {
        const certs = tls ? `ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem; ` : '';
        const block = `${certs}location / { grpc_pass grpc://127.0.0.1:${server.port}; }`;
        const nginx = await startNginx(block, '', { http2: true, tls });
        try {
          server.calls.clear();
          const args = ['grpc', nginx.url, '--proto', ECHO_PROTO, '--import-path', PROTO_INCLUDE, '--call', 'gbtest.Echo/Expand'];
          const exit = await runGb(
            [...args, '--data', '{"repeat":2}', '-n', String(CALLS), '-c', '4', '--streams', '8', '--json', '-', '-q'],
            {
              killAfterMs: 50_000,
            },
          );
          assert.equal(exit.code, 0, exit.stderr);
          const s = JSON.parse(exit.stdout) as Summary;
          assert.ok(validate(s), JSON.stringify(validate.errors));
          assert.equal(s.protocol, tls ? 'h2' : 'h2c');
          assert.equal(s.succeeded, CALLS);
          assert.deepEqual(s.grpc?.statuses, { OK: CALLS });
          assert.equal(s.grpc?.messagesReceived, CALLS * 2);
          assert.equal(server.calls.get('Expand'), CALLS);
          assert.deepEqual(Object.fromEntries(await nginx.loggedByRequest('HTTP/2.0')), { 'POST /gbtest.Echo/Expand': CALLS });
        } finally {
          await nginx.stop();
        }
      },
    );
  }

  it(
    'nginx with its upstream gone answers HTTP 502 without grpc-status: non-2xx, as over HTTP, and no gRPC status',
    { timeout: 30_000 },
    async () => {
      const nginx = await startNginx('location / { grpc_pass grpc://127.0.0.1:1; }', '', { http2: true });
      try {
        const args = ['grpc', nginx.url, '--proto', ECHO_PROTO, '--import-path', PROTO_INCLUDE, '--call', 'gbtest.Echo/Say'];
        const exit = await runGb([...args, '-n', '20', '--json', '-', '-q'], { killAfterMs: 20_000 });
        const s = JSON.parse(exit.stdout) as Summary;
        assert.ok(validate(s), JSON.stringify(validate.errors));
        assert.equal(s.completed, 20);
        assert.equal(s.non2xx, 20);
        assert.deepEqual(s.statusCodes, { '502': 20 });
        assert.equal(s.failures.grpc, 0);
        assert.deepEqual(s.grpc?.statuses, {});
      } finally {
        await nginx.stop();
      }
    },
  );
});
