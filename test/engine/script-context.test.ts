// Tests the ctx a --script's hooks see: its origin is the one the run's connections go to.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseCommandLine } from '../../src/cli/flags.js';
import type { Config } from '../../src/config/config.js';
import { originOf } from '../../src/config/validate.js';
import { ScriptRunner } from '../../src/engine/script-runner.js';

function configOf(url: string): Config {
  const parsed = parseCommandLine(['-n', '1', url]);
  if (!parsed.ok || parsed.value.kind !== 'run') assert.fail(`command line rejected: ${parsed.ok ? parsed.value.kind : parsed.error.join('; ')}`);
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
