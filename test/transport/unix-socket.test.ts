// --unix-socket: requests over a unix domain socket, with Host and path from the URL, against gb's own target, `gb serve` and nginx.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Summary } from '../../src/metrics/summary.js';
import { startTargetServer, type TargetServer } from '../../src/server/target.js';
import { runGb, spawnGb } from '../helpers/gb-process.js';
import { startNginx } from '../helpers/nginx.js';
import { runArgs } from '../helpers/summaries.js';
import { requireTool } from '../helpers/tools.js';
import { withTarget } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'gb-unix-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const field = (stdout: string, label: string): string => {
  const line = stdout.split('\n').find((l) => l.startsWith(label));
  assert.ok(line !== undefined, `no "${label}" line in:\n${stdout}`);
  return line.slice(label.length).trim();
};

describe('against startTargetServer on a unix socket', () => {
  const path = join(dir, 'target.sock');
  let target: TargetServer;
  before(async () => {
    target = await startTargetServer({ unixSocket: path });
  });
  after(() => target.close());

  test("keep-alive: the server sees exactly -n on -c connections, with the URL's path and Host; transport is unix", async () => {
    target.resetStats();
    const s = await runArgs(['-k', '-n', '500', '-c', '5', '--unix-socket', path, 'http://localhost/bytes/100?x=1']);
    assert.equal(s.failed, 0, JSON.stringify(s.errors));
    assert.equal(s.responses, 500);
    assert.equal(s.bytes.body, 500 * 100);
    assert.equal(s.transport, 'unix');
    const stats = target.stats();
    assert.equal(stats.requests, 500);
    assert.equal(stats.connections, 5);
    assert.equal(stats.lastRequest?.url, '/bytes/100?x=1');
    assert.deepEqual(
      stats.lastRequest?.headers.find(([name]) => name.toLowerCase() === 'host'),
      ['Host', 'localhost'],
    );
  });

  test('a connection per request, and a host name that does not resolve (no lookup is made)', async () => {
    target.resetStats();
    const s = await runArgs(['-n', '200', '-c', '4', '--unix-socket', path, 'http://no-such-host.invalid:8080/']);
    assert.equal(s.failed, 0, JSON.stringify(s.errors));
    assert.equal(s.responses, 200);
    assert.equal(target.stats().requests, 200);
    assert.equal(target.stats().connections, 200);
    assert.deepEqual(
      target.stats().lastRequest?.headers.find(([name]) => name === 'Host'),
      ['Host', 'no-such-host.invalid:8080'],
    );
  });

  test('in worker threads: -n is split exactly and every worker says unix', async () => {
    target.resetStats();
    const r = await runGb(['-q', '-k', '-G', '2', '-n', '300', '-c', '4', '--unix-socket', path, '--json', '-', 'http://localhost/']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.equal(s.responses, 300);
    assert.equal(s.transport, 'unix');
    assert.equal(target.stats().requests, 300);
  });
});

describe('gb serve --unix-socket', () => {
  test('serves a gb run over the socket, counts match, and removes its socket on exit', async () => {
    const path = join(dir, 'serve.sock');
    const serve = spawnGb(['serve', '--unix-socket', path], { killAfterMs: 20_000 });
    try {
      let printed = '';
      serve.child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      while (!printed.includes('listening')) await once(serve.child.stdout!, 'data');
      assert.match(printed, new RegExp(`listening on unix socket ${path}`));
      const r = await runGb(['-k', '-n', '400', '-c', '4', '--unix-socket', path, 'http://localhost/']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(field(r.stdout, 'Complete requests:'), '400');
      assert.equal(field(r.stdout, 'Failed requests:'), '0');
      serve.child.kill('SIGINT');
      const exit = await serve.done;
      assert.equal(exit.code, 0, exit.stderr);
      assert.match(exit.stdout, /stopped after serving 400 requests/);
      assert.equal(existsSync(path), false);
    } finally {
      serve.kill();
    }
  });

  test('replaces a stale socket file that nobody listens on', async () => {
    const path = join(dir, 'stale.sock');
    // A server killed outright leaves its socket file behind.
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    await once(child, 'exit');
    assert.equal(existsSync(path), true);
    // The server starts although a dead server's socket file is in the way.
    await withTarget(
      async () => {
        const s = await runArgs(['-n', '3', '--unix-socket', path, 'http://localhost/']);
        assert.equal(s.responses, 3);
      },
      { unixSocket: path },
    );
  });

  test('refuses a regular file (and leaves it alone), a live socket, and --port with --unix-socket', async () => {
    const file = join(dir, 'data.txt');
    writeFileSync(file, 'precious');
    const onFile = await runGb(['serve', '--unix-socket', file]);
    assert.equal(onFile.code, 1);
    assert.equal(onFile.stderr, `gb: cannot listen on ${file}: ${file} exists and is not a socket (not removing it)\n`);
    assert.equal(readFileSync(file, 'utf8'), 'precious');

    const live = join(dir, 'live.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(live, resolve));
    try {
      const onLive = await runGb(['serve', '--unix-socket', live]);
      assert.equal(onLive.code, 1);
      assert.match(onLive.stderr, /^gb: cannot listen on .*live\.sock: .* is in use: a server is listening on it\n$/);
      assert.equal(existsSync(live), true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }

    const both = await runGb(['serve', '--port', '0', '--unix-socket', join(dir, 'x.sock')]);
    assert.equal(both.code, 2);
    assert.equal(both.stderr, 'gb: --unix-socket cannot be used with --port or --host: the server listens on one or the other\n');
  });
});

describe('bad --unix-socket input: one line, exit 2, before any connection', () => {
  const sub = join(dir, 'a-directory');
  mkdirSync(sub);
  const file = join(dir, 'regular-file');
  writeFileSync(file, '');
  const cases: ReadonlyArray<{ what: string; args: readonly string[]; message: string }> = [
    {
      what: 'a path that does not exist',
      args: ['--unix-socket', join(dir, 'missing.sock')],
      message: `--unix-socket ${join(dir, 'missing.sock')}: no such file (is the server listening there?)`,
    },
    {
      what: 'a regular file',
      args: ['--unix-socket', file],
      message: `--unix-socket ${file} is not a unix domain socket (it is a regular file)`,
    },
    { what: 'a directory', args: ['--unix-socket', sub], message: `--unix-socket ${sub} is not a unix domain socket (it is a directory)` },
  ];
  for (const { what, args, message } of cases) {
    test(what, async () => {
      const r = await runGb([...args, 'http://localhost/']);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `gb: ${message} (see 'gb -h')\n`);
    });
  }

  test('-B with --unix-socket', async () => {
    const path = join(dir, 'bind.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const r = await runGb(['-B', '127.0.0.1', '--unix-socket', path, 'http://localhost/']);
      assert.equal(r.code, 2);
      assert.equal(
        r.stderr,
        "gb: -B 127.0.0.1 cannot be used with --unix-socket: a unix socket has no local IP address to send from (see 'gb -h')\n",
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

const skipNginx = requireTool('nginx');

test(
  'against nginx listening on unix:…/nginx.sock: its access log holds exactly -n requests',
  { timeout: 30_000, skip: skipNginx },
  async (t) => {
    const nginx = await startNginx('location = /hello.txt { return 200 "hello"; }', '', { listen: 'unix' });
    try {
      assert.ok(nginx.unixSocket !== null);
      for (const [n, keepAlive] of [
        [1000, true],
        [200, false],
      ] as const) {
        const before = await nginx.loggedRequests();
        const s = await runArgs([
          '-q',
          ...(keepAlive ? ['-k'] : []),
          '-n',
          String(n),
          '-c',
          '8',
          '--unix-socket',
          nginx.unixSocket,
          `${nginx.url}/hello.txt`,
        ]);
        const logged = (await nginx.loggedRequests()) - before;
        t.diagnostic(`${keepAlive ? 'keep-alive' : 'a connection per request'}: nginx logged ${logged} of -n ${n}`);
        assert.equal(s.failed, 0, JSON.stringify(s.errors));
        assert.equal(s.responses, n);
        assert.equal(s.statusCodes['200'], n);
        assert.equal(s.transport, 'unix');
        assert.equal(logged, n);
      }
    } finally {
      await nginx.stop();
    }
  },
);
