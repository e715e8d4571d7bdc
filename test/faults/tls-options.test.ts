// ab's TLS options against real servers: -f against nginx's ssl_protocols, -E against ssl_verify_client, --verify --ca, a server refusing the handshake for want of a client certificate, SNI from a Host override, and the SSL/TLS line next to ab's.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { startNginx, type TestNginx } from '../helpers/nginx.js';
import { makePki, type Pki } from '../helpers/pki.js';
import { findTool, requireTool } from '../helpers/tools.js';
import { spawnGb } from '../helpers/gb-process.js';
import { assertNoStackTrace, reportField, runAccounted } from './fault-server.js';

const T = { timeout: 20_000 };
const pki = makePki();
const skip = requireTool('openssl', typeof pki === 'string' ? pki : null) || requireTool('nginx');

function files(): Pki {
  if (typeof pki === 'string') throw new Error(pki);
  return pki;
}

/** An nginx on TLS with the test CA's server certificate; `extra` adds to its server block. */
function tlsNginx(extra: string): Promise<TestNginx> {
  const p = files();
  return startNginx(
    `ssl_certificate ${p.serverCertFile}; ssl_certificate_key ${p.serverKeyFile}; ${extra} location / { return 200 "hello"; }`,
    '',
    { tls: true },
  );
}

interface RecordingServer {
  readonly url: string;
  /** The SNI name of each TLS connection (false: none sent). */
  readonly serverNames: (string | false | null)[];
  close(): void;
}

/** A node:https server that records the SNI of every connection; `options` add to its TLS settings. */
async function startHttps(options: https.ServerOptions = {}): Promise<RecordingServer> {
  const p = files();
  const serverNames: (string | false | null)[] = [];
  const server = https.createServer({ key: p.read(p.serverKeyFile), cert: p.read(p.serverCertFile), ...options }, (_req, res) =>
    res.end('ok'),
  );
  server.on('secureConnection', (socket: TLSSocket) => serverNames.push(socket.servername));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    serverNames,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('TLS options against real servers', { concurrency: true, skip }, () => {
  let tls13Only: TestNginx;
  let open: TestNginx;
  let clientVerifying: TestNginx;
  before(async () => {
    const p = files();
    [tls13Only, open, clientVerifying] = await Promise.all([
      tlsNginx('ssl_protocols TLSv1.3;'),
      tlsNginx('ssl_protocols TLSv1.2 TLSv1.3;'),
      tlsNginx(`ssl_protocols TLSv1.2 TLSv1.3; ssl_verify_client on; ssl_client_certificate ${p.caFile};`),
    ]);
  });
  after(async () => {
    await Promise.all([tls13Only, open, clientVerifying].map((nginx) => nginx?.stop()));
    files().remove();
  });

  test('-f TLS1.2 against a TLS 1.3-only nginx: a Connect failure naming the protocol version; -f TLS1.3 works', T, async () => {
    const refused = await runAccounted(['-f', 'TLS1.2', '-n', '3', `${tls13Only.url}/`]);
    assert.equal(refused.summary.failures.connect, 1);
    assert.equal(refused.summary.responses, 0);
    assert.match(refused.firstError ?? '', /PROTOCOL_VERSION/);

    const pinned = await runAccounted(['-f', 'TLS1.3', '-n', '3', `${tls13Only.url}/`]);
    assert.equal(pinned.summary.responses, 3);
    assert.equal(pinned.summary.failed, 0);
    assert.match(pinned.summary.tlsProtocol ?? '', /^TLSv1\.3,TLS_AES_\d+_GCM_SHA\d+,2048,(128|256)$/);
  });

  test("the SSL/TLS line: OpenSSL's cipher name, the server key's bits, the cipher's bits", T, async () => {
    const { summary } = await runAccounted(['-f', 'TLS1.2', '-Z', 'ECDHE-RSA-AES128-GCM-SHA256', '-n', '1', `${open.url}/`]);
    assert.equal(summary.tlsProtocol, 'TLSv1.2,ECDHE-RSA-AES128-GCM-SHA256,2048,128');
    const chacha = await runAccounted(['-f', 'TLS1.3', '-Z', 'TLS_CHACHA20_POLY1305_SHA256', '-n', '1', `${open.url}/`]);
    assert.equal(chacha.summary.tlsProtocol, 'TLSv1.3,TLS_CHACHA20_POLY1305_SHA256,2048,256');
  });

  test("gb's SSL/TLS line is ab's, for the same options and server", { ...T, skip: requireTool('ab') }, async () => {
    for (const options of [
      ['-f', 'TLS1.2', '-Z', 'ECDHE-RSA-AES128-GCM-SHA256'],
      ['-f', 'TLS1.2', '-Z', 'AES256-GCM-SHA384'],
      ['-f', 'TLS1.3'],
    ]) {
      const ab = spawnSync(findTool('ab') ?? 'ab', [...options, '-n', '1', `${open.url}/`], { encoding: 'utf8', timeout: 10_000 });
      const abLine = reportField(ab.stdout, 'SSL/TLS Protocol:');
      assert.ok(abLine !== undefined, `ab printed no SSL/TLS line:\n${ab.stdout}${ab.stderr}`);
      const { summary } = await runAccounted([...options, '-n', '1', `${open.url}/`]);
      assert.equal(summary.tlsProtocol, abLine, options.join(' '));
    }
  });

  test('-E against ssl_verify_client: 200s with the client certificate, 400s (complete, non-2xx) without, as ab', T, async () => {
    const p = files();
    const withCert = await runAccounted(['-E', p.clientFile, '-n', '4', '-c', '2', `${clientVerifying.url}/`]);
    assert.equal(withCert.summary.responses, 4);
    assert.equal(withCert.summary.non2xx, 0);
    assert.deepEqual(withCert.summary.statusCodes, { '200': 4 });

    const without = await runAccounted(['-n', '4', '-c', '2', `${clientVerifying.url}/`]);
    assert.equal(without.summary.responses, 4);
    assert.equal(without.summary.failed, 0);
    assert.equal(without.summary.non2xx, 4);
    assert.deepEqual(without.summary.statusCodes, { '400': 4 });
  });

  test('--verify --ca trusts a private CA; --verify alone is a Connect failure naming the verify error', T, async () => {
    const p = files();
    const trusted = await runAccounted(['--verify', '--ca', p.caFile, '-n', '3', `${open.url}/`]);
    assert.equal(trusted.summary.responses, 3);
    assert.equal(trusted.summary.failed, 0);

    const untrusted = await runAccounted(['--verify', '-n', '3', `${open.url}/`]);
    assert.equal(untrusted.summary.failures.connect, 1);
    assert.equal(untrusted.summary.responses, 0);
    assert.equal(untrusted.firstError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.deepEqual(untrusted.summary.errorCodes, { UNABLE_TO_VERIFY_LEAF_SIGNATURE: 1 });
  });

  for (const protocol of ['TLS1.3', 'TLS1.2']) {
    test(`a server refusing a client without a certificate (${protocol}): a Connect failure that says so; -E gets through`, T, async () => {
      const p = files();
      const server = await startHttps({ ca: p.read(p.caFile), requestCert: true, rejectUnauthorized: true });
      try {
        const refused = await runAccounted(['-f', protocol, '-r', '-n', '3', server.url]);
        assert.equal(refused.summary.failures.connect, 3, JSON.stringify(refused.summary.errors));
        assert.equal(refused.summary.responses, 0);
        // The alert by its registry name in errorCodes; OpenSSL's exact code (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED, ...) is the message.
        for (const code of Object.keys(refused.summary.errorCodes))
          assert.match(code, /^TLS_ALERT_(?:CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE)$/);
        for (const message of Object.keys(refused.summary.errors))
          assert.match(message, /^ERR_SSL_[\w/]+_ALERT_(?:CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE)$/);

        const accepted = await runAccounted(['-f', protocol, '-E', p.clientFile, '-n', '3', server.url]);
        assert.equal(accepted.summary.responses, 3);
        assert.equal(accepted.summary.failed, 0);
      } finally {
        server.close();
      }
    });
  }

  test("SNI follows -H 'Host: name:port' (name only) and is left out for an IP literal", T, async () => {
    const server = await startHttps();
    try {
      const port = new URL(server.url).port;
      const run = await spawnGb(['-H', `Host: localhost:${port}`, '-n', '2', server.url]).done;
      assert.equal(run.code, 0, run.stderr);
      assert.equal(reportField(run.stdout, 'TLS Server Name:'), 'localhost');
      const plain = await runAccounted(['-n', '2', server.url]);
      assert.equal(plain.summary.responses, 2);
      assert.deepEqual(server.serverNames, ['localhost', 'localhost', false, false]);
    } finally {
      server.close();
    }
  });

  test('bad TLS options: one gb: line on stderr, exit 2, nothing sent', T, async () => {
    const p = files();
    const cases: readonly (readonly [readonly string[], RegExp])[] = [
      [['-f', 'SSL3'], /^gb: -f SSL3: Node's TLS .*cannot speak SSL 2 or 3/],
      [['-f', 'TLS9'], /^gb: invalid protocol: -f TLS9/],
      [['-Z', 'NOT-A-CIPHER'], /^gb: invalid cipher list: -Z NOT-A-CIPHER \(OpenSSL: no cipher match\)/],
      [['-E', p.clientKeyOnlyFile], /^gb: -E file \S+ has no certificate/],
      [['-E', p.clientCertOnlyFile], /^gb: -E file \S+ has no private key/],
      [['-E', `${p.dir}/absent.pem`], /^gb: -E file \S+ does not exist/],
      [['--verify', '--ca', p.clientKeyOnlyFile], /^gb: --ca file \S+ holds no PEM certificate/],
    ];
    for (const [args, pattern] of cases) {
      const run = await spawnGb([...args, '-n', '1', `${open.url}/`]).done;
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      const lines = run.stderr.split('\n').filter((line) => line !== '');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0] ?? '', pattern);
      assert.equal(run.stdout, '');
      assertNoStackTrace(run.stderr);
    }
  });
});
