// TLS faults: a self-signed server works by default as in ab, --verify turns it into a Connect failure, and plain HTTP behind https:// fails cleanly.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTempKey } from '../../src/transport/stream-socket.js';
import { requireTool } from '../helpers/tools.js';
import { makeCertificate } from '../helpers/certificate.js';
import { spawnGb } from '../helpers/gb-process.js';
import { assertNoStackTrace, reportField, runAccounted, startFaultServer } from './fault-server.js';

const T = { timeout: 15_000 };

const certificate = makeCertificate();
const skip = requireTool('openssl', typeof certificate === 'string' ? certificate : null);

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

interface SecureServer {
  readonly port: number;
  /** Requests answered, and the distinct client ports they came from. */
  readonly served: { requests: number; readonly clientPorts: Set<number> };
  close(): void;
}

/** An https server with the self-signed certificate; each test has its own, so counts are its run's alone. */
async function startSecureServer(): Promise<SecureServer> {
  if (typeof certificate === 'string') throw new Error(certificate);
  const served = { requests: 0, clientPorts: new Set<number>() };
  // A classic group on every Node: from Node 24 the default is the hybrid X25519MLKEM768, which has
  // no bit size to print (describeTempKey below covers that case).
  const server = https.createServer({ key: certificate.key, cert: certificate.cert, ecdhCurve: 'X25519' }, (req, res) => {
    served.requests += 1;
    served.clientPorts.add(req.socket.remotePort ?? 0);
    res.end('hello over tls');
  });
  const port = await listen(server);
  return {
    port,
    served,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

test("Server Temp Key text: ab's form with a size, the group's name alone without one, nothing when Node tells nothing", () => {
  assert.equal(describeTempKey({ type: 'ECDH', name: 'X25519', size: 253 }), 'X25519 253 bits');
  assert.equal(describeTempKey({ type: 'DH', size: 2048 }), 'DH 2048 bits');
  assert.equal(describeTempKey({ type: 'TLSGroup', name: 'X25519MLKEM768' }), 'X25519MLKEM768');
  assert.equal(describeTempKey({}), null);
  assert.equal(describeTempKey(null), null);
});

describe('TLS', { concurrency: true, skip }, () => {
  const servers: SecureServer[] = [];
  const securePort = async (): Promise<number> => {
    const server = await startSecureServer();
    servers.push(server);
    return server.port;
  };
  after(() => {
    for (const server of servers) server.close();
  });

  test('a self-signed server works by default (not verified, as ab) and the report names the protocol', T, async () => {
    const url = `https://127.0.0.1:${await securePort()}/`;
    const run = await spawnGb(['-n', '5', url], { killAfterMs: 8000 }).done;
    assert.equal(run.code, 0, run.stderr);
    assert.match(reportField(run.stdout, 'SSL/TLS Protocol:') ?? '', /^TLSv1\.[23],\S+,\d+,\d+$/);
    // ab's next line: the ephemeral key of the key exchange, e.g. "X25519 253 bits".
    assert.match(reportField(run.stdout, 'Server Temp Key:') ?? '', /^\S+ \d+ bits$/);
    assert.equal(reportField(run.stdout, 'Complete requests:'), '5');
    assert.equal(reportField(run.stdout, 'Failed requests:'), '0');
    assertNoStackTrace(run.stdout + run.stderr);
  });

  test('TLS with keep-alive: gb counts what the server served, on c connections', T, async () => {
    const server = await startSecureServer();
    servers.push(server);
    const { summary } = await runAccounted(['-k', '-n', '20', '-c', '2', `https://127.0.0.1:${server.port}/`]);
    assert.equal(summary.responses, 20);
    assert.equal(summary.failed, 0);
    assert.equal(summary.keepAliveRequests, 20);
    assert.ok(summary.tlsProtocol !== null);
    assert.equal(summary.transport, 'tls');
    assert.equal(server.served.requests, 20);
    assert.equal(server.served.clientPorts.size, 2);
  });

  test('https over --unix-socket: TLS over the unix socket, with the URL host as SNI and Host', T, async () => {
    if (typeof certificate === 'string') throw new Error(certificate);
    const dir = mkdtempSync(join(tmpdir(), 'gb-tls-unix-'));
    const path = join(dir, 'tls.sock');
    let requests = 0;
    let servername: string | false | null = null;
    let host: string | undefined;
    const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
      requests += 1;
      host = req.headers.host;
      servername = (req.socket as TLSSocket).servername;
      res.end('hello over tls on a unix socket');
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const { summary } = await runAccounted(['-k', '-n', '20', '-c', '2', '--unix-socket', path, 'https://localhost/']);
      assert.equal(summary.responses, 20);
      assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
      assert.equal(summary.transport, 'unix');
      assert.match(summary.tlsProtocol ?? '', /^TLSv1\.[23],/);
      assert.equal(summary.tlsServerName, 'localhost');
      assert.equal(requests, 20);
      assert.equal(servername, 'localhost');
      assert.equal(host, 'localhost');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--verify: a Connect failure whose reason appears once on stderr', T, async () => {
    const url = `https://127.0.0.1:${await securePort()}/`;
    const run = await spawnGb(['--verify', '-n', '5', url], { killAfterMs: 8000 }).done;
    assert.equal(run.code, 1);
    assert.equal(reportField(run.stdout, '   (Connect:'), '1, Receive: 0, Length: 0, Exceptions: 0)');
    const reasons = run.stderr.split('\n').filter((line) => /SELF_SIGNED|self[- ]signed/i.test(line));
    assert.equal(reasons.length, 1, `stderr:\n${run.stderr}`);
    assertNoStackTrace(run.stdout + run.stderr);

    const kept = await runAccounted(['--verify', '-r', '-n', '5', url]);
    assert.equal(kept.summary.failures.connect, 5);
    assert.equal(kept.summary.responses, 0);
    assert.deepEqual(Object.keys(kept.summary.errors).length, 1);
  });

  test('plain HTTP behind https://: a clean Connect failure, no hang, no crash', T, async () => {
    const plain = http.createServer((_req, res) => res.end('plain'));
    const port = await listen(plain);
    try {
      const url = `https://127.0.0.1:${port}/`;
      const stopped = await runAccounted(['-n', '5', '-s', '2', url], { maxMs: 3000 });
      assert.equal(stopped.summary.stopReason, 'error');
      assert.equal(stopped.summary.failures.connect, 1);
      assert.ok(stopped.firstError !== null && /SSL|TLS|WRONG_VERSION|PACKET/i.test(stopped.firstError), String(stopped.firstError));

      const kept = await runAccounted(['-r', '-n', '5', '-s', '2', url], { maxMs: 3000 });
      assert.equal(kept.summary.failures.connect + kept.summary.failures.receive, 5);
      assert.equal(kept.summary.responses, 0);

      const run = await spawnGb(['-n', '3', url], { killAfterMs: 8000 }).done;
      assert.equal(run.code, 1);
      assertNoStackTrace(run.stdout + run.stderr);
    } finally {
      plain.closeAllConnections();
      plain.close();
    }
  });

  test('a plain server that never answers the handshake: a Connect timeout within -s', T, async () => {
    const server = await startFaultServer();
    try {
      const url = `https://127.0.0.1:${server.port}/`;
      const { summary, wallMs } = await runAccounted(['-r', '-n', '2', '-c', '2', '-s', '0.5', url], { maxMs: 3000 });
      assert.ok(wallMs < 1500, `took ${wallMs} ms`);
      assert.equal(summary.timeouts, 2);
      assert.equal(summary.failures.connect, 2);
      assert.equal(summary.failures.receive, 0);
      assert.deepEqual(summary.errors, { 'timeout: no connection within 0.5 s': 2 });
      assert.deepEqual(summary.errorCodes, { CONNECT_TIMEOUT: 2 });
      // The handshake never finished, so no HTTP request reached the server.
      assert.equal(server.totalRequests, 0);
    } finally {
      await server.close();
    }
  });
});
