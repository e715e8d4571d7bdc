// `gb har` as a command: usage, what goes to stdout and stderr, and bad input as one line with exit 2, never a stack.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { runGb } from '../helpers/gb-process.js';
import { ranIn } from '../helpers/in-process.js';
import { harText } from './har-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'gb-har-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const good = file(
  'good.har',
  harText([
    { url: 'https://app.test/', at: 0, mime: 'text/html' },
    { url: 'https://app.test/app.css', at: 5, mime: 'text/css' },
    { url: 'https://api.test/v1', at: 10, json: {} },
  ]),
);

describe('gb har', () => {
  it('prints the journey on stdout and a summary line on stderr', async () => {
    const ran = await ranIn(['har', good]);
    assert.equal(ran.code, 0);
    assert.match(
      ran.out,
      /^\/\/ A journey replaying .*good\.har \(recorded by handmade 1\): 1 of its 3 requests, to https:\/\/app\.test\.\n/,
    );
    assert.match(ran.out, /await vu\.get\("\/"\);/);
    assert.equal(ran.err, 'gb: har: 1 requests to https://app.test replayed, 2 left out, 0 values read from earlier responses\n');
    const other = await ranIn(['har', '--origin', 'https://api.test/anything', good]);
    assert.match(other.out, /await vu\.get\("\/v1"\);/);
    assert.match((await ranIn(['har', good, '--include-static'])).out, /await vu\.get\("\/app\.css"\);/);
  });

  it('prints its usage with -h', async () => {
    const ran = await ranIn(['har', '-h']);
    assert.equal(ran.code, 0);
    assert.match(ran.out, /^Usage: gb har FILE\.har \[--include-static\] \[--origin URL\] > journey\.ts\n/);
    assert.match(ran.out, /--include-static/);
    assert.equal(ran.err, '');
  });

  const bad: [string, string[], RegExp][] = [
    ['no file', ['har'], /^gb: har needs exactly one HAR file, got 0 \(see 'gb har -h'\)$/],
    ['two files', ['har', good, good], /^gb: har needs exactly one HAR file, got 2/],
    ['an unknown flag', ['har', good, '--static'], /^gb: Unknown option '--static'.* \(see 'gb har -h'\)$/],
    ['a missing file', ['har', join(dir, 'nope.har')], /^gb: cannot read .*nope\.har: ENOENT$/],
    ['a directory', ['har', dir], /^gb: cannot read .*: EISDIR$/],
    ['a file that is not JSON', ['har', file('text.har', 'hello\nworld')], /^gb: .*text\.har: not JSON \(.*\)$/],
    ['JSON that is not a HAR', ['har', file('other.json', '{"log": {}}')], /^gb: .*other\.json: not a HAR file: it has no log\.entries$/],
    [
      'a HAR of statics only',
      ['har', file('static.har', harText([{ url: 'https://a.test/x.png', at: 0, mime: 'image/png' }]))],
      /no requests left to replay from https:\/\/a\.test: 1 recorded, left out: 1 static; --include-static keeps static ones$/,
    ],
    [
      'an --origin that is not a URL',
      ['har', '--origin', 'app.test', good],
      /^gb: har --origin wants an http:\/\/ or https:\/\/ URL, got 'app\.test'$/,
    ],
    [
      'an --origin nothing was sent to',
      ['har', '--origin', 'https://elsewhere.test', good],
      /no requests left to replay from https:\/\/elsewhere\.test: 3 recorded, left out: 3 other origin$/,
    ],
  ];
  for (const [what, args, message] of bad) {
    it(`refuses ${what}: one line on stderr, exit 2, nothing on stdout`, async () => {
      const ran = await ranIn(args);
      assert.equal(ran.code, 2);
      assert.equal(ran.out, '');
      assert.equal(ran.err.split('\n').length, 2, ran.err);
      assert.match(ran.err.trimEnd(), message);
    });
  }

  it('the installed command does the same: no stack trace for a bad file', async () => {
    const missing = await runGb(['har', join(dir, 'nope.har')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^gb: cannot read .*nope\.har: ENOENT\n$/);
    const notHar = await runGb(['har', file('array.har', '[1, 2]')]);
    assert.equal(notHar.code, 2);
    assert.match(notHar.stderr, /^gb: .*array\.har: not a HAR file: it has no log\.entries\n$/);
    const ok = await runGb(['har', good]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /satisfies Journey;\n$/);
  });
});
