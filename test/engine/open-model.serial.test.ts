// The open model (--max-connections): against a slow server the pool grows so the schedule is kept,
// where a fixed pool of -c connections sends most requests late.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderGbExtras } from '../../src/report/gb-extras.js';
import { runArgs } from '../helpers/summaries.js';
import { ranIn } from '../helpers/in-process.js';
import { fileTarget } from '../helpers/target.js';

const RATE = 200;
const SECONDS = 2;
// Each answer takes 200 ms, so keeping 200/s needs about 40 requests in flight: 20 times -c 2.
const SLOW = '/delay/200';

const server = fileTarget({ resetStats: false });

describe('--rate against a server that answers after 200 ms', () => {
  it('with --max-connections, grows the pool and keeps the schedule', async (t) => {
    const s = await runArgs([
      '-k',
      '--rate',
      String(RATE),
      '-t',
      String(SECONDS),
      '-c',
      '2',
      '--max-connections',
      '100',
      `${server.url}${SLOW}`,
    ]);
    assert.ok(s.rate !== null && s.connections !== null);
    const { rate, connections } = s;
    t.diagnostic(
      `pool ${connections.initial} → ${connections.peak} (first at ${connections.grewAtSeconds} s); ${rate.achievedPerSecond.toFixed(1)}/s sent, ${rate.late} of ${s.issued} late`,
    );
    assert.equal(connections.initial, 2);
    assert.ok(connections.peak >= 30, `the pool grew to ${connections.peak}`);
    assert.ok(connections.peak <= 100, `at most --max-connections: ${connections.peak}`);
    // The third request is due 10 ms in, while the first two wait 200 ms.
    assert.ok(connections.grewAtSeconds !== null && connections.grewAtSeconds < 0.1, `first growth at ${connections.grewAtSeconds} s`);
    assert.ok(rate.late <= s.issued * 0.05, `${rate.late} of ${s.issued} sent late`);
    assert.ok(Math.abs(rate.achievedPerSecond - RATE) <= RATE * 0.05, `${rate.achievedPerSecond} per second sent`);
    assert.equal(s.failed, 0);
    assert.match(
      renderGbExtras(s),
      new RegExp(`\\nConnections: +2 at the start, grew to ${connections.peak} \\(first at \\d+\\.\\d s\\)\\n`),
    );
  });

  it('without it, keeps the fixed pool of -c and sends most requests late (as before)', async (t) => {
    const s = await runArgs(['-k', '--rate', String(RATE), '-t', String(SECONDS), '-c', '2', `${server.url}${SLOW}`]);
    assert.ok(s.rate !== null);
    t.diagnostic(`${s.rate.achievedPerSecond.toFixed(1)}/s sent, ${s.rate.late} of ${s.issued} late`);
    assert.equal(s.connections, null);
    // Two connections, each free every 200 ms: about 10 requests a second, nearly all behind schedule.
    assert.ok(s.issued <= 30, `${s.issued} issued`);
    assert.ok(s.rate.late >= s.issued * 0.8, `${s.rate.late} of ${s.issued} sent late`);
    assert.ok(s.rate.achievedPerSecond < RATE / 4, `${s.rate.achievedPerSecond} per second sent`);
    assert.doesNotMatch(renderGbExtras(s), /Connections:/);
  });

  it('with -G 2, each worker grows its own share and the result adds them up', async () => {
    const s = await runArgs([
      '-k',
      '-G',
      '2',
      '--rate',
      String(RATE),
      '-t',
      '1',
      '-c',
      '2',
      '--max-connections',
      '100',
      `${server.url}${SLOW}`,
    ]);
    assert.ok(s.rate !== null && s.connections !== null);
    assert.equal(s.connections.initial, 2);
    assert.ok(s.connections.peak >= 30, `the pools grew to ${s.connections.peak} in all`);
    assert.ok(s.rate.late <= s.issued * 0.05, `${s.rate.late} of ${s.issued} sent late`);
  });
});

describe('--max-connections: bad input', () => {
  const cases: readonly (readonly [readonly string[], RegExp])[] = [
    [['-c', '10', '--rate', '100', '-t', '1', '--max-connections', '5'], /^gb: --max-connections 5 is below -c 10 /],
    [['-c', '2', '-n', '10', '--max-connections', '20'], /^gb: --max-connections 20 needs --rate or --stages /],
    [['--rate', '100', '-t', '1', '--max-connections', '0'], /^gb: invalid connection limit: --max-connections 0 \(must be at least 1\)/],
    [
      ['--rate', '100', '-t', '1', '--max-connections', 'many'],
      /^gb: invalid connection limit: --max-connections many \(not a whole number\)/,
    ],
    [
      ['--rate', '100', '-t', '1', '--max-connections', '2.5'],
      /^gb: invalid connection limit: --max-connections 2\.5 \(not a whole number\)/,
    ],
  ];
  for (const [args, pattern] of cases) {
    it(`gb ${args.join(' ')}: one line, exit 2, nothing sent`, async () => {
      const before = server.stats().requests;
      const { code, out, err } = await ranIn([...args, `${server.url}/`]);
      assert.equal(code, 2);
      assert.equal(out, '');
      assert.match(err, /^gb: [^\n]+\n$/);
      assert.match(err, pattern);
      assert.equal(server.stats().requests, before);
    });
  }
});
