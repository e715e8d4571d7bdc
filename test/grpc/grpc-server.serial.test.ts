// gb grpc against a real gRPC server (@grpc/grpc-js): every call and message gb counts is one the server
// counted, for each kind of method, with statuses by name and -H as metadata. Serial: the 100 000-call run
// takes the machine for a few seconds.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Summary } from '../../src/metrics/summary.js';
import { runGb } from '../helpers/gb-process.js';
import { ECHO_PROTO, PROTO_INCLUDE, startEchoServer, type EchoServer } from '../helpers/grpc-server.js';

const PROTO = ['--proto', ECHO_PROTO, '--import-path', PROTO_INCLUDE];

async function grpcRun(server: EchoServer, args: readonly string[], killAfterMs = 20_000): Promise<{ s: Summary; code: number | null }> {
  const exit = await runGb(['grpc', `http://127.0.0.1:${server.port}`, '--json', '-', '-q', ...args], { killAfterMs });
  assert.ok(exit.stdout.startsWith('{'), `gb printed no JSON: ${exit.stderr}`);
  return { s: JSON.parse(exit.stdout) as Summary, code: exit.code };
}

describe('gb grpc against @grpc/grpc-js', () => {
  let server: EchoServer;
  before(async () => {
    server = await startEchoServer({ reflection: true });
  });
  after(async () => server.close());

  it('100 000 unary calls: as many as the server answered, each OK, one message each way', { timeout: 30_000 }, async () => {
    server.calls.clear();
    const { s, code } = await grpcRun(server, [
      ...PROTO,
      '--call',
      'gbtest.Echo/Say',
      '--data',
      '{"text":"hi"}',
      '-n',
      '100000',
      '-c',
      '8',
      '--streams',
      '32',
    ]);
    assert.equal(code, 0);
    assert.equal(server.calls.get('Say'), 100_000);
    assert.equal(s.completed, 100_000);
    assert.equal(s.succeeded, 100_000);
    assert.equal(s.failed, 0);
    assert.equal(s.protocol, 'h2c');
    assert.deepEqual(s.grpc, {
      method: 'gbtest.Echo/Say',
      kind: 'unary',
      statuses: { OK: 100_000 },
      messagesSent: 100_000,
      messagesReceived: 100_000,
    });
  });

  it('a non-OK status: complete, failed as gRPC under its name, never non-2xx', { timeout: 20_000 }, async () => {
    server.calls.clear();
    const { s, code } = await grpcRun(server, [...PROTO, '--call', 'gbtest.Echo/Fail', '--data', '{"status":14}', '-n', '50', '-c', '5']);
    assert.equal(code, 1, 'no call succeeded');
    assert.equal(server.calls.get('Fail'), 50);
    assert.equal(s.completed, 50);
    assert.equal(s.failed, 50);
    assert.equal(s.failures.grpc, 50);
    assert.equal(s.failures.exceptions + s.failures.receive + s.failures.length, 0);
    assert.equal(s.non2xx, 0);
    assert.deepEqual(s.grpc?.statuses, { UNAVAILABLE: 50 });
    assert.deepEqual(s.errorCodes, { GRPC_UNAVAILABLE: 50 });
    assert.deepEqual(s.errors, { 'GRPC_UNAVAILABLE: asked for 14': 50 });
  });

  it('--data @FILE.jsonl: unary calls take the lines in turn, each its own row, OK and not alike', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-grpc-'));
    try {
      const file = join(dir, 'calls.jsonl');
      writeFileSync(file, '{"status":0}\n{"status":5}\n\n{"status":0}\n');
      server.calls.clear();
      const { s } = await grpcRun(server, [...PROTO, '--call', 'gbtest.Echo/Fail', '--data', `@${file}`, '-n', '30', '-c', '3']);
      assert.equal(server.calls.get('Fail'), 30);
      assert.deepEqual(s.grpc?.statuses, { OK: 20, NOT_FOUND: 10 });
      assert.equal(s.failures.grpc, 10);
      assert.equal(s.succeeded, 20);
      assert.deepEqual(
        s.endpoints?.map((e) => [e.name, e.requests]),
        [
          ['gbtest.Echo/Fail #1', 10],
          ['gbtest.Echo/Fail #2', 10],
          ['gbtest.Echo/Fail #3', 10],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('server streaming: every message of every answer counted', { timeout: 20_000 }, async () => {
    server.calls.clear();
    const { s } = await grpcRun(server, [
      ...PROTO,
      '--call',
      'gbtest.Echo/Expand',
      '--data',
      '{"text":"m","repeat":7}',
      '-n',
      '200',
      '-c',
      '4',
    ]);
    assert.equal(server.calls.get('Expand'), 200);
    assert.deepEqual(s.grpc, {
      method: 'gbtest.Echo/Expand',
      kind: 'server',
      statuses: { OK: 200 },
      messagesSent: 200,
      messagesReceived: 1400,
    });
  });

  it('client streaming and bidi: --stream-messages messages a call, as the server received them', { timeout: 20_000 }, async () => {
    server.calls.clear();
    server.messagesIn.count = 0;
    const collect = await grpcRun(server, [...PROTO, '--call', 'gbtest.Echo/Collect', '--stream-messages', '5', '-n', '100', '-c', '4']);
    assert.equal(server.calls.get('Collect'), 100);
    assert.equal(server.messagesIn.count, 500);
    assert.deepEqual(collect.s.grpc, {
      method: 'gbtest.Echo/Collect',
      kind: 'client',
      statuses: { OK: 100 },
      messagesSent: 500,
      messagesReceived: 100,
    });
    server.messagesIn.count = 0;
    const chat = await grpcRun(server, [
      ...PROTO,
      '--call',
      'gbtest.Echo/Chat',
      '--data',
      '{"text":"c"}',
      '--stream-messages',
      '3',
      '-n',
      '100',
      '-c',
      '4',
    ]);
    assert.equal(server.calls.get('Chat'), 100);
    assert.equal(server.messagesIn.count, 300);
    assert.deepEqual(chat.s.grpc, {
      method: 'gbtest.Echo/Chat',
      kind: 'bidi',
      statuses: { OK: 100 },
      messagesSent: 300,
      messagesReceived: 300,
    });
  });

  it('--reflect finds the method (and its imported types) without a .proto; -H arrives as metadata', { timeout: 20_000 }, async () => {
    server.calls.clear();
    const args = ['--reflect', '--call', 'gbtest.Echo/Say', '--data', '{"tag":{"name":"t"}}', '-H', 'x-gb-test: yes', '-n', '20'];
    const { s, code } = await grpcRun(server, args);
    assert.equal(code, 0);
    assert.equal(server.calls.get('Say'), 20);
    assert.deepEqual(s.grpc?.statuses, { OK: 20 });
    assert.deepEqual(server.lastMetadata.value?.get('x-gb-test'), ['yes']);
  });

  it('--deadline: a call the server cannot finish in time ends DEADLINE_EXCEEDED; one it can is OK', { timeout: 20_000 }, async () => {
    const late = await grpcRun(server, [
      ...PROTO,
      '--call',
      'gbtest.Echo/Slow',
      '--data',
      '{"repeat":400}',
      '--deadline',
      '50ms',
      '-n',
      '4',
      '-c',
      '4',
    ]);
    assert.deepEqual(late.s.grpc?.statuses, { DEADLINE_EXCEEDED: 4 });
    assert.equal(late.s.failures.grpc, 4);
    assert.ok((late.s.total?.maxUs ?? Infinity) < 350_000, `ended by the deadline, not the answer: ${late.s.total?.maxUs} µs`);
    const inTime = await grpcRun(server, [
      ...PROTO,
      '--call',
      'gbtest.Echo/Slow',
      '--data',
      '{"repeat":5}',
      '--deadline',
      '5s',
      '-n',
      '4',
      '-c',
      '4',
    ]);
    assert.deepEqual(inTime.s.grpc?.statuses, { OK: 4 });
  });

  it("-G 2: the workers' calls and statuses add up", { timeout: 20_000 }, async () => {
    server.calls.clear();
    const { s } = await grpcRun(server, [...PROTO, '--call', 'gbtest.Echo/Say', '-n', '1000', '-c', '4', '-G', '2']);
    assert.equal(server.calls.get('Say'), 1000);
    assert.deepEqual(s.grpc?.statuses, { OK: 1000 });
    assert.equal(s.grpc?.messagesReceived, 1000);
  });
});
