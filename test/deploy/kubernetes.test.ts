// Tests deploy/kubernetes without a cluster: the Indexed Job's fields that run.sh relies on, run.sh's
// syntax and its filled-in manifest, and the pods' own shell command run here three times, its logs
// taken apart by run.sh --extract and merged by gb merge.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

import type { Summary } from '../../src/metrics/summary.js';
import { startTargetServer, type TargetServer } from '../../src/server/target.js';
import { GB_MAIN, runGb } from '../helpers/gb-process.js';
import { requireTool } from '../helpers/tools.js';

const run = promisify(execFile);
const DEPLOY = fileURLToPath(new URL('../../../deploy/kubernetes/', import.meta.url));
const MANIFEST = join(DEPLOY, 'gb-shards.yaml');
const RUN_SH = join(DEPLOY, 'run.sh');

interface EnvVar {
  readonly name: string;
  readonly value: string;
}
interface Job {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly completionMode: string;
    readonly completions: number;
    readonly parallelism: number;
    readonly backoffLimit: number;
    readonly template: {
      readonly spec: {
        readonly restartPolicy: string;
        readonly containers: readonly {
          readonly image: string;
          readonly command: readonly string[];
          readonly args: readonly string[];
          readonly env: readonly EnvVar[];
        }[];
      };
    };
  };
}

const container = (job: Job): Job['spec']['template']['spec']['containers'][number] => {
  const [only, ...more] = job.spec.template.spec.containers;
  assert.ok(only !== undefined && more.length === 0, 'one container');
  return only;
};
const envOf = (job: Job): Record<string, string> => Object.fromEntries(container(job).env.map((e) => [e.name, e.value]));

async function rendered(args: readonly string[]): Promise<Job> {
  const { stdout } = await run('bash', [RUN_SH, '--render', ...args]);
  return parse(stdout) as Job;
}

describe('deploy/kubernetes/gb-shards.yaml', () => {
  const text = readFileSync(MANIFEST, 'utf8');
  const job = parse(text) as Job;

  it('is an Indexed Job with completions = parallelism = SHARDS, no retries and one gb container', () => {
    assert.equal(job.apiVersion, 'batch/v1');
    assert.equal(job.kind, 'Job');
    assert.equal(job.metadata.name, 'gb-shards');
    assert.equal(job.spec.completionMode, 'Indexed');
    assert.equal(job.spec.completions, job.spec.parallelism);
    assert.equal(String(job.spec.completions), envOf(job)['SHARDS']);
    assert.equal(job.spec.backoffLimit, 0);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    assert.deepEqual(Object.keys(envOf(job)).sort(), ['GB_ARGS', 'SHARDS', 'START_AT']);
    // run.sh finds the lines it fills in by these marks and keys.
    assert.equal(text.match(/^ {2}(completions|parallelism): \d+ # gb:shards$/gm)?.length, 2);
    assert.match(text, /^ +image: \S+$/m);
  });

  it('runs shard JOB_COMPLETION_INDEX+1 of SHARDS at START_AT and prints the JSON between the marks run.sh looks for', () => {
    const c = container(job);
    assert.deepEqual(c.command, ['/bin/sh', '-c']);
    const script = c.args[0] ?? '';
    assert.match(
      script,
      /gb -q --shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/\$SHARDS" --start-at "\$START_AT" --json "\$\{TMPDIR:-\/tmp\}\/gb-result\.json" "\$@"/,
    );
    const runSh = readFileSync(RUN_SH, 'utf8');
    for (const mark of ['----- BEGIN gb result -----', '----- END gb result -----']) {
      assert.ok(script.includes(`echo "${mark}"`), mark);
      assert.ok(runSh.includes(`'${mark}'`), `run.sh looks for ${mark}`);
    }
  });
});

describe('deploy/kubernetes/run.sh', () => {
  it('is valid bash (bash -n)', async () => {
    await run('bash', ['-n', RUN_SH]);
  });

  it('passes shellcheck', { skip: requireTool('shellcheck') }, async () => {
    const checked = await run('shellcheck', [RUN_SH]).then(
      () => '',
      (e: { stdout: string }) => e.stdout,
    );
    assert.equal(checked, '');
  });

  it("fills in N, a start a little ahead, the image and gb's arguments, quoting survives", async () => {
    const before = Date.now();
    const job = await rendered([
      '-s',
      '5',
      '-d',
      '30',
      '-i',
      'registry.example/gb:9',
      '--',
      '-k',
      '-c',
      '50',
      '-H',
      `X-Q: a "b" & c\\d 'e'`,
      'http://t/?a=1&b=2',
    ]);
    assert.equal(job.spec.completions, 5);
    assert.equal(job.spec.parallelism, 5);
    const env = envOf(job);
    assert.equal(env['SHARDS'], '5');
    const startAt = Date.parse(env['START_AT'] ?? '');
    assert.ok(startAt >= before + 28_000 && startAt <= Date.now() + 31_000, `START_AT ${env['START_AT']}`);
    assert.equal(container(job).image, 'registry.example/gb:9');
    // What the pod's `eval "set -- $GB_ARGS"` gives back, checked by a real shell.
    const { stdout } = await run('sh', ['-c', 'eval "set -- $GB_ARGS"; printf "%s\\n" "$@"'], {
      env: { ...process.env, GB_ARGS: env['GB_ARGS'] ?? '' },
    });
    assert.deepEqual(stdout.split('\n').slice(0, -1), ['-k', '-c', '50', '-H', `X-Q: a "b" & c\\d 'e'`, 'http://t/?a=1&b=2']);
  });

  it('-p URL: every shard pushes to Prometheus under one run id named after the start', async () => {
    const job = await rendered(['-s', '3', '-p', 'http://prom:9090/api/v1/write', '--', '-k', '-c', '30', 'http://t/']);
    const env = envOf(job);
    const { stdout } = await run('sh', ['-c', 'eval "set -- $GB_ARGS"; printf "%s\\n" "$@"'], {
      env: { ...process.env, GB_ARGS: env['GB_ARGS'] ?? '' },
    });
    const runId = `gb-${(env['START_AT'] ?? '').replace(/[-:]/g, '')}`;
    assert.match(runId, /^gb-\d{8}T\d{6}Z$/);
    assert.deepEqual(stdout.split('\n').slice(0, -1), [
      '--out',
      'prometheus=http://prom:9090/api/v1/write',
      '--run-id',
      runId,
      '-k',
      '-c',
      '30',
      'http://t/',
    ]);
  });

  it('computes the start without GNU date -d (macOS date has none)', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'gb-k8s-date-'));
    try {
      // A date that refuses -d, as macOS's does; any other use goes to the real one.
      writeFileSync(
        join(bin, 'date'),
        '#!/bin/sh\nfor a in "$@"; do case "$a" in -d*) echo "date: illegal option -- d" >&2; exit 1 ;; esac; done\nPATH="${PATH#*:}" exec date "$@"\n',
      );
      chmodSync(join(bin, 'date'), 0o755);
      const before = Date.now();
      const { stdout } = await run('bash', [RUN_SH, '--render', '-d', '10', '--', 'http://t/'], {
        env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
      });
      const startAt = Date.parse(envOf(parse(stdout) as Job)['START_AT'] ?? '');
      assert.ok(startAt >= before + 8_000 && startAt <= Date.now() + 11_000, `START_AT ${String(startAt)}`);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('guards every array that may be empty, as bash 3.2 (macOS) needs under set -u', () => {
    // Only gb's arguments and the result files are checked non-empty before they are expanded.
    const code = readFileSync(RUN_SH, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n');
    const bare = [...code.matchAll(/(?<!\+)"\$\{(\w+)\[@\]\}"/g)].map((m) => m[1]);
    assert.ok(bare.length > 0);
    assert.deepEqual([...new Set(bare)].sort(), ['files', 'gb_args']);
  });

  it('refuses bad options in one line, exit 2', async () => {
    for (const args of [['-s', '0', '--', 'http://t/'], ['--render'], ['--bogus']]) {
      const failed = await run('bash', [RUN_SH, ...args]).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      assert.ok(failed !== null, args.join(' '));
      assert.equal(failed.code, 2);
      assert.match(failed.stderr, /^run\.sh: [^\n]+\n$/);
    }
  });
});

describe("the pods' command, run here as three pods would run it", () => {
  let server: TargetServer;
  let dir = '';
  before(async () => {
    server = await startTargetServer();
    dir = mkdtempSync(join(tmpdir(), 'gb-k8s-'));
    // The image puts gb on PATH; here a wrapper runs the built one.
    writeFileSync(join(dir, 'gb'), `#!/bin/sh\nexec "${process.execPath}" "${GB_MAIN}" "$@"\n`);
    chmodSync(join(dir, 'gb'), 0o755);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('each pod logs its report and its JSON; run.sh --extract takes the JSON out; gb merge adds all three', async () => {
    const job = await rendered(['-s', '3', '-d', '2', '--', '-k', '-c', '6', '-n', '600', `${server.url}/`]);
    const script = container(job).args[0] ?? '';
    const env = envOf(job);
    const logs = [0, 1, 2].map((k) => join(dir, `pod-${k}.log`));
    const exits = await Promise.all(
      logs.map(
        (log, k) =>
          new Promise<number | null>((resolve, reject) => {
            // stdout and stderr into one file, as `kubectl logs` shows them.
            const fd = openSync(log, 'w');
            // Each pod has a /tmp of its own.
            const podTmp = mkdtempSync(join(dir, `tmp-${k}-`));
            const pod = spawn('/bin/sh', ['-c', script], {
              stdio: ['ignore', fd, fd],
              env: { ...process.env, ...env, JOB_COMPLETION_INDEX: String(k), TMPDIR: podTmp, PATH: `${dir}:${process.env['PATH'] ?? ''}` },
            });
            closeSync(fd);
            const timer = setTimeout(() => pod.kill('SIGKILL'), 30_000);
            pod.on('error', reject);
            pod.on('close', (code) => {
              clearTimeout(timer);
              resolve(code);
            });
          }),
      ),
    );
    assert.deepEqual(exits, [0, 0, 0], logs.map((l) => readFileSync(l, 'utf8')).join('\n'));
    const files: string[] = [];
    for (const [k, log] of logs.entries()) {
      const text = readFileSync(log, 'utf8');
      assert.match(text, /^Complete requests: +200$/m, 'the report comes first');
      const { stdout } = await run('bash', [RUN_SH, '--extract', log]);
      const result = JSON.parse(stdout) as Summary;
      assert.equal(result.shards?.members[0]?.index, k + 1);
      const file = join(dir, `pod-${k}.json`);
      writeFileSync(file, stdout);
      files.push(file);
    }
    const merged = await runGb(['merge', ...files, '--report']);
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /^Complete requests: +600$/m);
    assert.match(merged.stdout, /^Shards: +3 of 3 of run [0-9a-f]{12} \(whole run -c 6 -n 600\), --start-at /m);
  });
});
