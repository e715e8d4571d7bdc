// The bench's own servers (gb serve for the journey row, the peer scripts of bench/peers/ for the WebSocket and
// gRPC rows), run under taskset: the port read from its "listening on" line and, when stopped, its own count of
// what it served.

import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { killGroup, processTreeCpuSec } from './measure.js';

export interface PeerServer {
  readonly port: number;
  cpuSec(): number | null;
  /** Stops it; the round trips or calls it says it served, or null when it said nothing readable. */
  stop(): Promise<number | null>;
}

/** Starts `node SCRIPT` pinned to `cpus` and waits (10 s at most) for its port. */
export function startPeerServer(script: string, cpus: string): Promise<PeerServer> {
  return startPinnedServer([process.execPath, script], cpus, script);
}

/**
 * Starts `command` pinned to `cpus` and waits (10 s at most) for its "listening on PORT" (or "listening on
 * http://127.0.0.1:PORT") line; `name` is what an error calls it.
 */
export async function startPinnedServer(command: readonly string[], cpus: string, name: string): Promise<PeerServer> {
  const child = spawn('taskset', ['-c', cpus, ...command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const killNow = (): void => killGroup(child, 'SIGKILL');
  // Its own process group keeps it from a Ctrl-C meant for the bench; the bench's exit takes it down instead.
  process.on('exit', killNow);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const deadline = Date.now() + 10_000;
  let port: string | undefined;
  while ((port = /listening on (?:http:\/\/127\.0\.0\.1:)?(\d+)\b/.exec(stdout)?.[1]) === undefined) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      killNow();
      process.off('exit', killNow);
      throw new Error(`${name} did not start: ${stderr.trim() || stdout.trim() || 'no output within 10 s'}`);
    }
    await sleep(20);
  }
  const stop = async (): Promise<number | null> => {
    // SIGTERM: the server closes and prints how much it served.
    killGroup(child, 'SIGTERM');
    if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) killNow();
    process.off('exit', killNow);
    const served = /stopped after serving (\d+) /.exec(stdout)?.[1];
    return served === undefined ? null : Number(served);
  };
  // taskset execs, so the child's pid ends as node's.
  return { port: Number(port), cpuSec: () => (child.pid === undefined ? null : processTreeCpuSec(child.pid)), stop };
}
