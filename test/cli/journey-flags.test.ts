// Journeys' bad input: one gb: line on stderr, exit 2, nothing sent; and a journey's failures, stuck iterations and cookies against gb's target.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ranIn } from '../helpers/in-process.js';
import { fileTarget } from '../helpers/target.js';

const server = fileTarget();
const dir = mkdtempSync(join(tmpdir(), 'gb-journey-flags-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const journey = file('journey.mjs', `export default { async iteration(vu) { await vu.get('/'); } };\n`);
const plain = file('plain.mjs', `export default { request() { return { path: '/' }; } };\n`);
const both = file('both.mjs', `export async function iteration(vu) { await vu.get('/'); }\nexport function response() { return true; }\n`);
const shortRow = file('short.csv', 'user,password\nann,1\nbob\n');
const missingField = file('missing.jsonl', '{"user":"ann","password":"1"}\n{"user":"bob"}\n');
const targets = file('targets.txt', 'GET http://127.0.0.1:1/\n');

for (const [what, args, message] of [
  ['a script without iteration(vu)', ['--users', '2', '--script', plain], /exports no iteration\(vu\): --users runs a journey/],
  ['a journey script without --users', ['-n', '2', '--script', journey], /exports iteration\(vu\), a journey: run it with --users N/],
  ['a journey that exports response() too', ['--users', '1', '--script', both], /response\(\) cannot be used with --users/],
  ['--users with --targets', ['--users', '2', '--script', journey, '--targets', targets], /--users cannot be used with --targets/],
  ['--users without --script', ['--users', '2'], /--users needs --script FILE/],
  ['--users with -n', ['--users', '2', '-n', '10', '--script', journey], /-n 10 counts requests; a journey counts iterations/],
  ['--users with -c', ['--users', '2', '-c', '4', '--script', journey], /--users and -c 4 cannot be used together/],
  ['--iterations without --users', ['--iterations', '5'], /--iterations needs --users/],
  [
    '--max-users without a rate',
    ['--users', '2', '--max-users', '4', '-t', '1s', '--script', journey],
    /--max-users 4 needs --rate or --stages/,
  ],
  [
    '--max-users below --users',
    ['--users', '4', '--max-users', '2', '--rate', '5', '-t', '1s', '--script', journey],
    /--max-users 2 is below --users 4/,
  ],
  ['--rate with no bound', ['--users', '2', '--rate', '10', '--script', journey], /--rate with --users needs --iterations or -t/],
  [
    '--data with a short CSV row',
    ['--users', '2', '--script', journey, '--data', shortRow],
    /--data .*short\.csv:3: 1 field, but the header has 2 \(user, password\)/,
  ],
  [
    '--data with a JSON line missing a field',
    ['--users', '2', '--script', journey, '--data', missingField],
    /missing\.jsonl:2: missing field "password"/,
  ],
  ['--data-random without --data', ['--users', '2', '--script', journey, '--data-random'], /--data-random needs --data/],
] as const) {
  test(`${what}: one line, exit 2, nothing sent`, async () => {
    const url = (args as readonly string[]).includes('--targets') ? [] : [`${server.url}/`];
    const ran = await ranIn(['-q', ...args, ...url]);
    assert.equal(ran.code, 2, ran.err);
    const lines = ran.err.trimEnd().split('\n');
    assert.equal(lines.length, 1, ran.err);
    assert.match(lines[0]!, /^gb: /);
    assert.match(lines[0]!, message);
    assert.equal(server.stats().requests, 0);
  });
}
