#!/usr/bin/env node
// The test runner behind `npm test`, for every Node from 20 on.
//
// `node --test DIR` means "run the file DIR" from Node 22 on, and Node 20's --test takes no globs,
// so the compiled test files are listed here and handed over by name.
//
// Two lanes: first everything else, two files at a time; then the timing-sensitive files
// (`*.serial.test.ts`: rate, stalls, warm-up, exit timing, soak, memory, wall-time bounds) one at
// a time, so no neighbour — least of all the soak, which keeps both cores busy — skews their clocks.
//
// Output is node's TAP for each lane, then one combined summary (`# tests N`, `# pass N`, ...) and
// a last line `N passed, N failed, N skipped`, which CI reads. The exit code is non-zero when
// either lane failed, or ended without a summary (a crash must not pass for success).
//
// Arguments are passed to both `node --test` runs, e.g. `npm test -- --test-name-pattern=rate`.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD = join(ROOT, 'build', 'test');
const SOURCES = join(ROOT, 'test');
const SUMMARY_KEYS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo', 'duration_ms'];

function compiledTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...compiledTests(path));
    else if (entry.name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

/** tsc never deletes outputs, so a test renamed or removed in test/ would otherwise still run from build/. */
function hasSource(compiled) {
  return existsSync(join(SOURCES, relative(BUILD, compiled)).replace(/\.js$/, '.ts'));
}

/** Runs one lane; resolves to its exit code and the last value of each summary line it printed. */
function runLane(files, concurrency, extraArgs) {
  return new Promise((resolve, reject) => {
    const args = ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=tap', ...extraArgs, ...files];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const summary = {};
    let partial = '';
    const scan = (line) => {
      const match = /^# (\w+) (\d+(?:\.\d+)?)$/.exec(line);
      if (match !== null && SUMMARY_KEYS.includes(match[1])) summary[match[1]] = Number(match[2]);
    };
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(scan);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      scan(partial);
      resolve({ code: code ?? (signal === null ? 1 : 128), summary });
    });
  });
}

if (!existsSync(BUILD)) {
  console.error(`gb: ${relative(ROOT, BUILD)} does not exist; build the tests first (npm test runs tsc in pretest)`);
  process.exit(2);
}
const all = compiledTests(BUILD).filter(hasSource).sort();
const serial = all.filter((file) => file.endsWith('.serial.test.js'));
const parallel = all.filter((file) => !file.endsWith('.serial.test.js'));
const extraArgs = process.argv.slice(2);

// Which Node ran is the first thing to check when a matrix run looks wrong.
console.log(`# gb: node ${process.version} (${process.execPath})`);
const lanes = [];
for (const [name, files, concurrency] of [
  ['parallel', parallel, 2],
  ['serial', serial, 1],
]) {
  if (files.length === 0) continue;
  console.log(`# gb lane: ${name}, ${files.length} files, --test-concurrency=${concurrency}`);
  lanes.push({ name, ...(await runLane(files, concurrency, extraArgs)) });
}

const total = Object.fromEntries(SUMMARY_KEYS.map((key) => [key, lanes.reduce((sum, lane) => sum + (lane.summary[key] ?? 0), 0)]));
total.duration_ms = Math.round(total.duration_ms);
const broken = lanes.filter((lane) => lane.code !== 0 || lane.summary.tests === undefined);
console.log(`# gb: all lanes (${lanes.map((lane) => `${lane.name} exit ${lane.code}`).join(', ')})`);
for (const key of SUMMARY_KEYS) console.log(`# ${key} ${total[key]}`);
// A cancelled test did not pass; counting it as failed keeps "0 failed" meaning all went well.
const failed = total.fail + total.cancelled;
console.log(`${total.pass} passed, ${failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ''}`);
process.exit(broken.length > 0 || failed > 0 ? 1 : 0);
