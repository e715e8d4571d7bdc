// `npm run bench` on a fresh clone: nothing has compiled build/bench/ yet, so the script must build it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

test('npm run bench -- --help works in a checkout with no build/ (it compiles bench/ itself)', () => {
  // A copy of what the bench is made of, without the build/ that this test run itself compiled.
  const dir = mkdtempSync(join(tmpdir(), 'gb-fresh-bench-'));
  try {
    for (const name of ['package.json', 'tsconfig.json', 'tsconfig.bench.json', 'bench']) {
      if (existsSync(join(ROOT, name))) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    assert.equal(existsSync(join(dir, 'build')), false);
    const r = spawnSync('npm', ['run', '--silent', 'bench', '--', '--help'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.error, undefined);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usage: npm run bench -- \[--rounds N/m);
    assert.ok(existsSync(join(dir, 'build', 'bench', 'run.js')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
