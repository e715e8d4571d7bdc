// -X and -P end to end: gb through a real tinyproxy to origins on 127.0.0.1 (plain HTTP forwarded, HTTPS through CONNECT), the proxy's refusals, and bad -X/-P input.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { startTargetServer, type TargetServer } from '../../src/server/target.js';
import { runAccounted } from '../faults/fault-server.js';
import { makeCertificate } from '../helpers/certificate.js';
import { spawnGb } from '../helpers/gb-process.js';
import { startTinyproxy, type TestTinyproxy, type TinyproxyOptions } from '../helpers/tinyproxy.js';
import { requireTool } from '../helpers/tools.js';

const T = { timeout: 30_000 };
/** tinyproxy takes a few milliseconds per connection, more on a busy machine: -n 1000 gets room. */
const LONG = { timeout: 60_000 };
const LONG_RUN_MS = 45_000;

const noProxy = requireTool('tinyproxy');
const certificate = makeCertificate();
const noTls = requireTool('openssl', typeof certificate === 'string' ? certificate : null);

interface SecureOrigin {
  readonly port: number;
  readonly url: string;
  /** Requests answered, and TLS sessions (tunnels, seen from the origin) they came on. */
  readonly served: { requests: number; sessions: number };
  close(): void;
}

async function startSecureOrigin(): Promise<SecureOrigin> {
  if (typeof certificate === 'string') throw new Error(certificate);
  const served = { requests: 0, sessions: 0 };
  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (_req, res) => {
    served.requests += 1;
    res.end('hello through a tunnel');
  });
  server.on('secureConnection', () => (served.sessions += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}/`,
    served,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('through tinyproxy', { skip: noProxy }, () => {
  const proxies: TestTinyproxy[] = [];
  const proxy = async (options: TinyproxyOptions = {}): Promise<string> => {
    const started = await startTinyproxy(options);
    proxies.push(started);
    return `127.0.0.1:${started.port}`;
  };
  let origin: TargetServer;
  before(async () => {
    origin = await startTargetServer();
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    await origin.close();
  });

  test('plain HTTP: -n 1000 -c 10 reaches the origin exactly 1000 times, none failed', LONG, async () => {
    origin.resetStats();
    const { summary } = await runAccounted(['-X', await proxy(), '-n', '1000', '-c', '10', `${origin.url}/`], { maxMs: LONG_RUN_MS });
    assert.equal(summary.responses, 1000);
    assert.equal(summary.failed, 0);
    assert.deepEqual(summary.statusCodes, { '200': 1000 });
    assert.equal(origin.stats().requests, 1000);
    // The proxy turned gb's absolute form back into a path: the origin saw an ordinary request.
    assert.equal(origin.stats().lastRequest?.url, '/');
    assert.equal(summary.target.port, origin.port);
  });

  test('BasicAuth: -P with the right credentials passes; without them 407 is an ordinary response for plain HTTP', T, async () => {
    origin.resetStats();
    const guarded = await proxy({ basicAuth: 'gb s3cret' });
    const right = await runAccounted(['-X', guarded, '-P', 'gb:s3cret', '-n', '20', '-c', '2', `${origin.url}/`]);
    assert.deepEqual(right.summary.statusCodes, { '200': 20 });
    assert.equal(origin.stats().requests, 20);

    const missing = await runAccounted(['-X', guarded, '-n', '20', '-c', '2', `${origin.url}/`]);
    assert.equal(missing.summary.responses, 20);
    assert.equal(missing.summary.failed, 0);
    assert.equal(missing.summary.non2xx, 20);
    assert.deepEqual(missing.summary.statusCodes, { '407': 20 });
    assert.equal(origin.stats().requests, 20, 'no request without credentials reached the origin');
  });

  describe('HTTPS through CONNECT', { skip: noTls }, () => {
    const origins: SecureOrigin[] = [];
    const secureOrigin = async (): Promise<SecureOrigin> => {
      const started = await startSecureOrigin();
      origins.push(started);
      return started;
    };
    after(() => {
      for (const o of origins) o.close();
    });

    test('-n 1000 -c 10: a tunnel and a TLS session per request, each reaching the origin once', LONG, async () => {
      const o = await secureOrigin();
      const { summary } = await runAccounted(['-X', await proxy({ connectPorts: [o.port] }), '-n', '1000', '-c', '10', o.url], {
        maxMs: LONG_RUN_MS,
      });
      assert.equal(summary.responses, 1000);
      assert.equal(summary.failed, 0);
      assert.equal(o.served.requests, 1000);
      assert.equal(o.served.sessions, 1000);
      assert.equal(summary.transport, 'tls');
      assert.match(summary.tlsProtocol ?? '', /^TLSv1\.[23],/);
      // Connect spans the CONNECT exchange and the handshake: never zero for a new tunnel.
      assert.ok(summary.connect !== null && summary.connect.minUs > 0, JSON.stringify(summary.connect));
    });

    test('with -k each connection keeps its tunnel: c sessions carry every request', T, async () => {
      const o = await secureOrigin();
      const { summary } = await runAccounted(['-k', '-X', await proxy({ connectPorts: [o.port] }), '-n', '200', '-c', '4', o.url]);
      assert.equal(summary.responses, 200);
      assert.equal(summary.keepAliveRequests, 200);
      assert.equal(o.served.requests, 200);
      // At most one session per connection. Fewer is possible on a loaded machine: once -n is spent,
      // connections still opening their tunnel give their requests to free ones (engine/stuck-connects.ts).
      assert.ok(o.served.sessions >= 1 && o.served.sessions <= 4, `${o.served.sessions} TLS sessions for -c 4`);
    });

    test('BasicAuth: the right -P opens the tunnel; without it, or with a wrong one, Connect failures name the status', T, async () => {
      const o = await secureOrigin();
      const guarded = await proxy({ connectPorts: [o.port], basicAuth: 'gb s3cret' });
      const right = await runAccounted(['-X', guarded, '-P', 'gb:s3cret', '-n', '10', '-c', '2', o.url]);
      assert.equal(right.summary.responses, 10);
      assert.equal(o.served.requests, 10);

      const missing = await runAccounted(['-r', '-X', guarded, '-n', '10', '-c', '2', o.url]);
      assert.equal(missing.summary.responses, 0);
      assert.equal(missing.summary.failures.connect, 10);
      assert.deepEqual(missing.summary.errors, { 'proxy answered CONNECT with 407 Proxy Authentication Required': 10 });
      assert.deepEqual(missing.summary.errorCodes, { PROXY_REFUSED: 10 });

      // tinyproxy 1.11 answers wrong credentials with 401 rather than 407; either is a refusal.
      const wrong = await runAccounted(['-r', '-X', guarded, '-P', 'gb:nope', '-n', '10', '-c', '2', o.url]);
      assert.equal(wrong.summary.failures.connect, 10);
      assert.match(Object.keys(wrong.summary.errors).join('|'), /^proxy answered CONNECT with 40[17] /);
      assert.equal(o.served.requests, 10, 'no tunnel opened without the right credentials');
    });

    test('a port the proxy will not tunnel to: gb exits 1 and names the 403 once on stderr', T, async () => {
      const o = await secureOrigin();
      // ConnectPort lists the only ports tinyproxy opens tunnels to; the origin's is not among them.
      const refusing = await proxy({ connectPorts: [o.port === 443 ? 444 : 443] });
      const run = await spawnGb(['-X', refusing, '-n', '5', o.url], { killAfterMs: 15_000 }).done;
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stderr.match(/proxy answered CONNECT with 403/g)?.length, 1, run.stderr);
      assert.match(run.stdout, /^ {3}\(Connect: 1, Receive: 0, Length: 0, Exceptions: 0\)$/m);
      assert.equal(o.served.requests, 0);
    });
  });
});

/** Each bad -X/-P, and what its one line must name. */
const BAD_INPUTS: readonly (readonly [string, readonly string[], RegExp])[] = [
  ['-X without a host', ['-X', ':3128'], /^gb: -X :3128 has no proxy host/],
  ['-X empty', ['-X', ''], /^gb: -X needs a proxy host/],
  ['-X with a port that is not a number', ['-X', 'proxy:abc'], /^gb: invalid proxy port abc in -X proxy:abc/],
  ['-X with port 0', ['-X', 'proxy:0'], /^gb: invalid proxy port 0 in -X proxy:0 \(must be 1\.\.65535\)/],
  ['-X with a port above 65535', ['--proxy', 'proxy:70000'], /^gb: invalid proxy port 70000/],
  ['-X with an unbracketed IPv6 address', ['-X', '::1:3128'], /needs brackets/],
  ['-X https://', ['-X', 'https://proxy:3128'], /plain HTTP to the proxy/],
  ['-P without a colon', ['-X', 'proxy:3128', '-P', 'user'], /^gb: -P needs user:password/],
  ['-P without -X', ['--proxy-auth', 'user:pass'], /^gb: -P \(proxy credentials\) needs -X/],
];

describe('bad -X and -P', { concurrency: 4 }, () => {
  for (const [what, args, names] of BAD_INPUTS) {
    test(`${what}: exit 2, one "gb: " line naming it`, T, async () => {
      const run = await spawnGb([...args, 'http://127.0.0.1:1/']).done;
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      const lines = run.stderr.split('\n');
      assert.deepEqual(lines.slice(1), [''], `exactly one line on stderr:\n${run.stderr}`);
      assert.match(lines[0] ?? '', names);
    });
  }
});
