// Tests for parseCommandLine: every flag syntax, repeatable flags, value integrity, error messages, and the usage text.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPTIONS, parseCommandLine } from '../../src/cli/flags.js';
import type { CliOptions } from '../../src/cli/flags.js';
import { usageText } from '../../src/cli/usage.js';

const URL = 'http://127.0.0.1:8080/';

function optionsOf(argv: readonly string[]): CliOptions {
  const result = parseCommandLine(argv);
  if (!result.ok) assert.fail(`expected options, got: ${result.error.join(' | ')}`);
  if (result.value.kind !== 'run') assert.fail(`expected a run, got ${result.value.kind}`);
  return result.value.options;
}

function problemsOf(argv: readonly string[]): readonly string[] {
  const result = parseCommandLine(argv);
  if (result.ok) assert.fail(`expected problems, got ${result.value.kind}`);
  return result.error;
}

describe('parseCommandLine: value syntax', () => {
  const forms: readonly (readonly string[])[] = [['-n', '5'], ['-n5'], ['-n=5'], ['--requests', '5'], ['--requests=5']];
  for (const form of forms) {
    it(`reads ${form.join(' ')} as 5 requests`, () => {
      assert.equal(optionsOf([...form, URL]).config.requests, 5);
    });
  }

  it('accepts options after the URL', () => {
    assert.equal(optionsOf([URL, '-n', '7']).config.requests, 7);
  });

  it('lets the last of a repeated single-value option win, as getopt does', () => {
    assert.equal(optionsOf(['-n', '3', '-n', '9', URL]).config.requests, 9);
  });

  it('reads -t, --timelimit and --duration into the same time limit', () => {
    assert.equal(optionsOf(['-t', '5', URL]).config.durationMs, 5_000);
    assert.equal(optionsOf(['--timelimit=1.5', URL]).config.durationMs, 1_500);
    assert.equal(optionsOf(['--duration', '500ms', URL]).config.durationMs, 500);
    assert.equal(optionsOf(['--duration=2m', URL]).config.durationMs, 120_000);
    assert.equal(optionsOf(['--duration', '1h', URL]).config.durationMs, 3_600_000);
  });

  it('gives unlimited requests with -t alone and keeps -n when both are given', () => {
    assert.equal(optionsOf(['-t', '10', '-c', '100', URL]).config.requests, null);
    assert.equal(optionsOf(['-t', '10', '-n', '1', URL]).config.requests, 1);
  });

  it('treats everything after -- as operands', () => {
    assert.deepEqual(problemsOf(['--', '-k', URL]), [`expected one URL, got 2: -k ${URL}`]);
    assert.equal(optionsOf(['-k', '--', URL]).config.keepAlive, true);
  });

  it('passes a value that starts with a dash to validation, as getopt does', () => {
    assert.deepEqual(problemsOf(['-n', '-5', URL]), ['invalid number of requests: -n -5 (must be at least 1)']);
  });
});

describe('parseCommandLine: switches', () => {
  const switchCases: readonly (readonly [readonly string[], (options: CliOptions) => unknown])[] = [
    [['-k'], (o) => o.config.keepAlive],
    [['--keepalive'], (o) => o.config.keepAlive],
    [['-q'], (o) => o.quiet],
    [['--quiet'], (o) => o.quiet],
    [['-l'], (o) => o.config.variableLength],
    [['--variable-length'], (o) => o.config.variableLength],
    [['-r'], (o) => o.config.continueOnError],
    [['--continue-on-error'], (o) => o.config.continueOnError],
    [['-z'], (o) => o.config.acceptGzip],
    [['--gzip'], (o) => o.config.acceptGzip],
    [['-d'], (o) => o.noPercentiles],
    [['-S'], (o) => o.noSd],
    [['-w'], (o) => o.htmlTables],
    [['--html-tables'], (o) => o.htmlTables],
    [['--verify'], (o) => o.config.verifyTls],
    [['--uncorrected'], (o) => o.uncorrected],
    [['--timeline'], (o) => o.timeline],
    [['-i'], (o) => o.config.method === 'HEAD'],
    [['--head'], (o) => o.config.method === 'HEAD'],
    [['-k=true'], (o) => o.config.keepAlive],
  ];
  for (const [argv, read] of switchCases) {
    it(`${argv.join(' ')} turns its switch on`, () => {
      assert.equal(read(optionsOf([...argv, URL])), true);
    });
  }

  it('leaves every switch off by default', () => {
    const options = optionsOf([URL]);
    assert.deepEqual(
      [
        options.quiet,
        options.noPercentiles,
        options.noSd,
        options.htmlTables,
        options.uncorrected,
        options.config.keepAlive,
        options.config.verifyTls,
      ],
      [false, false, false, false, false, false, false],
    );
    assert.deepEqual(
      [options.csvFile, options.gnuplotFile, options.jsonFile, options.htmlFile, options.profileDir],
      [null, null, null, null, null],
    );
  });

  it('reads grouped switches -kq', () => {
    const options = optionsOf(['-kq', URL]);
    assert.equal(options.config.keepAlive, true);
    assert.equal(options.quiet, true);
    assert.equal(options.config.variableLength, false);
  });

  it('lets the last option of a group take a value: -kn100 and -kc 4', () => {
    const options = optionsOf(['-kn100', '-rc', '4', URL]);
    assert.equal(options.config.keepAlive, true);
    assert.equal(options.config.requests, 100);
    assert.equal(options.config.continueOnError, true);
    assert.equal(options.config.concurrency, 4);
  });

  it('accepts Go-style -k=false', () => {
    assert.equal(optionsOf(['-k=false', URL]).config.keepAlive, false);
  });

  it('rejects a value given to a switch', () => {
    assert.deepEqual(problemsOf(['--keepalive=yes', URL]), ["option '--keepalive' takes no value (got 'yes')"]);
  });
});

describe('parseCommandLine: values', () => {
  it('reads every value option in short and long form', () => {
    const short = optionsOf([
      '-n',
      '20',
      '-c',
      '4',
      '-s',
      '2',
      '-T',
      'application/json',
      '-A',
      'u:p',
      '-m',
      'put',
      '-v',
      '2',
      '-G',
      '2',
      '-B',
      '127.0.0.1',
      '-e',
      'out.csv',
      '-g',
      'out.tsv',
      URL,
    ]);
    const long = optionsOf([
      '--requests=20',
      '--concurrency=4',
      '--timeout=2',
      '--content-type=application/json',
      '--auth=u:p',
      '--method=put',
      '--verbosity=2',
      '--workers=2',
      '--bind=127.0.0.1',
      '--csv=out.csv',
      '--gnuplot=out.tsv',
      URL,
    ]);
    for (const options of [short, long]) {
      assert.equal(options.config.requests, 20);
      assert.equal(options.config.concurrency, 4);
      assert.equal(options.config.timeoutMs, 2_000);
      assert.equal(options.config.contentType, 'application/json');
      assert.equal(options.config.basicAuth, 'u:p');
      assert.equal(options.config.method, 'PUT');
      assert.equal(options.config.verbosity, 2);
      assert.equal(options.config.workers, 2);
      assert.equal(options.config.localAddress, '127.0.0.1');
      assert.equal(options.csvFile, 'out.csv');
      assert.equal(options.gnuplotFile, 'out.tsv');
    }
  });

  it('reads the long-only options', () => {
    const options = optionsOf([
      '--rate',
      '100',
      '--warmup',
      '2s',
      '--pipeline',
      '8',
      '-k',
      '-n',
      '10',
      '--html',
      'r.html',
      '--profile',
      'prof',
      URL,
    ]);
    assert.deepEqual(options.config.schedule, { kind: 'rate', requestsPerSecond: 100 });
    assert.equal(options.config.warmupMs, 2_000);
    assert.equal(options.config.pipeline, 8);
    assert.equal(options.htmlFile, 'r.html');
    assert.equal(options.profileDir, 'prof');
  });

  it('keeps -H and -C in order, repeatable, with : and = intact', () => {
    const options = optionsOf(['-H', 'X-A: b:c=d', '--header=X-B: 2', '-HX-C: 3', '-C', 'a=b=c', '--cookie', 'd=e:f', '-C=g=h', URL]);
    assert.deepEqual(options.config.headers, [
      { name: 'X-A', value: 'b:c=d' },
      { name: 'X-B', value: '2' },
      { name: 'X-C', value: '3' },
    ]);
    assert.deepEqual(options.config.cookies, ['a=b=c', 'd=e:f', 'g=h']);
  });

  it('keeps -A whole so that it splits at the first colon', () => {
    assert.equal(optionsOf(['-A', 'user:pa:ss', URL]).config.basicAuth, 'user:pa:ss');
    assert.equal(optionsOf(['--auth=user:p=ss', URL]).config.basicAuth, 'user:p=ss');
  });

  it('reads --json with no file, "-", =FILE, or a following .json FILE', () => {
    assert.equal(optionsOf(['--json', URL]).jsonFile, '-');
    assert.equal(optionsOf([URL, '--json']).jsonFile, '-');
    assert.equal(optionsOf(['--json', '-', URL]).jsonFile, '-');
    assert.equal(optionsOf(['--json=out.txt', URL]).jsonFile, 'out.txt');
    assert.equal(optionsOf(['--json', 'out.json', URL]).jsonFile, 'out.json');
    assert.equal(optionsOf([URL, '--json', 'report']).jsonFile, 'report');
    assert.equal(optionsOf(['--json', 'report', URL]).config.target.url, URL);
  });

  it('reads -p FILE into the POST body', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-flags-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'post.json');
    writeFileSync(path, '{"a":1}');
    const options = optionsOf(['-p', path, '-T', 'application/json', URL]);
    assert.equal(options.config.method, 'POST');
    assert.equal(Buffer.from(options.config.body ?? []).toString(), '{"a":1}');
    assert.match(problemsOf(['-p', dir, URL])[0] ?? '', /is a directory/);
    assert.match(problemsOf(['--put-file', join(dir, 'missing'), URL])[0] ?? '', /does not exist/);
  });

  it('adds http:// to a URL without a scheme', () => {
    const target = optionsOf(['localhost:3000/x?y=1']).config.target;
    assert.equal(target.url, 'http://localhost:3000/x?y=1');
    assert.equal(target.port, 3000);
    assert.equal(target.path, '/x?y=1');
  });
});

describe('parseCommandLine: problems', () => {
  const cases: readonly (readonly [readonly string[], RegExp])[] = [
    [['-j', URL], /^unknown option '-j'$/],
    [['-kj', URL], /^unknown option '-j'$/],
    [['--nope', URL], /^unknown option '--nope'$/],
    [[URL, '-n'], /^option '-n' needs a value$/],
    [[URL, '--requests'], /^option '--requests' needs a value$/],
    [['-n', '0', URL], /^invalid number of requests: -n 0 \(must be at least 1\)$/],
    [['-n', 'abc', URL], /invalid number of requests: -n abc/],
    [['-n='], /invalid number of requests|missing URL/],
    [['-c', '10', '-n', '5', URL], /Cannot use concurrency level greater than total number of requests/],
    [['-p', 'a', '-u', 'b', URL], /-p .*-u .*together/],
    [['-i', '-p', 'a', URL], /-i \(HEAD\) cannot be used with -p/],
    [['-H', 'Foo', URL], /^header without a colon: Foo/],
    [['-A', 'user', URL], /-A needs user:password/],
    [['-C', 'x', URL], /cookie without '='/],
    [[], /^missing URL/],
    [['a', 'b'], /^expected one URL, got 2: a b/],
    [['htp://x'], /^unsupported scheme 'htp:' in URL/],
    [['http://'], /no host/],
    [['http://127.0.0.1:99999/'], /invalid port 99999/],
    [['http://::1:8080/'], /needs brackets/],
    [['-e', '', URL], /option '-e' needs a file name/],
  ];
  for (const [argv, pattern] of cases) {
    it(`rejects ${JSON.stringify(argv)}`, () => {
      const problems = problemsOf(argv);
      assert.ok(
        problems.some((problem) => pattern.test(problem)),
        problems.join(' | '),
      );
      for (const problem of problems) assert.doesNotMatch(problem, /\n/, 'every problem is one line');
    });
  }

  it('reports several problems at once', () => {
    assert.equal(problemsOf(['-n', '0', '-s', '0', '-H', 'Foo']).length, 4);
  });
});

describe('parseCommandLine: help and version', () => {
  for (const argv of [['-h'], ['--help'], ['-kh'], ['-n', '0', '-h']]) {
    it(`${argv.join(' ')} asks for help even without a URL`, () => {
      assert.deepEqual(parseCommandLine(argv), { ok: true, value: { kind: 'help' } });
    });
  }
  for (const argv of [['-V'], ['--version'], [URL, '-V']]) {
    it(`${argv.join(' ')} asks for the version`, () => {
      assert.deepEqual(parseCommandLine(argv), { ok: true, value: { kind: 'version' } });
    });
  }
});

describe('usageText', () => {
  const text = usageText();
  it('starts with the ab-style usage line', () => {
    assert.match(text, /^Usage: gb \[options\] \[http\[s\]:\/\/\]hostname\[:port\]\/path\n/);
  });
  it('lists every option by its short and long name', () => {
    for (const spec of OPTIONS) {
      if (spec.short !== undefined) assert.match(text, new RegExp(`^ +-${spec.short}\\b`, 'm'), spec.short);
      if (spec.long !== undefined) assert.ok(text.includes(`--${spec.long}`), spec.long);
    }
  });
  it('shows the forms and sub-command flags added since: --targets without a URL, serve --http2, merge --report/--partial', () => {
    assert.match(text, /^ +gb \[options\] --targets FILE/m);
    assert.match(text, /gb serve .*\[--http2 \[--tls\]\]/);
    assert.match(text, /gb merge .*\[--report\] \[--fail-if RULE\] \[--partial\]/);
  });
  it('states the defaults', () => {
    for (const fragment of ['default 1;', 'default 30', "default 'text/plain'", 'default off', 'at most 20000']) {
      assert.ok(text.includes(fragment), fragment);
    }
  });
});
