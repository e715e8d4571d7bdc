// Journeys' bad input: one gb: line on stderr, exit 2, nothing sent; and a journey's failures, stuck iterations and cookies against gb's target.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Summary } from '../../src/metrics/summary.js';
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
  ['--users with --streams', ['--users', '2', '--http2', '--streams', '4', '--script', journey], /--streams cannot be used with --users/],
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

/** Runs a journey against the target and returns its exit, stderr and JSON summary. */
async function journeyRun(name: string, body: string, args: readonly string[]): Promise<{ code: number; err: string; summary: Summary }> {
  const script = file(name, body);
  const ran = await ranIn(['-q', ...args, '--script', script, '--json', '-', `${server.url}/`]);
  return { code: ran.code, err: ran.err, summary: JSON.parse(ran.out) as Summary };
}

test('a thrown error fails that iteration, with the script line, and the user goes on', async () => {
  const body = `export async function iteration(vu) {
  await vu.get('/');
  if (vu.iteration % 2 === 1) throw new Error('odd one out');
}\n`;
  const { code, err, summary } = await journeyRun('throws.mjs', body, ['--users', '1', '--iterations', '10']);
  assert.equal(code, 0, err);
  const j = summary.journeys!;
  assert.equal(j.iterations.complete, 5);
  assert.equal(j.iterations.failed, 5);
  assert.equal(j.failures.length, 1);
  assert.match(j.failures[0]!.message, /^iteration\(\) threw: Error: odd one out \(at .*throws\.mjs:3:/);
  assert.equal(j.failures[0]!.count, 5);
  assert.equal(server.stats().requests, 10, 'a failed iteration is not a failed request');
  assert.equal(summary.failed, 0);
});

test('an iteration that awaits something of its own forever fails after -s, and the run ends', { timeout: 20_000 }, async () => {
  const body = `export async function iteration(vu) {
  await vu.get('/');
  await new Promise(() => {});
}\n`;
  const started = performance.now();
  const { code, err, summary } = await journeyRun('stuck.mjs', body, ['--users', '1', '--iterations', '2', '-s', '1']);
  assert.equal(code, 0, err);
  const j = summary.journeys!;
  assert.equal(j.iterations.failed, 2);
  assert.match(j.failures[0]!.message, /made no progress for 1 s/);
  assert.ok(performance.now() - started < 10_000);
});

test('-t ends iterations in their think time as interrupted, neither complete nor failed', { timeout: 20_000 }, async () => {
  const body = `export async function iteration(vu) {
  await vu.get('/');
  vu.check('answered', true);
  await vu.sleep(10000);
}\n`;
  const started = performance.now();
  const { code, err, summary } = await journeyRun('sleepy.mjs', body, ['--users', '3', '-t', '1s']);
  assert.equal(code, 0, err);
  const j = summary.journeys!;
  assert.deepEqual([j.iterations.started, j.iterations.complete, j.iterations.failed, j.iterations.interrupted], [3, 0, 0, 3]);
  assert.deepEqual(j.checks, [{ name: 'answered', passed: 3, failed: 0 }]);
  assert.ok(performance.now() - started < 5_000, 'the sleeps did not hold the run');
});

test('--fail-if on iterations and checks judges the journey', async () => {
  const body = `export async function iteration(vu) {
  const r = await vu.get('/status/' + (vu.iteration < 2 ? 200 : 503));
  vu.check('ok', r.status === 200);
}\n`;
  const script = file('judged.mjs', body);
  const pass = await ranIn([
    '-q',
    '--users',
    '1',
    '--iterations',
    '4',
    '--script',
    script,
    '--fail-if',
    'iterations<4',
    '--fail-if',
    'checks<50%',
    `${server.url}/`,
  ]);
  assert.equal(pass.code, 0, pass.err);
  const fail = await ranIn(['-q', '--users', '1', '--iterations', '4', '--script', script, '--fail-if', 'checks<51%', `${server.url}/`]);
  assert.equal(fail.code, 1, fail.err);
  assert.match(fail.out + fail.err, /checks<51%.*FAILED|FAILED.*checks/i);
});

test('--warmup runs iterations unmeasured first; --iterations counts only the measured ones', { timeout: 20_000 }, async () => {
  const body = `export async function iteration(vu) {
  await vu.get('/');
  await vu.sleep(20);
  await vu.get('/');
}\n`;
  const { code, err, summary } = await journeyRun('warm.mjs', body, ['--users', '3', '--iterations', '9', '--warmup', '300ms']);
  assert.equal(code, 0, err);
  const j = summary.journeys!;
  assert.deepEqual([j.iterations.started, j.iterations.complete, j.iterations.interrupted], [9, 9, 0]);
  assert.equal(summary.completed, 18, 'two measured requests an iteration');
  // The warm-up's own iterations reached the server too, at about 3 users / 20 ms each for 300 ms.
  assert.ok(server.stats().requests >= 18 + 2 * 3 * 5, `${server.stats().requests} requests in all`);
});

test(
  'a step the script did not await neither crashes the run at its end nor hides: the next step fails the iteration',
  { timeout: 20_000 },
  async () => {
    const body = `export async function iteration(vu) {
  if (vu.iteration === 0) {
    vu.get('/delay/3000');
    await vu.get('/');
  }
  vu.get('/delay/3000');
  await vu.sleep(10000);
}\n`;
    const { code, err, summary } = await journeyRun('unawaited.mjs', body, ['--users', '1', '-t', '1s', '-r']);
    assert.equal(code, 1, err);
    const j = summary.journeys!;
    assert.equal(j.iterations.failed, 1);
    assert.match(j.failures[0]!.message, /a step is already in flight for this user: await each step before the next/);
    assert.equal(j.iterations.interrupted, 1, 'the second iteration, cut off in its sleep with its step in flight');
    assert.equal(summary.cutOff, 1);
  },
);
