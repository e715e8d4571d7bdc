// External programs some tests compare against or drive (ab, Chromium, openssl, ...): where they are, and what a test does without one.

import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

/** CI installs every tool (.ci/run), so there a missing one is a broken machine, not a reason to skip. */
export const TOOLS_REQUIRED = process.env['CI'] === 'true' || process.env['CI'] === '1';

/**
 * The tool's absolute path, or null. PATH first, then the sbin directories, where Debian puts
 * daemons such as nginx and tinyproxy but which a non-root PATH leaves out.
 */
export function findTool(name: string): string | null {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).concat(['/usr/sbin', '/sbin']);
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return null;
}

const reported = new Set<string>();

/**
 * A `skip` value for tests that need `tool`: false when it can be used, else why not. Under CI=true
 * a missing tool also adds one failing test to the file, so the run cannot pass while skipping.
 * `problem` overrides the PATH lookup for tools that are found some other way or can be broken.
 */
export function requireTool(
  tool: string,
  problem: string | null = findTool(tool) === null ? `${tool} is not installed` : null,
): string | false {
  if (problem === null) return false;
  if (TOOLS_REQUIRED && !reported.has(tool)) {
    reported.add(tool);
    test(`${tool} is available (required under CI=true)`, () => {
      throw new Error(`${tool} is required under CI=true; install it (see .ci/run): ${problem}`);
    });
  }
  return problem;
}

/** Stops a tool's process with `signal` (its own graceful stop), then SIGKILL if it has not exited 5 s later; `exited` resolves on its exit. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) child.kill('SIGKILL');
}
