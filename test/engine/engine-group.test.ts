// Tests EngineGroup's live sample with one engine per origin: the engines' sums, the same each time it is taken.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseCommandLine } from '../../src/cli/flags.js';
import { resolveEndpoint } from '../../src/engine/endpoint.js';
import { EngineGroup } from '../../src/engine/engine-group.js';
import { startTargetServer } from '../../src/server/target.js';

test(
  'two origins: sample() sums both engines (settled, failed, p99 of the added Totals), and taking it again changes nothing',
  { timeout: 30_000 },
  async () => {
    const a = await startTargetServer();
    const b = await startTargetServer();
    const dir = mkdtempSync(join(tmpdir(), 'gb-group-'));
    try {
      const file = join(dir, 'targets.txt');
      writeFileSync(file, `GET ${a.url}/\n\nGET ${b.url}/bytes/5\n`);
      const parsed = parseCommandLine(['-k', '-c', '2', '-n', '400', '--targets', file]);
      if (!parsed.ok || parsed.value.kind !== 'run') assert.fail('command line rejected');
      const config = parsed.value.options.config;
      const endpoint = await resolveEndpoint(config);
      if (!endpoint.ok) assert.fail(endpoint.error);
      const group = await EngineGroup.create(config, endpoint.value.endpoint, '0.0.0', {});
      assert.deepEqual(group.sample(), { settled: 0, failed: 0, p99Us: null });
      const result = await group.run();
      const merged = result.recorder;
      const expected = { settled: 400, failed: 0, p99Us: merged.total.valueAtPercentile(99) };
      assert.equal(merged.settled, 400);
      assert.deepEqual(group.sample(), expected);
      // The summed histogram is refilled, not added to: a second sample is the same.
      assert.deepEqual(group.sample(), expected);
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
