// --out, --out-period, --tag, --dashboard and --dashboard-linger on bad input: one gb: line, exit 2, and nothing sent to the target or a receiver.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnGb } from '../helpers/gb-process.js';
import { withScratchDir } from '../helpers/target.js';

const T = { timeout: 60_000 };

/** A node:http server that counts what reaches it. */
async function countingServer(): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((request, response) => {
    hits++;
    request.resume();
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

describe('live output flags on bad input', () => {
  let target: Awaited<ReturnType<typeof countingServer>>;
  let receiver: Awaited<ReturnType<typeof countingServer>>;
  before(async () => {
    target = await countingServer();
    receiver = await countingServer();
  });
  after(() => {
    target.server.close();
    receiver.server.close();
  });

  async function refused(args: readonly string[], pattern: RegExp): Promise<void> {
    const run = await spawnGb([...args, '-n', '3', `${target.url}/`]).done;
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0] ?? '', pattern);
    assert.equal(run.stdout, '');
    assert.equal(target.hits(), 0, `${args.join(' ')} sent requests to the target`);
    assert.equal(receiver.hits(), 0, `${args.join(' ')} pushed to the receiver`);
  }

  test('an unknown --out kind, a URL that is not http(s), and no URL at all', T, async () => {
    await refused(['--out', `kafka=${receiver.url}/`], /^gb: --out kafka=\S+: expected prometheus=URL or otlp=URL/);
    await refused(['--out', 'prometheus=ftp://127.0.0.1/write'], /^gb: --out prometheus=ftp:\S+: the URL must be http:\/\/ or https:\/\//);
    await refused(['--out', 'otlp=not a url'], /^gb: --out otlp=not a url: not a URL/);
    await refused(['--out', receiver.url], /^gb: --out \S+: expected prometheus=URL or otlp=URL/);
  });

  test('--out-period below 1s or not a duration; --out-period and --tag without --out', T, async () => {
    const out = ['--out', `prometheus=${receiver.url}/api/v1/write`];
    await refused([...out, '--out-period', '500ms'], /^gb: --out-period 500ms: must be at least 1s/);
    await refused([...out, '--out-period', 'soon'], /^gb: invalid duration: --out-period 'soon'/);
    await refused(['--out-period', '2s'], /^gb: --out-period needs --out/);
    await refused(['--tag', 'team=perf'], /^gb: --tag needs --out/);
  });

  test('--tag names Prometheus cannot take or gb sets itself', T, async () => {
    const out = ['--out', `prometheus=${receiver.url}/api/v1/write`];
    await refused([...out, '--tag', '9x=1'], /^gb: --tag 9x: a label name is letters, digits and _/);
    await refused([...out, '--tag', 'novalue'], /^gb: --tag novalue: expected NAME=VALUE/);
    await refused([...out, '--tag', '__name__=x'], /^gb: --tag __name__: names starting with __ are Prometheus's own/);
    await refused([...out, '--tag', 'run_id=x'], /^gb: --tag run_id: gb sets that label itself/);
  });

  test('a bad --dashboard address, a port in use, and --dashboard-linger without --dashboard', T, async () => {
    await refused(['--dashboard', 'localhost:99999'], /^gb: invalid address: --dashboard 'localhost:99999'/);
    await refused(['--dashboard', ':'], /^gb: invalid address: --dashboard ':'/);
    await refused(['--dashboard-linger', '5s'], /^gb: --dashboard-linger needs --dashboard/);
    const busy = (receiver.server.address() as AddressInfo).port;
    await refused(
      ['--dashboard', `127.0.0.1:${busy}`, '--out', `prometheus=${receiver.url}/api/v1/write`],
      /^gb: --dashboard 127\.0\.0\.1:\d+ is in use/,
    );
  });

  test(
    'a run that cannot start (its script throws in setup) ends at once with --out and --dashboard on: nothing left serving',
    T,
    async () => {
      await withScratchDir('gb-live-flags-', async (dir) => {
        const script = join(dir, 'broken.mjs');
        writeFileSync(script, "export function setup() { throw new Error('no fixtures'); }\n");
        const args = [
          '--script',
          script,
          '--out',
          `prometheus=${receiver.url}/api/v1/write`,
          '--dashboard',
          '0',
          '-n',
          '3',
          `${target.url}/`,
        ];
        const run = await spawnGb(args, { killAfterMs: 15_000 }).done;
        assert.equal(run.killed, false, 'gb did not exit by itself');
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stderr, /no fixtures/);
        assert.equal(target.hits(), 0);
      });
    },
  );
});
