// Tests --start-at on real runs: the measured run begins at that time (after a warm-up that ends
// there, with worker threads too), and Ctrl-C during the wait ends gb at once with nothing sent.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Summary } from '../../src/metrics/summary.js';
import { runGb, spawnGb } from '../helpers/gb-process.js';
import { fileScratchDir, fileTarget } from '../helpers/target.js';

const server = fileTarget({ resetStats: false });
const inDir = fileScratchDir('gb-start-at-');

describe('--start-at', () => {
  for (const extra of [[], ['-G', '2'], ['--warmup', '400ms'], ['-G', '2', '--warmup', '400ms']]) {
    it(`begins measuring at the given time (${extra.length === 0 ? 'one thread' : extra.join(' ')})`, async () => {
      const startAtMs = Math.ceil((Date.now() + 2500) / 1000) * 1000;
      const file = inDir('run.json');
      const exit = await runGb([
        '-k',
        '-q',
        '-c',
        '4',
        '-n',
        '400',
        ...extra,
        '--start-at',
        new Date(startAtMs).toISOString(),
        '--json',
        file,
        `${server.url}/`,
      ]);
      assert.equal(exit.code, 0, exit.stderr);
      const s = JSON.parse(readFileSync(file, 'utf8')) as Summary;
      const offset = s.shards?.members[0]?.startOffsetMs ?? Number.NaN;
      // Generous: timers fire late on a busy machine; a run that ignored --start-at would begin ~2 s early.
      assert.ok(offset >= 0 && offset < 250, `began ${offset} ms after --start-at`);
      assert.ok(Math.abs(s.timeline.startEpochMs - startAtMs) < 250, 'the timeline starts there too');
      assert.equal(s.completed, 400);
      assert.ok(exit.wallMs > 1500, 'gb waited');
    });
  }

  for (const extra of [[], ['-G', '2']]) {
    it(`Ctrl-C while waiting ends gb at once, nothing sent (${extra.length === 0 ? 'one thread' : extra.join(' ')})`, async () => {
      server.resetStats();
      const gb = spawnGb(['-q', '-c', '2', '-n', '100', ...extra, '--start-at', '+30s', `${server.url}/`]);
      await sleep(1500);
      const signalledAt = Date.now();
      gb.child.kill('SIGINT');
      const exit = await gb.done;
      assert.equal(exit.code, 130, exit.stderr);
      assert.ok(Date.now() - signalledAt < 5000, 'did not wait for the start');
      assert.equal(server.stats().requests, 0);
    });
  }
});
