// A real tinyproxy for tests: a config of the test's own on a free loopback port, in the foreground, stopped after.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { canConnect, freePort } from './nginx.js';
import { findTool, stopChild } from './tools.js';

export interface TestTinyproxy {
  readonly port: number;
  /** tinyproxy's log so far, for a failing assertion's message. */
  log(): string;
  stop(): Promise<void>;
}

export interface TinyproxyOptions {
  /** Ports CONNECT may open tunnels to; tinyproxy's default (none listed) allows every port. */
  readonly connectPorts?: readonly number[];
  /** "user password": tinyproxy then wants Proxy-Authorization: Basic with these. */
  readonly basicAuth?: string;
}

/** Starts tinyproxy (tests that call this take their `skip` from requireTool('tinyproxy')). */
export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<TestTinyproxy> {
  const path = findTool('tinyproxy');
  if (path === null) throw new Error('tinyproxy is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'gb-tinyproxy-'));
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  // MaxClients well above any test's -c: tinyproxy turns clients away beyond it. No Via header, so
  // what reaches the origin is what gb sent, minus the hop-by-hop headers.
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Allow 127.0.0.1',
    'MaxClients 200',
    'Timeout 30',
    `PidFile "${join(dir, 'tinyproxy.pid')}"`,
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'DisableViaHeader Yes',
    ...(options.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
    ...(options.basicAuth === undefined ? [] : [`BasicAuth ${options.basicAuth}`]),
  ];
  const configPath = join(dir, 'tinyproxy.conf');
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  const child = spawn(path, ['-d', '-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = (): string => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async (): Promise<void> => {
    await stopChild(child, 'SIGTERM', exited);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await canConnect({ port }))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const why = `${stderr}${log()}`;
      await stop();
      throw new Error(`tinyproxy did not start: ${why}`);
    }
    await sleep(20);
  }
  return { port, log, stop };
}
