// A real nginx for tests: a config of the test's own on a free loopback port, and its access log to count what it served.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findTool, stopChild } from './tools.js';

export interface TestNginx {
  /** The loopback TCP port; 0 when nginx listens on its unix socket only. */
  readonly port: number;
  /** http://127.0.0.1:PORT, or http://localhost when there is no TCP listener (the URL to give with --unix-socket). */
  readonly url: string;
  /** The unix socket nginx listens on (DIR/nginx.sock), when asked for one; else null. */
  readonly unixSocket: string | null;
  readonly dir: string;
  /** Access-log lines, once the count has held still for 200 ms (nginx logs a request just after answering it). */
  loggedRequests(): Promise<number>;
  /** Access-log lines by request path and method ("GET /a"), once the log has held still; only `protocol`'s lines ("HTTP/2.0") when given. */
  loggedByRequest(protocol?: string): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Where nginx listens: a loopback TCP port, its unix socket (DIR/nginx.sock), or both. */
export type NginxListen = 'tcp' | 'unix' | 'both';

export function canConnect(where: { port: number } | { path: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection('path' in where ? { path: where.path } : { host: '127.0.0.1', port: where.port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface NginxOptions {
  /** Listen with `ssl` (the server block brings ssl_certificate and the rest); the url is then https://. */
  readonly tls?: boolean;
  /** Default 'tcp'. */
  readonly listen?: NginxListen;
  /** Listen with `http2` (nginx 1.22's syntax): h2c with prior knowledge on plain TCP, h2 by ALPN with `tls`. */
  readonly http2?: boolean;
}

/**
 * Starts nginx (tests that call this take their `skip` from requireTool('nginx')) with one worker and `serverBlock` as the body of its one `server { }` (the listen line
 * is added, per `listen`). Everything else is nginx's default, keepalive_requests included, unless `httpBlock` says otherwise.
 */
export async function startNginx(serverBlock: string, httpBlock = '', options: NginxOptions = {}): Promise<TestNginx> {
  const nginxPath = findTool('nginx');
  if (nginxPath === null) throw new Error('nginx is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'gb-nginx-'));
  // Workers drop to 'nobody' when started as root: what they touch must be theirs to use.
  chmodSync(dir, 0o777);
  const listen = options.listen ?? 'tcp';
  const port = listen === 'unix' ? 0 : await freePort();
  const unixSocket = listen === 'tcp' ? null : join(dir, 'nginx.sock');
  const ssl = (options.tls === true ? ' ssl' : '') + (options.http2 === true ? ' http2' : '');
  const listenLines = [
    ...(port === 0 ? [] : [`listen 127.0.0.1:${port}${ssl};`]),
    ...(unixSocket === null ? [] : [`listen unix:${unixSocket}${ssl};`]),
  ].join('\n    ');
  const accessLog = join(dir, 'access.log');
  const config = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${accessLog};
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${httpBlock}
  server {
    ${listenLines}
    ${serverBlock}
  }
}
`;
  const configPath = join(dir, 'nginx.conf');
  writeFileSync(configPath, config);
  const child = spawn(nginxPath, ['-p', `${dir}/`, '-c', configPath, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    await stopChild(child, 'SIGQUIT', exited);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  const ready = async (): Promise<boolean> =>
    (port === 0 || (await canConnect({ port }))) && (unixSocket === null || (await canConnect({ path: unixSocket })));
  while (!(await ready())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not start: ${stderr}`);
    }
    await sleep(20);
  }
  return {
    port,
    url:
      port === 0
        ? `${options.tls === true ? 'https' : 'http'}://localhost`
        : `${options.tls === true ? 'https' : 'http'}://127.0.0.1:${port}`,
    unixSocket,
    dir,
    loggedRequests: async () => {
      const count = (): number => {
        const text = existsSync(accessLog) ? readFileSync(accessLog, 'latin1') : '';
        let lines = 0;
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
        return lines;
      };
      let last = count();
      for (;;) {
        await sleep(200);
        const now = count();
        if (now === last) return now;
        last = now;
      }
    },
    loggedByRequest: async (protocol?: string) => {
      let last = -1;
      let text = '';
      // The same settling as loggedRequests: the count must hold still for 200 ms.
      for (;;) {
        text = existsSync(accessLog) ? readFileSync(accessLog, 'latin1') : '';
        if (text.length === last) break;
        last = text.length;
        await sleep(200);
      }
      const counts = new Map<string, number>();
      // The default "combined" format: ... "METHOD /path HTTP/1.1" status ...
      for (const match of text.matchAll(/"([A-Z]+) (\S+) HTTP\/(1\.[01]|2\.0)"/g)) {
        if (protocol !== undefined && `HTTP/${match[3]}` !== protocol) continue;
        const key = `${match[1]} ${match[2]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    stop,
  };
}
