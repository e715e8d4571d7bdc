// A small network of Linux network namespaces for tests: one "host" per namespace, each with its own
// address on one bridge, so several gb processes on one machine look like several machines to a server.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findTool } from './tools.js';

const run = promisify(execFile);

export interface TestNetwork {
  /** Each host's IPv4 address, by the name it was asked for. */
  readonly address: ReadonlyMap<string, string>;
  /** argv that runs `command args...` inside a host's namespace. */
  argv(host: string, command: string, args: readonly string[]): readonly string[];
  /** Deletes every namespace (and with them the bridge and veth pairs); safe to call twice. */
  destroy(): Promise<void>;
}

/** Namespaces of test runs that died before cleaning up (their pid is gone); `after` removes the rest. */
async function removeLeftovers(ip: string): Promise<void> {
  const listed = await run(ip, ['netns', 'list']).catch(() => ({ stdout: '' }));
  for (const line of listed.stdout.split('\n')) {
    const match = /^(gb(\d+)-\S+)/.exec(line);
    if (match === null || isAlive(Number(match[2]))) continue;
    await run(ip, ['netns', 'del', match[1] ?? '']).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Builds the namespaces, or returns why it cannot (not root, no `ip`, no netns support). The bridge
 * lives in a namespace of its own, so the host's firewall and bridge-netfilter rules never see the
 * test's packets, and nothing of the test is left in the root namespace.
 */
export async function buildNetwork(hosts: readonly string[]): Promise<TestNetwork | string> {
  const ip = findTool('ip');
  if (ip === null) return 'ip (iproute2) is not installed';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  await removeLeftovers(ip);
  // Namespace names are global: the pid keeps parallel test runs apart.
  const tag = `gb${process.pid}`;
  const switchNs = `${tag}-sw`;
  const nsOf = (host: string): string => `${tag}-${host}`;
  const made: string[] = [];
  const destroy = async (): Promise<void> => {
    for (const ns of made.splice(0).reverse()) await run(ip, ['netns', 'del', ns]).catch(() => undefined);
  };
  const address = new Map<string, string>();
  try {
    const sh = async (...args: string[]): Promise<void> => {
      await run(ip, args);
    };
    await sh('netns', 'add', switchNs);
    made.push(switchNs);
    await sh('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
    await sh('-n', switchNs, 'link', 'set', 'br0', 'up');
    for (const [i, host] of hosts.entries()) {
      const ns = nsOf(host);
      await sh('netns', 'add', ns);
      made.push(ns);
      const port = `p${i}`;
      await sh('link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', switchNs);
      await sh('-n', switchNs, 'link', 'set', port, 'master', 'br0');
      await sh('-n', switchNs, 'link', 'set', port, 'up');
      const addr = `10.77.0.${i + 1}`;
      await sh('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
      await sh('-n', ns, 'link', 'set', 'eth0', 'up');
      await sh('-n', ns, 'link', 'set', 'lo', 'up');
      address.set(host, addr);
    }
  } catch (e) {
    await destroy();
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    return `cannot build network namespaces: ${stderr.trim()}`;
  }
  return {
    address,
    argv: (host, command, args) => [ip, 'netns', 'exec', nsOf(host), command, ...args],
    destroy,
  };
}
