// -v 2 and up show the request gb sends; the default shows nothing extra.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runGb } from '../helpers/gb-process.js';
import { withTarget } from '../helpers/target.js';

test('-v 2 prints the request head on stderr exactly as the server receives it; without -v nothing', async () => {
  await withTarget(async (target) => {
    const loud = await runGb(['-v', '2', '-q', '-n', '1', '-H', 'X-Probe: a:b=c', `${target.url}/`]);
    assert.equal(loud.code, 0, loud.stderr);
    const sent = target.stats().lastRequest?.headers ?? [];
    for (const [name, value] of sent) assert.ok(loud.stderr.includes(`${name}: ${value}\n`), `${name} missing from:\n${loud.stderr}`);
    assert.match(loud.stderr, /^gb: request:\nGET \/ HTTP\/1\.1\n/);
    const quiet = await runGb(['-q', '-n', '1', `${target.url}/`]);
    assert.equal(quiet.stderr, '');
  });
});
