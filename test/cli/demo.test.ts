// `gb demo` (what npm start runs): starts the built-in target in a thread, benchmarks it, and exits by itself.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runGb } from '../helpers/gb-process.js';

test('gb demo benchmarks the built-in target and exits on its own with a full report', async () => {
  const r = await runGb(['demo', '-k', '-n', '500', '-c', '5'], { killAfterMs: 20_000 });
  assert.equal(r.killed, false, 'exited by itself');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^gb demo: built-in target on http:\/\/127\.0\.0\.1:\d+ /);
  assert.match(r.stdout, /Document Path:\s+\/10k\.dat/);
  assert.match(r.stdout, /Complete requests:\s+500\n/);
  assert.match(r.stdout, /Failed requests:\s+0\n/);
  assert.match(r.stdout, /HTML transferred:\s+5120000 bytes/);
});

test('gb demo --http2 starts the target as h2c and runs over HTTP/2', async () => {
  const r = await runGb(['demo', '--http2', '-q', '--streams', '5', '-n', '300', '-c', '3'], { killAfterMs: 20_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Complete requests:\s+300\n/);
  assert.match(r.stdout, /Failed requests:\s+0\n/);
  assert.match(r.stdout, /Protocol:\s+h2c \(HTTP\/2 in clear text\), 5 streams per connection\n/);
});
