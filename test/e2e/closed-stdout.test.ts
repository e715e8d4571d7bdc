// A reader that goes away before the report (`gb ... | head -1`) ends gb quietly, as SIGPIPE ends ab.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { GB_MAIN } from '../helpers/gb-process.js';
import { withTarget } from '../helpers/target.js';

test('gb whose stdout is closed exits with the SIGPIPE status and no stack trace', async () => {
  await withTarget(async (target) => {
    const child = spawn(process.execPath, [GB_MAIN, '-n', '2', `${target.url}/delay/200`], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Close our end before gb writes its report.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    assert.equal(code, 141);
    assert.doesNotMatch(stderr, /Error|at /, stderr);
  });
});
