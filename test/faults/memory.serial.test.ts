// Memory under a reset storm: heap after GC does not grow with the number of failed requests, and each one is accounted for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccounted, describeSamples, measureGb, sampleAt, startFaultServer } from './fault-server.js';

const MiB = 1024 * 1024;

test('a reset storm (20 000 requests, each reset, -r): heap after GC does not grow with the count', { timeout: 30_000 }, async () => {
  const server = await startFaultServer();
  try {
    const run = await measureGb(['-r', '-n', '20000', '-c', '10', server.url('/rst-on-arrival')], 5000, 25_000);
    await server.idle();
    const { summary } = run;
    assertAccounted(summary);
    assert.equal(summary.failures.receive, 20_000);
    assert.equal(server.stats('/rst-on-arrival').requests, 20_000);
    assert.equal(server.stats('/rst-on-arrival').resets, 20_000);
    const growth = sampleAt(run, 20_000).heapUsedBytes - sampleAt(run, 5000).heapUsedBytes;
    // A leak of even 100 bytes per failed request would add 1.5 MB over the last 15 000.
    assert.ok(growth < 1.5 * MiB, `heap grew ${(growth / MiB).toFixed(2)} MiB from 5 000 to 20 000: ${describeSamples(run)}`);
  } finally {
    await server.close();
  }
});
