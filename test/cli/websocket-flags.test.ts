// WebSocket bad input: flags that need a ws:// URL, flags a ws:// URL cannot take, a --binary without a file: one gb: line, exit 2, nothing sent.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ranIn } from '../helpers/in-process.js';
import { listenLoopback } from '../helpers/loopback.js';

const dir = mkdtempSync(join(tmpdir(), 'gb-ws-flags-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const body = join(dir, 'body.bin');
writeFileSync(body, 'x');
const script = join(dir, 'hooks.mjs');
writeFileSync(script, 'export default { request() { return { path: "/" }; } };\n');
const huge = join(dir, 'huge.bin');
writeFileSync(huge, Buffer.alloc(16 * 1024 * 1024 + 1));
const targets = join(dir, 'targets.txt');
writeFileSync(targets, 'GET http://127.0.0.1:1/\n');

let connections = 0;
const server = await listenLoopback(() => connections++);
after(() => server.close());
const ws = `ws://127.0.0.1:${server.port}/`;
const http = `http://127.0.0.1:${server.port}/`;

for (const [what, args, message] of [
  ['--binary without --message', ['--binary', ws], /^gb: --binary needs --message @FILE/],
  ['--binary with a text --message', ['--binary', '--message', 'abc', ws], /^gb: --binary needs --message @FILE/],
  ['--message on an http:// URL', ['--message', 'hi', http], /^gb: --message needs a ws:\/\/ or wss:\/\/ URL/],
  ['--echo on an http:// URL', ['--echo', http], /^gb: --echo needs a ws:\/\/ or wss:\/\/ URL/],
  ['--http2 with ws://', ['--http2', ws], /^gb: --http2 cannot be used with a ws:\/\/ or wss:\/\/ URL/],
  ['-p with ws://', ['-p', body, ws], /^gb: -p cannot be used with a ws:\/\/ or wss:\/\/ URL: messages carry the payload/],
  ['-m with ws://', ['-m', 'POST', ws], /^gb: -m cannot be used with a ws:\/\/ or wss:\/\/ URL/],
  ['--script with ws://', ['--script', script, ws], /^gb: --script cannot be used with a ws:\/\/ or wss:\/\/ URL/],
  ['--echo with --rate', ['--echo', '--rate', '10', '-n', '10', ws], /^gb: --echo cannot be used with --rate or --stages/],
  ['--pipeline without --rate', ['--pipeline', '4', ws], /^gb: --pipeline 4 needs --rate with a ws:\/\/ URL/],
  ['a --message file that does not exist', ['--message', `@${join(dir, 'none')}`, ws], /^gb: --message file .* does not exist/],
  [
    'a --message file over 16 MiB',
    ['--binary', '--message', `@${huge}`, ws],
    /^gb: --message @.*huge\.bin is 16777217 bytes; a WebSocket message is at most 16 MiB/,
  ],
  ['--users with ws://', ['--users', '2', '--script', script, ws], /^gb: --script cannot be used with a ws:\/\/ or wss:\/\/ URL/],
  ['ws:// in a targets file', ['--targets', join(dir, 'ws-targets.txt')], /unsupported scheme 'ws:'/],
] as const) {
  test(`${what}: one line, exit 2, nothing sent`, async () => {
    writeFileSync(join(dir, 'ws-targets.txt'), `GET ${ws}\n`);
    const ran = await ranIn(['-q', ...args]);
    assert.equal(ran.code, 2, ran.err);
    const lines = ran.err.trimEnd().split('\n');
    assert.equal(lines.length, 1, ran.err);
    assert.match(lines[0]!, message);
    assert.equal(connections, 0);
  });
}
