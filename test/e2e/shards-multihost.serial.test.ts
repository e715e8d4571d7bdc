// Three gb shards on three "machines" (network namespaces, each with its own address on one bridge)
// against a server in a fourth, started with one --start-at: the server sees exactly -n requests from
// three addresses, the merge is the sum of the shards, and the shards began within 50 ms of each other.
// Then three shards push --out prometheus to one Prometheus on a fifth "machine": the summed counter
// rises while they run and ends at -n exactly, and its summed histogram's p99 agrees with gb merge's.
// Without root (no namespaces) the shards run as three local processes; under CI=true that is a failure.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Summary } from '../../src/metrics/summary.js';
import { GB_MAIN } from '../helpers/gb-process.js';
import { freePort } from '../helpers/nginx.js';
import { buildNetwork, type TestNetwork } from '../helpers/netns.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { requireTool, TOOLS_REQUIRED } from '../helpers/tools.js';

const REQUESTS = 6000;
const CONNECTIONS = 6;
const SHARDS = [1, 2, 3] as const;
const KILL_AFTER_MS = 60_000;

/** A node:http server that counts requests per source address and writes the counts to `out` on SIGTERM. */
const SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const [host, port, out] = process.argv.slice(1);
const byAddress = {};
let total = 0;
const server = http.createServer((req, res) => {
  total += 1;
  const from = req.socket.remoteAddress;
  byAddress[from] = (byAddress[from] || 0) + 1;
  res.end('hello world\\n');
});
server.keepAliveTimeout = 60000;
server.listen(Number(port), host, () => process.stdout.write('listening\\n'));
process.on('SIGTERM', () => { fs.writeFileSync(out, JSON.stringify({ total, byAddress })); process.exit(0); });
`;

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function launch(argv: readonly string[]): {
  readonly done: Promise<Exit>;
  readonly pid: number | undefined;
  stop(): void;
  readonly ready: Promise<void>;
} {
  const [command = '', ...args] = argv;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('listening')) onReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { done, pid: child.pid, ready, stop: () => child.kill('SIGTERM') };
}

/** gb's three shards, each in its own host, with one --start-at, each writing its JSON to files[i - 1]. */
function launchShards(
  inHost: (host: string, argv: readonly string[]) => readonly string[],
  startAt: string,
  files: readonly string[],
  url: string,
  args: readonly string[],
): ReturnType<typeof launch>[] {
  return SHARDS.map((i) =>
    launch(
      inHost(`shard${i}`, [
        ...[process.execPath, GB_MAIN, '-k', '-q', '-c', String(CONNECTIONS), '--shard', `${i}/3`, '--start-at', startAt],
        ...['--json', files[i - 1]!, ...args, url],
      ]),
    ),
  );
}

describe('three shards from three addresses, one --start-at', () => {
  let dir = '';
  let network: TestNetwork | null = null;
  let why = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gb-multihost-'));
    const built = await buildNetwork(['target', 'shard1', 'shard2', 'shard3', 'metrics']);
    if (typeof built === 'string') why = built;
    else network = built;
  });

  after(async () => {
    await network?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the target sees exactly -n requests, the merge is the sum of the shards, and the shards start together', async (t) => {
    if (network === null) {
      // CI runs as root: there the namespace version must run, not the fallback.
      if (TOOLS_REQUIRED) assert.fail(`the namespace test must run under CI=true, but ${why}`);
      t.diagnostic(`no network namespaces (${why}): running the shards as three local processes instead`);
    }
    const net = network;
    const targetHost = net?.address.get('target') ?? '127.0.0.1';
    const port = net === null ? await freePort() : 8080;
    const countsFile = join(dir, 'counts.json');
    const inHost = (host: string, argv: readonly string[]): readonly string[] =>
      net === null ? argv : net.argv(host, argv[0] ?? '', argv.slice(1));
    const server = launch(inHost('target', [process.execPath, '-e', SERVER, targetHost, String(port), countsFile]));
    try {
      await server.ready;
      // Far enough ahead for three Node start-ups on a busy two-core machine.
      const startAt = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000).toISOString();
      const files = SHARDS.map((i) => join(dir, `shard${i}.json`));
      const shards = launchShards(inHost, startAt, files, `http://${targetHost}:${port}/`, ['-n', String(REQUESTS)]);
      const exits = await Promise.all(shards.map((s) => s.done));
      for (const exit of exits) assert.equal(exit.code, 0, exit.stderr);
      server.stop();
      await server.done;

      const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Summary);
      const counts = JSON.parse(readFileSync(countsFile, 'utf8')) as { total: number; byAddress: Record<string, number> };
      assert.equal(counts.total, REQUESTS, 'the target saw exactly -n requests');
      if (net !== null) {
        const expected: Record<string, number> = Object.fromEntries(
          SHARDS.map((i) => [net.address.get(`shard${i}`) ?? '', results[i - 1]!.completed]),
        );
        assert.deepEqual(counts.byAddress, expected, 'each shard sent its share from its own address');
        assert.equal(Object.keys(counts.byAddress).length, 3);
      }

      const merge = launch([process.execPath, GB_MAIN, 'merge', ...files]);
      const merged = await merge.done;
      assert.equal(merged.code, 0, merged.stderr);
      const whole = JSON.parse(merged.stdout) as Summary;
      const sum = (pick: (s: Summary) => number): number => results.reduce((a, s) => a + pick(s), 0);
      assert.equal(whole.completed, REQUESTS);
      for (const pick of [
        (s: Summary) => s.completed,
        (s: Summary) => s.succeeded,
        (s: Summary) => s.bytes.received,
        (s: Summary) => s.total?.count ?? 0,
      ]) {
        assert.equal(pick(whole), sum(pick));
      }
      assert.equal(whole.settings.concurrency, CONNECTIONS);
      assert.equal(
        whole.timeline.rows.reduce((a, r) => a + r.complete, 0),
        REQUESTS,
        'per-second rows add up',
      );
      assert.equal(
        whole.timeline.rows.length,
        Math.max(...results.map((r) => r.timeline.rows.length)),
        'shards that began together share their seconds',
      );

      const offsets = (whole.shards?.members ?? []).map((m) => m.startOffsetMs ?? Number.NaN);
      assert.equal(offsets.length, 3);
      const spread = Math.max(...offsets) - Math.min(...offsets);
      t.diagnostic(
        `start offsets after --start-at ${startAt}: ${offsets.map((o) => `${o} ms`).join(', ')} (spread ${spread.toFixed(1)} ms)`,
      );
      assert.ok(spread < 50, `the shards began ${spread} ms apart`);
      assert.ok(Math.min(...offsets) >= 0, 'no shard began before --start-at');
      const starts = results.map((r) => r.timeline.startEpochMs);
      assert.ok(Math.max(...starts) - Math.min(...starts) < 50, 'their timelines start within 50 ms of each other too');
    } finally {
      server.stop();
      await server.done;
    }
  });

  it(
    "three shards pushing to one Prometheus: the summed counter rises during the run, ends at -n, and its p99 is the merge's",
    { skip: requireTool('prometheus') },
    async (t) => {
      if (network === null) {
        if (TOOLS_REQUIRED) assert.fail(`the namespace test must run under CI=true, but ${why}`);
        t.diagnostic(`no network namespaces (${why}): running the shards as three local processes instead`);
      }
      const net = network;
      const inHost = (host: string, argv: readonly string[]): readonly string[] =>
        net === null ? argv : net.argv(host, argv[0] ?? '', argv.slice(1));
      const metricsHost = net?.address.get('metrics');
      const prometheus: TestPrometheus = await startPrometheus(
        net === null || metricsHost === undefined
          ? {}
          : { host: { address: metricsHost, argv: (command, args) => net.argv('metrics', command, args) } },
      );
      const targetHost = net?.address.get('target') ?? '127.0.0.1';
      const port = net === null ? await freePort() : 8080;
      const server = launch(inHost('target', [process.execPath, '-e', SERVER, targetHost, String(port), join(dir, 'live-counts.json')]));
      try {
        await server.ready;
        const startAt = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000).toISOString();
        const files = SHARDS.map((i) => join(dir, `live${i}.json`));
        // 4 500 requests at 900/s in all: each shard sends 1 500 at 300/s, five seconds of pushes.
        const shards = launchShards(inHost, startAt, files, `http://${targetHost}:${port}/`, [
          ...['-n', '4500', '--rate', '900', '--run-id', 'multi'],
          ...['--out', `prometheus=${prometheus.writeUrl}`, '--out-period', '1s'],
        ]);
        const total = 'sum(gb_requests_total{run_id="multi"})';
        const seen: number[] = [];
        let over = false;
        const exits = Promise.all(shards.map((s) => s.done)).finally(() => (over = true));
        while (!over) {
          const value = (await prometheus.query(total, Date.now()).catch(() => []))[0]?.value;
          if (value !== undefined && value !== seen.at(-1)) seen.push(value);
          await sleep(400);
        }
        for (const exit of await exits) {
          assert.equal(exit.code, 0, exit.stderr);
          assert.doesNotMatch(exit.stderr, /WARNING/);
        }
        t.diagnostic(`summed gb_requests_total seen during the run: ${seen.join(', ')}`);
        const during = seen.filter((v) => v > 0 && v < 4500);
        assert.ok(during.length >= 2, `the sum rose during the run: ${seen.join(', ')}`);
        assert.ok(
          seen.every((v, i) => i === 0 || v >= seen[i - 1]!),
          'the summed counter never falls',
        );

        const at = Date.now();
        assert.equal((await prometheus.query(total, at))[0]?.value, 4500, 'the summed counter ends at -n exactly');
        const byShard = await prometheus.query('sum by (shard) (gb_requests_total{run_id="multi"})', at);
        assert.deepEqual(byShard.map((r) => r.metric['shard']).sort(), ['1/3', '2/3', '3/3']);

        const merge = launch([process.execPath, GB_MAIN, 'merge', ...files]);
        const merged = await merge.done;
        assert.equal(merged.code, 0, merged.stderr);
        const whole = JSON.parse(merged.stdout) as Summary;
        assert.equal(whole.completed, 4500);
        const p99 = (
          await prometheus.query('histogram_quantile(0.99, sum by (le) (gb_request_duration_seconds_bucket{run_id="multi"}))', at)
        )[0]?.value;
        const mergedP99 = (whole.total?.p99Us ?? NaN) / 1e6;
        t.diagnostic(`p99: ${p99} s from the summed buckets, ${mergedP99} s from gb merge`);
        // The le ladder's neighbours are ×1.0905 apart: within one bucket of gb's own figure.
        assert.ok(p99 !== undefined && Math.abs(p99 - mergedP99) <= mergedP99 * 0.1, `p99 ${p99} s against the merge's ${mergedP99} s`);
      } finally {
        server.stop();
        await server.done;
        await prometheus.stop();
      }
    },
  );
});
