// The README's run(options) example, taken from README.md as it stands: it type-checks against the
// built package's declarations and runs as written, importing 'gb-bench' like any user would.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** build/test/api/ → the repository root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/**
 * Inside the repository, so that 'gb-bench' resolves by the package's self-reference (its name and
 * "exports" in package.json) to dist/index.js, as it does for an installed package: no import map.
 */
const SCRATCH = join(ROOT, 'build', 'api-examples');

/** The first ```ts block under the README's "## Programmatic API" heading. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Programmatic API'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(match?.[1] !== undefined, 'README.md has a ```ts block under "## Programmatic API"');
  return match[1];
}

function writeScratch(name: string, code: string): string {
  mkdirSync(SCRATCH, { recursive: true });
  const file = join(SCRATCH, name);
  writeFileSync(file, code);
  return file;
}

function runNode(file: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test("the README's API example runs as written against the built package", async () => {
  const file = writeScratch('readme-example.mjs', readmeExample());
  const { code, stdout, stderr } = await runNode(file, 60_000);
  assert.equal(stderr, '');
  assert.equal(code, 0);
  assert.match(stdout, /^2000 of 2000 requests succeeded, \d+ req\/s\n/);
  assert.match(stdout, /\np50 \d+\.\d\d ms, p99 \d+\.\d\d ms\n/);
  assert.match(stdout, /\nbroken limits: 0\n$/);
});

test("the README's API example type-checks against the package's declarations (strict)", () => {
  const file = writeScratch('readme-example.mts', readmeExample());
  const program = ts.createProgram([file], {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    skipLibCheck: true,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(diagnostics, []);
  // The import really went to the built declarations, not to nothing (an untyped import would be `any`).
  assert.ok(program.getSourceFiles().some((f) => f.fileName.endsWith('/dist/index.d.ts')), 'gb-bench resolved to dist/index.d.ts');
});

test('run() writes nothing to stdout or stderr: bad options, a run in workers, a run whose every connect fails', async () => {
  const file = writeScratch(
    'silent.mjs',
    `import { run, startTargetServer } from 'gb-bench';
const server = await startTargetServer();
const bad = await run({ url: server.url, requests: 'x', concurency: 2 });
const good = await run({ url: server.url + '/', requests: 50, concurrency: 4, workers: 2, onProgress() {} });
const refused = await run({ url: 'http://127.0.0.1:1/', requests: 3, continueOnError: true });
await server.close();
process.stdout.write(JSON.stringify({
  bad: bad.ok ? null : bad.error.problems,
  good: good.ok ? good.value.summary.succeeded : good.error,
  refused: refused.ok ? refused.value.summary.failures.connect : refused.error,
}));
`,
  );
  const { code, stdout, stderr } = await runNode(file, 60_000);
  assert.equal(stderr, '');
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), {
    bad: ["unknown option 'concurency' (did you mean 'concurrency'?)", 'invalid number of requests: -n x (not a whole number)'],
    good: 50,
    refused: 3,
  });
});
