// Runs one client command under /usr/bin/time (optionally pinned with taskset), bounded by a kill timeout.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** What GNU time reports for the whole process tree it waited for. */
export interface TimeUsage {
  readonly wallSec: number;
  readonly userSec: number;
  readonly sysSec: number;
  readonly maxRssKb: number;
}

export interface MeasuredRun {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** Spawn to exit, from our own monotonic clock (GNU time's %e has 10 ms resolution). */
  readonly elapsedMs: number;
  readonly usage: TimeUsage | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MeasureOptions {
  /** taskset CPU list such as '1'; null runs unpinned. */
  readonly pinCpus: string | null;
  readonly timeoutMs: number;
  /** Scratch folder for time's output file, so it never mixes with the tool's own stderr. */
  readonly scratchDir: string;
}

/** Output kept per stream: tool reports are small, and a runaway tool must not eat our memory. */
const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

const running = new Set<ChildProcess>();
let runCounter = 0;

/** Kills every measured child that is still running (its whole process group): for Ctrl-C and error exits. */
export function killRunningClients(): void {
  for (const child of running) killGroup(child, 'SIGKILL');
  running.clear();
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid: the group, because time → taskset → tool are one group we created with detached.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export function parseTimeOutput(text: string): TimeUsage | null {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    const match = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(line.trim());
    if (match !== null) {
      return {
        wallSec: Number(match[1]),
        userSec: Number(match[2]),
        sysSec: Number(match[3]),
        maxRssKb: Number(match[4]),
      };
    }
  }
  return null;
}

export function measure(argv: readonly string[], options: MeasureOptions): Promise<MeasuredRun> {
  runCounter += 1;
  const timeFile = join(options.scratchDir, `time-${process.pid}-${runCounter}.txt`);
  const pin = options.pinCpus === null ? [] : ['taskset', '-c', options.pinCpus];
  const fullArgv = ['/usr/bin/time', '-o', timeFile, '-f', '%e %U %S %M', ...pin, ...argv];
  const startedNs = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(fullArgv[0] ?? '/usr/bin/time', fullArgv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdoutBytes < MAX_CAPTURE_BYTES) stdout.push(chunk);
      stdoutBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrBytes < MAX_CAPTURE_BYTES) stderr.push(chunk);
      stderrBytes += chunk.length;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, options.timeoutMs);
    let finished = false;
    const finish = (exitCode: number | null, spawnError: string | null): void => {
      // 'error' may be followed by 'close'; the first one settles the run.
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      running.delete(child);
      const elapsedMs = Number(process.hrtime.bigint() - startedNs) / 1e6;
      let usage: TimeUsage | null = null;
      try {
        usage = parseTimeOutput(readFileSync(timeFile, 'utf8'));
      } catch {
        // time itself failed to start or was killed before writing.
      }
      rmSync(timeFile, { force: true });
      resolve({
        argv: fullArgv,
        exitCode,
        timedOut,
        elapsedMs,
        usage: timedOut ? null : usage,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8') + (spawnError === null ? '' : `\n${spawnError}`),
      });
    };
    child.on('error', (error) => finish(null, String(error)));
    child.on('close', (code) => finish(code, null));
  });
}

/** Clock ticks per second in /proc (USER_HZ); 100 on every Linux build that matters here. */
const PROC_TICKS_PER_SEC = 100;

/** CPU seconds (user + nice + system) the whole machine has spent since boot; excludes idle, iowait, irq, softirq, steal. */
export function machineBusyCpuSec(): number | null {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = first.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0] = fields;
    return (user + nice + system) / PROC_TICKS_PER_SEC;
  } catch {
    return null;
  }
}

/** user + system CPU seconds of one process and its direct children (nginx: master and workers). */
export function processTreeCpuSec(pid: number): number | null {
  const cpuOf = (id: string): number => {
    const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces: state is [0], utime [11], stime [12].
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / PROC_TICKS_PER_SEC;
  };
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((id) => id !== '');
    let total = cpuOf(String(pid));
    for (const child of children) {
      try {
        total += cpuOf(child);
      } catch {
        // A worker that just exited.
      }
    }
    return total;
  } catch {
    return null;
  }
}
