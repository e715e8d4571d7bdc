// Every code block of README.md and docs/*.md that claims to run is run here, as a reader would run it.
//
// The convention (docs/architecture.md, "Docs and their tests"), by the marker comment right before a fence:
//   ```ts, no marker             type-checked strictly against dist/index.d.ts, then run with node: exit 0, no stderr
//   ```ts, <!-- run: gb --script -->   type-checked, then run as gb --script against the built-in target
//   ```ts, <!-- not run: fragment -->  neither (a piece that cannot compile alone)
//   ```sh, <!-- run: sh -->      run by bash against the block's own `gb serve` on a free port: exit 0
//   ```sh, no marker             illustrative (real hosts, files, long durations): not run
//   ```text, <!-- run: sample output -->  its `$ gb ...` line is run; every sample line must appear in the real output
// Any other marker fails, so a typo cannot turn a check off.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { startTargetServer } from '../../src/server/target.js';
import { ROOT, codeBlocks, docFiles, readDoc, type CodeBlock } from './markdown.js';

const GB_MAIN = join(ROOT, 'dist', 'gb.cjs');
/**
 * Inside the repository, so that 'gb-bench' resolves by the package's self-reference (its name and
 * "exports" in package.json) to dist/index.js, as it does for an installed package: no import map.
 */
const SCRATCH = join(ROOT, 'build', 'docs-examples');

const MARKERS: Readonly<Record<string, readonly string[]>> = {
  'run: sh': ['sh'],
  'run: gb --script': ['ts'],
  'not run: fragment': ['ts'],
  'run: sample output': ['text'],
};

const ALL_BLOCKS: readonly CodeBlock[] = docFiles().flatMap((file) => codeBlocks(file, readDoc(file)));
const where = (b: CodeBlock): string => `${b.file}:${b.line}`;
const isTs = (b: CodeBlock): boolean => b.lang === 'ts' || b.lang === 'typescript';
const programs = ALL_BLOCKS.filter((b) => isTs(b) && b.marker === null);
const scripts = ALL_BLOCKS.filter((b) => isTs(b) && b.marker === 'run: gb --script');
const shells = ALL_BLOCKS.filter((b) => b.marker === 'run: sh');
const samples = ALL_BLOCKS.filter((b) => b.marker === 'run: sample output');

/** A file name for a block: docs/api.md:17 → docs-api-md-17. */
const slug = (b: CodeBlock): string => `${b.file.replace(/[^a-z0-9]+/gi, '-')}-${b.line}`;

function writeScratch(name: string, code: string): string {
  mkdirSync(SCRATCH, { recursive: true });
  const file = join(SCRATCH, name);
  writeFileSync(file, code);
  return file;
}

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const tail = (text: string): string => text.split('\n').slice(-15).join('\n');

/** `gb serve ARGS` in the background, on a free port; resolves once it listens, with where. */
async function startServe(
  args: readonly string[],
  cwd: string,
): Promise<{ child: ChildProcess; port: number | null; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [GB_MAIN, 'serve', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const port = await new Promise<number | null>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gb serve ${args.join(' ')} did not listen within 10 s: ${out}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (?:https?:\/\/127\.0\.0\.1:(\d+)|unix socket)/.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      resolve(match[1] === undefined ? null : Number(match[1]));
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`gb serve ${args.join(' ')} exited (${code}) before listening: ${out}`)));
  });
  return {
    child,
    port,
    async stop() {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

/** The block's `gb serve ... &` line (at most one), and the rest of the block. */
function splitServe(code: string): { serveArgs: string[] | null; rest: string } {
  let serveArgs: string[] | null = null;
  const rest = code
    .split('\n')
    .filter((line) => {
      const match = /^\s*gb serve\b(.*?)&\s*(#.*)?$/.exec(line);
      if (match === null) return true;
      assert.equal(serveArgs, null, 'one `gb serve ... &` line per block');
      serveArgs = (match[1] ?? '')
        .trim()
        .split(/\s+/)
        .filter((a) => a !== '');
      return false;
    })
    .join('\n');
  return { serveArgs, rest };
}

/** Runs `script` with bash in a fresh scratch folder, beside the block's own target; `gb` is node dist/gb.cjs. */
async function runShell(code: string, timeoutMs: number): Promise<Exit> {
  const dir = mkdtempSync(join(tmpdir(), 'gb-docs-'));
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  const { serveArgs, rest } = splitServe(code);
  const args: string[] = serveArgs ?? [];
  const portAt = args.indexOf('--port');
  if (portAt >= 0) args[portAt + 1] = '0';
  else if (!args.includes('--unix-socket')) args.push('--port', '0');
  const server = await startServe(args, dir);
  try {
    const body = server.port === null ? rest : rest.replaceAll('127.0.0.1:8080', `127.0.0.1:${server.port}`);
    const file = join(dir, 'block.sh');
    writeFileSync(file, `set -euo pipefail\ngb() { "$GB_NODE" "$GB_MAIN" "$@"; }\n${body}`);
    const env = { ...process.env, GB_NODE: process.execPath, GB_MAIN, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };
    return await runProcess('bash', [file], { cwd: dir, timeoutMs, env });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every marker before a code block is one of the known ones, on a block of its language', () => {
  const wrong = ALL_BLOCKS.flatMap((b) => {
    if (b.marker === null) return [];
    const langs = MARKERS[b.marker];
    if (langs === undefined) return [`${where(b)}: unknown marker <!-- ${b.marker} --> (known: ${Object.keys(MARKERS).join('; ')})`];
    return langs.includes(b.lang) ? [] : [`${where(b)}: <!-- ${b.marker} --> is for \`\`\`${langs.join('/')} blocks, not \`\`\`${b.lang}`];
  });
  assert.deepEqual(wrong, []);
  // The docs hold these kinds of checked block; none found means the reader of Markdown broke.
  assert.ok(programs.length >= 2, `${programs.length} runnable ts blocks`);
  assert.ok(scripts.length >= 1, `${scripts.length} script blocks`);
  assert.ok(shells.length >= 8, `${shells.length} sh blocks marked to run`);
  assert.ok(samples.length >= 1, `${samples.length} sample outputs`);
});

test("README.md opens with the two commands that must stay true on a fresh clone, and package.json's scripts back them", () => {
  const readme = readDoc('README.md');
  const first = codeBlocks('README.md', readme)[0];
  assert.ok(first !== undefined);
  const commands = first.code
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
  assert.deepEqual(commands, ['npm ci && npm start', 'npm test']);
  assert.ok(readme.indexOf('```') < readme.indexOf('\n## '), 'the block comes before the first section');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    bin: Record<string, string>;
  };
  // npm ci runs prepare, which must build dist/gb.cjs; npm start must run gb demo from it.
  assert.match(pkg.scripts['prepare'] ?? '', /npm run build/);
  assert.equal(pkg.scripts['start'], 'node dist/gb.cjs demo');
  assert.equal(pkg.bin['gb'], 'dist/gb.cjs');
  assert.ok(pkg.scripts['test'] !== undefined);
});

// Type-check every checked ts block in one program, so each costs a file, not a compiler start.
const checkedTs = [...programs, ...scripts];
let diagnosticsByBlock: Map<CodeBlock, string[]> | null = null;
function typeCheck(): Map<CodeBlock, string[]> {
  if (diagnosticsByBlock !== null) return diagnosticsByBlock;
  const files = new Map(checkedTs.map((b) => [writeScratch(`${slug(b)}.mts`, b.code), b] as const));
  const program = ts.createProgram([...files.keys()], {
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
  // The import really went to the built declarations, not to nothing (an untyped import would be `any`).
  assert.ok(
    program.getSourceFiles().some((f) => f.fileName.endsWith('/dist/index.d.ts')),
    'gb-bench resolved to dist/index.d.ts',
  );
  diagnosticsByBlock = new Map(checkedTs.map((b) => [b, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const block = d.file === undefined ? undefined : files.get(d.file.fileName);
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (block === undefined || d.file === undefined || d.start === undefined) {
      assert.fail(`a diagnostic outside the docs' blocks: ${message}`);
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    diagnosticsByBlock.get(block)?.push(`${block.file}:${block.line + 1 + line}: ${message}`);
  }
  return diagnosticsByBlock;
}

for (const block of checkedTs) {
  test(`${where(block)}: the ts block type-checks against dist/index.d.ts (strict)`, () => {
    assert.deepEqual(typeCheck().get(block), []);
  });
}

/** Runs each unmarked ts block once, stripped of its types; later tests read the same outcome. */
const runs = new Map<CodeBlock, Promise<Exit>>();
function runProgram(block: CodeBlock): Promise<Exit> {
  let outcome = runs.get(block);
  if (outcome === undefined) {
    const js = ts.transpileModule(block.code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = writeScratch(`${slug(block)}.mjs`, js);
    outcome = runProcess(process.execPath, [file], { cwd: ROOT, timeoutMs: 60_000 });
    runs.set(block, outcome);
  }
  return outcome;
}

for (const block of programs) {
  test(`${where(block)}: the ts block runs as written against the built package`, async () => {
    const { code, stdout, stderr } = await runProgram(block);
    assert.equal(stderr, '', `stderr of ${where(block)}`);
    assert.equal(code, 0, `exit of ${where(block)}; stdout:\n${tail(stdout)}`);
  });
}

test("docs/api.md's run() example prints what it says, from a run of 2000 requests", async () => {
  const api = programs.find((b) => b.file === 'docs/api.md' && b.code.includes('requests: 2000'));
  assert.ok(api !== undefined, 'docs/api.md has the run() example');
  const { code, stdout } = await runProgram(api);
  assert.equal(code, 0);
  assert.match(stdout, /^2000 of 2000 requests succeeded, \d+ req\/s\n/);
  assert.match(stdout, /\np50 \d+\.\d\d ms, p99 \d+\.\d\d ms\n/);
  assert.match(stdout, /\nbroken limits: 0\n$/);
});

test("docs/api.md's lower-level example checks, saves, merges and compares", async () => {
  const api = programs.find((b) => b.file === 'docs/api.md' && b.code.includes('mergeSummaries'));
  assert.ok(api !== undefined, 'docs/api.md has the merge and compare example');
  const { code, stdout } = await runProgram(api);
  assert.equal(code, 0);
  assert.match(stdout, /^unknown option 'concurency' \(did you mean 'concurrency'\?\)\ninvalid number of requests: -n many/);
  assert.match(stdout, /\nmerged: 1000 complete requests\n/);
  assert.match(stdout, /\np99 \[ms\]: (-?\d+\.\d %|n\/a)\n/);
  assert.match(stdout, /\nComplete requests:\s+1000\n/);
});

for (const block of scripts) {
  test(`${where(block)}: the script runs under gb --script against the built-in target`, async () => {
    const file = writeScratch(`${slug(block)}.ts`, block.code);
    const server = await startTargetServer();
    try {
      const { code, stdout, stderr } = await runProcess(
        process.execPath,
        [GB_MAIN, '-q', '-k', '-c', '4', '-n', '200', '--script', file, `${server.url}/`],
        {
          cwd: ROOT,
          timeoutMs: 60_000,
        },
      );
      assert.equal(code, 0, `exit of gb --script ${where(block)}; stderr:\n${tail(stderr)}`);
      assert.match(stdout, /\nComplete requests:\s+200\n/);
      assert.match(stdout, /\nFailed requests:\s+0\n/);
    } finally {
      await server.close();
    }
  });
}

for (const block of shells) {
  test(`${where(block)}: the sh block runs against its own gb serve`, async () => {
    const { code, stdout, stderr } = await runShell(block.code, 120_000);
    assert.equal(code, 0, `exit of ${where(block)}; stderr:\n${tail(stderr)}\nstdout:\n${tail(stdout)}`);
  });
}

/** A report line with its figures taken out: numbers become '#', runs of spaces one space. */
const shape = (line: string): string =>
  line
    .replace(/\d+(?:\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim();

for (const block of samples) {
  test(`${where(block)}: the sample output is what its command prints, figures aside`, async () => {
    const [first = '', ...sample] = block.code.split('\n');
    assert.match(first, /^\$ gb /, 'a sample output starts with its `$ gb ...` command');
    const { code, stdout, stderr } = await runShell(`${first.slice(2)}\n`, 120_000);
    assert.equal(code, 0, stderr);
    const real = stdout.split('\n').map(shape);
    let at = 0;
    for (const line of sample) {
      if (line.trim() === '' || line.trim() === '...') continue;
      const found = real.indexOf(shape(line), at);
      assert.ok(found >= 0, `${where(block)}: "${line}" is not in the output of \`${first.slice(2)}\` (after line ${at}):\n${stdout}`);
      at = found + 1;
    }
  });
}
