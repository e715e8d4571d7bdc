// Tests for validate(): defaults, every single-flag and cross-flag rule, body files, and URL → Target.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/config.js';
import { parseBasicAuth, parseTarget } from '../../src/config/validate.js';
import { validate } from '../../src/inputs/load.js';
import type { RawOptions } from '../../src/config/validate.js';

const URL_ONLY: RawOptions = { urls: ['http://127.0.0.1:8080/'] };

function configOf(raw: Partial<RawOptions>): Config {
  const result = validate({ ...URL_ONLY, ...raw });
  if (!result.ok) assert.fail(`expected a config, got: ${result.error.join(' | ')}`);
  return result.value;
}

function problemsOf(raw: Partial<RawOptions>): readonly string[] {
  const result = validate({ ...URL_ONLY, ...raw });
  if (result.ok) assert.fail('expected problems, got a config');
  return result.error;
}

/** Asserts exactly one problem, matching the pattern. */
function assertProblem(raw: Partial<RawOptions>, pattern: RegExp): void {
  const problems = problemsOf(raw);
  assert.equal(problems.length, 1, problems.join(' | '));
  assert.match(problems[0] ?? '', pattern);
}

describe('validate: defaults', () => {
  it('gives ab defaults for a bare URL', () => {
    const config = configOf({});
    assert.equal(config.requests, 1);
    assert.equal(config.concurrency, 1);
    assert.equal(config.durationMs, null);
    assert.equal(config.timeoutMs, 30_000);
    assert.equal(config.method, 'GET');
    assert.equal(config.body, null);
    assert.equal(config.contentType, 'text/plain');
    assert.deepEqual(config.schedule, { kind: 'closed' });
    assert.equal(config.pipeline, 1);
    assert.equal(config.workers, 1);
    assert.equal(config.warmupMs, 0);
    assert.equal(config.keepAlive, false);
    assert.equal(config.verifyTls, false);
    assert.equal(config.acceptGzip, false);
    assert.equal(config.basicAuth, null);
    assert.equal(config.localAddress, null);
    assert.equal(config.verbosity, 0);
    assert.ok(Object.isFrozen(config));
  });

  it('leaves requests unlimited when only a time limit is given', () => {
    const config = configOf({ timeLimit: '10', concurrency: '50' });
    assert.equal(config.requests, null);
    assert.equal(config.durationMs, 10_000);
    assert.equal(config.concurrency, 50);
  });

  it('keeps both bounds when -n and -t are given', () => {
    const config = configOf({ timeLimit: '2m', requests: '1k' });
    assert.equal(config.requests, 1000);
    assert.equal(config.durationMs, 120_000);
  });

  it('turns --rate into a rate schedule', () => {
    assert.deepEqual(configOf({ rate: '250.5', timeLimit: '10' }).schedule, { kind: 'rate', requestsPerSecond: 250.5 });
    assert.deepEqual(configOf({ rate: '2k', requests: '100' }).schedule, { kind: 'rate', requestsPerSecond: 2000 });
  });

  it('reads warm-up, timeout, workers, pipeline, verbosity and bind', () => {
    const config = configOf({
      warmup: '0',
      timeout: '500ms',
      workers: '4',
      concurrency: '8',
      requests: '8',
      pipeline: '10',
      keepAlive: true,
      verbosity: '0',
      bind: '127.0.0.1',
    });
    assert.equal(config.warmupMs, 0);
    assert.equal(config.timeoutMs, 500);
    assert.equal(config.workers, 4);
    assert.equal(config.pipeline, 10);
    assert.equal(config.verbosity, 0);
    assert.equal(config.localAddress, '127.0.0.1');
  });
});

describe('validate: numeric rules', () => {
  const cases: readonly (readonly [string, Partial<RawOptions>, RegExp])[] = [
    ['-n 0', { requests: '0' }, /^invalid number of requests: -n 0 \(must be at least 1\)$/],
    ['-n -5', { requests: '-5' }, /number of requests: -n -5 \(must be at least 1\)/],
    ['-n abc', { requests: 'abc' }, /number of requests: -n abc \(not a whole number\)/],
    ['-n 1.5', { requests: '1.5' }, /number of requests: -n 1\.5/],
    ['-n empty', { requests: '' }, /number of requests: -n ""/],
    ['-n too big', { requests: '99999999999999999999' }, /number of requests.*at most/],
    ['-c 0', { concurrency: '0' }, /concurrency level: -c 0 \(must be at least 1\)/],
    ['-c 20001', { concurrency: '20001', requests: '30000' }, /concurrency level: -c 20001 \(must be at most 20000\)/],
    ['-t 0', { timeLimit: '0' }, /time limit: -t 0 \(must be more than 0\)/],
    ['-t -1', { timeLimit: '-1' }, /time limit: -t -1/],
    ['-t 5x', { timeLimit: '5x' }, /time limit: -t 5x/],
    ['-s 0', { timeout: '0' }, /timeout: -s 0 \(must be more than 0\)/],
    ['-s junk', { timeout: 'junk' }, /timeout: -s junk/],
    ['-G 0', { workers: '0' }, /number of workers: -G 0/],
    ['-G 257', { workers: '257', concurrency: '300', requests: '300' }, /number of workers: -G 257 \(must be at most 256\)/],
    ['--pipeline 0', { pipeline: '0' }, /pipeline depth: --pipeline 0/],
    ['--pipeline 1001', { pipeline: '1001', keepAlive: true }, /pipeline depth: --pipeline 1001 \(must be at most 1000\)/],
    ['--rate 0', { rate: '0' }, /invalid rate: --rate 0/],
    ['--rate -3', { rate: '-3' }, /invalid rate: --rate -3/],
    ['--warmup -1s', { warmup: '-1s' }, /warm-up: --warmup -1s/],
    ['-v -1', { verbosity: '-1' }, /verbosity: -v -1 \(must be at least 0\)/],
    ['-v x', { verbosity: 'x' }, /verbosity: -v x/],
  ];
  for (const [name, raw, pattern] of cases) {
    it(`rejects ${name} with a message naming the flag`, () => assertProblem(raw, pattern));
  }
});

describe('validate: cross-flag rules', () => {
  it("rejects -c above -n in ab's words", () => {
    assertProblem({ concurrency: '10', requests: '5' }, /^Cannot use concurrency level greater than total number of requests/);
  });

  it('rejects -c above the default -n of 1', () => {
    assertProblem({ concurrency: '2' }, /Cannot use concurrency level greater than total number of requests \(-c 2 > -n 1\)/);
  });

  it('rejects more workers than connections', () => {
    assertProblem({ workers: '4', concurrency: '2', requests: '10' }, /-G 4 .*-c is 2/);
  });

  it('rejects --rate without -n or -t instead of sending the one request of the default -n', () => {
    assertProblem({ rate: '100' }, /^--rate needs -n or -t \(how many requests, or for how long\)$/);
    assertProblem({ rate: '100', concurrency: '5' }, /^--rate needs -n or -t/);
    assert.equal(configOf({ rate: '100', requests: '1' }).requests, 1, 'an explicit -n 1 is what the user asked for');
  });

  it('rejects pipelining without keep-alive', () => {
    assertProblem({ pipeline: '4' }, /--pipeline 4 needs -k/);
  });

  it('rejects -p together with -u', () => {
    assertProblem({ postFile: 'a', putFile: 'b' }, /-p .*-u .*together/);
  });

  it('rejects -i together with -p', () => {
    assertProblem({ head: true, postFile: 'a' }, /-i \(HEAD\) cannot be used with -p/);
  });

  it('reports every problem, not only the first', () => {
    const problems = problemsOf({ urls: [], requests: '0', timeout: '0', headers: ['Foo'], cookies: ['x'] });
    assert.equal(problems.length, 5, problems.join(' | '));
    for (const pattern of [/missing URL/, /-n 0/, /-s 0/, /header without a colon: Foo/, /cookie without '='/]) {
      assert.ok(
        problems.some((problem) => pattern.test(problem)),
        `${String(pattern)} in ${problems.join(' | ')}`,
      );
    }
  });

  it('rejects a -B address of the other family than the target', () => {
    assertProblem({ bind: '::1' }, /-B ::1 is IPv6 but the target 127\.0\.0\.1 is IPv4/);
    assertProblem({ bind: 'localhost' }, /invalid local address: -B localhost/);
    assert.equal(configOf({ urls: ['http://[::1]:1/'], bind: '[::1]' }).localAddress, '::1');
  });
});

describe('validate: method, headers, cookies, auth', () => {
  it('picks the method from -p, -u, -i and lets -m override it', () => {
    assert.equal(configOf({ head: true }).method, 'HEAD');
    assert.equal(configOf({ method: 'patch' }).method, 'PATCH');
    assert.equal(configOf({ head: true, method: 'options' }).method, 'OPTIONS');
  });

  it('rejects a method that is not a token', () => {
    assertProblem({ method: 'GE T' }, /invalid method: -m "GE T"/);
    assertProblem({ method: 'GET\r\nX: y' }, /invalid method/);
  });

  it('keeps header order and everything after the first colon', () => {
    const config = configOf({ headers: ['X-A: b:c=d', 'Accept:  */*  ', 'X-Empty:', 'X-A: second'] });
    assert.deepEqual(config.headers, [
      { name: 'X-A', value: 'b:c=d' },
      { name: 'Accept', value: '*/*' },
      { name: 'X-Empty', value: '' },
      { name: 'X-A', value: 'second' },
    ]);
  });

  const badHeaders: readonly (readonly [string, RegExp])[] = [
    ['Foo', /^header without a colon: Foo/],
    [': value', /header with an empty name/],
    ['X A: b', /invalid header name "X A"/],
    ['X-A : b', /invalid header name "X-A "/],
    ['X-A: b\r\nEvil: 1', /header value contains a line break/],
    ['X-A: b\nEvil: 1', /header value contains a line break/],
  ];
  for (const [text, pattern] of badHeaders) {
    it(`rejects -H ${JSON.stringify(text)}`, () => assertProblem({ headers: [text] }, pattern));
  }

  it('keeps cookies whole and in order', () => {
    assert.deepEqual(configOf({ cookies: ['a=b=c', 'session=x:y'] }).cookies, ['a=b=c', 'session=x:y']);
  });

  it('rejects cookies without a name or an =', () => {
    assertProblem({ cookies: ['novalue'] }, /cookie without '=': -C novalue/);
    assertProblem({ cookies: ['=v'] }, /cookie with an empty name/);
    assertProblem({ cookies: ['a=b\r\nX: 1'] }, /cookie contains a line break/);
  });

  it('keeps -A whole and splits it at the first colon only', () => {
    assert.equal(configOf({ auth: 'user:pa:ss' }).basicAuth, 'user:pa:ss');
    assert.deepEqual(parseBasicAuth('user:pa:ss'), { user: 'user', password: 'pa:ss' });
    assert.deepEqual(parseBasicAuth(':'), { user: '', password: '' });
    assert.equal(parseBasicAuth('nocolon'), null);
  });

  it('rejects -A without a colon', () => {
    assertProblem({ auth: 'user' }, /-A needs user:password, got user \(no colon\)/);
  });

  it('rejects an empty or multi-line content type', () => {
    assertProblem({ contentType: '' }, /content type: -T is empty/);
    assertProblem({ contentType: 'a\r\nb' }, /content type.*line break/);
    assert.equal(configOf({ contentType: 'application/json' }).contentType, 'application/json');
  });
});

describe('validate: body files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-validate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a -p file into the body and POSTs it', () => {
    const path = join(dir, 'body.bin');
    const bytes = Uint8Array.from([0, 1, 2, 255, 10, 13, 0x7b]);
    writeFileSync(path, bytes);
    const config = configOf({ postFile: path, contentType: 'application/octet-stream' });
    assert.equal(config.method, 'POST');
    assert.deepEqual(new Uint8Array(config.body ?? []), bytes);
  });

  it('reads a -u file and PUTs it', () => {
    const path = join(dir, 'put.txt');
    writeFileSync(path, 'hello');
    const config = configOf({ putFile: path });
    assert.equal(config.method, 'PUT');
    assert.equal(Buffer.from(config.body ?? []).toString(), 'hello');
  });

  it('accepts an empty file as an empty body', () => {
    const path = join(dir, 'empty');
    writeFileSync(path, '');
    assert.equal(configOf({ postFile: path }).body?.byteLength, 0);
  });

  it('rejects a directory', () => {
    assertProblem({ postFile: dir }, /^-p file .* is a directory/);
  });

  it('rejects a missing file', () => {
    assertProblem({ putFile: join(dir, 'nope') }, /^-u file .*nope does not exist/);
  });

  it('rejects a file it cannot read', () => {
    if (process.getuid?.() === 0) {
      // Root reads a file whatever its mode, so there the unreadable input is a FIFO, which gb must
      // refuse without opening: an open would wait for a writer that never comes.
      const fifo = join(dir, 'fifo');
      const made = spawnSync('mkfifo', [fifo]);
      assert.equal(made.status, 0, `mkfifo: ${made.error?.message ?? made.stderr.toString()}`);
      assertProblem({ postFile: fifo }, /^-p file .*fifo is not a regular file$/);
      return;
    }
    const path = join(dir, 'secret');
    writeFileSync(path, 'x');
    chmodSync(path, 0o000);
    assertProblem({ postFile: path }, /-p file .*secret is not readable/);
  });
});

describe('validate: --unix-socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-validate-unix-'));
  const path = join(dir, 'ok.sock');
  const server = createServer();
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a listening socket, keeps the URL for Host and path, and defaults to none', async () => {
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const config = configOf({ urls: ['http://localhost/api'], unixSocket: path });
    assert.equal(config.unixSocket, path);
    assert.equal(config.target.hostHeader, 'localhost');
    assert.equal(config.target.path, '/api');
    assert.equal(configOf({}).unixSocket, null);
  });

  it("refuses -B with it in one problem, even when -B would not match the URL's address family", () => {
    assertProblem({ urls: ['http://[::1]/'], unixSocket: path, bind: '127.0.0.1' }, /^-B 127\.0\.0\.1 cannot be used with --unix-socket/);
  });

  it('refuses an empty path, a missing one and one that is not a socket, naming the path', () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    assertProblem({ unixSocket: '' }, /^invalid --unix-socket ""/);
    assertProblem({ unixSocket: join(dir, 'none.sock') }, /none\.sock: no such file/);
    assertProblem({ unixSocket: file }, /is not a unix domain socket \(it is a regular file\)$/);
  });
});

describe('parseTarget', () => {
  const good: readonly (readonly [string, Record<string, unknown>])[] = [
    [
      '127.0.0.1:8080/x',
      {
        url: 'http://127.0.0.1:8080/x',
        tls: false,
        host: '127.0.0.1',
        connectHost: '127.0.0.1',
        port: 8080,
        path: '/x',
        hostHeader: '127.0.0.1:8080',
      },
    ],
    ['localhost', { url: 'http://localhost', host: 'localhost', port: 80, path: '/', hostHeader: 'localhost' }],
    ['https://example.com', { tls: true, port: 443, path: '/', hostHeader: 'example.com' }],
    ['https://example.com:443/a', { port: 443, hostHeader: 'example.com' }],
    ['http://example.com:443/a', { tls: false, port: 443, hostHeader: 'example.com:443' }],
    ['https://example.com:80/', { port: 80, hostHeader: 'example.com:80' }],
    ['http://[::1]:8080/p', { host: '[::1]', connectHost: '::1', port: 8080, path: '/p', hostHeader: '[::1]:8080' }],
    ['[::1]/', { url: 'http://[::1]/', host: '[::1]', connectHost: '::1', port: 80, hostHeader: '[::1]' }],
    ['http://h/search?q=a:b&x=1#frag', { path: '/search?q=a:b&x=1', hostHeader: 'h' }],
    ['HTTP://Example.COM:8080', { tls: false, host: 'Example.COM', connectHost: 'example.com', hostHeader: 'Example.COM:8080' }],
    // Sent as typed, as ab sends them: dot segments, "127.1" and percent-escapes are not normalised.
    ['http://127.1:8080/a/../echo/./x?y=/../z', { connectHost: '127.0.0.1', path: '/a/../echo/./x?y=/../z', hostHeader: '127.1:8080' }],
    ['http://h/%2e%2e/a%2Fb', { path: '/%2e%2e/a%2Fb' }],
    ['http://h/caf\u00e9', { path: '/caf%C3%A9' }],
    ['http://b\u00fccher.example/', { host: 'b\u00fccher.example', hostHeader: 'xn--bcher-kva.example' }],
    ['http://h:/x', { port: 80, path: '/x' }],
    ['http://h?x=1', { path: '/?x=1' }],
  ];
  for (const [text, expected] of good) {
    it(`parses ${text}`, () => {
      const result = parseTarget(text);
      if (!result.ok) assert.fail(result.error);
      const actual: Readonly<Record<string, unknown>> = { ...result.value };
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(actual[key], value, key);
    });
  }

  const bad: readonly (readonly [string, RegExp])[] = [
    ['htp://x', /^unsupported scheme 'htp:' in URL htp:\/\/x/],
    ['ftp://x/', /unsupported scheme 'ftp:'/],
    ['http://', /no host/],
    ['http:///path', /no host/],
    ['http://:8080/', /no host/],
    ['http://127.0.0.1:99999/', /invalid port 99999/],
    ['http://127.0.0.1:0/', /invalid port 0/],
    ['http://127.0.0.1:8o/', /invalid port 8o/],
    ['http://::1:8080/', /IPv6 address .* needs brackets/],
    ['::1', /IPv6 address .* needs brackets/],
    ['http://[::1/', /invalid IPv6 address/],
    ['http://[::1]x/', /invalid IPv6 address/],
    ['http://[zz]/', /invalid URL/],
    ['http://user:pw@h/', /credentials .* -A/],
    ['http://a b/', /whitespace/],
    ['http:/x', /invalid URL/],
    ['', /invalid URL '' \(empty\)/],
  ];
  for (const [text, pattern] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      const result = parseTarget(text);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.error, pattern);
    });
  }

  it('requires exactly one URL', () => {
    assertProblem({ urls: [] }, /^missing URL/);
    assertProblem({ urls: ['a', 'b'] }, /^expected one URL, got 2: a b/);
  });
});
