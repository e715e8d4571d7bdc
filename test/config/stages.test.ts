// Tests --stages validation: the stages it reads, the duration and mean rate it sets, and the flags it refuses beside it.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../../src/config/config.js';
import type { RawOptions } from '../../src/config/validate.js';
import { validate } from '../../src/inputs/load.js';

const URL_ONLY: RawOptions = { urls: ['http://127.0.0.1:8080/'] };

function configOf(raw: Partial<RawOptions>): Config {
  const result = validate({ ...URL_ONLY, ...raw });
  if (!result.ok) assert.fail(`expected a config, got: ${result.error.join(' | ')}`);
  return result.value;
}

function assertProblem(raw: Partial<RawOptions>, pattern: RegExp): void {
  const result = validate({ ...URL_ONLY, ...raw });
  if (result.ok) assert.fail('expected a problem, got a config');
  assert.equal(result.error.length, 1, result.error.join(' | '));
  assert.match(result.error[0] ?? '', pattern);
}

describe('--stages', () => {
  it("reads k6's shape into rate stages, with the mean rate as the target and the stages' total as the duration", () => {
    const c = configOf({ stages: '30s:100,60s:1000,30s:0' });
    assert.deepEqual(c.schedule, {
      kind: 'rate',
      // (50·30 + 550·60 + 500·30) / 120 s
      requestsPerSecond: 412.5,
      stages: [
        { durationMs: 30_000, requestsPerSecond: 100 },
        { durationMs: 60_000, requestsPerSecond: 1000 },
        { durationMs: 30_000, requestsPerSecond: 0 },
      ],
    });
    assert.equal(c.durationMs, 120_000);
    assert.equal(c.requests, null, 'no default -n 1: the stages decide the count');
  });

  it('accepts a leading 0s stage, units and fractional rates', () => {
    const c = configOf({ stages: '0s:50, 1m30s:50.5,500ms:0' });
    assert.equal(c.durationMs, 90_500);
    assert.equal(c.schedule.kind === 'rate' ? c.schedule.stages?.length : 0, 3);
  });

  const refused: readonly (readonly [string, Partial<RawOptions>, RegExp])[] = [
    ['--rate', { stages: '1s:10', rate: '10' }, /^--stages and --rate 10 cannot be used together/],
    ['-t', { stages: '1s:10', timeLimit: '5' }, /^--stages and -t 5 cannot be used together: the run lasts as long as the stages/],
    ['-n', { stages: '1s:10', requests: '5' }, /^--stages and -n 5 cannot be used together/],
    ['a stage without a rate', { stages: '1s' }, /^invalid stage 1s in --stages 1s \(expected DURATION:RATE/],
    ['a negative rate', { stages: '1s:-5' }, /^invalid stage 1s:-5/],
    ['a bad duration', { stages: '1x:5' }, /^invalid stage 1x:5/],
    ['an empty stage', { stages: '1s:5,,1s:5' }, /^invalid stage "" in --stages/],
    ['stages that send nothing', { stages: '10s:0' }, /sends nothing/],
    ['stages that take no time', { stages: '0s:100' }, /sends nothing/],
  ];
  for (const [what, raw, pattern] of refused) {
    it(`refuses ${what} in one line`, () => assertProblem(raw, pattern));
  }
});
