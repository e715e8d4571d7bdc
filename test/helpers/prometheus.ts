// A real Prometheus (Debian's 2.42) for tests: its own config, storage and loopback port, the remote-write receiver on, and an instant-query helper.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './nginx.js';
import { findTool } from './tools.js';

export interface TestPrometheus {
  readonly url: string;
  /** Where gb pushes: URL/api/v1/write. */
  readonly writeUrl: string;
  /** An instant query at `timeMs` (Unix ms): the vector's values by their label sets (JSON of the metric). */
  query(expr: string, timeMs: number): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** What Prometheus logged (warnings and errors only), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** --enable-feature=native-histograms. */
  readonly nativeHistograms?: boolean;
}

/** Starts Prometheus (tests that call this take their `skip` from requireTool('prometheus')) and waits until /-/ready answers 200. */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<TestPrometheus> {
  const path = findTool('prometheus');
  if (path === null) throw new Error('prometheus is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'gb-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  // No scrape jobs: every sample comes from remote write.
  writeFileSync(config, 'global:\n  evaluation_interval: 1m\nscrape_configs: []\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    '--log.level=warn',
    ...(options.nativeHistograms === true ? ['--enable-feature=native-histograms'] : []),
  ];
  const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await Promise.race([exited.then(() => true), sleep(10_000, undefined, { ref: false }).then(() => false)])))
        child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not start: ${log}`);
    }
    await sleep(100);
  }
  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    async query(expr, timeMs) {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(timeMs / 1000) }).toString()}`);
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success' || body.data === undefined) throw new Error(`query ${expr}: ${body.error ?? response.status}`);
      if (body.data.resultType !== 'vector') throw new Error(`query ${expr}: a ${body.data.resultType}, not a vector`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    log: () => log,
    stop,
  };
}
