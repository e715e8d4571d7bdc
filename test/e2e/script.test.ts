// --script against gb's built-in target: the shipped examples, Script failures, and a script's bad input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createH2cServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ranIn } from '../helpers/in-process.js';
import { startTargetServer } from '../../src/server/target.js';
import type { Summary } from '../../src/metrics/summary.js';
import { withTarget, withTargetAndDir } from '../helpers/target.js';

const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

function scriptFile(name: string, text: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gb-script-test-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

for (const [example, extra] of [
  ['login-then-api.ts', ['-c', '4']],
  ['random-product.ts', ['-c', '4', '-G', '2']],
  ['check-json-field.ts', ['-c', '3', '--pipeline', '2']],
] as const) {
  test(
    `examples/${example} ${extra.join(' ')}: every request the server sees carries a token from /login`,
    { timeout: 60_000 },
    async () => {
      await withTarget(async (server) => {
        const ran = await ranIn(['-q', '-k', '-n', '600', ...extra, '--script', join(examples, example), '--json', '-', `${server.url}/`]);
        assert.equal(ran.code, 0, ran.err);
        const summary = JSON.parse(ran.out) as Summary;
        const api = server.stats().api;
        assert.equal(api.unauthorized, 0, 'no request lacked the token');
        assert.equal(api.authorized, 600);
        assert.equal(api.logins, (extra as readonly string[]).includes('-G') ? 2 : 1, 'setup() ran once per worker');
        assert.equal(summary.failed, 0);
        assert.deepEqual(
          summary.endpoints?.map((e) => [e.name, e.requests, e.non2xx]),
          [['GET /api/items/:id', 600, 0]],
        );
      });
    },
  );
}

test('without the token the server answers 401 and counts it: the counter the examples are judged by can fail', async () => {
  await withTarget(async (server) => {
    const ran = await ranIn(['-q', '-n', '5', `${server.url}/api/items/3`]);
    assert.equal(ran.code, 0, ran.err);
    assert.match(ran.out, /Non-2xx responses: +5\n/);
    assert.equal(server.stats().api.unauthorized, 5);
  });
});

test('response() returning false is a Script failure of a complete response; the run goes on without -r', async () => {
  const s = scriptFile(
    'check.mjs',
    "export const options = { responseBody: true };\nexport function response(ctx, res) { return res.text() !== 'Hello, World!'; }\n",
  );
  const server = await startTargetServer();
  try {
    const ran = await ranIn(['-q', '-k', '-n', '50', '--script', s.file, '--json', '-', `${server.url}/`]);
    const summary = JSON.parse(ran.out) as Summary;
    assert.equal(ran.code, 1, 'nothing succeeded');
    assert.equal(summary.completed, 50);
    assert.equal(summary.failures.script, 50);
    assert.equal(summary.succeeded, 0);
    assert.deepEqual(summary.errorCodes, { SCRIPT: 50 });
  } finally {
    await server.close();
    s.remove();
  }
});

test('request() that throws: that request is a Script failure, never sent; with -r the run goes on', async () => {
  const s = scriptFile(
    'throws.ts',
    "let n = 0;\nexport function request(): { path: string } {\n  n++;\n  if (n % 5 === 0) throw new Error('fifth');\n  return { path: '/' };\n}\n",
  );
  const server = await startTargetServer();
  try {
    const ran = await ranIn(['-q', '-r', '-n', '100', '--script', s.file, `${server.url}/`]);
    assert.equal(ran.code, 0, ran.err);
    assert.equal(server.stats().requests, 80, 'the failed ones never left');
    assert.match(ran.out, /Failed requests: +20\n/);
    assert.match(ran.out, /Requests issued: +100 = 80 complete \+ 0 connect failures \+ 20 script failures before sending \+ 0 cut off\n/);
    assert.match(ran.out, /Errors: +script: request\(\) threw: Error: fifth \(at .*throws\.ts:4:\d+\) ×20/);
  } finally {
    await server.close();
    s.remove();
  }
});

// On Node 20 a .ts script runs as an esbuild bundle in a temporary folder; its import.meta must still be its own file's.
for (const ext of ['ts', 'js'] as const) {
  test(`a .${ext} script and the module it imports read the data files beside them through import.meta.url`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-script-meta-'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'data.txt'), 'beside\n');
    writeFileSync(join(dir, 'lib', 'data.txt'), 'in-lib\n');
    const typed = ext === 'ts' ? ': string' : '';
    writeFileSync(
      join(dir, 'lib', `helper.${ext}`),
      `import { readFileSync } from 'node:fs';\nexport const libData${typed} = readFileSync(new URL('./data.txt', import.meta.url), 'utf8').trim();\n` +
        `export const libFile${typed} = import.meta.url.slice(import.meta.url.lastIndexOf('/') + 1);\n`,
    );
    writeFileSync(
      join(dir, `script.${ext}`),
      `import { readFileSync } from 'node:fs';\nimport { libData, libFile } from './lib/helper.${ext}';\n` +
        `const data${typed} = readFileSync(new URL('./data.txt', import.meta.url), 'utf8').trim();\n` +
        `const own${typed} = import.meta.url.slice(import.meta.url.lastIndexOf('/') + 1);\n` +
        'export function request() {\n  return { path: `/${data}/${own}/${libData}/${libFile}` };\n}\n',
    );
    const server = await startTargetServer();
    try {
      const ran = await ranIn(['-q', '-n', '3', '--script', join(dir, `script.${ext}`), `${server.url}/`]);
      assert.equal(ran.code, 0, ran.err);
      assert.deepEqual(server.stats().byPath, { [`/beside/script.${ext}/in-lib/helper.${ext}`]: 3 });
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// Set-Cookie values hold commas (Expires dates), so joined they could not be split: a script gets each one.
const COOKIES = ['session=abc; Path=/; HttpOnly', 'seen=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/'];
for (const protocol of ['HTTP/1.1', 'h2c'] as const) {
  test(`${protocol}: res.headers['set-cookie'] is a list of every Set-Cookie, other repeated headers are joined`, async () => {
    const s = scriptFile(
      'cookies.ts',
      'export function response(_ctx: unknown, res: { headers: Record<string, unknown> }): void {\n' +
        "  const seen = JSON.stringify([res.headers['set-cookie'], res.headers['vary'], res.headers['content-type']]);\n" +
        `  if (seen !== ${JSON.stringify(JSON.stringify([COOKIES, 'Accept, Origin', 'text/plain']))}) throw new Error(seen);\n` +
        '}\n',
    );
    const answer = (res: { setHeader(name: string, value: string | string[]): unknown; end(body: string): unknown }): void => {
      res.setHeader('Content-Type', 'text/plain');
      res.setHeader('Set-Cookie', COOKIES);
      res.setHeader('Vary', ['Accept', 'Origin']);
      res.end('ok');
    };
    const server: Server | Http2Server =
      protocol === 'h2c' ? createH2cServer((_req, res) => answer(res)) : createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const ran = await ranIn(['-q', '-k', '-n', '20', ...(protocol === 'h2c' ? ['--http2'] : []), '--script', s.file, '--json', '-', url]);
      assert.equal(ran.code, 0, ran.err);
      const summary = JSON.parse(ran.out) as Summary;
      assert.equal(summary.succeeded, 20);
      assert.equal(summary.failures.script, 0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      s.remove();
    }
  });
}

const badScripts: readonly {
  readonly name: string;
  readonly file: string;
  readonly text: string;
  readonly code: number;
  readonly message: RegExp;
}[] = [
  {
    name: 'a syntax error',
    file: 'syntax.ts',
    text: "export function request() {\n  return { path: '/' ;\n}\n",
    code: 2,
    message:
      /^gb: --script .*syntax\.ts failed to load: SyntaxError: (.*syntax\.ts:2:\d+: Expected "}" but found ";"|Expected ',', got ';' \(at .*syntax\.ts:2(:\d+)?\))\n$/,
  },
  {
    name: 'a syntax error in an .mjs',
    file: 'syntax.mjs',
    text: 'export function request() {\n  return { path: "/" ;\n}\n',
    code: 2,
    message: /^gb: --script .*syntax\.mjs failed to load: SyntaxError: .* \(at .*syntax\.mjs:2(:\d+)?\)\n$/,
  },
  {
    name: 'a hook that is not a function',
    file: 'notfn.mjs',
    text: 'export const request = 5;\n',
    code: 2,
    message: /^gb: --script .*notfn\.mjs: export 'request' must be a function, got number\n$/,
  },
  {
    name: 'setup() that throws',
    file: 'setup.ts',
    text: "export async function setup(): Promise<void> {\n  throw new Error('login refused');\n}\n",
    code: 1,
    message: /gb: --script setup\(\) threw: Error: login refused \(at .*setup\.ts:2:\d+\)\n$/,
  },
  // import.meta makes the Node 20 loader rewrite the module before bundling: its lines must still map back.
  {
    name: 'setup() that throws after reading import.meta',
    file: 'meta-setup.ts',
    text: "const here: string = import.meta.url;\nexport async function setup(): Promise<void> {\n  throw new Error(`login refused at ${here.length > 0 ? 'home' : ''}`);\n}\n",
    code: 1,
    message: /gb: --script setup\(\) threw: Error: login refused at home \(at .*meta-setup\.ts:3:\d+\)\n$/,
  },
  {
    name: 'request() that returns a string',
    file: 'string.mjs',
    text: "export function request() { return 'GET /'; }\n",
    code: 1,
    message:
      /gb: stopped at the first error: script: request\(\) returned string; expected \{ method\?, path\?, headers\?, body\?, name\? \} or a target index/,
  },
];

for (const bad of badScripts) {
  test(`a script with ${bad.name}: one clear line, exit ${bad.code}, no request sent by gb`, async () => {
    const s = scriptFile(bad.file, bad.text);
    const server = await startTargetServer();
    try {
      const ran = await ranIn(['-q', '-n', '10', '--script', s.file, `${server.url}/`]);
      assert.equal(ran.code, bad.code, ran.err);
      assert.match(ran.err, bad.message);
      assert.doesNotMatch(ran.err, /\n {4}at /, 'no stack trace');
      assert.equal(server.stats().byPath['/'] ?? 0, 0);
    } finally {
      await server.close();
      s.remove();
    }
  });
}

test('teardown(ctx, summary) runs after the run with its Summary; ctx.state carries values between hooks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-teardown-'));
  const out = join(dir, 'out.json');
  const s = scriptFile(
    'teardown.mjs',
    `import { writeFileSync } from 'node:fs';\nexport function setup(ctx) { ctx.state.seen = 0; }\nexport function response(ctx) { ctx.state.seen++; }\nexport function teardown(ctx, summary) { writeFileSync(${JSON.stringify(out)}, JSON.stringify({ seen: ctx.state.seen, completed: summary.completed, worker: ctx.worker })); }\n`,
  );
  const server = await startTargetServer();
  try {
    const ran = await ranIn(['-q', '-k', '-n', '25', '--script', s.file, `${server.url}/`]);
    assert.equal(ran.code, 0, ran.err);
    const { readFileSync } = await import('node:fs');
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { seen: 25, completed: 25, worker: 0 });
  } finally {
    await server.close();
    s.remove();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with --targets, request() may return a target index (its pre-built bytes) or a request of its own on the same origin', async () => {
  await withTargetAndDir('gb-script-targets-', async (server, dir) => {
    const targets = join(dir, 't.txt');
    writeFileSync(targets, `GET ${server.url}/a\n\nPOST ${server.url}/echo\n`);
    const s = scriptFile(
      'pick.mjs',
      "let n = 0;\nexport function request(ctx) { n++; return n % 3 === 0 ? { path: '/c', name: 'own' } : n % ctx.targets; }\n",
    );
    try {
      const ran = await ranIn(['-q', '-k', '-n', '30', '--targets', targets, '--script', s.file, '--json', '-']);
      assert.equal(ran.code, 0, ran.err);
      const summary = JSON.parse(ran.out) as Summary;
      assert.deepEqual(server.stats().byPath, { '/a': 10, '/echo': 10, '/c': 10 });
      assert.deepEqual(
        summary.endpoints?.map((e) => [e.name, e.requests]),
        [
          ['GET /a', 10],
          ['POST /echo', 10],
          ['own', 10],
        ],
      );
      assert.equal(summary.settings.method, 'GET');
      assert.equal(summary.settings.hasBody, false);
    } finally {
      s.remove();
    }
  });
});
