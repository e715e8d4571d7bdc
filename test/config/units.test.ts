// Table tests for the duration and count parsers.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCount, parseDurationMs } from '../../src/config/units.js';

describe('parseDurationMs', () => {
  const valid: readonly (readonly [string, number])[] = [
    ['30s', 30_000],
    ['250ms', 250],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5', 1_500], // plain numbers are seconds, as ab's -t
    ['30', 30_000],
    ['0', 0], // callers decide whether 0 is allowed
    ['0.7s', 700], // exact: not 699.999…
    ['.5s', 500],
    ['0.3', 300],
    ['1m30s', 90_000], // Go-style compound
    ['1h2m3s4ms', 3_723_004],
    ['0.5ms', 0.5],
  ];
  for (const [text, expectedMs] of valid) {
    it(`reads ${JSON.stringify(text)} as ${expectedMs} ms`, () => {
      assert.equal(parseDurationMs(text), expectedMs);
    });
  }

  const invalid = [
    '',
    '-1',
    '-1s',
    's',
    '10x',
    '1.',
    '1e3',
    ' 30s',
    '30s ',
    '5 s',
    '1S',
    '+5',
    'ms',
    '1d',
    '1,5',
    'NaN',
    'Infinity',
    '9'.repeat(400),
  ];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text.slice(0, 20))}`, () => {
      assert.equal(parseDurationMs(text), null);
    });
  }
});

describe('parseCount', () => {
  const valid: readonly (readonly [string, number])[] = [
    ['1', 1],
    ['100', 100],
    ['007', 7],
    ['1k', 1_000],
    ['1K', 1_000],
    ['2m', 2_000_000],
    ['2M', 2_000_000],
    ['1.5k', 1_500],
    ['1.1k', 1_100], // exact decimal arithmetic: not 1100.0000000000002
    ['0.001k', 1],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ];
  for (const [text, expected] of valid) {
    it(`reads ${JSON.stringify(text)} as ${expected}`, () => {
      assert.equal(parseCount(text), expected);
    });
  }

  const invalid = [
    '',
    '0',
    '-1',
    '-5k',
    '1.5',
    '0.0001k',
    'abc',
    '1g',
    '1 k',
    '+3',
    '1e3',
    '0x10',
    '1_000',
    String(Number.MAX_SAFE_INTEGER + 1),
    '9007199254741k',
  ];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.equal(parseCount(text), null);
    });
  }
});
