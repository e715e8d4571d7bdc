// --profile DIR: gb writes its own CPU profile and heap snapshot of the run (profiling the load generator itself).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runGb } from '../helpers/gb-process.js';
import { withTargetAndDir } from '../helpers/target.js';

test('--profile DIR writes a CPU profile with samples and a heap snapshot, and the run still reports', async () => {
  await withTargetAndDir('gb-profile-', async (target, dir) => {
    const r = await runGb(['-q', '-k', '-n', '2000', '-c', '4', '--profile', dir, `${target.url}/`], { killAfterMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Complete requests:\s+2000/);
    const files = readdirSync(dir);
    const cpu = files.find((f) => f.endsWith('.cpuprofile'));
    const heap = files.find((f) => f.endsWith('.heapsnapshot'));
    assert.ok(cpu !== undefined && heap !== undefined, `files: ${files.join(', ')}`);
    const profile = JSON.parse(readFileSync(join(dir, cpu), 'utf8')) as { nodes: unknown[]; samples: unknown[] };
    assert.ok(profile.nodes.length > 10 && profile.samples.length > 0);
    assert.match(r.stderr, /profile written/);
  });
});

test('--profile into a path that cannot be a folder: checked before the run, one line naming it, exit 2, no request sent', async () => {
  await withTargetAndDir('gb-profile-', async (target, dir) => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const r = await runGb(['-n', '5', '--profile', join(file, 'sub'), `${target.url}/`]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `gb: cannot write --profile ${join(file, 'sub')}: a part of the path is not a directory (see 'gb -h')\n`);
    assert.equal(target.stats().requests, 0);
  });
});
