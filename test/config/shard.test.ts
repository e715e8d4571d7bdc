// Tests --shard, --run-id and --start-at parsing, and that N shards' shares add up exactly to the whole run.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseCommandLine } from '../../src/cli/flags.js';
import type { Config } from '../../src/config/config.js';
import { evenPart } from '../../src/config/even-split.js';
import { MAX_START_AHEAD_MS, parseShard, parseStartAt } from '../../src/config/shard.js';

function configOf(args: readonly string[]): Config {
  const parsed = parseCommandLine([...args, 'http://127.0.0.1:8080/']);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.join('; '));
  assert.equal(parsed.value.kind, 'run');
  return parsed.value.kind === 'run' ? parsed.value.options.config : assert.fail('not a run');
}

function problemsOf(args: readonly string[]): readonly string[] {
  const parsed = parseCommandLine([...args, 'http://127.0.0.1:8080/']);
  assert.ok(!parsed.ok, 'expected a refusal');
  return parsed.error;
}

describe('--shard I/N', () => {
  it('parses I/N and refuses 0/3, 4/3, 1/0 and other shapes, each with its reason', () => {
    assert.deepEqual(parseShard('2/3', []), { index: 2, count: 3 });
    const cases: readonly (readonly [string, RegExp])[] = [
      ['0/3', /--shard '?0\/3'? \(shards are numbered 1 to 3\)/],
      ['4/3', /--shard '?4\/3'? \(shards are numbered 1 to 3\)/],
      ['1/0', /--shard '?1\/0'? \(a run has at least 1 shard\)/],
      ['2', /expected I\/N/],
      ['-1/3', /expected I\/N/],
    ];
    for (const [text, pattern] of cases) {
      const problems: string[] = [];
      assert.equal(parseShard(text, problems), null, text);
      assert.equal(problems.length, 1);
      assert.match(problems[0] ?? '', pattern);
    }
  });

  it("refuses a shard that would get no connection, and -G beyond the shard's connections, saying why", () => {
    assert.match(
      problemsOf(['-c', '2', '-n', '10', '--shard', '3/3']).join('\n'),
      /shard 3\/3 would get no connection: -c 2 spreads over 2 shards at most/,
    );
    assert.match(
      problemsOf(['-c', '10', '-n', '100', '-G', '4', '--shard', '3/3']).join('\n'),
      /-G 4 workers need at least as many connections, but shard 3\/3 has 3 of -c 10/,
    );
  });

  it('gives the first (total mod N) shards one more, and the shards add up to the whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 64 }), (total, count) => {
        const parts = Array.from({ length: count }, (_, i) => evenPart(total, i + 1, count));
        assert.equal(
          parts.reduce((a, b) => a + b, 0),
          total,
        );
        assert.equal(parts.filter((p) => p === Math.ceil(total / count)).length, total % count === 0 ? count : total % count);
        assert.ok(
          parts.every((p, i) => i === 0 || p <= (parts[i - 1] ?? 0)),
          'the larger parts come first',
        );
      }),
    );
  });

  for (const flags of [
    ['-k', '-c', '30', '-n', '30000'],
    ['-c', '7', '-n', '1001', '-G', '2'],
    ['-c', '10', '--rate', '999.5', '-t', '10s', '--max-connections', '23'],
    ['-c', '5', '--stages', '10s:100,20s:1000,5s:0'],
  ]) {
    it(`N shards of ${flags.join(' ')} add up exactly to the one-machine run`, () => {
      const whole = configOf(flags);
      for (const count of [1, 2, 3]) {
        const shards = Array.from({ length: count }, (_, i) => configOf([...flags, '--shard', `${i + 1}/${count}`]));
        const sum = (pick: (c: Config) => number): number => shards.reduce((a, c) => a + pick(c), 0);
        assert.equal(
          sum((c) => c.concurrency),
          whole.concurrency,
        );
        if (whole.requests !== null)
          assert.equal(
            sum((c) => c.requests ?? 0),
            whole.requests,
          );
        if (whole.maxConnections !== null)
          assert.equal(
            sum((c) => c.maxConnections ?? 0),
            whole.maxConnections,
          );
        if (whole.schedule.kind === 'rate') {
          const rate = sum((c) => (c.schedule.kind === 'rate' ? c.schedule.requestsPerSecond : 0));
          assert.ok(Math.abs(rate - whole.schedule.requestsPerSecond) < 1e-9, `rate ${rate}`);
          const stages = whole.schedule.stages;
          if (stages !== undefined) {
            stages.forEach((stage, k) => {
              const part = sum((c) => (c.schedule.kind === 'rate' ? (c.schedule.stages?.[k]?.requestsPerSecond ?? 0) : 0));
              assert.ok(Math.abs(part - stage.requestsPerSecond) < 1e-9, `stage ${k}`);
            });
          }
        }
        for (const [i, c] of shards.entries()) {
          assert.deepEqual(c.shard?.whole, {
            requests: whole.requests,
            concurrency: whole.concurrency,
            requestsPerSecond: whole.schedule.kind === 'rate' ? whole.schedule.requestsPerSecond : null,
            maxConnections: whole.maxConnections,
          });
          assert.equal(c.shard?.index, i + 1);
          assert.equal(c.workers, whole.workers, '-G splits the shard further, so each shard keeps it');
        }
      }
    });
  }

  it('derives one run id for every shard started with the same flags and --start-at, and another for other settings', () => {
    const at = new Date(Date.now() + 60_000).toISOString();
    const ids = [1, 2, 3].map((i) => configOf(['-c', '3', '-n', '30', '--shard', `${i}/3`, '--start-at', at]).shard?.runId);
    assert.equal(new Set(ids).size, 1);
    assert.match(ids[0] ?? '', /^[0-9a-f]{12}$/);
    assert.notEqual(configOf(['-c', '3', '-n', '31', '--shard', '1/3', '--start-at', at]).shard?.runId, ids[0]);
    assert.equal(configOf(['-c', '3', '-n', '30', '--shard', '1/3', '--run-id', 'nightly-42']).shard?.runId, 'nightly-42');
    assert.match(problemsOf(['--run-id', 'a b']).join('\n'), /invalid run id: --run-id "a b"/);
  });
});

describe('--start-at', () => {
  const now = Date.UTC(2026, 10, 29, 14, 0, 0, 250);

  it('reads RFC 3339 times with a zone, and +DURATION from now rounded up to the second', () => {
    assert.equal(parseStartAt('2026-11-29T14:00:30Z', now, []), Date.UTC(2026, 10, 29, 14, 0, 30));
    assert.equal(parseStartAt('2026-11-29T15:00:30.5+01:00', now, []), Date.UTC(2026, 10, 29, 14, 0, 30, 500));
    assert.equal(parseStartAt('+30s', now, []), Date.UTC(2026, 10, 29, 14, 0, 31));
  });

  it('keeps a time in the past (the run starts at once) and refuses one more than a day ahead or without a zone', () => {
    assert.equal(parseStartAt('2026-11-29T13:00:00Z', now, []), Date.UTC(2026, 10, 29, 13, 0, 0));
    const far: string[] = [];
    assert.equal(parseStartAt(new Date(now + MAX_START_AHEAD_MS + 60_000).toISOString(), now, far), null);
    assert.match(far[0] ?? '', /is 24\.0 h ahead; gb waits at most 24 h/);
    for (const impossible of ['2026-11-31T10:00:00Z', '2026-13-01T10:00:00Z', '2026-11-29T24:00:00Z']) {
      const problems: string[] = [];
      assert.equal(parseStartAt(impossible, now, problems), null, impossible);
      assert.match(problems[0] ?? '', /invalid start time/);
    }
    const zoneless: string[] = [];
    assert.equal(parseStartAt('2026-11-29T14:00:00', now, zoneless), null);
    assert.match(zoneless[0] ?? '', /invalid start time: --start-at '?2026-11-29T14:00:00'? \(expected an RFC 3339 time/);
  });

  it('makes a run without --shard shard 1 of 1, so its result says how late it began', () => {
    const config = configOf(['-n', '5', '--start-at', '+1s']);
    assert.equal(config.shard?.index, 1);
    assert.equal(config.shard?.count, 1);
    assert.ok(config.startAtMs !== null && config.startAtMs > Date.now());
  });
});
