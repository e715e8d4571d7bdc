// ab's remaining flags and request bytes: -v 2/3 response logs, -x/-y/--td-attributes, -b, --http1.0,
// the request target and Host as typed, Server Software, Total body sent, Write errors, and output
// paths checked before the run. Compared with the real ab on the same server where it is installed.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runGb } from '../helpers/gb-process.js';
import { findTool, requireTool } from '../helpers/tools.js';
import { listenLoopback } from '../helpers/loopback.js';

const AB = findTool('ab') ?? 'ab';
const noAb = requireTool('ab');

interface Recorder {
  readonly port: number;
  /** Every request head (and body) received, in arrival order, as latin1 text. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that records each request's bytes and answers with `reply(index)`, then closes. */
async function startRecorder(reply: (index: number) => string): Promise<Recorder> {
  const requests: string[] = [];
  const server = await listenLoopback((socket) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
      if (text.length < end + 4 + Number(length?.[1] ?? 0)) return;
      requests.push(text);
      text = '';
      socket.end(reply(requests.length - 1));
    });
  });
  return { port: server.port, requests, close: () => server.close() };
}

function runAb(args: readonly string[]): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve) => {
    execFile(AB, args, { encoding: 'utf8' }, (error, stdout) => resolve({ stdout, code: error === null ? 0 : Number(error.code ?? 1) }));
  });
}

const OK = 'HTTP/1.1 200 OK\r\nServer: Apache/2.4.71 (Debian)\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello';
const NOT_FOUND = 'HTTP/1.1 404 Not Found\r\nServer: Apache/2.4.71 (Debian)\r\nContent-Length: 2\r\n\r\nno';

describe('against a recording server', () => {
  let server: Recorder;
  let dir: string;
  before(async () => {
    server = await startRecorder((i) => (i % 2 === 1 ? NOT_FOUND : OK));
    dir = mkdtempSync(join(tmpdir(), 'gb-abflags-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const url = (path: string): string => `http://127.0.0.1:${server.port}${path}`;

  test('--http1.0 sends the bytes ab sends, in its order, with gb as the User-Agent', async () => {
    const body = join(dir, 'body.txt');
    writeFileSync(body, 'abc');
    const flags = ['-k', '-n', '1', '-C', 'b=2', '-A', 'u:p:w', '-p', body, '-T', 'app/x', '-H', 'X-A: 1', '-H', 'accept: text/html'];
    server.requests.length = 0;
    const gb = await runGb(['-q', '--http1.0', ...flags, url('/p?q')]);
    assert.equal(gb.code, 0, gb.stderr);
    const sent = server.requests[0] ?? '';
    assert.equal(
      sent.replace(/User-Agent: gb\/[^\r]+/, 'User-Agent: GB'),
      `POST /p?q HTTP/1.0\r\nConnection: Keep-Alive\r\nCookie: b=2\r\nAuthorization: Basic dTpwOnc=\r\nContent-length: 3\r\n` +
        `Content-type: app/x\r\nX-A: 1\r\naccept: text/html\r\nHost: 127.0.0.1:${server.port}\r\nUser-Agent: GB\r\n\r\nabc`,
    );
    const plain = await runGb(['-q', '--http1.0', '-n', '1', url('/')]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(server.requests[1] ?? '', /^GET \/ HTTP\/1\.0\r\nHost: [^\r]+\r\nUser-Agent: gb\/[^\r]+\r\nAccept: \*\/\*\r\n\r\n$/);
  });

  test('--http1.0 with -H User-Agent: the same bytes as the real ab', { skip: noAb }, async () => {
    const flags = ['-k', '-n', '1', '-C', 'n=v', '-H', 'X-A: 1', '-H', 'User-Agent: ApacheBench/2.3'];
    server.requests.length = 0;
    const gb = await runGb(['-q', '--http1.0', ...flags, url('/x?y')]);
    assert.equal(gb.code, 0, gb.stderr);
    await runAb(['-q', ...flags, url('/x?y')]);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0], server.requests[1]);
  });

  test('the request target and Host go out as typed, not normalised', async () => {
    server.requests.length = 0;
    const gb = await runGb(['-q', '-n', '1', `http://127.1:${server.port}/a/../echo/./x?y=/../z`]);
    assert.equal(gb.code, 0, gb.stderr);
    const sent = server.requests[0] ?? '';
    assert.ok(sent.startsWith('GET /a/../echo/./x?y=/../z HTTP/1.1\r\n'), sent);
    assert.match(sent, new RegExp(`\\r\\nHost: 127\\.1:${server.port}\\r\\n`));
    assert.match(gb.stdout, /\nDocument Path: {10}\/a\/\.\.\/echo\/\.\/x\?y=\/\.\.\/z\n/);
    assert.match(gb.stdout, /\nServer Hostname: {8}127\.1\n/);
  });

  test('Server Software: up to the first space, as ab prints it', async () => {
    const gb = await runGb(['-q', '-n', '1', url('/')]);
    assert.match(gb.stdout, /\nServer Software: {8}Apache\/2\.4\.71\n/);
    if (noAb === false) {
      const ab = await runAb(['-q', '-n', '1', url('/')]);
      assert.equal(/\nServer Software: +(.*)\n/.exec(ab.stdout)?.[1], 'Apache/2.4.71');
    }
  });

  test('-v 2 logs each response header block and non-2xx warnings, -v 3 each 2xx status too, as ab', async () => {
    // ab's report may also carry a sanity WARNING about the median and mean, which depends on timing.
    const logLines = (text: string): string[] => text.split('\n').filter((l) => /^(LOG: |WARNING: Response code)/.test(l));
    server.requests.length = 0;
    const v3 = await runGb(['-q', '-v', '3', '-n', '2', url('/')]);
    assert.equal(v3.code, 0, v3.stderr);
    assert.ok(
      v3.stderr.includes(
        'LOG: header received:\nHTTP/1.1 200 OK\nServer: Apache/2.4.71 (Debian)\nContent-Length: 5\nX-A: b\n\nLOG: Response code = 200\n',
      ),
      v3.stderr,
    );
    assert.deepEqual(logLines(v3.stderr), [
      'LOG: header received:',
      'LOG: Response code = 200',
      'LOG: header received:',
      'WARNING: Response code not 2xx (404)',
    ]);
    const v2 = await runGb(['-q', '-v', '2', '-n', '2', url('/')]);
    assert.deepEqual(logLines(v2.stderr), ['LOG: header received:', 'LOG: header received:', 'WARNING: Response code not 2xx (404)']);
    const v1 = await runGb(['-q', '-v', '1', '-n', '2', url('/')]);
    assert.equal(v1.stderr, '');
    if (noAb === false) {
      // ab prints these on stdout; the sequence of log lines is the same.
      for (const [level, gbRun] of [
        ['3', v3],
        ['2', v2],
      ] as const) {
        const ab = await runAb(['-q', '-v', level, '-n', '2', url('/')]);
        assert.deepEqual(logLines(gbRun.stderr), logLines(ab.stdout), `-v ${level}`);
      }
    }
  });

  test('-x, -y and --td-attributes go into the -w tables as ab puts -x, -y and -z; without -w one notice', async () => {
    const attrs = ['-x', 'border=1', '-y', 'class=r'];
    const gb = await runGb(['-q', '-w', ...attrs, '--td-attributes', 'x=1', '-n', '1', url('/')]);
    assert.equal(gb.code, 0, gb.stderr);
    const tableOf = (html: string): string[] => {
      const lines = html.split('\n');
      const start = lines.findIndex((l) => l.startsWith('<table'));
      return lines.slice(start, start + 4);
    };
    assert.deepEqual(tableOf(gb.stdout), [
      '<table border=1>',
      '<tr class=r><th colspan=2 x=1>Server Software:</th><td colspan=2 x=1>Apache/2.4.71</td></tr>',
      '<tr class=r><th colspan=2 x=1>Server Hostname:</th><td colspan=2 x=1>127.0.0.1</td></tr>',
      `<tr class=r><th colspan=2 x=1>Server Port:</th><td colspan=2 x=1>${server.port}</td></tr>`,
    ]);
    if (noAb === false) {
      const ab = await runAb(['-q', '-w', ...attrs, '-z', 'x=1', '-n', '1', url('/')]);
      assert.deepEqual(tableOf(gb.stdout), tableOf(ab.stdout));
    }
    const plain = await runGb(['-q', ...attrs, '-n', '1', url('/')]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stderr, "gb: -x, -y apply only to -w's HTML tables; ignored\n");
    assert.ok(!plain.stdout.includes('<table'));
  });

  test('-b is accepted with one notice (Node cannot size socket buffers); a bad size is exit 2', async () => {
    const gb = await runGb(['-q', '-b', '65536', '-n', '1', url('/')]);
    assert.equal(gb.code, 0, gb.stderr);
    assert.equal(gb.stderr.split('\n').filter(Boolean).length, 1, gb.stderr);
    assert.match(gb.stderr, /^gb: -b 65536 ignored: Node cannot set/);
    assert.match(gb.stdout, /Complete requests: {6}1\n/);
    const bad = await runGb(['-q', '-b', 'big', '-n', '1', url('/')]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, "gb: invalid buffer size: -b big (not a whole number) (see 'gb -h')\n");
  });

  test('Total body sent: with -p, even an empty body; not for -m POST without one (as ab)', async () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const withBody = await runGb(['-q', '-n', '1', '-p', empty, url('/')]);
    const sent = /\nTotal body sent: {8}(\d+)\n/.exec(withBody.stdout);
    assert.ok(sent !== null, withBody.stdout);
    assert.ok(Number(sent[1]) > 0, 'counts the request bytes written, as ab');
    assert.match(withBody.stdout, / kb\/s sent\n/);
    const noBody = await runGb(['-q', '-n', '1', '-m', 'POST', url('/')]);
    assert.ok(!noBody.stdout.includes('Total body sent:'), noBody.stdout);
    if (noAb === false) {
      assert.match((await runAb(['-q', '-n', '1', '-p', empty, url('/')])).stdout, /\nTotal body sent: +\d+\n/);
      assert.ok(!(await runAb(['-q', '-n', '1', '-m', 'POST', url('/')])).stdout.includes('Total body sent:'));
    }
  });

  test('output files are checked before the first request: one gb: line, exit 2, nothing created', async () => {
    server.requests.length = 0;
    const missing = join(dir, 'no-such-dir', 'x.html');
    const html = await runGb(['--html', missing, '-t', '30', url('/')]);
    assert.equal(html.code, 2);
    assert.ok(html.wallMs < 5000, `took ${html.wallMs} ms`);
    assert.match(html.stderr, /^gb: cannot write --html .*no-such-dir.*: directory .*no-such-dir.* does not exist \(see 'gb -h'\)\n$/);
    const csv = await runGb(['-e', dir, '-n', '1', url('/')]);
    assert.equal(csv.code, 2);
    assert.match(csv.stderr, /^gb: cannot write -e .*: it is a directory/);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const profile = await runGb(['--profile', join(file, 'prof'), '-n', '1', url('/')]);
    assert.equal(profile.code, 2);
    assert.match(profile.stderr, /^gb: cannot write --profile .*: a part of the path is not a directory/);
    for (const flag of ['--json', '-g']) {
      const run = await runGb([flag, join(dir, 'gone', 'out'), '-n', '1', url('/')]);
      assert.equal(run.code, 2, `${flag}: ${run.stderr}`);
      assert.equal(run.stderr.split('\n').filter(Boolean).length, 1, run.stderr);
    }
    assert.equal(server.requests.length, 0, 'no request was sent');
    assert.ok(!existsSync(join(dir, 'no-such-dir')) && !existsSync(join(dir, 'gone')));
  });
});

test("-h: -z is gzip in gb, ab's -z is --td-attributes; -b, -x, -y and --http1.0 are listed", async () => {
  const help = await runGb(['-h']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /-z, --gzip +Ask for gzip .*ab's -z is --td-attributes/);
  assert.match(help.stdout, /--td-attributes ATTR +String to use as td attributes/);
  for (const option of [/-b, --buffer-size SIZE/, /-x, --table-attributes ATTR/, /-y, --tr-attributes ATTR/, /--http1\.0 /]) {
    assert.match(help.stdout, option);
  }
});

test('Write errors: a server that resets during a large upload fails each request in a write, as ab counts them', async (t) => {
  const server = await listenLoopback((socket) => socket.once('data', () => socket.resetAndDestroy()));
  const port = server.port;
  const dir = mkdtempSync(join(tmpdir(), 'gb-write-'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // Far more than loopback's socket buffers hold, so the write is still going when the reset lands.
  const body = join(dir, 'big.bin');
  writeFileSync(body, Buffer.alloc(32 * 1024 * 1024));
  for (const env of [{}, { GB_NO_RAW_TCP: '1' }]) {
    const gb = await runGb(['-q', '-r', '-n', '3', '-p', body, `http://127.0.0.1:${port}/`], { env, killAfterMs: 30_000 });
    assert.equal(gb.code, 1, 'no request succeeded');
    assert.match(
      gb.stdout,
      /\n {3}\(Connect: 0, Receive: 3, Length: 0, Exceptions: 0\)\nWrite errors: {11}3\n/,
      `${JSON.stringify(env)}\n${gb.stdout}`,
    );
  }
});
