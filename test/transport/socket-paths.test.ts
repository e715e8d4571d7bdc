// Both socket implementations — the raw TCP handle (default for plain HTTP) and net.Socket (the
// fallback, forced with GB_NO_RAW_TCP=1) — give the same, exact results through the whole CLI.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTargetServer, type TargetServer } from '../../src/server/target.js';
import type { Summary } from '../../src/metrics/summary.js';
import { bindingWouldWarn, rawTcpAvailable } from '../../src/transport/raw-tcp.js';
import { runGb } from '../helpers/gb-process.js';
import { startRawServer } from '../helpers/raw-server.js';

const field = (stdout: string, label: string): string => {
  const line = stdout.split('\n').find((l) => l.startsWith(label));
  assert.ok(line !== undefined, `no "${label}" line in:\n${stdout}`);
  return line.slice(label.length).trim();
};

test('this Node offers the raw TCP handle (else every run silently takes the slower path)', () => {
  assert.equal(rawTcpAvailable, true);
});

describe('which transport ran, in the JSON result', () => {
  let target: TargetServer;
  before(async () => {
    target = await startTargetServer();
  });
  after(() => target.close());

  const runs: ReadonlyArray<{ what: string; args: readonly string[]; env: Record<string, string>; transport: Summary['transport'] }> = [
    { what: 'by default', args: [], env: {}, transport: 'raw-tcp' },
    { what: 'in worker threads', args: ['-G', '2'], env: {}, transport: 'raw-tcp' },
    { what: 'with GB_NO_RAW_TCP=1', args: [], env: { GB_NO_RAW_TCP: '1' }, transport: 'net' },
    { what: 'with GB_NO_RAW_TCP=1 in worker threads', args: ['-G', '2'], env: { GB_NO_RAW_TCP: '1' }, transport: 'net' },
  ];
  for (const { what, args, env, transport } of runs) {
    test(`${what}: ${transport}`, async () => {
      const r = await runGb(['-q', '-n', '20', '-c', '2', ...args, '--json', '-', `${target.url}/`], { env });
      assert.equal(r.code, 0, r.stderr);
      const summary = JSON.parse(r.stdout) as Summary;
      assert.equal(summary.responses, 20);
      assert.equal(summary.transport, transport);
    });
  }
});

// process.binding() is DEP0111; a benchmark must not add a warning to anyone's output.
describe('--pending-deprecation', () => {
  let target: TargetServer;
  before(async () => {
    target = await startTargetServer();
  });
  after(() => target.close());

  for (const [how, env] of [
    ['NODE_OPTIONS', { NODE_OPTIONS: '--pending-deprecation' }],
    ['NODE_PENDING_DEPRECATION=1', { NODE_PENDING_DEPRECATION: '1' }],
  ] as const) {
    test(`through ${how}: no deprecation warning, and net.Socket carries the run`, async () => {
      const r = await runGb(['-n', '10', '-c', '2', '-G', '2', '--json', '-', `${target.url}/`], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /DeprecationWarning|DEP0111/);
      // With --json - the ab report goes to stderr; a Node warning would be a "(node:PID)" line there.
      assert.doesNotMatch(r.stderr, /^\(node:\d+\)|Warning/m);
      assert.match(r.stderr, /^Complete requests: +10$/m);
      const summary = JSON.parse(r.stdout) as Summary;
      assert.equal(summary.responses, 10);
      assert.equal(summary.transport, 'net');
    });
  }

  test('the binding is trusted only when it is the plain function and no flag asks for the warning', () => {
    function binding(): void {}
    function deprecated(): void {}
    assert.equal(bindingWouldWarn(binding, [], {}), false);
    assert.equal(bindingWouldWarn(deprecated, [], {}), true);
    assert.equal(bindingWouldWarn(undefined, [], {}), true);
    assert.equal(bindingWouldWarn(binding, ['--pending-deprecation'], {}), true);
    assert.equal(bindingWouldWarn(binding, [], { NODE_OPTIONS: '--max-old-space-size=512  --pending-deprecation' }), true);
    assert.equal(bindingWouldWarn(binding, [], { NODE_OPTIONS: '--no-pending-deprecation-x' }), false);
    assert.equal(bindingWouldWarn(binding, [], { NODE_PENDING_DEPRECATION: '1' }), true);
  });
});

for (const mode of ['raw', 'stream'] as const) {
  const env = mode === 'stream' ? { GB_NO_RAW_TCP: '1' } : {};
  describe(`${mode} sockets`, () => {
    let target: TargetServer;
    before(async () => {
      target = await startTargetServer();
    });
    after(() => target.close());

    for (const keepAlive of [true, false]) {
      test(`${keepAlive ? 'keep-alive' : 'a connection per request'}: the server sees exactly -n, bytes are exact`, async () => {
        target.resetStats();
        const args = ['-q', '-n', '1003', '-c', '7', ...(keepAlive ? ['-k'] : []), `${target.url}/bytes/1000`];
        const r = await runGb(args, { env });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(target.stats().requests, 1003);
        assert.equal(field(r.stdout, 'Complete requests:'), '1003');
        assert.equal(field(r.stdout, 'Failed requests:'), '0');
        assert.equal(field(r.stdout, 'HTML transferred:'), `${1003 * 1000} bytes`);
        if (keepAlive) assert.ok(target.stats().connections <= 7);
        else assert.equal(target.stats().connections, 1003);
      });
    }

    test('a close-delimited body is read to the close', async () => {
      const server = await startRawServer({ reply: () => 'HTTP/1.0 200 OK\r\n\r\nhello world', closeAfterReply: true });
      try {
        const r = await runGb(['-q', '-n', '20', '-c', '2', server.url], { env });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(field(r.stdout, 'Complete requests:'), '20');
        assert.equal(field(r.stdout, 'HTML transferred:'), `${20 * 11} bytes`);
        assert.equal(server.requests(), 20);
      } finally {
        await server.close();
      }
    });

    test('a reset is a Receive failure named ECONNRESET, and stops the run without -r', async () => {
      const server = net.createServer((s) => s.once('data', () => s.resetAndDestroy()));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      try {
        const r = await runGb(['-n', '10', `http://127.0.0.1:${port}/`], { env });
        assert.equal(r.code, 1);
        assert.match(r.stdout, /\(Connect: 0, Receive: 1, Length: 0, Exceptions: 0\)/);
        assert.match(r.stderr, /ECONNRESET/);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    test('a refused connection is a Connect failure named ECONNREFUSED', async () => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      await new Promise((resolve) => server.close(resolve));
      const r = await runGb(['-r', '-n', '5', `http://127.0.0.1:${port}/`], { env });
      assert.match(r.stdout, /\(Connect: 5, Receive: 0, Length: 0, Exceptions: 0\)/);
      assert.match(r.stdout, /ECONNREFUSED ×5/);
    });
  });
}
