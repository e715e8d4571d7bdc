// --profile DIR: gb's own CPU profile and heap snapshot, for profiling the load generator itself.

import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

export interface Profiler {
  /** Stops profiling and writes both files; returns their paths. */
  finish(): Promise<readonly string[]>;
}

/** Profiles this thread (with -G the workers are not included: profile with -G 1 to see the engine). */
export async function startProfiler(dir: string): Promise<Profiler> {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async finish() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const cpuFile = join(dir, `gb-${stamp}.cpuprofile`);
      writeFileSync(cpuFile, JSON.stringify(profile));
      const heapFile = writeHeapSnapshot(join(dir, `gb-${stamp}.heapsnapshot`));
      return [cpuFile, heapFile];
    },
  };
}
