// run()'s options object: checked by the command line's own rules and messages, every problem at once, never a throw.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run, validateRunOptions, type RunOptions } from '../../src/index.js';
import { parseCommandLine } from '../../src/cli/flags.js';
import type { Config } from '../../src/config/config.js';

const URL_ = 'http://127.0.0.1:9/';

function problemsOf(options: unknown): readonly string[] {
  const checked = validateRunOptions(options);
  if (checked.ok) assert.fail('expected the options to be refused');
  return checked.error;
}

function cliProblems(argv: readonly string[]): readonly string[] {
  const parsed = parseCommandLine(argv);
  if (parsed.ok) assert.fail(`expected ${argv.join(' ')} to be refused`);
  return parsed.error;
}

function configOf(options: unknown): Config {
  const checked = validateRunOptions(options);
  if (!checked.ok) assert.fail(`options refused: ${checked.error.join('; ')}`);
  return checked.value.config;
}

function cliConfig(argv: readonly string[]): Config {
  const parsed = parseCommandLine(argv);
  if (!parsed.ok) assert.fail(`command line refused: ${parsed.error.join('; ')}`);
  if (parsed.value.kind !== 'run') assert.fail('expected a run');
  return parsed.value.options.config;
}

test('several bad options give every problem at once, in the words the command line uses for the same flags', () => {
  const problems = problemsOf({
    url: URL_,
    requests: 'abc',
    concurrency: 0,
    timeout: '-5s',
    method: 'GE T',
    headers: ['NoColon'],
    cookies: 'nameonly',
    pipeline: 4,
    failIf: 'p99>fast',
  });
  const cli = cliProblems([
    '-n',
    'abc',
    '-c',
    '0',
    '-s',
    '-5s',
    '-m',
    'GE T',
    '-H',
    'NoColon',
    '-C',
    'nameonly',
    '--pipeline',
    '4',
    '--fail-if',
    'p99>fast',
    URL_,
  ]);
  assert.ok(cli.length >= 7, `the command line names each problem: ${cli.join(' | ')}`);
  assert.deepEqual([...problems].sort(), [...cli].sort());
  assert.ok(
    problems.some((p) => p.includes("-n 'abc'") || p.includes('-n abc')),
    problems.join(' | '),
  );
});

test('unknown names are problems listed with the others, with a guess when one is close', () => {
  const problems = problemsOf({ url: URL_, concurency: 5, keepAlive: true, timelimit: '5s', zzzzzz: 1, requests: 0 });
  assert.ok(problems.includes("unknown option 'concurency' (did you mean 'concurrency'?)"), problems.join(' | '));
  assert.ok(problems.includes("unknown option 'keepAlive' (did you mean 'keepalive'?)"), problems.join(' | '));
  assert.ok(problems.includes("unknown option 'timelimit' (did you mean 'duration'?)"), problems.join(' | '));
  assert.ok(problems.includes("unknown option 'zzzzzz'"), problems.join(' | '));
  // The known options are still checked alongside.
  assert.ok(
    problems.some((p) => p.startsWith('invalid number of requests: -n')),
    problems.join(' | '),
  );
});

test('values of the wrong type are named with what the option takes, and nothing throws', () => {
  const problems = problemsOf({
    url: 42,
    requests: true,
    keepalive: 'yes',
    headers: 5,
    basicAuth: { user: 'u' },
    signal: 'stop',
    onProgress: 1,
    body: 3,
  });
  for (const expected of [
    "option 'url' must be a string, got number 42",
    "option 'requests' must be a number or a string such as '1k', got boolean true",
    'option \'keepalive\' must be true or false, got the string "yes"',
    "option 'headers' must be an object of name: value, or an array of 'Name: value' strings and [name, value] pairs, got number 5",
    "option 'basicAuth' must be a 'user:password' string or { user, password }, got an object",
    'option \'signal\' must be an AbortSignal, got the string "stop"',
    "option 'onProgress' must be a function, got number 1",
    "option 'body' must be a string or a Uint8Array, got number 3",
  ]) {
    assert.ok(problems.includes(expected), `missing: ${expected}\nin: ${problems.join(' | ')}`);
  }
  for (const notAnObject of [undefined, null, 'http://x/', [URL_], 5]) {
    const [only, ...rest] = problemsOf(notAnObject);
    assert.match(only ?? '', /^run\(\) takes an options object/);
    assert.equal(rest.length, 0);
  }
});

test('a valid options object gives the very Config of the equivalent command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-api-'));
  try {
    const file = join(dir, 'body.json');
    writeFileSync(file, '{"a":1}');
    const fromApi = configOf({
      url: URL_,
      requests: '1k',
      concurrency: 10,
      keepalive: true,
      duration: '10s',
      timeout: 5000,
      headers: { 'X-A': '1', Accept: 'text/plain' },
      cookies: ['a=1', 'b=2'],
      basicAuth: { user: 'u', password: 'p:w' },
      postFile: file,
      contentType: 'application/json',
      method: 'patch',
      rate: 100,
      maxConnections: 20,
      warmup: 500,
      pipeline: 2,
      gzip: true,
      variableLength: true,
      continueOnError: true,
      workers: 2,
      http10: true,
      bind: undefined, // a known option set to undefined is not given
    });
    const fromCli = cliConfig([
      '-n',
      '1k',
      '-c',
      '10',
      '-k',
      '-t',
      '10s',
      '-s',
      '5000ms',
      '-H',
      'X-A: 1',
      '-H',
      'Accept: text/plain',
      '-C',
      'a=1',
      '-C',
      'b=2',
      '-A',
      'u:p:w',
      '-p',
      file,
      '-T',
      'application/json',
      '-m',
      'patch',
      '--rate',
      '100',
      '--max-connections',
      '20',
      '--warmup',
      '500ms',
      '--pipeline',
      '2',
      '-z',
      '-l',
      '-r',
      '-G',
      '2',
      '--http1.0',
      URL_,
    ]);
    assert.deepEqual(fromApi, fromCli);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown name whose value is undefined is still a typo to point out', () => {
  assert.deepEqual(problemsOf({ url: URL_, requets: undefined }), ["unknown option 'requets' (did you mean 'requests'?)"]);
});

test('stages as [duration, rate] pairs equal the command line string; headers as pairs may repeat a name', () => {
  assert.deepEqual(
    configOf({
      url: URL_,
      stages: [
        [1000, 10],
        ['2s', 20],
      ],
    }),
    cliConfig(['--stages', '1000ms:10,2s:20', URL_]),
  );
  const headers = configOf({ url: URL_, headers: [['X-Twice', '1'], 'X-Twice: 2'] }).headers;
  assert.deepEqual(headers, [
    { name: 'X-Twice', value: '1' },
    { name: 'X-Twice', value: '2' },
  ]);
});

test('a body is sent with POST unless the method says otherwise, and follows the -p rules', () => {
  const posted = configOf({ url: URL_, body: '{"x":1}' });
  assert.equal(posted.method, 'POST');
  assert.deepEqual(Buffer.from(posted.body ?? new Uint8Array()).toString(), '{"x":1}');
  assert.equal(configOf({ url: URL_, body: new Uint8Array([1, 2]), method: 'put' }).method, 'PUT');
  const problems = problemsOf({ url: URL_, body: 'x', head: true, putFile: '/nonexistent/file' });
  assert.ok(problems.includes("option 'body' cannot be used with 'putFile': give one request body"), problems.join(' | '));
  assert.ok(problems.includes("option 'body' cannot be used with 'head': a HEAD request has no body"), problems.join(' | '));
});

test('run() resolves bad options to an invalid-options failure instead of throwing', async () => {
  const result = await run({ url: 'ftp://example/', requests: -1 });
  if (result.ok) assert.fail('expected a failure');
  assert.equal(result.error.kind, 'invalid-options');
  assert.deepEqual(result.error.problems, cliProblems(['-n', '-1', 'ftp://example/']));
  const none = await run(undefined as unknown as RunOptions);
  assert.equal(none.ok, false);
});

test("shard, startAt (a Date too) and runId give the command line's shard of the run", () => {
  const at = new Date(Date.now() + 60_000);
  const options = configOf({ url: URL_, requests: 301, concurrency: 7, shard: '2/3', startAt: at, runId: 'api-run' });
  const cli = cliConfig(['-n', '301', '-c', '7', '--shard', '2/3', '--start-at', at.toISOString(), '--run-id', 'api-run', URL_]);
  assert.deepEqual(options, cli);
  assert.equal(options.requests, 100);
  assert.equal(options.concurrency, 2);
  assert.equal(options.shard?.runId, 'api-run');
  assert.equal(options.startAtMs, at.getTime());
  assert.match(problemsOf({ url: URL_, concurrency: 2, requests: 10, shard: '3/3' }).join('\n'), /shard 3\/3 would get no connection/);
});

test("seed takes a whole number or its digits; a count's '1k' is refused by its type and by validation alike", () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-api-seed-'));
  try {
    const targets = join(dir, 'targets.txt');
    writeFileSync(targets, `GET ${URL_}a\n\nGET ${URL_}b\n`);
    const seeded = (seed: RunOptions['seed']): Config => configOf({ targets, random: true, seed });
    assert.equal(seeded(42).targets?.seed, 42);
    assert.equal(seeded('42').targets?.seed, 42);
    // @ts-expect-error: '1k' is a count's spelling, not a seed's.
    const options: RunOptions = { targets, random: true, seed: '1k' };
    assert.ok(
      problemsOf(options).some((p) => p.startsWith('invalid seed: --seed 1k')),
      problemsOf(options).join(' | '),
    );
    assert.ok(
      problemsOf({ targets, random: true, seed: true }).includes(
        "option 'seed' must be a whole number or a string of digits such as '42', got boolean true",
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
