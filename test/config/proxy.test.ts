// Tests for -X and -P in validate(): the Proxy they make, and the one message for each mistake.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from '../../src/inputs/load.js';
import type { RawOptions } from '../../src/config/validate.js';

const URL_ONLY: RawOptions = { urls: ['http://127.0.0.1:8080/'] };

function proxyOf(raw: Partial<RawOptions>): unknown {
  const result = validate({ ...URL_ONLY, ...raw });
  if (!result.ok) assert.fail(`expected a config, got: ${result.error.join(' | ')}`);
  return result.value.proxy;
}

function problemsOf(raw: Partial<RawOptions>): readonly string[] {
  const result = validate({ ...URL_ONLY, ...raw });
  if (result.ok) assert.fail('expected problems, got a config');
  return result.error;
}

describe('validate: -X and -P', () => {
  it('no -X, no proxy', () => {
    assert.equal(proxyOf({}), null);
  });

  it('host:port, and port 80 when none is given', () => {
    assert.deepEqual(proxyOf({ proxy: 'cache.example:3128' }), {
      host: 'cache.example',
      connectHost: 'cache.example',
      port: 3128,
      auth: null,
    });
    assert.deepEqual(proxyOf({ proxy: 'cache.example' }), { host: 'cache.example', connectHost: 'cache.example', port: 80, auth: null });
  });

  it('an http:// proxy URL as environment variables write it is taken as host:port', () => {
    assert.deepEqual(proxyOf({ proxy: 'http://10.1.2.3:8080/' }), { host: '10.1.2.3', connectHost: '10.1.2.3', port: 8080, auth: null });
  });

  it('IPv6 in brackets: connected to without them', () => {
    assert.deepEqual(proxyOf({ proxy: '[::1]:3128' }), { host: '[::1]', connectHost: '::1', port: 3128, auth: null });
  });

  it('-P rides on the proxy, split later at its first colon', () => {
    assert.deepEqual(proxyOf({ proxy: 'p:1', proxyAuth: 'u:pa:ss' }), { host: 'p', connectHost: 'p', port: 1, auth: 'u:pa:ss' });
  });

  for (const [raw, pattern] of [
    [{ proxy: ':3128' }, /^-X :3128 has no proxy host/],
    [{ proxy: '' }, /^-X needs a proxy host, got ""/],
    [{ proxy: 'p:' }, /^invalid proxy port "" in -X p:/],
    [{ proxy: 'p:x1' }, /^invalid proxy port x1/],
    [{ proxy: 'p:65536' }, /^invalid proxy port 65536 .*1\.\.65535/],
    [{ proxy: 'fe80::1' }, /needs brackets, e\.g\. -X \[::1\]:3128/],
    [{ proxy: '[::1' }, /^invalid IPv6 proxy address/],
    [{ proxy: 'user@p:1' }, /^invalid proxy -X user@p:1/],
    [{ proxy: 'p:1', proxyAuth: 'nocolon' }, /^-P needs user:password, got nocolon/],
    [{ proxy: 'p:1', proxyAuth: 'u:p\r\nX: y' }, /^-P credentials contain a line break/],
    [{ proxyAuth: 'u:p' }, /^-P \(proxy credentials\) needs -X/],
  ] as const) {
    it(`${JSON.stringify(raw)}: one problem naming it`, () => {
      const problems = problemsOf(raw);
      assert.equal(problems.length, 1, problems.join(' | '));
      assert.match(problems[0] ?? '', pattern);
    });
  }

  it('-B must match the family of the proxy, where the sockets go, not the target', () => {
    assert.deepEqual(problemsOf({ proxy: '[::1]:3128', bind: '127.0.0.1' }), ['-B 127.0.0.1 is IPv4 but the proxy [::1] is IPv6']);
    const ok = validate({ urls: ['http://[::1]:8080/'], proxy: '127.0.0.1:3128', bind: '127.0.0.1' });
    assert.ok(ok.ok, ok.ok ? '' : ok.error.join(' | '));
  });
});
