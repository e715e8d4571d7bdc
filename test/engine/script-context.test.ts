// Tests what a --script's hooks see: ctx's origin is the one the run's connections go to; res.headers is parsed only when read, Set-Cookie as a list.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseCommandLine } from '../../src/cli/flags.js';
import type { Config } from '../../src/config/config.js';
import { originOf } from '../../src/config/validate.js';
import type { ScriptResponse } from '../../src/engine/script-api.js';
import { ScriptRunner } from '../../src/engine/script-runner.js';

function configOf(url: string): Config {
  const parsed = parseCommandLine(['-n', '1', url]);
  if (!parsed.ok || parsed.value.kind !== 'run')
    assert.fail(`command line rejected: ${parsed.ok ? parsed.value.kind : parsed.error.join('; ')}`);
  return parsed.value.options.config;
}

for (const [url, origin] of [
  ['http://127.0.0.1:8080/a?b=1', 'http://127.0.0.1:8080'],
  // The scheme's default port is named too: the same origin string the connection pools go by.
  ['http://127.0.0.1/x', 'http://127.0.0.1:80'],
  ['https://[::1]/', 'https://[::1]:443'],
] as const) {
  test(`ctx.origin and ctx.url of ${url}: the run's connection origin and its path`, () => {
    const config = configOf(url);
    const runner = new ScriptRunner({ file: 'inline.mjs', script: {} }, config, '0.0.0', 0);
    assert.equal(runner.ctx.origin, origin);
    assert.equal(runner.ctx.origin, originOf(config.target));
    assert.equal(runner.ctx.url, `${origin}${config.target.path}`);
  });
}

test('res.headers is parsed on first read, once, lower-cases names and joins repeats, but keeps each Set-Cookie apart', () => {
  let seen: ScriptResponse | null = null;
  const runner = new ScriptRunner(
    { file: 'inline.mjs', script: { response: (_ctx, res) => void (seen = res) } },
    configOf('http://127.0.0.1:8080/'),
    '0.0.0',
    0,
  );
  const head =
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nVary: Accept\r\nset-cookie: b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT\r\nVary: Origin\r\n';
  assert.deepEqual(runner.check({ status: 200, head, body: null, totalUs: 1500, row: 0 }), { rejected: false });
  const res = seen as ScriptResponse | null;
  assert.ok(res !== null);
  // A getter: response() that never reads the headers never has them parsed.
  assert.equal(typeof Object.getOwnPropertyDescriptor(res, 'headers')?.get, 'function');
  assert.deepEqual(res.headers, {
    'content-type': 'text/plain',
    vary: 'Accept, Origin',
    'set-cookie': ['a=1', 'b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT'],
  });
  assert.equal(res.headers, res.headers, 'parsed once, then kept');
  // The exported type says the same: a list for set-cookie, a string for the headers it names.
  const cookies: readonly string[] | undefined = res.headers['set-cookie'];
  const contentType: string | undefined = res.headers['content-type'];
  assert.deepEqual([cookies?.length, contentType], [2, 'text/plain']);
  assert.equal(res.status, 200);
  assert.equal(res.latencyMs, 1.5);
});
