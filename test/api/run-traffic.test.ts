// run() takes the many-requests options: targets (no url needed), script, and reports a teardown's error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/api/run.js';
import { withTargetAndDir } from '../helpers/target.js';

test('run({ targets }) needs no url and counts per endpoint; run({ url, script }) runs the example', async () => {
  await withTargetAndDir('gb-api-traffic-', async (server, dir) => {
    const targets = join(dir, 't.txt');
    writeFileSync(targets, `GET ${server.url}/a\n\nGET ${server.url}/b\n`);
    const viaTargets = await run({ targets, requests: 10, concurrency: 2, keepalive: true, random: true, seed: 3 });
    assert.ok(viaTargets.ok, viaTargets.ok ? '' : viaTargets.error.problems.join('; '));
    assert.equal(
      viaTargets.value.summary.endpoints?.reduce((n, e) => n + e.requests, 0),
      10,
    );
    const example = fileURLToPath(new URL('../../../examples/login-then-api.ts', import.meta.url));
    const viaScript = await run({ url: `${server.url}/`, script: example, requests: 10 });
    assert.ok(viaScript.ok, viaScript.ok ? '' : viaScript.error.problems.join('; '));
    assert.equal(viaScript.value.scriptError, null);
    assert.deepEqual(server.stats().api, { logins: 1, authorized: 10, unauthorized: 0 });
    const bad = await run({ targets: join(dir, 'missing.txt') });
    assert.ok(!bad.ok);
    assert.equal(bad.error.kind, 'invalid-options');
    assert.match(bad.error.problems[0] ?? '', /--targets .*missing\.txt: no such file/);
  });
});

test('a run that cannot start (setup() threw) leaves no timer behind: the client monitor stops too', async () => {
  await withTargetAndDir('gb-api-traffic-', async (server, dir) => {
    const script = join(dir, 'refused.mjs');
    writeFileSync(script, "export async function setup() { throw new Error('login refused'); }\n");
    // The monitor's timer is unref'd, so it would not keep the process alive: count intervals instead.
    const live = new Set<unknown>();
    const { setInterval: realSet, clearInterval: realClear } = globalThis;
    globalThis.setInterval = (...args: Parameters<typeof realSet>) => {
      const timer = realSet(...args);
      live.add(timer);
      return timer;
    };
    globalThis.clearInterval = (timer: Parameters<typeof realClear>[0]) => {
      live.delete(timer);
      realClear(timer);
    };
    try {
      for (const workers of [1, 1, 2]) {
        const result = await run({ url: `${server.url}/`, script, requests: 5, concurrency: 2, workers });
        assert.ok(!result.ok);
        assert.equal(result.error.kind, 'cannot-start');
      }
    } finally {
      globalThis.setInterval = realSet;
      globalThis.clearInterval = realClear;
    }
    const left = live.size;
    for (const timer of live) realClear(timer as NodeJS.Timeout);
    assert.equal(left, 0, 'intervals left running by the three runs (one with -G 2)');
  });
});
