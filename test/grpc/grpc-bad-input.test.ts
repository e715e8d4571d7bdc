// gb grpc's bad input: a .proto that does not parse, an unknown service or method, --data that does not fit
// the request type, a malformed --call. Each is one line on stderr naming what is wrong, exit 2, and no
// connection is ever opened.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runGb } from '../helpers/gb-process.js';
import { ECHO_PROTO, PROTO_INCLUDE } from '../helpers/grpc-server.js';

const PROTO = ['--proto', ECHO_PROTO, '--import-path', PROTO_INCLUDE];

describe('gb grpc: bad input is one line, exit 2, nothing sent', () => {
  let server: Server;
  let connections = 0;
  let url = '';
  let dir = '';
  before(async () => {
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    dir = mkdtempSync(join(tmpdir(), 'gb-grpc-bad-'));
    writeFileSync(join(dir, 'broken.proto'), 'syntax = "proto3";\nmessage A {\n  string x = ;\n}\n');
    writeFileSync(join(dir, 'calls.jsonl'), '{"text":"fine"}\n{"text":"fine"}\n{"text":7}\n');
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: readonly { readonly name: string; readonly args: () => string[]; readonly line: RegExp }[] = [
    {
      name: 'a .proto that does not parse: file:line',
      args: () => ['--proto', join(dir, 'broken.proto'), '--call', 'a.B/C'],
      line: /broken\.proto:3: illegal id ';'/,
    },
    {
      name: 'an import not found',
      args: () => ['--proto', ECHO_PROTO, '--call', 'gbtest.Echo/Say'],
      line: /cannot read the import .*common\.proto/,
    },
    {
      name: "an unknown method: the service's methods named",
      args: () => [...PROTO, '--call', 'gbtest.Echo/Shout'],
      line: /unknown method 'Shout' of service gbtest\.Echo \(methods: Say, Fail, Expand, Collect, Chat, Slow\)/,
    },
    {
      name: 'an unknown service',
      args: () => [...PROTO, '--call', 'other.Echo/Say'],
      line: /unknown service 'other\.Echo'.*services: gbtest\.Echo/,
    },
    { name: '--call malformed', args: () => [...PROTO, '--call', 'Say'], line: /bad --call 'Say' \(expected pkg\.Service\/Method\)/ },
    {
      name: '--data with a field of the wrong type: the field named',
      args: () => [...PROTO, '--call', 'gbtest.Echo/Say', '--data', '{"text":5}'],
      line: /--data: does not match gbtest\.EchoRequest: text: string expected/,
    },
    {
      name: '--data with a field the type lacks, nested',
      args: () => [...PROTO, '--call', 'gbtest.Echo/Say', '--data', '{"tag":{"nme":"x"}}'],
      line: /no field 'tag\.nme' in gbtest\.common\.Tag/,
    },
    { name: '--data that is not JSON', args: () => [...PROTO, '--call', 'gbtest.Echo/Say', '--data', '{text'], line: /--data: not JSON/ },
    {
      name: 'a bad line of --data @FILE: FILE:LINE',
      args: () => [...PROTO, '--call', 'gbtest.Echo/Say', '--data', `@${join(dir, 'calls.jsonl')}`],
      line: /calls\.jsonl:3: does not match gbtest\.EchoRequest: text: string expected/,
    },
    { name: 'neither --proto nor --reflect', args: () => ['--call', 'gbtest.Echo/Say'], line: /needs --proto FILE or --reflect/ },
    {
      name: '--stream-messages on a unary method',
      args: () => [...PROTO, '--call', 'gbtest.Echo/Say', '--stream-messages', '3'],
      line: /--stream-messages is for client-streaming and bidi methods; gbtest\.Echo\/Say is unary/,
    },
    {
      name: 'a bad --deadline',
      args: () => [...PROTO, '--call', 'gbtest.Echo/Say', '--deadline', 'soon'],
      line: /invalid --deadline soon/,
    },
    { name: 'an option gb grpc sets itself', args: () => [...PROTO, '--call', 'gbtest.Echo/Say', '-m', 'GET'], line: /drop -m/ },
  ];
  for (const c of cases) {
    it(c.name, { timeout: 15_000 }, async () => {
      const exit = await runGb(['grpc', url, ...c.args(), '-n', '5']);
      assert.equal(exit.code, 2, exit.stderr);
      const lines = exit.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, exit.stderr);
      assert.match(lines[0] ?? '', /^gb: /);
      assert.match(lines[0] ?? '', c.line);
      assert.equal(exit.stdout, '');
      assert.equal(connections, 0, 'nothing was sent');
    });
  }
});
