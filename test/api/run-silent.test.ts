// run() writes nothing to stdout or stderr, whatever happens: a program that embeds gb owns its own
// output. Run in a child process importing 'gb-bench' like any user would, so every byte it prints is seen.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/** build/test/api/ → the repository root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Inside the repository, so that 'gb-bench' resolves to dist/index.js by the package's self-reference. */
const SCRATCH = join(ROOT, 'build', 'api-examples');

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

test('run() writes nothing to stdout or stderr: bad options, a run in workers, a run whose every connect fails', async () => {
  mkdirSync(SCRATCH, { recursive: true });
  const file = join(SCRATCH, 'silent.mjs');
  writeFileSync(
    file,
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
