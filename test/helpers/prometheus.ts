// A real Prometheus (Debian's 2.42) for tests: its own config, storage and loopback port, the remote-write receiver on, and an instant-query helper.

import { execFile, spawn } from 'node:child_process';
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
  /**
   * Runs Prometheus on another "host" (a network namespace, test/helpers/netns.ts): `argv` wraps a
   * command to run there, `address` is the host's. The test's own queries then run there too.
   */
  readonly host?: { readonly address: string; argv(command: string, args: readonly string[]): readonly string[] };
}

/** A GET from inside the host's namespace: a one-line Node fetch run there. */
function getIn(host: NonNullable<PrometheusOptions['host']>): (url: string) => Promise<{ ok: boolean; text: string }> {
  const script =
    'fetch(process.argv[1]).then(async (r) => process.stdout.write(JSON.stringify({ ok: r.ok, text: await r.text() })), () => process.stdout.write(\'{"ok":false,"text":""}\'))';
  return (url) => {
    const [command = '', ...args] = host.argv(process.execPath, ['-e', script, url]);
    return new Promise((resolve) => {
      execFile(command, args, { timeout: 10_000 }, (error, stdout) => {
        if (error !== null) resolve({ ok: false, text: '' });
        else resolve(JSON.parse(stdout) as { ok: boolean; text: string });
      });
    });
  };
}

const getHere = (url: string): Promise<{ ok: boolean; text: string }> =>
  fetch(url).then(
    async (r) => ({ ok: r.ok, text: await r.text() }),
    () => ({ ok: false, text: '' }),
  );

/** Starts Prometheus (tests that call this take their `skip` from requireTool('prometheus')) and waits until /-/ready answers 200. */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<TestPrometheus> {
  const path = findTool('prometheus');
  if (path === null) throw new Error('prometheus is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'gb-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  // No scrape jobs: every sample comes from remote write.
  writeFileSync(config, 'global:\n  evaluation_interval: 1m\nscrape_configs: []\n');
  const host = options.host;
  const port = host === undefined ? await freePort() : 9090;
  const address = host?.address ?? '127.0.0.1';
  const url = `http://${address}:${port}`;
  const get = host === undefined ? getHere : getIn(host);
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=${address}:${port}`,
    '--web.enable-remote-write-receiver',
    '--log.level=warn',
    ...(options.nativeHistograms === true ? ['--enable-feature=native-histograms'] : []),
  ];
  const [command = '', ...argv] = host === undefined ? [path, ...args] : host.argv(path, args);
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
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
    if ((await get(`${url}/-/ready`)).ok) break;
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
      const response = await get(`${url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(timeMs / 1000) }).toString()}`);
      const body = JSON.parse(response.text === '' ? '{}' : response.text) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success' || body.data === undefined) throw new Error(`query ${expr}: ${body.error ?? 'no answer'}`);
      if (body.data.resultType !== 'vector') throw new Error(`query ${expr}: a ${body.data.resultType}, not a vector`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    log: () => log,
    stop,
  };
}
