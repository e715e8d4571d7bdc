// Tests `gb merge` and `gb compare` on files written from real runs: output, exit codes and error lines.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

import { runCli } from '../../src/cli/commands.js';
import { compareCommand } from '../../src/cli/compare-command.js';
import { parseCommandLine } from '../../src/cli/flags.js';
import type { CliIo } from '../../src/cli/io.js';
import { mergeCommand } from '../../src/cli/merge-command.js';
import { runConfig } from '../../src/index.js';
import type { Summary } from '../../src/metrics/summary.js';
import { renderJson } from '../../src/report/json.js';
import { startTargetServer } from '../../src/server/target.js';
import { spawnGb } from '../helpers/gb-process.js';
import { ranIn, type Ran } from '../helpers/in-process.js';
import { withTarget } from '../helpers/target.js';

const ran = (command: (args: readonly string[], io: CliIo) => Promise<number>, args: readonly string[]): Promise<Ran> =>
  ranIn(args, command);

const schema: unknown = JSON.parse(readFileSync(new URL('../../../schema/gb-result.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema as object);

let dir = '';
let runA: Summary;
let runB: Summary;
const file = (name: string): string => join(dir, name);
const writeResult = (name: string, summary: Summary): string => {
  writeFileSync(file(name), renderJson(summary));
  return file(name);
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gb-compare-merge-'));
  await withTarget(async (server) => {
    const once = async (): Promise<Summary> => {
      const parsed = parseCommandLine(['-k', '-n', '200', '-c', '4', `${server.url}/`]);
      assert.ok(parsed.ok && parsed.value.kind === 'run');
      const outcome = await runConfig(parsed.value.options.config);
      assert.ok(outcome.ok);
      return outcome.value.summary;
    };
    runA = await once();
    runB = await once();
  });
  writeResult('a.json', runA);
  writeResult('b.json', runB);
  const total = runA.total ?? assert.fail('run A completed nothing');
  // Only the figures gb compare reads are edited: a p99 5 % and 50 % worse than A's.
  writeResult('a-p99-plus5.json', { ...runA, total: { ...total, p99Us: Math.round(total.p99Us * 1.05) } });
  writeResult('a-p99-plus50.json', { ...runA, total: { ...total, p99Us: Math.round(total.p99Us * 1.5) } });
  writeResult('other-url.json', { ...runB, target: { ...runB.target, url: `${runB.target.url}other` } });
  writeFileSync(file('v1.json'), renderJson(runA).replace('"schemaVersion": 2', '"schemaVersion": 1'));
  writeFileSync(file('cut.json'), renderJson(runA).slice(0, 200));
});

after(() => rmSync(dir, { recursive: true, force: true }));

function assertOneErrorLine(result: Ran, pattern: RegExp): void {
  assert.equal(result.code, 2);
  assert.equal(result.out, '');
  assert.match(result.err, /^gb: [^\n]+\n$/);
  assert.match(result.err, pattern);
}

describe('gb merge', () => {
  it('writes one result that validates and adds the runs up', async () => {
    const result = await ran(mergeCommand, [file('a.json'), file('b.json')]);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.err, '');
    const merged: unknown = JSON.parse(result.out);
    assert.equal(validate(merged), true, JSON.stringify(validate.errors));
    const m = merged as Summary;
    assert.equal(m.responses, 400);
    assert.equal(m.total?.count, 400);
    assert.equal(m.settings.concurrency, 8);
    assert.deepEqual(m.statusCodes, { '200': 400 });
    assert.equal(m.total?.maxUs, Math.max(runA.total?.maxUs ?? 0, runB.total?.maxUs ?? 0));
  });

  it('refuses results for different URLs in one error line', async () => {
    assertOneErrorLine(await ran(mergeCommand, [file('a.json'), file('other-url.json')]), /cannot merge results for different URLs/);
  });

  it('refuses a missing file, a cut file, another schemaVersion and no files at all', async () => {
    assertOneErrorLine(await ran(mergeCommand, [file('a.json'), file('missing.json')]), /^gb: cannot read .*missing\.json: ENOENT$/m);
    assertOneErrorLine(await ran(mergeCommand, [file('cut.json')]), /cut\.json: not JSON/);
    assertOneErrorLine(await ran(mergeCommand, [file('v1.json'), file('a.json')]), /v1\.json: unsupported schemaVersion 1/);
    assertOneErrorLine(await ran(mergeCommand, []), /at least one result file/);
    assertOneErrorLine(await ran(mergeCommand, ['--frobnicate', file('a.json')]), /frobnicate/);
  });
});

describe('gb compare', () => {
  it('prints the table and exits 0 when no rule is given', async () => {
    const result = await ran(compareCommand, [file('a.json'), file('b.json')]);
    assert.equal(result.code, 0, result.err);
    const lines = result.out.split('\n');
    assert.match(lines[0] ?? '', /^A: .*a\.json {2}http:\/\/127\.0\.0\.1:\d+\/ /);
    assert.match(lines[3] ?? '', /^ +A +B +Change +95 % interval +Verdict$/);
    assert.deepEqual(
      lines.slice(4, 12).map((l) => l.split(/ {2,}/)[0]),
      ['Requests/s', 'p50 [ms]', 'p90 [ms]', 'p99 [ms]', 'p99.9 [ms]', 'max [ms]', 'TTFB p50 [ms]', 'TTFB p99 [ms]'],
    );
    // A run of a fraction of a second has too few seconds to judge noise.
    assert.match(lines[4] ?? '', /n\/a \(too few seconds\)$/);
  });

  it('passes two identical short runs by default, noting that noise was not judged', async () => {
    const result = await ran(compareCommand, [file('a.json'), file('b.json'), '--fail-if', 'p99>+10%', '--fail-if', 'rps<-5%']);
    assert.equal(result.code, 0, result.out + result.err);
    assert.equal(result.err, '');
    assert.match(result.out, /^p99>\+10%: ok \(p99 [+-]\d+\.\d %, .*noise not judged: too few seconds/m);
    assert.match(result.out, /^rps<-5%: ok \(rps [+-]\d+\.\d %, .*noise not judged: too few seconds/m);
  });

  it('with --strict, breaks exactly the rules past their limit on runs too short to judge noise', async () => {
    const result = await ran(compareCommand, [
      file('a.json'),
      file('a-p99-plus50.json'),
      '--fail-if',
      'p99>+10%',
      '--fail-if=rps<-5%',
      '--strict',
    ]);
    assert.equal(result.code, 1);
    // 200 requests: too few seconds for the per-second bootstrap, and only 2 above p99 for the request-level one.
    assert.match(
      result.out,
      /^p99>\+10%: FAILED \(p99 \+50\.0 %, past the limit, noise not judged: too few seconds, and under 10 requests above p99; failed by --strict\)$/m,
    );
    assert.match(result.out, /^rps<-5%: ok \(rps \+0\.0 %/m);
    assert.equal(result.err, 'gb: 1 of 2 --fail-if rules broken\n');
    const lenient = await ran(compareCommand, [file('a.json'), file('a-p99-plus50.json'), '--fail-if', 'p99>+10%']);
    assert.equal(lenient.code, 0, 'the same change passes without --strict');
    assert.match(
      lenient.out,
      /^p99>\+10%: ok \(p99 \+50\.0 %, past the limit, noise not judged: too few seconds, and under 10 requests above p99; passes without --strict\)$/m,
    );
  });

  it(
    'fails a genuine regression (/delay/20 after /) on runs long enough to judge noise, without --strict',
    { timeout: 30_000 },
    async () => {
      const server = await startTargetServer();
      let fast: Summary;
      let slow: Summary;
      try {
        // Five whole seconds each, the least that gets a noise verdict; run side by side to halve the wait.
        const runOf = async (args: readonly string[]): Promise<Summary> => {
          const parsed = parseCommandLine(['-k', '-t', '5.5', ...args]);
          assert.ok(parsed.ok && parsed.value.kind === 'run');
          const outcome = await runConfig(parsed.value.options.config);
          assert.ok(outcome.ok);
          return outcome.value.summary;
        };
        [fast, slow] = await Promise.all([
          runOf(['-c', '2', '--rate', '400', `${server.url}/`]),
          runOf(['-c', '2', `${server.url}/delay/20`]),
        ]);
      } finally {
        await server.close();
      }
      const result = await ran(compareCommand, [
        writeResult('fast.json', fast),
        writeResult('slow.json', slow),
        '--fail-if',
        'p99>+10%',
        '--fail-if',
        'rps<-5%',
      ]);
      assert.equal(result.code, 1, result.out);
      assert.match(result.out, /^p99>\+10%: FAILED \(p99 \+\d+\.\d %, beyond noise\)$/m);
      assert.match(result.out, /^rps<-5%: FAILED \(rps -\d+\.\d %, beyond noise\)$/m);
      assert.equal(result.err, 'gb: 2 of 2 --fail-if rules broken\n');
    },
  );

  it('exits 0 when the change stays within the rule', async () => {
    const result = await ran(compareCommand, [file('a.json'), file('a-p99-plus5.json'), '--fail-if', 'p99>+10%']);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /^p99>\+10%: ok \(p99 \+5\.0 %/m);
  });

  it('exits 2 on a malformed rule before reading any file', async () => {
    assertOneErrorLine(await ran(compareCommand, [file('a.json'), file('b.json'), '--fail-if', 'p99>>10']), /bad --fail-if rule 'p99>>10'/);
    assertOneErrorLine(await ran(compareCommand, ['nope.json', 'nope.json', '--fail-if', 'p42>1%']), /unknown metric 'p42'/);
  });

  it('exits 2 on a wrong number of files or an unreadable one', async () => {
    assertOneErrorLine(await ran(compareCommand, [file('a.json')]), /exactly two result files, got 1/);
    assertOneErrorLine(await ran(compareCommand, [file('a.json'), file('b.json'), file('b.json')]), /exactly two result files, got 3/);
    assertOneErrorLine(await ran(compareCommand, [file('a.json'), file('cut.json')]), /cut\.json: not JSON/);
    assertOneErrorLine(await ran(compareCommand, [file('a.json'), file('v1.json')]), /unsupported schemaVersion 1/);
  });
});

describe('gb compare on runs under 5 s: noise judged on the requests', () => {
  // A server whose only work is waiting ?ms=N milliseconds, so the two runs differ by exactly that.
  const server = createServer((req, res) => {
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(() => res.end('ok'), ms);
  });
  let origin = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A real gb process, 2000 requests (20 above p99) in well under 5 s; its --json file. */
  const runTo = async (name: string, delayMs: number): Promise<string> => {
    const r = await spawnGb(['-q', '-k', '-c', '4', '-n', '2000', '--json', file(name), `${origin}/?ms=${delayMs}`], {
      killAfterMs: 30_000,
    }).done;
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(readFileSync(file(name), 'utf8')) as Summary;
    assert.ok(s.elapsedSeconds < 5, `${name} took ${s.elapsedSeconds} s: the per-second bootstrap would judge it`);
    return file(name);
  };

  it('fails p99>+10% when every request waits 4 ms instead of 1 ms, the same way each time', { timeout: 60_000 }, async () => {
    const fast = await runTo('wait-1ms.json', 1);
    const slow = await runTo('wait-4ms.json', 4);
    const result = await spawnGb(['compare', fast, slow, '--fail-if', 'p99>+10%']).done;
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stdout,
      /^p99>\+10%: FAILED \(p99 \+\d+\.\d %, interval \[\+\d+\.\d, \+\d+\.\d %\] past the limit; judged on the requests: too few seconds\)$/m,
    );
    assert.match(result.stdout, /^p99 \[ms\] .* beyond noise$/m);
    assert.equal(result.stderr, 'gb: 1 of 1 --fail-if rule broken\n');
    // Seeded: the same files give the same table and verdict.
    const again = await spawnGb(['compare', fast, slow, '--fail-if', 'p99>+10%']).done;
    assert.equal(again.stdout, result.stdout);
  });

  it('passes p99>+10% between two runs of the same server', { timeout: 60_000 }, async () => {
    // Side by side, so both runs meet the same load on the machine and differ only by chance.
    const [one, two] = await Promise.all([runTo('same-1.json', 1), runTo('same-2.json', 1)]);
    const result = await spawnGb(['compare', one, two, '--fail-if', 'p99>+10%']).done;
    assert.equal(result.code, 0, result.stdout);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^p99>\+10%: ok \(p99 [+-]\d+\.\d %, [^\n]*judged on the requests: too few seconds\)$/m);
  });
});

describe('the gb command line', () => {
  it('dispatches compare and merge', async () => {
    const help = await ran(runCli, ['compare', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: gb compare A\.json B\.json/);
    const merged = await ran(runCli, ['merge', file('a.json'), file('b.json')]);
    assert.equal(merged.code, 0, merged.err);
    assert.equal((JSON.parse(merged.out) as Summary).responses, 400);
  });

  it('runs gb compare as a process with the same exit codes', async () => {
    const failing = await spawnGb(['compare', file('a.json'), file('a-p99-plus50.json'), '--fail-if', 'p99>+10%', '--strict']).done;
    assert.equal(failing.code, 1, failing.stderr);
    const bad = await spawnGb(['compare', file('a.json'), file('b.json'), '--fail-if', 'p99']).done;
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^gb: bad --fail-if rule 'p99'/);
  });
});
