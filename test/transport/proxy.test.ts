// Proxy bytes on the wire: what gb sends a proxy for plain HTTP and for CONNECT, and how a proxy that refuses, closes or babbles during CONNECT is reported.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/cli/flags.js';
import type { Config } from '../../src/config/config.js';
import { buildRequest } from '../../src/transport/request.js';
import { runAccounted } from '../faults/fault-server.js';
import { listenLoopback } from '../helpers/loopback.js';

const T = { timeout: 15_000 };

function configOf(args: readonly string[]): Config {
  const parsed = parseCommandLine(args);
  if (!parsed.ok || parsed.value.kind !== 'run') assert.fail(`not a run: ${args.join(' ')}`);
  return parsed.value.options.config;
}

/** The request head gb would send, as lines. */
function headOf(args: readonly string[]): string[] {
  const text = buildRequest(configOf(args), '9.9.9').toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
}

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('request bytes through a proxy', () => {
  test('plain HTTP: absolute-form target, the usual Host, and -P as Proxy-Authorization', () => {
    const head = headOf(['-X', '10.0.0.1:3128', '-P', 'u:p:w', 'http://example.test:8080/a/b?c=d']);
    assert.equal(head[0], 'GET http://example.test:8080/a/b?c=d HTTP/1.1');
    assert.ok(head.includes('Host: example.test:8080'), head.join('\n'));
    // Split at the first colon as -A is: the password keeps its own colons.
    assert.ok(head.includes(`Proxy-Authorization: ${basic('u:p:w')}`), head.join('\n'));
  });

  test('the default port stays out of the absolute form, as it does of Host', () => {
    assert.equal(headOf(['-X', 'proxy', 'http://example.test/'])[0], 'GET http://example.test/ HTTP/1.1');
    assert.equal(headOf(['-X', 'proxy', 'http://[::1]:81/x'])[0], 'GET http://[::1]:81/x HTTP/1.1');
  });

  test('HTTPS: the request inside the tunnel is origin-form and carries no proxy credentials', () => {
    const head = headOf(['-X', '10.0.0.1:3128', '-P', 'u:p', 'https://example.test/a']);
    assert.equal(head[0], 'GET /a HTTP/1.1');
    assert.ok(!head.some((line) => /^proxy-authorization:/i.test(line)), head.join('\n'));
  });

  test('-H Proxy-Authorization replaces the one -P makes, as -H does every default', () => {
    const head = headOf(['-X', 'p:1', '-P', 'u:p', '-H', 'Proxy-Authorization: Bearer t', 'http://h/']);
    assert.deepEqual(
      head.filter((line) => /^proxy-authorization:/i.test(line)),
      ['Proxy-Authorization: Bearer t'],
    );
  });

  test('without -X nothing changes', () => {
    assert.equal(headOf(['http://example.test:8080/a'])[0], 'GET /a HTTP/1.1');
  });
});

interface RecordingProxy {
  readonly port: number;
  /** Every request head it read, in arrival order. */
  readonly heads: string[];
  close(): void;
}

/** A stand-in proxy on 127.0.0.1 that records each request head and answers it with `reply(head)`, then closes. */
async function startRecordingProxy(reply: (head: string) => string | null): Promise<RecordingProxy> {
  const heads: string[] = [];
  const server = await listenLoopback((socket) => {
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = pending.slice(0, end);
      pending = pending.slice(end + 4);
      heads.push(head);
      const answer = reply(head);
      // null: close without a word.
      if (answer === null) socket.end();
      else socket.end(answer, 'latin1');
    });
  });
  return { port: server.port, heads, close: () => void server.close() };
}

describe('a proxy on the wire', { concurrency: true }, () => {
  const proxies: RecordingProxy[] = [];
  const proxy = async (reply: (head: string) => string | null): Promise<RecordingProxy> => {
    const started = await startRecordingProxy(reply);
    proxies.push(started);
    return started;
  };
  after(() => {
    for (const p of proxies) p.close();
  });

  test("plain HTTP: each request goes to the proxy, whose error answers are ordinary non-2xx responses, as ab's", T, async () => {
    const p = await proxy(() => 'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad');
    // Port 9 on the target: nothing listens there, so only the proxy can have answered.
    const { summary } = await runAccounted([
      '-X',
      `127.0.0.1:${p.port}`,
      '-P',
      'user:secret',
      '-n',
      '20',
      '-c',
      '4',
      'http://127.0.0.1:9/x?y=1',
    ]);
    assert.equal(summary.responses, 20);
    assert.equal(summary.failed, 0);
    assert.equal(summary.non2xx, 20);
    assert.deepEqual(summary.statusCodes, { '502': 20 });
    assert.equal(p.heads.length, 20);
    const lines = (p.heads[0] ?? '').split('\r\n');
    assert.equal(lines[0], 'GET http://127.0.0.1:9/x?y=1 HTTP/1.1');
    assert.ok(lines.includes('Host: 127.0.0.1:9'), lines.join('\n'));
    assert.ok(lines.includes(`Proxy-Authorization: ${basic('user:secret')}`), lines.join('\n'));
    // The report still names the target, not the proxy.
    assert.equal(summary.target.port, 9);
  });

  test('HTTPS: CONNECT names the origin with Host and -P; a 403 is a Connect failure naming it', T, async () => {
    const p = await proxy(() => 'HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden');
    const { summary } = await runAccounted([
      '-r',
      '-X',
      `127.0.0.1:${p.port}`,
      '-P',
      'user:secret',
      '-n',
      '6',
      '-c',
      '2',
      'https://origin.test/x',
    ]);
    assert.equal(summary.responses, 0);
    assert.equal(summary.failures.connect, 6);
    // The proxy's refusal answered no request of the run: none of its bytes are transferred ones.
    assert.equal(summary.bytes.received, 0);
    assert.deepEqual(summary.errors, { 'proxy answered CONNECT with 403 Forbidden': 6 });
    assert.deepEqual(summary.errorCodes, { PROXY_REFUSED: 6 });
    assert.equal(p.heads.length, 6);
    // The target's name went to the proxy unresolved: origin.test exists nowhere.
    assert.deepEqual((p.heads[0] ?? '').split('\r\n'), [
      'CONNECT origin.test:443 HTTP/1.1',
      'Host: origin.test:443',
      `Proxy-Authorization: ${basic('user:secret')}`,
    ]);
  });

  test('HTTPS to an IPv6 origin: CONNECT puts the address in brackets', T, async () => {
    const p = await proxy(
      () => 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="x"\r\nContent-Length: 0\r\n\r\n',
    );
    const { summary } = await runAccounted(['-r', '-X', `127.0.0.1:${p.port}`, '-n', '1', 'https://[::1]:8443/']);
    assert.deepEqual(summary.errors, { 'proxy answered CONNECT with 407 Proxy Authentication Required': 1 });
    assert.equal((p.heads[0] ?? '').split('\r\n')[0], 'CONNECT [::1]:8443 HTTP/1.1');
  });

  test('a proxy that closes during CONNECT: a Connect failure that says so', T, async () => {
    const p = await proxy(() => null);
    const { summary } = await runAccounted(['-r', '-X', `127.0.0.1:${p.port}`, '-n', '3', 'https://origin.test/']);
    assert.equal(summary.failures.connect, 3);
    assert.deepEqual(summary.errors, { 'proxy closed the connection before answering CONNECT': 3 });
    assert.deepEqual(summary.errorCodes, { PROXY_CLOSED: 3 });
  });

  test('a proxy that answers CONNECT with something not HTTP: a Connect failure quoting it, tamed', T, async () => {
    const p = await proxy(() => 'SSH-2.0-OpenSSH\x1b[31m\r\n\r\n');
    const { summary } = await runAccounted(['-r', '-X', `127.0.0.1:${p.port}`, '-n', '2', 'https://origin.test/']);
    assert.equal(summary.failures.connect, 2);
    assert.deepEqual(summary.errors, { 'proxy answered CONNECT with something that is not HTTP/1.x: SSH-2.0-OpenSSH?[31m': 2 });
    assert.deepEqual(summary.errorCodes, { PROXY_BAD_ANSWER: 2 });
  });

  test('without -r the first refusal stops the run, as any Connect failure does', T, async () => {
    const p = await proxy(() => 'HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const { summary, firstError } = await runAccounted(['-X', `127.0.0.1:${p.port}`, '-n', '50', 'https://origin.test/']);
    assert.equal(summary.stopReason, 'error');
    assert.equal(firstError, 'proxy answered CONNECT with 502 Bad Gateway');
    assert.equal(summary.failures.connect, 1);
    assert.ok(p.heads.length < 50, `${p.heads.length} CONNECTs`);
  });
});
