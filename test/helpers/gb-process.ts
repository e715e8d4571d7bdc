// Runs the built command line (dist/gb.cjs, what the package installs as gb) as a child process and collects what it printed, its exit and its wall time.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

/** build/test/helpers/ → the repository root → dist/gb.cjs. */
export const GB_MAIN = fileURLToPath(new URL('../../../dist/gb.cjs', import.meta.url));

export interface GbExit {
  readonly stdout: string;
  readonly stderr: string;
  /** null when the process ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From spawn to the 'close' event (all output read). */
  readonly wallMs: number;
  /** True when the hard kill timeout fired: the process did not end by itself. */
  readonly killed: boolean;
}

export interface GbProcess {
  readonly child: ChildProcess;
  readonly done: Promise<GbExit>;
  /** Ends the child with SIGKILL if it is still running; safe to call any number of times. */
  kill(): void;
}

export interface SpawnOptions {
  /** The child gets SIGKILL after this long, so a hung gb cannot hang the test run. Default 10 s. */
  readonly killAfterMs?: number;
  /** Extra environment variables for the child. */
  readonly env?: Readonly<Record<string, string>>;
}

const DEFAULT_KILL_AFTER_MS = 10_000;

export function spawnGb(args: readonly string[], options: SpawnOptions = {}): GbProcess {
  if (!existsSync(GB_MAIN)) {
    throw new Error(`${GB_MAIN} is missing: build it first with 'npx tsc -p tsconfig.build.json'`);
  }
  const startMs = performance.now();
  const env = options.env === undefined ? process.env : { ...process.env, ...options.env };
  const child = spawn(process.execPath, [GB_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let exited = false;
  let killed = false;
  const kill = (): void => {
    if (exited) return;
    killed = true;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(kill, options.killAfterMs ?? DEFAULT_KILL_AFTER_MS);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.on('exit', () => {
    exited = true;
  });
  const done = new Promise<GbExit>((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        code,
        signal,
        wallMs: performance.now() - startMs,
        killed,
      });
    });
  });
  return { child, done, kill };
}

/** Runs gb to the end (or to the kill timeout) and returns what it did. */
export async function runGb(args: readonly string[], options: SpawnOptions = {}): Promise<GbExit> {
  const gb = spawnGb(args, options);
  try {
    return await gb.done;
  } finally {
    gb.kill();
  }
}
