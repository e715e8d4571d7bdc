// --targets FILE: both formats, the request bytes each target gets, and one clear message per kind of bad file.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/config.js';
import type { RawOptions } from '../../src/config/validate.js';
import { validate } from '../../src/inputs/load.js';
import { buildTargetRequest } from '../../src/transport/request.js';
import { pick } from '../../src/engine/target-sequence.js';
import { ranIn } from '../helpers/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'gb-targets-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(text: string, ext = '.txt'): string {
  const path = join(dir, `t${files++}${ext}`);
  writeFileSync(path, text);
  return path;
}

function configOf(raw: Partial<RawOptions>): Config {
  const result = validate({ urls: [], ...raw });
  if (!result.ok) assert.fail(`expected a config, got: ${result.error.join(' | ')}`);
  return result.value;
}

function problems(raw: Partial<RawOptions>): readonly string[] {
  const result = validate({ urls: [], ...raw });
  if (result.ok) assert.fail('expected problems, got a config');
  return result.error;
}

const requestText = (config: Config, i: number): string => buildTargetRequest(config, '1.0', config.targets!.list[i]!).toString('latin1');

describe('plain format', () => {
  it('reads METHOD URL, headers, an @body relative to the file, comments and blank lines', () => {
    mkdirSync(join(dir, 'bodies'), { recursive: true });
    writeFileSync(join(dir, 'bodies', 'item.json'), '{"a":1}');
    const path = file(
      '# items\nGET http://127.0.0.1:8080/a?x=1\nX-One: 1\n\n\nPOST http://127.0.0.1:8080/items\nContent-Type: application/json\n@bodies/item.json\n',
    );
    const config = configOf({ targets: path });
    assert.deepEqual(
      config.targets!.list.map((t) => [t.name, t.method, t.target.path, t.headers.length, t.body?.byteLength ?? null]),
      [
        ['GET /a?x=1', 'GET', '/a?x=1', 1, null],
        ['POST /items', 'POST', '/items', 1, 7],
      ],
    );
    assert.equal(config.targets!.order, 'round-robin');
    assert.equal(config.target.path, '/a?x=1', "the first target's URL names the run");
    assert.ok(config.variableLength, 'endpoints answer with lengths of their own');
    const post = requestText(config, 1);
    assert.match(post, /^POST \/items HTTP\/1\.1\r\nHost: 127\.0\.0\.1:8080\r\n/);
    assert.match(post, /\r\nContent-Type: application\/json\r\n/);
    assert.doesNotMatch(post, /text\/plain/, "the target's Content-Type replaces -T's default");
    assert.match(post, /\r\nContent-Length: 7\r\n/);
    assert.match(post, /\r\n\r\n\{"a":1\}$/);
  });

  it('-H, -C and -A apply to every target unless the target sets that header', () => {
    const path = file('GET http://127.0.0.1:8080/own\nX-Team: own\nAuthorization: Bearer t\n\nGET http://127.0.0.1:8080/plain\n');
    const config = configOf({ targets: path, headers: ['X-Team: cli', 'X-Other: 1'], cookies: ['a=1'], auth: 'u:p' });
    const own = requestText(config, 0);
    const plain = requestText(config, 1);
    assert.match(own, /\r\nX-Team: own\r\n/);
    assert.doesNotMatch(own, /X-Team: cli/);
    assert.match(own, /\r\nAuthorization: Bearer t\r\n/);
    assert.doesNotMatch(own, /Basic/);
    assert.match(own, /\r\nX-Other: 1\r\n/);
    assert.match(plain, /\r\nX-Team: cli\r\n/);
    assert.match(plain, /\r\nAuthorization: Basic dTpw\r\n/);
    assert.match(plain, /\r\nCookie: a=1\r\n/);
  });
});

describe('JSON Lines', () => {
  it('is chosen by .jsonl/.ndjson or by a first line starting with "{", with method, url, headers, body, bodyBase64, name', () => {
    const lines =
      '{"method":"PUT","url":"http://127.0.0.1:8080/x","headers":{"X-A":"1"},"body":"hi","name":"put x"}\n{"url":"http://127.0.0.1:8080/bin","method":"post","bodyBase64":"AAEC"}\n';
    for (const path of [file(lines, '.jsonl'), file(lines, '.ndjson'), file(`# by content\n${lines}`)]) {
      const config = configOf({ targets: path });
      assert.deepEqual(
        config.targets!.list.map((t) => [t.name, t.method, t.body === null ? null : [...t.body]]),
        [
          ['put x', 'PUT', [...Buffer.from('hi')]],
          ['POST /bin', 'POST', [0, 1, 2]],
        ],
      );
    }
  });
});

describe('--random and --seed', () => {
  it('the same seed gives the same sequence; the counts stay close to even', () => {
    const counts = [0, 0, 0];
    const sequence = (seed: number): number[] => Array.from({ length: 30 }, (_, k) => pick(seed, k, 3));
    assert.deepEqual(sequence(42), sequence(42));
    assert.notDeepEqual(sequence(42), sequence(43));
    for (let k = 0; k < 30_000; k++) counts[pick(7, k, 3)]! += 1;
    for (const n of counts) assert.ok(Math.abs(n - 10_000) < 400, `count ${n} near 10 000`);
  });

  it('--random takes --seed; --seed alone and --random alone are refused', () => {
    const path = file('GET http://127.0.0.1:8080/a\n');
    assert.deepEqual(configOf({ targets: path, random: true, seed: '9' }).targets, {
      file: path,
      list: configOf({ targets: path }).targets!.list,
      order: 'random',
      seed: 9,
      members: null,
    });
    assert.deepEqual(problems({ targets: path, seed: '9' }), [
      '--seed needs --random or --data-random (round-robin order has no randomness to seed)',
    ]);
    assert.deepEqual(problems({ urls: ['http://127.0.0.1/'], random: true }), [
      "--random needs --targets (it picks among the targets file's requests)",
    ]);
  });
});

describe('bad targets files: one message each, naming the file (and line)', () => {
  const cases: readonly [string, () => Partial<RawOptions>, RegExp][] = [
    ['missing', () => ({ targets: join(dir, 'nope.txt') }), /^--targets .*nope\.txt: no such file$/],
    [
      'empty',
      () => ({ targets: file('# only a comment\n\n') }),
      /^--targets .*: has no request \(expected 'METHOD URL' lines, or JSON Lines\)$|has no request/,
    ],
    [
      'a malformed request line',
      () => ({ targets: file('GET http://127.0.0.1/a\n\nGET\n') }),
      /^.*t\d+\.txt:3: expected 'METHOD URL' \(e\.g\. GET http:\/\/host\/path\), got GET$/,
    ],
    [
      'a malformed header line',
      () => ({ targets: file('GET http://127.0.0.1/a\nnot a header\n') }),
      /^.*t\d+\.txt:2: expected 'Name: value' \(a header\) or '@path\/to\/body', got "not a header"$/,
    ],
    [
      'a missing body file',
      () => ({ targets: file('POST http://127.0.0.1/a\n@missing.bin\n') }),
      /^.*t\d+\.txt:2: body file missing\.bin not found \(looked for .*missing\.bin\)$/,
    ],
    [
      'a URL with another scheme',
      () => ({ targets: file('GET ftp://127.0.0.1/a\n') }),
      /^.*t\d+\.txt:1: unsupported scheme 'ftp:' in URL ftp:\/\/127\.0\.0\.1\/a \(use http:\/\/ or https:\/\/\)$/,
    ],
    [
      'bad JSON',
      () => ({ targets: file('{"url": "http://127.0.0.1/"\n', '.jsonl') }),
      /^.*t\d+\.jsonl:1: not JSON \(.*\); expected \{"method","url","headers","body"\}$/,
    ],
    [
      'a URL given as well',
      () => ({ targets: file('GET http://127.0.0.1/a\n'), urls: ['http://127.0.0.1/'] }),
      /^--targets .* gives the requests: drop the URL http:\/\/127\.0\.0\.1\/$/,
    ],
    [
      '-p with --targets',
      () => ({ targets: file('GET http://127.0.0.1/a\n'), postFile: 'x' }),
      /^-p cannot be used with --targets: each request's method and body come from the file$/,
    ],
  ];
  for (const [what, raw, message] of cases) {
    it(what, () => {
      const found = problems(raw());
      assert.equal(found.length, 1, found.join(' | '));
      assert.match(found[0]!, message);
    });
  }

  it('on the command line: one gb: line on stderr, exit 2, nothing sent', async () => {
    const ran = await ranIn(['-n', '3', '--targets', file('GET http://127.0.0.1:9/a\nbad header\n')]);
    assert.equal(ran.code, 2);
    assert.match(
      ran.err,
      /^gb: .*t\d+\.txt:2: expected 'Name: value' \(a header\) or '@path\/to\/body', got "bad header" \(see 'gb -h'\)\n$/,
    );
    assert.equal(ran.out, '');
  });
});

describe('a targets file of several origins: each origin needs a connection of its own', () => {
  const twoOrigins = (): string => file('GET http://127.0.0.1:8080/a\n\nGET http://localhost:8080/b\n');

  it("a shard whose part of -c cannot give each origin one is refused (it would send none of that origin's share, and wait for ever)", () => {
    const path = twoOrigins();
    assert.deepEqual(problems({ targets: path, concurrency: '3', requests: '40', shard: '2/2' }), [
      `--targets ${path} names 2 origins, each with connections of its own: -c must be at least 2 (shard 2/2 has 1 of -c 3)`,
    ]);
    assert.equal(configOf({ targets: path, concurrency: '3', requests: '40', shard: '1/2' }).concurrency, 3);
  });

  it('-c is read as the command line reads it (1k), with -G counted per worker', () => {
    const path = twoOrigins();
    assert.equal(configOf({ targets: path, concurrency: '1k', requests: '2k', workers: '2' }).concurrency, 1000);
    assert.deepEqual(problems({ targets: path, concurrency: '3', requests: '40', workers: '2' }), [
      `--targets ${path} names 2 origins, each with connections of its own in each of 2 workers: -c must be at least 4 (got 3)`,
    ]);
  });
});

describe('--random in shards', () => {
  it('without --seed, the shards of one run share a seed taken from the run id (one sequence, split in stretches)', () => {
    const path = file('GET http://127.0.0.1:8080/a\n\nGET http://127.0.0.1:8080/b\n\nGET http://127.0.0.1:8080/c\n');
    const shard = (i: number, runId: string): number =>
      configOf({ targets: path, random: true, requests: '300', concurrency: '3', shard: `${i}/3`, runId }).targets!.seed;
    assert.equal(shard(1, 'r1'), shard(2, 'r1'));
    assert.equal(shard(1, 'r1'), shard(3, 'r1'));
    assert.notEqual(shard(1, 'r1'), shard(1, 'r2'), 'another run, another sequence');
    assert.equal(
      configOf({ targets: path, random: true, seed: '9', requests: '300', concurrency: '3', shard: '2/3', runId: 'r1' }).targets!.seed,
      9,
      '--seed still wins',
    );
  });
});
