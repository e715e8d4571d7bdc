// Tests that `gb capacity` refuses a run's report options, which shape a report it never prints.
// Not serial: every case is refused before any request is sent.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { ranIn } from '../helpers/in-process.js';

// Nothing listens on port 9 (discard): a case that got as far as sending would fail, not pass.
const BASE = ['capacity', 'http://127.0.0.1:9/', '--slo', 'p99<50ms', '--max-steps', '1', '--step', '100ms', '--warmup', '0s'];

describe('gb capacity with a run-only report option', () => {
  for (const [args, named] of [
    [['--timeline'], '--timeline does not apply'],
    [['--uncorrected'], '--uncorrected does not apply'],
    [['-w', '-x', 'border=1'], '-w, -x do not apply'],
    [['--td-attributes', 'class=c'], '--td-attributes does not apply'],
    [['-d', '-S'], '-d, -S do not apply'],
    [['-v', '3'], '-v 3 does not apply'],
  ] as const) {
    it(`refuses ${args.join(' ')} in one line, exit 2, before sending`, async () => {
      const r = await ranIn([...BASE, ...args]);
      assert.equal(r.code, 2, r.err);
      assert.equal(r.out, '');
      assert.match(r.err, /^gb: capacity prints its own table of steps, not a run's report: [^\n]+\n$/);
      assert.ok(r.err.includes(named), r.err);
    });
  }
});
