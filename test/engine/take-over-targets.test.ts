// A take-over at the end of a -n run (engine/stuck-connects.ts) with --targets or a script: the
// requests a stuck connect held move to a free connection as the same requests, so each target
// still gets exactly its share. Real servers on 127.0.0.1; one connection's connect never completes
// (ConnectionIo hands out a socket whose SYN was "dropped"), as under a full accept queue.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { loadScript } from '../../src/engine/script-loader.js';
import { pick } from '../../src/engine/target-sequence.js';
import { ScriptRunner } from '../../src/engine/script-runner.js';
import { C } from '../../src/metrics/recorder.js';
import type { ClientSocket, Endpoint, SocketHandler } from '../../src/transport/client-socket.js';
import { REAL_IO, type ConnectionIo } from '../../src/transport/connection.js';
import { optionsOf } from '../helpers/summaries.js';

interface Stuck {
  /** Requests written on the stuck socket (none: it never connected). */
  written: number;
  /** The connection gave the socket up (its requests were taken over). */
  destroyed: boolean;
}

/** Real sockets, except the `stuckAt`th opened (1-based), whose connect never completes. */
function ioWithStuckConnect(stuckAt: number): { io: ConnectionIo; stuck: Stuck; opened: () => number } {
  const stuck: Stuck = { written: 0, destroyed: false };
  let opened = 0;
  const io: ConnectionIo = {
    now: () => REAL_IO.now(),
    open: (endpoint: Endpoint, handler: SocketHandler): ClientSocket => {
      opened++;
      if (opened !== stuckAt) return REAL_IO.open(endpoint, handler);
      return {
        handler,
        write: () => {
          stuck.written++;
          return true;
        },
        destroy: () => {
          stuck.destroyed = true;
        },
        tlsInfo: () => null,
        alpnProtocol: () => null,
      };
    },
  };
  return { io, stuck, opened: () => opened };
}

interface Served {
  readonly url: string;
  /** Requests per path, as the server saw them. */
  readonly byPath: Map<string, number>;
  close(): Promise<void>;
}

async function startServer(h2: boolean): Promise<Served> {
  const byPath = new Map<string, number>();
  const answer = (path: string, res: http.ServerResponse | http2.Http2ServerResponse): void => {
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
    res.setHeader('content-length', '2');
    res.end('ok');
  };
  const server = h2 ? http2.createServer((req, res) => answer(req.url, res)) : http.createServer((req, res) => answer(req.url ?? '', res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    byPath,
    close: () =>
      new Promise<void>((resolve) => {
        if (server instanceof http.Server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const PATHS = ['/a', '/b', '/c'];

async function withFiles<T>(url: string, script: string | null, run: (targets: string, script: string | null) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gb-take-over-'));
  try {
    const targets = join(dir, 'targets.txt');
    writeFileSync(targets, PATHS.map((p) => `GET ${url}${p}\n`).join('\n'));
    let scriptFile: string | null = null;
    if (script !== null) {
      scriptFile = join(dir, 'script.mjs');
      writeFileSync(scriptFile, script);
    }
    return await run(targets, scriptFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `args` (-n n) against a fresh server with the second connection's connect stuck. */
async function runStuck(h2: boolean, args: readonly string[], script: string | null = null) {
  const server = await startServer(h2);
  try {
    return await withFiles(server.url, script, async (targetsFile, scriptFile) => {
      const scriptArgs = scriptFile === null ? [] : ['--script', scriptFile];
      const config = optionsOf(['-q', ...(h2 ? ['--http2'] : []), ...args, '--targets', targetsFile, ...scriptArgs]).config;
      const endpoint: Endpoint = {
        address: '127.0.0.1',
        ipv6: false,
        port: Number(new URL(server.url).port),
        tls: null,
        localAddress: null,
        tunnel: null,
        unixPath: null,
      };
      const { io, stuck, opened } = ioWithStuckConnect(2);
      let runner: ScriptRunner | undefined;
      if (scriptFile !== null) {
        const loaded = await loadScript(scriptFile);
        assert.ok(loaded.ok, loaded.ok ? '' : loaded.error);
        runner = new ScriptRunner(loaded.value, config, 'test', 0);
        assert.equal(await runner.setup(), null);
      }
      const result = await new Engine(config, endpoint, 'test', { io, ...(runner === undefined ? {} : { script: runner }) }).run();
      return {
        result,
        stuck,
        opened: opened(),
        byPath: new Map(server.byPath),
        requestCalls: (runner?.ctx.state['calls'] as number | undefined) ?? 0,
      };
    });
  } finally {
    await server.close();
  }
}

for (const h2 of [false, true]) {
  const protocol = h2 ? 'HTTP/2' : 'HTTP/1.1';
  // 4 slots: the stuck connection holds places 4..7 (targets b c a b), and the taker frees a slot at a time.
  for (const slots of [1, 4]) {
    test(
      `${protocol}, ${slots} slot(s) a connection: requests taken over from a stuck connect keep their targets, so each of 3 gets exactly n/3`,
      { timeout: 30_000 },
      async () => {
        const n = 30;
        const { result, stuck, opened, byPath } = await runStuck(h2, ['-k', '-c', '2', '--pipeline', String(slots), '-n', String(n)]);
        // The take-over happened: the stuck connection gave its socket up without writing a byte.
        assert.equal(stuck.destroyed, true, 'the stuck connect was given up');
        assert.equal(stuck.written, 0);
        assert.equal(opened, 2, 'the free connection served all, on its one socket');
        const c = result.recorder.counters;
        assert.equal(result.stopReason, 'requests');
        assert.equal(c[C.complete], n);
        assert.equal(c[C.failConnect]! + c[C.failReceive]! + c[C.failExceptions]!, 0, 'no failures');
        assert.deepEqual(Object.fromEntries(byPath), { '/a': n / 3, '/b': n / 3, '/c': n / 3 });
        // The per-endpoint rows count the same requests.
        const rows = result.recorder.endpoints;
        assert.ok(rows !== null);
        assert.deepEqual(
          PATHS.map((p) => rows.requests(rows.rowOf(`GET ${p}`))),
          [n / 3, n / 3, n / 3],
        );
      },
    );
  }

  test(
    `${protocol}, --random --seed: each target gets exactly its places among the first n, through a take-over`,
    { timeout: 30_000 },
    async () => {
      const n = 40;
      const { result, stuck, byPath } = await runStuck(h2, [
        '-k',
        '-c',
        '2',
        '--pipeline',
        '4',
        '--random',
        '--seed',
        '7',
        '-n',
        String(n),
      ]);
      assert.equal(stuck.destroyed, true, 'the stuck connect was given up');
      assert.equal(result.recorder.counters[C.complete], n);
      const expected: Record<string, number> = {};
      for (let k = 0; k < n; k++) expected[PATHS[pick(7, k, PATHS.length)]!] = (expected[PATHS[pick(7, k, PATHS.length)]!] ?? 0) + 1;
      assert.deepEqual(Object.fromEntries(byPath), expected);
    },
  );

  test(
    `${protocol}: a script's request() taken over from a stuck connect is sent as built, without another request() call`,
    { timeout: 30_000 },
    async () => {
      const n = 30;
      // request() walks the three targets by its own count. The taker must send the withdrawn requests as
      // built (not draw a request of its own from the targets sequence or the URL), or the shares break.
      const script = `export default {
      request(ctx) { const k = (ctx.state.calls ?? 0); ctx.state.calls = k + 1; return k % 3; },
    };\n`;
      const { result, stuck, byPath, requestCalls } = await runStuck(h2, ['-k', '-c', '2', '--pipeline', '2', '-n', String(n)], script);
      assert.equal(stuck.destroyed, true, 'the stuck connect was given up');
      assert.equal(stuck.written, 0);
      assert.equal(result.recorder.counters[C.complete], n);
      assert.equal(requestCalls, n, 'request() ran once per request');
      assert.deepEqual(Object.fromEntries(byPath), { '/a': n / 3, '/b': n / 3, '/c': n / 3 });
    },
  );
}
