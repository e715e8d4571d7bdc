// Tests --fail-if on a run and `gb check` on its saved result, against the built-in target: exit codes, the stderr lines, the listing.
// Serial: the verdicts rest on latency bounds (/delay/20 must take over 5 ms).

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { ranIn, type Ran } from '../helpers/in-process.js';
import { fileScratchDir, fileTarget } from '../helpers/target.js';

const gb = (args: readonly string[]): Promise<Ran> => ranIn(args);

function assertUsageError(result: Ran, pattern: RegExp): void {
  assert.equal(result.code, 2);
  assert.equal(result.out, '', 'nothing is sent or printed on stdout');
  assert.match(result.err, /^gb: [^\n]+\n$/);
  assert.match(result.err, pattern);
}

const server = fileTarget({ resetStats: false });
const inDir = fileScratchDir('gb-fail-if-');

describe('gb URL --fail-if', () => {
  it('exits 1 with one stderr line per broken rule, after the whole report and the listing of every rule', async () => {
    const r = await gb([
      '-q',
      '-n',
      '20',
      '-c',
      '2',
      '--fail-if',
      'p99>5ms',
      '--fail-if',
      'errors>1%',
      '--fail-if',
      'rps<0.5',
      `${server.url}/delay/20`,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /^gb: --fail-if p99>5ms broken: p99 was \d+\.\d ms\n$/);
    assert.match(r.out, /Complete requests: +20\n/);
    assert.match(
      r.out,
      /Fail-if rules: +p99>5ms: FAILED \(p99 was \d+\.\d ms\)\n +errors>1%: ok \(errors was 0\.00 %\)\n +rps<0\.5: ok \(rps was [\d.]+\/s\)\n$/,
    );
  });

  it('exits 0 when every rule holds', async () => {
    const r = await gb([
      '-q',
      '-k',
      '-n',
      '50',
      '-c',
      '2',
      '--fail-if',
      'p99>10s',
      '--fail-if',
      'errors>0',
      '--fail-if',
      'non2xx>0%',
      `${server.url}/`,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.match(r.out, /non2xx>0%: ok \(non2xx was 0\.00 %\)/);
  });

  it('judges non-2xx responses as a percent or a count', async () => {
    const percent = await gb(['-q', '-n', '10', '--fail-if', 'non2xx>50%', `${server.url}/status/500`]);
    assert.equal(percent.code, 1);
    assert.match(percent.err, /^gb: --fail-if non2xx>50% broken: non2xx was 100\.00 %\n$/);
    const count = await gb(['-q', '-n', '10', '--fail-if', 'non2xx>10', `${server.url}/status/500`]);
    assert.equal(count.code, 0, count.err);
  });

  it('refuses a rule that does not parse before sending anything: exit 2, one line', async () => {
    assertUsageError(await gb(['-n', '5', '--fail-if', 'p99>250', `${server.url}/`]), /p99 needs a time unit/);
    assertUsageError(await gb(['-n', '5', '--fail-if', 'p99>+10%', `${server.url}/`]), /a rule for 'gb compare/);
  });
});

describe('gb check', () => {
  let resultFile = '';
  before(async () => {
    resultFile = inDir('run.json');
    const r = await gb(['-q', '-n', '20', '-c', '2', '--json', resultFile, `${server.url}/delay/20`]);
    assert.equal(r.code, 0, r.err);
  });

  it('judges the saved result as the run would: exit 1 and a line per broken rule', async () => {
    const r = await gb(['check', resultFile, '--fail-if', 'p99>5ms', '--fail-if', 'rps<0.5', '--fail-if', 'errors>=1']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^gb: --fail-if p99>5ms broken: p99 was \d+\.\d ms\n$/);
    assert.match(r.out, /^Fail-if rules: +p99>5ms: FAILED .*\n +rps<0\.5: ok .*\n +errors>=1: ok \(errors was 0\)\n$/);
  });

  it('exits 0 when every rule holds', async () => {
    const r = await gb(['check', resultFile, '--fail-if', 'p50<10ms', '--fail-if', 'max>1000s']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.match(r.out, /p50<10ms: ok \(p50 was \d+\.\d ms\)\n +max>1000s: ok/);
  });

  it('turns bad input into one line and exit 2', async () => {
    assertUsageError(await gb(['check', resultFile]), /at least one --fail-if/);
    assertUsageError(await gb(['check', resultFile, '--fail-if', 'p99>+10%']), /relative change/);
    assertUsageError(await gb(['check', '--fail-if', 'p99>1s']), /exactly one result file, got 0/);
    assertUsageError(await gb(['check', inDir('missing.json'), '--fail-if', 'p99>1s']), /cannot read .*missing\.json: ENOENT/);
    assertUsageError(await gb(['check', resultFile, '--nope']), /--nope/);
  });
});
